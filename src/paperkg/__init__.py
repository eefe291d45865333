"""paperkg: ML paper listings in, a knowledge graph of papers, models, datasets, benchmarks and code out.

The Python API (:mod:`paperkg.api`)::

    import paperkg

    result = paperkg.build(["listing.txt"], paperkg.BuildOptions(out="kg"))
    g = result.graph.to_networkx()

Names are imported on first use, so ``import paperkg`` stays cheap for the command line.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_API = {
    "build": "paperkg.api",
    "extract": "paperkg.api",
    "export": "paperkg.api",
    "load": "paperkg.api",
    "query": "paperkg.api",
    "saved_queries": "paperkg.api",
    "diff": "paperkg.api",
    "GraphDiff": "paperkg.changes",
    "BuildOptions": "paperkg.api",
    "BuildResult": "paperkg.api",
    "RunOptions": "paperkg.api",
    "ExtractResult": "paperkg.api",
    "ExportOptions": "paperkg.api",
    "Neo4jTarget": "paperkg.api",
    "QueryResult": "paperkg.api",
    "KnowledgeGraph": "paperkg.graph",
    "Extractor": "paperkg.extraction",
    "Paper": "paperkg.model",
    "PaperExtraction": "paperkg.model",
    "ExtractedEntity": "paperkg.model",
    "Node": "paperkg.model",
    "Edge": "paperkg.model",
    "PaperkgError": "paperkg.errors",
}
__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'paperkg' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value

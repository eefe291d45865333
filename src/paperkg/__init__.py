"""paperkg: ML paper listings in, a knowledge graph of papers, models, datasets, benchmarks and code out."""

__version__ = "0.1.0"

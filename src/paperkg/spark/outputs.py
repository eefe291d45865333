"""The Spark job's extraction and N-Triples outputs, written per partition by Spark's writers.

* Extraction as JSON Lines: each line is what ``paperkg extract`` writes for the paper (the same
  bytes; the order of the lines is the partitions'). As Parquet: the same records, typed
  (:data:`EXTRACTION_SCHEMA`).
* N-Triples: each node's and edge's block as :class:`paperkg.sinks.rdf.RdfSink` writes it (the
  text of :class:`~paperkg.sinks.turtle_blocks.TurtleBlocks`, one per partition), so the lines
  are those of ``paperkg export graph.json nt``.

Each output is a directory of ``part-NNNNN`` files, at any path Spark can write (``file:``,
``hdfs:``, ``s3a:`` ...).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

from paperkg.model import Edge, Node, PaperExtraction
from paperkg.sinks.turtle_blocks import TurtleBlocks
from paperkg.spark.build import GraphItem, kind_of

if TYPE_CHECKING:
    from pyspark import RDD, Broadcast
    from pyspark.sql import SparkSession
    from pyspark.sql.types import StructType

    from paperkg.spark.resolution import SharedResolver

EXTRACTION_FORMATS = ("jsonl", "parquet")


def extraction_records(
    shared: Broadcast[SharedResolver], names: str, items: Iterator[tuple[int, PaperExtraction]]
) -> Iterator[dict[str, Any]]:
    """Each paper's corpus-typed extraction record (:meth:`PaperExtraction.to_json`)."""
    resolver = shared.value.get()
    for _pos, raw in items:
        yield resolver.retype(raw).to_json(names)


def extraction_lines(
    shared: Broadcast[SharedResolver], names: str, items: Iterator[tuple[int, PaperExtraction]]
) -> Iterator[str]:
    """Each paper's ``paperkg extract`` line (without its newline)."""
    for record in extraction_records(shared, names, items):
        yield json.dumps(record, ensure_ascii=False)


def extraction_schema() -> StructType:
    """The Parquet schema of the extraction records (both ``names`` conventions)."""
    from pyspark.sql import types as t

    def strings() -> t.ArrayType:
        return t.ArrayType(t.StringType())

    mention = t.StructType(
        [
            t.StructField(n, t.StringType() if n == "field" else t.LongType())
            for n in ("field", "start", "end")
        ]
    )
    entity = t.StructType(
        [
            *(t.StructField(n, t.StringType()) for n in ("name", "type", "role")),
            t.StructField("confidence", t.DoubleType()),
            t.StructField("aliases", strings()),
            t.StructField("ids", strings()),
            t.StructField("mentions", t.ArrayType(mention)),
        ]
    )
    url = t.StructType([t.StructField("url", t.StringType()), t.StructField("kind", t.StringType())])
    return t.StructType(
        [
            t.StructField("id", t.StringType()),
            t.StructField("title", t.StringType()),
            t.StructField("entities", t.ArrayType(entity)),
            t.StructField("urls", t.ArrayType(url)),
        ]
    )


def write_extraction(
    spark: SparkSession,
    raw: RDD[tuple[int, PaperExtraction]],
    shared: Broadcast[SharedResolver],
    path: str,
    fmt: str = "jsonl",
    names: str = "canonical",
) -> None:
    """Write the corpus-typed extractions to ``path``: JSON Lines or Parquet."""
    if fmt == "parquet":
        records = raw.mapPartitions(partial(extraction_records, shared, names))
        spark.createDataFrame(records, extraction_schema()).write.parquet(path)
    elif fmt == "jsonl":
        raw.mapPartitions(partial(extraction_lines, shared, names)).saveAsTextFile(path)
    else:
        raise ValueError(
            f"unknown extraction format {fmt!r}; expected one of {', '.join(EXTRACTION_FORMATS)}"
        )


def triple_blocks(base_iri: str, items: Iterator[GraphItem]) -> Iterator[str]:
    """Each node's and edge's N-Triples (without the last newline)."""
    sink = TurtleBlocks(io.BytesIO(), base_iri, turtle=False)  # text only: nothing is written
    for item in items:
        if isinstance(item, Node):
            text = sink.node_text(item)
        else:
            assert isinstance(item, Edge)
            sink.know(item.source, kind_of(item.source))
            sink.know(item.target, kind_of(item.target))
            text = sink.edge_text(item)
        yield text.decode().removesuffix("\n")


def write_triples(items: RDD[GraphItem], path: str, base_iri: str) -> None:
    """Write the graph as N-Triples to ``path``."""
    items.mapPartitions(partial(triple_blocks, base_iri)).saveAsTextFile(path)

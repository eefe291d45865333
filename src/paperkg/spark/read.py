"""Reading on Spark: each input file is read by one task with paperkg's readers, and the copies of
one paper are merged exactly as :class:`paperkg.ingest.PaperIndex` merges them on one machine,
without gathering the records on the driver.

A record's *position* is its input's index and its number in that input, packed into one integer
(:func:`position`): the single-machine build numbers records in that order, and papers come out in
the order of their first record, which the corpus-level typing depends on (a tie between two
spellings of a name goes to the one seen first).

Which records are copies. PaperIndex joins records that share an identity key (arXiv id, DOI,
other ids) unless their arXiv ids differ, and places a record known by title only with the one
paper of that title. Records are *linked* here when they share an identity key, or a title when one
of them is known by title only. A connected component of links is self-contained for PaperIndex's
rules (whether a record joins another, or is kept apart, depends only on the records linked to it),
so each component is placed by its own PaperIndex on an executor, on stand-ins that carry only the
identifiers and the title; the component's copies are then merged with
:func:`paperkg.merge.merge_papers`. Records without links, nearly all of a corpus, are papers as
they are (one copy is returned as it is). Components are found in one task by a union-find over the links
(:data:`LINKS_IN_ONE_TASK` of them fit), else by label propagation over the cluster (each record
takes the smallest position among its neighbours' labels until no label changes: a few Spark jobs
a round, as many rounds as the longest chain of links).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from paperkg.identity import identity_keys
from paperkg.ingest import PaperIndex, key_hash, title_hash
from paperkg.merge import merge_papers
from paperkg.model import Paper, Rejection, Source
from paperkg.readers import InputError, Warnings, read_input

if TYPE_CHECKING:
    from pyspark import RDD, SparkContext
    from pyspark.accumulators import Accumulator

    from paperkg.spark.gather import Notes

#: Bits of a position that hold the record's number in its input (inputs of up to 2**40 records).
RECORD_BITS = 40
#: Links between copies that one task joins into components (beyond: label propagation).
LINKS_IN_ONE_TASK = 2_000_000
#: Messages kept per input for the summary (warnings, repairs): the rest are counted.
KEPT_MESSAGES = 100

Positioned = tuple[int, Paper]


def position(index: int, record: int) -> int:
    """The position of record number ``record`` of input ``index``."""
    return (index << RECORD_BITS) | record


def reason_kind(reason: str) -> str:
    """A rejection reason's kind, as the summary groups them ("invalid JSON (…)" -> "invalid JSON")."""
    return reason.split(" (", 1)[0].split(" at byte", 1)[0]


@dataclass
class FileReport:
    """What reading one input gave, for the run's summary (small: counts and a few messages)."""

    index: int
    path: str
    records: int = 0  # records read, rejected ones included
    rejected: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    first_rejection: str | None = None
    repaired: int = 0
    first_repair: str | None = None
    warnings: list[str] = field(default_factory=list)  # the first KEPT_MESSAGES
    more_warnings: int = 0
    error: str | None = None  # the input could not be read (to its end)


def read_file(found: Accumulator[Notes], item: tuple[int, str]) -> Iterator[Positioned]:
    """The papers of input ``item = (index, path)`` by position; its report goes to ``found``."""
    index, path = item
    report = FileReport(index, path)
    warnings = Warnings([])
    try:
        for n, got in enumerate(read_input(path, warnings)):
            report.records += 1
            if isinstance(got, Rejection):
                report.rejected += 1
                report.reasons[reason_kind(got.reason)] += 1
                report.first_rejection = report.first_rejection or got.message()
            else:
                yield position(index, n), got
    except InputError as exc:
        report.error = str(exc)
    report.repaired = len(warnings.repaired)
    report.first_repair = warnings.repaired[0] if warnings.repaired else None
    report.warnings = warnings.messages[:KEPT_MESSAGES]
    report.more_warnings = max(0, len(warnings.messages) - KEPT_MESSAGES)
    found.add([report])


def read_papers(sc: SparkContext, paths: list[str], found: Accumulator[Notes]) -> RDD[Positioned]:
    """Every input read by a task of its own: its papers by position; its report to ``found``
    (once the papers are computed)."""
    return sc.parallelize(list(enumerate(paths)), max(1, len(paths))).flatMap(partial(read_file, found))


# ---------------------------------------------------------------- copies of one paper
def _meets(item: Positioned) -> Iterator[tuple[int, int]]:
    """Where a record may meet another, as ``(point, record)`` integers (cheap to shuffle): a point
    is a 64-bit hash of an identity key, or the title's hash (:func:`paperkg.ingest.title_hash`),
    with a last bit saying which; a record is its position with a last bit saying whether it is
    known by title only. Two keys of one hash only link records that PaperIndex then tells apart."""
    pos, p = item
    keys = identity_keys(p.arxiv_id, p.doi, p.ids)
    for k in set(keys):
        yield key_hash(k) << 1, pos << 1
    h = title_hash(p.title)
    if h:
        yield h << 1 | 1, pos << 1 | (not keys)


def _links(group: tuple[int, Iterable[int]]) -> Iterator[tuple[int, int]]:
    """The links (both ways) between the records of one meeting point, as a star around the
    first: a key that two records share, a title one of them is known by alone."""
    point, found = group
    members = list(found)
    if len(members) < 2 or (point & 1 and not any(m & 1 for m in members)):
        return
    low = min(members) >> 1
    for m in members:
        if m >> 1 != low:
            yield m >> 1, low
            yield low, m >> 1


def _spread(item: tuple[int, tuple[int, int]]) -> tuple[int, int]:
    _pos, (neighbour, label) = item
    return neighbour, label


def propagated_components(links: RDD[tuple[int, int]]) -> RDD[tuple[int, int]]:
    """Each linked record's component, named by its smallest position: label propagation, a few
    Spark jobs a round, as many rounds as the longest chain of links. (Every shuffle names its
    number of partitions: by default a union's, which would double each round.)"""
    width = links.context.defaultParallelism
    labels = links.reduceByKey(min, width).map(lambda kv: (kv[0], min(kv))).persist()
    while True:
        spread = links.join(labels, width).map(_spread)
        new = labels.union(spread).reduceByKey(min, width).persist()
        if new.join(labels, width).filter(lambda kv: kv[1][0] != kv[1][1]).count() == 0:
            labels.unpersist()
            return new
        labels.unpersist()
        labels = new


def joined_components(links: Iterable[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """Each linked record's component, named by its smallest position: union-find over the links
    of one task."""
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        while (up := parent.get(x, x)) != x:
            parent[x] = parent.get(up, up)
            x = up
        return x

    for a, b in links:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)  # the smaller position stays the root
        parent.setdefault(a, a)
        parent.setdefault(b, b)
    for x in parent:
        yield x, root(x)


def components(links: RDD[tuple[int, int]], count: int) -> RDD[tuple[int, int]]:
    """Each linked record's component (``count`` links): in one task when they fit, by label
    propagation over the cluster when they are more than :data:`LINKS_IN_ONE_TASK`."""
    if count <= LINKS_IN_ONE_TASK:
        return links.coalesce(1).mapPartitions(joined_components)
    return propagated_components(links)


def _stand_in(pos: int, p: Paper) -> Paper:
    """What PaperIndex reads of a record (identifiers, title), its position as its source line."""
    return Paper(
        id="", title=p.title, abstract="", source=Source("", pos), arxiv_id=p.arxiv_id, doi=p.doi, ids=p.ids
    )


def place_linked(groups: Iterator[tuple[int, Iterable[Positioned]]]) -> Iterator[tuple[int, Any]]:
    """The papers of one partition's components, each under its first record's position, then
    ``(-1, (titles ambiguous, records kept apart))``. The components' records go through one
    PaperIndex in the order of their positions (components never meet, so sharing it changes
    nothing)."""
    records = sorted((item for _, members in groups for item in members), key=lambda kv: kv[0])
    by_pos = dict(records)
    index = PaperIndex()
    try:
        for pos, p in records:
            index.add(_stand_in(pos, p))
        for placed in index.papers():
            members = sorted(s.line for s in placed.paper.all_sources())
            yield members[0], merge_papers([by_pos[m] for m in members])
        yield -1, (index.ambiguous, index.kept_apart)
    finally:
        index.close()


@dataclass
class Placed:
    """The distinct papers of a corpus by the position of their first record, and PaperIndex's
    counts of what it could not join."""

    papers: RDD[Positioned]
    ambiguous: int = 0
    kept_apart: int = 0


def copy_links(papers: RDD[Positioned]) -> tuple[RDD[tuple[int, int]], int]:
    """The links between the records that may be copies of one paper (persisted), and how many."""
    width = papers.context.defaultParallelism
    links = papers.flatMap(_meets).groupByKey(width).flatMap(_links).persist()  # some twice: no matter
    return links, links.count()


def merge_copies(papers: RDD[Positioned], links: RDD[tuple[int, int]], count: int) -> Placed:
    """The corpus's papers with the copies of each merged, given :func:`copy_links`."""
    if count == 0:
        links.unpersist()
        return Placed(papers)
    width = papers.context.defaultParallelism
    labels = components(links, count)
    joined = papers.leftOuterJoin(labels, width)
    alone = joined.filter(lambda kv: kv[1][1] is None).map(lambda kv: (kv[0], kv[1][0]))
    linked = joined.filter(lambda kv: kv[1][1] is not None).map(lambda kv: (kv[1][1], (kv[0], kv[1][0])))
    placed = linked.groupByKey(width).mapPartitions(place_linked).persist()
    ambiguous, kept_apart = placed.filter(lambda kv: kv[0] < 0).values().fold((0, 0), _add_pairs)
    return Placed(alone.union(placed.filter(lambda kv: kv[0] >= 0)), ambiguous, kept_apart)


def _add_pairs(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    return a[0] + b[0], a[1] + b[1]


# ---------------------------------------------------------------- ranges of positions
class PositionRanges:
    """A partition function: position -> the range it falls in. Ranges hold about equal numbers
    of records and follow each other, so partition ``i`` holds papers that come before those of
    partition ``i + 1``."""

    def __init__(self, records_per_input: list[int], parts: int) -> None:
        total = sum(records_per_input)
        self.bounds: list[int] = []
        starts = [0]
        for n in records_per_input:
            starts.append(starts[-1] + n)
        for j in range(1, parts):
            target = j * total // parts
            i = bisect_right(starts, target) - 1
            self.bounds.append(position(i, target - starts[i]))

    def __call__(self, pos: int) -> int:
        return bisect_right(self.bounds, pos)

"""A Spark accumulator that gathers small records from the tasks into one list on the driver.

Used for what each task tells the driver besides its output (an input's report, a partition's CSV
headers): the task's output stays in Spark, the note comes back with the task's result. A task
that runs again (after a failure or an eviction of its cached result) adds its notes again, so
what is gathered is read as a set or keyed by the task's input. This module imports PySpark: the
others import it only where a job runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pyspark.accumulators import AccumulatorParam

if TYPE_CHECKING:
    from pyspark import SparkContext
    from pyspark.accumulators import Accumulator

Notes = list[Any]


class _Gathered(AccumulatorParam):  # type: ignore[type-arg]
    def zero(self, value: Notes) -> Notes:
        return []

    def addInPlace(self, value1: Notes, value2: Notes) -> Notes:
        value1.extend(value2)
        return value1


def gathered(sc: SparkContext) -> Accumulator[Notes]:
    """An accumulator to which tasks ``add([note, ...])``; its ``value`` is every note added."""
    return sc.accumulator([], _Gathered())

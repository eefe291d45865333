"""paperkg on Apache Spark: the extraction as a map over partitions, the corpus-level typing and
name resolution as aggregations, the outputs written per partition (``pip install paperkg[spark]``).

:func:`run_spark` runs the job (:mod:`paperkg.spark.job`); ``paperkg spark``, ``python -m paperkg.spark``
and ``spark-submit paperkg/spark/__main__.py`` are its command line. Importing this package does not
import PySpark.
"""

from paperkg.spark.job import OUTPUTS, SparkOptions, SparkResult, run_spark

__all__ = ["OUTPUTS", "SparkOptions", "SparkResult", "run_spark"]

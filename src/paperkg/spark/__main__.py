"""``python -m paperkg.spark INPUTS --out PATH``, and the file ``spark-submit`` runs: the command
``paperkg spark``."""

from paperkg.cli_spark import spark

if __name__ == "__main__":
    spark(prog_name="paperkg spark")

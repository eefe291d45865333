"""``python -m paperkg.spark INPUTS --out PATH``, and the file ``spark-submit`` runs."""

import sys

from paperkg.spark.job import main

if __name__ == "__main__":
    sys.exit(main())

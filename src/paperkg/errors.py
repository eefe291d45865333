"""The one base class of paperkg's own errors.

Every error paperkg raises on purpose (bad input, a bad gold file, an unknown query, a sink that
failed...) derives from :class:`PaperkgError`, so a caller can catch them all with one ``except``;
each keeps its older bases too (``ValueError``, ``RuntimeError``...) so code that caught those still
works. The command line turns a ``PaperkgError`` into a one-line message and exit code 1.
"""

from __future__ import annotations


class PaperkgError(Exception):
    """Base class of every paperkg error: its message (first line) is meant for the user."""

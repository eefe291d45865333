"""Shared pieces of the readers: opening inputs as line streams, identity, limits."""

from __future__ import annotations

import gzip
import io
import re
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from paperkg.identity import arxiv_id, title_id, title_key
from paperkg.model import Paper, Rejection

#: Longest abstract kept, in characters; longer ones are truncated with a warning.
MAX_ABSTRACT_CHARS = 20_000
#: Longest title kept, in characters.
MAX_TITLE_CHARS = 1_000
#: Longest input line read, in bytes (a longer line is a rejected record, read in pieces).
MAX_LINE_BYTES = 4 * 1024 * 1024

GZIP_MAGIC = b"\x1f\x8b"
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

#: What a damaged gzip stream raises while it is read.
READ_ERRORS = (OSError, EOFError, zlib.error)

ReadItem = Paper | Rejection

__all__ = ["arxiv_id", "title_id", "title_key"]  # re-exported: the readers' identity helpers


class InputError(Exception):
    """An input that cannot be read at all (missing, a directory, binary, no papers)."""


@dataclass
class Warnings:
    """Non-fatal notes a reader makes (truncated texts); the pipeline reports them."""

    messages: list[str]
    repaired: list[str] = field(default_factory=list)  # "file:line: what was repaired", one a record

    def add(self, msg: str) -> None:
        self.messages.append(msg)

    def repair(self, where: str, what: str) -> None:
        """A record kept after a repair (invalid UTF-8 replaced): a warning, counted apart, and
        fatal under ``--strict``."""
        msg = f"{where}: {what}"
        self.repaired.append(msg)
        self.messages.append(msg)


def open_binary(path: str) -> tuple[BinaryIO, str]:
    """Open ``path`` (or ``-`` for standard input) as a binary stream, un-gzipping when needed.

    Returns the stream and the display name used in messages.
    """
    if path == "-":
        raw: BinaryIO = sys.stdin.buffer
        name = "<stdin>"
    else:
        p = Path(path)
        if not p.exists():
            raise InputError(f"{path}: no such file")
        if p.is_dir():
            raise InputError(f"{path}: is a directory, not a file")
        try:
            raw = open(p, "rb")  # noqa: SIM115 - returned to the caller, closed by it
        except OSError as exc:
            raise InputError(f"{path}: cannot open ({exc.strerror})") from None
        name = path
    buffered = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(raw)  # type: ignore[arg-type]
    if buffered.peek(2)[:2] == GZIP_MAGIC:
        return gzip.GzipFile(fileobj=buffered, mode="rb"), name  # type: ignore[return-value]
    return buffered, name


def iter_lines(stream: BinaryIO, name: str) -> Iterator[tuple[int, bytes]]:
    """Numbered raw lines (1-based), each at most ``MAX_LINE_BYTES``; a longer one is yielded cut
    with its overflow dropped (the caller sees the cut line as a bad record)."""
    n = 0
    try:
        while True:
            line = stream.readline(MAX_LINE_BYTES + 1)
            if not line:
                return
            n += 1
            if n == 1 and line.startswith(UTF8_BOM):
                line = line[len(UTF8_BOM) :]
            if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
                # Skip the rest of this over-long line.
                while True:
                    more = stream.readline(MAX_LINE_BYTES)
                    if not more or more.endswith(b"\n"):
                        break
            yield n, line
    except READ_ERRORS as exc:  # gzip.BadGzipFile is an OSError
        raise InputError(f"{name}: read failed after line {n} ({exc})") from None


def looks_binary(head: bytes) -> bool:
    """Whether ``head`` is binary data: more than 5% control bytes (NUL included). A stray NUL in
    text is not enough (the readers turn NULs into spaces)."""
    if not head:
        return False
    ctrl = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return ctrl / len(head) > 0.05 or head.count(0) > 64


_WS = re.compile(r"\s+")


_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_str(s: str) -> str:
    """``s`` with lone surrogates (from JSON escapes such as ``"\\ud800"``) replaced by U+FFFD,
    so that it can be written as UTF-8."""
    return _SURROGATE.sub("\ufffd", s)


def clean_text(s: str) -> str:
    """Collapse runs of white space (arXiv snapshots wrap lines), turn NULs into spaces and lone
    surrogates into U+FFFD."""
    return _WS.sub(" ", clean_str(s).replace("\x00", " ")).strip()


def cap_text(text: str, limit: int, what: str, where: str, warnings: Warnings) -> str:
    if len(text) <= limit:
        return text
    warnings.add(f"{where}: {what} of {len(text):,} characters truncated to {limit:,}")
    return text[:limit]

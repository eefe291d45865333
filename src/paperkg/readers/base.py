"""Shared pieces of the readers: opening inputs as line streams, identity, limits."""

from __future__ import annotations

import codecs
import datetime as dt
import email.utils
import gzip
import io
import re
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from paperkg.errors import PaperkgError
from paperkg.identity import arxiv_id, title_id
from paperkg.keys import title_key
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


class InputError(PaperkgError):
    """An input that cannot be read at all (missing, a directory, binary, no papers)."""


#: The formats paperkg reads, as the one-line refusal of an unknown input names them.
FORMATS = (
    "Hugging Face page text, JSON Lines or JSON records (arXiv snapshot, Hugging Face API, OpenAlex, "
    "Semantic Scholar, plain), a JSON Feed or an arXiv Atom feed"
)


def not_a_listing(name: str, what: str = "") -> InputError:
    """The one-line refusal of an input in no known format (``what`` says what it is instead)."""
    return InputError(f"{name}: not a paper listing{': ' + what if what else ''}; expected {FORMATS}")


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


def decode_line(raw: bytes) -> tuple[str, int | None]:
    """``raw`` decoded as UTF-8, invalid bytes replaced by U+FFFD, with the offset of the first
    invalid byte (None when there was none)."""
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return raw.decode("utf-8", errors="replace"), exc.start


def repaired_utf8(byte: int, count: int = 1) -> str:
    """The ``what`` of :meth:`Warnings.repair` for invalid UTF-8 first found at ``byte`` of a line."""
    more = f" (and {count - 1} more)" if count > 1 else ""
    return f"invalid UTF-8 at byte {byte}{more} replaced by U+FFFD"


@dataclass(frozen=True)
class BadBytes:
    """Where a stream decoded by :class:`Utf8Repair` held invalid UTF-8."""

    char: int  # offset of its U+FFFD in the decoded text
    line: int  # 1-based line of the input
    byte: int  # offset of the invalid byte in its line


class Utf8Repair:
    """Incremental UTF-8 decoding that replaces each invalid sequence by U+FFFD (as
    ``errors="replace"`` does) and notes where it was, in :attr:`bad`. A leading byte-order mark is
    skipped. Linear in the input however many bytes are invalid."""

    def __init__(self) -> None:
        self.pending = b""
        self.line = 1
        self.col = 0  # bytes since the last newline
        self.chars = 0  # characters produced so far
        self.bad: list[BadBytes] = []
        self._start = True

    def _advance(self, data: bytes | memoryview, lo: int, hi: int) -> None:
        chunk = bytes(data[lo:hi])
        nl = chunk.count(b"\n")
        if nl:
            self.line += nl
            self.col = len(chunk) - chunk.rfind(b"\n") - 1
        else:
            self.col += len(chunk)

    def decode(self, data: bytes, final: bool = False) -> str:
        buf = self.pending + data
        if self._start:
            if len(buf) < len(UTF8_BOM) and UTF8_BOM.startswith(buf) and not final:
                self.pending = buf
                return ""
            self._start = False
            if buf.startswith(UTF8_BOM):
                buf = buf[len(UTF8_BOM) :]
        mv = memoryview(buf)
        out: list[str] = []
        pos = 0
        while pos < len(buf):
            try:
                text, used = codecs.utf_8_decode(mv[pos:], "strict", final)
            except UnicodeDecodeError as exc:
                lo, hi = pos + exc.start, pos + exc.end
                good = codecs.utf_8_decode(mv[pos:lo], "strict", True)[0]
                out.append(good)
                self.chars += len(good)
                self._advance(mv, pos, lo)
                self.bad.append(BadBytes(self.chars, self.line, self.col))
                out.append("\ufffd")
                self.chars += 1
                self.col += hi - lo
                pos = hi
                continue
            out.append(text)
            self.chars += len(text)
            self._advance(mv, pos, pos + used)
            pos += used
            break
        self.pending = bytes(mv[pos:])
        return "".join(out)


_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:$|[T ]|\s)")


def iso_day(value: object) -> str | None:
    """The day (``YYYY-MM-DD``) of an ISO 8601 date or timestamp, or None when it is not one."""
    if not isinstance(value, str):
        return None
    m = _ISO_DAY.match(value)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None


def email_day(value: object) -> str | None:
    """The day (``YYYY-MM-DD``) of an RFC 2822 date (``Mon, 2 Apr 2007 19:18:42 GMT``), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return email.utils.parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None

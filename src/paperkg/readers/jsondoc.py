"""A JSON document read as a stream of records, never held whole.

The top level is an array of records, one record object, objects one after another, or an object
that wraps the list of records (``{"papers": [...]}``, ``{"data": [...]}``, ``{"results": [...]}``,
a JSON Feed's ``{"items": [...]}``). An object is scanned member by member: each key is decoded with
:meth:`json.JSONDecoder.raw_decode`, a wrapped list is read one element at a time, and the other
members (a feed's title, an API page's ``meta`` or ``total``) are decoded and set aside. Text is
decoded with :class:`~paperkg.readers.base.Utf8Repair`: an invalid byte becomes U+FFFD and the record
holding it is kept with a repair warning.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Generator
from typing import Any, BinaryIO

from paperkg.model import Paper, Rejection
from paperkg.readers.base import (
    MAX_LINE_BYTES,
    READ_ERRORS,
    BadBytes,
    InputError,
    ReadItem,
    Utf8Repair,
    Warnings,
    not_a_listing,
    repaired_utf8,
)

#: Keys of an object whose list value holds the records.
WRAPPERS = ("papers", "data", "results", "items")
#: Fields only a record has: an object with one of them is a record even if it holds a wrapper key.
RECORD_ONLY = (
    "abstract",
    "summary",
    "text",
    "abstract_inverted_index",
    "authors_parsed",
    "paperId",
    "paper",
    "content_text",
    "content_html",
)
#: Fields that make an object a record (with a title or not).
RECORD_FIELDS = (*RECORD_ONLY, "title", "display_name", "id", "doi", "arxiv_id")

#: ``to_paper(record, file, line, warnings, hint)``; ``hint`` is "feed" for a JSON Feed's items.
ToPaper = Callable[[Any, str, int, Warnings, str | None], ReadItem]


def wrapper_hint(key: str) -> str | None:
    return "feed" if key == "items" else None


def is_record(obj: dict[str, Any]) -> bool:
    return any(k in obj for k in RECORD_FIELDS)


class _Invalid(Exception):
    """A value that cannot be decoded; its message is the rejection's reason."""


def _skip_ws(buf: str, pos: int) -> int:
    while pos < len(buf) and buf[pos] in " \t\r\n":
        pos += 1
    return pos


#: Bytes read from the stream at a time.
READ_CHUNK = 1 << 20


class _Doc:
    def __init__(self, stream: BinaryIO, name: str, warnings: Warnings, to_paper: ToPaper) -> None:
        self.stream = stream
        self.name = name
        self.warnings = warnings
        self.to_paper = to_paper
        self.utf8 = Utf8Repair()
        self.bad: deque[BadBytes] = deque()
        self.decoder = json.JSONDecoder()
        self.buf = ""
        self.pos = 0
        self.base = 0  # offset in the whole text of buf[0]
        self.done = False
        self.index = 0  # records so far: the "line" of each record is its number
        self.feed = False

    # ------------------------------------------------------------ text
    @property
    def offset(self) -> int:
        return self.base + self.pos

    def fill(self) -> None:
        if self.done:
            return
        try:
            data = self.stream.read(READ_CHUNK)
        except READ_ERRORS as exc:
            raise InputError(f"{self.name}: read failed ({exc})") from None
        text = self.utf8.decode(data, final=not data)
        self.bad.extend(self.utf8.bad)
        self.utf8.bad.clear()
        if not data:
            self.done = True
        self.base += self.pos
        self.buf = self.buf[self.pos :] + text
        self.pos = 0

    def peek(self) -> str:
        """The next non-blank character, with ``pos`` on it; "" at the end."""
        while True:
            self.pos = _skip_ws(self.buf, self.pos)
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if self.done:
                return ""
            self.fill()

    def after_open(self) -> str:
        """The first non-blank character after the one at ``pos``; "" at the end."""
        while True:
            j = _skip_ws(self.buf, self.pos + 1)
            if j < len(self.buf):
                return self.buf[j]
            if self.done:
                return ""
            self.fill()

    def value(self, what: str) -> Any:
        """The JSON value at ``pos``, which moves past it."""
        while True:
            try:
                v, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self.done or len(self.buf) - self.pos > MAX_LINE_BYTES:
                    raise _Invalid(f"invalid JSON in {what} ({exc.msg})") from None
                self.fill()
                continue
            except ValueError as exc:  # an integer of more than 4,300 digits
                raise _Invalid(f"invalid JSON in {what} ({exc})") from None
            except RecursionError:
                raise _Invalid("JSON nested too deeply") from None
            if end == len(self.buf) and not self.done:
                self.fill()  # a number may go on in the next chunk
                continue
            self.pos = end
            return v

    # ------------------------------------------------------------ records
    def record(self, value: Any, start: int, hint: str | None) -> ReadItem:
        self.index += 1
        item = self.to_paper(value, self.name, self.index, self.warnings, hint)
        bad: list[BadBytes] = []
        end = self.offset
        while self.bad and self.bad[0].char < end:
            b = self.bad.popleft()
            if b.char >= start:
                bad.append(b)
            else:
                self.warnings.add(f"{self.name}:{b.line}: {repaired_utf8(b.byte)} (outside any record)")
        if bad and isinstance(item, Paper):
            self.warnings.repair(f"{self.name}:{bad[0].line}", repaired_utf8(bad[0].byte, len(bad)))
        return item

    def leftover(self) -> None:
        """Note invalid bytes outside every record (a feed's title): nothing was kept with them."""
        while self.bad:
            b = self.bad.popleft()
            self.warnings.add(f"{self.name}:{b.line}: {repaired_utf8(b.byte)} (outside any record)")

    def rejection(self, reason: str) -> Rejection:
        return Rejection(self.name, self.index + 1, reason)

    def array(self, hint: str | None) -> Generator[ReadItem, None, bool]:
        """The elements of the array at ``pos``; False when the document cannot be read on."""
        self.pos += 1
        n = 0
        while True:
            c = self.peek()
            if c == "":
                yield self.rejection("JSON array is truncated (no closing ']')")
                return False
            if c == "]":
                self.pos += 1
                return True
            if n:
                if c != ",":
                    yield self.rejection("invalid JSON: expected ',' between array elements")
                    return False
                self.pos += 1
                if self.peek() == "":
                    yield self.rejection("JSON array is truncated (no closing ']')")
                    return False
            n += 1
            start = self.offset
            try:
                v = self.value("array element")
            except _Invalid as exc:
                yield self.rejection(str(exc))
                return False
            yield self.record(v, start, hint)

    def object(self, first: bool) -> Generator[ReadItem, None, bool]:
        """The object at ``pos``: the records of the list it wraps, or itself as one record."""
        start = self.offset
        self.pos += 1
        outer: dict[str, Any] = {}
        listed = False
        n = 0
        try:
            while True:
                c = self.peek()
                if c == "":
                    raise _Invalid("JSON object is truncated (no closing '}')")
                if c == "}":
                    self.pos += 1
                    break
                if n:
                    if c != ",":
                        raise _Invalid("invalid JSON: expected ',' between object members")
                    self.pos += 1
                    c = self.peek()
                n += 1
                if c != '"':
                    raise _Invalid("invalid JSON: expected a key in an object")
                key = self.value("object key")
                if self.peek() != ":":
                    raise _Invalid("invalid JSON: expected ':' after an object key")
                self.pos += 1
                wrapped = (
                    self.peek() == "["
                    and key in WRAPPERS
                    and self.after_open() in "{]"
                    and not any(k in outer for k in RECORD_ONLY)
                )
                if wrapped:
                    listed = True
                    if not (yield from self.array(wrapper_hint(key))):
                        return False
                    continue
                outer[key] = self.value("object member")
                if key == "version" and isinstance(outer[key], str) and "jsonfeed.org" in outer[key]:
                    self.feed = True
        except _Invalid as exc:
            yield self.rejection(str(exc))
            return False
        if listed:
            return True
        if first and (self.feed or not is_record(outer)):
            what = "a JSON Feed with no items" if self.feed else "a JSON object with no paper fields"
            raise not_a_listing(self.name, f"{what} and no list of records")
        yield self.record(outer, start, None)
        return True


def read_json_document(
    stream: BinaryIO, name: str, warnings: Warnings, to_paper: ToPaper
) -> Generator[ReadItem, None, None]:
    doc = _Doc(stream, name, warnings, to_paper)
    c = doc.peek()
    if c == "[":
        if (yield from doc.array(None)):
            doc.leftover()
        return
    if c != "{":
        raise not_a_listing(name, "not a JSON array or object")
    first = True
    while True:
        c = doc.peek()
        if c == "":
            doc.leftover()
            return
        if c == "{":
            if not (yield from doc.object(first)):
                return
        else:
            start = doc.offset
            try:
                v = doc.value("top-level value")
            except _Invalid as exc:
                yield doc.rejection(str(exc))
                return
            yield doc.record(v, start, None)
        first = False

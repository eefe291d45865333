"""JSON Lines and JSON inputs: arXiv metadata snapshot records, the Hugging Face daily papers
API, and plain ``{"id", "title", "abstract"|"text"}`` records.

JSON Lines are read a line at a time; a JSON array is decoded one element at a time
from a sliding buffer, so neither form is held whole in memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from paperkg.model import Paper, Rejection, Source
from paperkg.readers.base import (
    MAX_ABSTRACT_CHARS,
    MAX_LINE_BYTES,
    MAX_TITLE_CHARS,
    READ_ERRORS,
    InputError,
    ReadItem,
    Warnings,
    arxiv_id,
    cap_text,
    clean_str,
    clean_text,
    iter_lines,
    title_id,
)

MAX_DEPTH = 64


def _depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """Nesting depth of a decoded JSON value, stopping at ``limit``."""
    stack = [(value, 1)]
    deepest = 0
    while stack:
        v, d = stack.pop()
        deepest = max(deepest, d)
        if d >= limit:
            return d
        if isinstance(v, dict):
            stack.extend((x, d + 1) for x in v.values())
        elif isinstance(v, list):
            stack.extend((x, d + 1) for x in v)
    return deepest


def _str(v: Any) -> str | None:
    if isinstance(v, str):
        return clean_str(v)
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return str(v)
    return None


def _authors(v: Any) -> tuple[str, ...]:
    if isinstance(v, str):
        return tuple(a for a in (clean_text(x) for x in v.replace(" and ", ", ").split(",")) if a)
    if isinstance(v, list):
        out = []
        for a in v:
            if isinstance(a, str):
                out.append(a)
            elif isinstance(a, dict) and isinstance(a.get("name"), str):
                out.append(a["name"])
            elif isinstance(a, list) and a and all(isinstance(x, str) for x in a):
                out.append(" ".join(reversed([x for x in a if x])))  # arXiv authors_parsed
        return tuple(x for x in map(clean_text, out) if x)
    return ()


def record_to_paper(rec: Any, name: str, line: int, warnings: Warnings) -> ReadItem:
    """One decoded record to a :class:`Paper`, or a :class:`Rejection` saying why not."""
    if not isinstance(rec, dict):
        return Rejection(name, line, f"expected a JSON object, got {type(rec).__name__}")
    if _depth(rec) >= MAX_DEPTH:
        return Rejection(name, line, f"JSON nested deeper than {MAX_DEPTH} levels")
    inner = rec.get("paper")
    hf = isinstance(inner, dict)
    r: dict[str, Any] = {**rec, **inner} if hf else rec  # type: ignore[dict-item]
    title = clean_text(_str(r.get("title")) or "")
    abstract = _str(r.get("abstract"))
    if abstract is None:
        abstract = _str(r.get("summary"))
    if abstract is None:
        # Sentence corpora (plain {"id", "text"} records) have a text and no title.
        abstract = _str(r.get("text")) or ""
        if not title and not (_str(r.get("id")) and clean_text(abstract)):
            return Rejection(name, line, "record has no title")
    elif not title:
        return Rejection(name, line, "record has no title")
    where = f"{name}:{line}"
    title = cap_text(clean_text(title), MAX_TITLE_CHARS, "title", where, warnings)
    abstract = cap_text(clean_text(abstract), MAX_ABSTRACT_CHARS, "abstract", where, warnings)
    rid = _str(r.get("id"))
    aid = arxiv_id(rid) or arxiv_id(_str(r.get("arxiv_id")))
    pid = aid or (clean_text(rid) if rid and clean_text(rid) else title_id(title))
    date = _str(r.get("update_date")) or _str(r.get("publishedAt")) or _str(r.get("date"))
    links = tuple(
        u for u in (_str(r.get("githubRepo")), _str(r.get("projectPage"))) if u and u.startswith("http")
    )
    categories = _str(r.get("categories"))
    return Paper(
        id=pid,
        title=title,
        abstract=abstract,
        source=Source(name, line, date[:10] if date else None),
        authors=_authors(r.get("authors_parsed") or r.get("authors")),
        published=_str(r.get("publishedAt")) or _str(r.get("update_date")),
        arxiv_id=aid,
        doi=_str(r.get("doi")),
        categories=tuple(categories.split()) if categories else (),
        links=links,
    )


def read_jsonl(stream: BinaryIO, name: str, warnings: Warnings) -> Iterator[ReadItem]:
    for n, raw in iter_lines(stream, name):
        if len(raw) > MAX_LINE_BYTES:
            yield Rejection(name, n, f"line longer than {MAX_LINE_BYTES:,} bytes")
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield Rejection(name, n, f"invalid UTF-8 at byte {exc.start}")
            continue
        if not text.strip():
            continue
        try:
            rec = json.loads(text)
        except json.JSONDecodeError as exc:
            yield Rejection(name, n, f"invalid JSON ({exc.msg} at column {exc.colno})")
            continue
        except ValueError as exc:  # an integer of more than 4,300 digits
            yield Rejection(name, n, f"invalid JSON ({exc})")
            continue
        except RecursionError:
            yield Rejection(name, n, "JSON nested too deeply")
            continue
        if isinstance(rec, list) and n == 1 and text.strip().startswith("["):
            # A JSON document on one line holding a list of records.
            for i, item in enumerate(rec, 1):
                yield record_to_paper(item, name, i, warnings)
            continue
        yield record_to_paper(rec, name, n, warnings)


def read_json_array(stream: BinaryIO, name: str, warnings: Warnings) -> Iterator[ReadItem]:
    """A JSON document whose top level is an array of records (or one object)."""
    decoder = json.JSONDecoder()
    reader = _TextChunks(stream, name)
    buf = reader.fill("")
    pos = _skip_ws(buf, 0)
    if pos < len(buf) and buf[pos] == "{":
        array = False  # one object, or objects one after another
    elif pos < len(buf) and buf[pos] == "[":
        array = True
        pos += 1
    else:
        raise InputError(f"{name}: not a JSON array or object")
    index = 0
    while True:
        buf, pos = reader.ensure(buf, pos)
        if pos >= len(buf):
            if array:
                yield Rejection(name, index + 1, "JSON array is truncated (no closing ']')")
            return
        if array and buf[pos] == "]":
            return
        if array and index > 0:
            if buf[pos] != ",":
                yield Rejection(name, index + 1, "invalid JSON: expected ',' between array elements")
                return
            buf, pos = reader.ensure(buf, pos + 1)
        index += 1
        while True:
            try:
                value, pos = decoder.raw_decode(buf, pos)
                break
            except json.JSONDecodeError as exc:
                if reader.done or len(buf) - pos > MAX_LINE_BYTES:
                    yield Rejection(name, index, f"invalid JSON in array element ({exc.msg})")
                    return
                buf, pos = reader.fill(buf[pos:]), 0
            except ValueError as exc:  # an integer of more than 4,300 digits
                yield Rejection(name, index, f"invalid JSON in array element ({exc})")
                return
            except RecursionError:
                yield Rejection(name, index, "JSON nested too deeply")
                return
        yield record_to_paper(value, name, index, warnings)


def _skip_ws(buf: str, pos: int) -> int:
    while pos < len(buf) and buf[pos] in " \t\r\n":
        pos += 1
    return pos


class _TextChunks:
    """Reads a binary stream as UTF-8 text in chunks, appending to a buffer."""

    CHUNK = 1 << 20

    def __init__(self, stream: BinaryIO, name: str) -> None:
        import codecs

        self.stream = stream
        self.name = name
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.done = False

    def fill(self, buf: str) -> str:
        if self.done:
            return buf
        try:
            data = self.stream.read(self.CHUNK)
        except READ_ERRORS as exc:
            raise InputError(f"{self.name}: read failed ({exc})") from None
        try:
            text = self.decoder.decode(data, final=not data)
        except UnicodeDecodeError:
            raise InputError(f"{self.name}: invalid UTF-8 in JSON document") from None
        if not data:
            self.done = True
        return buf + text

    def ensure(self, buf: str, pos: int) -> tuple[str, int]:
        """Drop what was consumed and read until a non-blank character is at ``pos`` (or the end)."""
        buf, pos = buf[pos:], 0
        pos = _skip_ws(buf, pos)
        while pos >= len(buf) and not self.done:
            buf = self.fill(buf[pos:])
            pos = _skip_ws(buf, 0)
        return buf, pos

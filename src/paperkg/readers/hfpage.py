"""Hugging Face Daily Papers page text: header lines, then title and abstract paragraphs in turn.

A paper is a short one-line paragraph (the title) followed by a long paragraph (the
abstract). A short paragraph followed by another short one is page furniture (a
header, a button label), not a paper; a short line matching a date ("May 6")
sets the page date for the papers after it. Lines are read one at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from paperkg.model import Paper, Rejection, Source
from paperkg.readers.base import (
    MAX_ABSTRACT_CHARS,
    MAX_LINE_BYTES,
    MAX_TITLE_CHARS,
    ReadItem,
    Warnings,
    cap_text,
    clean_text,
    iter_lines,
    title_id,
)

#: A title is one line of at most this many characters.
TITLE_MAX = 400
#: An abstract paragraph has at least this many characters and words.
ABSTRACT_MIN_CHARS = 150
ABSTRACT_MIN_WORDS = 20

_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
DATE_LINE = re.compile(
    rf"^(?:(?:{_MONTHS})[a-z]*\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}\s+(?:{_MONTHS})[a-z]*\.?(?:\s+\d{{4}})?|\d{{4}}-\d{{2}}-\d{{2}})$",
    re.I,
)


@dataclass
class _Para:
    text: str
    line: int  # first line number
    lines: int  # number of lines
    bad: str = ""  # why the paragraph cannot be used (invalid UTF-8), with ``bad_line``
    bad_line: int = 0


def is_abstract(text: str) -> bool:
    return len(text) >= ABSTRACT_MIN_CHARS and len(text.split()) >= ABSTRACT_MIN_WORDS


def is_title(p: _Para) -> bool:
    return p.lines == 1 and 0 < len(p.text) <= TITLE_MAX and not is_abstract(p.text)


def _paragraphs(stream: BinaryIO, name: str) -> Iterator[_Para]:
    buf: list[str] = []
    start = 0
    bad, bad_line = "", 0
    for n, raw in iter_lines(stream, name):
        if len(raw) > MAX_LINE_BYTES and not bad:
            bad, bad_line = f"line longer than {MAX_LINE_BYTES:,} bytes; paragraph skipped", n
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            if not bad:
                bad, bad_line = f"invalid UTF-8 at byte {exc.start}; paragraph skipped", n
            text = raw.decode("utf-8", errors="replace")
        # CR alone ends a line too (old Mac text); CRLF is one line end.
        for line in text.rstrip("\r\n").split("\r"):
            if line.strip():
                if not buf:
                    start = n
                buf.append(line.strip())
            elif buf:
                yield _Para(" ".join(buf), start, len(buf), bad, bad_line)
                buf = []
                bad, bad_line = "", 0
    if buf:
        yield _Para(" ".join(buf), start, len(buf), bad, bad_line)


def read_hf_page(stream: BinaryIO, name: str, warnings: Warnings) -> Iterator[ReadItem]:
    date: str | None = None
    pending: _Para | None = None  # a title candidate waiting for its abstract
    swallow = False  # the abstract that follows a rejected title belongs to that rejected record
    for para in _paragraphs(stream, name):
        abstract_like = not is_title(para) and is_abstract(para.text)
        if swallow:
            swallow = False
            if abstract_like and not para.bad:
                continue
        if para.bad:
            # One record (a title with its abstract) with invalid UTF-8 is one rejection.
            yield Rejection(name, para.bad_line, para.bad)
            swallow = is_title(para)
            pending = None
            continue
        if pending is not None and abstract_like:
            title = cap_text(
                clean_text(pending.text), MAX_TITLE_CHARS, "title", f"{name}:{pending.line}", warnings
            )
            abstract = cap_text(
                clean_text(para.text), MAX_ABSTRACT_CHARS, "abstract", f"{name}:{para.line}", warnings
            )
            yield Paper(
                id=title_id(title),
                title=title,
                abstract=abstract,
                source=Source(name, pending.line, date),
            )
            pending = None
            continue
        if para.lines == 1 and DATE_LINE.match(para.text.strip()):
            date = para.text.strip()
            pending = None
            continue
        if abstract_like:
            yield Rejection(name, para.line, "an abstract paragraph with no title line before it; skipped")
        pending = para if is_title(para) else None

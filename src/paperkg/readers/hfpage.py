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


def is_abstract(text: str) -> bool:
    return len(text) >= ABSTRACT_MIN_CHARS and len(text.split()) >= ABSTRACT_MIN_WORDS


def is_title(p: _Para) -> bool:
    return p.lines == 1 and 0 < len(p.text) <= TITLE_MAX and not is_abstract(p.text)


def _paragraphs(stream: BinaryIO, name: str, bad: list[Rejection]) -> Iterator[_Para]:
    buf: list[str] = []
    start = 0
    for n, raw in iter_lines(stream, name):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad.append(Rejection(name, n, f"invalid UTF-8 at byte {exc.start}; line skipped"))
            line = raw.decode("utf-8", errors="replace")
        line = line.rstrip("\r\n")
        if line.strip():
            if not buf:
                start = n
            buf.append(line.strip())
        elif buf:
            yield _Para(" ".join(buf), start, len(buf))
            buf = []
    if buf:
        yield _Para(" ".join(buf), start, len(buf))


def read_hf_page(stream: BinaryIO, name: str, warnings: Warnings) -> Iterator[ReadItem]:
    bad: list[Rejection] = []
    date: str | None = None
    pending: _Para | None = None  # a title candidate waiting for its abstract
    for para in _paragraphs(stream, name, bad):
        yield from bad
        bad.clear()
        if pending is not None and not is_title(para) and is_abstract(para.text):
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
        if not is_title(para) and is_abstract(para.text):
            yield Rejection(name, para.line, "an abstract paragraph with no title line before it; skipped")
        pending = para if is_title(para) else None
    yield from bad

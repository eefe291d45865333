"""Readers: each input format is a generator of :class:`~paperkg.model.Paper` (or
:class:`~paperkg.model.Rejection`) read from a binary stream.

``read_input(path)`` picks the reader from the file's extension and its first bytes;
``-`` is standard input and gzip is recognized by its magic bytes. An input in no known format is
refused with one line naming the formats paperkg reads.

Modules: :mod:`~paperkg.readers.hfpage` (page text), :mod:`~paperkg.readers.jsonrec` (JSON Lines and
JSON documents, each record read by its format's module: :mod:`~paperkg.readers.arxiv_snapshot`,
:mod:`~paperkg.readers.hfapi`, :mod:`~paperkg.readers.openalex`, :mod:`~paperkg.readers.s2`,
:mod:`~paperkg.readers.jsonfeed`, :mod:`~paperkg.readers.plain`), :mod:`~paperkg.readers.atom` (arXiv
Atom feeds). :mod:`~paperkg.readers.rdf` reads a graph back from paperkg's own RDF export (a graph, not
papers, so it is not one of the inputs above).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import BinaryIO

from paperkg.readers.atom import read_arxiv_atom
from paperkg.readers.base import (
    READ_ERRORS,
    UTF16_BOMS,
    InputError,
    ReadItem,
    Warnings,
    looks_binary,
    open_binary,
)
from paperkg.readers.hfpage import read_hf_page
from paperkg.readers.jsonrec import read_json_array, read_json_feed, read_jsonl, wrapped

Reader = Callable[[BinaryIO, str, Warnings], Iterator[ReadItem]]

READERS: dict[str, Reader] = {
    "hf-page": read_hf_page,
    "jsonl": read_jsonl,
    "json": read_json_array,
    "json-feed": read_json_feed,
    "atom": read_arxiv_atom,
}

_JSON_FEED = re.compile(rb'^\s*\{[^\[]*?"version"\s*:\s*"https?://jsonfeed\.org/version/', re.S)

__all__ = ["READERS", "InputError", "Warnings", "detect_format", "read_input"]


def detect_format(path: str, head: bytes) -> str:
    """The reader name for ``path`` whose first bytes (decompressed) are ``head``."""
    if head.startswith(UTF16_BOMS):
        raise InputError(f"{path}: UTF-16 text; paperkg reads UTF-8 (convert the file to UTF-8)")
    if looks_binary(head):
        raise InputError(f"{path}: binary data, not a paper listing (text, JSON or JSON Lines)")
    name = path.lower().removesuffix(".gz")
    body = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    first = body[:1]
    if body.startswith((b"<?xml", b"<feed", b"<!DOCTYPE feed")) or name.endswith((".xml", ".atom")):
        return "atom"
    if first == b"{" and _JSON_FEED.match(body):
        return "json-feed"
    if name.endswith(".jsonl") or name.endswith(".ndjson"):
        return "jsonl"
    if first == b"[":
        return "json"
    if first == b"{":
        line = body.split(b"\n", 1)[0]
        try:
            value = json.loads(line)
            # One object that wraps the records (an API page on one line) is a JSON document.
            return "json" if wrapped(value) and not body[len(line) :].strip() else "jsonl"
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
            # A broken first record of JSON Lines ends like an object; a pretty-printed object does not.
            return "jsonl" if line.rstrip().endswith(b"}") or name.endswith(".jsonl") else "json"
    if name.endswith(".json"):
        return "json"
    return "hf-page"


def read_input(path: str, warnings: Warnings, fmt: str | None = None) -> Iterator[ReadItem]:
    """Yield the papers and rejections of one input, streaming."""
    stream, name = open_binary(path)
    try:
        try:
            head = stream.peek(64 * 1024)[: 64 * 1024] if hasattr(stream, "peek") else b""
        except READ_ERRORS as exc:
            raise InputError(f"{name}: cannot read ({exc})") from None
        if not head.strip():
            raise InputError(f"{name}: empty input, no papers")
        reader = READERS[fmt or detect_format(name, head)]
        yield from reader(stream, name, warnings)
    finally:
        if stream is not None and name != "<stdin>":
            stream.close()

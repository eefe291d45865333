"""JSON Lines and JSON inputs. Each record's format is decided by its fields
(:func:`record_format`) and read by that format's one record-to-paper function:

- OpenAlex works (:mod:`~paperkg.readers.openalex`): ``abstract_inverted_index``, ``authorships`` or
  an OpenAlex id;
- Semantic Scholar papers (:mod:`~paperkg.readers.s2`): ``paperId``;
- the Hugging Face API (:mod:`~paperkg.readers.hfapi`): a ``paper`` object, ``submittedOnDailyAt``,
  ``ai_keywords``, ``ai_summary``, ``githubRepo``, ``projectPage`` or ``upvotes``;
- arXiv snapshot records (:mod:`~paperkg.readers.arxiv_snapshot`): ``authors_parsed``, ``versions``
  or ``update_date``;
- JSON Feed items (:mod:`~paperkg.readers.jsonfeed`): a feed's ``items``, or ``content_text``,
  ``content_html``, ``date_published``, ``external_url``;
- anything else with a title: a plain record (:mod:`~paperkg.readers.plain`).

JSON Lines are read a line at a time (a line holding a list, or an object wrapping one, gives each of
its records); a JSON document is read one record at a time (:mod:`~paperkg.readers.jsondoc`), so
neither form is held whole in memory. Invalid UTF-8 becomes U+FFFD and the record is kept, with a
repair warning.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from paperkg.model import Paper, Rejection
from paperkg.readers import arxiv_snapshot, hfapi, jsonfeed, openalex, plain, s2
from paperkg.readers.base import (
    MAX_LINE_BYTES,
    ReadItem,
    Warnings,
    decode_line,
    iter_lines,
    repaired_utf8,
)
from paperkg.readers.jsondoc import RECORD_ONLY, WRAPPERS, read_json_document, wrapper_hint

MAX_DEPTH = 64

RecordToPaper = Callable[[dict[str, Any], str, int, Warnings], ReadItem]

#: The record-to-paper function of each JSON record format.
FORMATS: dict[str, RecordToPaper] = {
    "openalex": openalex.openalex_to_paper,
    "s2": s2.s2_to_paper,
    "hf-api": hfapi.hf_api_to_paper,
    "arxiv-snapshot": arxiv_snapshot.snapshot_to_paper,
    "json-feed-item": jsonfeed.feed_item_to_paper,
    "plain": plain.plain_to_paper,
}


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


def record_format(rec: dict[str, Any], hint: str | None = None) -> str:
    """The format of one record, from its fields (``hint`` "feed": it is an item of a JSON Feed)."""
    if isinstance(rec.get("paper"), dict):
        return "hf-api"
    if s2.is_s2(rec):
        return "s2"
    if openalex.is_openalex(rec):
        return "openalex"
    if any(k in rec for k in arxiv_snapshot.SIGNS):
        return "arxiv-snapshot"
    if hfapi.is_hf(rec):
        return "hf-api"
    if jsonfeed.is_feed_item(rec) or (hint == "feed" and not any(k in rec for k in ("abstract", "text"))):
        return "json-feed-item"
    return "plain"


def record_to_paper(rec: Any, name: str, line: int, warnings: Warnings, hint: str | None = None) -> ReadItem:
    """One decoded record to a :class:`Paper`, or a :class:`Rejection` saying why not."""
    if not isinstance(rec, dict):
        return Rejection(name, line, f"expected a JSON object, got {type(rec).__name__}")
    if _depth(rec) >= MAX_DEPTH:
        return Rejection(name, line, f"JSON nested deeper than {MAX_DEPTH} levels")
    return FORMATS[record_format(rec, hint)](rec, name, line, warnings)


def wrapped(rec: Any) -> tuple[list[Any], str | None] | None:
    """The records of an object that wraps them (``{"results": [...]}``, a JSON Feed), else None."""
    if not isinstance(rec, dict) or any(k in rec for k in RECORD_ONLY):
        return None
    for key in WRAPPERS:
        v = rec.get(key)
        if isinstance(v, list) and (not v or isinstance(v[0], dict)):
            return v, wrapper_hint(key)
    return None


def read_jsonl(stream: BinaryIO, name: str, warnings: Warnings) -> Iterator[ReadItem]:
    for n, raw in iter_lines(stream, name):
        if len(raw) > MAX_LINE_BYTES:
            yield Rejection(name, n, f"line longer than {MAX_LINE_BYTES:,} bytes")
            continue
        text, bad = decode_line(raw)
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
        records: list[Any] = [rec]
        hint = None
        numbered = False  # the records of line 1 are numbered as a JSON document's are
        if isinstance(rec, list) and n == 1 and text.strip().startswith("["):
            records, numbered = rec, True  # a JSON document on one line holding a list of records
        elif (w := wrapped(rec)) is not None:
            (records, hint), numbered = w, n == 1  # an API page or a JSON Feed on one line
        for i, item in enumerate(records, 1):
            got = record_to_paper(item, name, i if numbered else n, warnings, hint)
            if bad is not None and isinstance(got, Paper):
                warnings.repair(f"{name}:{n}", repaired_utf8(bad))
            yield got


def read_json_array(stream: BinaryIO, name: str, warnings: Warnings) -> Iterator[ReadItem]:
    """A JSON document: an array of records, one record, or an object wrapping the records."""
    return read_json_document(stream, name, warnings, record_to_paper)


def read_json_feed(stream: BinaryIO, name: str, warnings: Warnings) -> Iterator[ReadItem]:
    """A JSON Feed: each of its ``items`` a paper (read as any JSON document, which finds them)."""
    return read_json_document(stream, name, warnings, record_to_paper)

"""What every record-to-paper function shares: reading loosely typed JSON fields, and making the
:class:`~paperkg.model.Paper` (capped texts, the paper id from :func:`paperkg.identity.paper_id`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from paperkg import identity
from paperkg.model import Paper, Rejection, Source
from paperkg.readers.base import (
    MAX_ABSTRACT_CHARS,
    MAX_TITLE_CHARS,
    ReadItem,
    Warnings,
    cap_text,
    clean_str,
    clean_text,
)


def text(v: Any) -> str | None:
    """A string field as a string (numbers as their digits), else None."""
    if isinstance(v, str):
        return clean_str(v)
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return str(v)
    return None


def obj(v: Any) -> dict[str, Any]:
    """A field that should hold an object: it, or an empty one."""
    return v if isinstance(v, dict) else {}


def objs(v: Any) -> list[dict[str, Any]]:
    """A field that should hold a list of objects: its objects."""
    return [x for x in v if isinstance(x, dict)] if isinstance(v, list) else []


def texts(v: Any) -> list[str]:
    """A field that should hold a list of strings: its strings, cleaned, the empty ones dropped."""
    if not isinstance(v, list):
        return []
    return [t for t in (clean_text(x) for x in v if isinstance(x, str)) if t]


def unique(values: Iterable[str]) -> tuple[str, ...]:
    """``values`` cleaned, without empty ones and repeats, in their first order."""
    seen: dict[str, None] = {}
    for v in values:
        c = clean_text(v)
        if c:
            seen.setdefault(c, None)
    return tuple(seen)


def make_paper(
    name: str,
    line: int,
    warnings: Warnings,
    *,
    title: str | None,
    abstract: str | None,
    arxiv: str | None = None,
    doi: str | None = None,
    ids: Iterable[str] = (),
    date: str | None = None,
    untitled: bool = False,
    **fields: Any,
) -> ReadItem:
    """The paper of one record, or the rejection of a record without a title.

    ``arxiv`` and ``doi`` are taken in their normal forms (:mod:`paperkg.identity`); an arXiv DOI is
    the arXiv id, not a DOI. ``date`` is the listing date of the :class:`Source`; ``fields`` are the
    other :class:`Paper` fields. ``untitled`` keeps a record without a title (a sentence of a
    sentence corpus, known by its id).
    """
    title = clean_text(title or "")
    if not title and not untitled:
        return Rejection(name, line, "record has no title")
    where = f"{name}:{line}"
    title = cap_text(title, MAX_TITLE_CHARS, "title", where, warnings)
    abstract = cap_text(clean_text(abstract or ""), MAX_ABSTRACT_CHARS, "abstract", where, warnings)
    aid = identity.arxiv_id(arxiv) if arxiv else None
    d = identity.doi(doi)
    if d and identity.doi_arxiv_id(d):
        aid = aid or identity.doi_arxiv_id(d)
        d = None
    ids = unique(ids)
    return Paper(
        id=identity.paper_id(aid, d, ids, title),
        title=title,
        abstract=abstract,
        source=Source(name, line, date),
        arxiv_id=aid,
        doi=d,
        ids=ids,
        **fields,
    )

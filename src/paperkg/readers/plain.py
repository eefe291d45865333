"""Plain JSON records: ``{"id", "title", "abstract" | "summary" | "text"}``, and any record with a
title in no better-known shape.

Fields: ``id`` (an arXiv id, else the record's own id: ``Paper.ids`` ``id:<id>``, which is then the
paper's id), ``arxiv_id``, ``doi``, ``title``, ``abstract`` / ``summary`` / ``text``, ``authors`` (a
string ``"A, B and C"`` or a list of names or ``{"name"}`` objects), ``categories`` (space
separated), ``published`` / ``publishedAt`` (the publication day) and ``date`` (the listing date).
"""

from __future__ import annotations

from typing import Any

from paperkg import identity
from paperkg.model import Rejection
from paperkg.readers.base import ReadItem, Warnings, clean_text, iso_day
from paperkg.readers.records import make_paper, text


def authors_of(v: Any) -> tuple[str, ...]:
    """Names from a string ``"A, B and C"`` or a list of names or ``{"name"}`` objects."""
    if isinstance(v, str):
        return tuple(a for a in (clean_text(x) for x in v.replace(" and ", ", ").split(",")) if a)
    if isinstance(v, list):
        out = []
        for a in v:
            if isinstance(a, str):
                out.append(a)
            elif isinstance(a, dict) and isinstance(a.get("name"), str):
                out.append(a["name"])
        return tuple(x for x in map(clean_text, out) if x)
    return ()


def plain_to_paper(r: dict[str, Any], name: str, line: int, warnings: Warnings) -> ReadItem:
    title = text(r.get("title"))
    abstract = text(r.get("abstract"))
    if abstract is None:
        abstract = text(r.get("summary"))
    rid = clean_text(text(r.get("id")) or "")
    untitled = False
    if abstract is None:
        # Sentence corpora (plain {"id", "text"} records) have a text and no title: the id serves.
        abstract = text(r.get("text")) or ""
        untitled = bool(rid and clean_text(abstract))
    if not clean_text(title or "") and not untitled:
        return Rejection(name, line, "record has no title")
    aid = identity.arxiv_id(rid) or identity.arxiv_id(text(r.get("arxiv_id")))
    date = text(r.get("date"))
    categories = text(r.get("categories"))
    return make_paper(
        name,
        line,
        warnings,
        title=title,
        abstract=abstract,
        untitled=untitled,
        arxiv=aid,
        doi=text(r.get("doi")),
        ids=(f"id:{rid}",) if rid and not identity.arxiv_id(rid) else (),
        date=clean_text(date)[:10] or None if date else None,
        authors=authors_of(r.get("authors")),
        published=iso_day(r.get("published")) or iso_day(r.get("publishedAt")),
        categories=tuple(categories.split()) if categories else (),
    )

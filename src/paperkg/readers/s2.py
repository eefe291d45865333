"""Semantic Scholar Graph API papers: JSON Lines, a list, or the API's ``{"data": [...]}`` and
``{"total", "offset", "next", "data": [...]}`` pages.

Fields: ``paperId`` (``Paper.ids`` ``s2:<paperId>``), ``externalIds.ArXiv`` (the arXiv id),
``externalIds.DOI`` (an arXiv DOI is the arXiv id), ``title``, ``abstract`` (often null: an empty
abstract), ``authors[].name`` and ``publicationDate`` (the ``published`` day). A ``year`` alone is
no day: ``published`` stays None. ``venue``, ``url`` and the other ids are not kept.
"""

from __future__ import annotations

from typing import Any

from paperkg.readers.base import ReadItem, Warnings, clean_text, iso_day
from paperkg.readers.plain import authors_of
from paperkg.readers.records import make_paper, obj, text


def is_s2(r: dict[str, Any]) -> bool:
    return "paperId" in r


def s2_to_paper(r: dict[str, Any], name: str, line: int, warnings: Warnings) -> ReadItem:
    ext = obj(r.get("externalIds"))
    pid = clean_text(text(r.get("paperId")) or "")
    return make_paper(
        name,
        line,
        warnings,
        title=text(r.get("title")),
        abstract=text(r.get("abstract")),
        arxiv=text(ext.get("ArXiv")),
        doi=text(ext.get("DOI")),
        ids=(f"s2:{pid}",) if pid else (),
        authors=authors_of(r.get("authors")),
        published=iso_day(r.get("publicationDate")),
    )

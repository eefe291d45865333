"""The Hugging Face papers API: the daily papers list (``[{"paper": {...}, "publishedAt", "title",
"summary", "submittedOnDailyAt"?, ...}]``) and the single paper (``/api/papers/ID``, the paper
object itself).

Fields of the paper (the outer object's where the paper lacks them): ``id`` (the arXiv id),
``title``, ``summary`` (the abstract; ``ai_summary`` is the site's generated summary, never used),
``authors[].name``, ``publishedAt`` (the ``published`` day), ``submittedOnDailyAt`` (the day of the
daily listing: the source's date), ``githubRepo`` and ``projectPage`` (``links``),
``ai_keywords`` (``keywords``, as given) and ``upvotes``.
"""

from __future__ import annotations

from typing import Any

from paperkg import identity
from paperkg.readers.base import ReadItem, Warnings, clean_text, iso_day
from paperkg.readers.plain import authors_of
from paperkg.readers.records import make_paper, text, texts

#: Fields only the Hugging Face API gives (with a ``paper`` object, which only it has).
SIGNS = ("submittedOnDailyAt", "ai_keywords", "ai_summary", "githubRepo", "projectPage", "upvotes")


def is_hf(r: dict[str, Any]) -> bool:
    return isinstance(r.get("paper"), dict) or any(k in r for k in SIGNS)


def _first(paper: dict[str, Any], outer: dict[str, Any], key: str) -> Any:
    v = paper.get(key)
    return outer.get(key) if v is None else v


def hf_api_to_paper(r: dict[str, Any], name: str, line: int, warnings: Warnings) -> ReadItem:
    p: dict[str, Any] = r["paper"] if isinstance(r.get("paper"), dict) else r
    rid = clean_text(text(p.get("id")) or "")
    aid = identity.arxiv_id(rid)
    upvotes = _first(p, r, "upvotes")
    links = tuple(
        u
        for u in (text(_first(p, r, "githubRepo")), text(_first(p, r, "projectPage")))
        if u and u.startswith(("http://", "https://"))
    )
    return make_paper(
        name,
        line,
        warnings,
        title=text(_first(p, r, "title")),
        abstract=text(_first(p, r, "summary")),
        arxiv=aid,
        ids=(f"id:{rid}",) if rid and not aid else (),
        date=iso_day(_first(p, r, "submittedOnDailyAt")),
        authors=authors_of(p.get("authors")),
        published=iso_day(p.get("publishedAt")),
        links=links,
        keywords=tuple(texts(_first(p, r, "ai_keywords"))),
        upvotes=upvotes if isinstance(upvotes, int) and not isinstance(upvotes, bool) else None,
    )

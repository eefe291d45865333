"""OpenAlex works: the snapshot's JSON Lines and the API's ``{"meta", "results": [...]}`` pages.

Fields: ``id`` (``https://openalex.org/W…``: ``Paper.ids`` ``openalex:W…``), ``doi`` (or
``ids.doi``; an arXiv DOI ``10.48550/arXiv.<id>`` is the arXiv id), ``title`` (or
``display_name``), ``abstract_inverted_index`` (``{"word": [positions]}``, rebuilt into the
abstract), ``publication_date`` (the ``published`` day; a ``publication_year`` alone is no day),
``authorships[].author.display_name`` (``authors``) and ``authorships[].institutions[].display_name``
(``affiliations``; an authorship without institutions gives its ``raw_affiliation_strings``), the
arXiv id of an arXiv location (``primary_location``, ``best_oa_location``, ``locations[]``: their
``landing_page_url`` or ``pdf_url``), and ``keywords[].display_name`` (``keywords``). Concepts and
topics are OpenAlex's classification of the work, not the source's own words: left out.
"""

from __future__ import annotations

import re
from typing import Any

from paperkg import identity
from paperkg.readers.base import MAX_ABSTRACT_CHARS, ReadItem, Warnings, clean_text, iso_day
from paperkg.readers.records import make_paper, obj, objs, text, texts, unique

_WORK = re.compile(r"^(?:https?://(?:api\.)?openalex\.org/(?:works/)?)?(W\d+)$", re.I)
#: Most word positions rebuilt (a hostile index cannot make a huge abstract).
MAX_POSITIONS = MAX_ABSTRACT_CHARS


def openalex_work(v: Any) -> str | None:
    """``W2741809807`` from an OpenAlex work id or URL, else None."""
    m = _WORK.match(v.strip()) if isinstance(v, str) else None
    return m[1].upper() if m else None


def is_openalex(r: dict[str, Any]) -> bool:
    return (
        "abstract_inverted_index" in r
        or "authorships" in r
        or bool(openalex_work(r.get("id")))
        or bool(openalex_work(obj(r.get("ids")).get("openalex")))
    )


def inverted_abstract(index: Any) -> str:
    """The text of an abstract inverted index: each word at its positions, in order."""
    if not isinstance(index, dict):
        return ""
    at: dict[int, str] = {}
    for word, positions in index.items():
        if not isinstance(positions, list):
            continue
        for p in positions:
            if isinstance(p, int) and not isinstance(p, bool) and p >= 0 and len(at) < MAX_POSITIONS:
                at[p] = word
    return " ".join(at[p] for p in sorted(at))


def _arxiv_location(r: dict[str, Any]) -> str | None:
    locations = [obj(r.get("primary_location")), obj(r.get("best_oa_location")), *objs(r.get("locations"))]
    for loc in locations:
        for key in ("landing_page_url", "pdf_url"):
            aid = identity.arxiv_id(text(loc.get(key)))
            if aid:
                return aid
    return None


def openalex_to_paper(r: dict[str, Any], name: str, line: int, warnings: Warnings) -> ReadItem:
    ids = obj(r.get("ids"))
    work = openalex_work(r.get("id")) or openalex_work(ids.get("openalex"))
    doi = text(r.get("doi")) or text(ids.get("doi"))
    authors: list[str] = []
    affiliations: list[str] = []
    for a in objs(r.get("authorships")):
        n = text(obj(a.get("author")).get("display_name")) or text(a.get("raw_author_name"))
        if n and clean_text(n):
            authors.append(clean_text(n))
        insts = [i for i in (text(x.get("display_name")) for x in objs(a.get("institutions"))) if i]
        affiliations.extend(insts or texts(a.get("raw_affiliation_strings")))
    return make_paper(
        name,
        line,
        warnings,
        title=text(r.get("title")) or text(r.get("display_name")),
        abstract=inverted_abstract(r.get("abstract_inverted_index")),
        arxiv=identity.doi_arxiv_id(doi) or _arxiv_location(r),
        doi=doi,
        ids=(f"openalex:{work}",) if work else (),
        authors=tuple(authors),
        affiliations=unique(affiliations),
        published=iso_day(r.get("publication_date")),
        keywords=unique(text(k.get("display_name")) or "" for k in objs(r.get("keywords"))),
    )

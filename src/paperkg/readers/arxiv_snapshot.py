"""arXiv metadata snapshot records (Kaggle's ``arxiv-metadata-oai-snapshot``), one JSON object a line.

Fields: ``id`` (the arXiv id), ``title``, ``abstract``, ``authors_parsed`` (``[last, first, suffix,
affiliation...]`` each: the name "first last suffix", the affiliations in ``Paper.affiliations``;
the ``authors`` string when it is missing), ``categories`` (space separated), ``doi`` (the first DOI
of the field, any others in ``Paper.ids`` as ``doi:…``; an arXiv DOI is the arXiv id),
``versions[0].created`` (an RFC 2822 date) the ``published`` day and ``update_date`` the ``updated``
day. The snapshot is no listing: its papers have no listing date.
"""

from __future__ import annotations

from typing import Any

from paperkg import identity
from paperkg.readers.base import ReadItem, Warnings, clean_text, email_day, iso_day
from paperkg.readers.plain import authors_of
from paperkg.readers.records import make_paper, objs, text, unique

#: Fields only a snapshot record has.
SIGNS = ("authors_parsed", "versions", "update_date")


def parsed_authors(v: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Names ("First Last Suffix") and affiliations (deduplicated) from ``authors_parsed``."""
    names: list[str] = []
    affiliations: list[str] = []
    if not isinstance(v, list):
        return (), ()
    for a in v:
        if not isinstance(a, list):
            continue
        parts = [clean_text(x) if isinstance(x, str) else "" for x in a]
        last, first, suffix = [*parts, "", "", ""][:3]
        name = " ".join(x for x in (first, last, suffix) if x)
        if name:
            names.append(name)
        affiliations.extend(parts[3:])
    return tuple(names), unique(affiliations)


def snapshot_to_paper(r: dict[str, Any], name: str, line: int, warnings: Warnings) -> ReadItem:
    rid = clean_text(text(r.get("id")) or "")
    aid = identity.arxiv_id(rid)
    authors, affiliations = parsed_authors(r.get("authors_parsed"))
    if not authors:
        authors = authors_of(r.get("authors"))
    dois = [d for d in (identity.doi(t) for t in (text(r.get("doi")) or "").split()) if d]
    first_doi = next((d for d in dois if not identity.doi_arxiv_id(d)), None)
    aid = aid or next((identity.doi_arxiv_id(d) for d in dois if identity.doi_arxiv_id(d)), None)
    ids = [f"doi:{d}" for d in dois if d != first_doi and not identity.doi_arxiv_id(d)]
    if rid and not aid:
        ids.insert(0, f"id:{rid}")
    versions = objs(r.get("versions"))
    categories = text(r.get("categories"))
    return make_paper(
        name,
        line,
        warnings,
        title=text(r.get("title")),
        abstract=text(r.get("abstract")),
        arxiv=aid,
        doi=first_doi,
        ids=ids,
        date=None,
        authors=authors,
        affiliations=affiliations,
        published=email_day(versions[0].get("created")) if versions else None,
        updated=iso_day(r.get("update_date")),
        categories=tuple(categories.split()) if categories else (),
    )

"""Merging the copies of one paper: the union of what they carry, in any order.

Every rule below is a function of the set of copies, never of their order, so ``build a b``,
``build b a`` and ``build a`` then ``build --update b`` give one paper with the same fields:

- title, abstract: the longest (at equal length, the greater in code-point order);
- authors: the longest well-formed list (most names, then most characters); a list with an
  empty name, a name of more than 8 words or 100 characters, or a name without a letter is not
  well formed and is taken only when no copy has a well-formed one;
- published: the earliest date; updated: the latest;
- DOI: the smallest of the DOIs given; any other DOI is kept in ``ids`` as ``doi:…``;
- upvotes: the largest count given;
- categories, affiliations, keywords, links, ids: the union, the longest list's order first;
- sources: all of them, by file and line; the paper's id is :func:`paperkg.identity.paper_id` of
  the merged fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from paperkg.identity import paper_id
from paperkg.model import Paper, Source

MAX_NAME_WORDS = 8
MAX_NAME_CHARS = 100


def _longest(texts: Iterable[str]) -> str:
    return max(texts, key=lambda t: (len(t), t), default="")


def well_formed(authors: Sequence[str]) -> bool:
    """Whether ``authors`` reads as a list of person names."""
    return bool(authors) and all(
        a.strip()
        and len(a) <= MAX_NAME_CHARS
        and len(a.split()) <= MAX_NAME_WORDS
        and any(c.isalpha() for c in a)
        for a in authors
    )


def _authors(lists: list[tuple[str, ...]]) -> tuple[str, ...]:
    good = [a for a in lists if well_formed(a)] or [a for a in lists if a]
    return max(good, key=lambda a: (len(a), sum(map(len, a)), a), default=())


def union(lists: Iterable[Sequence[str]], key: object = None) -> tuple[str, ...]:
    """The items of ``lists`` once each (by ``key`` of the item, if given), the longest list's
    order first, then the others' in sorted order of the lists."""
    norm = key if callable(key) else (lambda x: x)
    out: list[str] = []
    seen: set[str] = set()
    for seq in sorted((tuple(s) for s in lists), key=lambda s: (-len(s), s)):
        for x in seq:
            k = norm(x)
            if k not in seen:
                seen.add(k)
                out.append(x)
    return tuple(out)


def _link_key(url: str) -> str:
    return url.rstrip("/").lower()


def merge_papers(copies: Sequence[Paper]) -> Paper:
    """One paper from its copies (one copy is returned as it is)."""
    if len(copies) == 1:
        return copies[0]
    dois = sorted({p.doi for p in copies if p.doi})
    ids = union([*(p.ids for p in copies), [f"doi:{d}" for d in dois[1:]]])
    title = _longest(p.title for p in copies)
    arxiv = min((p.arxiv_id for p in copies if p.arxiv_id), default=None)
    doi = dois[0] if dois else None
    published = min((p.published for p in copies if p.published), default=None)
    updated = max((p.updated for p in copies if p.updated), default=None)
    sources = sorted(
        {s for p in copies for s in p.all_sources()}, key=lambda s: (s.file, s.line, s.date or "")
    )
    upvotes = max((p.upvotes for p in copies if p.upvotes is not None), default=None)
    return Paper(
        id=paper_id(arxiv, doi, ids, title),
        title=title,
        abstract=_longest(p.abstract for p in copies),
        source=sources[0],
        authors=_authors([p.authors for p in copies]),
        published=published,
        arxiv_id=arxiv,
        doi=doi,
        categories=union(p.categories for p in copies),
        links=union((p.links for p in copies), key=_link_key),
        updated=updated,
        affiliations=union(p.affiliations for p in copies),
        keywords=union(p.keywords for p in copies),
        upvotes=upvotes,
        ids=ids,
        sources=tuple(sources),
    )


def listing_dates(sources: Iterable[Source]) -> list[str]:
    """The distinct listing dates of ``sources``, in order."""
    return sorted({s.date for s in sources if s.date})

"""Which records are one paper: identifiers, their normal forms, and a paper's id.

A record's own identifiers decide. Two records are one paper when they share an arXiv id (any
version, any spelling: ``2101.00001v2``, ``arXiv:2101.00001``, an abs or pdf URL, the arXiv DOI
``10.48550/arXiv.2101.00001``), a DOI, or another identifier of the same scheme (an OpenAlex work,
a Semantic Scholar paper, a plain record's ``id``); records whose arXiv ids differ are never one
paper. A record with no identifier at all (page text) is matched by its normalized title, in
:mod:`paperkg.ingest`, and only when exactly one paper has that title.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from paperkg.keys import title_key

_ARXIV_NEW = re.compile(r"^\d{4}\.\d{4,5}(v\d+)?$")
_ARXIV_OLD = re.compile(r"^[a-z\-]+(\.[A-Z]{2})?/\d{7}(v\d+)?$")
_ARXIV_PREFIX = re.compile(
    r"^(?:arxiv:|(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/|10\.48550/arxiv\."
    r"|(?:https?://)?huggingface\.co/papers/)",
    re.I,
)
_DOI_PREFIX = re.compile(r"^(?:doi:\s*|(?:https?://)?(?:dx\.)?doi\.org/)", re.I)
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.", re.I)

#: The schemes of :attr:`~paperkg.model.Paper.ids`, in the order a paper's id is chosen from them.
ID_SCHEMES = ("id", "openalex", "s2", "atom", "feed")


def arxiv_id(value: str | None) -> str | None:
    """The arXiv id of ``value`` without its version, or None when it is not one."""
    if not value:
        return None
    v = _ARXIV_PREFIX.sub("", value.strip())
    v = v.removesuffix(".pdf").rstrip("/")
    if _ARXIV_NEW.match(v) or _ARXIV_OLD.match(v):
        return re.sub(r"v\d+$", "", v)
    return None


def doi(value: str | None) -> str | None:
    """The DOI of ``value`` in lower case without a resolver prefix, or None when it is not one."""
    if not value:
        return None
    v = _DOI_PREFIX.sub("", value.strip()).strip()
    return v.lower() if _DOI.match(v) else None


def doi_arxiv_id(value: str | None) -> str | None:
    """The arXiv id an arXiv DOI (``10.48550/arXiv.<id>``) stands for, else None."""
    d = doi(value)
    return arxiv_id(d) if d and _ARXIV_DOI.match(d) else None


def title_id(title: str) -> str:
    """The id of a paper known only by its title."""
    return "t-" + hashlib.sha1(title_key(title).encode("utf-8")).hexdigest()[:16]


def scheme(identifier: str) -> str:
    return identifier.split(":", 1)[0]


def paper_id(arxiv: str | None, doi_: str | None, ids: Iterable[str], title: str) -> str:
    """A paper's id: its arXiv id, else its record id, else its DOI (``doi:…``), else another
    identifier (``openalex:W…``), else an id made from its title. Among several of one rank the
    smallest is taken, so the copies of one paper give one id in any order."""
    if arxiv:
        return arxiv
    by_scheme: dict[str, list[str]] = {}
    for i in ids:
        by_scheme.setdefault(scheme(i), []).append(i)
    if by_scheme.get("id"):
        return min(by_scheme["id"]).split(":", 1)[1]
    if doi_:
        return f"doi:{doi_}"
    for s in ID_SCHEMES[1:]:
        if by_scheme.get(s):
            return min(by_scheme[s])
    return title_id(title)


def identity_keys(arxiv: str | None, doi_: str | None, ids: Iterable[str]) -> list[str]:
    """The keys under which a record is one paper with another (empty: known by title only)."""
    keys = [f"arxiv:{arxiv}"] if arxiv else []
    if doi_:
        keys.append(f"doi:{doi_}")
    keys.extend(ids)
    return keys

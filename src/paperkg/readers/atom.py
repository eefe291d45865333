"""arXiv API Atom feeds (what ``export.arxiv.org/api/query`` returns), read entry by entry.

Fields of an ``<entry>``: ``<id>`` (``http://arxiv.org/abs/2101.00001v2``: the arXiv id; any other
id is ``Paper.ids`` ``atom:<id>``), ``<title>``, ``<summary>`` (the abstract), ``<published>`` and
``<updated>`` (the days of the first and latest versions), ``<author><name>`` (``authors``) with
its ``<arxiv:affiliation>`` (``affiliations``), ``<arxiv:doi>`` (an arXiv DOI is the arXiv id),
``<arxiv:primary_category term>`` then the ``<category term>`` (``categories``, primary first). The
feed is no listing: its papers have no listing date. The API's error entries (an id under
``/api/errors``) are rejections that give its message. An entry's "line" is its number in the feed.

The feed is parsed with :func:`xml.etree.ElementTree.iterparse`, each entry cleared once read. A
document type declaration (which can declare entities: "billion laughs") is refused before the
parser sees it; invalid UTF-8 becomes U+FFFD and the entry holding it is kept with a repair warning.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import BinaryIO

from paperkg import identity
from paperkg.model import Paper, Rejection
from paperkg.readers.base import (
    READ_ERRORS,
    BadBytes,
    InputError,
    ReadItem,
    Utf8Repair,
    Warnings,
    clean_text,
    iso_day,
    not_a_listing,
    repaired_utf8,
)
from paperkg.readers.records import make_paper, unique

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"

#: Longest prolog (before the root element) read while looking for a DTD.
MAX_PROLOG = 1 << 20
_PROLOG_SKIP = re.compile(r"<!--.*?-->|<\?.*?\?>", re.S)
_DOCTYPE = re.compile(r"<!DOCTYPE\s*([^\s\[>]*)")


class _Text:
    """The input as text for the parser: UTF-8 repaired (invalid bytes noted), and its prolog
    watched for a document type declaration, which is refused before the parser gets it."""

    CHUNK = 64 * 1024

    def __init__(self, stream: BinaryIO, name: str) -> None:
        self.stream = stream
        self.name = name
        self.utf8 = Utf8Repair()
        self.prolog: str | None = ""  # None once the root element has started
        self.done = False

    def read(self, size: int = -1) -> str:
        if self.done:
            return ""
        try:
            data = self.stream.read(self.CHUNK)
        except READ_ERRORS as exc:
            raise InputError(f"{self.name}: read failed ({exc})") from None
        text = self.utf8.decode(data, final=not data)
        if not data:
            self.done = True
        if self.prolog is not None:
            self._watch(text)
        return text

    def _watch(self, text: str) -> None:
        self.prolog = (self.prolog or "") + text
        head = _PROLOG_SKIP.sub("", self.prolog)
        m = _DOCTYPE.search(head)
        if m:
            if m[1].lower() == "html":
                raise not_a_listing(self.name, "an HTML page")
            raise InputError(
                f"{self.name}: XML with a document type declaration (<!DOCTYPE>, which can declare "
                "entities) refused; an arXiv Atom feed has none"
            )
        if re.search(r"<[^!?]", head):
            self.prolog = None  # the root element began: no DTD can follow
        elif len(self.prolog) > MAX_PROLOG:
            raise not_a_listing(self.name, "XML with no root element")


def _text(el: ET.Element | None) -> str:
    return clean_text("".join(el.itertext())) if el is not None else ""


def _replaced(el: ET.Element) -> int:
    """How many U+FFFD the text and attributes of ``el`` hold."""
    n = 0
    for x in el.iter():
        n += (x.text or "").count("\ufffd") + (x.tail or "").count("\ufffd")
        n += sum(v.count("\ufffd") for v in x.attrib.values())
    return n


def entry_to_paper(entry: ET.Element, name: str, line: int, warnings: Warnings) -> ReadItem:
    eid = _text(entry.find(f"{ATOM}id"))
    title = _text(entry.find(f"{ATOM}title"))
    summary = _text(entry.find(f"{ATOM}summary"))
    if "/api/errors" in eid:
        return Rejection(name, line, f"arXiv API error: {summary or title or eid}")
    aid = identity.arxiv_id(eid)
    authors: list[str] = []
    affiliations: list[str] = []
    for a in entry.findall(f"{ATOM}author"):
        n = _text(a.find(f"{ATOM}name"))
        if n:
            authors.append(n)
        affiliations.extend(_text(x) for x in a.findall(f"{ARXIV}affiliation"))
    primary = entry.find(f"{ARXIV}primary_category")
    cats = [primary.get("term", "")] if primary is not None else []
    cats.extend(c.get("term", "") for c in entry.findall(f"{ATOM}category"))
    return make_paper(
        name,
        line,
        warnings,
        title=title,
        abstract=summary,
        arxiv=aid,
        doi=_text(entry.find(f"{ARXIV}doi")) or None,
        ids=(f"atom:{eid}",) if eid and not aid else (),
        authors=tuple(authors),
        affiliations=unique(affiliations),
        categories=unique(cats),
        published=iso_day(_text(entry.find(f"{ATOM}published"))),
        updated=iso_day(_text(entry.find(f"{ATOM}updated"))),
    )


def read_arxiv_atom(stream: BinaryIO, name: str, warnings: Warnings) -> Iterator[ReadItem]:
    src = _Text(stream, name)
    events = ET.iterparse(src, events=("start", "end"))  # type: ignore[arg-type]
    depth = 0
    index = 0
    root: ET.Element | None = None
    try:
        for event, el in events:
            if event == "start":
                if root is None:
                    root = el
                    if el.tag != f"{ATOM}feed":
                        raise not_a_listing(name, f"XML whose root is <{el.tag}>, not an Atom <feed>")
                depth += 1
                continue
            depth -= 1
            if depth != 1:
                continue
            # The invalid bytes of this element are the next ones its U+FFFD stand for.
            k = min(_replaced(el), len(src.utf8.bad)) if src.utf8.bad else 0
            bad: list[BadBytes] = src.utf8.bad[:k]
            del src.utf8.bad[:k]
            if el.tag == f"{ATOM}entry":
                index += 1
                item = entry_to_paper(el, name, index, warnings)
                if bad and isinstance(item, Paper):
                    warnings.repair(f"{name}:{bad[0].line}", repaired_utf8(bad[0].byte, len(bad)))
                yield item
            elif bad:
                what = repaired_utf8(bad[0].byte, len(bad))
                warnings.add(f"{name}:{bad[0].line}: {what} (outside any entry)")
            root.clear()  # type: ignore[union-attr]  # the entry (and feed metadata) read: drop it
    except ET.ParseError as exc:
        if root is None:
            raise not_a_listing(name, f"invalid XML ({exc})") from None
        yield Rejection(name, index + 1, f"invalid XML ({exc})")

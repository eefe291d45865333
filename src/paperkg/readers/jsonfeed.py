"""JSON Feed 1.1 (and 1.0) items: ``{"version": "https://jsonfeed.org/version/1.1", "title",
"items": [...]}``, each item a paper.

Fields of an item: ``id`` and ``url`` (the arXiv id when either is an arXiv id or an arxiv.org or
huggingface.co/papers URL; otherwise ``Paper.ids`` ``feed:<id>``), ``title``, ``content_text``,
else ``content_html`` (its text, tags removed), else ``summary`` (the abstract), ``date_published``
(the day of the listing: the source's date), ``authors[].name`` (1.1) or ``author.name`` (1.0), and
``tags`` (``keywords``). The reading of the document itself is :func:`paperkg.readers.jsonrec.read_json_feed`.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from paperkg import identity
from paperkg.readers.base import ReadItem, Warnings, clean_text, iso_day
from paperkg.readers.plain import authors_of
from paperkg.readers.records import make_paper, obj, text, texts

#: Fields only a feed item has.
SIGNS = ("content_text", "content_html", "date_published", "external_url")
VERSION = re.compile(r"^https?://jsonfeed\.org/version/\d", re.I)


def is_feed_item(r: dict[str, Any]) -> bool:
    return any(k in r for k in SIGNS)


class _Text(HTMLParser):
    SKIP = frozenset({"script", "style", "template", "noscript"})
    BLOCK = frozenset({"p", "br", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCK:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1
        elif tag in self.BLOCK:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The text of an HTML fragment: tags removed (scripts and styles with their content),
    character references decoded, white space collapsed."""
    p = _Text()
    p.feed(html)
    p.close()
    return clean_text("".join(p.parts))


def feed_item_to_paper(r: dict[str, Any], name: str, line: int, warnings: Warnings) -> ReadItem:
    rid = clean_text(text(r.get("id")) or "")
    aid = identity.arxiv_id(rid) or identity.arxiv_id(text(r.get("url")))
    abstract = text(r.get("content_text"))
    if not abstract and text(r.get("content_html")):
        abstract = html_to_text(text(r.get("content_html")) or "")
    if not abstract:
        abstract = text(r.get("summary"))
    authors = authors_of(r.get("authors")) or authors_of([obj(r.get("author"))])
    return make_paper(
        name,
        line,
        warnings,
        title=text(r.get("title")),
        abstract=abstract,
        arxiv=aid,
        ids=(f"feed:{rid}",) if rid and not aid else (),
        date=iso_day(r.get("date_published")),
        authors=authors,
        keywords=tuple(texts(r.get("tags"))),
    )

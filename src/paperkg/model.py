"""Typed records that flow through the pipeline.

Readers yield :class:`Paper`; the extractor turns a paper into a
:class:`PaperExtraction`; the resolver and :mod:`paperkg.graph` turn extractions
into graph :class:`Node` and :class:`Edge` records that every sink consumes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class EntityType(StrEnum):
    MODEL = "model"
    DATASET = "dataset"
    BENCHMARK = "benchmark"


class Role(StrEnum):
    INTRODUCED = "introduced"
    USED = "used"


class UrlKind(StrEnum):
    CODE = "code"
    DATA = "data"
    MODEL = "model"
    PROJECT = "project"


class NodeKind(StrEnum):
    PAPER = "paper"
    MODEL = "model"
    DATASET = "dataset"
    BENCHMARK = "benchmark"
    REPOSITORY = "repository"
    WEBSITE = "website"

    @property
    def label(self) -> str:
        """The Neo4j label / RDF class local name of this kind."""
        return self.value.capitalize()

    @property
    def is_entity(self) -> bool:
        return self in (NodeKind.MODEL, NodeKind.DATASET, NodeKind.BENCHMARK)


class EdgeType(StrEnum):
    INTRODUCES = "INTRODUCES"
    USES = "USES"
    EVALUATES_ON = "EVALUATES_ON"
    HAS_CODE = "HAS_CODE"
    HAS_WEBSITE = "HAS_WEBSITE"
    VARIANT_OF = "VARIANT_OF"
    TRAINED_ON = "TRAINED_ON"


class Field(StrEnum):
    TITLE = "title"
    ABSTRACT = "abstract"


@dataclass(frozen=True)
class Source:
    """Where a paper record was read: the file, its line, and the page date if known."""

    file: str
    line: int
    date: str | None = None


@dataclass(frozen=True)
class Paper:
    """One paper as a reader gives it, or as the copies of one paper merge into
    (:func:`paperkg.merge.merge_papers`).

    Dates are ISO 8601 days (``YYYY-MM-DD``): ``published`` is the first version's (or the
    publication's) date, ``updated`` the latest version's; listing dates (a daily page, the
    Hugging Face listing day) are the ``date`` of each :class:`Source`.
    """

    id: str
    title: str
    abstract: str
    source: Source
    authors: tuple[str, ...] = ()
    published: str | None = None
    arxiv_id: str | None = None
    doi: str | None = None
    categories: tuple[str, ...] = ()
    links: tuple[str, ...] = ()  # URLs given by the record itself (githubRepo, projectPage)
    updated: str | None = None
    affiliations: tuple[str, ...] = ()  # as the record gives them, apart from the names
    keywords: tuple[str, ...] = ()  # keywords given by the source (Hugging Face ai_keywords)
    upvotes: int | None = None
    ids: tuple[str, ...] = ()  # other identifiers, "scheme:value" (openalex:W…, s2:…, id:…)
    sources: tuple[Source, ...] = ()  # every copy merged into this paper; () means just ``source``

    def text(self, f: Field) -> str:
        """The text of one field: the title or the abstract."""
        return self.title if f is Field.TITLE else self.abstract

    def all_sources(self) -> tuple[Source, ...]:
        """Every input record this paper was read from (its one source when it was not merged)."""
        return self.sources or (self.source,)


@dataclass(frozen=True)
class Rejection:
    """A record that could not become a paper: counted, reported, never silently dropped."""

    file: str
    line: int
    reason: str

    def message(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass(frozen=True)
class Mention:
    field: Field
    start: int
    end: int
    text: str
    sentence: str
    confidence: float
    span: str = ""  # the mention with its head noun and acronym ("IMDb dataset"), when it has them


@dataclass(frozen=True)
class ExtractedEntity:
    name: str
    type: EntityType
    role: Role
    confidence: float
    mentions: tuple[Mention, ...]
    aliases: tuple[str, ...] = ()
    type_strength: int = 0  # 3: registry or a cue in the title; 2: a cue beside it; 1: context; 0: default
    trained_on: tuple[str, ...] = ()  # names of datasets this model is said to be trained on
    ids: tuple[str, ...] = ()  # external ids as scheme:value ("hf:Qwen/Qwen2.5-7B")


@dataclass(frozen=True)
class ExtractedUrl:
    url: str
    kind: UrlKind
    mention: Mention | None = None


@dataclass(frozen=True)
class PaperExtraction:
    paper: Paper
    entities: tuple[ExtractedEntity, ...]
    urls: tuple[ExtractedUrl, ...]
    extractor: str
    extractor_version: str

    def to_json(self, names: str = "canonical") -> dict[str, Any]:
        """The `paperkg extract` JSON Lines record.

        ``names="mention"`` lists every distinct mention span instead (the name with its head
        noun and acronym as written: "Penn Treebank dataset (PTB)"), the convention of
        span-annotated corpora; the default lists each entity once under its name.
        """
        if names == "mention":
            return self._mention_json()
        return {
            "id": self.paper.id,
            "title": self.paper.title,
            "entities": [
                {
                    "name": e.name,
                    "type": e.type.value,
                    "role": e.role.value,
                    "confidence": round(e.confidence, 3),
                    "aliases": list(e.aliases),
                    **({"ids": list(e.ids)} if e.ids else {}),
                    "mentions": [
                        {"field": m.field.value, "start": m.start, "end": m.end} for m in e.mentions
                    ],
                }
                for e in self.entities
            ],
            "urls": [{"url": u.url, "kind": u.kind.value} for u in self.urls],
        }

    def _mention_json(self) -> dict[str, Any]:
        out: list[dict[str, Any]] = []
        seen: set[str] = set()
        # A mention inside another one's span ("WSJ" in "Penn Treebank WSJ corpus") is part of it.
        data_types = (EntityType.DATASET, EntityType.BENCHMARK)

        def bounds(m: Mention) -> tuple[int, int]:
            lo = m.start - max(0, m.span.find(m.text)) if m.span else m.start
            return lo, lo + len(m.span or m.text)

        covers = [
            (m.field, *bounds(m)) for e in self.entities if e.type in data_types for m in e.mentions if m.span
        ]
        for e in self.entities:
            for m in e.mentions:
                name = m.span or m.text
                mlo, mhi = bounds(m)
                inside = e.type in data_types and any(
                    f is m.field and lo <= mlo and mhi <= hi and (lo, hi) != (mlo, mhi)
                    for f, lo, hi in covers
                )
                if name in seen or inside:
                    continue
                seen.add(name)
                out.append(
                    {
                        "name": name,
                        "type": e.type.value,
                        "role": e.role.value,
                        "confidence": round(e.confidence, 3),
                        "mentions": [{"field": m.field.value, "start": m.start, "end": m.end}],
                    }
                )
        return {
            "id": self.paper.id,
            "title": self.paper.title,
            "entities": out,
            "urls": [{"url": u.url, "kind": u.kind.value} for u in self.urls],
        }


@dataclass(frozen=True)
class Node:
    """A graph node as sinks see it. ``props`` holds the kind-specific properties."""

    id: str
    kind: NodeKind
    props: Mapping[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        p = self.props
        return str(p.get("name") or p.get("title") or p.get("url") or self.id)


@dataclass(frozen=True)
class Edge:
    """A graph edge as sinks see it; extracted edges carry their evidence in ``props``."""

    source: str
    target: str
    type: EdgeType
    props: Mapping[str, Any] = field(default_factory=dict)

"""Corpus-level resolution: mentions of one name across papers become one canonical entity.

* Surface variants share a key: case, hyphens and spaces do not matter, and a
  parenthesised lower-case tail is dropped ("GPT-4V(ision)" is "GPT-4V").
* A name typed strongly somewhere (a registry entry, a cue in a paper's title:
  "MedTrinity-25M: A Large-scale Multimodal Dataset …") gives that type to its
  weaker-typed mentions in every paper of the corpus.
* Names that differ only by a version or size ("LLaVA-1.5", "Qwen2-VL 7B") keep their
  own entity and are linked VARIANT_OF their family when the family is known.
* Different strong types keep different entities (two unrelated "M3"s stay apart).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from paperkg import __version__
from paperkg.extract.lexicon import Lexicon, norm
from paperkg.graph import KnowledgeGraph
from paperkg.model import EntityType, ExtractedEntity, NodeKind, PaperExtraction

_TAIL = re.compile(r"\([a-z]+\)$")
_QUALIFIER = r"pro|ultra|flash|turbo|mini|chat|instruct|base|large|small|xl|xxl|huge|tiny|plus|max|lite"
# The last element of a versioned or sized name: a tier ("Pro"), a size ("7B"), a version ("-1.5", "v2").
_VARIANT_TAILS = (
    re.compile(rf"[\s\-_]+(?:{_QUALIFIER})$", re.I),
    re.compile(r"[\s\-_]+\d+(?:\.\d+)?[bmk]$", re.I),
    re.compile(r"(?:[\s\-_]+v?|v)\d+(?:\.\d+)*[a-z]?$", re.I),
)


def entity_key(name: str) -> str:
    """The key under which surface variants of one name meet."""
    return norm(_TAIL.sub("", name.strip()))


def family_of(name: str) -> str | None:
    """The family name of a versioned or sized name, or None: "LLaVA-1.5-13B" -> "LLaVA-1.5"."""
    base = _TAIL.sub("", name.strip())
    m = next((m for rx in _VARIANT_TAILS if (m := rx.search(base)) and m.start() > 0), None)
    if m is None:
        return None
    fam = base[: m.start()].rstrip(" -_")
    if len(norm(fam)) < 2 or not re.search(r"[A-Za-z]", fam):
        return None
    return fam


def slug(name: str) -> str:
    s = unicodedata.normalize("NFKC", name).casefold()
    s = re.sub(r"[^\w]+|_", "-", s).strip("-")
    return s or "x"


def entity_node_id(kind: NodeKind | EntityType, name: str) -> str:
    return f"{kind.value}:{slug(name)}"


@dataclass
class _Info:
    surfaces: Counter[str] = field(default_factory=Counter)
    votes: dict[EntityType, int] = field(default_factory=dict)  # best strength seen per type
    counts: Counter[EntityType] = field(default_factory=Counter)


@dataclass(frozen=True)
class Canonical:
    key: str
    name: str
    type: EntityType
    aliases: tuple[str, ...]
    homepage: str | None

    @property
    def node_id(self) -> str:
        return entity_node_id(self.type, self.name)


class Vote(NamedTuple):
    """What one entity of one paper tells the resolver: its surface, aliases and type, and how
    strongly the paper typed it."""

    name: str
    aliases: tuple[str, ...]
    type: EntityType
    strength: int


def votes(extractions: Iterable[PaperExtraction]) -> Iterator[Vote]:
    for ext in extractions:
        for e in ext.entities:
            yield Vote(e.name, e.aliases, e.type, e.type_strength)


class Resolver:
    """Collects the entities of a corpus, then answers each one's canonical form."""

    STRONG = 3

    def __init__(self, lex: Lexicon) -> None:
        self.lex = lex
        self.info: dict[str, _Info] = defaultdict(_Info)

    def seed(self, graph: KnowledgeGraph) -> None:
        """Take the entities of an existing graph as settled: their names and types vote strongly."""
        for node in graph.nodes():
            if not node.kind.is_entity:
                continue
            ty = EntityType(node.kind.value)
            name = str(node.props.get("name") or "")
            info = self.info[entity_key(name)]
            info.surfaces[name] += 1
            for a in node.props.get("aliases", []):
                info.surfaces[str(a)] += 0
            info.votes[ty] = max(info.votes.get(ty, 0), self.STRONG)
            info.counts[ty] += 1

    def add(self, extractions: Iterable[PaperExtraction]) -> None:
        self.add_votes(votes(extractions))

    def add_votes(self, found: Iterable[Vote]) -> None:
        for v in found:
            info = self.info[entity_key(v.name)]
            info.surfaces[v.name] += 1
            for a in v.aliases:
                info.surfaces[a] += 0
            info.votes[v.type] = max(info.votes.get(v.type, 0), v.strength)
            info.counts[v.type] += 1

    def corpus_type(self, key: str, local: EntityType, local_strength: int) -> EntityType:
        """The type a mention gets: its own when strong, else the corpus's strongest."""
        info = self.info.get(key)
        entry = self.lex.by_key.get(key)
        if entry is not None and local_strength < self.STRONG:
            swappable = (EntityType.DATASET, EntityType.BENCHMARK)
            if entry.type in swappable and local in swappable and local_strength >= 2:
                return local  # this paper's own cue decides between dataset and benchmark
            return entry.type
        if info is None or local_strength >= self.STRONG:
            return local
        strong = [t for t, s in info.votes.items() if s >= self.STRONG]
        if len(strong) == 1:
            return strong[0]
        return local

    def retype(self, ext: PaperExtraction) -> PaperExtraction:
        """Apply corpus-level typing to one paper's entities (merging those that become the same)."""
        out: dict[tuple[str, EntityType], ExtractedEntity] = {}
        for e in ext.entities:
            key = entity_key(e.name)
            ty = self.corpus_type(key, e.type, e.type_strength)
            e2 = replace(e, type=ty) if ty is not e.type else e
            k = (key, ty)
            if k in out:
                prev = out[k]
                e2 = replace(
                    prev,
                    mentions=prev.mentions + e2.mentions,
                    aliases=tuple(dict.fromkeys((*prev.aliases, e2.name, *e2.aliases))),
                    role=prev.role if prev.role.value == "introduced" else e2.role,
                    confidence=max(prev.confidence, e2.confidence),
                )
            out[k] = e2
        return replace(ext, entities=tuple(out.values()))

    def canonical(self, e: ExtractedEntity) -> Canonical:
        key = entity_key(e.name)
        entry = self.lex.by_key.get(key)
        info = self.info.get(key)
        if entry is not None and entry.type is e.type:
            name = entry.name
            homepage = entry.homepage
            aliases = set(entry.aliases)
        else:
            # The most frequent surface; ties go to the first seen.
            name = info.surfaces.most_common(1)[0][0] if info and info.surfaces else e.name
            homepage = None
            aliases = set()
        if info:
            aliases.update(info.surfaces)
        aliases.update(e.aliases)
        aliases.add(e.name)
        aliases.discard(name)
        return Canonical(key, name, e.type, tuple(sorted(aliases)), homepage)

    def family(self, c: Canonical) -> Canonical | None:
        """The family entity of a variant, when the corpus or the registry knows the family.

        A registry entry's own ``variant_of`` wins ("SDXL" is a Stable Diffusion); otherwise the
        name's shape says it ("LLaVA-1.5-13B" -> "LLaVA-1.5")."""
        own = self.lex.by_key.get(c.key)
        if own is not None and own.variant_of:
            fam_entry = self.lex.by_key.get(entity_key(own.variant_of))
            if fam_entry is not None and entity_key(fam_entry.name) != c.key:
                key = entity_key(fam_entry.name)
                return Canonical(
                    key, fam_entry.name, fam_entry.type, tuple(sorted(fam_entry.aliases)), fam_entry.homepage
                )
        fam = family_of(c.name)
        if fam is None:
            return None
        fkey = entity_key(fam)
        if fkey == c.key:
            return None
        entry = self.lex.by_key.get(fkey)
        info = self.info.get(fkey)
        if entry is not None:
            return Canonical(fkey, entry.name, entry.type, tuple(sorted(entry.aliases)), entry.homepage)
        if info is not None and info.surfaces:
            ty = c.type if c.type in info.votes else max(info.votes, key=lambda t: info.votes[t])
            return Canonical(fkey, info.surfaces.most_common(1)[0][0], ty, (), None)
        return None


RESOLVER_NAME = "paperkg.resolve"
RESOLVER_VERSION = __version__

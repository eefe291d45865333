"""Corpus-level resolution: mentions of one name across papers become one canonical entity.

* Surface variants share a key: case, hyphens and spaces do not matter, and a
  parenthesised lower-case tail is dropped ("GPT-4V(ision)" is "GPT-4V").
* One name is one entity, whatever each paper typed it. The entity's type is decided by the
  weight of its evidence over the corpus: an existing graph's type (``build --update``), else a
  registry entry's, else the sum of its mentions' types weighted by how strongly each paper
  typed them (:data:`TYPE_WEIGHT`: a title cue or the registry weighs most). Each paper's own
  type of the mention stays on its edge as evidence (``mention_type``).
* A name typed strongly somewhere (a registry entry, a cue in a paper's title) also gives that
  type to its weaker-typed mentions in every paper (:meth:`Resolver.retype`, the mention type).
* Names that differ only by a version or size ("LLaVA-1.5", "Qwen2-VL 7B") keep their
  own entity and are linked VARIANT_OF their family when the family is known.
* An acronym joins its long form ("Representation Forcing (RF)"): in the paper that defines it,
  and over the corpus where exactly one long form (up to plurals) defines it. An acronym that
  papers define differently stays apart per definition: each definition is the entity of its
  long form, and the bare acronym of papers that do not define it is an entity of its own.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from paperkg import __version__
from paperkg.extraction.lexicon import Lexicon, RegistryEntry
from paperkg.graph import KnowledgeGraph
from paperkg.keys import name_key, slug
from paperkg.model import EntityType, ExtractedEntity, NodeKind, PaperExtraction, Role

_TAIL = re.compile(r"\([a-z]+\)$")
_QUALIFIER = r"pro|ultra|flash|turbo|mini|chat|instruct|base|large|small|xl|xxl|huge|tiny|plus|max|lite"
# The last element of a versioned or sized name: a tier ("Pro"), a size ("7B"), a version ("-1.5", "v2").
_VARIANT_TAILS = (
    re.compile(rf"[\s\-_]+(?:{_QUALIFIER})$", re.I),
    re.compile(r"[\s\-_]+\d+(?:\.\d+)?[bmk]$", re.I),
    re.compile(r"(?:[\s\-_]+v?|v)\d+(?:\.\d+)*[a-z]?$", re.I),
)

#: How much one mention's type weighs in its entity's type, by the paper's type strength
#: (3: registry or a cue in the title; 2: a cue beside it; 1: context; 0: default).
TYPE_WEIGHT = {0: 1, 1: 2, 2: 4, 3: 16}
#: An existing graph's entity (``build --update``) keeps its type, so its node id stays.
SETTLED_WEIGHT = 1 << 40
#: Ties between types (equal weight and strength) go to the first of this order.
TYPE_ORDER = (EntityType.MODEL, EntityType.BENCHMARK, EntityType.DATASET)
_ACRONYM = re.compile(r"[A-Z][A-Za-z0-9\-]{0,11}")
_DEF = "\x00"  # joins an acronym's key and a definition's key into the element of that definition


def entity_key(name: str) -> str:
    """The key under which surface variants of one name meet."""
    return name_key(_TAIL.sub("", name.strip()))


def family_of(name: str) -> str | None:
    """The family name of a versioned or sized name, or None: "LLaVA-1.5-13B" -> "LLaVA-1.5"."""
    base = _TAIL.sub("", name.strip())
    m = next((m for rx in _VARIANT_TAILS if (m := rx.search(base)) and m.start() > 0), None)
    if m is None:
        return None
    fam = base[: m.start()].rstrip(" -_")
    if len(name_key(fam)) < 2 or not re.search(r"[A-Za-z]", fam):
        return None
    return fam


def entity_node_id(kind: NodeKind | EntityType, name: str) -> str:
    return f"{kind.value}:{slug(name)}"


def is_acronym(name: str) -> bool:
    """A short name of at least two capitals and no space ("RF", "ViT-B", "MMLU")."""
    return bool(_ACRONYM.fullmatch(name)) and sum(c.isupper() for c in name) >= 2


def long_form(name: str, aliases: Iterable[str]) -> str | None:
    """The long form an acronym ``name`` is defined by among its ``aliases`` (the first alias of
    two or more words that is not a variant of the acronym), or None."""
    if not is_acronym(name):
        return None
    key = entity_key(name)
    for a in aliases:
        fam = family_of(a)
        if (
            len(re.findall(r"[^\W\d_]{2,}", a)) >= 2
            and not is_acronym(a)
            and (fam is None or entity_key(fam) != key)
        ):
            return a
    return None


def definition_key(long: str) -> str:
    """The key of a definition: a long form's key with each word's plural "s" dropped
    ("Diffusion Transformers" and "Diffusion Transformer" define DiT alike)."""
    words = re.findall(r"\w+", unicodedata.normalize("NFKC", long).casefold())
    return name_key(" ".join(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words))


@dataclass
class _Info:
    surfaces: Counter[str] = field(default_factory=Counter)
    votes: dict[EntityType, int] = field(default_factory=dict)  # best strength seen per type
    counts: Counter[EntityType] = field(default_factory=Counter)
    weights: Counter[EntityType] = field(default_factory=Counter)  # evidence per type
    settled: dict[EntityType, str] = field(default_factory=dict)  # an existing graph's node name per type


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


@dataclass(frozen=True)
class _Group:
    """What the corpus says of one entity (the elements joined into it)."""

    name: str | None
    type: EntityType | None
    aliases: frozenset[str]
    homepage: str | None
    strong: tuple[EntityType, ...]  # types some mention gave it strongly


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


class _Joins:
    """Union-find over elements (entity keys, and ``acronym key + _DEF + definition key``)."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.members: dict[str, list[str]] = {}  # root -> its elements, for roots of 2 or more

    def find(self, x: str) -> str:
        root = x
        while (up := self.parent.get(root)) is not None:
            root = up
        while x != root:
            up = self.parent[x]
            self.parent[x] = root
            x = up
        return root

    def group(self, root: str) -> list[str]:
        return self.members.get(root) or [root]

    def join(self, ra: str, rb: str) -> None:
        """Join two roots: the larger group's root stays the root."""
        a, b = self.group(ra), self.group(rb)
        if len(a) < len(b):
            ra, rb, a, b = rb, ra, b, a
        self.parent[rb] = ra
        self.members[ra] = a + b
        self.members.pop(rb, None)


def _merged(rep: ExtractedEntity, other: ExtractedEntity) -> ExtractedEntity:
    """One paper's two entities of one canonical entity (an acronym and its long form) as one:
    named by ``rep``, introduced if either is, typed by the more strongly typed one."""
    typed = rep if rep.type_strength >= other.type_strength else other
    aliases = dict.fromkeys((*rep.aliases, other.name, *other.aliases))
    aliases.pop(rep.name, None)
    return replace(
        rep,
        type=typed.type,
        type_strength=typed.type_strength,
        role=Role.INTRODUCED if Role.INTRODUCED in (rep.role, other.role) else rep.role,
        confidence=max(rep.confidence, other.confidence),
        mentions=rep.mentions + other.mentions,
        aliases=tuple(aliases),
        trained_on=tuple(dict.fromkeys(rep.trained_on + other.trained_on)),
        ids=tuple(dict.fromkeys(rep.ids + other.ids)),
    )


class Resolver:
    """Collects the entities of a corpus, then answers each one's canonical form."""

    STRONG = 3

    def __init__(self, lex: Lexicon) -> None:
        self.lex = lex
        self.info: dict[str, _Info] = defaultdict(_Info)
        # acronym key -> definition key -> keys of the long forms written for it
        self.defs: dict[str, dict[str, set[str]]] = {}
        self._settled: set[str] = set()  # keys of an existing graph's entities
        self._settled_joins: list[tuple[str, str]] = []  # an existing node's name and alias keys
        self._applied = 0  # how many of them the joins hold
        self._joins = _Joins()
        self._ready = False

    # -- collecting ---------------------------------------------------------------------------
    def seed(self, graph: KnowledgeGraph) -> None:
        """Take the entities of an existing graph as settled: each keeps its name and type, and
        the names it was given as aliases stay its own."""
        for node in graph.nodes():
            if not node.kind.is_entity:
                continue
            ty = EntityType(node.kind.value)
            name = str(node.props.get("name") or "")
            key = entity_key(name)
            aliases = [str(a) for a in node.props.get("aliases", [])]
            info = self.info[key]
            info.surfaces[name] += 1
            for a in aliases:
                info.surfaces[a] += 0
            info.votes[ty] = max(info.votes.get(ty, 0), self.STRONG)
            info.counts[ty] += 1
            info.weights[ty] += SETTLED_WEIGHT
            info.settled.setdefault(ty, name)
            self._settled.add(key)
            self._settled_joins.extend((key, k) for a in aliases if (k := entity_key(a)) != key)

    def add(self, extractions: Iterable[PaperExtraction]) -> None:
        self.add_votes(votes(extractions))

    def add_votes(self, found: Iterable[Vote]) -> None:
        for v in found:
            key = entity_key(v.name)
            element = self._define(v.name, key, v.aliases)
            info = self.info[element]
            info.surfaces[v.name] += 1
            for a in v.aliases:
                info.surfaces[a] += 0
            info.votes[v.type] = max(info.votes.get(v.type, 0), v.strength)
            info.counts[v.type] += 1
            info.weights[v.type] += TYPE_WEIGHT.get(v.strength, 1)
            self._ready = False

    def _define(self, name: str, key: str, aliases: tuple[str, ...]) -> str:
        """Note the acronym definitions a mention gives; the element its evidence goes to (the
        definition's for a defined acronym, else its key)."""
        if key in self.lex.by_key:
            return key  # the registry's entity, whatever a paper spells out
        long = long_form(name, aliases)
        if long is not None:
            d = definition_key(long)
            lkey = entity_key(long)
            self.defs.setdefault(key, {}).setdefault(d, set()).add(lkey)
            self.info[lkey].surfaces[long] += 0
            return key + _DEF + d
        if not is_acronym(name):
            for a in aliases:
                akey = entity_key(a)
                if is_acronym(a) and akey != key and akey not in self.lex.by_key:
                    self.defs.setdefault(akey, {}).setdefault(definition_key(name), set()).add(key)
        return key

    # -- joining ------------------------------------------------------------------------------
    def _finish(self) -> None:
        """Join acronyms and long forms once the corpus is in (again after more votes)."""
        if self._ready:
            self._drain()
            return
        for a, ds in self.defs.items():  # an existing graph's entities of these keys (update)
            self.info.get(a)
            for lkeys in ds.values():
                for k in lkeys:
                    self.info.get(k)
        self._joins, self._applied = _Joins(), 0
        self._drain()
        for a in sorted(self.defs):
            for d, lkeys in sorted(self.defs[a].items()):
                for k in sorted(lkeys):
                    self._union(a + _DEF + d, k)
        for a in sorted(self.defs):
            if len(self.defs[a]) == 1:  # one long form owns the acronym: its bare uses are that too
                self._union(a, a + _DEF + next(iter(self.defs[a])))
        self._ready = True

    def _drain(self) -> None:
        """Apply the joins of the existing graph's entities seeded so far."""
        while self._applied < len(self._settled_joins):
            a, b = self._settled_joins[self._applied]
            self._applied += 1
            self.info.get(b)  # may seed more
            self._union(a, b)

    def _marks(self, root: str) -> tuple[set[str], bool]:
        """The registry entries and whether an existing graph's entity are in a root's group."""
        group = self._joins.group(root)
        entries = {e.name for m in group if _DEF not in m and (e := self.lex.by_key.get(m)) is not None}
        return entries, any(m in self._settled for m in group)

    def _union(self, a: str, b: str) -> None:
        """Join two elements' groups, unless that would make one entity of two registry entries
        or of two entities of an existing graph."""
        ra, rb = self._joins.find(a), self._joins.find(b)
        if ra == rb:
            return
        (ea, sa), (eb, sb) = self._marks(ra), self._marks(rb)
        if (sa and sb) or (ea and eb and ea != eb):
            return
        self._joins.join(ra, rb)

    def _root(self, name: str, aliases: tuple[str, ...]) -> str:
        """The root of the group a mention's entity belongs to."""
        self._finish()
        key = entity_key(name)
        self.info.get(key)  # seeds an existing graph's entities of this key (build --update)
        self._drain()
        element = key
        long = None if key in self.lex.by_key else long_form(name, aliases)
        if long is not None and definition_key(long) in self.defs.get(key, ()):
            element = key + _DEF + definition_key(long)
        return self._joins.find(element)

    # -- answering ----------------------------------------------------------------------------
    def _group(self, root: str) -> _Group:
        """What the corpus says of the entity of ``root``'s group."""
        members = sorted(self._joins.group(root))
        surfaces: Counter[str] = Counter()
        weights: Counter[EntityType] = Counter()
        best: dict[EntityType, int] = {}
        settled: dict[EntityType, str] = {}
        for m in members:
            info = self.info.get(m)
            if info is None:
                continue
            surfaces.update(info.surfaces)
            weights.update(info.weights)
            for t, s in info.votes.items():
                best[t] = max(best.get(t, 0), s)
            for t, n in info.settled.items():
                settled.setdefault(t, n)
        entry = next(
            (e for m in members if _DEF not in m and (e := self.lex.by_key.get(m)) is not None), None
        )
        ty = self._decide(weights, best, settled, entry)
        if ty is not None and ty in settled:
            name: str | None = settled[ty]
        elif entry is not None:
            name = entry.name
        else:
            eligible = [s for s in surfaces if self._joins.find(entity_key(s)) == root]
            name = max(eligible, key=surfaces.__getitem__) if eligible else None  # ties: first seen
        aliases = frozenset(surfaces).union(entry.aliases if entry else ())
        strong = tuple(t for t in TYPE_ORDER if best.get(t, 0) >= self.STRONG)
        return _Group(name, ty, aliases, entry.homepage if entry else None, strong)

    @staticmethod
    def _decide(
        weights: Counter[EntityType],
        best: dict[EntityType, int],
        settled: dict[EntityType, str],
        entry: RegistryEntry | None,
    ) -> EntityType | None:
        """The node type: an existing graph's, else the registry's, else the heaviest evidence
        (ties: the strongest single typing, then :data:`TYPE_ORDER`)."""
        if settled:
            types: Iterable[EntityType] = settled
        elif entry is not None:
            return entry.type
        elif weights:
            types = TYPE_ORDER
        else:
            return None
        return max(types, key=lambda t: (weights.get(t, 0), best.get(t, -1), -TYPE_ORDER.index(t)))

    def node_type(self, name: str, fallback: EntityType, aliases: tuple[str, ...] = ()) -> EntityType:
        """The type of the graph's entity of a name (with the aliases its mention has)."""
        return self._group(self._root(name, aliases)).type or fallback

    def corpus_type(
        self, key: str, local: EntityType, local_strength: int, strong: tuple[EntityType, ...]
    ) -> EntityType:
        """The type a mention gets in its paper: its own when strong, else the registry's, else
        the one type the corpus gives its entity strongly."""
        entry = self.lex.by_key.get(key)
        if entry is not None and local_strength < self.STRONG:
            swappable = (EntityType.DATASET, EntityType.BENCHMARK)
            if entry.type in swappable and local in swappable and local_strength >= 2:
                return local  # this paper's own cue decides between dataset and benchmark
            return entry.type
        if local_strength >= self.STRONG:
            return local
        return strong[0] if len(strong) == 1 else local

    def retype(self, ext: PaperExtraction) -> PaperExtraction:
        """Apply corpus-level typing to one paper's entities, and make the entities of one
        canonical entity one (an acronym and the long form it is defined by)."""
        out: dict[str, ExtractedEntity] = {}
        roots = [self._root(e.name, e.aliases) for e in ext.entities]
        by_key = {entity_key(e.name): r for e, r in zip(ext.entities, roots, strict=True)}
        for e, root in zip(ext.entities, roots, strict=True):
            strong = self._group(root).strong
            ty = self.corpus_type(entity_key(e.name), e.type, e.type_strength, strong)
            e2 = replace(e, type=ty) if ty is not e.type else e
            # An acronym the paper defines is its long form's entity there ("Vision Transformer (ViT)"
            # with a registry "ViT" too).
            long = long_form(e.name, e.aliases)
            slot = by_key.get(entity_key(long), root) if long is not None else root
            prev = out.get(slot)
            if prev is None:
                out[slot] = e2
            else:
                out[slot] = _merged(e2, prev) if self._rank(e2) < self._rank(prev) else _merged(prev, e2)
        return replace(ext, entities=tuple(out.values()))

    def _rank(self, e: ExtractedEntity) -> tuple[bool, bool]:
        """Which of a paper's entities names the others merged with it: a registry name first,
        then a long form before an acronym."""
        return entity_key(e.name) not in self.lex.by_key, is_acronym(e.name)

    def canonical(self, e: ExtractedEntity) -> Canonical:
        """The graph's entity of ``e``: one per name (with its acronyms), typed by the corpus."""
        g = self._group(self._root(e.name, e.aliases))
        name = g.name or long_form(e.name, e.aliases) or e.name
        aliases = set(g.aliases)
        aliases.update(e.aliases)
        aliases.add(e.name)
        aliases.discard(name)
        return Canonical(entity_key(name), name, g.type or e.type, tuple(sorted(aliases)), g.homepage)

    def _known(self, key: str, fallback: RegistryEntry | None = None) -> Canonical | None:
        """The canonical entity of a name key the corpus or the registry knows, else None."""
        g = self._group(self._root(key, ()))
        name = g.name or (fallback.name if fallback else None)
        ty = g.type or (fallback.type if fallback else None)
        if name is None or ty is None:
            return None
        aliases = tuple(sorted(g.aliases - {name}))
        return Canonical(entity_key(name), name, ty, aliases, g.homepage)

    def family(self, c: Canonical) -> Canonical | None:
        """The family entity of a variant, when the corpus or the registry knows the family.

        A registry entry's own ``variant_of`` wins ("SDXL" is a Stable Diffusion); otherwise the
        name's shape says it ("LLaVA-1.5-13B" -> "LLaVA-1.5")."""
        own = self.lex.by_key.get(c.key)
        if own is not None and own.variant_of:
            fam_entry = self.lex.by_key.get(entity_key(own.variant_of))
            if fam_entry is not None and entity_key(fam_entry.name) != c.key:
                return self._known(entity_key(fam_entry.name), fam_entry)
        fam = family_of(c.name)
        if fam is None:
            return None
        fkey = entity_key(fam)
        if fkey == c.key or self._root(fkey, ()) == self._root(c.name, ()):
            return None
        return self._known(fkey)


RESOLVER_NAME = "paperkg.resolve"
RESOLVER_VERSION = __version__

"""Rule data loaded from ``extraction/data``: the registry of known artifacts, generic terms, cue words,
the patterns file and the rules' word lists (:func:`rule_words`). Users extend the registry with
``--registry FILE`` (same JSON Lines format)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from paperkg.errors import PaperkgError
from paperkg.keys import name_key
from paperkg.model import EntityType

T = TypeVar("T")


class RegistryError(PaperkgError, ValueError):
    """A registry file that cannot be used (the message names the file and line)."""


@lru_cache(maxsize=200_000)
@dataclass(frozen=True)
class RegistryEntry:
    name: str
    type: EntityType
    aliases: tuple[str, ...] = ()
    homepage: str | None = None
    case_sensitive: bool = False
    variant_of: str | None = None  # the family entry's name ("SDXL" -> "Stable Diffusion")

    def surfaces(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass
class Lexicon:
    entries: list[RegistryEntry]
    generic: frozenset[str]  # normalized generic terms
    cues: dict[EntityType, frozenset[str]]  # lower-cased head nouns per type
    patterns: dict[str, Any]
    by_key: dict[str, RegistryEntry] = field(default_factory=dict)

    first_words: dict[str, int] = field(default_factory=dict)
    memo: dict[tuple[str, str], Any] = field(default_factory=dict)  # values derived from the data
    # Per-word rule results, by word (see names.name_part and type_rules.cue_of).
    name_parts: dict[str, str | None] = field(default_factory=dict)
    cue_types: dict[str, EntityType | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for e in self.entries:
            for s in e.surfaces():
                self.by_key.setdefault(name_key(s), e)
                words = s.split()
                if words:
                    k = name_key(words[0])
                    self.first_words[k] = max(self.first_words.get(k, 0), len(words))

    def lookup(self, surface: str) -> RegistryEntry | None:
        e = self.by_key.get(name_key(surface))
        if e is None:
            return None
        if e.case_sensitive and surface not in e.surfaces():
            return None
        if surface.islower() and not any(x.islower() for x in e.surfaces()):
            return None  # "multiple" is a word, not MultiPL-E; "of a" is not OFA
        if surface.isalpha() and not any(surface.casefold() == x.casefold() for x in e.surfaces()):
            return None  # a plain word matching only once punctuation is dropped: "Multiple"
        return e

    def is_generic(self, surface: str) -> bool:
        k = name_key(surface)
        if k in self.generic:
            return True
        # Plurals of generic terms: "LLMs", "VLMs", "benchmarks".
        return k.endswith("s") and k[:-1] in self.generic

    def derived(self, name: str, make: Callable[[], T]) -> T:
        """A value made once from this lexicon's data (a set built from a pattern list, say)."""
        key = ("derived", name)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = make()
        return found  # type: ignore[no-any-return]

    @cached_property
    def _word_sets(self) -> dict[str, frozenset[str]]:
        return {k: frozenset(w.lower() for w in v) for k, v in self.patterns.items() if isinstance(v, list)}

    @cached_property
    def _pattern_sets(self) -> dict[str, frozenset[str]]:
        return {k: frozenset(v) for k, v in self.patterns.items() if isinstance(v, list)}

    def word_set(self, key: str) -> frozenset[str]:
        """A pattern list as a set of lower-case words."""
        return self._word_sets.get(key, frozenset())

    def pattern_set(self, key: str) -> frozenset[str]:
        """A pattern list as a set, case kept."""
        return self._pattern_sets.get(key, frozenset())


def _data_text(name: str) -> str:
    return resources.files("paperkg.extraction").joinpath("data", name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _rule_word_groups() -> dict[str, dict[str, Any]]:
    return json.loads(_data_text("rule_words.json"))  # type: ignore[no-any-return]


def rule_words(group: str, name: str) -> frozenset[str]:
    """The word list ``name`` of the group ``group`` of ``data/rule_words.json`` (the file is
    read once), as written: the rules keep these as module constants."""
    return frozenset(_rule_word_groups()[group][name])


def parse_registry(lines: list[str], where: str) -> list[RegistryEntry]:
    out: list[RegistryEntry] = []
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            rec = json.loads(line)
            out.append(
                RegistryEntry(
                    name=str(rec["name"]),
                    type=EntityType(rec["type"]),
                    aliases=tuple(str(a) for a in rec.get("aliases", [])),
                    homepage=rec.get("homepage"),
                    case_sensitive=bool(rec.get("case_sensitive", False)),
                    variant_of=rec.get("variant_of"),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise RegistryError(f"{where}:{n}: bad registry entry ({exc})") from None
    return out


@lru_cache(maxsize=8)
def load_lexicon(extra_registry: str | None = None) -> Lexicon:
    entries = parse_registry(_data_text("registry.jsonl").splitlines(), "registry.jsonl")
    if extra_registry:
        p = Path(extra_registry)
        try:
            text = p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise RegistryError(f"{extra_registry}: cannot read registry ({exc})") from None
        # User entries come first so they win over shipped ones.
        entries = parse_registry(text.splitlines(), extra_registry) + entries
    generic = frozenset(
        name_key(w)
        for w in _data_text("generic_terms.txt").splitlines()
        if w.strip() and not w.startswith("#")
    )
    cue_raw = json.loads(_data_text("cue_words.json"))
    cues = {t: frozenset(w.lower() for w in cue_raw.get(t.value, [])) for t in EntityType}
    patterns = json.loads(_data_text("patterns.json"))
    return Lexicon(entries, generic, cues, patterns)

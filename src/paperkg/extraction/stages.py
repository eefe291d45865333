"""The typed records passed between the extractor's stages.

1. **tokenize**: a paper's title and abstract become spaCy docs (cleaned text, same offsets);
   the ``paperkg_entities`` component finds candidate mentions (:class:`Cand`).
2. **collect**: one :class:`EntityCandidate` per name of a paper, with the rules' evidence
   (:class:`PaperCandidates`).
3. **decide**: a decider gives one :class:`Decision` per candidate: keep it or not, its type,
   its role, its name. :data:`RULES` is the rules' decision; a learned decider
   (:mod:`paperkg.extraction.learn`) reads the same records.
4. **build**: the kept candidates become :class:`~paperkg.model.ExtractedEntity` records of a
   :class:`~paperkg.model.PaperExtraction`, with the paper's URLs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from spacy.tokens import Doc

from paperkg.model import EntityType, Mention, Paper, Role


@dataclass(slots=True)
class Cand:
    """A candidate entity mention: token span, evidence for its type and role. The rules never
    change a candidate once made (not frozen only because frozen records are slower to make, and
    rules make many)."""

    start: int  # token index
    end: int  # token index, exclusive
    text: str
    source: str  # registry | shape | title | list | cue | acronym | lexicon
    type: EntityType | None = None
    type_strength: int = 0  # 3 registry/title cue, 2 adjacent cue, 1 context, 0 none
    introduced: bool = False
    alias: str | None = None  # long form of an acronym, or the acronym of a long form
    confidence: float = 0.6
    listed: bool = False  # an item of a list whose other items are names too
    ext_end: int = 0  # end of the mention with its head noun and acronym: "Penn Treebank dataset (PTB)"
    ext_start: int = -1  # start of the mention with a language adjective: "English Penn Treebank"
    repo_id: str | None = None  # the Hugging Face repo id it was written as: "Qwen/Qwen2.5-7B"


@dataclass(frozen=True, slots=True)
class EntityCandidate:
    """A name found in a paper, with every piece of evidence the rules gathered for it."""

    key: str  # the comparison key of the name (keys.name_key)
    name: str  # the surface form first found
    mentions: tuple[Mention, ...]
    votes: dict[EntityType, int]  # type evidence: type -> strongest strength
    rule_type: EntityType  # the rules' type (the strongest vote)
    strength: int  # its strength (3 registry / title cue, 2 adjacent cue, 1 context, 0 none)
    introduced: bool  # the rules' role evidence
    aliases: tuple[str, ...]
    confidence: float
    from_title: bool  # the name before the title's colon
    sources: frozenset[str]  # the rules that found it (registry, shape, title, cue, list, intro, part…)
    listed: bool  # an item of a list of names
    is_part: bool  # a part of one of the paper's hyphenated names
    concept: bool  # an acronym the paper defines as a plain concept ("electrocardiogram (ECG)")
    rule_keep: bool  # the rules keep it
    ids: tuple[str, ...] = ()  # external ids it was written as ("hf:Qwen/Qwen2.5-7B")


@dataclass(frozen=True, slots=True)
class PaperCandidates:
    """Stage 2's output: a paper, its two docs and its candidates, in order of first mention."""

    paper: Paper
    title: Doc
    abstract: Doc
    candidates: tuple[EntityCandidate, ...]


@dataclass(frozen=True, slots=True)
class Decision:
    """What a decider says of one candidate. ``name`` and ``aliases`` are the candidate's when None."""

    keep: bool
    type: EntityType
    role: Role
    strength: int
    confidence: float
    name: str | None = None
    aliases: tuple[str, ...] | None = None


class Decider(Protocol):
    def decide(self, pc: PaperCandidates) -> Sequence[Decision]: ...


class RuleDecider:
    """The rules' decision: their keep test, their strongest type vote and their role evidence."""

    name = "rules"

    def decide(self, pc: PaperCandidates) -> list[Decision]:
        return [
            Decision(
                c.rule_keep,
                c.rule_type,
                Role.INTRODUCED if c.introduced else Role.USED,
                c.strength,
                c.confidence,
            )
            for c in pc.candidates
        ]


RULES = RuleDecider()

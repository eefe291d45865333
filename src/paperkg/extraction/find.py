"""One field's candidates, stage by stage (:func:`find_candidates`):

1. **named**: the title's names, registry surfaces and name-shaped tokens, without LaTeX;
2. **acronyms**: what the field's acronym definitions say (:class:`Acronyms`): aliases, long-form
   types, and acronyms of plain concepts that are not names;
3. **more**: names after "we propose", before cue nouns and in lists of names, without
   quantities, repo ids made one name each;
4. **evidence**: the field-wide type and role evidence (:class:`FieldEvidence`);
5. **finish**: each candidate with its type, strength, role and mention span.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from paperkg.extraction import clean
from paperkg.extraction.candidates import (
    cue_candidates,
    list_candidates,
    merge_candidates,
    registry_spans,
    shape_candidates,
)
from paperkg.extraction.lexicon import Lexicon
from paperkg.extraction.lists import coordination_lists, list_types, listed_starts
from paperkg.extraction.mentions import acronym_definitions, is_title_case, mention_end, mention_start
from paperkg.extraction.roles import appositive_intro, intro_name_runs, intro_token_ranges
from paperkg.extraction.stages import Cand
from paperkg.extraction.state import DocState
from paperkg.extraction.titles import spelled_out, title_cue_types, title_names
from paperkg.extraction.tokens import TokArrays
from paperkg.extraction.type_rules import (
    campaign_type,
    context_type,
    cue_of,
    cue_type,
    head_type,
    name_shape_type,
    parenthetical_use,
)
from paperkg.keys import name_key
from paperkg.model import EntityType, Field

Lists = list[list[tuple[int, int]]]


@dataclass(frozen=True, slots=True)
class Acronyms:
    """What a field's acronym definitions ("Chinese Penn Treebank (CTB)") say of its candidates,
    by candidate start."""

    drop: frozenset[int]  # not names: concepts ("electrocardiogram (ECG)"), short names of names
    aliases: dict[int, str]  # the long form of an acronym, or the acronym of a name
    long_types: dict[int, EntityType]  # the type the long form's last word gives
    long_spans: tuple[tuple[int, int], ...]  # token ranges of the long forms of names
    definitions: dict[int, tuple[int, int]]  # the mention span: the whole definition
    concepts: frozenset[str]  # keys of acronyms defined as plain concepts

    def in_long_form(self, i: int) -> bool:
        return any(a <= i < b for a, b in self.long_spans)


@dataclass(frozen=True, slots=True)
class FieldEvidence:
    """The field-wide evidence each candidate's type and role are read from, by candidate start."""

    acronyms: Acronyms
    title_cues: dict[int, EntityType | None]  # the cue noun after the title's colon, per title name
    list_types: dict[int, EntityType]  # the type a cue noun gives a whole list
    listed: set[int]  # items of a list with another candidate
    firsts: set[int]  # the first names after "we propose / introduce"


def find_candidates(
    doc: Doc, state: DocState, lex: Lexicon, matcher: PhraseMatcher | None = None, ml: bool = True
) -> list[Cand]:
    """All candidate mentions in one field (``doc``, whose state says whether it is a title),
    typed and with their role evidence. LaTeX and quantities are never candidates; with
    ``ml=False`` (a text that does not speak of machine learning) only names with evidence of
    their own (:func:`clean.has_own_evidence`). The acronyms of plain concepts and a title's
    spelled-out long form go to ``state``."""
    a = state.tokens
    is_title = state.field is Field.TITLE
    title_cands = title_names(a, lex) if is_title else []
    base = _named(state, lex, title_cands, None if matcher is None else matcher(doc))
    if title_cands:
        base = _without_spelled_out(state, title_cands[-1], base)
    acronyms = _acronyms(a, lex, base)
    state.concepts |= acronyms.concepts
    base = [c for c in base if c.start not in acronyms.drop and not acronyms.in_long_form(c.start)]
    intro = intro_token_ranges(a, lex)
    cands, lists = _more(state, lex, base, intro, is_title, ml)
    evidence = FieldEvidence(
        acronyms,
        _title_cues(a, lex, title_cands),
        list_types(a, lex, lists),
        listed_starts(cands, lists),
        _intro_firsts(a, cands, intro),
    )
    out = [_finished(a, c, lex, evidence) for c in cands]
    return out if ml else [c for c in out if clean.has_own_evidence(c, lex)]


def _named(
    state: DocState, lex: Lexicon, title_cands: list[Cand], matches: Iterable[tuple[int, int, int]] | None
) -> list[Cand]:
    """Stage 1: the title's names, registry surfaces (at the registry matcher's ``matches``)
    and name-shaped tokens, without LaTeX."""
    reg = registry_spans(state.tokens, lex, matches=matches)
    shape = shape_candidates(state.tokens, lex)
    return clean.drop_noise(state, merge_candidates(title_cands, reg, shape), lex=lex, quantities=False)


def _without_spelled_out(state: DocState, title_cand: Cand, base: list[Cand]) -> list[Cand]:
    """ "COSMO: COntrastive Streamlined MultimOdal Model": the words after the colon spell the
    name; they are its long form (kept on the state), not names of their own."""
    a = state.tokens
    start = title_cand.end + 1
    if start >= len(a.text):
        return base
    after = spelled_out(a, title_cand.text, start)
    if after <= start:
        return base
    state.long_forms[name_key(title_cand.text)] = a.span_text(start, after)
    return [c for c in base if not (start <= c.start < after)]


def _acronyms(a: TokArrays, lex: Lexicon, base: list[Cand]) -> Acronyms:
    """Stage 2: what the acronyms defined in parentheses say of the candidates."""
    by_start = {c.start: c for c in base}
    drop: set[int] = set()
    concepts: set[str] = set()
    aliases: dict[int, str] = {}
    long_types: dict[int, EntityType] = {}
    long_spans: list[tuple[int, int]] = []
    definitions: dict[int, tuple[int, int]] = {}
    for d in acronym_definitions(a, lex):
        c = by_start.get(d.acronym)
        if c is None:
            continue
        long = a.span_text(d.start, d.end)
        # The mention of a defined acronym is the whole definition: "Chinese Penn Treebank (CTB)".
        after = d.acronym + 2
        defined = (d.start, after)
        if c.source == "registry":
            aliases[c.start] = long
            definitions[c.start] = defined
            continue
        inner = [b for b in base if d.start <= b.start < d.end and b is not c]
        if len(inner) == 1 and (inner[0].start, inner[0].end) == (d.start, d.end):
            # "Senseval-2 (SE2)": the acronym is a short name of a name, not a long form.
            drop.add(c.start)
            aliases[inner[0].start] = c.text
            continue
        named_by_cue = after < len(a.text) and cue_of(a.text[after], lex) is not None
        if not named_by_cue and (not is_title_case(a, d.start, d.end) or lex.is_generic(long)):
            drop.add(c.start)  # "electrocardiogram (ECG)": a concept, not a name
            concepts.add(name_key(c.text))
            continue
        aliases[c.start] = long
        definitions[c.start] = defined
        long_spans.append((d.start, d.end))
        ty = _long_form_type(a.lower[d.end - 1], lex)
        if ty is not None:
            long_types[c.start] = ty
    return Acronyms(frozenset(drop), aliases, long_types, tuple(long_spans), definitions, frozenset(concepts))


def _long_form_type(last: str, lex: Lexicon) -> EntityType | None:
    """The type a long form's last word names ("… Treebank", "… Benchmarks")."""
    for ty in (EntityType.BENCHMARK, EntityType.DATASET, EntityType.MODEL):
        if last in lex.cues[ty] or (last.endswith("s") and last[:-1] in lex.cues[ty]):
            return ty
    return None


def _more(
    state: DocState, lex: Lexicon, base: list[Cand], intro: list[tuple[int, int]], is_title: bool, ml: bool
) -> tuple[list[Cand], Lists]:
    """Stage 3: the candidates with the names introduced, before cue nouns and in lists, without
    quantities; and the coordination lists near them."""
    a = state.tokens
    base = merge_candidates(base, intro_name_runs(a, lex, intro))
    taken = {i for c in base for i in range(c.start, c.end)}
    # Title words are all capitalized, so "A Large-scale Multimodal Dataset" says nothing there.
    cue = [] if is_title else cue_candidates(a, lex, taken)
    base = merge_candidates(base, cue)
    # Only the lists near a candidate can add or type one.
    lists = coordination_lists(a, near=[c.start for c in base])
    lst = list_candidates(a, base, lex, lists)
    cands = clean.drop_noise(state, clean.with_repo_ids(a, merge_candidates(base, lst)), ml, lex)
    return cands, lists


def _title_cues(a: TokArrays, lex: Lexicon, title_cands: list[Cand]) -> dict[int, EntityType | None]:
    """The cue noun of the description after a title's colon, for each name before it: one cue
    for every name, or one each in order."""
    if not title_cands:
        return {}
    cues = title_cue_types(a, title_cands[-1].end + 1, lex)
    if len(cues) < len(title_cands):
        cues = cues[:1] * len(title_cands) if len(cues) == 1 else [None] * len(title_cands)
    return {c.start: ty for c, ty in zip(title_cands, cues, strict=False)}


def _intro_firsts(a: TokArrays, cands: list[Cand], intro: list[tuple[int, int]]) -> set[int]:
    """Starts of the first names after "we propose / introduce", and of a second name joined to
    one by "and" or a comma ("we introduce X and Y")."""
    lower = a.lower
    firsts: set[int] = set()
    for s, e in intro:
        inside = [c for c in cands if s <= c.start < e and c.source != "registry"]
        if inside:
            firsts.add(inside[0].start)
            for x, y in itertools.pairwise(inside):
                if x.start in firsts and y.start - x.end <= 2 and lower[x.end] in ("and", ","):
                    firsts.add(y.start)
    return firsts


def _finished(a: TokArrays, c: Cand, lex: Lexicon, ev: FieldEvidence) -> Cand:
    """Stage 5: a candidate with its type and strength, role, aliases and mention span."""
    in_parens = parenthetical_use(a, c)
    title_cue = ev.title_cues.get(c.start) if c.source == "title" else None
    acronyms = ev.acronyms
    ty, strength = _type_evidence(
        a, c, lex, acronyms.long_types.get(c.start), title_cue, ev.list_types.get(c.start), in_parens
    )
    introduced = c.introduced or (
        c.source != "registry" and (c.start in ev.firsts or appositive_intro(a, c, lex))
    )
    defined = acronyms.definitions.get(c.start)
    return Cand(
        c.start,
        c.end,
        c.text,
        c.source,
        ty,
        strength,
        introduced,
        acronyms.aliases.get(c.start, c.alias),
        max(c.confidence, 0.8) if introduced and not c.introduced else c.confidence,
        in_parens or c.start in ev.listed,
        defined[1] if defined else mention_end(a, c),
        defined[0] if defined else mention_start(a, c, lex),
        c.repo_id,
    )


def _type_evidence(
    a: TokArrays,
    c: Cand,
    lex: Lexicon,
    long_type: EntityType | None,
    title_cue: EntityType | None,
    list_type: EntityType | None,
    in_parens: bool,
) -> tuple[EntityType | None, int]:
    """The type of a candidate and its strength. Evidence is taken strongest first, and a later
    piece only counts when it is stronger, so a piece that cannot beat what is already known is
    not computed."""
    ty, strength = c.type, c.type_strength
    if strength < 3 and long_type is not None:
        ty, strength = long_type, 3
    if strength < 3:
        t, st = name_shape_type(c.text)
        if t is not None and st > strength:
            ty, strength = t, st
    if strength < 3 and title_cue is not None:
        ty, strength = title_cue, 3
    if strength < 3:
        t, st = cue_type(a, c.start, c.end, lex)
        if t is not None and st > strength:
            ty, strength = t, st
    if strength < 2 and list_type is not None:
        ty, strength = list_type, 2
    if strength < 2:
        t, st = head_type(a, c.end, lex)
        if t is not None and st > strength:
            ty, strength = t, st
    if strength < 1:
        t, st = campaign_type(c.text, lex)
        if t is None and in_parens:
            t, st = EntityType.DATASET, 1
        if t is None:
            t, st = context_type(a, c.start, lex), 1
        if t is not None:
            ty, strength = t, st
    return ty, strength

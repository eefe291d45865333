"""The spaCy pipeline: a blank English tokenizer tuned for artifact names, a sentencizer,
and the ``paperkg_entities`` component that writes candidate spans to ``doc.spans["paperkg"]``."""

from __future__ import annotations

import re
from dataclasses import replace

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import compile_infix_regex

from paperkg.extract import rules
from paperkg.extract.lexicon import Lexicon, load_lexicon
from paperkg.model import EntityType

SPANS_KEY = "paperkg"
if not Span.has_extension("cand"):
    Span.set_extension("cand", default=None)

# A name with a parenthesised lower-case tail stays one token: "GPT-4V(ision)".
_TOKEN_MATCH = re.compile(r"^[A-Za-z0-9][\w.\-/+]*\([a-z]+\)$")


def make_nlp(registry: str | None = None) -> Language:
    nlp = spacy.blank("en")
    # Keep hyphenated names whole ("Qwen2-VL", "CLIP-MoE"): drop the letter-hyphen-letter infix.
    infixes = [p for p in nlp.Defaults.infixes if "-" not in p and "–" not in p]
    infixes.append(r"(?<=[a-z])[—–](?=[A-Za-z])")
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    nlp.tokenizer.token_match = _TOKEN_MATCH.match
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("paperkg_entities", config={"registry": registry})
    return nlp


@Language.factory("paperkg_entities", default_config={"registry": None})
def create_entities_component(nlp: Language, name: str, registry: str | None) -> EntitiesComponent:
    return EntitiesComponent(load_lexicon(registry))


class EntitiesComponent:
    """Finds candidate entity mentions and their type and role evidence in one field's text.

    ``doc.user_data["field"]`` is ``"title"`` or ``"abstract"`` (default abstract).
    """

    def __init__(self, lex: Lexicon) -> None:
        self.lex = lex

    def __call__(self, doc: Doc) -> Doc:
        cands = find_candidates(doc, self.lex, doc.user_data.get("field") == "title")
        spans = []
        for c in cands:
            span = Span(doc, c.start, c.end, label=(c.type.value if c.type else "entity"))
            span._.cand = c
            spans.append(span)
        doc.spans[SPANS_KEY] = spans
        return doc


def find_candidates(doc: Doc, lex: Lexicon, is_title: bool = False) -> list[rules.Cand]:
    """All candidate mentions in one field, typed and with their role evidence."""
    title_cand = rules.title_name(doc, lex) if is_title else None
    reg = rules._registry_spans(doc, lex)
    shape = rules.shape_candidates(doc, lex)
    first = [title_cand] if title_cand else []
    base = rules.merge_candidates(first, reg, shape)

    # Acronyms defined in parentheses.
    by_start = {c.start: c for c in base}
    drop: set[int] = set()
    aliases: dict[int, str] = {}
    long_types: dict[int, EntityType] = {}
    for long, acr in rules.acronym_definitions(doc, lex):
        c = by_start.get(acr.start)
        if c is None:
            continue
        if c.source == "registry":
            aliases[c.start] = long.text
            continue
        if not rules._is_title_case(long) or lex.is_generic(long.text):
            drop.add(c.start)  # "electrocardiogram (ECG)": a concept, not a name
            continue
        aliases[c.start] = long.text
        last = long[-1].lower_
        for ty in (EntityType.BENCHMARK, EntityType.DATASET, EntityType.MODEL):
            if last in lex.cues[ty] or (last.endswith("s") and last[:-1] in lex.cues[ty]):
                long_types[c.start] = ty
                break
    base = [c for c in base if c.start not in drop]
    taken = {i for c in base for i in range(c.start, c.end)}
    cue = rules.cue_candidates(doc, lex, taken)
    base = rules.merge_candidates(base, cue)
    lst = rules.list_candidates(doc, base, lex)
    cands = rules.merge_candidates(base, lst)

    intro = rules.intro_token_ranges(doc, lex)
    title_cue = rules.title_cue_type(doc, title_cand.end + 1, lex) if title_cand else None
    out: list[rules.Cand] = []
    firsts = set()
    for s, e in intro:
        inside = [c for c in cands if s <= c.start < e and c.source != "registry"]
        if inside:
            firsts.add(inside[0].start)
            # "we introduce X and Y": a second name joined by "and" right after the first.
            for a, b in zip(inside, inside[1:], strict=False):
                if a.start in firsts and b.start - a.end <= 2 and doc[a.end].lower_ in ("and", ","):
                    firsts.add(b.start)
    for c in cands:
        if c.start in aliases:
            c = replace(c, alias=aliases[c.start])
        if c.start in long_types:
            c = rules.with_type(c, long_types[c.start], 3)
        if c is title_cand or c.source == "title":
            c = rules.with_type(c, title_cue, 3)
        c = rules.with_type(c, rules.cue_type(doc, c.start, c.end, lex), 2)
        c = rules.with_type(c, rules.name_shape_type(c.text), 2)
        c = rules.with_type(c, rules.context_type(doc, c.start, lex), 1)
        if c.source != "registry" and (c.start in firsts or rules.appositive_intro(doc, c, lex)):
            c = replace(c, introduced=True, confidence=max(c.confidence, 0.8))
        out.append(c)
    return out

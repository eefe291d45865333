"""The spaCy pipeline: a blank English tokenizer tuned for artifact names and the
``paperkg_entities`` component that writes candidate spans to ``doc.spans["paperkg"]``.

Sentence bounds come from the rules' token arrays (the sentencizer's rule, without its own
pass over the doc), so the pipeline has one component."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator

import spacy
from spacy.attrs import IS_ALPHA, IS_LOWER, IS_PUNCT, LOWER
from spacy.lang.tokenizer_exceptions import URL_PATTERN
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from paperkg.extraction import clean
from paperkg.extraction.affixes import InfixFinditer, PrefixSearch, SuffixSearch
from paperkg.extraction.candidates import (
    cue_candidates,
    list_candidates,
    merge_candidates,
    registry_matcher,
    registry_spans,
    shape_candidates,
)
from paperkg.extraction.lexicon import Lexicon, load_lexicon
from paperkg.extraction.lists import coordination_lists, list_types, listed_starts
from paperkg.extraction.mentions import (
    acronym_definitions,
    is_title_case,
    mention_end,
    mention_start,
    span_key,
)
from paperkg.extraction.roles import appositive_intro, intro_name_runs, intro_token_ranges
from paperkg.extraction.stages import Cand
from paperkg.extraction.titles import spelled_out, title_cue_types, title_names
from paperkg.extraction.tokens import arrays
from paperkg.extraction.type_rules import (
    campaign_type,
    context_type,
    cue_of,
    cue_type,
    head_type,
    name_shape_type,
    parenthetical_use,
)
from paperkg.model import EntityType

SPANS_KEY = "paperkg"
CANDS_KEY = "paperkg_cands"  # the same candidates as plain records (Cand), in doc.user_data

# A name with a parenthesised lower-case tail stays one token: "GPT-4V(ision)".
_TOKEN_MATCH = re.compile(r"^[A-Za-z0-9][\w.\-/+]*\([a-z]+\)$")
# spaCy's URL pattern behind a lookahead for a full stop with a character after it: every string
# the pattern matches has one (its host is "name.tld" or an IP address), so the many words that
# end in a full stop, or hold none, fail at once instead of after the whole pattern.
URL_MATCH = re.compile(r"(?u)(?=[^.]*\..)" + URL_PATTERN).match
# How many whitespace-separated strings the tokenizer remembers the split of (spaCy's default is
# 10,000, which a corpus of a few thousand abstracts fills; each entry is a few dozen bytes).
TOKENIZER_CACHE = 200_000
# The lexeme attributes the rules read (arrays, and Token.is_alpha / lower_).
_RULE_ATTRS = (LOWER, IS_ALPHA, IS_LOWER, IS_PUNCT)


def make_nlp(registry: str | None = None, spans: bool = True, lean_lexemes: bool = False) -> Language:
    """The pipeline. With ``spans=False`` the component keeps its candidates in ``doc.user_data``
    only, without making a spaCy ``Span`` for each (the extractor reads the records).

    With ``lean_lexemes=True`` a new word's lexeme gets only the attributes the rules read
    (lower case, alphabetic, lower-case, punctuation). spaCy otherwise computes some twenty for
    every new word (shape, norm, prefix, suffix, like_num, …) and keeps their strings."""
    nlp = spacy.blank("en")
    if lean_lexemes:
        getters = nlp.vocab.lex_attr_getters
        nlp.vocab.lex_attr_getters = {k: getters[k] for k in _RULE_ATTRS}
    # Keep hyphenated names whole ("Qwen2-VL", "CLIP-MoE"): drop the letter-hyphen-letter infix.
    infixes = [p for p in nlp.Defaults.infixes if "-" not in p and "–" not in p]
    infixes.append(r"(?<=[a-z])[—–](?=[A-Za-z])")
    # Glued sentences and brackets from scraped text: "underexplored.In", "Models(LLMs)".
    infixes.append(r"(?<=[a-z]{2})\.(?=[A-Z][a-z])")
    infixes.append(r"(?<=[a-z]{2})\((?=[A-Z])")
    infixes.append(r"~")
    # A dash lost in PDF text: "tasks-Penn Treebank" (the whole left part in lower case, so that
    # "Something-Something" and "DeepSeek-R1-Distill-Llama" stay whole).
    lower_word = "|".join(rf"(?<=^[a-z]{{{k}}})" for k in range(4, 16))
    infixes.append(rf"(?:{lower_word})-(?=[A-Z][a-z]+$)")
    infixes.append(r"(?<=[a-zA-Z]):(?=[A-Z])")
    infixes.append(r"(?<=[A-Za-z]{2})/(?=[A-Za-z]{2})")
    infixes.append(r"(?<=[A-Za-z0-9]{2})/(?=[A-Z]{2})")  # "NIST04/NIST05/CWMT2008"
    infixes.append(r"(?<=[a-z]\.),(?=[A-Z])")
    # Glued sentences after a bracket or a digit: "(GMA).Then", "AirSim360.Extensive".
    infixes.extend(clean.GLUED_SENTENCE_INFIXES)
    # A repo id's slash before a hyphenated name: "manglu097/Chiron-o1" (see clean.repo_ids).
    infixes.append(r"(?<=[A-Za-z0-9])/(?=[A-Za-z][A-Za-z0-9.]*-)")
    # The affix searches are spaCy's compiled patterns behind faster stand-ins (extraction/affixes.py).
    nlp.tokenizer.infix_finditer = InfixFinditer(infixes)
    # A full stop after a capital or "+" ends the sentence ("… on GPT-4V.", "RefCOCO+.").
    # Sizes stay on their names ("CCMD-8M", "DetailedTextCaps-100K"): drop the unit and currency suffixes.
    suffixes = [x for x in nlp.Defaults.suffixes if not x.startswith("(?<=[0-9])")]
    suffixes.append(r"(?<=[A-Z0-9+])\.$")
    nlp.tokenizer.suffix_search = SuffixSearch(suffixes)
    nlp.tokenizer.token_match = _TOKEN_MATCH.match
    nlp.tokenizer.url_match = URL_MATCH
    nlp.tokenizer.max_cache_size = TOKENIZER_CACHE
    nlp.tokenizer.prefix_search = PrefixSearch(nlp.Defaults.prefixes)
    nlp.add_pipe("paperkg_entities", config={"registry": registry, "spans": spans})
    return nlp


@Language.factory("paperkg_entities", default_config={"registry": None, "spans": True})
def create_entities_component(
    nlp: Language, name: str, registry: str | None, spans: bool
) -> EntitiesComponent:
    lex = load_lexicon(registry)
    return EntitiesComponent(lex, registry_matcher(nlp, lex, nlp.make_doc), spans)


class EntitiesComponent:
    """Finds candidate entity mentions and their type and role evidence in one field's text.

    ``doc.user_data["field"]`` is ``"title"`` or ``"abstract"`` (default abstract).
    """

    def __init__(self, lex: Lexicon, matcher: PhraseMatcher | None = None, spans: bool = True) -> None:
        self.lex = lex
        self.matcher = matcher
        self.spans = spans

    def __call__(self, doc: Doc, ml: bool | None = None) -> Doc:
        """Find the candidates of ``doc``. ``ml``: does the paper speak of machine learning
        (:func:`clean.speaks_of_ml`)? By default, judged from this doc's words alone."""
        if ml is None:
            ml = clean.speaks_of_ml(arrays(doc).lower)
        cands = find_candidates(doc, self.lex, doc.user_data.get("field") == "title", self.matcher, ml)
        if self.spans:
            doc.spans[SPANS_KEY] = [
                Span(doc, c.start, c.end, label=c.type.value if c.type else "entity") for c in cands
            ]
        doc.user_data[CANDS_KEY] = cands
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        """As ``__call__`` on each doc, a title and the abstract after it judged together: the ML
        evidence is the paper's (the extractor gives each paper's title, then its abstract)."""
        title: Doc | None = None
        for doc in docs:
            if doc.user_data.get("field") == "title":
                if title is not None:
                    yield self(title)
                title = doc
                continue
            if title is None:
                yield self(doc)
                continue
            ml = clean.speaks_of_ml(arrays(title).lower + arrays(doc).lower)
            yield self(title, ml)
            yield self(doc, ml)
            title = None
        if title is not None:
            yield self(title)


def find_candidates(
    doc: Doc, lex: Lexicon, is_title: bool = False, matcher: PhraseMatcher | None = None, ml: bool = True
) -> list[Cand]:
    """All candidate mentions in one field, typed and with their role evidence. LaTeX and
    quantities are never candidates; with ``ml=False`` (a text that does not speak of machine
    learning) only names with evidence of their own (:func:`clean.has_own_evidence`)."""
    title_cands = title_names(doc, lex) if is_title else []
    title_cand = title_cands[-1] if title_cands else None
    reg = registry_spans(doc, lex, matcher=matcher)
    shape = shape_candidates(doc, lex)
    base = clean.drop_noise(doc, merge_candidates(title_cands, reg, shape), lex=lex, quantities=False)
    generic_acronyms: set[str] = doc.user_data.setdefault("generic_acronyms", set())
    long_forms: dict[str, str] = doc.user_data.setdefault("long_forms", {})
    if title_cand is not None and title_cand.end + 1 < len(doc):
        # "COSMO: COntrastive Streamlined MultimOdal Model": the words after the colon spell the name.
        after = spelled_out(doc, title_cand.text, title_cand.end + 1)
        if after > title_cand.end + 1:
            span = doc[title_cand.end + 1 : after]
            long_forms[span_key(title_cand.text)] = span.text
            base = [c for c in base if not (span.start <= c.start < span.end)]

    # Acronyms defined in parentheses.
    by_start = {c.start: c for c in base}
    drop: set[int] = set()
    aliases: dict[int, str] = {}
    long_types: dict[int, EntityType] = {}
    long_spans: list[tuple[int, int]] = []
    definitions: dict[int, tuple[int, int]] = {}
    for long, acr in acronym_definitions(doc, lex):
        c = by_start.get(acr.start)
        if c is None:
            continue
        # The mention of a defined acronym is the whole definition: "Chinese Penn Treebank (CTB)".
        defined = (long.start, acr.end + 1)
        if c.source == "registry":
            aliases[c.start] = long.text
            definitions[c.start] = defined
            continue
        inner = [b for b in base if long.start <= b.start < long.end and b is not c]
        if len(inner) == 1 and (inner[0].start, inner[0].end) == (long.start, long.end):
            # "Senseval-2 (SE2)": the acronym is a short name of a name, not a long form.
            drop.add(c.start)
            aliases[inner[0].start] = c.text
            continue
        after = acr.end + 1
        named_by_cue = after < len(doc) and cue_of(doc[after].text, lex) is not None
        if not named_by_cue and (not is_title_case(long) or lex.is_generic(long.text)):
            drop.add(c.start)  # "electrocardiogram (ECG)": a concept, not a name
            generic_acronyms.add(span_key(c.text))
            continue
        aliases[c.start] = long.text
        definitions[c.start] = defined
        long_spans.append((long.start, long.end))
        last = long[-1].lower_
        for ty in (EntityType.BENCHMARK, EntityType.DATASET, EntityType.MODEL):
            if last in lex.cues[ty] or (last.endswith("s") and last[:-1] in lex.cues[ty]):
                long_types[c.start] = ty
                break
    # Words of a long form are not names of their own ("Gradient-RegulAted Meta-prompt learning (GRAM)").
    base = [c for c in base if c.start not in drop and not any(a <= c.start < b for a, b in long_spans)]
    intro = intro_token_ranges(doc, lex)
    base = merge_candidates(base, intro_name_runs(doc, lex, intro))
    taken = {i for c in base for i in range(c.start, c.end)}
    # Title words are all capitalized, so "A Large-scale Multimodal Dataset" says nothing there.
    cue = [] if is_title else cue_candidates(doc, lex, taken)
    base = merge_candidates(base, cue)
    # Only the lists near a candidate can add or type one.
    lists = coordination_lists(doc, near=[c.start for c in base])
    lst = list_candidates(doc, base, lex, lists)
    cands = clean.drop_noise(doc, clean.with_repo_ids(doc, merge_candidates(base, lst)), ml, lex)

    title_cues = title_cue_types(doc, title_cand.end + 1, lex) if title_cand else []
    if len(title_cues) < len(title_cands):
        title_cues = title_cues[:1] * len(title_cands) if len(title_cues) == 1 else [None] * len(title_cands)
    title_cue_by_start = {c.start: ty for c, ty in zip(title_cands, title_cues, strict=False)}
    by_list = list_types(doc, lex, lists)
    listed = listed_starts(doc, cands, lists)
    out: list[Cand] = []
    firsts = set()
    for s, e in intro:
        inside = [c for c in cands if s <= c.start < e and c.source != "registry"]
        if inside:
            firsts.add(inside[0].start)
            # "we introduce X and Y": a second name joined by "and" right after the first.
            for a, b in itertools.pairwise(inside):
                if a.start in firsts and b.start - a.end <= 2 and doc[a.end].lower_ in ("and", ","):
                    firsts.add(b.start)
    for c in cands:
        in_parens = parenthetical_use(doc, c)
        is_listed = in_parens or c.start in listed
        title_cue = title_cue_by_start.get(c.start) if c.source == "title" else None
        ty, strength = _type_evidence(
            doc, c, lex, long_types.get(c.start), title_cue, by_list.get(c.start), in_parens
        )
        introduced = c.introduced or (
            c.source != "registry" and (c.start in firsts or appositive_intro(doc, c, lex))
        )
        defined = definitions.get(c.start)
        out.append(
            Cand(
                c.start,
                c.end,
                c.text,
                c.source,
                ty,
                strength,
                introduced,
                aliases.get(c.start, c.alias),
                max(c.confidence, 0.8) if introduced and not c.introduced else c.confidence,
                is_listed,
                defined[1] if defined else mention_end(doc, c),
                defined[0] if defined else mention_start(doc, c, lex),
                c.repo_id,
            )
        )
    return out if ml else [c for c in out if clean.has_own_evidence(c, lex)]


def _type_evidence(
    doc: Doc,
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
        t, st = cue_type(doc, c.start, c.end, lex)
        if t is not None and st > strength:
            ty, strength = t, st
    if strength < 2 and list_type is not None:
        ty, strength = list_type, 2
    if strength < 2:
        t, st = head_type(doc, c.end, lex)
        if t is not None and st > strength:
            ty, strength = t, st
    if strength < 1:
        t, st = campaign_type(c.text, lex)
        if t is None and in_parens:
            t, st = EntityType.DATASET, 1
        if t is None:
            t, st = context_type(doc, c.start, lex), 1
        if t is not None:
            ty, strength = t, st
    return ty, strength

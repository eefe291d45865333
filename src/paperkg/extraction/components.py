"""The spaCy pipeline: a blank English tokenizer tuned for artifact names and the
``paperkg_entities`` component that writes candidate spans to ``doc.spans["paperkg"]``.

Sentence bounds come from the rules' token arrays (the sentencizer's rule, without its own
pass over the doc), so the pipeline has one component."""

from __future__ import annotations

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
    registry_matcher,
)
from paperkg.extraction.find import find_candidates
from paperkg.extraction.lexicon import Lexicon, load_lexicon
from paperkg.extraction.state import DocState, doc_state
from paperkg.model import Field

SPANS_KEY = "paperkg"

# A name with a parenthesised lower-case tail stays one token: "GPT-4V(ision)".
_TOKEN_MATCH = re.compile(r"^[A-Za-z0-9][\w.\-/+]*\([a-z]+\)$")
# spaCy's URL pattern behind a lookahead for a full stop with a character after it: every string
# the pattern matches has one (its host is "name.tld" or an IP address), so the many words that
# end in a full stop, or hold none, fail at once instead of after the whole pattern.
URL_MATCH = re.compile(r"(?u)(?=[^.]*\..)" + URL_PATTERN).match
# How many whitespace-separated strings the tokenizer remembers the split of (spaCy's default is
# 10,000, which a corpus of a few thousand abstracts fills; each entry is a few dozen bytes).
TOKENIZER_CACHE = 200_000
# The lexeme attributes lean lexemes keep: those the token arrays read (lower case, lower-case,
# punctuation) and whether a word is alphabetic (Token.is_alpha).
_RULE_ATTRS = (LOWER, IS_ALPHA, IS_LOWER, IS_PUNCT)


def make_nlp(registry: str | None = None, spans: bool = True, lean_lexemes: bool = False) -> Language:
    """The pipeline. With ``spans=False`` the component keeps its candidates in the doc's state
    (``doc._.paperkg.cands``) only, without making a spaCy ``Span`` for each (the extractor
    reads the records).

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
    """Finds candidate entity mentions and their type and role evidence in one field's text,
    and keeps them in the doc's state (:mod:`paperkg.extraction.state`), whose field says
    whether the doc is a title or an abstract (an abstract for a doc made without a state).
    """

    def __init__(self, lex: Lexicon, matcher: PhraseMatcher | None = None, spans: bool = True) -> None:
        self.lex = lex
        self.matcher = matcher
        self.spans = spans

    def __call__(self, doc: Doc) -> Doc:
        """Find the candidates of ``doc``, judging whether it speaks of machine learning
        (:func:`clean.speaks_of_ml`) by its own words alone."""
        return self._alone(doc, doc_state(doc))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        """As ``__call__`` on each doc, a title and the abstract after it judged together: the ML
        evidence is the paper's (the extractor gives each paper's title, then its abstract)."""
        title: tuple[Doc, DocState] | None = None
        for doc in docs:
            state = doc_state(doc)
            if state.field is Field.TITLE:
                if title is not None:
                    yield self._alone(*title)
                title = doc, state
                continue
            if title is None:
                yield self._alone(doc, state)
                continue
            tdoc, tstate = title
            ml = clean.speaks_of_ml(tstate.tokens.lower + state.tokens.lower)
            yield self._find(tdoc, tstate, ml)
            yield self._find(doc, state, ml)
            title = None
        if title is not None:
            yield self._alone(*title)

    def _alone(self, doc: Doc, state: DocState) -> Doc:
        """:meth:`_find` on a doc judged by its own words."""
        return self._find(doc, state, clean.speaks_of_ml(state.tokens.lower))

    def _find(self, doc: Doc, state: DocState, ml: bool) -> Doc:
        """Find the candidates of ``doc`` (whose state is ``state``); ``ml``: does its paper
        speak of machine learning?"""
        cands = find_candidates(doc, state, self.lex, self.matcher, ml)
        if self.spans:
            doc.spans[SPANS_KEY] = [
                Span(doc, c.start, c.end, label=c.type.value if c.type else "entity") for c in cands
            ]
        state.cands = cands
        return doc

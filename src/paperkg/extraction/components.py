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
from paperkg.extraction.tokens import arrays

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

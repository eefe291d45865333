"""Mention spans: acronym definitions ("Penn Treebank (PTB)") and how far a mention reaches
beyond its name (a language adjective before it, a head noun and a defining acronym after it)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from paperkg.extraction.lexicon import Lexicon, rule_words
from paperkg.extraction.names import is_nameish
from paperkg.extraction.stages import Cand
from paperkg.extraction.tokens import TokArrays, positions


def long_form_for(acr: str, words: Sequence[str]) -> int | None:
    """How many of ``words`` (the words before the parenthesis) form the long form of ``acr``:
    its letters must appear in order, the first at the start of a word (Schwartz & Hearst)."""
    chars = [c.lower() for c in acr if c.isalnum()]
    text = " ".join(words).lower()
    ci = len(chars) - 1
    ti = len(text) - 1
    while ci >= 0:
        ch = chars[ci]
        while ti >= 0 and (text[ti] != ch or (ci == 0 and ti > 0 and text[ti - 1].isalnum())):
            ti -= 1
        if ti < 0:
            return None
        ci -= 1
        ti -= 1
    used = text[ti + 1 :]
    return len(used.split())


class AcronymDefinition(NamedTuple):
    """ "Long Form Words (LFW)": the long form is tokens ``start`` to ``end`` (exclusive), the
    acronym the token ``acronym`` (inside the parentheses after it)."""

    start: int
    end: int
    acronym: int


def acronym_definitions(a: TokArrays, lex: Lexicon) -> list[AcronymDefinition]:
    """The "Long Form Words (LFW)" definitions of a doc."""
    pairs: list[AcronymDefinition] = []
    texts = a.text
    for i in positions(texts, "("):
        if i + 2 >= len(texts) or texts[i + 2] != ")" or i == 0:
            continue
        acr = texts[i + 1]
        if not (2 <= len(acr) <= 15) or not re.search(r"[A-Z].*[A-Z]|[A-Z].*\d", acr):
            continue
        n_letters = sum(c.isalpha() for c in acr)
        lo = i
        while (
            lo > 0
            and i - lo < min(n_letters + 5, 2 * n_letters)
            and not (a.is_punct[lo - 1] and texts[lo - 1] != "-")
        ):
            lo -= 1
        words = texts[lo:i]
        k = long_form_for(acr, words)
        if k and k <= len(words):
            pairs.append(AcronymDefinition(i - k, i, i + 1))
    return pairs


def is_title_case(a: TokArrays, start: int, end: int) -> bool:
    """Are the longer words of tokens ``start`` to ``end`` (those of more than three letters,
    not starting a sentence) all capitalized, and is there one?"""
    words = [
        w
        for i, w in enumerate(a.text[start:end], start)
        if w.isalpha() and len(w) > 3 and not a.is_sent_start(i)
    ]
    return bool(words) and all(w[0].isupper() for w in words)


_MENTION_HEADS_2 = rule_words("mentions", "two_word_heads")
_MENTION_HEADS = rule_words("mentions", "heads")


def mention_start(a: TokArrays, c: Cand, lex: Lexicon) -> int:
    """Where the mention of ``c`` starts when a language adjective is included ("English Penn Treebank")."""
    langs = lex.pattern_set("language_adjectives")
    campaigns = lex.pattern_set("dataset_name_prefixes")
    prev = a.text[c.start - 1] if c.start > 0 else ""
    if prev in langs or (prev in campaigns and not c.text.startswith(prev)):
        return c.start - 1  # "English Penn Treebank", "NIST MT03"
    return c.start


def mention_end(a: TokArrays, c: Cand) -> int:
    """Where the mention of ``c`` ends when its head noun and a defining acronym are included,
    as span-annotated corpora mark it ("IMDb dataset", "Stanford Sentiment Treebank (SST)")."""
    j = c.end
    n = len(a.text)
    # "NPS Chat Corpus", "Penn Treebank WSJ corpus": capitalized words, then the head noun.
    k = j
    while (
        k < n
        and k - j < 2
        and a.text[k][:1].isupper()
        and a.text[k].isalpha()
        and a.lower[k] not in _MENTION_HEADS
    ):
        k += 1
    if k > j and k < n and a.lower[k] in _MENTION_HEADS:
        j = k
    # "CoNLL03 shared task data set", "FBIS data set", "Penn Treebank development set".
    if j + 1 < n and a.lower[j] == "shared" and a.lower[j + 1] == "task":
        j += 2
    two = " ".join(a.lower[j : j + 2])
    if two in _MENTION_HEADS_2:
        j += 2
    elif j < n and a.lower[j] in _MENTION_HEADS:
        j += 1
    if j + 2 < n and a.text[j] == "(" and a.text[j + 2] == ")" and is_nameish(a.text[j + 1]):
        j += 3
    return j

"""Role rules: where a paper introduces a name ("we propose X", "called X", "X, a new benchmark")."""

from __future__ import annotations

import re

from paperkg.extraction.lexicon import Lexicon, rule_words
from paperkg.extraction.stages import Cand
from paperkg.extraction.tokens import TokArrays
from paperkg.extraction.type_rules import ADJECTIVAL_BEFORE
from paperkg.model import EntityType

_CLAUSE_OPENERS = rule_words("roles", "clause_openers")
_AFTER_INTRODUCED_NAME = rule_words("roles", "after_introduced_name")
_ARTICLES = rule_words("roles", "articles")


# ---------------------------------------------------------------- roles
def intro_token_ranges(a: TokArrays, lex: Lexicon) -> list[tuple[int, int]]:
    """Token ranges where a named thing is being introduced: after "we propose/introduce…"
    up to the end of the clause, and after "called/named/dubbed"."""
    verbs = lex.word_set("intro_verbs")
    naming = lex.word_set("naming_words")
    triggers = lex.derived("intro_triggers", lambda: verbs | naming)
    lower = a.lower
    out: list[tuple[int, int]] = []
    if triggers.isdisjoint(lower):
        return out
    for i in [i for i, low in enumerate(lower) if low in triggers]:
        low = lower[i]
        sent_start, sent_end = a.sentence(i)
        k = i - sent_start
        hit = low in naming
        if not hit and i > 0 and lower[i - 1] in ADJECTIVAL_BEFORE:
            continue  # "the proposed method": an adjective, not an introduction
        if not hit:
            back = " ".join(lower[max(sent_start, i - 4) : i])
            hit = bool(
                re.search(r"\b(we|paper|work|study|here|article|i)\b", back)
                or k == 0
                or (
                    re.search(r"\b(is|are|was|were|be|been)\b", back)
                    and re.search(r"\b(this|our|here)\b", " ".join(lower[max(sent_start, i - 8) : i]))
                )
            )
        if hit:
            s0 = i + 1
            e = s0
            while (
                e < sent_end
                and e - s0 < 25
                and a.text[e] != ";"
                and not (a.text[e] == "," and e + 1 < sent_end and lower[e + 1] in _CLAUSE_OPENERS)
            ):
                e += 1
            out.append((s0, e))
    return out


def intro_name_runs(a: TokArrays, lex: Lexicon, ranges: list[tuple[int, int]]) -> list[Cand]:
    """A capitalized run right after "we propose/introduce" or "called": "We propose Perceptual
    Fusion, …", "we present Arcana, a …", "we propose Muffin framework"."""
    out: list[Cand] = []
    T, L = a.text, a.lower
    for s, e in ranges:
        k = s
        if k < e and T[k] in (",", ":"):
            k += 1
        j = k
        while j < e and j - k < 4 and ((T[j][:1].isupper() and T[j].isalpha()) or (j > k and T[j] == "-")):
            j += 1
        if j == k:
            continue
        text = a.span_text(k, j)
        if lex.is_generic(text) or any(lex.is_generic(t) for t in T[k:j]) or a.is_sent_start(k):
            continue
        if j < len(T) and (
            T[j] in (",", "(", ":", ".", ";")
            or L[j] in lex.cues[EntityType.MODEL]
            or L[j] in lex.cues[EntityType.DATASET]
            or L[j] in lex.cues[EntityType.BENCHMARK]
            or L[j] in _AFTER_INTRODUCED_NAME
        ):
            out.append(Cand(k, j, text, "intro", introduced=True, confidence=0.75))
    return out


def appositive_intro(a: TokArrays, c: Cand, lex: Lexicon) -> bool:
    """ "X, a new benchmark for …" / "X is a novel dataset" / "X: a …" at the start of a sentence."""
    if c.start - a.sentence(c.start)[0] > 2:
        return False
    j = c.end
    if j < len(a.text) and a.text[j] in (",", ":", "(", "is", "-", "–"):
        window = a.lower[j + 1 : j + 4]
        adj = lex.word_set("intro_appositive_adjectives")
        if window and window[0] in _ARTICLES and any(w in adj for w in window[1:]):
            return True
    return False

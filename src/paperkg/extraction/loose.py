"""Loose candidates: name-like stretches the rules do not propose, for a learned decider to judge.

The rules are tuned for precision: a capitalized phrase, a capitalized word in running text or
a hyphenated word with a capital is a name only with support (a cue noun, a list, a definition,
an introduction). A learned decider can weigh that support itself, so these generators propose
such stretches without it:

- ``run``: a run of capitalized or name-shaped words ("Dynamic Context Policy Optimization",
  "Audio Flamingo 3"), with a trailing version or number, and inner "of"/"as"/"for";
- ``word``: one capitalized or name-shaped word that is not the first of its sentence ("Aider",
  "nGPT", "Mod-X") and that the paper never writes in lower case.

Nothing is proposed that holds LaTeX, a number with a unit, or a generic term alone.
"""

from __future__ import annotations

import re

from paperkg.extraction.lexicon import Lexicon, rule_words
from paperkg.extraction.names import is_nameish
from paperkg.extraction.tokens import TokArrays

_VERSIONISH = re.compile(r"^(?:[vV]?\d{1,4}(?:\.\d{1,2}){0,2}[a-zA-Z]?|\d+(?:\.\d+)?[BMK])$")
_INNER = rule_words("loose", "inner")
_CAPWORD = re.compile(r"^[A-Z0-9μ][\w.\-+/']*$")
_NOISE = re.compile(r"[$\\^_{}=%@]|^[~+±\-]?\d+(?:[.,]\d+)*[a-zA-Z°%]{0,4}$|://|www\.")
_MAX_RUN = 6


def _capish(text: str) -> bool:
    return bool(_CAPWORD.match(text)) and not _NOISE.search(text)


def loose_spans(
    a: TokArrays, lex: Lexicon, taken: set[int], lower_words: set[str], title: bool = False
) -> list[tuple[int, int, str]]:
    """(start, end, generator) token spans of loose candidates in one doc; ``taken`` holds the
    token positions of the rules' candidates (a loose span may hold them, not start inside one)."""
    T = a.text
    n = len(T)
    out: list[tuple[int, int, str]] = []
    i = 0
    while i < n:
        t = T[i]
        if not _capish(t) or a.is_punct[i]:
            i += 1
            continue
        # A run of capitalized words, with inner link words, and a version at its end.
        j = i + 1
        while j < n and j - i < _MAX_RUN:
            w = T[j]
            if _capish(w) and not a.is_punct[j]:
                j += 1
            elif a.lower[j] in _INNER and j + 1 < n and _capish(T[j + 1]) and not a.is_sent_start(j + 1):
                j += 2
            else:
                break
        if j < n and j > i and _VERSIONISH.match(T[j]) and not _NOISE.search(T[j][-1:]):
            j += 1
        start = i
        before_colon = title and i == 0 and j < n and T[j] == ":"
        if a.is_sent_start(i) and not is_nameish(t) and not before_colon:
            start = i + 1  # "Through", "Our", "Introducing": a sentence's first word
        while start < j and a.lower[start] in _INNER:
            start += 1
        if title and not before_colon:
            # Every word of a title is capitalized: only the name before its colon is a run.
            j = start + 1 if start < j else j
        if start < j:
            text = a.span_text(start, j)
            words = T[start:j]
            if not lex.is_generic(text) and not _NOISE.search(text.replace(" ", "")[:1]):
                if j - start >= 2:
                    out.append((start, j, "run"))
                # The run's own words, one by one, where the rules found nothing there.
                for k in range(start, j):
                    w = T[k]
                    if k in taken or len(w) < 2 or not _capish(w) or lex.is_generic(w):
                        continue
                    if (a.is_sent_start(k) or title) and not is_nameish(w):
                        continue
                    if w.lower() in lower_words and not is_nameish(w):
                        continue
                    if w.isalpha() and w[1:].islower() and len(words) > 1 and not is_nameish(w):
                        continue  # a plain word of a phrase: the phrase is the candidate
                    out.append((k, k + 1, "word"))
        i = max(j, i + 1)
    return out

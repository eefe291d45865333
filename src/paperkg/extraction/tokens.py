"""Token arrays: plain-Python views of a doc's tokens (text, lower case, punctuation, keys,
sentence starts, offsets), built once per doc (its state holds them) and read by every rule
instead of spaCy ``Token`` objects (the hot path)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from spacy.attrs import IDX, ORTH
from spacy.tokens import Doc

from paperkg.keys import name_key


@dataclass(frozen=True)
class TokArrays:
    """Plain-Python views of a doc's tokens, built once per doc: the rules read these instead of
    creating spaCy ``Token`` objects again and again (the hot path)."""

    text: tuple[str, ...]
    lower: tuple[str, ...]
    is_lower: tuple[bool, ...]
    is_punct: tuple[bool, ...]
    plain: tuple[bool, ...]  # punctuation, or a plain lower-case or capitalized word: never a name by shape
    key: tuple[str, ...]  # each token's comparison key (keys.name_key)
    sent_starts: list[int]  # token index of each sentence's first token
    idx: list[int]  # character offset of each token
    string: str  # the doc's text
    sentences: dict[int, tuple[int, int, str]] = field(default_factory=dict)  # see sentence_text

    def char_span(self, start: int, end: int) -> tuple[int, int]:
        """Character bounds of tokens ``start`` to ``end`` (exclusive)."""
        return self.idx[start], self.idx[end - 1] + len(self.text[end - 1])

    def span_text(self, start: int, end: int) -> str:
        """The text of tokens ``start`` to ``end`` (exclusive), as ``doc[start:end].text``."""
        return self.string[self.idx[start] : self.idx[end - 1] + len(self.text[end - 1])]

    def space_after(self, i: int) -> bool:
        """Is token ``i`` followed by a space (spaCy's ``whitespace_``)?"""
        end = self.idx[i] + len(self.text[i])
        return self.string[end : end + 1] == " "

    def sentence_text(self, i: int) -> tuple[int, int, str]:
        """Character bounds and text of the sentence holding token ``i`` (made once per sentence)."""
        k = bisect_right(self.sent_starts, i) - 1
        found = self.sentences.get(k)
        if found is None:
            s, e = self.sentence(i)
            start = self.idx[s]
            end = self.idx[e - 1] + len(self.text[e - 1])
            found = self.sentences[k] = (start, end, self.string[start:end])
        return found

    def sentence(self, i: int) -> tuple[int, int]:
        """Token bounds of the sentence holding token ``i``."""
        k = bisect_right(self.sent_starts, i) - 1
        end = self.sent_starts[k + 1] if k + 1 < len(self.sent_starts) else len(self.text)
        return self.sent_starts[k], end

    def is_sent_start(self, i: int) -> bool:
        k = bisect_right(self.sent_starts, i) - 1
        return self.sent_starts[k] == i


_SENT_END = frozenset((".", "!", "?", "…", "。", "！", "？"))


def _sentence_starts(text: Sequence[str], is_punct: Sequence[bool]) -> list[int]:
    """Sentence starts the way spaCy's sentencizer finds them: after a full stop, the first token
    that is not punctuation."""
    starts = [0]
    n = len(text)
    ends = [i for i, t in enumerate(text) if t in _SENT_END]
    k = 0
    for e in ends:
        if e < k:
            continue
        k = e + 1
        while k < n and (is_punct[k] or text[k] in _SENT_END):
            k += 1
        if k < n:
            starts.append(k)
    return starts


# What the rules read of a lexeme (text, lower, is_lower, is_punct), by its ORTH hash. A lexeme's
# attributes depend on its string only, and the hash is the string's, so one table serves every vocab.
_LEXEME_INFO: dict[int, tuple[str, str, bool, bool, bool, str]] = {}


def _lexeme_info(doc: Doc, orth: int) -> tuple[str, str, bool, bool, bool, str]:
    if len(_LEXEME_INFO) > 1_000_000:
        _LEXEME_INFO.clear()
    lexeme = doc.vocab[orth]
    text, is_lower, is_punct = lexeme.orth_, bool(lexeme.is_lower), bool(lexeme.is_punct)
    plain = is_punct or (text.isalpha() and (is_lower or text[1:].islower())) or text.isspace()
    info = (text, lexeme.lower_, is_lower, is_punct, plain, name_key(text))
    _LEXEME_INFO[orth] = info
    return info


def token_arrays(doc: Doc, text: str | None = None) -> TokArrays:
    """The token views of ``doc``, whose text is ``text`` (``Doc.text`` would join the tokens
    again) or else the doc's own. Built once per doc, for its state
    (:func:`paperkg.extraction.state.doc_state`)."""
    string = text or doc.text
    if len(doc):
        cols = doc.to_array([ORTH, IDX])
        get = _LEXEME_INFO.get
        infos = [get(o) or _lexeme_info(doc, o) for o in cols[:, 0].tolist()]
        tok_text, lower, is_lower, is_punct, plain, key = zip(*infos, strict=True)
        idx = cols[:, 1].tolist()
    else:
        tok_text, lower, is_lower, is_punct, plain, key, idx = (), (), (), (), (), (), []
    starts = _sentence_starts(tok_text, is_punct)
    return TokArrays(tok_text, lower, is_lower, is_punct, plain, key, starts, idx, string)


def positions(items: Sequence[Any], value: object) -> list[int]:
    """Every index of ``value`` in ``items`` (count and index scan in C)."""
    out: list[int] = []
    k = -1
    for _ in range(items.count(value)):
        k = items.index(value, k + 1)
        out.append(k)
    return out

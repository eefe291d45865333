r"""Faster stand-ins for the tokenizer's affix searches, finding the same matches.

spaCy's tokenizer splits every string it has not seen before with three regular expressions
built from lists of pieces: a prefix search (each piece anchored with ``^``), a suffix search
(each piece anchored with ``$``) and an infix ``finditer``. ``re`` tries the whole alternation at
every position it may start, so one suffix search on a ten-letter word costs several
microseconds, and new words (most of them, in real abstracts) pay it a few times each.

The stand-ins here read two facts from the pieces themselves (with ``re``'s own parser):

- **the characters a match can start or end with**: a prefix starts with the string's first
  character, a suffix ends with its last, and an infix consumes at least one character from a
  known set. Only the pieces that can match there are tried, and a string that no piece can
  match (most words: they start and end with letters) is not searched at all;
- **how long a suffix can be**: a piece of bounded width can only start in the last ``width``
  characters, so the search starts there. Lookbehinds and word boundaries still see the
  characters before that position (``re`` reads them from the real start of the string).

A piece these facts cannot be read from (a negated class, an unbounded repeat such as
``\.\.+`` for suffixes, an optional part) makes the whole pattern be searched, as before,
whenever that piece alone matches. Each stand-in keeps the full pattern as ``__self__``, as a
bound ``search`` would: spaCy reads ``tokenizer.suffix_search.__self__.pattern`` when it saves a
tokenizer. ``tests/test_affixes.py`` checks that they find what the plain patterns find.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from re import _constants as C  # the parser's opcodes
from re import _parser

from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

_MAX_WIDTH = 64  # wider than any bounded suffix; beyond this a piece counts as unbounded


def _edge_chars(parsed: _parser.SubPattern, last: bool) -> set[str] | None:
    """The characters the first (or last) consumed element of a parsed pattern can match, or
    None when that cannot be read simply (a negated class, a category, alternatives…)."""
    # Lookarounds, anchors and groups of them consume nothing.
    consumed = [it for it in parsed.data if _parser.SubPattern(parsed.state, [it]).getwidth()[1] > 0]
    if not consumed:
        return None
    op, arg = consumed[-1] if last else consumed[0]
    if op is C.LITERAL:
        return {chr(arg)}  # type: ignore[arg-type]
    if op is C.IN:
        out: set[str] = set()
        for sub_op, sub_arg in arg:  # type: ignore[attr-defined]
            if sub_op is C.LITERAL:
                out.add(chr(sub_arg))
            elif sub_op is C.RANGE:
                lo, hi = sub_arg
                out.update(chr(c) for c in range(lo, hi + 1))
            else:
                return None
        return out
    if op in (C.MAX_REPEAT, C.MIN_REPEAT):
        low, _, sub = arg  # type: ignore[misc]
        return _edge_chars(sub, last) if low >= 1 else None
    if op is C.SUBPATTERN:
        _, add_flags, _, sub = arg  # type: ignore[misc]
        return None if add_flags & re.IGNORECASE else _edge_chars(sub, last)
    return None


def _readable(piece: str, last: bool) -> tuple[set[str] | None, int]:
    """The characters a match of ``piece`` can start (or end) with, or None when they cannot
    be read or the piece can match nothing at all; and its greatest width."""
    parsed = _parser.parse(piece)
    low, high = parsed.getwidth()
    if low < 1 or parsed.state.flags & re.IGNORECASE:  # with IGNORECASE a literal stands for both cases
        return None, high
    return _edge_chars(parsed, last), high


def _by_first_char(pieces: list[str]) -> tuple[dict[str, list[str]], list[str]]:
    """The pieces each character can start a match of, in their order; and the pieces whose first
    characters cannot be read."""
    starting: dict[str, list[str]] = {}
    unreadable: list[str] = []
    for piece in pieces:
        chars, _ = _readable(piece, last=False)
        if chars is None:
            unreadable.append(piece)
            continue
        for ch in chars:
            starting.setdefault(ch, []).append(piece)
    return starting, unreadable


def _by_char(
    groups: dict[str, list[str]], compile: Callable[[list[str]], re.Pattern[str]]
) -> dict[str, re.Pattern[str]]:
    """One compiled pattern per character, shared by the characters with the same pieces. Each
    keeps its pieces in their original order: the alternation's order decides between pieces
    matching at the same place."""
    compiled: dict[tuple[str, ...], re.Pattern[str]] = {}
    out: dict[str, re.Pattern[str]] = {}
    for ch, group in groups.items():
        key = tuple(group)
        if key not in compiled:
            compiled[key] = compile(group)
        out[ch] = compiled[key]
    return out


class PrefixSearch:
    """Callable like ``compile_prefix_regex(pieces).search``, returning the same match.

    Every piece is anchored at the start, so a match's first character is the string's: only
    the pieces that can start with it are tried, and a string starting with a letter that no
    piece starts with has no prefix. Pieces whose first characters cannot be read are tried on
    every string, as before.
    """

    def __init__(self, pieces: list[str]) -> None:
        pieces = [p for p in pieces if p.strip()]
        self.pattern = compile_prefix_regex(pieces)
        self.__self__ = self.pattern  # spaCy reads prefix_search.__self__.pattern when saving
        starting, unreadable = _by_first_char(pieces)
        self.unreadable = compile_prefix_regex(unreadable) if unreadable else None
        self.by_first = _by_char(starting, compile_prefix_regex)

    def __call__(self, text: str) -> re.Match[str] | None:
        if self.unreadable is not None and self.unreadable.search(text):
            return self.pattern.search(text)
        pattern = self.by_first.get(text[:1])
        return pattern.search(text) if pattern is not None else None


class SuffixSearch:
    """Callable like ``compile_suffix_regex(pieces).search``, returning the same match.

    ``__self__`` is the compiled pattern, as for a bound ``search``: spaCy reads
    ``suffix_search.__self__.pattern`` when it saves a tokenizer.
    """

    def __init__(self, pieces: list[str]) -> None:
        pieces = [p for p in pieces if p.strip()]
        self.pattern = compile_suffix_regex(pieces)
        self.__self__ = self.pattern
        unreadable: list[str] = []  # pieces whose last characters cannot be read
        unbounded: dict[str, list[str]] = {}  # final character -> pieces of unbounded width
        ending: dict[str, list[str]] = {}  # final character -> pieces of bounded width
        width = 0
        for piece in pieces:
            ends, high = _readable(piece, last=True)
            if ends is None:
                unreadable.append(piece)
                continue
            width = max(width, high) if high <= _MAX_WIDTH else width
            for ch in ends:
                (ending if high <= _MAX_WIDTH else unbounded).setdefault(ch, []).append(piece)
        self.width = width
        self.unreadable = compile_suffix_regex(unreadable) if unreadable else None
        self.unbounded = _by_char(unbounded, compile_suffix_regex)
        self.by_final = _by_char(ending, compile_suffix_regex)

    def __call__(self, text: str) -> re.Match[str] | None:
        if not text or text[-1] == "\n":  # "$" also matches before a final newline
            return self.pattern.search(text)
        last = text[-1]
        long = self.unbounded.get(last)
        if long is not None and long.search(text):
            return self.pattern.search(text)
        if self.unreadable is not None and self.unreadable.search(text):
            return self.pattern.search(text)
        pattern = self.by_final.get(last)
        if pattern is None:
            return None
        return pattern.search(text, max(0, len(text) - self.width))


class InfixFinditer:
    """Callable like ``compile_infix_regex(pieces).finditer``, finding the same matches.

    Every match consumes a character, and the first one it consumes is where the match starts:
    it comes from a set read from the pieces (hyphens, slashes, dots…). So the pieces are tried
    only where such a character stands, and only those that can start with it, left to right,
    the next try after the end of a match, as ``finditer`` goes. Most words hold none of these
    characters and are not searched at all. When a piece's first characters cannot be read,
    every string is searched with the plain pattern.
    """

    def __init__(self, pieces: list[str]) -> None:
        pieces = [p for p in pieces if p.strip()]
        self.pattern = compile_infix_regex(pieces)
        self.__self__ = self.pattern  # spaCy reads infix_finditer.__self__.pattern when saving
        starting, unreadable = _by_first_char(pieces)
        self.by_first = None if unreadable else _by_char(starting, compile_infix_regex)
        self.first_chars = frozenset(starting)
        klass = "".join(map(re.escape, sorted(self.first_chars)))
        self.triggers = re.compile(f"[{klass}]") if klass else re.compile("(?!)")

    def __call__(self, text: str) -> Iterator[re.Match[str]]:
        if self.by_first is None:
            return self.pattern.finditer(text)
        if self.first_chars.isdisjoint(text):
            return iter(())
        return self._matches(text, self.by_first)

    def _matches(self, text: str, by_first: dict[str, re.Pattern[str]]) -> Iterator[re.Match[str]]:
        end = 0
        for hit in self.triggers.finditer(text):
            at = hit.start()
            if at < end:
                continue
            m = by_first[text[at]].match(text, at)
            if m is not None:
                yield m
                end = m.end()

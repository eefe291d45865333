"""The tokenizer's affix stand-ins find exactly what the plain compiled patterns find."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
import spacy
from spacy.lang.tokenizer_exceptions import URL_PATTERN
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

from paperkg.extraction.affixes import InfixFinditer, PrefixSearch, SuffixSearch
from paperkg.extraction.components import TOKENIZER_CACHE, URL_MATCH, make_nlp

NLP = make_nlp(spans=False)
TOKENIZER = NLP.tokenizer
SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"

# Strings the affix rules care about: abbreviations, runs of dots, quotes, brackets, units, names.
HAND_PICKED = [
    "",
    "etc....",
    "(e.g.",
    "U.S.",
    "GPT-4V.",
    "RefCOCO+.",
    "models),",
    "’s",
    "'S",
    "10km",
    "$5",
    "°C.",
    "state-of-the-art",
    "tasks-Penn",
    "underexplored.In",
    "Models(LLMs)",
    "NIST04/NIST05",
    "a\n",
    "…",
    "——",
]


def _spans(found: object) -> object:
    """Comparable form of a match, of None, or of what finditer yields."""
    if found is None or isinstance(found, re.Match):
        return found.span() if found is not None else None
    return [m.span() for m in found]  # type: ignore[attr-defined]


def _random_strings(alphabet: list[str], n: int, seed: int) -> Iterable[str]:
    rng = random.Random(seed)
    for _ in range(n):
        yield "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 9)))


def _alphabet(special: Iterable[str]) -> list[str]:
    """Letters, digits, whitespace and a sample of the characters the pieces name."""
    base = [*"aAbzZ09s.+°F'’\")]},;:!?…\n -—–(~/%$#&*", "ab", "abcd", "Ab", "ABC", "..."]
    return base + sorted(set(special))[::25]


def _assert_same(
    fast: Callable[[str], object], plain: Callable[[str], object], strings: Iterable[str]
) -> int:
    n = 0
    for s in strings:
        assert _spans(fast(s)) == _spans(plain(s)), repr(s)
        n += 1
    return n


def test_the_pipeline_uses_the_stand_ins() -> None:
    assert isinstance(TOKENIZER.prefix_search, PrefixSearch)
    assert isinstance(TOKENIZER.suffix_search, SuffixSearch)
    assert isinstance(TOKENIZER.infix_finditer, InfixFinditer)
    # and remembers more splits than spaCy's default of 10,000 strings
    assert TOKENIZER.max_cache_size == TOKENIZER_CACHE > spacy.blank("en").tokenizer.max_cache_size


@pytest.mark.parametrize("kind", ["prefix_search", "suffix_search", "infix_finditer"])
def test_pipeline_affixes_match_the_plain_patterns(kind: str) -> None:
    fast = getattr(TOKENIZER, kind)
    plain = fast.pattern.finditer if kind == "infix_finditer" else fast.pattern.search
    special = "by_final" if kind == "suffix_search" else "by_first"
    strings = [*HAND_PICKED, *_random_strings(_alphabet(getattr(fast, special)), 60_000, seed=7)]
    assert _assert_same(fast, plain, strings) == len(strings)


def test_pipeline_affixes_match_on_real_words() -> None:
    """Every whitespace-delimited string of the shared sample pages, and each of its tails."""
    words = {w for f in sorted(SAMPLES.glob("*.txt")) for w in f.read_text(encoding="utf-8").split()}
    assert len(words) > 1000
    tails = {w[k:] for w in words for k in range(min(len(w), 4))}
    tails |= {w[:-k] for w in words for k in range(1, 3)}
    for fast in (TOKENIZER.prefix_search, TOKENIZER.suffix_search):
        _assert_same(fast, fast.pattern.search, sorted(tails))
    _assert_same(TOKENIZER.infix_finditer, TOKENIZER.infix_finditer.pattern.finditer, sorted(tails))


def test_spacys_own_affixes_are_matched_too() -> None:
    defaults = spacy.blank("en").Defaults
    checks = [
        (PrefixSearch(defaults.prefixes), compile_prefix_regex(defaults.prefixes).search),
        (SuffixSearch(defaults.suffixes), compile_suffix_regex(defaults.suffixes).search),
        (InfixFinditer(defaults.infixes), compile_infix_regex(defaults.infixes).finditer),
    ]
    for fast, plain in checks:
        _assert_same(fast, plain, [*HAND_PICKED, *_random_strings(_alphabet([]), 20_000, seed=3)])


# Pieces whose edges cannot all be read: a negated class, an optional part, a case-insensitive
# group, an unbounded repeat, a category, alternatives of several characters.
AWKWARD = [r"[^a-z]", r"b?c", r"(?i:ab)", r"x\d+", r"\d", r"(?:ab|cd)", r"(?<=[0-9])%", r"\.\.+", "z"]


@pytest.mark.parametrize(
    ("fast", "compile_plain", "finditer"),
    [
        (PrefixSearch, compile_prefix_regex, False),
        (SuffixSearch, compile_suffix_regex, False),
        (InfixFinditer, compile_infix_regex, True),
    ],
)
def test_pieces_that_cannot_be_read_fall_back_to_the_plain_search(
    fast: type, compile_plain: Callable[[list[str]], re.Pattern[str]], finditer: bool
) -> None:
    readable = ["z", r"\.", "a"]
    # Each piece alone among readable ones (so no other piece's fallback hides its own), first
    # and last (the alternation's order decides between matches), then all of them together.
    sets = [[p, *readable] for p in AWKWARD] + [[*readable, p] for p in AWKWARD] + [AWKWARD]
    for k, pieces in enumerate(sets):
        plain = compile_plain(pieces)
        strings = _random_strings(list("abcdxyzAB019%.\n -"), 3_000, seed=k)
        _assert_same(fast(pieces), plain.finditer if finditer else plain.search, strings)


def test_suffix_search_skips_what_cannot_end_a_suffix() -> None:
    fast = SuffixSearch([r"\.", r"'s", r"\.\.+"])
    assert fast.width == 2
    assert set(fast.by_final) == {".", "s"} and set(fast.unbounded) == {"."}
    assert fast.unreadable is None
    assert fast("word") is None
    assert _spans(fast("cats's")) == (4, 6)
    assert _spans(fast("wait.....")) == (4, 9)


def test_infix_finditer_tries_only_where_a_match_can_start() -> None:
    fast = InfixFinditer([r"(?<=[a-z])-(?=[a-z])", r"/"])
    assert set(fast.by_first) == set("-/")
    assert list(fast("plainword")) == []
    assert _spans(fast("a-b/c")) == [(1, 2), (3, 4)]
    assert _spans(fast("-a-b/")) == [(2, 3), (4, 5)]  # the first "-" has no letter before it


def test_a_tokenizer_with_the_stand_ins_saves_and_loads() -> None:
    text = "We test GPT-4V(ision) on RefCOCO+. and MMBench (e.g. VQAv2), etc...."
    data = TOKENIZER.to_bytes()
    other = spacy.blank("en")
    other.tokenizer.from_bytes(data)
    assert [t.text for t in other(text)] == [t.text for t in NLP.make_doc(text)]


def test_url_match_finds_what_spacys_url_match_finds() -> None:
    """The pipeline's URL match is spaCy's pattern behind a quick test: same matches on the words
    of the sample pages, on URL-like random strings and on URLs of every kind the pattern knows."""
    plain = spacy.blank("en").tokenizer.url_match
    assert plain.__self__.pattern == "(?u)" + URL_PATTERN  # the pattern the pipeline wraps
    assert TOKENIZER.url_match is URL_MATCH
    words = {w for f in sorted(SAMPLES.glob("*.txt")) for w in f.read_text(encoding="utf-8").split()}
    urls = [
        "https://github.com/x/y",
        "www.example.org",
        "example.com/a?b#c",
        "user:pw@host.io:8080/p",
        "a..b@x.com",
        "8.8.8.8",
        "http://192.168.0.1",
        "münchen.de",
        "例子.中国",
        "x.y\n",
        "e.g.",
        "tasks.",
        "arXiv.org",
    ]
    alphabet = [*"ab1.:/@-_#?Xé。\n", "com", "www.", "http://", ".org"]
    strings = [*urls, *sorted(words), *_random_strings(alphabet, 100_000, seed=11)]
    assert _assert_same(URL_MATCH, plain, strings) == len(strings)
    assert sum(plain(s) is not None for s in strings) > 200  # the strings hold many URLs

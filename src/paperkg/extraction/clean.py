r"""Cleaning a field's text before the rules read it, without rewriting it.

Mention offsets index the stored text, so nothing here changes a string: each function finds
*where* the text holds material that is never a name, or says what a stretch of it is.

- **LaTeX** (:func:`noise_spans`): every whitespace-free chunk holding ``$ \ ^ _ { }``
  (``\mathbb{R}^n``, ``H^p(R^N)$``, ``s^(-1)m^(-1)``, ``MgB_2``), except a name written
  with a superscript inside it (``M^2IXT``, ``VLM$^2$-Bench``, ``tau^2-Bench``:
  :func:`is_superscript_name`), whose name is shown without the ``$ { }`` (:func:`display_name`).
- **Quantities** (:func:`is_quantity`, :data:`UNITS`): numbers with a sign, a tilde or a unit
  (``+2.2pp``, ``~47k``, ``6.01$\times$``, ``2.1dB``, ``360°``, ``200k+``), and unit words
  (``TeV``, ``GHz``, ``Mpc``).
- **Hugging Face repo ids** (:func:`repo_ids`): ``Qwen/Qwen2.5-Coder-32B-Instruct`` is one
  name (the part after the slash) with the whole id as an external identifier.
- **ML evidence** (:func:`ml_evidence`): how much a text's words speak of machine learning; a
  text with too little (a physics or mathematics abstract) names no artifacts by shape alone.

Glued sentences (``(GMA).Then``, ``AirSim360.Extensive``) are split by the tokenizer
(:data:`GLUED_SENTENCE_INFIXES`, used in :mod:`paperkg.extraction.components`), and a URL never
ends in a glued sentence's first word (:func:`glued_sentence_end`, used in
:mod:`paperkg.extraction.urls`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from paperkg.extraction.lexicon import Lexicon, rule_words
from paperkg.extraction.names import is_nameish
from paperkg.extraction.stages import Cand
from paperkg.extraction.state import DocState
from paperkg.extraction.tokens import TokArrays

# ---------------------------------------------------------------- LaTeX
LATEX_CHARS = re.compile(r"[$\\^_{}]")
_CHUNK = re.compile(r"\S+")
_LEAD = "(\"'“‘["
_TRAIL = ".,;:!?)\"'”’]"
# A name with a superscript inside: letters, then ^digits followed by more of the name, or a
# hyphenated part after the last superscript ("M^2IXT", "L^2M^3OF", "tau^2-Bench", "M^2-Encoder").
_SUP_NAME = re.compile(
    r"[A-Za-z][A-Za-z0-9]*(?:\^[0-9]+[A-Za-z][A-Za-z0-9]*)*"
    r"(?:\^[0-9]+[A-Za-z][A-Za-z0-9]*|\^[0-9]+(?:-[A-Za-z0-9][\w.]*)+|(?:-[A-Za-z0-9][\w.]*)+)"
)
_SUGAR = re.compile(r"[${}]")


def is_superscript_name(chunk: str) -> bool:
    """Is a whitespace-free chunk (its edge punctuation stripped) a name written with a
    superscript inside it ("M^2IXT", "VLM$^2$-Bench", "X^{2}-Gaussian"), not math ("R^2",
    "km^2", "O(N^2)", "H^p(R^N)$")?"""
    if "^" not in chunk or "\\" in chunk or "_" in chunk:
        return False
    plain = _SUGAR.sub("", chunk)
    return "^" in plain and _SUP_NAME.fullmatch(plain) is not None


def display_name(text: str) -> str:
    """A superscript name as shown: without the ``$ { }`` of its markup ("VLM$^2$-Bench" ->
    "VLM^2-Bench"); any other text unchanged."""
    return _SUGAR.sub("", text) if "$" in text or "{" in text else text


def _strip_edges(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _LEAD:
        start += 1
    while end > start and text[end - 1] in _TRAIL:
        end -= 1
    return start, end


def noise_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges of ``text`` that are LaTeX, never names: the whitespace-free chunks
    holding LaTeX characters, superscript names excepted. Math of several chunks
    (``$x \\in \\mathbb{R}$``) is covered chunk by chunk, as every chunk of it but plain symbols
    holds one; pairing ``$`` signs instead would go wrong at the first stray one. Sorted. A text
    without any of ``$ \\ ^ _ { }`` has none (the fast path)."""
    if LATEX_CHARS.search(text) is None:
        return []
    out: list[tuple[int, int]] = []
    for m in _CHUNK.finditer(text):
        if LATEX_CHARS.search(m.group()) is None:
            continue
        s, e = _strip_edges(text, m.start(), m.end())
        if not (s < e and is_superscript_name(text[s:e])):
            out.append((m.start(), m.end()))
    return out


def overlaps(spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    """Does ``[start, end)`` overlap one of ``spans``?"""
    return any(s < end and start < e for s, e in spans)


# ---------------------------------------------------------------- quantities
# Unit words that are never names, whatever stands before them.
UNITS = rule_words("clean", "units")
_NUMBER_UNIT = re.compile(
    r"(?:[+\-−~≈±<>]|\\sim|\\approx|sim|approx)\$?\s?\d[\d.,]*.*"  # a signed or approximate number
    r"|\d[\d.,]*(?:\$?\\times\$?|\\%|[x×%°]|pp|p\.p\.|dB|bpp|bps|fps|px|FLOPs?|ms|s|h|min)"
    r"|\d[\d.,]*[kKMBT]\+"  # "200k+"
    r"|\d{1,3}(?:,\d{3})+[kKMBT]?"  # "1,009k"
    r"|\d+[x×]\d+p?|\d+p"  # "540x540p", "720p"
    r"|\d+m\d+s"  # "4m45s"
    r"|\d[\d.,]*(?:" + "|".join(sorted(UNITS, key=len, reverse=True)) + r")"
)


def is_quantity(text: str) -> bool:
    """Is a token a number with a sign, a tilde or a unit ("+2.2pp", "~47k", "6.01$\\times$",
    "2.1dB", "360°", "200k+"), or a unit word ("TeV")? Bare sizes ("7B", "100K") are not:
    they are parts of names ("Qwen2-VL 7B") and names themselves ("4M")."""
    return text in UNITS or _NUMBER_UNIT.fullmatch(text) is not None


# ---------------------------------------------------------------- repo ids
@dataclass(frozen=True, slots=True)
class RepoId:
    """A Hugging Face style repo id in running text: ``org/name``, ``start`` to ``end``, with
    the slash at ``slash``."""

    start: int
    slash: int
    end: int
    text: str

    @property
    def name(self) -> str:
        return self.text[self.slash - self.start + 1 :]


_REPO = re.compile(
    r"(?<![\w./:@\-])([A-Za-z0-9][A-Za-z0-9_\-]{0,38})/([A-Za-z0-9][A-Za-z0-9_.\-]{0,95}[A-Za-z0-9])(?![\w/])"
)
_ORG_VERSION = re.compile(r"-\d|^\d+$")
_NAME_SHAPE = re.compile(r"[A-Za-z].*(?:\d|-)|\d.*[A-Za-z]")


def repo_ids(text: str) -> list[RepoId]:
    """The ``org/name`` repo ids of ``text`` ("Qwen/Qwen2.5-Coder-32B-Instruct",
    "meta-llama/Llama-3.1-8B"): an organisation without a version ("GPT-4/GPT-4V" is a list of
    two names), and a name-shaped name (:func:`~paperkg.extraction.is_nameish`: not
    "Text/Image-based")."""
    if "/" not in text:
        return []
    out = []
    for m in _repo_matches(text):
        org, name = m.group(1), m.group(2)
        if _ORG_VERSION.search(org) or not _NAME_SHAPE.search(name) or not is_nameish(name):
            continue
        out.append(RepoId(m.start(), m.start(2) - 1, m.end(), m.group()))
    return out


# ---------------------------------------------------------------- glued sentences
# Tokenizer infixes for a full stop with no space after it, the next sentence starting with a
# capitalized word: after a closing bracket ("(GMA).Then") or a digit ("AirSim360.Extensive").
GLUED_SENTENCE_INFIXES = (
    r"(?<=[A-Za-z0-9])\)(?=\.[A-Z][a-z])",
    r"(?<=\))\.(?=[A-Z][a-z])",
    r"(?<=[A-Za-z0-9][0-9])\.(?=[A-Z][a-z]{2})",
)
_GLUED_END = re.compile(r"\.[A-Z][a-z]+$")


def glued_sentence_end(host: str) -> bool:
    """Does a host end in a glued sentence's first word rather than a domain ("coverage.In",
    "github.io.The"): a last label in title case? Domains are written in lower case."""
    return _GLUED_END.search(host) is not None


# ---------------------------------------------------------------- ML evidence
# Words of machine-learning writing, as the tokenizer gives them (lower case). Words physics
# and mathematics use as often ("model", "inference", "network", "diffusion", "embedding",
# "attention") are not among them.
ML_WORDS = rule_words("clean", "ml_words")
# Words that speak of it less surely: half a word each.
ML_WEAK_WORDS = rule_words("clean", "ml_weak_words")
_ML_ANY = ML_WORDS | ML_WEAK_WORDS
ML_EVIDENCE_MIN = 2.0


def ml_evidence(lowers: Iterable[str]) -> float:
    """How surely lower-cased words are machine-learning writing: one for each distinct word of
    :data:`ML_WORDS`, a half for each of :data:`ML_WEAK_WORDS` (at most one in all)."""
    hits = _ML_ANY.intersection(lowers)
    weak = len(ML_WEAK_WORDS.intersection(hits))
    return len(hits) - weak + min(1.0, 0.5 * weak)


# Fewer words than this are too few to judge by (a test sentence, a title alone): they pass.
ML_JUDGED_WORDS = 60


def speaks_of_ml(lowers: Sequence[str]) -> bool:
    """Enough ML evidence (:data:`ML_EVIDENCE_MIN`) for name-shaped words to be artifact names,
    or too few words to tell (:data:`ML_JUDGED_WORDS`)."""
    return len(lowers) < ML_JUDGED_WORDS or ml_evidence(lowers) >= ML_EVIDENCE_MIN


def _repo_matches(text: str) -> list[re.Match[str]]:
    """What ``_REPO.finditer(text)`` finds, searching only the whitespace-free stretches that
    hold a slash between letters or digits (a repo id holds no white space)."""
    out: list[re.Match[str]] = []
    done = -1
    at = text.find("/")
    while at >= 0:
        if at < done or not (0 < at < len(text) - 1 and text[at - 1].isalnum() and text[at + 1].isalnum()):
            at = text.find("/", at + 1)
            continue
        lo = max(text.rfind(" ", 0, at), text.rfind("\n", 0, at)) + 1
        hi = text.find(" ", at)
        hi = len(text) if hi < 0 else hi
        out.extend(_REPO.finditer(text, lo, hi))
        done = hi
        at = text.find("/", hi)
    return out


# ---------------------------------------------------------------- candidates
def drop_noise(
    state: DocState, cands: list[Cand], ml: bool = True, lex: Lexicon | None = None, quantities: bool = True
) -> list[Cand]:
    """The candidates that are not LaTeX or quantities, superscript names shown plainly. With
    ``ml=False`` (a text without ML evidence, :func:`speaks_of_ml`) no registry name that touches
    LaTeX is kept either ("pi_0" is one in a robotics abstract, a pion in a physics one). A
    name of the registry (``lex``) written with a subscript stays in ML text too. With
    ``quantities=False`` only LaTeX is dropped (nothing to do in a text without any)."""
    a = state.tokens
    noise = state.noise
    if noise is None:
        noise = state.noise = noise_spans(a.string)
    if not noise and not quantities:
        return cands
    out: list[Cand] = []
    for c in cands:
        if noise and overlaps(noise, *a.char_span(c.start, c.end)) and not (ml and _known(c, lex)):
            continue
        if quantities and any(_may_be_quantity(t) and is_quantity(t) for t in a.text[c.start : c.end]):
            continue
        out.append(replace(c, text=display_name(c.text)) if "$" in c.text or "{" in c.text else c)
    return out


def _may_be_quantity(token: str) -> bool:
    """A cheap test before :func:`is_quantity`: its first character can start one."""
    return token[:1] in _QUANTITY_FIRST or token in UNITS or token.startswith(("sim", "approx"))


_QUANTITY_FIRST = frozenset("0123456789+-−~≈±<>\\")


_MARKUP = re.compile(r"[$\\{}]")


def _known(c: Cand, lex: Lexicon | None) -> bool:
    """A registry name written without markup other than a subscript ("pi_0")."""
    if _MARKUP.search(c.text):
        return False
    return c.source == "registry" or (lex is not None and lex.lookup(c.text) is not None)


def has_own_evidence(c: Cand, lex: Lexicon | None = None) -> bool:
    """Is a candidate an artifact name whatever the text around it: a registry name (of
    ``lex``, however it was found: "CLIP" of "CLIP-based"), or one
    typed by the strongest evidence (a title's cue "GlowNet: A Benchmark for …", an appositive
    "X, a new dataset", a defining parenthesis, a "-Bench" name)? In a text that does not speak
    of machine learning only these are kept (a name-shaped word there is a particle, a star, a
    survey or a formula)."""
    if c.source == "registry" or c.type_strength >= 3:
        return True
    return lex is not None and lex.lookup(c.text) is not None


def with_repo_ids(a: TokArrays, cands: list[Cand]) -> list[Cand]:
    """Candidates with each repo id's name one candidate carrying the id ("Qwen/Qwen2.5-7B":
    "Qwen2.5-7B" with ``repo_id``), and no candidate inside its organisation ("Qwen")."""
    ids = repo_ids(a.string)
    if not ids:
        return cands
    for r in ids:
        first = bisect_left(a.idx, r.slash + 1)
        if first >= len(a.idx) or a.idx[first] != r.slash + 1:
            continue  # the tokenizer kept the id whole
        last = bisect_left(a.idx, r.end)
        kept = [c for c in cands if not _inside(a, c, r.start, r.end)]
        old = next((c for c in cands if c.start == first), None)
        if old is not None and old.end == last:
            new = replace(old, repo_id=r.text)
        else:
            new = Cand(first, last, r.name, "repo", confidence=0.9, repo_id=r.text)
        kept.append(new)
        cands = sorted(kept, key=_start)
    return cands


def _inside(a: TokArrays, c: Cand, start: int, end: int) -> bool:
    s, e = a.char_span(c.start, c.end)
    return start <= s and e <= end


def _start(c: Cand) -> int:
    return c.start

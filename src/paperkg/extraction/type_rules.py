"""Typing rules: the evidence for a candidate's type and its strength, from cue nouns around it
(``cue_type``, ``head_type``), the words before it (``context_type``), its own shape
(``name_shape_type``) and campaign names (``campaign_type``)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from paperkg.extraction.lexicon import Lexicon, rule_words
from paperkg.extraction.mentions import long_form_for
from paperkg.extraction.names import HAS_DIGIT
from paperkg.extraction.stages import Cand
from paperkg.extraction.tokens import TokArrays
from paperkg.model import EntityType

_WS = re.compile(r"\s+")
_BENCH_NAME = re.compile(r"bench(mark)?\b|bench$|-?eval$|arena$|leaderboard")
_DATA_SIZE_NAME = re.compile(r"[a-z].*-?\d+(\.\d+)?[mk]$")
_UNSEEN: Any = object()  # a memo's "not computed yet" (None is a result)

# ---------------------------------------------------------------- type evidence
_ALL_TYPES = tuple(EntityType)


def cue_of(word: str, lex: Lexicon, types: tuple[EntityType, ...] = _ALL_TYPES) -> EntityType | None:
    memo = lex.cue_types
    ty = memo.get(word, _UNSEEN)
    if ty is _UNSEEN:
        if len(memo) > 500_000:
            memo.clear()
        w = word.lower()
        ty = next(
            (
                t
                for t in (EntityType.BENCHMARK, EntityType.DATASET, EntityType.MODEL)
                if w in lex.cues[t] or (w.endswith("s") and w[:-1] in lex.cues[t])
            ),
            None,
        )
        memo[word] = ty
    if ty is None or ty in types:
        return ty  # type: ignore[no-any-return]
    # The best cue is of a type not asked for; look for the asked types only.
    w = word.lower()
    for t in (EntityType.BENCHMARK, EntityType.DATASET, EntityType.MODEL):
        if t in types and (w in lex.cues[t] or (w.endswith("s") and w[:-1] in lex.cues[t])):
            return t
    return None


DET = rule_words("typing", "determiners")
ADJECTIVAL_BEFORE = DET | rule_words("typing", "adjectival_before")
BEFORE_LINK = rule_words("typing", "before_link")


def cue_type(a: TokArrays, start: int, end: int, lex: Lexicon) -> tuple[EntityType | None, int]:
    """Type evidence from cue nouns around a name, with its strength:
    3 for an appositive ("COMPOSITIONCAP, a new dataset for …") or a defining parenthesis
    ("MMEB (Massive Multimodal Embedding Benchmark)"); 2 for an adjacent noun ("the COCO dataset",
    "datasets such as COCO", "a dataset (HumanCaptionHQ)")."""
    T, L, P = a.text, a.lower, a.is_punct
    n = len(T)
    j = end
    # A parenthesis right after the name: its last word, then the word after it.
    if j < n and T[j] == "(":
        k = j + 1
        while k < n and k - j < 10 and T[k] != ")":
            k += 1
        if k < n and T[k] == ")":
            ty = cue_of(T[k - 1], lex) if k - 1 > j else None
            if ty:
                return ty, 3
            j = k + 1
    # Appositive: ", a new comprehensive dataset".
    if j < n and T[j] in (",", ":", "-", "–", "—", "is"):
        k = j + 1
        if k < n and L[k] in DET:
            for m in range(k + 1, min(n, k + 6)):
                if P[m] and T[m] != "-":
                    break
                ty = cue_of(T[m], lex)
                if ty:
                    return ty, 3
    # Adjacent head noun: "COCO dataset", "MSR-VTT retrieval benchmark".
    for k in range(j, min(n, j + 3)):
        ty = cue_of(T[k], lex)
        if ty:
            return ty, 2
        if P[k] or not (T[k].isalpha() or T[k] == "-"):
            break
    if start > 0:
        k = start - 1
        while k > 0 and (T[k] in BEFORE_LINK or L[k] in ("such",)) and start - k < 4:
            k -= 1
        ty = cue_of(T[k], lex, (EntityType.BENCHMARK, EntityType.DATASET))
        if ty:
            return ty, 2
    return None, 0


@lru_cache(maxsize=100_000)
def name_shape_type(text: str) -> tuple[EntityType | None, int]:
    """What the name itself says: "...Bench" a benchmark, "...-25M" or "...-100K" a dataset."""
    low = text.lower()
    if _BENCH_NAME.search(low) or "Bench" in text:
        return EntityType.BENCHMARK, 3
    if _DATA_SIZE_NAME.search(low) or low.endswith(("corpus", "dataset", "data", "set")):
        return EntityType.DATASET, 2
    if low.endswith("qa") and len(text) > 4:
        return EntityType.BENCHMARK, 1
    return None, 0


def campaign_type(text: str, lex: Lexicon) -> tuple[EntityType | None, int]:
    """Names from shared-task and evaluation campaigns (SemEval-2010, CoNLL 2003, NIST05, LDC2015E86)
    are data sets."""
    if not HAS_DIGIT.search(text) or re.search(r"\btask\b", text, re.I):
        return None, 0  # a bare campaign ("SemEval") or one of its tasks is not a data set
    for prefix in lex.patterns.get("dataset_name_prefixes", []):
        if text.startswith(prefix) and (len(text) == len(prefix) or not text[len(prefix)].islower()):
            return EntityType.DATASET, 1
    return None, 0


def head_type(a: TokArrays, end: int, lex: Lexicon) -> tuple[EntityType | None, int]:
    """ "ACE 2005 data", "CTB test set": a data noun phrase right after the name."""
    one, two = _head_sets(lex)
    lower = a.lower
    if end < len(lower) and (lower[end] in one or " ".join(lower[end : end + 2]) in two):
        return EntityType.DATASET, 2
    return None, 0


def _head_sets(lex: Lexicon) -> tuple[frozenset[str], frozenset[str]]:
    """The data heads of one word, and of two words."""
    heads = lex.pattern_set("dataset_heads_for_typing")
    return lex.derived(
        "head_sets",
        lambda: (
            frozenset(h for h in heads if " " not in h),
            frozenset(h for h in heads if h.count(" ") == 1),
        ),
    )


def parenthetical_use(a: TokArrays, c: Cand) -> bool:
    """ "question classification (TREC)", "entailment (SNLI)": a name in parentheses after a
    lower-case phrase, naming the data used for it (not an acronym of those words)."""
    t = a.text
    return (
        c.start >= 2
        and c.end < len(t)
        and t[c.start - 1] == "("
        and t[c.end] in (")", ",")
        and t[c.start - 2].islower()
        and t[c.start - 2].isalpha()
        and long_form_for(c.text, t[max(0, c.start - 8) : c.start - 1]) is None
    )


def context_type(a: TokArrays, start: int, lex: Lexicon) -> EntityType | None:
    """Words before the mention: "trained on X" a dataset, "evaluated on X" a benchmark."""
    if start == 0:
        return None
    # Allow a list between the cue and this name: "evaluated on A, B and X".
    left = _WS.sub(" ", a.string[a.idx[max(0, start - 8)] : a.idx[start]].lower()).rstrip()
    for ty, key in (
        (EntityType.DATASET, "dataset_context_before"),
        (EntityType.BENCHMARK, "benchmark_context_before"),
    ):
        for cue in lex.patterns.get(key, []):
            if cue in left:
                return ty
    return None

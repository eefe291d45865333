"""Candidate generators: registry surfaces, name-shaped tokens, capitalized words in lists of
names and before cue nouns; and the merge of their candidates into non-overlapping ones."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from spacy.matcher import PhraseMatcher

from paperkg.extraction.lexicon import Lexicon, rule_words
from paperkg.extraction.names import HAS_DIGIT, SIZE, VERSION, YEARISH, is_capitalized_word, name_part
from paperkg.extraction.stages import Cand
from paperkg.extraction.tokens import TokArrays, positions
from paperkg.extraction.type_rules import cue_of
from paperkg.keys import name_key
from paperkg.model import EntityType


def registry_matcher(nlp_or_vocab: Any, lex: Lexicon, make_doc: Any) -> PhraseMatcher:
    """A lower-case PhraseMatcher over every registry surface, tokenized as the docs will be."""
    vocab = getattr(nlp_or_vocab, "vocab", nlp_or_vocab)
    matcher = PhraseMatcher(vocab, attr="LOWER")
    surfaces = sorted({s for e in lex.entries for s in e.surfaces()})
    # Also each surface's key as one token, so "Kinetics400" is found for "Kinetics-400".
    keys = sorted({name_key(s) for s in surfaces} - {s.lower() for s in surfaces})
    matcher.add("REGISTRY", [make_doc(s) for s in surfaces] + [make_doc(k) for k in keys if k])
    return matcher


def registry_spans(
    a: TokArrays, lex: Lexicon, max_len: int = 6, matches: Iterable[tuple[int, int, int]] | None = None
) -> list[Cand]:
    """Longest registry surfaces found in the doc (case-insensitive unless the entry says not).

    With ``matches`` (what a :func:`registry_matcher` finds in the doc: match id, start, end)
    only the places they give are checked."""
    out: list[Cand] = []
    i = 0
    texts, P = a.text, a.is_punct
    n = len(texts)
    first = lex.first_words
    starts: dict[int, int] | None = None
    if matches is not None:
        starts = {}
        for _, s0, e0 in matches:
            starts[s0] = max(starts.get(s0, 0), e0 - s0)
    order = sorted(starts) if starts is not None else None
    k = 0
    while i < n:
        hit: Cand | None = None
        if starts is not None and order is not None:
            # Jump to the next place the matcher found.
            while k < len(order) and order[k] < i:
                k += 1
            if k == len(order):
                break
            i = order[k]
            words = starts[i]
            top = i + words
        else:
            words = first.get(name_key(texts[i]), 0)
            top = i + min(max_len, 3 * words)
        if words:
            for j in range(min(n, top), i, -1):
                text = a.span_text(i, j)
                if j - i > 1 and (P[j - 1] or any(P[x] and texts[x] not in "-./+" for x in range(i, j))):
                    continue
                if j - i > 1 and (a.is_lower[i] or (text.endswith("s") and text != lex_name(lex, text))):
                    continue  # "multilingual E5" is E5; "Vision Transformers" is a class of models
                entry = lex.lookup(text)
                if entry is not None and not (
                    j - i == 1 and a.is_lower[i] and not entry.case_sensitive and len(texts[i]) < 5
                ):
                    end = extend_version(a, i, j, lex, registry=True)
                    # Datasets and benchmarks swap roles between papers: context may retype them.
                    strength = 3 if entry.type is EntityType.MODEL else 1
                    hit = Cand(i, end, a.span_text(i, end), "registry", entry.type, strength, confidence=0.95)
                    break
        if hit:
            out.append(hit)
            i = hit.end
        else:
            i += 1
    return out


def lex_name(lex: Lexicon, surface: str) -> str | None:
    e = lex.lookup(surface)
    return e.name if e else None


def extend_version(a: TokArrays, start: int, end: int, lex: Lexicon, registry: bool = False) -> int:
    """Extend a name over a following version, size or tier: "Gemini 1.5 Pro", "Qwen2-VL 7B"."""
    quals = lex.word_set("version_qualifiers")
    T = a.text
    n = len(T)
    j = end
    took_version = False
    # A shared-task number: "SemEval-2010 Task 8", "SemEval-07 task 17".
    if j + 1 < n and a.lower[j] == "task" and T[j + 1].isdigit() and HAS_DIGIT.search(T[j - 1]):
        return j + 2
    while j < n and a.idx[j] > a.idx[j - 1] + len(T[j - 1]) and j - end < 3:
        t = T[j]
        bare_int = t.isdigit() and not registry
        if VERSION.match(t) and not YEARISH.match(t) and len(t) <= 5 and not took_version and not bare_int:
            took_version = True
            j += 1
        elif SIZE.match(t) and t[-1] in "BMbm":
            j += 1
            break
        elif t.lower() in quals and (took_version or T[j - 1][-1].isdigit()) and t[0].isupper():
            j += 1
        else:
            break
    return j


def shape_candidates(a: TokArrays, lex: Lexicon) -> list[Cand]:
    """Name-shaped tokens (with their versions) that are not generic terms."""
    out: list[Cand] = []
    T = a.text
    n = len(T)
    i = 0
    # A plain lower-case or capitalized word, or punctuation, is never a name by its shape.
    for x in positions(a.plain, False):
        if x < i:
            continue
        i = x
        text = T[i]
        if text.endswith("-") and i + 1 < n and T[i + 1].isdigit() and name_part(text[:-1], lex):
            # A line break in a PDF split the name: "UCF- 101".
            out.append(Cand(i, i + 2, a.span_text(i, i + 2), "shape"))
            i += 2
            continue
        stem = name_part(text, lex)
        if stem is None:
            continue
        if stem != text:
            out.append(Cand(i, i + 1, stem, "shape"))
            continue
        end = extend_version(a, i, i + 1, lex)
        out.append(Cand(i, end, a.span_text(i, end), "shape"))
        i = end
    return out


def list_candidates(
    a: TokArrays, known: list[Cand], lex: Lexicon, lists: list[list[tuple[int, int]]]
) -> list[Cand]:
    """Capitalized single words in a list whose other items are names: "ImageNet, Taskonomy and NYUv2".

    ``lists`` are the doc's coordination lists (:func:`~paperkg.extraction.lists.coordination_lists`),
    or those near ``known``."""
    starts = {c.start: c for c in known}
    out: list[Cand] = []
    for items in lists:
        named = [starts[s] for s, _ in items if s in starts]
        if len(named) < max(1, (len(items) + 1) // 2):
            continue
        types = {c.type for c in named if c.type}
        ty = types.pop() if len(types) == 1 else None
        for s, e in items:
            if s in starts or e - s != 1:
                continue
            w = a.text[s]
            if is_capitalized_word(w) and not lex.is_generic(w) and not a.is_sent_start(s):
                out.append(Cand(s, e, w, "list", ty, 1 if ty else 0, confidence=0.55))
    return out


_CUE_LEAD = rule_words("candidates", "cue_lead")


def cue_candidates(a: TokArrays, lex: Lexicon, taken: set[int]) -> list[Cand]:
    """Capitalized words right before a dataset or benchmark noun: "the Taskonomy dataset",
    "the NPS Chat Corpus", "SCATE corpus"."""
    heads = _data_heads(lex)
    out: list[Cand] = []
    if heads.isdisjoint(a.lower):
        return out
    for i in [i for i, w in enumerate(a.lower) if w in heads]:
        w = a.lower[i]
        if i == 0 or (w.endswith("s") and not w.endswith("ss")):
            continue
        ty = cue_of(w, lex, (EntityType.BENCHMARK, EntityType.DATASET))
        j = i
        while j > 0 and i - j < 3 and (j - 1) not in taken and is_capitalized_word(a.text[j - 1]):
            j -= 1
        if j == i or a.is_sent_start(j):
            continue
        text = a.span_text(j, i)
        if lex.is_generic(text) or any(lex.is_generic(t) for t in a.text[j:i]):
            continue
        if i - j >= 2 or a.lower[j - 1] in _CUE_LEAD:
            out.append(Cand(j, i, text, "cue", ty, 2, confidence=0.6))
    return out


def _data_heads(lex: Lexicon) -> frozenset[str]:
    """The benchmark and dataset cue nouns."""
    return lex.derived("data_heads", lambda: lex.cues[EntityType.BENCHMARK] | lex.cues[EntityType.DATASET])


def merge_candidates(*groups: list[Cand]) -> list[Cand]:
    """Non-overlapping candidates; earlier groups win, then longer spans."""
    taken: set[int] = set()
    out: list[Cand] = []
    for group in groups:
        for c in sorted(group, key=_by_start_longest) if len(group) > 1 else group:
            if c.end - c.start == 1:
                if c.start in taken:
                    continue
                taken.add(c.start)
            else:
                span = range(c.start, c.end)
                if not taken.isdisjoint(span):
                    continue
                taken.update(span)
            out.append(c)
    out.sort(key=_by_start)
    return out


def _by_start(c: Cand) -> int:
    return c.start


def _by_start_longest(c: Cand) -> tuple[int, int]:
    return c.start, c.start - c.end

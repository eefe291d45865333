"""Name tests on one token's text: does it look like an artifact name by its shape (``is_nameish``),
and which name does it hold (``name_part``: "CLIP-based" -> "CLIP")."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from paperkg.extraction.lexicon import Lexicon, rule_words

SIZE = re.compile(r"^\d+(?:\.\d+)?[KMBTkmbt]$")  # 7B, 100K, 1.5M
_DIM = re.compile(r"^\d+(?:\.\d+)?(?:[xX×]|[dD]|fps|FPS|px|ms|s|h|GB|MB|TB|bit|bits)$")  # 3D, 2x, 30fps
VERSION = re.compile(r"^[vV]?\d{1,2}(?:\.\d{1,2}){0,2}[a-z]?$")  # 1.5, 3, v2, 2.0
_NUMBERISH = re.compile(r"^[\d.,%+\-–/×x:]+$")
_HAS_LETTER = re.compile(r"[A-Za-z]")
HAS_DIGIT = re.compile(r"\d")
_INNER_UPPER = re.compile(r"^.+[A-Z]")
_ALLCAPS = re.compile(r"^[A-Z][A-Z0-9&]*[A-Z0-9]$")
_LETTER_DIGIT = re.compile(r"[A-Za-z].*\d|\d.*[A-Za-z]")
_SINGLE_CAP_PREFIX = re.compile(r"^[A-Z]-[A-Z][a-z]+")  # X-Decoder
_CAPITALIZED = re.compile(r"^[A-Z][a-z]+(?:[-'][A-Za-z]+)*$")
_ORDINAL = re.compile(r"^\d+(st|nd|rd|th)$", re.I)
YEARISH = re.compile(r"^(19|20)\d\d[a-z]?$")


_LINK_WORDS = rule_words("names", "link_words")
_COUNTER_WORDS = rule_words("names", "counter_words")


def _part_nameish(p: str) -> bool:
    if len(p) < 2 or not _HAS_LETTER.search(p):
        return False
    if p[0].isupper() and p[1:].islower():
        return False
    if SIZE.match(p) or _DIM.match(p) or _ORDINAL.match(p):
        return False
    return bool(_INNER_UPPER.match(p) or _ALLCAPS.match(p) or _LETTER_DIGIT.search(p))


@lru_cache(maxsize=100_000)
def is_nameish(text: str) -> bool:
    """Does a single token look like an artifact name (LLaVA-1.5, COCO, mmE5, 4M-21, ViT-L/14)?"""
    if len(text) < 2 or not _HAS_LETTER.search(text) or _NUMBERISH.match(text):
        return False
    if SIZE.match(text) or _DIM.match(text) or _ORDINAL.match(text) or YEARISH.match(text):
        return False
    if text.endswith("s") and _ALLCAPS.match(text[:-1]) and len(text) > 2:
        return False  # plural acronyms name a class: LLMs, VLMs, GNNs
    if _SINGLE_CAP_PREFIX.match(text):
        return True
    parts = [p for p in re.split(r"[-/]", text) if p]
    if len(parts) > 1 and SIZE.match(parts[0]) and parts[1].isdigit():
        return True  # "4M-21"
    if (
        len(parts) >= 3
        and parts[0][:1].isupper()
        and parts[-1][:1].isupper()
        and all(p in _LINK_WORDS for p in parts[1:-1])
    ):
        return True  # "Set-of-Mark", "Moments-in-Time"
    if (
        len(parts) > 1
        and text[0].isupper()
        and any(_HAS_LETTER.search(p) for p in parts)
        and any(p[0].isdigit() for p in parts[1:])
        and parts[0].lower() not in _COUNTER_WORDS
    ):
        return True  # "Phi-3.5-V", "Llama-2"
    if re.match(r"^[A-Z]{2}[a-z]{4,}$", text):
        return False  # "COntrastive": a long form spelling out an acronym
    return any(_part_nameish(p) for p in parts)


def is_capitalized_word(text: str) -> bool:
    return bool(_CAPITALIZED.match(text)) and len(text) >= 3


_MODIFIER_SUFFIX = re.compile(
    r"-(based|like|style|driven|powered|guided|free|specific|aware|centric|only|level|scale|sized|generated|"
    r"annotated|derived|inspired|enhanced|augmented|initialized|pretrained|tuned|finetuned|family|series|related|"
    r"filtered|curated|trained|resistant|proposed|agnostic|alike|optimized|blind|compatible|friendly|oriented|"
    r"conditioned|supervised|centered|equipped|integrated|empowered|assisted|as-a-judge|as-predictor)$",
    re.I,
)
_URLISH = re.compile(
    r"(?i:arxiv)|(://|^www\.|\.[a-z]{2,}\b|github|huggingface|arxiv|^\\|^w/|[=%@]|\d times|\dtimes)"
)


_UNSEEN: Any = object()  # a memo's "not computed yet" (None is a result)


def name_part(text: str, lex: Lexicon) -> str | None:
    """The name in a token, or None: "CLIP-based" -> "CLIP", "MM-LLMs" -> None (a generic head)."""
    memo = lex.name_parts
    found = memo.get(text, _UNSEEN)
    if found is _UNSEEN:
        if len(memo) > 500_000:
            memo.clear()
        found = memo[text] = _name_part(text, lex)
    return found  # type: ignore[return-value]


def _name_part(text: str, lex: Lexicon) -> str | None:
    if _URLISH.search(text):
        return None
    if text.count("(") != text.count(")"):
        text = text.strip("()")
    if "/" in text:
        head, _, rest = text.partition("/")
        if head[-1:].isdigit() and all(p.isdigit() for p in rest.split("/")):
            text = head  # "Kinetics-400/600/700": the first of a list of versions
    stem = _MODIFIER_SUFFIX.sub("", text)
    if len(stem) > 2 and stem[-1] == "s" and stem[-2].isupper():
        # A plural: "ViTs" names the family ViT when that is known, else a class of things.
        single = stem[:-1]
        return single if lex.lookup(single) is not None else None
    if not is_nameish(stem) or lex.is_generic(stem):
        return None
    if stem[0].islower() and not re.search(r"\d", stem) and lex.lookup(stem) is None:
        return None  # "mRAG", "multiModal", "k-NN": styled words, rarely names
    parts = [p for p in re.split(r"-", stem) if p]
    if len(parts) > 1 and (lex.is_generic(parts[-1]) or (lex.is_generic(parts[0]) and parts[0].islower())):
        return None  # "omni-MLLMs", "video-LMMs", "non-LLM"
    return stem

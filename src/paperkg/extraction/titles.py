"""Title rules: the names before a title's colon, the cue nouns of the description after it, and
a long form spelled out by its capitals ("COSMO: COntrastive Streamlined MultimOdal Model")."""

from __future__ import annotations

from paperkg.extraction.lexicon import Lexicon, rule_words
from paperkg.extraction.names import is_nameish
from paperkg.extraction.stages import Cand
from paperkg.extraction.tokens import TokArrays
from paperkg.extraction.type_rules import cue_of
from paperkg.model import EntityType

_JOINERS = rule_words("titles", "joiners")
_NOT_DESCRIPTIONS = rule_words("titles", "not_descriptions")
_DESCRIPTION_ENDS = rule_words("titles", "description_ends")


def title_names(a: TokArrays, lex: Lexicon) -> list[Cand]:
    """The names before a title's colon, "Molmo and PixMo: …" giving two."""
    c = title_name(a, lex)
    if c is None:
        return []
    T = a.text
    seps = [i for i in range(c.start, c.end) if a.lower[i] in _JOINERS or T[i] == ","]
    if not seps:
        return [c]
    out = []
    start = c.start
    for k in [*seps, c.end]:
        if k > start and any(is_nameish(t) or t[:1].isupper() for t in T[start:k]):
            out.append(Cand(start, k, a.span_text(start, k), "title", introduced=True, confidence=0.9))
        start = k + 1
    return out


def spelled_out(a: TokArrays, acronym: str, start: int) -> int:
    """If the words from ``start`` spell ``acronym`` by their capitals ("COntrastive Streamlined
    MultimOdal Model" for COSMO), the index after them; else ``start``."""
    letters = [c for c in acronym.upper() if c.isalnum()]
    i = start
    k = 0
    while i < len(a.text) and k < len(letters):
        caps = [ch for ch in a.text[i] if ch.isupper() or ch.isdigit()]
        if not caps or caps[0] != letters[k]:
            if a.is_lower[i] and len(a.text[i]) <= 4:  # "for", "of", "and" inside a long form
                i += 1
                continue
            break
        n = 0
        while n < len(caps) and k < len(letters) and caps[n] == letters[k]:
            n += 1
            k += 1
        i += 1
    return i if k == len(letters) and i - start >= 2 else start


def title_name(a: TokArrays, lex: Lexicon) -> Cand | None:
    """The name before a title's colon: "CapsFusion: …", "4M-21: …", "MultiModN- …"."""
    T = a.text
    sep = None
    for i, t in enumerate(T[:8]):
        if t == ":" or (t in ("-", "–", "—") and i > 0 and not a.space_after(i - 1)):
            sep = i
            break
        if t.endswith("-") and len(t) > 2 and a.space_after(i):
            sep = i + 1
            break
    if sep is None or sep == 0:
        return None
    head_text = a.span_text(0, sep)
    head_text = head_text[:-1] if head_text.endswith("-") else head_text
    if sum(t != "-" for t in T[:sep]) > 4:
        return None
    words = head_text.split()
    nameish = any(is_nameish(w.rstrip("-")) for w in words)
    if not nameish and not (len(words) <= 3 and all(w[:1].isupper() or w[:1].isdigit() for w in words)):
        return None
    if lex.is_generic(head_text) or all(lex.is_generic(w) for w in words):
        return None
    if not nameish and len(words) > 1 and lex.lookup(head_text) is None:
        return None  # "Grounded Language Learning: …" is a phrase, not a name, unless it is a known one
    return Cand(0, sep, head_text, "title", introduced=True, confidence=0.9)


def title_cue_types(a: TokArrays, sep_end: int, lex: Lexicon) -> list[EntityType | None]:
    """The head cue noun of each description after a title's colon, in order:
    "…: A Large-scale Multimodal Dataset for …" -> [dataset];
    "…: A Large Vision-Language Model and A Comprehensive Multimodal Dataset" -> [model, dataset].
    A description that starts with a verb ("Evaluating …", "Towards …") gives none."""
    out: list[EntityType | None] = []
    lowers = a.lower[sep_end : sep_end + 16]
    if not lowers or lowers[0].endswith("ing") or lowers[0] in _NOT_DESCRIPTIONS:
        return out
    last: EntityType | None = None
    for text, w in zip(a.text[sep_end : sep_end + 16], lowers, strict=True):
        if w in _JOINERS:
            out.append(last)
            last = None
            continue
        if w in _DESCRIPTION_ENDS or text == ":":
            break
        ty = cue_of(text, lex)
        if ty:
            last = ty
    out.append(last)
    return out

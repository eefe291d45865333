"""Rule logic as pure functions over spaCy docs.

Every function here takes a ``Doc`` (made by any English tokenizer, including
``spacy.blank("en")``) and a :class:`~paperkg.extract.lexicon.Lexicon`, and returns
plain records, so tests call them without the pipeline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span, Token

from paperkg.extract.lexicon import Lexicon, norm
from paperkg.model import EntityType

# ---------------------------------------------------------------- token shapes
_SIZE = re.compile(r"^\d+(?:\.\d+)?[KMBTkmbt]$")  # 7B, 100K, 1.5M
_DIM = re.compile(r"^\d+(?:\.\d+)?(?:[xX×]|[dD]|fps|FPS|px|ms|s|h|GB|MB|TB|bit|bits)$")  # 3D, 2x, 30fps
_VERSION = re.compile(r"^[vV]?\d+(?:\.\d+)*[a-z]?$")  # 1.5, 3, v2, 2.0
_NUMBERISH = re.compile(r"^[\d.,%+\-–/×x:]+$")
_HAS_LETTER = re.compile(r"[A-Za-z]")
_INNER_UPPER = re.compile(r"^.+[A-Z]")
_ALLCAPS = re.compile(r"^[A-Z][A-Z0-9&]*[A-Z0-9]$")
_LETTER_DIGIT = re.compile(r"[A-Za-z].*\d|\d.*[A-Za-z]")
_SINGLE_CAP_PREFIX = re.compile(r"^[A-Z]-[A-Z][a-z]+")  # X-Decoder
_CAPITALIZED = re.compile(r"^[A-Z][a-z]+(?:[-'][A-Za-z]+)*$")
_ORDINAL = re.compile(r"^\d+(st|nd|rd|th)$", re.I)
_YEARISH = re.compile(r"^(19|20)\d\d[a-z]?$")


def _part_nameish(p: str) -> bool:
    if len(p) < 2 or not _HAS_LETTER.search(p):
        return False
    if _SIZE.match(p) or _DIM.match(p) or _ORDINAL.match(p):
        return False
    return bool(_INNER_UPPER.match(p) or _ALLCAPS.match(p) or _LETTER_DIGIT.search(p))


def is_nameish(text: str) -> bool:
    """Does a single token look like an artifact name (LLaVA-1.5, COCO, mmE5, 4M-21, ViT-L/14)?"""
    if len(text) < 2 or not _HAS_LETTER.search(text) or _NUMBERISH.match(text):
        return False
    if _SIZE.match(text) or _DIM.match(text) or _ORDINAL.match(text) or _YEARISH.match(text):
        return False
    if text.endswith("s") and _ALLCAPS.match(text[:-1]) and len(text) > 2:
        return False  # plural acronyms name a class: LLMs, VLMs, GNNs
    if _SINGLE_CAP_PREFIX.match(text):
        return True
    parts = [p for p in re.split(r"[-/]", text) if p]
    return any(_part_nameish(p) for p in parts)


def is_capitalized_word(text: str) -> bool:
    return bool(_CAPITALIZED.match(text)) and len(text) >= 3


# ---------------------------------------------------------------- candidates
@dataclass(frozen=True)
class Cand:
    """A candidate entity mention: token span, evidence for its type and role."""

    start: int  # token index
    end: int  # token index, exclusive
    text: str
    source: str  # registry | shape | title | list | cue | acronym | lexicon
    type: EntityType | None = None
    type_strength: int = 0  # 3 registry/title cue, 2 adjacent cue, 1 context, 0 none
    introduced: bool = False
    alias: str | None = None  # long form of an acronym, or the acronym of a long form
    confidence: float = 0.6


def _registry_spans(doc: Doc, lex: Lexicon, max_len: int = 6) -> list[Cand]:
    """Longest registry surfaces found in the doc (case-insensitive unless the entry says not)."""
    out: list[Cand] = []
    i = 0
    n = len(doc)
    while i < n:
        hit: Cand | None = None
        if doc[i].is_alpha or doc[i].like_num or _HAS_LETTER.search(doc[i].text):
            for j in range(min(n, i + max_len), i, -1):
                span = doc[i:j]
                if j - i > 1 and any(t.is_punct and t.text not in "-./+" for t in span):
                    continue
                entry = lex.lookup(span.text)
                if entry is not None and not (j - i == 1 and doc[i].is_lower and not entry.case_sensitive and len(doc[i]) < 5):
                    hit = Cand(i, j, span.text, "registry", entry.type, 3, confidence=0.95)
                    break
        if hit:
            out.append(hit)
            i = hit.end
        else:
            i += 1
    return out


def _extend_version(doc: Doc, start: int, end: int, lex: Lexicon) -> int:
    """Extend a name over a following version, size or tier: "Gemini 1.5 Pro", "Qwen2-VL 7B"."""
    quals = lex.word_set("version_qualifiers")
    j = end
    took_version = False
    while j < len(doc) and doc[j - 1].whitespace_ and j - end < 3:
        t = doc[j].text
        if (_VERSION.match(t) and not _YEARISH.match(t) and len(t) <= 5) and not took_version:
            took_version = True
            j += 1
        elif _SIZE.match(t) and t[-1] in "BMbm":
            j += 1
            break
        elif t.lower() in quals and (took_version or doc[j - 1].text[-1].isdigit()) and t[0].isupper():
            j += 1
        else:
            break
    return j


def shape_candidates(doc: Doc, lex: Lexicon) -> list[Cand]:
    """Name-shaped tokens (with their versions) that are not generic terms."""
    out: list[Cand] = []
    i = 0
    while i < len(doc):
        t = doc[i]
        if is_nameish(t.text) and not lex.is_generic(t.text):
            end = _extend_version(doc, i, i + 1, lex)
            out.append(Cand(i, end, doc[i:end].text, "shape"))
            i = end
        else:
            i += 1
    return out


def acronym_definitions(doc: Doc, lex: Lexicon) -> list[tuple[Span, Span]]:
    """Pairs (long form, acronym) for "Long Form Words (LFW)" patterns."""
    pairs: list[tuple[Span, Span]] = []
    for i, t in enumerate(doc):
        if t.text != "(" or i + 2 >= len(doc) or doc[i + 2].text != ")":
            continue
        acr = doc[i + 1].text
        if not (2 <= len(acr) <= 15) or not re.search(r"[A-Z].*[A-Z]|[A-Z].*\d", acr):
            continue
        letters = [c.lower() for c in acr if c.isalpha()]
        if not letters:
            continue
        # Walk back over words, matching the acronym's letters against word starts (and inner capitals).
        j = i - 1
        need = list(letters)
        while j >= 0 and need and i - j <= len(letters) + 3:
            w = doc[j]
            if w.is_punct and w.text not in "-":
                break
            caps = [w.text[0].lower()] + [c.lower() for c in w.text[1:] if c.isupper()] if w.text else []
            parts = [p for p in re.split(r"[-]", w.text) if p]
            starts = [p[0].lower() for p in parts] + caps
            while need and need[-1] in starts:
                starts.remove(need[-1])
                need.pop()
            j -= 1
        if not need and j + 1 < i:
            pairs.append((doc[j + 1 : i], doc[i + 1 : i + 2]))
    return pairs


def _is_title_case(span: Span) -> bool:
    words = [t for t in span if t.is_alpha and len(t) > 3]
    return bool(words) and all(t.text[0].isupper() for t in words)


# ---------------------------------------------------------------- type evidence
def cue_type(doc: Doc, start: int, end: int, lex: Lexicon) -> EntityType | None:
    """A cue noun right after the name ("the COCO dataset", "MMBench benchmark") or before it
    ("the benchmark MMBench", "datasets like COCO")."""
    for j in range(end, min(len(doc), end + 3)):
        w = doc[j].lower_
        for ty in (EntityType.BENCHMARK, EntityType.DATASET, EntityType.MODEL):
            if w in lex.cues[ty]:
                return ty
        if doc[j].is_punct or not (doc[j].is_alpha or doc[j].text == "-"):
            break
    if start > 0:
        w = doc[start - 1].lower_
        if start > 1 and doc[start - 1].text in (",", "as", "like", "including"):
            w = doc[start - 2].lower_
        for ty in (EntityType.BENCHMARK, EntityType.DATASET):
            plural = {c + "s" for c in lex.cues[ty]}
            if w in lex.cues[ty] or w in plural:
                return ty
    return None


def name_shape_type(text: str) -> EntityType | None:
    """What the name itself says: "...Bench" a benchmark, "...-25M" or "...-100K" a dataset."""
    low = text.lower()
    if re.search(r"bench(mark)?\b|bench$|-?eval$|arena$|leaderboard", low) or re.search(r"Bench", text):
        return EntityType.BENCHMARK
    if re.search(r"-?\d+(\.\d+)?[mk]$", low) or re.search(r"(corpus|dataset|data|set)$", low):
        return EntityType.DATASET
    if re.search(r"(qa|vqa)$", low) and len(text) > 4:
        return EntityType.BENCHMARK
    return None


def context_type(doc: Doc, start: int, lex: Lexicon) -> EntityType | None:
    """Words before the mention: "trained on X" a dataset, "evaluated on X" a benchmark."""
    left = doc[max(0, start - 8) : start].text.lower()
    # Allow a list between the cue and this name: "evaluated on A, B and X".
    left = re.sub(r"\s+", " ", left)
    for ty, key in ((EntityType.DATASET, "dataset_context_before"), (EntityType.BENCHMARK, "benchmark_context_before")):
        for cue in lex.patterns.get(key, []):
            if cue in left:
                return ty
    return None


# ---------------------------------------------------------------- roles
def intro_token_ranges(doc: Doc, lex: Lexicon) -> list[tuple[int, int]]:
    """Token ranges where a named thing is being introduced: after "we propose/introduce…"
    up to the end of the clause, and after "called/named/dubbed"."""
    verbs = lex.word_set("intro_verbs")
    naming = lex.word_set("naming_words")
    out: list[tuple[int, int]] = []
    for sent in doc.sents:
        toks = list(sent)
        for k, t in enumerate(toks):
            low = t.lower_
            hit = False
            if low in naming:
                hit = True
            elif low in verbs:
                back = " ".join(x.lower_ for x in toks[max(0, k - 4) : k])
                if re.search(r"\b(we|paper|work|study|here|article|i)\b", back) or k == 0:
                    hit = True
                elif re.search(r"\b(is|are|was|were|be|been)\b", back) and re.search(
                    r"\b(this|our|here)\b", " ".join(x.lower_ for x in toks[max(0, k - 8) : k])
                ):
                    hit = True
            if hit:
                s = t.i + 1
                e = s
                while e < sent.end and e - s < 25 and doc[e].text not in (";",) and not (
                    doc[e].text == "," and e + 1 < sent.end and doc[e + 1].lower_ in ("which", "where", "while")
                ):
                    e += 1
                out.append((s, e))
    return out


def appositive_intro(doc: Doc, c: Cand, lex: Lexicon) -> bool:
    """"X, a new benchmark for …" / "X is a novel dataset" / "X: a …" at the start of a sentence."""
    adj = lex.word_set("intro_appositive_adjectives")
    sent = doc[c.start].sent
    if c.start - sent.start > 2:
        return False
    j = c.end
    if j < len(doc) and doc[j].text in (",", ":", "(", "is", "-", "–"):
        window = [x.lower_ for x in doc[j + 1 : j + 4]]
        if window and window[0] in ("a", "an", "the") and any(w in adj for w in window[1:]):
            return True
    return False


def title_name(doc: Doc, lex: Lexicon) -> Cand | None:
    """The name before a title's colon: "CapsFusion: …", "4M-21: …", "MultiModN- …"."""
    sep = None
    for i, t in enumerate(doc[:8]):
        if t.text == ":" or (t.text in ("-", "–", "—") and i > 0 and doc[i - 1].whitespace_ == ""):
            sep = i
            break
        if t.text.endswith("-") and len(t.text) > 2 and t.whitespace_:
            sep = i + 1
            break
    if sep is None or sep == 0:
        return None
    head = doc[:sep]
    if head.text.endswith("-"):
        head_text = head.text[:-1]
    else:
        head_text = head.text
    toks = [t for t in head if t.text not in ("-",)]
    if len(toks) > 4:
        return None
    words = head_text.split()
    nameish = any(is_nameish(w.rstrip("-")) for w in words)
    if not nameish and not (len(words) <= 3 and all(w[:1].isupper() for w in words)):
        return None
    if lex.is_generic(head_text) or all(lex.is_generic(w) for w in words):
        return None
    if not nameish and len(words) > 1:
        # "Grounded Language Learning: …" is a phrase, not a name, unless it is a known one.
        if lex.lookup(head_text) is None:
            return None
    end = head.end if not head.text.endswith("-") else head.end
    return Cand(0, end, head_text, "title", introduced=True, confidence=0.9)


def title_cue_type(doc: Doc, sep_end: int, lex: Lexicon) -> EntityType | None:
    """The first cue noun in the words after a title's colon: "…: A Large-scale Multimodal Dataset for …"."""
    for t in doc[sep_end : sep_end + 10]:
        w = t.lower_
        if w in ("for", "of", "with", "via", "to", "on", "in", "by", "from", "and"):
            break
        for ty in (EntityType.BENCHMARK, EntityType.DATASET, EntityType.MODEL):
            if w in lex.cues[ty] or (w.endswith("s") and w[:-1] in lex.cues[ty]):
                return ty
    return None


def coordination_lists(doc: Doc) -> list[list[tuple[int, int]]]:
    """Items of comma / "and" lists: "COCO, Flickr30K and NoCaps" -> [(i, j), ...] token ranges."""
    lists: list[list[tuple[int, int]]] = []
    i = 0
    n = len(doc)
    while i < n:
        items: list[tuple[int, int]] = []
        j = i
        while j < n:
            k = j
            while k < n and k - j < 4 and not doc[k].is_punct and doc[k].lower_ not in ("and", "or"):
                k += 1
            if k == j:
                break
            items.append((j, k))
            if k < n and doc[k].text == ",":
                k += 1
                if k < n and doc[k].lower_ in ("and", "or"):
                    k += 1
            elif k < n and doc[k].lower_ in ("and", "or"):
                k += 1
            else:
                break
            j = k
        if len(items) >= 3 or (len(items) == 2 and items[1][0] - items[0][1] == 1):
            lists.append(items)
            i = items[-1][1]
        else:
            i += 1
    return lists


def list_candidates(doc: Doc, known: list[Cand], lex: Lexicon) -> list[Cand]:
    """Capitalized single words in a list whose other items are names: "ImageNet, Taskonomy and NYUv2"."""
    starts = {c.start: c for c in known}
    out: list[Cand] = []
    for items in coordination_lists(doc):
        named = [starts[s] for s, _ in items if s in starts]
        if len(named) < max(1, (len(items) + 1) // 2):
            continue
        types = {c.type for c in named if c.type}
        ty = types.pop() if len(types) == 1 else None
        for s, e in items:
            if s in starts or e - s != 1:
                continue
            w = doc[s].text
            if is_capitalized_word(w) and not lex.is_generic(w) and doc[s].i != doc[s].sent.start:
                out.append(Cand(s, e, w, "list", ty, 1 if ty else 0, confidence=0.55))
    return out


def cue_candidates(doc: Doc, lex: Lexicon, taken: set[int]) -> list[Cand]:
    """Capitalized words right before a cue noun: "the Taskonomy dataset", "the Hypersim benchmark"."""
    out: list[Cand] = []
    for i in range(len(doc) - 1):
        if i in taken:
            continue
        w = doc[i].text
        nxt = doc[i + 1].lower_
        ty = next((t for t in (EntityType.BENCHMARK, EntityType.DATASET) if nxt in lex.cues[t]), None)
        if ty and is_capitalized_word(w) and not lex.is_generic(w) and i != doc[i].sent.start:
            if i > 0 and doc[i - 1].lower_ in ("the", "on", "of", "from", "our"):
                out.append(Cand(i, i + 1, w, "cue", ty, 2, confidence=0.6))
    return out


def merge_candidates(*groups: list[Cand]) -> list[Cand]:
    """Non-overlapping candidates; earlier groups win, then longer spans."""
    taken: set[int] = set()
    out: list[Cand] = []
    for group in groups:
        for c in sorted(group, key=lambda c: (c.start, -(c.end - c.start))):
            if any(i in taken for i in range(c.start, c.end)):
                continue
            taken.update(range(c.start, c.end))
            out.append(c)
    return sorted(out, key=lambda c: c.start)


def with_type(c: Cand, ty: EntityType | None, strength: int) -> Cand:
    if ty is None or strength <= c.type_strength:
        return c
    return replace(c, type=ty, type_strength=strength)


def span_key(span: Span | Token | str) -> str:
    return norm(span if isinstance(span, str) else span.text)

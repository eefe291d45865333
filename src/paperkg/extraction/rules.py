"""Rule logic as pure functions over spaCy docs.

Every function here takes a ``Doc`` (made by any English tokenizer, including
``spacy.blank("en")``) and a :class:`~paperkg.extraction.lexicon.Lexicon`, and returns
plain records, so tests call them without the pipeline.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from spacy.attrs import IDX, ORTH
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from paperkg.extraction.lexicon import Lexicon, norm
from paperkg.model import EntityType

# ---------------------------------------------------------------- token shapes
_SIZE = re.compile(r"^\d+(?:\.\d+)?[KMBTkmbt]$")  # 7B, 100K, 1.5M
_DIM = re.compile(r"^\d+(?:\.\d+)?(?:[xX×]|[dD]|fps|FPS|px|ms|s|h|GB|MB|TB|bit|bits)$")  # 3D, 2x, 30fps
_VERSION = re.compile(r"^[vV]?\d{1,2}(?:\.\d{1,2}){0,2}[a-z]?$")  # 1.5, 3, v2, 2.0
_NUMBERISH = re.compile(r"^[\d.,%+\-–/×x:]+$")
_HAS_LETTER = re.compile(r"[A-Za-z]")
_WS = re.compile(r"\s+")
_BENCH_NAME = re.compile(r"bench(mark)?\b|bench$|-?eval$|arena$|leaderboard")
_DATA_SIZE_NAME = re.compile(r"[a-z].*-?\d+(\.\d+)?[mk]$")
_HAS_DIGIT = re.compile(r"\d")
_INNER_UPPER = re.compile(r"^.+[A-Z]")
_ALLCAPS = re.compile(r"^[A-Z][A-Z0-9&]*[A-Z0-9]$")
_LETTER_DIGIT = re.compile(r"[A-Za-z].*\d|\d.*[A-Za-z]")
_SINGLE_CAP_PREFIX = re.compile(r"^[A-Z]-[A-Z][a-z]+")  # X-Decoder
_CAPITALIZED = re.compile(r"^[A-Z][a-z]+(?:[-'][A-Za-z]+)*$")
_ORDINAL = re.compile(r"^\d+(st|nd|rd|th)$", re.I)
_YEARISH = re.compile(r"^(19|20)\d\d[a-z]?$")


_LINK_WORDS = {"of", "in", "the", "and"}
_COUNTER_WORDS = {
    "top",
    "stage",
    "step",
    "phase",
    "round",
    "level",
    "layer",
    "type",
    "task",
    "part",
    "table",
    "figure",
    "section",
    "day",
    "week",
    "year",
    "rank",
    "pass",
    "shot",
    "hop",
    "k",
    "n",
    "covid",
    "rouge",
    "bleu",
    "f",
}


def _part_nameish(p: str) -> bool:
    if len(p) < 2 or not _HAS_LETTER.search(p):
        return False
    if p[0].isupper() and p[1:].islower():
        return False
    if _SIZE.match(p) or _DIM.match(p) or _ORDINAL.match(p):
        return False
    return bool(_INNER_UPPER.match(p) or _ALLCAPS.match(p) or _LETTER_DIGIT.search(p))


@lru_cache(maxsize=100_000)
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
    if len(parts) > 1 and _SIZE.match(parts[0]) and parts[1].isdigit():
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


# ---------------------------------------------------------------- candidates
@dataclass(slots=True)
class Cand:
    """A candidate entity mention: token span, evidence for its type and role. The rules never
    change a candidate once made (not frozen only because frozen records are slower to make, and
    rules make many)."""

    start: int  # token index
    end: int  # token index, exclusive
    text: str
    source: str  # registry | shape | title | list | cue | acronym | lexicon
    type: EntityType | None = None
    type_strength: int = 0  # 3 registry/title cue, 2 adjacent cue, 1 context, 0 none
    introduced: bool = False
    alias: str | None = None  # long form of an acronym, or the acronym of a long form
    confidence: float = 0.6
    listed: bool = False  # an item of a list whose other items are names too
    ext_end: int = 0  # end of the mention with its head noun and acronym: "Penn Treebank dataset (PTB)"
    ext_start: int = -1  # start of the mention with a language adjective: "English Penn Treebank"
    repo_id: str | None = None  # the Hugging Face repo id it was written as: "Qwen/Qwen2.5-7B"


@dataclass(frozen=True)
class TokArrays:
    """Plain-Python views of a doc's tokens, built once per doc: the rules read these instead of
    creating spaCy ``Token`` objects again and again (the hot path)."""

    text: tuple[str, ...]
    lower: tuple[str, ...]
    is_lower: tuple[bool, ...]
    is_punct: tuple[bool, ...]
    plain: tuple[bool, ...]  # punctuation, or a plain lower-case or capitalized word: never a name by shape
    key: tuple[str, ...]  # each token's comparison key (lexicon.norm)
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
    info = (text, lexeme.lower_, is_lower, is_punct, plain, norm(text))
    _LEXEME_INFO[orth] = info
    return info


def arrays(doc: Doc) -> TokArrays:
    cached = doc.user_data.get("tok_arrays")
    if cached is None:
        string = doc.user_data.get("text") or doc.text
        if len(doc):
            cols = doc.to_array([ORTH, IDX])
            get = _LEXEME_INFO.get
            infos = [get(o) or _lexeme_info(doc, o) for o in cols[:, 0].tolist()]
            text, lower, is_lower, is_punct, plain, key = zip(*infos, strict=True)
            idx = cols[:, 1].tolist()
        else:
            text, lower, is_lower, is_punct, plain, key, idx = (), (), (), (), (), (), []
        starts = _sentence_starts(text, is_punct)
        cached = TokArrays(text, lower, is_lower, is_punct, plain, key, starts, idx, string)
        doc.user_data["tok_arrays"] = cached
    return cached


def registry_matcher(nlp_or_vocab: Any, lex: Lexicon, make_doc: Any) -> PhraseMatcher:
    """A lower-case PhraseMatcher over every registry surface, tokenized as the docs will be."""
    vocab = getattr(nlp_or_vocab, "vocab", nlp_or_vocab)
    matcher = PhraseMatcher(vocab, attr="LOWER")
    surfaces = sorted({s for e in lex.entries for s in e.surfaces()})
    # Also each surface's key as one token, so "Kinetics400" is found for "Kinetics-400".
    keys = sorted({norm(s) for s in surfaces} - {s.lower() for s in surfaces})
    matcher.add("REGISTRY", [make_doc(s) for s in surfaces] + [make_doc(k) for k in keys if k])
    return matcher


def _registry_spans(
    doc: Doc, lex: Lexicon, max_len: int = 6, matcher: PhraseMatcher | None = None
) -> list[Cand]:
    """Longest registry surfaces found in the doc (case-insensitive unless the entry says not).

    With ``matcher`` (see :func:`registry_matcher`) only the places it finds are checked."""
    out: list[Cand] = []
    i = 0
    n = len(doc)
    first = lex.first_words
    a = arrays(doc)
    texts, P = a.text, a.is_punct
    starts: dict[int, int] | None = None
    if matcher is not None:
        starts = {}
        for _, s0, e0 in matcher(doc):
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
            words = first.get(norm(texts[i]), 0)
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
                    end = _extend_version(doc, i, j, lex, registry=True)
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


def _extend_version(doc: Doc, start: int, end: int, lex: Lexicon, registry: bool = False) -> int:
    """Extend a name over a following version, size or tier: "Gemini 1.5 Pro", "Qwen2-VL 7B"."""
    quals = lex.word_set("version_qualifiers")
    a = arrays(doc)
    T = a.text
    n = len(T)
    j = end
    took_version = False
    # A shared-task number: "SemEval-2010 Task 8", "SemEval-07 task 17".
    if j + 1 < n and a.lower[j] == "task" and T[j + 1].isdigit() and _HAS_DIGIT.search(T[j - 1]):
        return j + 2
    while j < n and a.idx[j] > a.idx[j - 1] + len(T[j - 1]) and j - end < 3:
        t = T[j]
        bare_int = t.isdigit() and not registry
        if _VERSION.match(t) and not _YEARISH.match(t) and len(t) <= 5 and not took_version and not bare_int:
            took_version = True
            j += 1
        elif _SIZE.match(t) and t[-1] in "BMbm":
            j += 1
            break
        elif t.lower() in quals and (took_version or T[j - 1][-1].isdigit()) and t[0].isupper():
            j += 1
        else:
            break
    return j


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


def shape_candidates(doc: Doc, lex: Lexicon) -> list[Cand]:
    """Name-shaped tokens (with their versions) that are not generic terms."""
    out: list[Cand] = []
    a = arrays(doc)
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
        end = _extend_version(doc, i, i + 1, lex)
        out.append(Cand(i, end, a.span_text(i, end), "shape"))
        i = end
    return out


def _long_form_for(acr: str, words: Sequence[str]) -> int | None:
    """How many of ``words`` (the words before the parenthesis) form the long form of ``acr``:
    its letters must appear in order, the first at the start of a word (Schwartz & Hearst)."""
    chars = [c.lower() for c in acr if c.isalnum()]
    text = " ".join(words).lower()
    ci = len(chars) - 1
    ti = len(text) - 1
    while ci >= 0:
        ch = chars[ci]
        while ti >= 0 and (text[ti] != ch or (ci == 0 and ti > 0 and text[ti - 1].isalnum())):
            ti -= 1
        if ti < 0:
            return None
        ci -= 1
        ti -= 1
    used = text[ti + 1 :]
    return len(used.split())


def acronym_definitions(doc: Doc, lex: Lexicon) -> list[tuple[Span, Span]]:
    """Pairs (long form, acronym) for "Long Form Words (LFW)" patterns."""
    pairs: list[tuple[Span, Span]] = []
    a = arrays(doc)
    texts = a.text
    for i in positions(texts, "("):
        if i + 2 >= len(texts) or texts[i + 2] != ")" or i == 0:
            continue
        acr = texts[i + 1]
        if not (2 <= len(acr) <= 15) or not re.search(r"[A-Z].*[A-Z]|[A-Z].*\d", acr):
            continue
        n_letters = sum(c.isalpha() for c in acr)
        lo = i
        while (
            lo > 0
            and i - lo < min(n_letters + 5, 2 * n_letters)
            and not (a.is_punct[lo - 1] and texts[lo - 1] != "-")
        ):
            lo -= 1
        words = texts[lo:i]
        k = _long_form_for(acr, words)
        if k and k <= len(words):
            pairs.append((doc[i - k : i], doc[i + 1 : i + 2]))
    return pairs


def _is_title_case(span: Span) -> bool:
    a = arrays(span.doc)
    words = [t for t in span if t.is_alpha and len(t) > 3 and not a.is_sent_start(t.i)]
    return bool(words) and all(t.text[0].isupper() for t in words)


# ---------------------------------------------------------------- type evidence
_ALL_TYPES = tuple(EntityType)


def _cue_of(word: str, lex: Lexicon, types: tuple[EntityType, ...] = _ALL_TYPES) -> EntityType | None:
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


_DET = ("a", "an", "the", "our", "this", "its")
_ADJECTIVAL_BEFORE = frozenset((*_DET, "their", "these", "novel", "newly"))
_BEFORE_LINK = (",", "as", "like", "including", ":", "(", "named", "called", "dubbed", "termed", "namely")


def cue_type(doc: Doc, start: int, end: int, lex: Lexicon) -> tuple[EntityType | None, int]:
    """Type evidence from cue nouns around a name, with its strength:
    3 for an appositive ("COMPOSITIONCAP, a new dataset for …") or a defining parenthesis
    ("MMEB (Massive Multimodal Embedding Benchmark)"); 2 for an adjacent noun ("the COCO dataset",
    "datasets such as COCO", "a dataset (HumanCaptionHQ)")."""
    a = arrays(doc)
    T, L, P = a.text, a.lower, a.is_punct
    n = len(T)
    j = end
    # A parenthesis right after the name: its last word, then the word after it.
    if j < n and T[j] == "(":
        k = j + 1
        while k < n and k - j < 10 and T[k] != ")":
            k += 1
        if k < n and T[k] == ")":
            ty = _cue_of(T[k - 1], lex) if k - 1 > j else None
            if ty:
                return ty, 3
            j = k + 1
    # Appositive: ", a new comprehensive dataset".
    if j < n and T[j] in (",", ":", "-", "–", "—", "is"):
        k = j + 1
        if k < n and L[k] in _DET:
            for m in range(k + 1, min(n, k + 6)):
                if P[m] and T[m] != "-":
                    break
                ty = _cue_of(T[m], lex)
                if ty:
                    return ty, 3
    # Adjacent head noun: "COCO dataset", "MSR-VTT retrieval benchmark".
    for k in range(j, min(n, j + 3)):
        ty = _cue_of(T[k], lex)
        if ty:
            return ty, 2
        if P[k] or not (T[k].isalpha() or T[k] == "-"):
            break
    if start > 0:
        k = start - 1
        while k > 0 and (T[k] in _BEFORE_LINK or L[k] in ("such",)) and start - k < 4:
            k -= 1
        ty = _cue_of(T[k], lex, (EntityType.BENCHMARK, EntityType.DATASET))
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
    if not _HAS_DIGIT.search(text) or re.search(r"\btask\b", text, re.I):
        return None, 0  # a bare campaign ("SemEval") or one of its tasks is not a data set
    for prefix in lex.patterns.get("dataset_name_prefixes", []):
        if text.startswith(prefix) and (len(text) == len(prefix) or not text[len(prefix)].islower()):
            return EntityType.DATASET, 1
    return None, 0


def head_type(doc: Doc, end: int, lex: Lexicon) -> tuple[EntityType | None, int]:
    """ "ACE 2005 data", "CTB test set": a data noun phrase right after the name."""
    one, two = _head_sets(lex)
    lower = arrays(doc).lower
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


def parenthetical_use(doc: Doc, c: Cand) -> bool:
    """ "question classification (TREC)", "entailment (SNLI)": a name in parentheses after a
    lower-case phrase, naming the data used for it (not an acronym of those words)."""
    t = arrays(doc).text
    return (
        c.start >= 2
        and c.end < len(t)
        and t[c.start - 1] == "("
        and t[c.end] in (")", ",")
        and t[c.start - 2].islower()
        and t[c.start - 2].isalpha()
        and _long_form_for(c.text, t[max(0, c.start - 8) : c.start - 1]) is None
    )


def context_type(doc: Doc, start: int, lex: Lexicon) -> EntityType | None:
    """Words before the mention: "trained on X" a dataset, "evaluated on X" a benchmark."""
    a = arrays(doc)
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


# ---------------------------------------------------------------- roles
def intro_token_ranges(doc: Doc, lex: Lexicon) -> list[tuple[int, int]]:
    """Token ranges where a named thing is being introduced: after "we propose/introduce…"
    up to the end of the clause, and after "called/named/dubbed"."""
    verbs = lex.word_set("intro_verbs")
    naming = lex.word_set("naming_words")
    triggers = lex.derived("intro_triggers", lambda: verbs | naming)
    a = arrays(doc)
    lower = a.lower
    out: list[tuple[int, int]] = []
    if triggers.isdisjoint(lower):
        return out
    for i in [i for i, low in enumerate(lower) if low in triggers]:
        low = lower[i]
        sent_start, sent_end = a.sentence(i)
        k = i - sent_start
        hit = low in naming
        if not hit and i > 0 and lower[i - 1] in _ADJECTIVAL_BEFORE:
            continue  # "the proposed method": an adjective, not an introduction
        if not hit:
            back = " ".join(lower[max(sent_start, i - 4) : i])
            hit = bool(
                re.search(r"\b(we|paper|work|study|here|article|i)\b", back)
                or k == 0
                or (
                    re.search(r"\b(is|are|was|were|be|been)\b", back)
                    and re.search(r"\b(this|our|here)\b", " ".join(lower[max(sent_start, i - 8) : i]))
                )
            )
        if hit:
            s0 = i + 1
            e = s0
            while (
                e < sent_end
                and e - s0 < 25
                and a.text[e] != ";"
                and not (
                    a.text[e] == "," and e + 1 < sent_end and lower[e + 1] in ("which", "where", "while")
                )
            ):
                e += 1
            out.append((s0, e))
    return out


def intro_name_runs(doc: Doc, lex: Lexicon, ranges: list[tuple[int, int]]) -> list[Cand]:
    """A capitalized run right after "we propose/introduce" or "called": "We propose Perceptual
    Fusion, …", "we present Arcana, a …", "we propose Muffin framework"."""
    out: list[Cand] = []
    a = arrays(doc)
    T, L = a.text, a.lower
    for s, e in ranges:
        k = s
        if k < e and T[k] in (",", ":"):
            k += 1
        j = k
        while j < e and j - k < 4 and ((T[j][:1].isupper() and T[j].isalpha()) or (j > k and T[j] == "-")):
            j += 1
        if j == k:
            continue
        text = a.span_text(k, j)
        if lex.is_generic(text) or any(lex.is_generic(t) for t in T[k:j]) or a.is_sent_start(k):
            continue
        if j < len(T) and (
            T[j] in (",", "(", ":", ".", ";")
            or L[j] in lex.cues[EntityType.MODEL]
            or L[j] in lex.cues[EntityType.DATASET]
            or L[j] in lex.cues[EntityType.BENCHMARK]
            or L[j] in ("to", "that", "which", "for", "as", "with", "and")
        ):
            out.append(Cand(k, j, text, "intro", introduced=True, confidence=0.75))
    return out


def appositive_intro(doc: Doc, c: Cand, lex: Lexicon) -> bool:
    """ "X, a new benchmark for …" / "X is a novel dataset" / "X: a …" at the start of a sentence."""
    a = arrays(doc)
    if c.start - a.sentence(c.start)[0] > 2:
        return False
    j = c.end
    if j < len(a.text) and a.text[j] in (",", ":", "(", "is", "-", "–"):
        window = a.lower[j + 1 : j + 4]
        adj = lex.word_set("intro_appositive_adjectives")
        if window and window[0] in ("a", "an", "the") and any(w in adj for w in window[1:]):
            return True
    return False


def title_names(doc: Doc, lex: Lexicon) -> list[Cand]:
    """The names before a title's colon, "Molmo and PixMo: …" giving two."""
    c = title_name(doc, lex)
    if c is None:
        return []
    a = arrays(doc)
    T = a.text
    seps = [i for i in range(c.start, c.end) if a.lower[i] in ("and", "&") or T[i] == ","]
    if not seps:
        return [c]
    out = []
    start = c.start
    for k in [*seps, c.end]:
        if k > start and any(is_nameish(t) or t[:1].isupper() for t in T[start:k]):
            out.append(Cand(start, k, a.span_text(start, k), "title", introduced=True, confidence=0.9))
        start = k + 1
    return out


def spelled_out(doc: Doc, acronym: str, start: int) -> int:
    """If the words from ``start`` spell ``acronym`` by their capitals ("COntrastive Streamlined
    MultimOdal Model" for COSMO), the index after them; else ``start``."""
    letters = [c for c in acronym.upper() if c.isalnum()]
    a = arrays(doc)
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


def title_name(doc: Doc, lex: Lexicon) -> Cand | None:
    """The name before a title's colon: "CapsFusion: …", "4M-21: …", "MultiModN- …"."""
    a = arrays(doc)
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


def title_cue_types(doc: Doc, sep_end: int, lex: Lexicon) -> list[EntityType | None]:
    """The head cue noun of each description after a title's colon, in order:
    "…: A Large-scale Multimodal Dataset for …" -> [dataset];
    "…: A Large Vision-Language Model and A Comprehensive Multimodal Dataset" -> [model, dataset].
    A description that starts with a verb ("Evaluating …", "Towards …") gives none."""
    out: list[EntityType | None] = []
    a = arrays(doc)
    lowers = a.lower[sep_end : sep_end + 16]
    if not lowers or lowers[0].endswith("ing") or lowers[0] in ("towards", "toward", "when", "how"):
        return out
    last: EntityType | None = None
    for text, w in zip(a.text[sep_end : sep_end + 16], lowers, strict=True):
        if w in ("and", "&"):
            out.append(last)
            last = None
            continue
        if (
            w in ("for", "of", "with", "via", "to", "on", "in", "by", "from", "through", "that", "is")
            or text == ":"
        ):
            break
        ty = _cue_of(text, lex)
        if ty:
            last = ty
    out.append(last)
    return out


def _name_chunk(a: TokArrays, j: int, k: int, first_item: bool) -> tuple[int, int]:
    """The capitalized run inside a list item: the last run of the first item ("experiments on
    WikiMEL" -> "WikiMEL"), the first run of the others ("WikiDiverse datasets" -> "WikiDiverse");
    an all lower-case item stays whole."""
    low = a.is_lower
    if first_item:
        y = k
        while y > j and low[y - 1]:
            y -= 1
        if y == j:
            return j, k  # all lower-case
        x = y - 1
        while x > j and not low[x - 1]:
            x -= 1
        return x, y
    x = j
    while x < k and low[x]:
        x += 1
    if x == k:
        return j, k
    y = x + 1
    while y < k and not low[y]:
        y += 1
    return x, y


def coordination_lists(doc: Doc, near: Collection[int] | None = None) -> list[list[tuple[int, int]]]:
    """Items of comma / "and" lists: "COCO, Flickr30K and NoCaps" -> [(i, j), ...] token ranges.

    With ``near`` (token positions), only the lists in a stretch holding one of them: a list never
    runs over punctuation other than a comma, so the lists between two such marks are found alike
    whether the search starts there or at the doc's start. Without it, every list (computed once
    per doc)."""
    if near is not None:
        return _coordination_lists(doc, _stretches(arrays(doc), near))
    cached = doc.user_data.get("coordination_lists")
    if cached is None:
        cached = doc.user_data["coordination_lists"] = _coordination_lists(doc)
    return cached


def _stretches(a: TokArrays, near: Collection[int]) -> list[tuple[int, int]]:
    """The stretches of tokens between punctuation other than commas that hold a position of
    ``near``, in order."""
    stops = [k for k in positions(a.is_punct, True) if a.text[k] != ","]
    out: set[tuple[int, int]] = set()
    for s in near:
        k = bisect_left(stops, s)
        if k < len(stops) and stops[k] == s:
            continue  # a stop itself starts no list item
        out.add((stops[k - 1] + 1 if k else 0, stops[k] if k < len(stops) else len(a.text)))
    return sorted(out)


_LIST_SEPARATORS = frozenset(("and", "or", ","))


def positions(items: Sequence[Any], value: object) -> list[int]:
    """Every index of ``value`` in ``items`` (count and index scan in C)."""
    out: list[int] = []
    k = -1
    for _ in range(items.count(value)):
        k = items.index(value, k + 1)
        out.append(k)
    return out


_CONJUNCTIONS = ("and", "or")


def _list_step(lower: Sequence[str], punct: Sequence[bool], j: int) -> tuple[int, int]:
    """The list item starting at token ``j`` (at most 4 tokens, up to punctuation or a conjunction):
    its end, and where the next item starts after a separator ("," / "and" / ", and"), or -1."""
    n = len(lower)
    k = j
    while k < n and k - j < 4 and not punct[k] and lower[k] not in _CONJUNCTIONS:
        k += 1
    if k < n and lower[k] == ",":
        after = k + 1
        if after < n and lower[after] in _CONJUNCTIONS:
            after += 1
    elif k < n and lower[k] in _CONJUNCTIONS:
        after = k + 1
    else:
        after = -1
    return k, after


def _coordination_lists(doc: Doc, spans: list[tuple[int, int]] | None = None) -> list[list[tuple[int, int]]]:
    a = arrays(doc)
    lower, punct = a.lower, a.is_punct
    lists: list[list[tuple[int, int]]] = []
    i = 0
    n = len(lower)
    # Only the stretches in ``spans`` (sorted, disjoint; see coordination_lists), else the whole doc.
    todo = iter(spans if spans is not None else [(0, n)])
    span_end = -1
    seps = [k for k, w in enumerate(lower) if w in _LIST_SEPARATORS]
    # Tries from neighbouring tokens run into the same items: each item is read once.
    steps: dict[int, tuple[int, int]] = {}
    counts: dict[int, int] = {}
    chunks: dict[int, tuple[int, int]] = {}

    def step(j: int) -> tuple[int, int]:
        found = steps.get(j)
        if found is None:
            found = steps[j] = _list_step(lower, punct, j)
        return found

    def item_count(j: int) -> int:
        """How many items the list starting at ``j`` has."""
        path: list[int] = []
        while True:
            if j in counts:
                total = counts[j]
                break
            if j >= n:
                total = 0
                break
            k, after = step(j)
            if k == j:
                total = counts[j] = 0
                break
            path.append(j)
            if after < 0:
                total = 0
                break
            j = after
        for p in reversed(path):
            total += 1
            counts[p] = total
        return total

    while i < n:
        while i >= span_end and span_end < n:
            lo, span_end = next(todo, (n, n))
            i = max(i, lo)
        if i >= n:
            break
        # A list needs a comma or a conjunction within its first item's reach.
        k = bisect_left(seps, i)
        next_sep = seps[k] if k < len(seps) else n + 10
        if next_sep - i >= 5:
            i = max(i + 1, next_sep - 4)
            continue
        if item_count(i) < 2:
            k, _ = step(i)
            if k > i and (k == n or punct[k] or lower[k] in _CONJUNCTIONS):
                # Every start before this stop ends its first item there too, and fails the same way.
                i = k
            else:
                i += 1
            continue
        raw: list[tuple[int, int]] = []
        j = i
        while j < n:
            k, after = step(j)
            if k == j:
                break
            raw.append((j, k))
            if after < 0:
                break
            j = after
        # Name chunks only for lists that may be kept (most tries have one item).
        items = [_name_chunk(a, *raw[0], True)]
        for s0, e0 in raw[1:]:
            chunk = chunks.get(s0)
            if chunk is None:
                chunk = chunks[s0] = _name_chunk(a, s0, e0, False)
            items.append(chunk)
        if len(items) >= 3 or items[1][0] - items[0][1] == 1:
            lists.append(items)
            i = items[-1][1]
        else:
            i += 1
    return lists


def list_candidates(
    doc: Doc, known: list[Cand], lex: Lexicon, lists: list[list[tuple[int, int]]] | None = None
) -> list[Cand]:
    """Capitalized single words in a list whose other items are names: "ImageNet, Taskonomy and NYUv2".

    ``lists`` are the doc's coordination lists, or those near ``known`` (all when not given)."""
    starts = {c.start: c for c in known}
    out: list[Cand] = []
    for items in coordination_lists(doc) if lists is None else lists:
        named = [starts[s] for s, _ in items if s in starts]
        if len(named) < max(1, (len(items) + 1) // 2):
            continue
        types = {c.type for c in named if c.type}
        ty = types.pop() if len(types) == 1 else None
        for s, e in items:
            if s in starts or e - s != 1:
                continue
            w = arrays(doc).text[s]
            if is_capitalized_word(w) and not lex.is_generic(w) and not arrays(doc).is_sent_start(s):
                out.append(Cand(s, e, w, "list", ty, 1 if ty else 0, confidence=0.55))
    return out


_CUE_LEAD = (
    "the",
    "on",
    "of",
    "from",
    "our",
    "a",
    "new",
    "and",
    "or",
    ",",
    "this",
    "in",
    "use",
    "using",
    "with",
)


def cue_candidates(doc: Doc, lex: Lexicon, taken: set[int]) -> list[Cand]:
    """Capitalized words right before a dataset or benchmark noun: "the Taskonomy dataset",
    "the NPS Chat Corpus", "SCATE corpus"."""
    a = arrays(doc)
    heads = _data_heads(lex)
    out: list[Cand] = []
    if heads.isdisjoint(a.lower):
        return out
    for i in [i for i, w in enumerate(a.lower) if w in heads]:
        w = a.lower[i]
        if i == 0 or (w.endswith("s") and not w.endswith("ss")):
            continue
        ty = _cue_of(w, lex, (EntityType.BENCHMARK, EntityType.DATASET))
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


_MENTION_HEADS_2 = {
    "test set",
    "test sets",
    "data set",
    "data sets",
    "development set",
    "evaluation set",
    "training data",
    "test data",
}
_MENTION_HEADS = {
    "dataset",
    "corpus",
    "treebank",
    "data",
    "benchmark",
    "collection",
    "set",
    "suite",
    "leaderboard",
}


def mention_start(doc: Doc, c: Cand, lex: Lexicon) -> int:
    """Where the mention of ``c`` starts when a language adjective is included ("English Penn Treebank")."""
    langs = lex.pattern_set("language_adjectives")
    campaigns = lex.pattern_set("dataset_name_prefixes")
    prev = arrays(doc).text[c.start - 1] if c.start > 0 else ""
    if prev in langs or (prev in campaigns and not c.text.startswith(prev)):
        return c.start - 1  # "English Penn Treebank", "NIST MT03"
    return c.start


def mention_end(doc: Doc, c: Cand) -> int:
    """Where the mention of ``c`` ends when its head noun and a defining acronym are included,
    as span-annotated corpora mark it ("IMDb dataset", "Stanford Sentiment Treebank (SST)")."""
    a = arrays(doc)
    j = c.end
    n = len(a.text)
    # "NPS Chat Corpus", "Penn Treebank WSJ corpus": capitalized words, then the head noun.
    k = j
    while (
        k < n
        and k - j < 2
        and a.text[k][:1].isupper()
        and a.text[k].isalpha()
        and a.lower[k] not in _MENTION_HEADS
    ):
        k += 1
    if k > j and k < n and a.lower[k] in _MENTION_HEADS:
        j = k
    # "CoNLL03 shared task data set", "FBIS data set", "Penn Treebank development set".
    if j + 1 < n and a.lower[j] == "shared" and a.lower[j + 1] == "task":
        j += 2
    two = " ".join(a.lower[j : j + 2])
    if two in _MENTION_HEADS_2:
        j += 2
    elif j < n and a.lower[j] in _MENTION_HEADS:
        j += 1
    if j + 2 < n and a.text[j] == "(" and a.text[j + 2] == ")" and is_nameish(a.text[j + 1]):
        j += 3
    return j


def listed_starts(doc: Doc, cands: list[Cand], lists: list[list[tuple[int, int]]] | None = None) -> set[int]:
    """Starts of candidates that sit in a list with at least one other candidate."""
    starts = {c.start for c in cands}
    out: set[int] = set()
    for items in coordination_lists(doc) if lists is None else lists:
        named = [s for s, _ in items if s in starts]
        if len(named) >= 2:
            out.update(named)
    return out


def list_types(
    doc: Doc, lex: Lexicon, lists: list[list[tuple[int, int]]] | None = None
) -> dict[int, EntityType]:
    """Types for every item of a list that a cue noun governs: "WikiMEL, RichpediaMEL, and
    WikiDiverse datasets", "benchmarks such as MME, MMBench and SEED-Bench"."""
    out: dict[int, EntityType] = {}
    a = arrays(doc)
    T, L = a.text, a.lower
    for items in coordination_lists(doc) if lists is None else lists:
        last_end = items[-1][1]
        ty = _cue_of(T[last_end - 1], lex) if items[-1][1] - items[-1][0] >= 2 else None
        if ty is None and last_end < len(T):
            ty = _cue_of(T[last_end], lex)
        if ty is None:
            k = items[0][0] - 1
            while k > 0 and (T[k] in _BEFORE_LINK or L[k] in ("such", "on", "the")) and items[0][0] - k < 4:
                k -= 1
            if k >= 0 and k < items[0][0]:
                ty = _cue_of(T[k], lex, (EntityType.BENCHMARK, EntityType.DATASET))
        if ty is not None:
            for s, _e in items:
                out[s] = ty
    return out


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


def span_key(span: Span | Token | str) -> str:
    return norm(span if isinstance(span, str) else span.text)

"""From papers to :class:`~paperkg.model.PaperExtraction`: runs the spaCy pipeline over each
paper's title and abstract and folds the candidate mentions into entities."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Container, Iterable, Iterator, Sequence
from dataclasses import replace
from itertools import compress

from spacy.tokens import Doc

from paperkg import __version__
from paperkg.extraction.components import make_nlp
from paperkg.extraction.lexicon import Lexicon, load_lexicon
from paperkg.extraction.loose import loose_spans
from paperkg.extraction.names import SIZE, is_nameish
from paperkg.extraction.roles import appositive_intro, intro_token_ranges
from paperkg.extraction.stages import RULES, Cand, Decider, Decision, EntityCandidate, PaperCandidates
from paperkg.extraction.state import DocState, attach, doc_state
from paperkg.extraction.tokens import TokArrays, positions
from paperkg.extraction.type_rules import context_type, cue_type, name_shape_type
from paperkg.extraction.urls import classify_url, find_urls
from paperkg.keys import name_key
from paperkg.model import (
    EntityType,
    ExtractedEntity,
    ExtractedUrl,
    Field,
    Mention,
    Paper,
    PaperExtraction,
    UrlKind,
)

EXTRACTOR_NAME = "paperkg.extraction"
EXTRACTOR_VERSION = __version__
TYPE_ORDER = (EntityType.MODEL, EntityType.DATASET, EntityType.BENCHMARK)


_ALLCAPS_WORD = re.compile(r"^[A-Z]{2,}$")


class _Acc:
    """Evidence gathered for one entity of one paper (a plain slotted class: one is made per
    name per paper, and dataclass default factories cost more than the rest of its work)."""

    __slots__ = (
        "aliases",
        "confidence",
        "from_title",
        "ids",
        "introduced",
        "listed",
        "mentions",
        "name",
        "sources",
        "votes",
    )

    def __init__(self, name: str, sources: set[str] | None = None) -> None:
        self.name = name
        self.mentions: list[Mention] = []
        self.votes: dict[EntityType, int] = {}
        self.introduced = False
        self.aliases: list[str] = []
        self.confidence = 0.0
        self.from_title = False
        self.sources: set[str] = sources if sources is not None else set()
        self.listed = False
        self.ids: list[str] = []

    def strength(self) -> int:
        return max(self.votes.values(), default=0)

    def type(self) -> EntityType:
        if not self.votes:
            return EntityType.MODEL
        best = max(self.votes.values())
        return next(
            t
            for t in (EntityType.BENCHMARK, EntityType.DATASET, EntityType.MODEL)
            if self.votes.get(t) == best
        )


class Extractor:
    """The default extraction pipeline (spaCy blank English + paperkg components)."""

    def __init__(
        self,
        registry: str | None = None,
        batch_size: int = 64,
        decider: Decider | None = None,
        loose: bool | None = None,
    ) -> None:
        self.registry = registry
        self.nlp = make_nlp(registry, spans=False, lean_lexemes=True)
        self.lex: Lexicon = load_lexicon(registry)
        self.batch_size = batch_size
        self.decider: Decider = decider if decider is not None else _default_decider(registry)
        # Loose candidates only for a decider that judges them (the rules keep none).
        self.loose = bool(getattr(self.decider, "wants_loose", False)) if loose is None else loose

    def extract(self, paper: Paper) -> PaperExtraction:
        """The entities and links of one paper (for many, :meth:`pipe` is faster)."""
        return next(iter(self.pipe([paper])))

    def pipe(self, papers: Iterable[Paper]) -> Iterator[PaperExtraction]:
        """Extract from a stream of papers, batching the spaCy work."""
        decide = self.decider.decide
        for pc in self.candidates(papers):
            yield build(pc, decide(pc))

    def candidates(self, papers: Iterable[Paper]) -> Iterator[PaperCandidates]:
        """Stages 1 and 2: each paper's candidates, before any decision."""
        batch: list[Paper] = []
        for p in papers:
            batch.append(p)
            if len(batch) >= self.batch_size:
                yield from self._run(batch)
                batch = []
        if batch:
            yield from self._run(batch)

    def _run(self, papers: list[Paper]) -> Iterator[PaperCandidates]:
        def docs() -> Iterator[Doc]:
            for p in papers:
                for f in (Field.TITLE, Field.ABSTRACT):
                    text = p.text(f)
                    d = self.nlp.make_doc(text)
                    attach(d, f, text)
                    yield d

        processed = self.nlp.pipe(docs(), batch_size=self.batch_size * 2)
        for p in papers:
            tdoc = next(processed)
            adoc = next(processed)
            yield collect(p, tdoc, adoc, self.lex, self.loose)


def _default_decider(registry: str | None) -> Decider:
    from paperkg.extraction.learn import default_decider  # the model's module imports this one

    return default_decider(registry)


def collect(paper: Paper, tdoc: Doc, adoc: Doc, lex: Lexicon, loose: bool = False) -> PaperCandidates:
    """Stage 2: fold the candidate spans of a paper's two fields into one candidate per name.

    With ``loose``, name-like stretches the rules do not propose are added too
    (:mod:`paperkg.extraction.loose`), which the rules never keep: a learned decider judges them."""
    accs: dict[str, _Acc] = {}
    order: list[str] = []
    tstate, astate = doc_state(tdoc), doc_state(adoc)
    fields = ((Field.TITLE, tstate), (Field.ABSTRACT, astate))
    title_keys: set[str] = set()
    for f, state in fields:
        title_keys |= _fold(accs, order, f, state)
    _add_title_names(accs, title_keys, astate.tokens)
    # Acronyms a paper defines as plain concepts ("electrocardiogram (ECG)") are not names anywhere in it.
    generic = tstate.concepts | astate.concepts
    for key, long in tstate.long_forms.items():
        if key in accs and long not in accs[key].aliases:
            accs[key].aliases.append(long)
    parts = _name_parts(accs, order, lex)
    if parts:
        _add_parts(accs, order, fields, parts)
    lower_words = LowerWords(tstate.tokens, astate.tokens)
    loose_keys = _add_loose(accs, order, fields, lex, lower_words) if loose else set()
    cands = []
    for key in order:
        acc = accs[key]
        is_part = key in parts
        concept = key in generic and not acc.from_title
        cands.append(
            EntityCandidate(
                key=key,
                name=acc.name,
                mentions=tuple(acc.mentions),
                votes=dict(acc.votes),
                rule_type=acc.type(),
                strength=acc.strength(),
                introduced=acc.introduced,
                aliases=tuple(a for a in acc.aliases if name_key(a) != key),
                confidence=acc.confidence,
                from_title=acc.from_title,
                sources=frozenset(acc.sources),
                listed=acc.listed,
                is_part=is_part,
                concept=concept,
                rule_keep=not concept and key not in loose_keys and keep(acc, lower_words, lex, is_part),
                ids=tuple(acc.ids),
            )
        )
    return PaperCandidates(paper, tdoc, adoc, tuple(cands))


def _fold(accs: dict[str, _Acc], order: list[str], f: Field, state: DocState) -> set[str]:
    """Add one field's candidates to ``accs`` (new names to ``order``); the keys of the title's
    own names (before its colon)."""
    a = state.tokens
    title_keys: set[str] = set()
    for c in state.cands:
        key = name_key(c.text)
        if not key:
            continue
        acc = accs.get(key)
        if acc is None:
            acc = accs[key] = _Acc(name=c.text)
            order.append(key)
        acc.mentions.append(_mention(a, f, c))
        if c.type is not None:
            acc.votes[c.type] = max(acc.votes.get(c.type, 0), c.type_strength)
        acc.introduced |= c.introduced
        acc.sources.add(c.source)
        acc.listed |= c.listed
        acc.confidence = max(acc.confidence, c.confidence)
        if c.alias and c.alias not in acc.aliases:
            acc.aliases.append(c.alias)
        if c.repo_id and "hf:" + c.repo_id not in acc.ids:
            acc.ids.append("hf:" + c.repo_id)
        if f is Field.TITLE and c.source == "title":
            acc.from_title = True
            title_keys.add(key)
    return title_keys


def _mention(a: TokArrays, f: Field, c: Cand) -> Mention:
    """The mention of a candidate, with its extended span ("English Penn Treebank (PTB)") when
    that reaches beyond the name."""
    lo = c.ext_start if 0 <= c.ext_start < c.start else c.start
    hi = max(c.ext_end, c.end)
    start_char, end_char = a.char_span(c.start, c.end)
    ext_lo, ext_hi = a.char_span(lo, hi)
    ext = a.string[ext_lo:ext_hi] if (hi > c.end or lo < c.start) else ""
    return Mention(
        f, start_char, end_char, a.string[start_char:end_char], a.sentence_text(c.start)[2], c.confidence, ext
    )


def _add_title_names(accs: dict[str, _Acc], title_keys: set[str], aa: TokArrays) -> None:
    """A paper's own names (from its title) are names wherever they appear in its abstract
    (``aa``), even in shapes the candidate rules skip ("4M" in "4M: Massively Multimodal …")."""
    norms = aa.key
    for key in title_keys:
        acc = accs[key]
        for i in positions(norms, key):
            start, word = aa.idx[i], aa.text[i]
            if not any(m.field is Field.ABSTRACT and m.start == start for m in acc.mentions):
                acc.mentions.append(
                    Mention(Field.ABSTRACT, start, start + len(word), word, aa.sentence_text(i)[2], 0.85)
                )


def _name_parts(accs: dict[str, _Acc], order: list[str], lex: Lexicon) -> dict[str, str]:
    """The parts of a paper's hyphenated names that are names of their own ("4M" of "4M-21",
    "STAN" of "Mug-STAN"), by key."""
    parts: dict[str, str] = {}
    for key in order:
        pieces = [x for x in accs[key].name.split("-") if len(x) >= 2]
        if len(pieces) > 1:
            for x in pieces:
                # A size is a family name only in front ("4M" of "4M-21"), not as a suffix ("-1M").
                if (is_nameish(x) or (SIZE.match(x) and x == pieces[0])) and not lex.is_generic(x):
                    parts.setdefault(name_key(x), x)
    return parts


def _add_parts(
    accs: dict[str, _Acc], order: list[str], fields: Iterable[tuple[Field, DocState]], parts: dict[str, str]
) -> None:
    """Add the mentions of name parts standing alone to ``accs`` (new names to ``order``)."""
    wanted = set(parts.values())
    for f, state in fields:
        a = state.tokens
        texts = a.text
        if wanted.isdisjoint(texts):
            continue
        for i in [i for i, text in enumerate(texts) if text in wanted]:
            text, start = texts[i], a.idx[i]
            k = name_key(text)
            if k in parts and text == parts[k]:
                acc = accs.get(k)
                if acc is None:
                    acc = accs[k] = _Acc(name=text, sources={"part"})
                    order.append(k)
                if not any(m.field is f and m.start == start for m in acc.mentions):
                    acc.mentions.append(
                        Mention(f, start, start + len(text), text, a.sentence_text(i)[2], 0.7)
                    )


def _add_loose(
    accs: dict[str, _Acc],
    order: list[str],
    fields: Iterable[tuple[Field, DocState]],
    lex: Lexicon,
    lower_words: LowerWords,
) -> set[str]:
    """Add the loose candidates of both fields to ``accs``; their keys."""
    words = lower_words.all()
    added: set[str] = set()
    # The long forms of the paper's acronyms are aliases of them, not names of their own.
    long_forms = [x.lower() for acc in accs.values() for x in acc.aliases]
    for f, state in fields:
        a = state.tokens
        taken = {i for c in state.cands for i in range(c.start, c.end)}
        intro = intro_token_ranges(a, lex) if f is Field.ABSTRACT else []
        for s, e, gen in loose_spans(a, lex, taken, words, f is Field.TITLE):
            text = a.span_text(s, e)
            key = name_key(text)
            if not key or (key in accs and key not in added):
                continue
            if long_forms and any(text.lower() in x for x in long_forms):
                continue
            acc = accs.get(key)
            if acc is None:
                acc = accs[key] = _Acc(name=text, sources={"loose:" + gen})
                order.append(key)
                added.add(key)
            start_char, end_char = a.char_span(s, e)
            if any(m.field is f and m.start == start_char for m in acc.mentions):
                continue
            acc.mentions.append(Mention(f, start_char, end_char, text, a.sentence_text(s)[2], 0.5))
            c = Cand(s, e, text, "loose")
            for ty, st in (
                name_shape_type(text),
                cue_type(a, s, e, lex),
                (context_type(a, s, lex), 1),
            ):
                if ty is not None:
                    acc.votes[ty] = max(acc.votes.get(ty, 0), st)
            if f is Field.TITLE:
                acc.from_title |= s == 0 and e < len(a.text) and a.text[e] == ":"
            elif any(lo <= s < hi and s - lo <= 3 for lo, hi in intro) or appositive_intro(a, c, lex):
                acc.introduced = True
    return added


def assemble(paper: Paper, tdoc: Doc, adoc: Doc, lex: Lexicon) -> PaperExtraction:
    """Fold the candidate spans of a paper's two fields into entities, deciding by the rules."""
    pc = collect(paper, tdoc, adoc, lex)
    return build(pc, RULES.decide(pc))


def build(pc: PaperCandidates, decisions: Sequence[Decision]) -> PaperExtraction:
    """Stage 4: the entities the decisions keep, their trained-on links, and the paper's URLs."""
    paper, adoc = pc.paper, pc.abstract
    entities = []
    for c, d in zip(pc.candidates, decisions, strict=True):
        if not d.keep:
            continue
        entities.append(
            ExtractedEntity(
                name=d.name or c.name,
                type=d.type,
                role=d.role,
                confidence=round(d.confidence, 3),
                mentions=c.mentions,
                aliases=d.aliases if d.aliases is not None else c.aliases,
                type_strength=d.strength,
                ids=c.ids,
            )
        )
    entities = link_trained_on(entities, doc_state(adoc).tokens)
    urls = []
    for f, text in ((Field.TITLE, paper.title), (Field.ABSTRACT, paper.abstract)):
        for u in find_urls(text):
            urls.append(
                ExtractedUrl(
                    u.url, u.kind, Mention(f, u.start, u.end, u.url, _sentence_at(text, u.start), 0.99)
                )
            )
    seen = {u.url.rstrip("/").lower() for u in urls}
    for link in paper.links:
        if link.rstrip("/").lower() not in seen:
            urls.append(ExtractedUrl(link, classify_url(link), None))
    return PaperExtraction(paper, tuple(entities), tuple(urls), EXTRACTOR_NAME, EXTRACTOR_VERSION)


_TRAINED = re.compile(
    r"\b(?:pre-?trained|trained|fine-?tuned|finetuned|train|pretrain)\s+(?:\w+\s+){0,3}?on\b", re.I
)


def _word_start(text: str, k: int) -> int:
    while k > 0 and (text[k - 1].isalnum() or text[k - 1] == "_"):
        k -= 1
    return k


def _trained_matches(text: str) -> list[re.Match[str]]:
    """What ``_TRAINED.finditer(text)`` finds, trying the pattern only at the words holding "train"
    or "tuned" (and the word before a hyphen: "pre-trained"), where every match starts."""
    low = text.lower()
    if len(low) != len(text):  # lower-casing moved the offsets
        return list(_TRAINED.finditer(text))
    starts: set[int] = set()
    for needle in ("train", "tuned"):
        k = low.find(needle)
        while k >= 0:
            w = _word_start(text, k)
            starts.add(w)
            if w >= 2 and text[w - 1] == "-":
                starts.add(_word_start(text, w - 1))
            k = low.find(needle, k + 1)
    out: list[re.Match[str]] = []
    end = 0
    for w in sorted(starts):
        if w < end:
            continue
        m = _TRAINED.match(text, w)
        if m is not None:
            out.append(m)
            end = m.end()
    return out


def _in_abstract(e: ExtractedEntity, lo: int, hi: int) -> bool:
    return any(x.field is Field.ABSTRACT and lo <= x.start < hi for x in e.mentions)


def _last_before(e: ExtractedEntity, pos: int) -> int:
    return max((x.start for x in e.mentions if x.field is Field.ABSTRACT and x.start < pos), default=-1)


def link_trained_on(entities: list[ExtractedEntity], a: TokArrays) -> list[ExtractedEntity]:
    """The model nearest before "trained on" and the datasets right after it, in one sentence of
    the abstract (``a``): the model was trained on them ("LexVLA, trained on the CC-12M
    multi-modal dataset, …")."""
    if not entities:
        return entities
    links: dict[str, list[str]] = {}
    done: set[int] = set()
    for m in _trained_matches(a.string):
        # The first match of each sentence (a match never runs over a sentence's full stop).
        s_char, e_char, _ = a.sentence_text(bisect_right(a.idx, m.start()) - 1)
        if s_char in done:
            continue
        done.add(s_char)
        pivot = m.start()
        after = m.end()
        models = [e for e in entities if e.type is EntityType.MODEL and _in_abstract(e, s_char, pivot)]
        hi = min(e_char, after + 60)  # not the datasets of a later clause
        data = [e for e in entities if e.type is EntityType.DATASET and _in_abstract(e, after, hi)]
        if models and data:
            nearest = max(models, key=lambda e, p=pivot: _last_before(e, p))
            links.setdefault(nearest.name, []).extend(d.name for d in data)
    if not links:
        return entities
    return [
        replace(e, trained_on=tuple(dict.fromkeys(links[e.name]))) if e.name in links else e for e in entities
    ]


class LowerWords:
    """The lower-case words of a paper's two fields (their token views), collected on first use."""

    def __init__(self, *fields: TokArrays) -> None:
        self.fields = fields
        self.words: set[str] | None = None

    def all(self) -> set[str]:
        if self.words is None:
            self.words = set()
            for a in self.fields:
                self.words.update(compress(a.text, a.is_lower))
        return self.words

    def __contains__(self, word: object) -> bool:
        return word in self.all()


def keep(acc: _Acc, lower_words: Container[str], lex: Lexicon, is_part: bool = False) -> bool:
    """Drop weakly supported shape-only names: styled common words ("MultiModal" where the
    paper also writes "multimodal") and bare unknown acronyms with no cue, role or definition."""
    if acc.sources - {"shape"} or acc.from_title or acc.introduced:
        return True
    name = acc.name
    if not re.search(r"\d", name) and name.lower() in lower_words and not name.isupper():
        return False
    if _ALLCAPS_WORD.match(name) and lex.lookup(name) is None:
        return acc.strength() >= 2 or acc.listed or is_part
    return True


def _sentence_at(text: str, pos: int) -> str:
    start = max(text.rfind(". ", 0, pos) + 2, 0) if text.rfind(". ", 0, pos) >= 0 else 0
    end = text.find(". ", pos)
    return text[start : end + 1 if end >= 0 else len(text)]


__all__ = ["EXTRACTOR_NAME", "EXTRACTOR_VERSION", "Extractor", "UrlKind", "assemble"]

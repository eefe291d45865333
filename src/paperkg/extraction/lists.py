"""Coordination lists ("COCO, Flickr30K and NoCaps"): their items, which candidates sit in one,
and the type a cue noun gives every item of a list."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection, Sequence

from paperkg.extraction.lexicon import Lexicon, rule_words
from paperkg.extraction.stages import Cand
from paperkg.extraction.tokens import TokArrays, positions
from paperkg.extraction.type_rules import BEFORE_LINK, cue_of
from paperkg.model import EntityType


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


def coordination_lists(a: TokArrays, near: Collection[int] | None = None) -> list[list[tuple[int, int]]]:
    """Items of comma / "and" lists: "COCO, Flickr30K and NoCaps" -> [(i, j), ...] token ranges.

    With ``near`` (token positions), only the lists in a stretch holding one of them: a list never
    runs over punctuation other than a comma, so the lists between two such marks are found alike
    whether the search starts there or at the doc's start. Without it, every list."""
    return _coordination_lists(a, None if near is None else _stretches(a, near))


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


_LIST_SEPARATORS = rule_words("lists", "separators")
_CONJUNCTIONS = rule_words("lists", "conjunctions")
_BETWEEN_CUE_AND_LIST = rule_words("lists", "between_cue_and_list")


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


def _coordination_lists(
    a: TokArrays, spans: list[tuple[int, int]] | None = None
) -> list[list[tuple[int, int]]]:
    """The lists of :func:`coordination_lists`, tried from each token of ``spans`` (sorted,
    disjoint stretches; the whole doc when None) that may start one."""
    reader = _ListReader(a)
    n = reader.n
    lists: list[list[tuple[int, int]]] = []
    i = 0
    todo = iter(spans if spans is not None else [(0, n)])
    span_end = -1
    while i < n:
        while i >= span_end and span_end < n:
            lo, span_end = next(todo, (n, n))
            i = max(i, lo)
        if i >= n:
            break
        reach = reader.reach(i)
        if reach != i:
            i = reach
            continue
        if reader.item_count(i) < 2:
            i = reader.after_failed_try(i)
            continue
        items = reader.items(i)
        if len(items) >= 3 or items[1][0] - items[0][1] == 1:
            lists.append(items)
            i = items[-1][1]
        else:
            i += 1
    return lists


class _ListReader:
    """The list items of one doc, each read once: tries from neighbouring tokens run into the
    same items (a plain slotted class: one is made per doc and its methods run per token)."""

    __slots__ = ("a", "chunks", "counts", "lower", "n", "punct", "seps", "steps")

    def __init__(self, a: TokArrays) -> None:
        self.a = a
        self.lower, self.punct = a.lower, a.is_punct
        self.n = len(a.lower)
        self.seps = [k for k, w in enumerate(a.lower) if w in _LIST_SEPARATORS]
        self.steps: dict[int, tuple[int, int]] = {}  # by item start: see _list_step
        self.counts: dict[int, int] = {}  # by item start: the items from there to the list's end
        self.chunks: dict[int, tuple[int, int]] = {}  # by item start: its name chunk

    def step(self, j: int) -> tuple[int, int]:
        """:func:`_list_step` at ``j``."""
        found = self.steps.get(j)
        if found is None:
            found = self.steps[j] = _list_step(self.lower, self.punct, j)
        return found

    def reach(self, i: int) -> int:
        """``i`` when a comma or a conjunction is within reach of a first item starting there (a
        list needs one); else the first start after ``i`` that may reach one."""
        seps = self.seps
        k = bisect_left(seps, i)
        next_sep = seps[k] if k < len(seps) else self.n + 10
        return i if next_sep - i < 5 else max(i + 1, next_sep - 4)

    def item_count(self, j: int) -> int:
        """How many items the list starting at ``j`` has."""
        counts, step, n = self.counts, self.step, self.n
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

    def after_failed_try(self, i: int) -> int:
        """Where to try next after a list starting at ``i`` had fewer than two items."""
        k, _ = self.step(i)
        if k > i and (k == self.n or self.punct[k] or self.lower[k] in _CONJUNCTIONS):
            # Every start before this stop ends its first item there too, and fails the same way.
            return k
        return i + 1

    def items(self, i: int) -> list[tuple[int, int]]:
        """The name chunks of the items of the list starting at ``i`` (only for lists that may
        be kept: most tries have one item)."""
        a, n, chunks = self.a, self.n, self.chunks
        raw: list[tuple[int, int]] = []
        j = i
        while j < n:
            k, after = self.step(j)
            if k == j:
                break
            raw.append((j, k))
            if after < 0:
                break
            j = after
        out = [_name_chunk(a, *raw[0], True)]
        for s0, e0 in raw[1:]:
            chunk = chunks.get(s0)
            if chunk is None:
                chunk = chunks[s0] = _name_chunk(a, s0, e0, False)
            out.append(chunk)
        return out


def listed_starts(cands: list[Cand], lists: list[list[tuple[int, int]]]) -> set[int]:
    """Starts of candidates that sit in one of ``lists`` with at least one other candidate."""
    starts = {c.start for c in cands}
    out: set[int] = set()
    for items in lists:
        named = [s for s, _ in items if s in starts]
        if len(named) >= 2:
            out.update(named)
    return out


def list_types(a: TokArrays, lex: Lexicon, lists: list[list[tuple[int, int]]]) -> dict[int, EntityType]:
    """Types for every item of one of ``lists`` that a cue noun governs: "WikiMEL, RichpediaMEL,
    and WikiDiverse datasets", "benchmarks such as MME, MMBench and SEED-Bench"."""
    out: dict[int, EntityType] = {}
    T, L = a.text, a.lower
    for items in lists:
        last_end = items[-1][1]
        ty = cue_of(T[last_end - 1], lex) if items[-1][1] - items[-1][0] >= 2 else None
        if ty is None and last_end < len(T):
            ty = cue_of(T[last_end], lex)
        if ty is None:
            k = items[0][0] - 1
            while k > 0 and (T[k] in BEFORE_LINK or L[k] in _BETWEEN_CUE_AND_LIST) and items[0][0] - k < 4:
                k -= 1
            if k >= 0 and k < items[0][0]:
                ty = cue_of(T[k], lex, (EntityType.BENCHMARK, EntityType.DATASET))
        if ty is not None:
            for s, _e in items:
                out[s] = ty
    return out

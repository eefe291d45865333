"""Features of an entity candidate, as strings: what the rules found, the name's shape, its
words and the words around its mentions. Nothing here names a particular paper or artifact
beyond what the rules' data already holds; the learned weights decide what each feature is worth."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from paperkg.extraction.lexicon import Lexicon
from paperkg.extraction.names import is_nameish
from paperkg.extraction.stages import EntityCandidate, PaperCandidates
from paperkg.extraction.tokens import TokArrays
from paperkg.extraction.type_rules import name_shape_type
from paperkg.model import Field

_SHAPE_RUNS = re.compile(r"(.)\1+")
_UNIT = re.compile(r"^[~+\-±]?\d+(?:[.,]\d+)?\s?[A-Za-z°%$\\]{1,4}$")
_LATEX = re.compile(r"[$\\^_{}]")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True, slots=True)
class PaperText:
    """What the features of a paper's candidates read of the paper, made once per paper."""

    title: TokArrays  # the title's token views
    abstract: TokArrays  # the abstract's
    text: str  # the title and the abstract, a space between them
    lower: str  # that text in lower case
    lower_words: set[str]  # the lower-case words of both fields


@lru_cache(maxsize=100_000)
def shape(text: str) -> str:
    """ "LLaVA-1.5" -> "XxX-d.d": capitals X, lower case x, digits d, runs collapsed."""
    out = []
    for ch in text[:24]:
        if ch.isupper():
            out.append("X")
        elif ch.islower():
            out.append("x")
        elif ch.isdigit():
            out.append("d")
        elif ch.isspace():
            out.append("_")
        else:
            out.append(ch)
    return _SHAPE_RUNS.sub(r"\1", "".join(out))


@lru_cache(maxsize=100_000)
def name_features(name: str) -> tuple[str, ...]:
    """Features of the name alone (the same for every paper it appears in)."""
    words = name.split()
    low = name.lower()
    f = [
        "sh=" + shape(name),
        "nw=" + str(min(len(words), 5)),
        "len=" + str(min(len(name) // 3, 8)),
        "last=" + words[-1].lower() if words else "last=",
        "first=" + words[0].lower() if words else "first=",
        "suf3=" + low[-3:],
        "pre3=" + low[:3],
        "w=" + low,
    ]
    if len(words) > 1:
        f.extend("wd=" + w.lower() for w in words)
        f.extend("wsh=" + shape(w) for w in words)
    if _DIGIT.search(name):
        f.append("digit")
    if _UNIT.match(name):
        f.append("unit")
    if _LATEX.search(name):
        f.append("latex")
    if name.isupper():
        f.append("allcaps")
    if "-" in name:
        f.append("hyphen")
        f.append("hlast=" + low.rsplit("-", 1)[1][:8])
    if is_nameish(words[0] if words else name):
        f.append("nameish")
    t, st = name_shape_type(name)
    if t is not None:
        f.append(f"nametype={t.value}{st}")
    return tuple(f)


def candidate_features(pc: PaperCandidates, c: EntityCandidate, lex: Lexicon, paper: PaperText) -> list[str]:
    """Every feature of one candidate of one paper (``pc``, whose text is ``paper``)."""
    f = list(name_features(c.name))
    low = c.name.lower()
    if (" " in low or "-" in low) and paper.lower.count(low) > paper.text.count(c.name):
        f.append("lowerphrase")
    f.extend("src=" + s for s in c.sources)
    f.append("srcs=" + "+".join(sorted(c.sources)))
    f.append(f"rule={c.rule_type.value}{c.strength}")
    for t, st in c.votes.items():
        f.append(f"vote={t.value}{st}")
    if not c.votes:
        f.append("novote")
    f.append("intro" if c.introduced else "nointro")
    f.append("keep" if c.rule_keep else "drop")
    if c.from_title:
        f.append("titlename")
    if c.listed:
        f.append("listed")
    if c.is_part:
        f.append("part")
    if c.concept:
        f.append("concept")
    if c.aliases:
        f.append("alias")
    entry = lex.lookup(c.name)
    if entry is not None:
        f.append("reg=" + entry.type.value)
    if lex.is_generic(c.name):
        f.append("generic")
    if c.name.lower() in paper.lower_words and not _DIGIT.search(c.name):
        f.append("lowerword")
    f.extend(_nesting(pc, c))
    n = len(c.mentions)
    f.append("nm=" + str(min(n, 4)))
    fields = {m.field for m in c.mentions}
    if Field.TITLE in fields:
        f.append("intitle")
    if Field.ABSTRACT not in fields:
        f.append("titleonly")
    for m in c.mentions[:4]:
        title = m.field is Field.TITLE
        f.extend(_context(paper.title if title else paper.abstract, m.start, m.end, title))
    # Every feature again, conjoined with the kind of candidate: the rules' or a loose one.
    group = next((s for s in c.sources if s.startswith("loose")), "rule")
    f.extend([group + "|" + x for x in f])
    return f


def _context(a: TokArrays, start: int, end: int, title: bool) -> list[str]:
    """The words around a mention from character ``start`` to ``end`` of a field (its token
    views ``a``), and where it stands in its sentence."""
    i = _token_at(a.idx, start)
    j = _token_at(a.idx, end - 1) + 1
    n = len(a.text)
    p = "t" if title else "a"
    f = []
    f.append(p + "p1=" + (a.lower[i - 1] if i > 0 else "<s>"))
    f.append(p + "p2=" + (a.lower[i - 2] if i > 1 else "<s>"))
    f.append(p + "n1=" + (a.lower[j] if j < n else "</s>"))
    f.append(p + "n2=" + (a.lower[j + 1] if j + 1 < n else "</s>"))
    s0, s1 = a.sentence(i)
    if s0 == i:
        f.append(p + "sentstart")
    k = bisect_right(a.sent_starts, i) - 1
    f.append(p + "sent=" + str(min(k, 3)))
    for k in range(max(i - 3, s0), i):
        f.append(p + "b=" + a.lower[k])
    for k in range(j, min(j + 3, s1)):
        f.append(p + "a=" + a.lower[k])
    if j < n and a.text[j][:1].isupper() and not a.is_punct[j]:
        f.append(p + "capnext")
    if i > 0 and a.text[i - 1][:1].isupper() and not a.is_punct[i - 1] and i - 1 != s0:
        f.append(p + "capprev")
    if not title:
        sent = a.lower[s0:s1]
        for w in ("we", "propose", "introduce", "present", "our", "using", "on", "outperforms", "benchmark"):
            if w in sent:
                f.append("s:" + w)
    return f


def _nesting(pc: PaperCandidates, c: EntityCandidate) -> list[str]:
    """Whether the name is a part of another candidate's name, or holds one."""
    low = c.name.lower()
    f = []
    for o in pc.candidates:
        other = o.name.lower()
        if o is c or other == low:
            continue
        if low in other:
            f.append("inside" + ("kept" if o.rule_keep else ""))
        elif other in low:
            f.append("holds" + ("kept" if o.rule_keep else ""))
    return sorted(set(f))


def _token_at(idx: list[int], char: int) -> int:
    k = bisect_right(idx, char) - 1
    return max(k, 0)

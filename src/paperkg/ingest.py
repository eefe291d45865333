"""Which records are one paper, decided over all the inputs before any paper is extracted.

:class:`PaperIndex` takes every record read (:meth:`PaperIndex.add`), keeps it in a temporary
file, and groups records by their identifiers (:func:`paperkg.identity.identity_keys`) with a
union-find; records whose arXiv ids differ are never put in one group. Once every input is read,
:meth:`PaperIndex.papers` places the records known by title only (page text): such a record joins
a paper by its normalized title only when exactly one paper has that title; with none, records of
one title are one paper; with several, it stays a paper of its own and is counted in
:attr:`PaperIndex.ambiguous`. Each group's copies are then merged (:func:`paperkg.merge.merge_papers`)
and the merged papers come out in the order of their first record.

Memory holds the identifiers, a 64-bit hash of each title and where each record lies in the file:
about 200 bytes a paper. For ``build --update`` the existing graph's papers are known by
:meth:`PaperIndex.seed`: a group holding one of them is a *revision* of that paper.
"""

from __future__ import annotations

import hashlib
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from paperkg.identity import arxiv_id, doi, identity_keys
from paperkg.keys import title_key
from paperkg.merge import merge_papers
from paperkg.model import Paper


def title_hash(title: str) -> int:
    """A 64-bit hash of the normalized title (0 for an empty one)."""
    return key_hash(title_key(title))


def key_hash(key: str) -> int:
    """A 64-bit hash of a title key (0 for an empty one)."""
    if not key:
        return 0
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "big") or 1


def keys_of_id(pid: str) -> list[str]:
    """The identity keys of an existing paper known by its id alone (as a graph holds it)."""
    a = arxiv_id(pid)
    if a:
        return [f"arxiv:{a}"]
    if pid.startswith("doi:"):
        d = doi(pid[4:])
        return [f"doi:{d}"] if d else []
    if pid.startswith("t-"):
        return []
    if ":" in pid:
        return [pid]
    return [f"id:{pid}"]


@dataclass
class Placed:
    """A merged paper and what the index knows about it."""

    paper: Paper
    copies: int  # records read of it in these inputs
    existing: str | None = None  # the id of the existing graph's paper it revises, if any


@dataclass
class _Group:
    members: list[int] = field(default_factory=list)  # record numbers
    arxiv: str | None = None
    existing: str | None = None  # existing paper id (``build --update``)


class PaperIndex:
    """The records of one run, grouped into papers (see the module's docstring)."""

    def __init__(self, directory: str | None = None) -> None:
        self._file = tempfile.TemporaryFile(prefix="paperkg-records-", dir=directory)  # noqa: SIM115
        self._spans: list[tuple[int, int]] = []  # where each record lies in the file
        self._parent: list[int] = []
        self._groups: list[_Group] = []
        self._key: dict[str, int] = {}
        self._titles: dict[int, int | list[int]] = {}  # title hash -> group(s) with identifiers
        self._untitled: list[tuple[int, int]] = []  # (record, title hash) of records with no id
        self.kept_apart = 0  # records that share an identifier with a paper of another arXiv id
        self.ambiguous = 0  # records known by title only whose title several papers have

    # ---------------------------------------------------------------- union-find
    def _find(self, g: int) -> int:
        parent = self._parent
        while parent[g] != g:
            parent[g] = parent[parent[g]]
            g = parent[g]
        return g

    def _new_group(self, arxiv: str | None = None, existing: str | None = None) -> int:
        g = len(self._groups)
        self._groups.append(_Group(arxiv=arxiv, existing=existing))
        self._parent.append(g)
        return g

    def _union(self, a: int, b: int) -> int | None:
        """Join the groups of ``a`` and ``b``; None when their arXiv ids or existing papers differ."""
        ra, rb = self._find(a), self._find(b)
        if ra == rb:
            return ra
        ga, gb = self._groups[ra], self._groups[rb]
        if (ga.arxiv and gb.arxiv and ga.arxiv != gb.arxiv) or (
            ga.existing and gb.existing and ga.existing != gb.existing
        ):
            return None
        if len(ga.members) < len(gb.members):
            ra, rb, ga, gb = rb, ra, gb, ga
        self._parent[rb] = ra
        ga.members.extend(gb.members)
        gb.members = []
        ga.arxiv = ga.arxiv or gb.arxiv
        ga.existing = ga.existing or gb.existing
        return ra

    def _place(self, keys: list[str], arxiv: str | None, existing: str | None = None) -> int:
        g = self._new_group(arxiv, existing)
        for k in keys:
            other = self._key.get(k)
            if other is None:
                self._key[k] = g
                continue
            joined = self._union(g, other)
            if joined is None:
                self.kept_apart += 1
            else:
                g = joined
        return self._find(g)

    def _note_title(self, g: int, h: int) -> None:
        if not h:
            return
        cur = self._titles.get(h)
        if cur is None:
            self._titles[h] = g
        elif isinstance(cur, int):
            if cur != g:
                self._titles[h] = [cur, g]
        elif g not in cur:
            cur.append(g)

    # ---------------------------------------------------------------- adding
    def seed(self, pid: str, tkey: str, keys: Iterable[str] = ()) -> None:
        """Know a paper of the existing graph (``build --update``) by its id, its title key
        (:func:`paperkg.keys.title_key`) and any other identity keys."""
        ks = list(dict.fromkeys([*keys_of_id(pid), *keys]))
        if not ks:
            ks = [f"paper:{pid}"]  # known by its title: found through the title below
        g = self._place(ks, arxiv_id(pid), existing=pid)
        self._note_title(g, key_hash(tkey))

    def add(self, paper: Paper) -> None:
        """Take one record read (a reader's paper)."""
        data = pickle.dumps(paper, protocol=pickle.HIGHEST_PROTOCOL)
        at = self._file.seek(0, 2)
        self._file.write(data)
        n = len(self._spans)
        self._spans.append((at, len(data)))
        keys = identity_keys(paper.arxiv_id, paper.doi, paper.ids)
        h = title_hash(paper.title)
        if not keys:
            self._untitled.append((n, h))
            return
        g = self._place(keys, paper.arxiv_id)
        self._groups[g].members.append(n)
        self._note_title(g, h)

    def _record(self, n: int) -> Paper:
        at, length = self._spans[n]
        self._file.seek(at)
        paper: Paper = pickle.loads(self._file.read(length))
        return paper

    # ---------------------------------------------------------------- reading out
    def _place_untitled(self) -> None:
        by_title: dict[int, int] = {}
        for n, h in self._untitled:
            found = self._titles.get(h) if h else None
            roots = (
                set()
                if found is None
                else {self._find(found)}
                if isinstance(found, int)
                else {self._find(g) for g in found}
            )
            if len(roots) == 1:
                g = roots.pop()
            else:
                if len(roots) > 1:
                    self.ambiguous += 1
                g = by_title.get(h, -1) if h else -1
                if g < 0:
                    g = self._new_group()
                    if h:
                        by_title[h] = g
            self._groups[g].members.append(n)
        self._untitled = []

    def papers(self, existing: Callable[[str], Paper | None] | None = None) -> Iterator[Placed]:
        """The merged papers, in the order of their first record. ``existing`` gives an existing
        paper by its id, to merge with its new copies."""
        self._place_untitled()
        roots = [
            (min(g.members), i) for i, g in enumerate(self._groups) if g.members and self._parent[i] == i
        ]
        roots.sort()
        for _first, i in roots:
            g = self._groups[i]
            copies = [self._record(n) for n in sorted(g.members)]
            if g.existing is not None and existing is not None:
                old = existing(g.existing)
                if old is not None:
                    copies.append(old)
            yield Placed(merge_papers(copies), len(g.members), g.existing)

    def close(self) -> None:
        self._file.close()

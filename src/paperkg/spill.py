"""Extractions kept on disk between the two passes of a build.

The corpus-level typing needs every paper's entities before any paper can go into the graph, so
a build reads the corpus twice: once to extract and collect the votes of the resolver, once to
retype and add to the graph. Holding a million extractions in memory between the passes takes
about 10 GB; an :class:`ExtractionLog` holds them in an unnamed temporary file instead (pickled in
batches; the file is gone when the log is closed or the process ends) and keeps only where each
batch lies. It can be read any number of times, and :meth:`ExtractionLog.mapped` gives a view
that applies a function to each extraction as it is read.

A :class:`TextSpool` does the same for the long texts of a graph (papers' abstracts): the graph
holds a small :class:`Spooled` handle, and the text is read back when a record is written.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from paperkg.collector import gc_paused
from paperkg.model import PaperExtraction

BATCH = 512


def pack(extractions: list[PaperExtraction]) -> bytes:
    """The bytes of one batch, as :meth:`ExtractionLog.append_packed` takes them (a worker process
    packs its own results, so they cross the process boundary once, as bytes)."""
    return pickle.dumps(extractions, protocol=pickle.HIGHEST_PROTOCOL)


def unpack(data: bytes) -> list[PaperExtraction]:
    with gc_paused():  # thousands of new objects a batch, none in a cycle
        batch: list[PaperExtraction] = pickle.loads(data)
    return batch


class _Spill:
    """An unnamed temporary file written at its end and read anywhere (pwrite / pread, so a forked
    copy of the process reads it too); open until :meth:`close` or the process ends."""

    def __init__(self, prefix: str, directory: str | None) -> None:
        self._file = tempfile.TemporaryFile(prefix=prefix, dir=directory)  # noqa: SIM115
        self._fd = self._file.fileno()
        self._end = 0

    @property
    def bytes_on_disk(self) -> int:
        """The size of the file: what has been written out so far."""
        return os.fstat(self._fd).st_size

    def _append(self, data: bytes) -> int:
        """Write ``data`` at the end; returns its offset."""
        at, view, pos = self._end, memoryview(data), 0
        while pos < len(data):
            pos += os.pwrite(self._fd, view[pos:], at + pos)
        self._end += len(data)
        return at

    def _read(self, offset: int, length: int) -> bytes:
        data = os.pread(self._fd, length, offset)
        while len(data) < length:  # a short read: go on where it stopped
            more = os.pread(self._fd, length - len(data), offset + len(data))
            if not more:
                raise OSError(0, "a paperkg spill file is shorter than what was written to it")
            data += more
        return data

    def close(self) -> None:
        self._file.close()


class ExtractionLog(_Spill):
    """An append-only sequence of extractions in a temporary file, readable many times."""

    def __init__(self, directory: str | None = None, batch: int = BATCH) -> None:
        super().__init__("paperkg-extractions-", directory)
        self._spans: list[tuple[int, int, int]] = []  # (offset, length, count) per batch
        self._pending: list[PaperExtraction] = []
        self._count = 0
        self._batch = batch

    def __len__(self) -> int:
        return self._count

    @property
    def buffered(self) -> int:
        """Extractions appended but not yet written to the file."""
        return len(self._pending)

    def append(self, ext: PaperExtraction) -> None:
        self._pending.append(ext)
        self._count += 1
        if len(self._pending) >= self._batch:
            self._flush()

    def extend(self, extractions: Iterable[PaperExtraction]) -> None:
        for ext in extractions:
            self.append(ext)

    def append_packed(self, data: bytes, count: int) -> None:
        """Add a batch already packed by :func:`pack` (``count`` extractions)."""
        self._flush()
        self._write(data, count)
        self._count += count

    def _flush(self) -> None:
        if self._pending:
            self._write(pack(self._pending), len(self._pending))
            self._pending = []

    def _write(self, data: bytes, count: int) -> None:
        self._spans.append((self._append(data), len(data), count))

    def __iter__(self) -> Iterator[PaperExtraction]:
        self._flush()
        for offset, length, _ in list(self._spans):
            yield from unpack(self._read(offset, length))

    def mapped(self, fn: Callable[[PaperExtraction], PaperExtraction]) -> MappedLog:
        return MappedLog(self, fn)

    def __enter__(self) -> ExtractionLog:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class MappedLog:
    """The extractions of a log with a function applied as each is read (e.g. the corpus typing)."""

    def __init__(self, log: ExtractionLog, fn: Callable[[PaperExtraction], PaperExtraction]) -> None:
        self.log = log
        self.fn = fn

    def __len__(self) -> int:
        return len(self.log)

    def __iter__(self) -> Iterator[PaperExtraction]:
        return map(self.fn, self.log)

    def close(self) -> None:
        self.log.close()


# Offsets and lengths of spooled texts share one int: the length in the low bits.
_LENGTH_BITS = 32


class TextSpool(_Spill):
    """Texts in a temporary file, each behind a :class:`Spooled` handle (about 90 bytes in memory
    instead of the text's own size). Writes are gathered in a buffer of ``buffer`` bytes."""

    def __init__(self, directory: str | None = None, buffer: int = 1 << 20) -> None:
        super().__init__("paperkg-texts-", directory)
        self._pending: list[bytes] = []
        self._pending_size = 0
        self._buffer = buffer

    @property
    def buffered(self) -> int:
        """Bytes of texts put but not yet written to the file."""
        return self._pending_size

    def put(self, text: str) -> Spooled:
        data = text.encode()
        at = self._end + self._pending_size
        self._pending.append(data)
        self._pending_size += len(data)
        if self._pending_size >= self._buffer:
            self.flush()
        return Spooled(self, at << _LENGTH_BITS | len(data))

    def flush(self) -> None:
        """Write out the buffer (before a fork, so that the copy only ever reads the file)."""
        if self._pending:
            self._append(b"".join(self._pending))
            self._pending, self._pending_size = [], 0

    def text(self, ref: int) -> str:
        offset, length = ref >> _LENGTH_BITS, ref & ((1 << _LENGTH_BITS) - 1)
        if offset + length > self._end:
            self.flush()
        return self._read(offset, length).decode()


class Spooled:
    """A text kept in a :class:`TextSpool`; ``str()`` reads it back."""

    __slots__ = ("ref", "spool")

    def __init__(self, spool: TextSpool, ref: int) -> None:
        self.spool = spool
        self.ref = ref

    def __str__(self) -> str:
        return self.spool.text(self.ref)

    def __repr__(self) -> str:
        return f"Spooled({str(self)!r})"

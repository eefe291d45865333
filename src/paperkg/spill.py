"""Extractions kept on disk between the two passes of a build.

The corpus-level typing needs every paper's entities before any paper can go into the graph, so
a build reads the corpus twice: once to extract and collect the votes of the resolver, once to
retype and add to the graph. Holding a million extractions in memory between the passes takes
about 10 GB; an :class:`ExtractionLog` holds them in an unnamed temporary file instead (pickled in
batches; the file is gone when the log is closed or the process ends) and keeps only where each
batch lies. It can be read any number of times, and :meth:`ExtractionLog.mapped` gives a view
that applies a function to each extraction as it is read.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from paperkg.model import PaperExtraction

BATCH = 512


def pack(extractions: list[PaperExtraction]) -> bytes:
    """The bytes of one batch, as :meth:`ExtractionLog.append_packed` takes them (a worker process
    packs its own results, so they cross the process boundary once, as bytes)."""
    return pickle.dumps(extractions, protocol=pickle.HIGHEST_PROTOCOL)


def unpack(data: bytes) -> list[PaperExtraction]:
    batch: list[PaperExtraction] = pickle.loads(data)
    return batch


class ExtractionLog:
    """An append-only sequence of extractions in a temporary file, readable many times."""

    def __init__(self, directory: str | None = None, batch: int = BATCH) -> None:
        # open for the life of the log, closed by close(); unnamed, so never left behind
        self._file = tempfile.TemporaryFile(prefix="paperkg-extractions-", dir=directory)  # noqa: SIM115
        self._fd = self._file.fileno()
        self._spans: list[tuple[int, int, int]] = []  # (offset, length, count) per batch
        self._pending: list[PaperExtraction] = []
        self._end = 0
        self._count = 0
        self._batch = batch

    def __len__(self) -> int:
        return self._count

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
        view, pos = memoryview(data), 0
        while pos < len(data):
            pos += os.pwrite(self._fd, view[pos:], self._end + pos)
        self._spans.append((self._end, len(data), count))
        self._end += len(data)

    def _read(self, offset: int, length: int) -> list[PaperExtraction]:
        data = os.pread(self._fd, length, offset)
        while len(data) < length:  # a short read: go on where it stopped
            more = os.pread(self._fd, length - len(data), offset + len(data))
            if not more:
                raise OSError(0, "the extraction spill file is shorter than what was written to it")
            data += more
        return unpack(data)

    def __iter__(self) -> Iterator[PaperExtraction]:
        self._flush()
        for offset, length, _ in list(self._spans):
            yield from self._read(offset, length)

    def mapped(self, fn: Callable[[PaperExtraction], PaperExtraction]) -> MappedLog:
        return MappedLog(self, fn)

    def close(self) -> None:
        self._file.close()

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

"""Small file helpers shared by the writers."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


def remove_quietly(path: Path) -> None:
    """Remove a temporary file if it is there; never raises (it runs while another error is handled)."""
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


@contextmanager
def atomic_file(path: Path, mode: str = "wb") -> Iterator[IO[Any]]:
    """A file written under a temporary name beside ``path`` and renamed over it at the end of the
    block; removed if the block fails. An OSError names ``path``."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with open(tmp, mode, encoding=None if "b" in mode else "utf-8") as f:
            yield f
        os.replace(tmp, path)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    finally:
        remove_quietly(tmp)

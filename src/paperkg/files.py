"""Small file helpers shared by the writers."""

from __future__ import annotations

import contextlib
from pathlib import Path


def remove_quietly(path: Path) -> None:
    """Remove a temporary file if it is there; never raises (it runs while another error is handled)."""
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)

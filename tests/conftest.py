"""Shared fixtures. Tests that use ../shared run whenever it is present (as in CI)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLES = ROOT / "examples"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def need_shared() -> Path:
    """The ../shared folder; skips outside CI when it is absent, fails in CI."""
    if not (SHARED / "samples").is_dir():
        if IN_CI:
            pytest.fail("../shared is missing in CI")
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture(scope="session")
def shared() -> Path:
    return need_shared()


@pytest.fixture(scope="session")
def extractor():
    from paperkg.extraction import Extractor

    return Extractor()

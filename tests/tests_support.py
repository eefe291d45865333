"""Helpers shared by test modules (tests/ is on sys.path under pytest's rootdir)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ABSTRACT = (
    "We describe a system in enough detail that others can reproduce it, report results on public data, "
    "and discuss the limits we found while building it over the course of a year of experiments."
)


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path

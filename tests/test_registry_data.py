"""Sanity checks for the curated artifact registry shipped as package data."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "src" / "paperkg" / "extraction" / "data"
REGISTRY = DATA / "registry.jsonl"
GENERIC = DATA / "generic_terms.txt"
CUES = DATA / "cue_words.json"

TYPES = {"model", "dataset", "benchmark"}
REQUIRED = {"name": str, "type": str, "aliases": list}
OPTIONAL = {"homepage": str, "case_sensitive": bool, "variant_of": str}


def norm(text: str) -> str:
    """NFKC, lower case, drop non-alphanumerics.

    A literal "+" is spelled "plus" first: otherwise RefCOCO/RefCOCO+, HumanEval/HumanEval+,
    MBPP/MBPP+, PointNet/PointNet++ ... would collapse into one key.
    """
    text = unicodedata.normalize("NFKC", text).lower().replace("+", "plus")
    return re.sub(r"[\W_]+", "", text)


def load_entries() -> list[tuple[int, dict]]:
    entries = []
    with REGISTRY.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            assert line.strip(), f"registry.jsonl:{lineno}: blank line"
            try:
                entries.append((lineno, json.loads(line)))
            except json.JSONDecodeError as exc:  # pragma: no cover - reported by assert
                pytest.fail(f"registry.jsonl:{lineno}: invalid JSON: {exc}")
    return entries


ENTRIES = load_entries()


def load_generic() -> set[str]:
    return {ln.strip() for ln in GENERIC.read_text(encoding="utf-8").splitlines() if ln.strip()}


def test_schema():
    problems = []
    for lineno, e in ENTRIES:
        if not isinstance(e, dict):
            problems.append(f"{lineno}: not an object")
            continue
        for key, typ in REQUIRED.items():
            if not isinstance(e.get(key), typ):
                problems.append(f"{lineno}: {key!r} missing or not {typ.__name__}")
        for key, typ in OPTIONAL.items():
            if key in e and not isinstance(e[key], typ):
                problems.append(f"{lineno}: {key!r} is not {typ.__name__}")
        extra = set(e) - set(REQUIRED) - set(OPTIONAL)
        if extra:
            problems.append(f"{lineno}: unknown keys {sorted(extra)}")
        if e.get("type") not in TYPES:
            problems.append(f"{lineno}: bad type {e.get('type')!r}")
        name = e.get("name")
        if isinstance(name, str) and (not name.strip() or name != name.strip() or not norm(name)):
            problems.append(f"{lineno}: bad name {name!r}")
        for alias in e.get("aliases") or []:
            if not isinstance(alias, str) or not alias.strip() or alias != alias.strip() or not norm(alias):
                problems.append(f"{lineno}: bad alias {alias!r}")
        if "case_sensitive" in e and e["case_sensitive"] is not True:
            problems.append(f"{lineno}: case_sensitive should be omitted or true")
    assert not problems, "\n".join(problems)


def test_enough_entries():
    assert len(ENTRIES) >= 600


def test_names_unique_per_type():
    seen: dict[tuple[str, str], list[str]] = defaultdict(list)
    for lineno, e in ENTRIES:
        seen[(e["type"], norm(e["name"]))].append(f"{e['name']!r} (line {lineno})")
    dups = {k: v for k, v in seen.items() if len(v) > 1}
    assert not dups, "duplicate names after normalization:\n" + "\n".join(
        f"{t}/{k}: {', '.join(v)}" for (t, k), v in sorted(dups.items())
    )


def test_surface_forms_unambiguous():
    """Every name/alias key belongs to one entry, across all types.

    The lexicon keeps the first entry per key, so a clash would make the later entry unreachable
    (e.g. a case-sensitive "STaR" model would shadow the "STAR" benchmark).
    """
    owners: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for _, e in ENTRIES:
        for form in [e["name"], *e["aliases"]]:
            owners[norm(form)].add((e["type"], e["name"]))
    clashes = {k: v for k, v in owners.items() if len(v) > 1}
    assert not clashes, "ambiguous names/aliases:\n" + "\n".join(
        f"{k}: {sorted(v)}" for k, v in clashes.items()
    )


def test_no_alias_is_generic():
    """No form is a generic term, nor its plural (the lexicon treats "<generic>s" as generic too)."""
    generic = {norm(t) for t in load_generic()}
    bad = [
        f"{e['name']!r}: {form!r}"
        for _, e in ENTRIES
        for form in [e["name"], *e["aliases"]]
        if (key := norm(form)) in generic or (key.endswith("s") and key[:-1] in generic)
    ]
    assert not bad, "registry forms listed as generic terms:\n" + "\n".join(bad)


def test_homepages_are_https():
    bad = [
        f"{lineno}: {e['homepage']!r}"
        for lineno, e in ENTRIES
        if "homepage" in e and not re.fullmatch(r"https://[^\s/]+\.[^\s/]+(/\S*)?", e["homepage"])
    ]
    assert not bad, "\n".join(bad)


def test_variant_of_points_to_entry():
    names = {e["name"] for _, e in ENTRIES}
    bad = [
        f"{e['name']!r} -> {e['variant_of']!r}"
        for _, e in ENTRIES
        if e.get("variant_of", e["name"]) not in names
    ]
    assert not bad, "\n".join(bad)


def test_generic_terms_file():
    lines = GENERIC.read_text(encoding="utf-8").splitlines()
    terms = [ln for ln in lines if ln.strip()]
    assert len(terms) >= 300
    assert all(t == t.strip().lower() for t in terms), "generic terms must be lower-cased and stripped"
    assert len(terms) == len(set(terms)), "duplicate generic terms"


def test_cue_words_file():
    cues = json.loads(CUES.read_text(encoding="utf-8"))
    assert set(cues) == TYPES
    for kind, words in cues.items():
        assert words and all(isinstance(w, str) and w.strip() for w in words), kind

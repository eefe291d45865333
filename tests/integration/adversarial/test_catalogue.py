"""Every hostile input of catalogue.json through the real CLI (``extract`` and ``build``).

Each case checks the exit code, the one-line error (the last stderr line starts with ``Error: ``,
never a traceback), the summary counts (``records read = papers + duplicates + rejected``), that no
temporary file is left in the output directory, and, for the titles it lists, that they come out
verbatim in extraction.jsonl, graph.json and graph.ttl (parsed with rdflib), and that graph.html
holds no live ``<script>alert``.
"""

from __future__ import annotations

import gzip
import json
import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from paperkg.cli import main

HERE = Path(__file__).parent
INPUTS = HERE / "inputs"
CATALOGUE = json.loads((HERE / "catalogue.json").read_text(encoding="utf-8"))["cases"]

ABSTRACT = (
    "We present a model that does several things well on many benchmarks and datasets, and we "
    "describe in detail how it was trained and evaluated on public data in a reproducible way."
)


def _rec(**kw: Any) -> str:
    return json.dumps(kw) + "\n"


def _rand(n: int, seed: int = 0) -> bytes:
    return random.Random(seed).randbytes(n)


# ---------------------------------------------------------------- generated inputs (binary / large)
def _png(d: Path) -> Path:
    p = d / "image.png"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + _rand(2000))
    return p


def _random_bytes(d: Path) -> Path:
    p = d / "random.txt"
    p.write_bytes(_rand(4096, 1))
    return p


def _gzip_truncated(d: Path) -> Path:
    data = "".join(_rec(id=f"g{i}", title=f"Gzip Paper {i}", abstract=ABSTRACT) for i in range(400))
    blob = gzip.compress(data.encode())
    p = d / "truncated.jsonl.gz"
    p.write_bytes(blob[: len(blob) // 2])
    return p


def _gzip_corrupt(d: Path) -> Path:
    p = d / "corrupt.jsonl.gz"
    p.write_bytes(b"\x1f\x8b\x08\x00" + b"garbage-not-deflate" * 20)
    return p


def _gzip_of_garbage(d: Path) -> Path:
    p = d / "garbage.txt.gz"
    p.write_bytes(gzip.compress(_rand(4096, 2)))
    return p


def _directory(d: Path) -> Path:
    p = d / "a_directory.jsonl"
    p.mkdir()
    return p


def _missing(d: Path) -> Path:
    return d / "does_not_exist.jsonl"


def _utf16(d: Path) -> Path:
    p = d / "utf16.jsonl"
    p.write_bytes(_rec(id="u1", title="UTF-16 Paper", abstract=ABSTRACT).encode("utf-16"))
    return p


def _bom_json(d: Path) -> Path:
    p = d / "bom.json"
    p.write_bytes(
        b"\xef\xbb\xbf" + json.dumps([{"id": "b", "title": "BOM Array", "abstract": ABSTRACT}]).encode()
    )
    return p


def _huge_title(d: Path) -> Path:
    p = d / "huge_title.jsonl"
    p.write_text(_rec(id="h1", title="T" * 5000, abstract=ABSTRACT))
    return p


def _ten_mb_jsonl(d: Path) -> Path:
    p = d / "ten_mb.jsonl"
    with p.open("w") as f:
        f.write(_rec(id="big", title="Too Long", abstract="word " * 2_000_000))
        f.write(_rec(id="ok", title="After The Long Line", abstract=ABSTRACT))
    return p


def _ten_mb_page(d: Path) -> Path:
    p = d / "ten_mb_page.txt"
    with p.open("w") as f:
        f.write("Long Paper Title\n\n" + "word " * 2_000_000 + "\n\nShort Paper After\n\n" + ABSTRACT + "\n")
    return p


def _bad_utf8_page(d: Path) -> Path:
    p = d / "bad_utf8_page.txt"
    a = ABSTRACT.encode()
    p.write_bytes(
        b"Good One\n\n" + a + b"\n\nBad \xff\xfe title\n\n" + a + b"\n\nGood Two\n\n" + a + b" Two.\n"
    )
    return p


def _bad_utf8_jsonl(d: Path) -> Path:
    p = d / "bad_utf8.jsonl"
    p.write_bytes(
        b'{"id": "x", "title": "Caf\xe9", "abstract": "x"}\n'
        + _rec(id="y", title="Valid", abstract=ABSTRACT).encode()
    )
    return p


def _deep_json_array(d: Path) -> Path:
    p = d / "deep.json"
    good = json.dumps({"id": "s", "title": "Shallow", "abstract": ABSTRACT})
    p.write_text("[" + good + ", " + "[" * 10_000 + "]" * 10_000 + "]")
    return p


def _deep_json_only(d: Path) -> Path:
    p = d / "deep_only.json"
    p.write_text("[" * 10_000 + "]" * 10_000)
    return p


def _deep_unclosed(d: Path) -> Path:
    p = d / "deep_unclosed.json"
    p.write_text("[" * 10_000)
    return p


def _deep_jsonl(d: Path) -> Path:
    p = d / "deep.jsonl"
    nested: Any = {"title": "Too Deep", "abstract": ABSTRACT}
    for _ in range(100):
        nested = {"x": nested, "title": "Deep", "abstract": ABSTRACT}
    p.write_text(
        "[" * 10_000
        + "]" * 10_000
        + "\n"
        + '{"a": ' * 10_000
        + "1"
        + "}" * 10_000
        + "\n"
        + json.dumps(nested)
        + "\n"
        + _rec(id="s", title="Shallow", abstract=ABSTRACT)
    )
    return p


def _big_int(d: Path) -> Path:
    p = d / "big_int.jsonl"
    p.write_text(
        '{"id": 1' + "0" * 5000 + ', "title": "Huge"}\n' + _rec(id="n", title="Normal", abstract=ABSTRACT)
    )
    return p


GENERATORS: dict[str, Callable[[Path], Path]] = {
    "png": _png,
    "random_bytes": _random_bytes,
    "gzip_truncated": _gzip_truncated,
    "gzip_corrupt": _gzip_corrupt,
    "gzip_of_garbage": _gzip_of_garbage,
    "directory": _directory,
    "missing": _missing,
    "utf16": _utf16,
    "bom_json": _bom_json,
    "huge_title": _huge_title,
    "ten_mb_jsonl": _ten_mb_jsonl,
    "ten_mb_page": _ten_mb_page,
    "bad_utf8_page": _bad_utf8_page,
    "bad_utf8_jsonl": _bad_utf8_jsonl,
    "deep_json_array": _deep_json_array,
    "deep_json_only": _deep_json_only,
    "deep_unclosed": _deep_unclosed,
    "deep_jsonl": _deep_jsonl,
    "big_int": _big_int,
}

#: Titles too long to spell out in catalogue.json.
SPECIAL_TITLES = {"LONGTITLE": "T" * 1000}


# ---------------------------------------------------------------- helpers
@pytest.fixture(scope="module")
def runner(extractor: Any) -> CliRunner:
    return CliRunner()


@pytest.fixture(autouse=True)
def _shared_extractor(monkeypatch: pytest.MonkeyPatch, extractor: Any) -> None:
    """Build the spaCy pipeline once for the whole module instead of once per command."""
    monkeypatch.setattr("paperkg.cli_options.extractor_for", lambda registry: extractor)


def _input(case: dict[str, Any], tmp: Path) -> Path:
    if "file" in case:
        return INPUTS / case["file"]
    return GENERATORS[case["generate"]](tmp)


def assert_clean_exit(res: Result, expect: dict[str, Any]) -> None:
    """The exit code, and on failure exactly one 'Error: ' line and no traceback."""
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert "Traceback" not in res.stderr and "Traceback" not in res.stdout
    assert res.exit_code == expect["exit"], res.stderr[-2000:]
    lines = res.stderr.strip().splitlines()
    if expect["exit"] == 0:
        assert not any(line.startswith("Error:") for line in lines)
        return
    assert lines and lines[-1].startswith("Error: "), res.stderr[-2000:]
    assert sum(line.startswith("Error:") for line in lines) == 1
    assert expect["error"] in lines[-1]


def no_tmp_files(d: Path) -> list[str]:
    return sorted(p.name for p in d.rglob("*") if p.name.endswith(".tmp")) if d.exists() else []


def turtle_literals(path: Path) -> set[str]:
    import rdflib

    g = rdflib.Graph()
    g.parse(path, format="turtle")
    return {str(o) for o in g.objects() if isinstance(o, rdflib.Literal)}


# ---------------------------------------------------------------- the catalogue
@pytest.mark.parametrize("case", CATALOGUE, ids=[c["name"] for c in CATALOGUE])
def test_catalogue(case: dict[str, Any], tmp_path: Path, runner: CliRunner) -> None:
    expect = case["expect"]
    src = _input(case, tmp_path)
    titles = [SPECIAL_TITLES.get(t, t) for t in expect.get("titles", [])]

    # extract
    out_jsonl = tmp_path / "extract" / "out.jsonl"
    out_jsonl.parent.mkdir()
    res = runner.invoke(main, ["extract", str(src), "-o", str(out_jsonl)])
    assert_clean_exit(res, expect)
    for s in expect.get("stderr", []):
        assert s in res.stderr, (s, res.stderr[-2000:])
    assert no_tmp_files(out_jsonl.parent) == []
    if expect["exit"] == 0:
        m = re.search(
            r"(\d+) papers extracted \((\d+) records read, (\d+) duplicates merged, (\d+) rejected\)",
            res.stderr,
        )
        assert m, res.stderr
        papers, read, dups, rejected = map(int, m.groups())
        assert read == papers + dups + rejected
        got = [json.loads(line) for line in out_jsonl.read_text(encoding="utf-8").splitlines()]
        assert len(got) == papers
        extracted_titles = {x["title"] for x in got}
        for t in titles:
            assert t in extracted_titles

    # build
    out = tmp_path / "build"
    args = ["build", str(src), "--out", str(out), "--json"]
    if not expect.get("html"):
        args.append("--no-html")
    res = runner.invoke(main, args)
    assert_clean_exit(res, expect)
    assert no_tmp_files(out) == []
    if not res.stdout.strip():
        assert expect["exit"] == 1 and "papers" not in expect
        return
    summary = json.loads(res.stdout)
    assert summary["reconciles"] is True
    assert summary["records_read"] == (
        summary["papers"] + summary["duplicates_merged"] + summary["records_rejected"]
    )
    for key, field in (("papers", "papers"), ("read", "records_read"), ("rejected", "records_rejected")):
        if key in expect:
            assert summary[field] == expect[key], (key, summary)
    if "duplicates" in expect:
        assert summary["duplicates_merged"] == expect["duplicates"]
    if "min_papers" in expect:
        assert summary["papers"] >= expect["min_papers"]
    for s in expect.get("stderr", []):
        assert s in res.stderr, (s, res.stderr[-2000:])

    extraction = [json.loads(x) for x in (out / "extraction.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(extraction) == summary["papers"]
    graph = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    paper_titles = {n["title"] for n in graph["nodes"] if n["kind"] == "paper"}
    assert len(paper_titles) <= summary["papers"]
    literals = turtle_literals(out / "graph.ttl")
    for t in titles:
        assert t in {x["title"] for x in extraction}, t
        assert t in paper_titles, t
        assert t in literals, t
    if expect.get("html"):
        page = (out / "graph.html").read_text(encoding="utf-8")
        assert "<script>alert" not in page.lower()
        assert "<img src=x" not in page.lower()
        assert "</script><script>" not in page.lower()

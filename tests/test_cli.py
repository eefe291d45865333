"""The CLI contract, through click's CliRunner: outputs, summaries, errors and exit codes."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from paperkg.cli import main
from tests_support import ABSTRACT, write_jsonl

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    """The error output is one line, starts with 'Error:' and has no traceback."""
    err = result.stderr.strip().splitlines()
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    assert err and err[-1].startswith("Error: ")
    return err[-1]


def test_extract_jsonl_contract(runner: CliRunner, tmp_path: Path) -> None:
    src = write_jsonl(
        tmp_path / "in.jsonl",
        [
            {
                "id": "2401.00001",
                "title": "GlowNet: A Benchmark for Glow",
                "abstract": ABSTRACT + " Code: https://github.com/a/glownet.",
            }
        ],
    )
    out = tmp_path / "out.jsonl"
    r = runner.invoke(main, ["extract", str(src), "-o", str(out)])
    assert r.exit_code == 0, r.output
    (rec,) = [json.loads(x) for x in out.read_text().splitlines()]
    assert rec["id"] == "2401.00001" and rec["title"].startswith("GlowNet")
    names = {e["name"]: e for e in rec["entities"]}
    assert names["GlowNet"]["role"] == "introduced" and names["GlowNet"]["type"] == "benchmark"
    for e in rec["entities"]:
        assert e["type"] in ("model", "dataset", "benchmark") and e["role"] in ("introduced", "used")
        assert 0 <= e["confidence"] <= 1
        for m in e["mentions"]:
            assert m["field"] in ("title", "abstract") and m["end"] > m["start"]
    assert rec["urls"] == [{"url": "https://github.com/a/glownet", "kind": "code"}]


def test_build_writes_four_files_and_reconciles(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = runner.invoke(main, ["build", *map(str, sorted(EXAMPLES.iterdir())), "--out", str(out), "--json"])
    assert r.exit_code == 0, r.output
    for name in ("graph.json", "graph.ttl", "graph.html", "extraction.jsonl"):
        assert (out / name).stat().st_size > 0
    summary = json.loads(r.stdout)
    assert summary["reconciles"]
    assert (
        summary["records_read"]
        == summary["papers"] + summary["duplicates_merged"] + summary["records_rejected"]
    )
    graph = json.loads((out / "graph.json").read_text())
    for n in graph["nodes"]:
        assert n["id"] and n["kind"] and (n.get("name") or n.get("title"))
    kinds = {n["kind"] for n in graph["nodes"]}
    assert {"paper", "model", "dataset", "benchmark", "repository", "website"} <= kinds
    # stats gives the same counts for the written graph
    r2 = runner.invoke(main, ["stats", str(out / "graph.json"), "--json"])
    assert r2.exit_code == 0
    assert json.loads(r2.stdout)["nodes"] == summary["nodes"]


def test_build_text_summary(runner: CliRunner, tmp_path: Path) -> None:
    r = runner.invoke(
        main, ["build", str(EXAMPLES / "daily_papers_2025-03-03.txt"), "--out", str(tmp_path), "--no-html"]
    )
    assert r.exit_code == 0, r.output
    assert re.search(r"records read\s+4", r.stdout)
    assert "reconciles" in r.stdout and "yes" in r.stdout


def test_duplicates_are_merged_across_inputs(runner: CliRunner, tmp_path: Path) -> None:
    page = EXAMPLES / "daily_papers_2025-03-03.txt"
    gz = tmp_path / "copy.txt.gz"
    gz.write_bytes(gzip.compress(page.read_bytes()))
    r = runner.invoke(
        main, ["build", str(page), str(gz), "--out", str(tmp_path / "o"), "--json", "--no-html", "--no-rdf"]
    )
    assert r.exit_code == 0, r.output
    s = json.loads(r.stdout)
    assert (s["records_read"], s["papers"], s["duplicates_merged"]) == (8, 4, 4)
    graph = json.loads((tmp_path / "o" / "graph.json").read_text())
    paper = next(n for n in graph["nodes"] if n["kind"] == "paper")
    assert len(paper["sources"]) == 2 and paper["dates"] == ["Mar 3"]


def test_stdin_input(runner: CliRunner) -> None:
    data = json.dumps({"id": "x1", "title": "Some Title", "abstract": ABSTRACT}) + "\n"
    r = runner.invoke(main, ["extract", "-"], input=data)
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout.splitlines()[0])["id"] == "x1"


@pytest.mark.parametrize(
    "make,needle",
    [
        (lambda d: d / "missing.txt", "no such file"),
        (lambda d: d, "is a directory"),
        (lambda d: _write(d / "empty.txt", b""), "empty input"),
        (lambda d: _write(d / "blob.bin", bytes(range(256)) * 4), "binary"),
        (lambda d: _write(d / "headers.txt", b"new\n\nSubscribe\n\nDaily Papers\n"), "no papers"),
    ],
)
def test_bad_inputs_get_one_line_errors(runner: CliRunner, tmp_path: Path, make, needle: str) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path)
    r = runner.invoke(main, ["build", str(path), "--out", str(tmp_path / "out")])
    assert r.exit_code == 1
    line = one_line_error(r)
    assert needle in line and str(path) in line


def _write(p: Path, data: bytes) -> Path:
    p.write_bytes(data)
    return p


def test_good_and_bad_records_keep_every_good_one(runner: CliRunner, tmp_path: Path) -> None:
    f = tmp_path / "mixed.jsonl"
    good = [{"id": f"g{i}", "title": f"Good Paper {i}", "abstract": ABSTRACT} for i in range(3)]
    lines = [
        json.dumps(good[0]),
        '{"id": "t1", "title": "Truncated',
        json.dumps(good[1]),
        json.dumps("just a string"),
        json.dumps({"id": "nt", "abstract": "no title here"}),
        json.dumps(good[2]),
    ]
    f.write_bytes(("\n".join(lines) + "\n").encode() + b'{"id": "u", "title": "bad \xff utf8"}\n')
    out = tmp_path / "o.jsonl"
    r = runner.invoke(main, ["extract", str(f), "-o", str(out)])
    assert r.exit_code == 0, r.output
    # the record with a bad byte is repaired (U+FFFD), not dropped
    kept = [json.loads(x) for x in out.read_text().splitlines()]
    assert [x["id"] for x in kept] == ["g0", "g1", "g2", "u"]
    assert kept[3]["title"] == "bad \ufffd utf8"
    for line_no, needle in (
        (2, "invalid JSON"),
        (4, "expected a JSON object"),
        (5, "no title"),
        (7, "invalid UTF-8"),
    ):
        assert f"{f}:{line_no}: " in r.stderr and needle in r.stderr
    assert "Traceback" not in r.stderr
    r = runner.invoke(main, ["build", str(f), "--out", str(tmp_path / "b"), "--json", "--no-html"])
    s = json.loads(r.stdout)
    assert (s["records_read"], s["papers"], s["records_rejected"]) == (7, 4, 3) and s["reconciles"]
    assert s["records_repaired"] == 1
    bad = tmp_path / "bad_byte.jsonl"
    bad.write_bytes(b'{"id": "u", "title": "bad \xff utf8"}\n')
    r = runner.invoke(main, ["extract", "--strict", str(bad)])
    assert r.exit_code == 1 and "invalid UTF-8" in r.stderr and "Traceback" not in r.stderr


def test_strict_makes_first_bad_record_fatal(runner: CliRunner, tmp_path: Path) -> None:
    f = tmp_path / "mixed.jsonl"
    f.write_text('{"id": "a", "title": "A", "abstract": "x"}\n{"broken\n')
    r = runner.invoke(main, ["extract", str(f), "--strict"])
    assert r.exit_code == 1
    assert f"{f}:2: invalid JSON" in one_line_error(r)


def test_usage_errors_exit_2(runner: CliRunner) -> None:
    assert runner.invoke(main, ["build"]).exit_code == 2
    assert runner.invoke(main, ["extract"]).exit_code == 2
    assert runner.invoke(main, ["nosuchcommand"]).exit_code == 2


def test_stats_bad_graph_file(runner: CliRunner, tmp_path: Path) -> None:
    f = tmp_path / "g.json"
    f.write_text('{"nodes": [')
    r = runner.invoke(main, ["stats", str(f)])
    assert r.exit_code == 1 and "not JSON" in one_line_error(r)
    f.write_text('{"a": 1}')
    r = runner.invoke(main, ["stats", str(f)])
    assert r.exit_code == 1 and "node-link" in one_line_error(r)


def test_unwritable_output_dir(runner: CliRunner, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = runner.invoke(
        main, ["build", str(EXAMPLES / "daily_papers_2025-03-03.txt"), "--out", str(blocker / "sub")]
    )
    assert r.exit_code == 1
    assert "output directory" in one_line_error(r)


def test_every_command_is_documented_in_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    for name in main.commands:
        assert f"paperkg {name}" in readme, f"README does not document `paperkg {name}`"


def test_eval_command_prints_figures(runner: CliRunner, tmp_path: Path) -> None:
    papers = write_jsonl(
        tmp_path / "p.jsonl",
        [{"id": "p1", "title": "GlowNet: A Model", "abstract": ABSTRACT + " We use COCO."}],
    )
    gold = write_jsonl(
        tmp_path / "g.jsonl",
        [
            {
                "id": "p1",
                "entities": [
                    {"name": "GlowNet", "type": "model", "role": "introduced"},
                    {"name": "COCO", "type": "dataset", "role": "used"},
                ],
                "urls": [],
            }
        ],
    )
    r = runner.invoke(main, ["eval", "--gold", str(gold), str(papers), "--json"])
    assert r.exit_code == 0, r.output
    res = json.loads(r.stdout)
    assert res["detection"]["tp"] == 2 and res["role_accuracy"] == 1.0


def test_jobs_give_the_same_extraction(runner: CliRunner, tmp_path: Path) -> None:
    inputs = [str(p) for p in sorted(EXAMPLES.iterdir())]
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert runner.invoke(main, ["extract", *inputs, "-o", str(one)]).exit_code == 0
    r = runner.invoke(main, ["extract", *inputs, "-o", str(two), "--jobs", "2"])
    assert r.exit_code == 0, r.output
    assert one.read_text() == two.read_text()


def test_update_adds_only_new_papers(runner: CliRunner, tmp_path: Path) -> None:
    page = str(EXAMPLES / "daily_papers_2025-03-03.txt")
    api = str(EXAMPLES / "hf_daily_api_sample.json")
    out = tmp_path / "g"
    r = runner.invoke(main, ["build", page, "--out", str(out), "--json", "--no-html"])
    assert r.exit_code == 0, r.output
    first = json.loads(r.stdout)
    r = runner.invoke(main, ["build", "--update", str(out), page, api, "--json", "--no-html"])
    assert r.exit_code == 0, r.output
    s = json.loads(r.stdout)
    # The page's papers are already in the graph: duplicates, not extracted again.
    assert (s["records_read"], s["papers"], s["duplicates_merged"]) == (6, 2, 4)
    assert s["nodes"]["paper"] == first["nodes"]["paper"] + 2
    assert len((out / "extraction.jsonl").read_text().splitlines()) == 6
    full = runner.invoke(main, ["build", page, api, "--out", str(tmp_path / "full"), "--json", "--no-html"])
    assert json.loads(full.stdout)["nodes"] == s["nodes"]
    r = runner.invoke(main, ["build", "--update", str(tmp_path / "nothing"), page])
    assert r.exit_code == 1 and "no graph to update" in one_line_error(r)
    assert runner.invoke(main, ["build", page]).exit_code == 2


def test_console_script_exits_with_the_commands_code_and_flushed_output(tmp_path: Path) -> None:
    """``entry`` (the console script) leaves with os._exit: output must still be flushed and the
    exit code kept."""
    import subprocess
    import sys

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        cmd = [sys.executable, "-m", "paperkg.cli", *args]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)

    ok = run("--version")
    assert ok.returncode == 0 and "paperkg" in ok.stdout
    missing = run("build", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "out"))
    assert missing.returncode == 1
    assert missing.stderr.strip().splitlines()[-1].startswith("Error: ")
    assert "Traceback" not in missing.stderr
    usage = run("build")
    assert usage.returncode == 2

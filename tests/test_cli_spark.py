"""``paperkg spark``'s command line without starting Spark: its entry points and what it refuses
(the job itself runs in test_spark; broken calls as processes in test_no_traceback)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from paperkg.cli import main

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "examples" / "daily_papers_2025-03-03.txt"


def test_spark_submit_entry_point_is_the_command() -> None:
    """``python -m paperkg.spark`` (the file spark-submit runs) is ``paperkg spark``."""
    done = subprocess.run(
        [sys.executable, "-m", "paperkg.spark", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Usage: paperkg spark [OPTIONS] INPUTS...")
    assert "--master" in done.stdout and "--extraction-format [jsonl|parquet]" in done.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--conf", "novalue"], 2, "expected KEY=VALUE"),
        (["--outputs", "nt,graphml"], 2, "'graphml': expected some of extraction, nt, neo4j-csv"),
        (["--outputs", ","], 2, "expected some of"),
        (["--partitions", "0"], 2, "0 is not in the range x>=1"),
    ],
)
def test_bad_options_are_usage_errors(tmp_path: Path, args: list[str], code: int, message: str) -> None:
    r = CliRunner().invoke(main, ["spark", str(PAGE), "--out", str(tmp_path / "s"), *args])
    assert r.exit_code == code and message in r.output, r.output


def test_existing_out_and_bad_registry_are_refused_before_spark_starts(tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["spark", str(PAGE), "--out", str(tmp_path)])
    assert r.exit_code == 1 and "exists; the Spark job writes a new directory" in r.output
    bad = tmp_path / "reg.jsonl"
    bad.write_text('{"name": "Foo", "type": "spaceship"}\n', encoding="utf-8")
    r = CliRunner().invoke(main, ["spark", str(PAGE), "--out", str(tmp_path / "s"), "--registry", str(bad)])
    assert r.exit_code == 1 and "reg.jsonl" in r.output and not (tmp_path / "s").exists()


def test_the_command_line_works_without_pyspark(tmp_path: Path) -> None:
    """PySpark is an extra: without it every command runs, and ``paperkg spark`` says what to install."""
    block = "import sys; sys.modules['pyspark'] = None; "  # import pyspark now raises ImportError
    code = block + "from paperkg.cli import entry; import paperkg.spark; entry()"
    for args, want_code, want in (
        (["stats", "--help"], 0, "stats [OPTIONS] GRAPH_FILE"),
        (["spark", str(PAGE), "--out", str(tmp_path / "s")], 1, "PySpark is not installed"),
    ):
        argv = [sys.executable, "-c", code, *args]
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        assert done.returncode == want_code and want in done.stdout + done.stderr, done.stderr[-2000:]
        assert "Traceback" not in done.stderr

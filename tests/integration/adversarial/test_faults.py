"""Faults while writing: unwritable output, an output name taken by a directory, Ctrl-C.

After any failure the output directory must hold no temporary (``*.tmp``) file and the user sees
one ``Error: `` line (or ``interrupted``), never a traceback.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from paperkg.cli import main

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "daily_papers_2025-03-03.txt"
ABSTRACT = (
    "We present a model that does several things well on many benchmarks and datasets, and we "
    "describe in detail how it was trained and evaluated on public data in a reproducible way."
)


@pytest.fixture(autouse=True)
def _shared_extractor(monkeypatch: pytest.MonkeyPatch, extractor: Any) -> None:
    monkeypatch.setattr("paperkg.cli_options.extractor_for", lambda registry: extractor)


def tmp_files(d: Path) -> list[str]:
    return sorted(p.name for p in d.rglob("*") if p.name.endswith(".tmp")) if d.exists() else []


def one_error_line(res: Result, substring: str) -> None:
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert "Traceback" not in res.stderr
    assert res.exit_code == 1, res.stderr
    last = res.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: ") and substring in last, last


def test_build_out_under_a_regular_file_fails_cleanly(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    res = CliRunner().invoke(main, ["build", str(EXAMPLE), "--out", str(tmp_path / "file" / "sub")])
    one_error_line(res, "cannot create the output directory")
    assert tmp_files(tmp_path) == []


def test_extract_output_under_a_regular_file_fails_cleanly(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    res = CliRunner().invoke(main, ["extract", str(EXAMPLE), "-o", str(tmp_path / "file" / "x.jsonl")])
    one_error_line(res, "Not a directory")
    assert tmp_files(tmp_path) == []


def test_full_disk_while_writing_fails_cleanly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A disk that fills up while graph.json is written (ENOSPC): one line, exit 1, nothing half-written."""

    def no_space(*_a: Any, **_k: Any) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("paperkg.output.graphjson.json_pieces", no_space)
    res = CliRunner().invoke(main, ["build", str(EXAMPLE), "--out", str(tmp_path)])
    one_error_line(res, "No space left on device")
    assert tmp_files(tmp_path) == []
    assert not (tmp_path / "graph.json").exists()


def test_extraction_jsonl_name_taken_by_a_directory(tmp_path: Path) -> None:
    (tmp_path / "extraction.jsonl").mkdir()
    res = CliRunner().invoke(main, ["build", str(EXAMPLE), "--out", str(tmp_path)])
    one_error_line(res, "Is a directory")
    assert tmp_files(tmp_path) == []


@pytest.mark.parametrize(
    "name, module",
    [
        ("graph.json", "src/paperkg/output/graphjson.py"),
        ("graph.ttl", "src/paperkg/sinks/rdf.py"),
        ("graph.html", "src/paperkg/sinks/html.py"),
    ],
)
def test_output_name_taken_by_a_directory_leaves_no_tmp(tmp_path: Path, name: str, module: str) -> None:
    (tmp_path / name).mkdir()
    res = CliRunner().invoke(main, ["build", str(EXAMPLE), "--out", str(tmp_path)])
    one_error_line(res, "Is a directory")
    assert tmp_files(tmp_path) == [], f"{module} left a temporary file"


def _interrupt(*_a: Any, **_k: Any) -> None:
    raise KeyboardInterrupt


@pytest.mark.parametrize(
    "target",
    [
        "paperkg.pipeline.GraphBuilder.add",
        "paperkg.sinks.rdf.RdfSink.write_edge",
        "paperkg.output.graphjson.json_pieces",
    ],
)
def test_ctrl_c_at_a_given_point_is_clean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    """Deterministic Ctrl-C: KeyboardInterrupt raised from inside one step of ``build``."""
    monkeypatch.setattr(target, _interrupt)
    res = CliRunner().invoke(main, ["build", str(EXAMPLE), "--out", str(tmp_path)])
    assert "Traceback" not in res.stderr
    assert res.exit_code == 130, res.stderr
    assert res.stderr.strip().splitlines()[-1] == "interrupted"
    assert tmp_files(tmp_path) == []


def test_sigint_during_a_large_build(tmp_path: Path) -> None:
    """A real SIGINT to ``paperkg build`` on 20k records, about a second into the work."""
    src = tmp_path / "big.jsonl"
    with src.open("w", encoding="utf-8") as f:
        for i in range(20_000):
            f.write(
                json.dumps({"id": f"r{i}", "title": f"Paper {i}: Model-{i} on MMBench", "abstract": ABSTRACT})
            )
            f.write("\n")
    out = tmp_path / "out"
    t0 = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "paperkg.cli", "build", str(src), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # The output directory is made inside the command, after start-up: then Ctrl-C is ours to handle.
        while not out.exists() and proc.poll() is None and time.monotonic() - t0 < 60:
            time.sleep(0.05)
        time.sleep(1.0)
        assert proc.poll() is None, "build finished before it could be interrupted"
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode in (130, 1), stderr
    assert "Traceback" not in stderr and "Traceback" not in stdout
    lines = stderr.strip().splitlines()
    assert lines and len(lines[-1]) < 200
    assert lines[-1] == "interrupted" or lines[-1].startswith("Error: ")
    assert tmp_files(out) == []

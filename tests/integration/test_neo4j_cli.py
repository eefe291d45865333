"""The Neo4j commands end to end through the CLI against the real server of the tests."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from neo4j_support import Neo4jTarget, neo4j_target  # noqa: F401 - the fixture
from paperkg.cli import main
from paperkg.sinks.neo4j import counts

pytestmark = pytest.mark.neo4j
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def creds(t: Neo4jTarget) -> list[str]:
    return ["--neo4j-user", t.user, "--neo4j-password", t.password]


def last_error(r) -> str:  # type: ignore[no-untyped-def]
    assert "Traceback" not in r.output and "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert lines and lines[-1].startswith("Error: ")
    return lines[-1]


def test_build_load_twice_and_query(neo4j_target: Neo4jTarget, tmp_path: Path) -> None:  # noqa: F811
    runner = CliRunner()
    out = tmp_path / "g"
    inputs = [str(p) for p in sorted(EXAMPLES.iterdir())]
    r = runner.invoke(
        main,
        ["build", *inputs, "--out", str(out), "--no-html", "--neo4j", neo4j_target.uri, *creds(neo4j_target)],
    )
    assert r.exit_code == 0, r.output
    first = counts(*neo4j_target.args)
    graph = json.loads((out / "graph.json").read_text())
    assert first["nodes"]["*"] == len(graph["nodes"])
    assert first["relationships"]["*"] == len(graph["edges"])
    r = runner.invoke(
        main, ["load", str(out / "graph.json"), "--neo4j", neo4j_target.uri, *creds(neo4j_target)]
    )
    assert r.exit_code == 0, r.output
    assert counts(*neo4j_target.args) == first  # idempotent
    r = runner.invoke(
        main,
        [
            "query",
            "models_on_benchmark",
            "--param",
            "benchmark=MMBench",
            "--json",
            "--neo4j",
            neo4j_target.uri,
            *creds(neo4j_target),
        ],
    )
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert {"model": "LLaVA-1.5", "papers": 1} in rows
    r = runner.invoke(main, ["query", "papers_with_code", "--neo4j", neo4j_target.uri, *creds(neo4j_target)])
    assert r.exit_code == 0 and "github.com/paperkg-examples/glintbench" in r.stdout


def test_wrong_password_is_one_line_and_secret(neo4j_target: Neo4jTarget, tmp_path: Path) -> None:  # noqa: F811
    secret = "not-the-password-1234"
    r = CliRunner().invoke(
        main,
        [
            "build",
            str(EXAMPLES / "daily_papers_2025-03-03.txt"),
            "--out",
            str(tmp_path),
            "--no-html",
            "--neo4j",
            neo4j_target.uri,
            "--neo4j-user",
            neo4j_target.user,
            "--neo4j-password",
            secret,
        ],
    )
    assert r.exit_code == 1
    line = last_error(r)
    assert "auth" in line.lower() or "password" in line.lower()
    assert secret not in r.output and secret not in r.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_server_down_and_bad_uri(tmp_path: Path) -> None:
    graph = tmp_path / "g"
    runner = CliRunner()
    assert (
        runner.invoke(
            main, ["build", str(EXAMPLES / "daily_papers_2025-03-03.txt"), "--out", str(graph)]
        ).exit_code
        == 0
    )
    for uri in (f"bolt://127.0.0.1:{_free_port()}", "nosuchscheme://x"):
        r = runner.invoke(
            main, ["load", str(graph / "graph.json"), "--neo4j", uri, "--neo4j-password", "pw-secret"]
        )
        assert r.exit_code == 1, r.output
        last_error(r)
        assert "pw-secret" not in r.stderr

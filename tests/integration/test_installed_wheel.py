"""What ``pip install`` gives is what the tests test: a wheel built from the source, installed into a
fresh virtual environment, runs every command on examples/ from a directory outside the checkout.

The wheel is built from a copy of ``pyproject.toml``, ``README.md`` and ``src/`` (no stale ``build/``),
installed with its dependencies into a new venv without system site packages (pip takes them from its
cache, else from PyPI), and every ``paperkg`` run is that venv's console script with a clean
environment (no PYTHONPATH, no $PAPERKG_QUERIES, no user site). See decisions/0009-installed-wheel-test.md.
The Neo4j half needs the test server (``scripts/test`` starts it; under CI=true it must be there).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from neo4j_support import Neo4jTarget, neo4j_target  # noqa: F401 (a fixture)

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "paperkg"
EXAMPLES = ROOT / "examples"
GOLD = ROOT / "tests" / "fixtures" / "gold" / "examples_gold.jsonl"
SHARED_GOLD = ROOT.parent / "shared" / "gold"
QUERIES = sorted(p.stem for p in (SRC / "data" / "queries").glob("*.cypher"))
FORMATS = {"ttl": "graph.ttl", "nt": "graph.nt", "jsonld": "graph.jsonld", "xml": "graph.rdf"}
FORMATS |= {"html": "graph.html", "neo4j-csv": "csv"}

pytestmark = pytest.mark.installed


@dataclass
class Installed:
    venv: Path
    work: Path  # the working directory of every run: outside the checkout
    wheel: Path
    seconds: dict[str, float]

    @property
    def env(self) -> dict[str, str]:
        drop = ("PYTHONPATH", "PYTHONHOME", "PAPERKG_QUERIES", "VIRTUAL_ENV", "PYTHONSTARTUP")
        env = {k: v for k, v in os.environ.items() if k not in drop}
        env["PATH"] = f"{self.venv / 'bin'}{os.pathsep}{env.get('PATH', os.defpath)}"
        env["PYTHONNOUSERSITE"] = "1"
        return env

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        r = subprocess.run(
            [str(self.venv / "bin" / "paperkg"), *args],
            cwd=self.work,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if check:
            assert r.returncode == 0, f"paperkg {' '.join(args)}: exit {r.returncode}\n{r.stderr[-3000:]}"
        assert "Traceback" not in r.stderr, r.stderr
        return r

    def python(self, code: str) -> str:
        r = subprocess.run(
            [str(self.venv / "bin" / "python"), "-c", code],
            cwd=self.work,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return r.stdout.strip()


def _step(seconds: dict[str, float], name: str, cmd: list[str], cwd: Path) -> None:
    t = time.monotonic()
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=1500, check=False)
    seconds[name] = time.monotonic() - t
    assert r.returncode == 0, f"{' '.join(cmd)}: exit {r.returncode}\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("wheel")
    seconds: dict[str, float] = {}
    source = base / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    _step(seconds, "build wheel", [*pip, "wheel", "--no-deps", "-q", "-w", str(base / "dist"), "."], source)
    (wheel,) = (base / "dist").glob("paperkg-*.whl")
    venv = base / "venv"
    # a venv made by this interpreter is based on its base interpreter: no .venv, no system site packages
    _step(seconds, "create venv", [sys.executable, "-m", "venv", str(venv)], base)
    vpip = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check"]
    _step(seconds, "pip install wheel", [*vpip, "install", "-q", str(wheel)], base)
    work = base / "work"
    shutil.copytree(EXAMPLES, work / "examples")
    shutil.copy2(GOLD, work / "gold.jsonl")
    print(f"\ninstalled-wheel setup: {', '.join(f'{k} {v:.1f}s' for k, v in seconds.items())}")
    return Installed(venv, work, wheel, seconds)


def test_wheel_carries_every_file_of_the_package(installed: Installed) -> None:
    """Every file under src/paperkg (saved queries, ontology, extractor data, templates) is in the wheel."""
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    on_disk = {
        "paperkg/" + p.relative_to(SRC).as_posix()
        for p in SRC.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }
    assert on_disk - names == set()
    for q in QUERIES:
        assert f"paperkg/data/queries/{q}.cypher" in names and f"paperkg/data/queries/{q}.rq" in names
    assert {"paperkg/data/ontology/paperkg.ttl", "paperkg/data/ontology/shapes.ttl"} <= names


def test_paperkg_comes_from_the_fresh_venv(installed: Installed) -> None:
    got = json.loads(
        installed.python(
            "import json, sys, paperkg, paperkg.queries as q; print(json.dumps("
            "[paperkg.__file__, str(q.queries_dir()), sys.prefix, sys.base_prefix, sys.path]))"
        )
    )
    module, queries, prefix, base_prefix, path = got
    venv = str(installed.venv.resolve())
    assert Path(module).resolve().is_relative_to(venv), module
    assert Path(queries).resolve().is_relative_to(venv), queries
    assert Path(prefix).resolve() == Path(venv) and prefix != base_prefix
    for entry in path:
        assert not entry or not Path(entry).resolve().is_relative_to(ROOT), (
            f"the checkout is on sys.path: {entry}"
        )
    cfg = dict(
        (k.strip(), v.strip())
        for k, _, v in (x.partition("=") for x in (installed.venv / "pyvenv.cfg").read_text().splitlines())
    )
    assert cfg["include-system-site-packages"] == "false" and not Path(cfg["home"]).is_relative_to(ROOT)
    assert not list(installed.venv.rglob("__editable__*")), "an editable install in the fresh venv"


def test_version_and_help(installed: Installed) -> None:
    assert installed.run("--version").stdout.strip().endswith("0.1.0")
    for cmd in ("extract", "build", "stats", "eval", "export", "load", "query"):
        assert installed.run(cmd, "--help").stdout.startswith(f"Usage: paperkg {cmd}")


def test_query_list_shows_every_saved_query(installed: Installed) -> None:
    assert len(QUERIES) >= 12
    for backend in ("cypher", "rdf"):
        out = installed.run("query", "--list", "--backend", backend).stdout
        listed = [line.split()[0] for line in out.splitlines() if line.strip()]
        assert listed == QUERIES, (backend, out)


def test_build_extract_stats_update(installed: Installed) -> None:
    ex = sorted(str(p.relative_to(installed.work)) for p in (installed.work / "examples").iterdir())
    summary = json.loads(installed.run("build", *ex, "--out", "out", "--json").stdout)
    assert summary["papers"] == 6 and summary["records_rejected"] == 0 and summary["reconciles"], summary
    for name in ("graph.json", "graph.ttl", "graph.html", "extraction.jsonl"):
        assert (installed.work / "out" / name).stat().st_size > 0, name
    stats = json.loads(installed.run("stats", "out/graph.json", "--json").stdout)
    assert stats["nodes"]["paper"] == 6 and stats["edges"] == summary["edges"], stats
    installed.run("extract", *ex, "-o", "extraction.jsonl")
    lines = (installed.work / "extraction.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 6 and all(json.loads(x)["entities"] for x in lines)
    page, api = ex
    installed.run("build", page, "--out", "upd", "--quiet")
    updated = json.loads(installed.run("build", "--update", "upd", api, page, "--json").stdout)
    assert updated["papers"] == 2 and updated["duplicates_merged"] == 4, updated


def test_eval_against_a_gold(installed: Installed) -> None:
    figures = json.loads(
        installed.run("eval", "--gold", "gold.jsonl", "examples/hf_daily_api_sample.json", "--json").stdout
    )
    assert figures["papers"] == 2 and figures["detection"]["f1"] >= 0.8, figures
    if (SHARED_GOLD / "dev_gold.jsonl").is_file():
        gold, papers = SHARED_GOLD / "dev_gold.jsonl", SHARED_GOLD / "dev_papers.jsonl"
        dev = json.loads(installed.run("eval", "--gold", str(gold), str(papers), "--json").stdout)
        assert dev["papers"] > 200 and dev["detection"]["f1"] > 0.5, dev


@pytest.fixture(scope="module")
def built(installed: Installed) -> Path:
    ex = sorted(str(p.relative_to(installed.work)) for p in (installed.work / "examples").iterdir())
    installed.run("build", *ex, "--out", "graph", "--quiet", "--no-html")
    return installed.work / "graph" / "graph.json"


def test_export_in_every_format(installed: Installed, built: Path) -> None:
    (installed.work / "exports").mkdir()
    for fmt, name in FORMATS.items():
        installed.run("export", str(built), "--to", fmt, "-o", f"exports/{name}")
        out = installed.work / "exports" / name
        if fmt == "neo4j-csv":
            assert sorted(p.suffix for p in out.iterdir()) and all(p.stat().st_size for p in out.iterdir())
            assert any(p.suffix == ".csv" for p in out.iterdir())
        else:
            assert out.stat().st_size > 0, fmt
    assert "<html" in (installed.work / "exports" / "graph.html").read_text(encoding="utf-8").lower()
    triples = installed.python(
        "import pyoxigraph as ox; "
        "print(len(list(ox.parse(path='exports/graph.nt', format=ox.RdfFormat.N_TRIPLES))))"
    )
    assert int(triples) > 100


def _rows(installed: Installed, *args: str) -> list[dict[str, object]]:
    return json.loads(installed.run("query", *args, "--json").stdout)


def test_query_rdf_over_the_exported_turtle(installed: Installed, built: Path) -> None:
    (installed.work / "rdf").mkdir()
    installed.run("export", str(built), "--to", "ttl", "-o", "rdf/graph.ttl")
    rows = _rows(installed, "most_used_models", "--backend", "rdf", "--graph", "rdf/graph.ttl")
    assert rows and all("model" in r for r in rows), rows
    hood = _rows(
        installed,
        "entity_neighbourhood",
        "--param",
        "name=CLIP",
        "--backend",
        "rdf",
        "--graph",
        "rdf/graph.ttl",
    )
    assert hood, "CLIP has no neighbourhood in the examples' graph"


@pytest.mark.neo4j
def test_load_and_query_cypher_in_the_test_neo4j(
    installed: Installed,
    built: Path,
    neo4j_target: Neo4jTarget,  # noqa: F811
) -> None:
    """load into the (emptied) test server, then every saved query that needs no parameter gives the
    same rows by Cypher as its SPARQL twin over the exported Turtle."""
    server = (
        "--neo4j",
        neo4j_target.uri,
        "--neo4j-user",
        neo4j_target.user,
        "--neo4j-password",
        neo4j_target.password,
    )
    out = installed.run("load", str(built), *server).stdout
    assert out.startswith("loaded ") and " nodes and " in out, out
    (installed.work / "twin").mkdir()
    installed.run("export", str(built), "--to", "ttl", "-o", "twin/graph.ttl")
    compared = 0
    listed = installed.run("query", "--list").stdout.splitlines()
    for name in QUERIES:
        line = next(x for x in listed if x.split()[0] == name)
        if "=…" in line:  # a required parameter
            continue
        cypher = _rows(installed, name, *server)
        sparql = _rows(installed, name, "--backend", "rdf", "--graph", "twin/graph.ttl")
        assert cypher == sparql, name
        compared += 1
    assert compared >= 6
    assert _rows(installed, "entity_neighbourhood", "--param", "name=CLIP", *server)

"""Every command, as a real process, on broken arguments and broken inputs: never a Python traceback.

Each case runs ``python -m paperkg.cli ...`` from a directory outside the checkout and must end with
exit code 1 (bad input, failed operation) or 2 (usage) and one line starting with ``Error:`` as the last
line of standard error; "Traceback" may appear in neither stream. ``--help`` of every command exits 0.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from paperkg.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
PAGE = EXAMPLES / "daily_papers_2025-03-03.txt"
API = EXAMPLES / "hf_daily_api_sample.json"
UNREACHABLE = "bolt://127.0.0.1:1"
COMMANDS = tuple(sorted(main.commands))  # every command, so a new one needs its cases here
FORMATS = ("ttl", "nt", "jsonld", "xml", "html", "neo4j-csv")


SCRIPT = Path(sys.executable).with_name("paperkg")
PAPERKG = [str(SCRIPT)] if SCRIPT.is_file() else [sys.executable, "-m", "paperkg.cli"]


def paperkg(*args: str, cwd: Path, env: dict[str, str] | None = None, stdin: bytes | None = None):
    """``paperkg ARGS`` as a process: the console script beside this interpreter (else ``-m paperkg.cli``)."""
    return subprocess.run(
        [*PAPERKG, *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        timeout=180,
        check=False,
        env={**os.environ, "PYTHONWARNINGS": "ignore", **(env or {})},
    )


@dataclass
class Files:
    """Good and broken inputs, all under one temporary directory."""

    root: Path
    good: Path  # a directory built from examples/
    paths: dict[str, Path] = field(default_factory=dict)

    def __getitem__(self, name: str) -> str:
        return str(self.paths[name])


def _write(p: Path, data: bytes | str) -> Path:
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data.encode() if isinstance(data, str) else data)
    return p


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Files:
    w = tmp_path_factory.mktemp("broken")
    good = w / "good"
    r = paperkg("build", str(PAGE), str(API), "--out", str(good), "--quiet", cwd=w)
    assert r.returncode == 0, r.stderr.decode()
    graph = (good / "graph.json").read_bytes()
    page = PAGE.read_bytes()
    api = API.read_bytes()
    binary = bytes(range(256)) * 64
    real_gz = gzip.compress(page)
    f = Files(w, good)
    p = f.paths
    p["missing"] = w / "missing.txt"
    p["dir"] = w / "a_directory"
    p["dir"].mkdir()
    p["empty.txt"] = _write(w / "empty.txt", b"")
    p["empty.json"] = _write(w / "empty.json", b"")
    p["empty.jsonl"] = _write(w / "empty.jsonl", b"")
    p["binary.bin"] = _write(w / "binary.bin", binary)
    p["binary.txt"] = _write(w / "binary.txt", binary)
    p["binary.json"] = _write(w / "binary.json", binary)
    p["truncated.json"] = _write(w / "truncated.json", api[: len(api) // 2])
    p["truncated.jsonl"] = _write(w / "truncated.jsonl", b'{"id": "2401.00001", "title": "A')
    p["notgzip.txt.gz"] = _write(w / "notgzip.txt.gz", page)
    p["truncated.txt.gz"] = _write(w / "truncated.txt.gz", real_gz[: len(real_gz) // 2])
    p["scalar.json"] = _write(w / "scalar.json", b"42")
    # graphs that are not graphs
    p["graph.txt"] = _write(w / "graph.txt", page)
    p["not_a_graph.json"] = _write(w / "not_a_graph.json", b'{"hello": "world"}')
    p["list.json"] = _write(w / "list.json", b"[1, 2, 3]")
    p["truncated_graph.json"] = _write(w / "truncated_graph.json", graph[: len(graph) // 2])
    p["bad_nodes.json"] = _write(
        w / "bad_nodes.json", json.dumps({"directed": True, "nodes": [{"x": 1}], "links": "no"})
    )
    p["graph.ttl"] = good / "graph.ttl"
    p["bad.ttl"] = _write(w / "bad.ttl", b"@prefix : <http://x/> .\n:a :b :c ;;; <<< not turtle\n")
    p["truncated.nt"] = _write(w / "truncated.nt", b"<http://x/a> <http://x/b> ")
    p["bad.jsonld"] = _write(w / "bad.jsonld", b'{"@context": 5, "@id": ')
    p["bad.xml"] = _write(w / "bad.xml", b"<rdf:RDF><unclosed>")
    p["binary.ttl"] = _write(w / "binary.ttl", binary)
    p["empty.ttl"] = _write(w / "empty.ttl", b"")
    # gold files that are not gold
    p["gold_listing.jsonl"] = _write(w / "gold_listing.jsonl", page)
    p["gold_shape.jsonl"] = _write(w / "gold_shape.jsonl", b'{"foo": 1}\n')
    p["gold_entities.jsonl"] = _write(w / "gold_entities.jsonl", b'{"id": "x", "entities": "abc"}\n')
    p["gold_truncated.jsonl"] = _write(w / "gold_truncated.jsonl", b'{"id": "x", "entities": [{"na')
    # registries that are not registries
    p["reg_shape.jsonl"] = _write(w / "reg_shape.jsonl", b'{"name": 1}\n')
    p["reg_type.jsonl"] = _write(w / "reg_type.jsonl", b'{"name": "Foo", "type": "spaceship"}\n')
    # outputs that cannot be written
    p["a_file"] = _write(w / "a_file", b"x")
    p["under_a_file"] = w / "a_file" / "out"
    p["proc"] = Path("/proc/paperkg-no-such-dir/out")
    # update targets
    p["empty_dir"] = w / "empty_dir"
    p["empty_dir"].mkdir()
    broken_dir = w / "broken_graph_dir"
    broken_dir.mkdir()
    _write(broken_dir / "graph.json", graph[: len(graph) // 3])
    p["broken_graph_dir"] = broken_dir
    bad_state = w / "bad_state_dir"
    r = paperkg("build", str(PAGE), "--out", str(bad_state), "--quiet", cwd=w)
    assert r.returncode == 0, r.stderr.decode()
    for state in bad_state.glob(".paperkg-state*"):
        if state.is_file():
            state.write_bytes(binary)
    p["bad_state_dir"] = bad_state
    return f


@dataclass(frozen=True)
class Case:
    id: str
    args: Callable[[Files], list[str]]
    codes: tuple[int, ...] = (1, 2)
    env: dict[str, str] = field(default_factory=dict)
    stdin: bytes | None = None


def c(id: str, cmdline: str, codes: tuple[int, ...] = (1, 2), env: dict[str, str] | None = None, **kw):
    """A case: ``cmdline`` is split as a shell would; ``{name}`` in it is a path from :class:`Files`,
    ``{good}`` the directory built from examples/, ``{root}`` the temporary directory, ``{page}`` and
    ``{api}`` the two example inputs. ``codes`` (0, 1) is for inputs paperkg may recover from."""
    words = shlex.split(cmdline)

    def fill(f: Files) -> list[str]:
        names = {k: str(v) for k, v in f.paths.items()}
        names |= {"good": str(f.good), "root": str(f.root), "page": str(PAGE), "api": str(API)}
        return [re.sub(r"\{([^{}]+)\}", lambda m: names[m.group(1)], w) for w in words]

    return Case(id, fill, codes, env or {}, **kw)


BAD_INPUTS = (
    "missing",
    "dir",
    "empty.txt",
    "empty.json",
    "empty.jsonl",
    "binary.bin",
    "binary.txt",
    "binary.json",
    "truncated.json",
    "truncated.jsonl",
    "truncated.txt.gz",
    "scalar.json",
)
BAD_GRAPHS = (
    "missing",
    "dir",
    "empty.json",
    "binary.json",
    "graph.txt",
    "not_a_graph.json",
    "list.json",
    "truncated_graph.json",
    "bad_nodes.json",
    "graph.ttl",
)
BAD_RDF = (
    "missing",
    "dir",
    "graph.txt",
    "bad.ttl",
    "truncated.nt",
    "bad.jsonld",
    "bad.xml",
    "binary.ttl",
    "binary.bin",
    "not_a_graph.json",
)
BAD_GOLD = (
    "missing",
    "dir",
    "empty.jsonl",
    "binary.bin",
    "gold_listing.jsonl",
    "gold_shape.jsonl",
    "gold_entities.jsonl",
    "gold_truncated.jsonl",
    "truncated.json",
)
BAD_REGISTRY = ("missing", "dir", "binary.bin", "truncated.jsonl", "reg_shape.jsonl", "reg_type.jsonl")
UNWRITABLE = ("under_a_file", "dir", "proc")
UPDATE_DIRS = ("missing", "empty_dir", "broken_graph_dir", "a_file")
EXPORT_GRAPHS = ("missing", "truncated_graph.json", "not_a_graph.json", "graph.txt")
LOAD_GRAPHS = ("missing", "dir", "truncated_graph.json", "not_a_graph.json")
RDF = "query most_used_models --backend rdf --graph"
NEO = f"--neo4j {UNREACHABLE}"
G = "{good}/graph.json"

CASES: list[Case] = [
    c("no-command-unknown", "nosuchcommand"),
    c("no-option", "--nosuchoption"),
    # extract
    *(c(f"extract-input-{b}", f"extract {{{b}}} -o {{root}}/x.jsonl") for b in BAD_INPUTS),
    *(c(f"extract-strict-{b}", f"extract --strict {{{b}}}") for b in ("binary.json", "truncated.json")),
    *(c(f"extract-output-{u}", f"extract {{page}} -o {{{u}}}") for u in UNWRITABLE),
    *(c(f"extract-registry-{r}", f"extract {{page}} --registry {{{r}}}") for r in BAD_REGISTRY),
    c("extract-no-input", "extract"),
    c("extract-jobs-0", "extract {page} --jobs 0"),
    c("extract-names-bogus", "extract {page} --names bogus"),
    c("extract-stdin-binary", "extract -", stdin=bytes(range(256)) * 16),
    c("extract-stdin-empty", "extract -", stdin=b""),
    # build
    *(c(f"build-input-{b}", f"build {{{b}}} --out {{root}}/out-{b}") for b in BAD_INPUTS),
    *(c(f"build-out-{u}", f"build {{page}} --out {{{u}}}") for u in ("under_a_file", "a_file", "proc")),
    *(
        c(f"build-registry-{r}", f"build {{page}} --out {{root}}/reg --registry {{{r}}}")
        for r in BAD_REGISTRY
    ),
    c("build-no-out", "build {page}"),
    c("build-no-input", "build --out {root}/noinput"),
    c("build-max-nodes-0", "build {page} --out {root}/mn --max-nodes 0"),
    c("build-neo4j-unreachable", f"build {{page}} --out {{root}}/n1 --no-html {NEO}"),
    c("build-neo4j-not-a-uri", "build {page} --out {root}/n2 --no-html --neo4j 'not a uri'"),
    c("build-neo4j-http", "build {page} --out {root}/n3 --no-html --neo4j http://127.0.0.1:1"),
    c("build-base-iri-bad", "build {page} --out {root}/iri --base-iri 'not an iri <>'"),
    # build --update
    *(c(f"update-dir-{d}", f"build --update {{{d}}} {{api}}") for d in UPDATE_DIRS),
    c("update-dir-bad_state_dir", "build --update {bad_state_dir} {api}", codes=(0, 1)),  # rebuilds
    *(c(f"update-input-{b}", f"build --update {{good}} {{{b}}}") for b in ("missing", "dir", "binary.bin")),
    c("update-input-truncated.json", "build --update {good} {truncated.json}", codes=(0, 1)),  # rejected
    c("update-and-out", "build --update {good} --out {root}/both {api}"),
    # stats
    *(c(f"stats-{g}", f"stats {{{g}}}") for g in BAD_GRAPHS),
    c("stats-no-arg", "stats"),
    # eval
    *(c(f"eval-gold-{g}", f"eval --gold {{{g}}} {{page}}") for g in BAD_GOLD),
    *(c(f"eval-input-{b}", f"eval --gold {{gold_shape.jsonl}} {{{b}}}") for b in ("missing", "binary.bin")),
    c("eval-no-gold", "eval {page}"),
    c("eval-cv-bogus", "eval --gold {gold_shape.jsonl} {page} --cv 0"),
    c("eval-decider-bogus", "eval --gold {gold_shape.jsonl} {page} --decider bogus"),
    # export
    *(
        c(f"export-{fmt}-graph-{g}", f"export {{{g}}} --to {fmt} -o {{root}}/exp-{fmt}")
        for fmt in FORMATS
        for g in EXPORT_GRAPHS
    ),
    *(
        c(f"export-{fmt}-output-{u}", f"export {G} --to {fmt} -o {{{u}}}")
        for fmt in FORMATS
        for u in ("under_a_file", "proc")
    ),
    c("export-to-bogus", f"export {G} --to bogus -o {{root}}/bogus"),
    c("export-no-to", f"export {G} -o {{root}}/noto"),
    c("export-html-focus-unknown", f"export {G} --to html -o {{root}}/f.html --focus 'No Such Entity'"),
    c("export-html-depth-0", f"export {G} --to html -o {{root}}/d.html --focus CLIP --depth 0"),
    c("export-base-iri-bad", f"export {G} --to ttl -o {{root}}/iri.ttl --base-iri 'not an iri <>'"),
    # load
    *(c(f"load-graph-{g}", f"load {{{g}}} {NEO}") for g in LOAD_GRAPHS),
    c("load-unreachable", f"load {G} {NEO}"),
    c("load-not-a-uri", f"load {G} --neo4j 'not a uri'"),
    c("load-http", f"load {G} --neo4j http://127.0.0.1:1"),
    c("load-no-neo4j", f"load {G}", env={"NEO4J_URI": ""}),
    c("load-batch-0", f"load {G} {NEO} --batch-size 0"),
    # query, cypher
    c("query-cypher-unreachable", f"query most_used_models {NEO}"),
    c("query-cypher-not-a-uri", "query most_used_models --neo4j 'not a uri'"),
    c("query-cypher-http", "query most_used_models --neo4j http://127.0.0.1:1"),
    c("query-unknown", f"query no_such_query {NEO}"),
    c("query-bad-name", f"query ../../etc/passwd {NEO}"),
    c("query-param-no-equals", f"query most_used_models --param limit {NEO}"),
    c("query-param-unknown", f"query most_used_models --param nope=1 {NEO}"),
    c("query-param-not-int", f"query most_used_models --param limit=ten {NEO}"),
    c("query-param-missing", f"query entity_neighbourhood {NEO}"),
    c("query-backend-bogus", "query most_used_models --backend bogus"),
    c("query-env-queries-missing", "query most_used_models", env={"PAPERKG_QUERIES": "/nonexistent/q"}),
    c("query-env-queries-list-missing", "query --list", env={"PAPERKG_QUERIES": "/nonexistent/q"}),
    # query, rdf
    *(c(f"query-rdf-graph-{g}", f"{RDF} {{{g}}}") for g in BAD_RDF),
    c("query-rdf-graph-graph.json", f"{RDF} {G}"),
    c("query-rdf-no-graph", "query most_used_models --backend rdf"),
    c("query-rdf-unknown", "query no_such_query --backend rdf --graph {graph.ttl}"),
    c("query-rdf-param-not-int", f"{RDF} {{graph.ttl}} --param limit=x"),
    c("query-rdf-param-missing", "query entity_neighbourhood --backend rdf --graph {graph.ttl}"),
    # diff
    c("diff-old-missing", "diff {missing} {good}"),
    c("diff-no-new", "diff {good}"),
    *(c(f"diff-new-{g}", f"diff {{good}} {{{g}}}") for g in ("not_a_graph.json", "truncated_graph.json")),
    c("diff-old-empty-dir", "diff {empty_dir} {good}"),
    c("diff-html-unwritable", "diff {good} {good} --html {under_a_file}"),
    c("diff-top-0", "diff {good} {good} --top 0"),
    # train
    c("train-gold-missing", "train --gold {missing} --papers {page} -o {root}/m.json"),
    c("train-gold-shape", "train --gold {gold_shape.jsonl} --papers {page} -o {root}/m.json"),
    c("train-gold-truncated", "train --gold {gold_truncated.jsonl} --papers {page} -o {root}/m.json"),
    # spark (the checks before Spark starts, and one run that finds no paper)
    c("spark-no-input", "spark --out {root}/s"),
    c("spark-no-out", "spark {page}"),
    c("spark-input-missing", "spark {missing} --out {root}/s-missing"),
    c("spark-input-dir", "spark {dir} --out {root}/s-dir"),
    c("spark-input-stdin", "spark - --out {root}/s-stdin"),
    c("spark-out-exists", "spark {page} --out {good}"),
    c("spark-outputs-bogus", "spark {page} --out {root}/s-o --outputs graphml"),
    c("spark-conf-no-value", "spark {page} --out {root}/s-c --conf spark.executor.cores"),
    c("spark-partitions-0", "spark {page} --out {root}/s-p --partitions 0"),
    c("spark-registry-missing", "spark {page} --out {root}/s-r --registry {missing}"),
    c("spark-input-empty", "spark {empty.txt} --out {root}/s-empty --master local[1] -q"),
]


def _lines(b: bytes) -> list[str]:
    return [x for x in b.decode("utf-8", "replace").splitlines() if x.strip()]


def test_the_cases_cover_every_command() -> None:
    ids = {case.id for case in CASES}
    assert len(ids) == len(CASES), "duplicate case ids"
    for cmd in COMMANDS:
        assert any(i.startswith(f"{cmd}-") for i in ids), cmd
    for fmt in FORMATS:
        assert any(i.startswith(f"export-{fmt}-") for i in ids), fmt
    assert any(i.startswith("update-") for i in ids)
    assert any(i.startswith("query-rdf-") for i in ids) and any(i.startswith("query-cypher-") for i in ids)


def check(r: subprocess.CompletedProcess[bytes], args: list[str], codes: tuple[int, ...]) -> None:
    """No traceback; exit code in ``codes``; exit 1 ends with one ``Error:`` line, exit 2 has one."""
    out, err = r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")
    shown = f"paperkg {' '.join(args)}\nexit {r.returncode}\nstdout: {out[-2000:]}\nstderr: {err[-3000:]}"
    assert "Traceback" not in out and "Traceback" not in err, shown
    assert r.returncode in codes, shown
    if r.returncode == 0:
        return
    lines = _lines(r.stderr)
    errors = [x for x in lines if x.startswith("Error:")]
    assert len(errors) == 1 and len(errors[0]) > len("Error: x"), shown
    if r.returncode == 1:  # the README's promise: one line on stderr, the last one
        assert lines[-1] == errors[0], shown
    else:  # click's usage error: usage line, hint, then the error (a Choice may list its values)
        assert lines[0].startswith("Usage: paperkg"), shown


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_broken_call_ends_in_one_line_error(case: Case, files: Files) -> None:
    args = case.args(files)
    check(paperkg(*args, cwd=files.root, env=case.env, stdin=case.stdin), args, case.codes)


@pytest.mark.neo4j
def test_wrong_neo4j_password_is_one_line(files: Files) -> None:
    """Against the real test server (CI starts it): a refused login is an error, not a traceback."""
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but NEO4J_URI is not set (scripts/test starts Neo4j)", pytrace=False)
        pytest.skip("NEO4J_URI is not set: `export NEO4J_URI=$(scripts/neo4j-local start | tail -n1)`")
    wrong = {"NEO4J_PASSWORD": "not-the-password"}
    for args in (
        ["load", str(files.good / "graph.json"), "--neo4j", uri],
        ["query", "most_used_models", "--neo4j", uri],
        ["query", "no_such_query", "--neo4j", uri],
        ["load", str(files.paths["truncated_graph.json"]), "--neo4j", uri],
    ):
        check(paperkg(*args, cwd=files.root, env=wrong), args, (1,))


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_of_every_command(command: str, tmp_path: Path) -> None:
    args = [command, "--help"] if command else ["--help"]
    r = paperkg(*args, cwd=tmp_path)
    out, err = r.stdout.decode(), r.stderr.decode()
    assert "Traceback" not in out and "Traceback" not in err
    assert r.returncode == 0, err
    assert out.startswith(f"Usage: paperkg {command}".rstrip()), out
    assert "-h, --help" in out
    for other in COMMANDS if not command else ():
        assert other in out

"""Smoke tests of the benchmark helpers: the synthetic corpus and the extraction-speed function.

No timing assertions: only that the generator is deterministic, that ``paperkg build`` accepts
what it writes, and that the speed measurement returns positive figures.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner

from paperkg.cli import main
from tests_support import load_benchmark


@pytest.fixture(scope="module")
def synth() -> ModuleType:
    return load_benchmark("synth")


def test_synth_is_deterministic(synth: ModuleType, tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.jsonl.gz", tmp_path / "b.jsonl.gz", tmp_path / "c.jsonl.gz"
    synth.write_corpus(a, 150, seed=3)
    synth.write_corpus(b, 150, seed=3)
    synth.write_corpus(c, 150, seed=4)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()
    # a smaller corpus is the prefix of a larger one; --start continues it
    head = [json.dumps(r) for r in synth.generate(40, seed=3)]
    full = gzip.decompress(a.read_bytes()).decode("utf-8").splitlines()
    assert [json.dumps(json.loads(x)) for x in full[:40]] == head
    tail = list(synth.generate(10, seed=3, start=141))
    assert [r["id"] for r in tail] == [json.loads(x)["id"] for x in full[140:]]
    assert [r["abstract"] for r in tail] == [json.loads(x)["abstract"] for x in full[140:]]


def test_synth_records_look_like_abstracts(synth: ModuleType) -> None:
    records = list(synth.generate(300, seed=1))
    assert [r["id"] for r in records[:2]] == ["synth-000001", "synth-000002"]
    titles = set()
    for r in records:
        assert set(r) == {"id", "title", "abstract"}
        assert 120 <= len(r["abstract"].split()) <= 250
        titles.add(re.sub(r"[\W_]+", "", r["title"].casefold()))
    assert len(titles) == len(records)
    text = " ".join(r["abstract"] for r in records)
    assert "github.com/" in text and ".github.io/" in text
    assert "dataset" in text and "benchmark" in text and "we introduce" in text.lower()
    registry = synth.load_registry()
    assert any(name in text for name in registry["dataset"][:200])


def _growth(texts: list[str], points: tuple[int, ...]) -> list[int]:
    """Distinct whitespace-separated words among the first ``k`` words, for each ``k`` of ``points``."""
    words = " ".join(texts).split()
    return [len(set(words[:k])) for k in points]


def test_synth_meets_new_words_as_real_abstracts_do(synth: ModuleType, shared: Path) -> None:
    """The corpus's vocabulary grows like that of the shared gold papers, which decides how often
    spaCy's tokenizer finds a word in its cache; the fixed-vocabulary corpus grows far slower."""
    points = (10_000, 25_000, 50_000)
    real = []
    with (shared / "gold" / "dev_papers.jsonl").open(encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            real.append(f"{r['title']} {r.get('abstract') or r.get('text') or ''}")
    real_growth = _growth(real, points)
    synthetic = [f"{r['title']} {r['abstract']}" for r in synth.generate(400, seed=1)]
    fixed = [f"{r['title']} {r['abstract']}" for r in synth.generate(400, seed=1, open_vocabulary=False)]
    for k, want, got in zip(points, real_growth, _growth(synthetic, points), strict=True):
        assert abs(got - want) <= 0.15 * want, (k, got, want)
    for want, got in zip(real_growth, _growth(fixed, points), strict=True):
        assert got < 0.5 * want


def test_synth_fixed_vocabulary_keeps_the_first_corpus(synth: ModuleType) -> None:
    """Without the open vocabulary the abstracts use the fixed lists only. Both corpora share their
    titles, their opening sentences (drawn before any filler, with their entity names) and their
    URLs: the open sentences only take the place of fillers."""
    open_records = list(synth.generate(60, seed=2))
    fixed_records = list(synth.generate(60, seed=2, open_vocabulary=False))
    assert [r["title"] for r in open_records] == [r["title"] for r in fixed_records]

    def opening(r: dict[str, str]) -> list[str]:
        return re.split(r"(?<=\.) ", r["abstract"])[:2]

    assert [opening(r) for r in open_records] == [opening(r) for r in fixed_records]
    lexicon = synth.open_lexicon(2)
    fixed_words = {w.strip(".,()%").lower() for r in fixed_records for w in r["abstract"].split()}
    pools = {w for z in lexicon.values() for w in z.names}
    open_words = {w.strip(".,()%").lower() for r in open_records for w in r["abstract"].split()}
    assert len((open_words & pools) - fixed_words) > 200
    urls = re.compile(r"https://\S+")
    assert [urls.findall(r["abstract"]) for r in open_records] == [
        urls.findall(r["abstract"]) for r in fixed_records
    ]


def test_synth_command_writes_the_fixed_vocabulary_corpus(synth: ModuleType, tmp_path: Path) -> None:
    out = tmp_path / "first.jsonl"
    assert synth.main(["--n", "12", "--seed", "5", "--fixed-vocabulary", "-o", str(out)]) == 0
    written = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert written == list(synth.generate(12, seed=5, open_vocabulary=False))
    assert written != list(synth.generate(12, seed=5))


def test_build_accepts_synthetic_corpus(synth: ModuleType, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl.gz"
    synth.write_corpus(corpus, 200, seed=1)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["build", str(corpus), "--out", str(out), "--no-html", "--quiet", "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output[result.output.index("{") :])
    assert summary["records_read"] == 200
    assert summary["papers"] == 200
    assert summary["records_rejected"] == 0
    assert summary["reconciles"] is True
    assert summary["nodes"]["paper"] == 200
    assert summary["nodes"].get("model", 0) > 0 and summary["nodes"].get("benchmark", 0) > 0
    assert summary["edges"].get("HAS_CODE", 0) > 0
    assert (out / "graph.json").exists() and not (out / "graph.html").exists()


def test_extract_speed_returns_positive_figures() -> None:
    extract_speed = load_benchmark("extract_speed")
    r = extract_speed.measure(50, seed=2, warmup=5)
    assert r["abstracts"] == 50
    assert r["tokenizer_per_s"] > 0 and r["extractor_per_s"] > 0 and r["ratio"] > 0
    assert r["tokenizer_same_cache_per_s"] > 0 and r["ratio_same_cache"] > 0
    assert r["tokens"] > 50 * 100 and r["entities_and_urls"] > 0


def test_extract_speed_also_races_on_the_fixed_vocabulary(capsys: pytest.CaptureFixture[str]) -> None:
    extract_speed = load_benchmark("extract_speed")
    assert extract_speed.main(["--n", "20", "--warmup", "0", "--fixed-vocabulary"]) == 0
    result = json.loads(capsys.readouterr().out)
    fixed = result["fixed_vocabulary"]
    assert (result["vocabulary"], fixed["vocabulary"]) == ("open", "fixed")
    assert fixed["abstracts"] == 20 and fixed["ratio"] > 0 and fixed["tokenizer_per_s"] > 0
    # the goals are judged on the main race only
    assert "goals_met" in result and "goals_met" not in fixed


def test_extract_speed_races_on_real_papers_too(tmp_path: Path) -> None:
    extract_speed = load_benchmark("extract_speed")
    papers = extract_speed.synthetic_papers(30, seed=3)
    path = tmp_path / "real.jsonl"
    records = [{"id": p.id, "title": p.title, "abstract": p.abstract} for p in papers]
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    r = extract_speed.measure_real(str(path))
    assert (r["abstracts"], r["warmup_abstracts"]) == (15, 15)
    assert r["tokenizer_per_s"] > 0 and r["extractor_per_s"] > 0 and r["entities_and_urls"] > 0
    assert r["ratio"] == pytest.approx(r["extractor_per_s"] / r["tokenizer_per_s"], abs=0.002)
    # 30 abstracts hold fewer than 50,000 words: every distinct word of them is counted
    words = {w for p in papers for w in f"{p.title} {p.abstract}".split()}
    assert r["distinct_in_first_50k_words"] == len(words)
    first = f"{papers[0].title} {papers[0].abstract}".split()[:3]
    assert extract_speed.distinct_words(papers, words=3) == len(set(first))


def test_extract_speed_says_in_one_line_when_the_real_file_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extract_speed = load_benchmark("extract_speed")
    with pytest.raises(SystemExit) as exited:
        extract_speed.main(["--n", "1", "--warmup", "0", "--real", str(tmp_path / "none.jsonl")])
    assert exited.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert "none.jsonl" in err[-1] and "Traceback" not in "\n".join(err)


def test_goals_report_every_scale_goal_with_its_verdict() -> None:
    run = load_benchmark("run")
    results = {
        "extract_speed": {
            "result": {
                "extractor_per_s": 800.0,
                "tokenizer_per_s": 4000.0,
                "tokenizer_same_cache_per_s": 4400.0,
                "ratio_same_cache": 0.182,
                "fixed_vocabulary": {"ratio": 0.09, "tokenizer_per_s": 9000.0, "extractor_per_s": 810.0},
                "real": {
                    "abstracts": 119,
                    "ratio": 0.37,
                    "tokenizer_per_s": 1250.0,
                    "extractor_per_s": 460.0,
                },
            }
        },
        "build_scale": {
            "result": {
                "jobs": 2,
                "runs": [
                    {"papers": 10_000, "wall_s": 16.0, "peak_rss_mib": 300.0, "exit_code": 0},
                    {
                        "papers": 100_000,
                        "wall_s": 150.0,
                        "peak_rss_mib": 1700.0,
                        "peak_tree_pss_mib_sampled": 2100.0,
                        "exit_code": 0,
                    },
                ],
                "jobs1_baseline": {"papers": 10_000, "wall_s": 30.0, "exit_code": 0},
                "extract_jobs": {
                    "papers": 10_000,
                    "jobs": 2,
                    "jobs1_s": 12.0,
                    "jobs_s": 7.0,
                    "speedup": 1.71,
                    "outputs_identical": True,
                    "exit_code": 0,
                },
                "update": {
                    "new_papers": 1000,
                    "base_papers": 100_000,
                    "fraction_of_full_build": 0.04,
                    "full_build_s": 150.0,
                },
            }
        },
    }
    rows = {r["goal"]: r for r in run.goals(results)}
    assert rows["extraction, abstracts/s on one core"]["met"] is False
    assert rows["extraction rate / bare tokenizer rate"]["value"] == 0.2
    same = rows["extraction rate / same-cache tokenizer rate"]
    assert (same["value"], same["met"], same["baseline_value"]) == (0.182, None, 4400.0)
    fixed = rows["extraction rate / bare tokenizer rate on the fixed-vocabulary synthetic corpus"]
    assert (fixed["value"], fixed["met"], fixed["baseline_value"]) == (0.09, None, 9000.0)
    real = rows["extraction rate / bare tokenizer rate on 119 real abstracts"]
    assert (real["value"], real["met"], real["information"]) == (0.37, None, True)
    assert real["baseline_value"] == 1250.0
    assert rows["build 100,000 abstracts (--jobs 2), wall s"]["met"] is True
    # the memory of all the build's processes decides, not its largest one alone
    mem = rows["build 100,000 abstracts, peak memory MiB"]
    assert (mem["value"], mem["met"], mem["measure"]) == (2100.0, False, "PSS of all its processes")
    assert rows["build 1,000,000 abstracts (--jobs 2), wall s"]["met"] is None  # not run
    extraction = rows["--jobs 2 speed-up of extraction (paperkg extract), 10,000 abstracts"]
    assert (extraction["value"], extraction["met"], extraction["baseline_value"]) == (1.71, False, 12.0)
    whole = rows["--jobs 2 speed-up of the whole build, 10,000 abstracts"]
    assert (whole["value"], whole["met"], whole["information"]) == (1.88, None, True)
    assert rows["update with 1,000 new abstracts on 100,000, fraction of the full build"]["met"] is True
    assert run.with_size(["--sizes", "1", "2", "--update", "3"], "9") == [
        "--sizes",
        "1",
        "2",
        "9",
        "--update",
        "3",
    ]


def test_the_memory_of_a_process_tree_counts_shared_pages_once() -> None:
    bs = load_benchmark("build_scale")
    pss, rss = bs.tree_memory(os.getpid())
    assert rss > 0
    if Path("/proc/self/smaps_rollup").exists():
        assert 0 < pss <= rss  # this process's library pages are shared with others


def test_extraction_with_jobs_is_timed_against_one_process_and_gives_the_same_bytes(
    synth: ModuleType, tmp_path: Path
) -> None:
    bs = load_benchmark("build_scale")
    corpus = tmp_path / "corpus.jsonl.gz"
    synth.write_corpus(corpus, 60, seed=3)
    r = bs.extract_jobs(bs.paperkg_command(), corpus, 60, 2, tmp_path, 300.0)
    assert r["exit_code"] == 0, r
    assert r["jobs1_s"] > 0 and r["jobs_s"] > 0 and r["speedup"] == round(r["jobs1_s"] / r["jobs_s"], 2)
    assert r["outputs_identical"] is True
    assert len((tmp_path / "extract-60-jobs2.jsonl").read_text().splitlines()) == 60

"""Extraction speed: the full paperkg extractor vs spaCy's bare tokenizer, on the same texts.

    .venv/bin/python benchmarks/extract_speed.py [--n 5000] [--seed 1] [--warmup 200] [--real FILE]
        [--fixed-vocabulary]

Generates ``--n`` synthetic abstracts (``benchmarks/synth.py``), then, in this one process,
times ``spacy.blank("en").make_doc`` on each title and abstract (the floor: tokenization
only) and ``paperkg.extraction.Extractor().pipe(papers)`` (the whole extractor: tokenizer,
registry matcher, rules, URL finder, assembly) over the same papers. Model loading and a
warm-up pass over ``--warmup`` other abstracts are not timed. Prints one JSON object:
``{abstracts, tokenizer_per_s, extractor_per_s, ratio, ...}`` where ``ratio`` is
extractor_per_s / tokenizer_per_s (the goal is 0.4: the extractor at 40% of the bare tokenizer's
rate) and ``goal_per_s`` the goal of 1,000 abstracts/s; ``--repeats N`` keeps the best of N timed
runs of each, alternating the two, which matters on a machine whose speed varies from run to run.
Each timed run uses a fresh pipeline (warmed up on the same other abstracts): spaCy's tokenizer
caches the strings it has seen, so timing a second pass over the same texts would time that cache.
The extractor's tokenizer remembers more strings than spaCy's default (10,000, which a few thousand
abstracts fill), so a third racer, the bare tokenizer given the same cache size, is reported as
information (``tokenizer_same_cache_per_s``, ``ratio_same_cache``); the goal's ratio stays against
the bare tokenizer as spaCy ships it.

The synthetic abstracts meet new words about as often as real ones (``synth.py``'s open
vocabulary): spaCy's tokenizer caches the split of every string it has seen, so its rate depends on
how varied the words are far more than the extractor's does. ``--fixed-vocabulary`` also races on
the corpus of fixed word lists (the generator's first version, whose vocabulary hardly grows) and
adds it under ``"fixed_vocabulary"``, as information. ``--real FILE`` runs the same race on real
papers (``run.py`` passes the shared gold papers when they are beside the repository) and adds it
under ``"real"``. Every part also gives how many distinct words the first 50,000 words hold.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from paperkg.model import Paper, Source

HERE = Path(__file__).resolve().parent


def _synth() -> ModuleType:
    """benchmarks/synth.py, imported by path (benchmarks/ is not a package)."""
    if "synth" in sys.modules:
        return sys.modules["synth"]
    spec = importlib.util.spec_from_file_location("synth", HERE / "synth.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["synth"] = module
    spec.loader.exec_module(module)
    return module


def synthetic_papers(n: int, seed: int = 1, start: int = 1, open_vocabulary: bool = True) -> list[Paper]:
    """``n`` synthetic papers as the readers would make them."""
    synth = _synth()
    return [
        Paper(id=r["id"], title=r["title"], abstract=r["abstract"], source=Source("synthetic.jsonl", i))
        for i, r in enumerate(synth.generate(n, seed, start, open_vocabulary), start)
    ]


def _timed(fn: Callable[[], Any]) -> float:
    gc.collect()
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _race(papers: list[Paper], warm: list[Paper], repeats: int) -> tuple[float, float, float, dict[str, int]]:
    """Best-of-``repeats`` seconds of the bare tokenizer, of the extractor, and of the bare tokenizer
    given the extractor's cache size, over ``papers``, each run on a fresh pipeline warmed up on
    ``warm``; and what they made (tokens, entities and URLs)."""
    import spacy

    from paperkg.extraction import Extractor
    from paperkg.extraction.components import TOKENIZER_CACHE

    counts: dict[str, int] = {}

    def run_tokenizer(cache: int | None = None) -> float:
        # A fresh pipeline each time: spaCy's tokenizer caches what it has seen, so a second pass
        # over the same texts would time the cache, not the tokenizer.
        nlp = spacy.blank("en")
        if cache is not None:
            nlp.tokenizer.max_cache_size = cache
        make_doc = nlp.make_doc
        for p in warm:
            make_doc(p.title)
            make_doc(p.abstract)

        def run() -> None:
            counts["tokens"] = sum(len(make_doc(p.title)) + len(make_doc(p.abstract)) for p in papers)

        return _timed(run)

    def run_extractor() -> float:
        extractor = Extractor()
        for _ in extractor.pipe(warm):
            pass

        def run() -> None:
            counts["found"] = sum(len(x.entities) + len(x.urls) for x in extractor.pipe(papers))

        return _timed(run)

    # Alternate them, so that a slower or faster spell of the machine falls on all.
    rounds = range(max(1, repeats))
    times = [(run_tokenizer(), run_extractor(), run_tokenizer(TOKENIZER_CACHE)) for _ in rounds]
    return min(t[0] for t in times), min(t[1] for t in times), min(t[2] for t in times), counts


def mean_words(papers: list[Paper]) -> float:
    return round(sum(len(p.title.split()) + len(p.abstract.split()) for p in papers) / max(len(papers), 1), 1)


def distinct_words(papers: list[Paper], words: int = 50_000) -> int:
    """How many distinct whitespace-separated words the first ``words`` words hold: how varied a
    corpus's vocabulary is, which decides how often the tokenizer's cache already has a word."""
    seen: set[str] = set()
    n = 0
    for p in papers:
        for w in f"{p.title} {p.abstract}".split():
            if n == words:
                return len(seen)
            seen.add(w)
            n += 1
    return len(seen)


def measure(
    n: int = 5000, seed: int = 1, warmup: int = 200, repeats: int = 1, open_vocabulary: bool = True
) -> dict[str, Any]:
    """Time the tokenizer and the extractor on ``n`` synthetic papers (best of ``repeats``)."""
    import spacy

    from paperkg.extraction import Extractor

    papers = synthetic_papers(n, seed, open_vocabulary=open_vocabulary)
    # warm-up texts come after the measured ones, so they are different papers
    warm = synthetic_papers(warmup, seed, n + 1, open_vocabulary) if warmup > 0 else []
    t0 = time.perf_counter()
    Extractor()  # the first load reads the registry and pattern files
    load_s = time.perf_counter() - t0
    tok_s, ext_s, same_cache_s, counts = _race(papers, warm, repeats)
    tok_rate = n / tok_s
    ext_rate = n / ext_s
    return {
        "benchmark": "extract_speed",
        "vocabulary": "open" if open_vocabulary else "fixed",
        "abstracts": n,
        "seed": seed,
        "mean_words": mean_words(papers),
        "distinct_in_first_50k_words": distinct_words(papers),
        "tokens": counts["tokens"],
        "entities_and_urls": counts["found"],
        "tokenizer_s": round(tok_s, 3),
        "extractor_s": round(ext_s, 3),
        "tokenizer_per_s": round(tok_rate, 1),
        "extractor_per_s": round(ext_rate, 1),
        "ratio": round(ext_rate / tok_rate, 3),
        "goal_per_s": 1000,
        "goal_ratio": 0.4,
        "goals_met": ext_rate >= 1000 and ext_rate / tok_rate >= 0.4,
        # Information: the bare tokenizer given the extractor's tokenizer cache size (spaCy's default
        # is 10,000 strings, which a few thousand abstracts fill), and the ratio against it.
        "tokenizer_same_cache_per_s": round(n / same_cache_s, 1),
        "ratio_same_cache": round(same_cache_s / ext_s, 3),
        "model_load_s": round(load_s, 3),
        "warmup_abstracts": warmup,
        "repeats": max(1, repeats),
        "machine": {
            "python": platform.python_version(),
            "spacy": spacy.__version__,
            "cpus": os.cpu_count(),
            "load_average_1m": round(os.getloadavg()[0], 2),
        },
    }


def measure_real(path: str, repeats: int = 1) -> dict[str, Any]:
    """The same race on real papers (any input ``paperkg`` reads): the first half warms both
    pipelines up, the second half is timed. Real text has a far more varied vocabulary than the
    synthetic corpus, so the tokenizer finds fewer of its words in its cache."""
    from paperkg.readers import Warnings, read_input

    papers = [p for p in read_input(path, Warnings([])) if isinstance(p, Paper)]
    if len(papers) < 20:
        raise SystemExit(f"extract_speed: {path}: {len(papers)} papers, need at least 20")
    warm, timed = papers[: len(papers) // 2], papers[len(papers) // 2 :]
    tok_s, ext_s, same_cache_s, counts = _race(timed, warm, repeats)
    return {
        "file": path,
        "abstracts": len(timed),
        "warmup_abstracts": len(warm),
        "mean_words": mean_words(timed),
        "distinct_in_first_50k_words": distinct_words(papers),
        "tokens": counts["tokens"],
        "entities_and_urls": counts["found"],
        "tokenizer_per_s": round(len(timed) / tok_s, 1),
        "extractor_per_s": round(len(timed) / ext_s, 1),
        "ratio": round(tok_s / ext_s, 3),
        "tokenizer_same_cache_per_s": round(len(timed) / same_cache_s, 1),
        "repeats": max(1, repeats),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--n", type=int, default=5000, help="abstracts to time (default 5000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--warmup", type=int, default=200, help="untimed warm-up abstracts (default 200)")
    ap.add_argument("--repeats", type=int, default=1, help="best of this many timed runs (default 1)")
    ap.add_argument(
        "--real",
        metavar="FILE",
        help="also race on the real papers of FILE (first half warms up, second half timed)",
    )
    ap.add_argument(
        "--fixed-vocabulary",
        action="store_true",
        help="also race on the synthetic corpus of fixed word lists (information)",
    )
    args = ap.parse_args(argv)
    if args.n < 1:
        ap.error("--n must be >= 1")
    result = measure(args.n, args.seed, args.warmup, args.repeats)
    if args.fixed_vocabulary:
        fixed = measure(args.n, args.seed, args.warmup, args.repeats, open_vocabulary=False)
        for key in ("goal_per_s", "goal_ratio", "goals_met", "machine"):  # the goals are the main race's
            fixed.pop(key)
        result["fixed_vocabulary"] = fixed
    if args.real:
        from paperkg.readers import InputError

        try:
            result["real"] = measure_real(args.real, args.repeats)
        except InputError as exc:
            ap.error(str(exc))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A deterministic synthetic corpus of ML paper records for the scale benchmarks.

    .venv/bin/python benchmarks/synth.py --n 100000 --seed 1 -o corpus.jsonl.gz
    .venv/bin/python benchmarks/synth.py --n 1000 --start 100001 --seed 1 -o new1000.jsonl

Writes JSON Lines (gzip when the name ends in ``.gz``) of ``{"id": "synth-000001", "title",
"abstract"}`` records shaped like multimodal / LLM paper abstracts: 120-250 word abstracts built
from sentence templates, entity names drawn Zipf-like from the project's registry
(``paperkg/extraction/data/registry.jsonl``) plus generated novel names ("Glimmer-7B", "VistaBench",
"OmniCap-2M"), cue words ("dataset", "benchmark", "we introduce") and occasional code / project URLs.
All text comes from the templates below. Their content words come partly from a large invented
lexicon, so that the corpus meets new words as often as real abstracts do (the tokenizer's cache,
and so its speed, depends on that); ``--fixed-vocabulary`` leaves that out, which gives the corpus
of this generator's first version.

Record ``i`` depends only on ``(seed, i)`` and the titles before it in the same run, so a corpus of
10,000 is the prefix of the corpus of 100,000 with the same seed, and ``--start N+1`` continues a
corpus of ``N`` with new papers. Same arguments, same bytes (the gzip header carries no time).
"""

from __future__ import annotations

import argparse
import bisect
import gzip
import itertools
import json
import random
import re
import string
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import IO, Any

WORDS_MIN, WORDS_MAX = 120, 250
ZIPF_S = 1.07
NOVEL_PER_TYPE = 2500

# ---------------------------------------------------------------- vocabulary (all invented here)
ROOTS = (
    *("Glimmer", "Vista", "Omni", "Lumen", "Astra", "Nova", "Quill", "Sable", "Orca", "Kestrel"),
    *("Marble", "Cobalt", "Aurora", "Tessel", "Prism", "Helix", "Zephyr", "Fathom", "Ember", "Lynx"),
    *("Mosaic", "Halo", "Onyx", "Pylon", "Quasar", "Rune", "Sprout", "Tundra", "Umbra", "Vesper"),
    *("Wren", "Yarrow", "Zenith", "Beacon", "Cinder", "Drift", "Ferro", "Gale", "Harbor", "Iris"),
    *("Juniper", "Krill", "Lattice", "Meridian", "Nimbus", "Oriel", "Pique", "Quartz", "Ripple", "Solace"),
    *("Thistle", "Unity", "Vortex", "Willow", "Xylo", "Yonder", "Zircon", "Atlas", "Bramble", "Corvid"),
    *("Delta", "Eclipse", "Flint", "Garnet", "Heron", "Ivy", "Jasper", "Kite", "Loom", "Mistral"),
    *("Nectar", "Opal", "Petal", "Quokka", "Raven", "Sonar", "Talon", "Ursa", "Velvet", "Whisk"),
)
MODEL_PARTS = ("", "", "", "VL", "LM", "Chat", "Vid", "Coder", "Math", "Med", "Agent", "Seg", "Gen", "R")
MODEL_TAILS = ("-7B", "-13B", "-1.5", "-2", "-Mini", "-Pro", "-70B", "-3B", "-0.5B", "-8B", "", "-V")
DATA_PARTS = ("Cap", "Instruct", "QA", "Set", "Corpus", "Text", "Vid", "Sync", "Dialog", "Pairs", "Chart")
DATA_TAILS = ("-2M", "-150K", "-1B", "-10K", "-400K", "", "", "-HQ", "-v2")
BENCH_PARTS = ("Bench", "Eval", "Arena", "Test", "Suite", "Bench", "QA-Bench")
BENCH_TAILS = ("", "", "", "-Hard", "-Lite", "-Pro", "-2")
LAB_SUFFIX = ("-lab", "ai", "-nlp", "-group", "-research", "ml", "-vision")

ADJ = (
    *("simple", "scalable", "efficient", "unified", "lightweight", "robust", "general-purpose"),
    *("data-efficient", "training-free", "open", "fine-grained", "compositional", "interpretable"),
)
ARCH = (
    *("vision-language model", "multimodal large language model", "diffusion transformer"),
    *("mixture-of-experts language model", "video-language assistant", "retrieval-augmented generator"),
    *("speech-language model", "reward model", "vision encoder", "agentic framework"),
)
TASKS = (
    *("visual question answering", "image captioning", "long-video understanding", "document parsing"),
    *("chart reasoning", "mathematical reasoning", "code generation", "text-to-image generation"),
    *("referring segmentation", "open-vocabulary detection", "embodied planning", "GUI navigation"),
    *("instruction following", "multilingual translation", "speech recognition", "3D scene understanding"),
    *("medical report generation", "table question answering", "multi-turn dialogue", "video captioning"),
    *("visual grounding", "image editing", "audio captioning", "scene text recognition", "video generation"),
    *("tool use", "program synthesis", "visual reasoning", "motion generation", "depth estimation"),
)
DOMAINS = (
    *("natural images", "scientific figures", "egocentric video", "web pages", "remote sensing"),
    *("radiology", "mobile screenshots", "robot manipulation", "news articles", "textbooks"),
    *("driving scenes", "satellite imagery", "handwritten notes", "infographics", "surgical video"),
)
TECHNIQUES = (
    *("contrastive pre-training", "instruction tuning", "preference optimization", "curriculum learning"),
    *("low-rank adaptation", "token merging", "self-distillation", "reinforcement learning from feedback"),
    *("chain-of-thought supervision", "dynamic resolution", "sparse attention", "visual token pruning"),
    *("synthetic data", "test-time scaling", "speculative decoding", "model merging", "quantization"),
)
LIMITS = (
    *("they struggle with fine-grained spatial reasoning", "their inference cost grows quickly with input"),
    *("they often hallucinate objects that are not present", "evaluation remains fragmented"),
    *("high-quality supervision is scarce and expensive", "they generalize poorly to unseen domains"),
)
UNITS = ("image-text pairs", "instruction samples", "video clips", "question-answer pairs", "documents")
ITEMS = ("questions", "tasks", "test cases", "human-verified problems", "multiple-choice items")
CATS = ("categories", "skills", "domains", "task types", "difficulty levels")
NUMS = ("1.2M", "350K", "12K", "2.5M", "80K", "4,000", "600K", "25K", "10M", "1,500")
PCTS = ("3.1%", "4.7%", "2.3 points", "6.2%", "1.8 points", "9.5%", "12.4%", "0.9 points")
KS = ("12", "8", "20", "35", "6", "15", "47", "10")

# ---------------------------------------------------------------- open vocabulary (invented here)
# Real abstracts keep using words they have not used before: the shared gold papers hold 8,421
# distinct words in their first 50,000, where the fixed word lists above give about 2,400. The
# content words of the OPEN sentences are drawn Zipf-like from lexicons of invented words (up to
# some 80,000 per slot) made from the morphemes below, so that the corpus grows its vocabulary as
# real text does (tests/test_benchmarks_smoke.py compares the two). Many of the words are not
# English; the tokenizer and the rules see only their shapes, which are those of content words.
PREFIXES = (
    *("", "re", "pre", "multi", "cross", "inter", "sub", "self-", "hyper"),
    *("meta", "co", "de", "non-", "over", "under", "semi", "post", "trans", "counter", "intra", "auto"),
    *("micro", "macro", "pseudo", "quasi", "bi", "poly", "mis", "out", "up", "dis", "en", "fore"),
)
STEMS = (
    *("align", "calibrat", "compos", "condens", "tokeniz", "segment", "render", "fus", "distill", "ground"),
    *("retriev", "annotat", "caption", "sampl", "weight", "prun", "merg", "rout", "encod", "decod"),
    *("attend", "project", "quantiz", "normaliz", "regulariz", "augment", "perturb", "interpolat"),
    *("localiz", "match", "rank", "cluster", "partition", "embedd", "reconstruct", "synthesiz", "simulat"),
    *("estimat", "predict", "classif", "generat", "transform", "refin", "filter", "schedul", "plann"),
    *("navigat", "manipulat", "track", "detect", "recogn", "pars", "summariz", "translat", "transcrib"),
    *("verif", "reason", "compress", "expand", "adapt", "anchor", "bootstrap", "buffer", "cach", "chunk"),
    *("collaps", "compil", "conditionn", "constrain", "contextualiz", "correct", "couple", "crop", "curat"),
    *("debias", "denois", "deploy", "deriv", "diffus", "discretiz", "dispatch", "edit", "elicit", "emitt"),
    *("enrich", "ensembl", "entangl", "evolv", "exploit", "explor", "factoriz", "forecast", "gat", "guid"),
    *("hash", "imput", "index", "infer", "initializ", "inpaint", "integrat", "invert", "iterat", "label"),
    *("learn", "linger", "mask", "memoriz", "migrat", "mix", "modulat", "monitor", "orchestrat", "order"),
    *("pack", "pad", "pair", "patch", "penaliz", "pool", "prompt", "propagat", "prob", "quer", "recall"),
    *("rectif", "reflect", "repair", "replay", "resampl", "rescal", "revis", "reward", "rollout", "scor"),
    *("search", "select", "shard", "shift", "shuffl", "smooth", "sort", "spars", "split", "stabiliz"),
    *("steer", "stitch", "stream", "structur", "supervis", "tagg", "templat", "thresh", "tun", "unroll"),
    *("upsampl", "valid", "vectoriz", "warp", "window", "zoom", "graph", "pixel", "voxel", "morph"),
    *("lattic", "manifold", "spectr", "tensor", "kernel", "gradient", "topolog", "geometr", "semant"),
    *("syntact", "lexic", "phonet", "acoust", "optic", "tempor", "spati", "causal", "probabil", "symbol"),
    *("algebra", "modal", "visu", "textu", "numer", "logic", "dynam", "stochast", "entrop", "canon"),
)
NOUN_ENDS = ("ation", "ment", "er", "ing", "ity", "ness", "ance", "ism", "or", "ure", "ics", "ion", "ist")
ADJ_ENDS = ("ive", "able", "al", "ed", "ic", "ory", "ent", "ous", "ant", "ish", "less", "ary", "ile")
VERB_ENDS = ("e", "", "en", "ify")
OPEN_ZIPF_S = 1.0

OPEN = (
    "Specifically, we {overb} the {onoun} into {oadj} {onouns} and {overb} each of them with {oadj} {onoun}.",
    "Unlike {oadj} {onouns}, our {onoun} is {oadj} and needs no {compound} {onoun}.",
    "{Oadj} {onouns} {overb} the {onoun} of the {onoun}, {onoun}, and {onoun}.",
    "We show that {compound} {onoun} {overbs} the {onoun} of {oadj} {onouns} by {decimal}%.",
    "A {oadj} {onoun} module {overbs} the {onouns} of each {onoun} before {onoun}.",
    "{Onoun} of {oadj} {onouns} ({acronym}) remains {oadj}, {oadj}, and {oadj}.",
    "The resulting {onouns} are {oadj} and {compound}, which makes {onoun} of {onouns} easier.",
    "To {overb} {compound} {onouns}, we {overb} {oadj} {onoun} that {overbs} {onouns} across {onouns}.",
    "Our analysis reveals that {onouns} with {oadj} {onoun} tend to {overb} {oadj} {onouns}.",
    "Each {onoun} is {overbed} by {oadj} {onoun}, and the {onouns} are {overbed} jointly.",
    "{Onouns} such as {onoun}, {onoun}, and {compound} {onoun} are {overbed} separately.",
    "Across {k} {onouns}, the {compound} {onoun} improves {onoun} over {oadj} {onouns}.",
)

# Slot names in upper case are fixed for one paper; lower case ones are drawn per sentence.
NEW_TITLES = {
    "model": (
        "{NEW}: {A_Adj} {Arch} for {Task}",
        "{NEW}: Scaling {Technique} for {Task}",
        "{NEW}: Towards {Adj} {Task} in {Domain}",
    ),
    "dataset": (
        "{NEW}: {A_Adj} Dataset for {Task}",
        "{NEW}: {num} {Unit} for {Task}",
        "{NEW}: An Open Corpus for {Task}",
    ),
    "benchmark": (
        "{NEW}: Benchmarking {Arch}s on {Task}",
        "{NEW}: {A_Adj} Benchmark for {Task} in {Domain}",
        "{NEW}: How Far Are {Arch}s from Human-Level {Task}?",
    ),
}
TITLE_TEMPLATES = (
    "{Gerund} {Task} with {Technique}",
    "{Gerund} {Adj} {Task} via {Technique}",
    "Towards {Adj} {Task} on {Domain}",
    "On the Limits of {Technique} for {Task}",
    "When {Technique} Meets {Task}: {A} Study on {Domain}",
    "{Technique} Is All You Need for {Adj} {Task}",
    "Rethinking {Technique} in {Arch}s for {Task}",
)
TITLE_TAILS = (
    *("", "", "", "", " at Scale", " in {Domain}", " with Limited Supervision", " under Distribution Shift"),
    *(": {A} Study", " via {Technique}", " without Human Annotations", " beyond English"),
    *(" for {Domain}", ": Lessons from {k} Models", " in the Wild", " on a Budget"),
)
GERUNDS = ("Improving", "Scaling", "Benchmarking", "Revisiting", "Accelerating", "Grounding", "Aligning")

OPENERS = (
    "Recent {arch}s have achieved remarkable progress on {TASK}, yet {limit}.",
    "Despite rapid advances in {TASK}, {limit}.",
    "{Task} on {DOMAIN} is a central capability of modern {arch}s, but {limit}.",
    "Large-scale pre-training has transformed {TASK}; however, {limit}.",
)
CONTEXT = (
    "Existing approaches typically rely on {technique}, which limits their applicability to {DOMAIN}.",
    "Prior work such as {M} and {M2} mainly targets short inputs and single-turn interactions.",
    "Most current systems are evaluated on {B} alone, which hides important failure modes.",
)
INTRO = {
    "model": (
        "In this paper, we introduce {NEW}, {a_adj} {arch} that unifies perception and reasoning.",
        "We propose {NEW}, {a_adj} {arch} designed for {TASK} on {DOMAIN}.",
        "To this end, we present {NEW}, an open {arch} trained with {technique}.",
    ),
    "dataset": (
        "To address this gap, we introduce {NEW}, {a_adj} dataset of {num} {unit} collected from {DOMAIN}.",
        "We construct {NEW}, a new dataset containing {num} {unit} with dense human annotations.",
        "We release {NEW}, a large-scale corpus of {num} {unit} curated for {TASK}.",
    ),
    "benchmark": (
        "We introduce {NEW}, a benchmark of {num} {item} spanning {k} {cat} of {TASK}.",
        "To measure progress, we present {NEW}, {a_adj} benchmark for {TASK} on {DOMAIN}.",
        "We build {NEW}, a challenging evaluation suite with {num} {item} across {k} {cat}.",
    ),
    "analysis": (
        "In this work, we systematically study how {technique} affects {TASK} across model scales.",
        "We conduct a large-scale empirical analysis of {arch}s on {TASK} in {DOMAIN}.",
    ),
}
DATA = {
    "model": (
        "{NEW} is pre-trained on {D} and further instruction-tuned on {D2}.",
        "We train {NEW} on a mixture of {D}, {D2} and synthetic data generated by {M}.",
        "Starting from {M}, we fine-tune on the {D} dataset with {technique}.",
    ),
    "dataset": (
        "Each sample in {NEW} is verified by annotators and paired with rationales written with {M}.",
        "Compared with {D} and {D2}, {NEW} covers more diverse {DOMAIN} and longer contexts.",
        "Models fine-tuned on {NEW} improve over those trained on {D} across all settings.",
    ),
    "benchmark": (
        "Unlike {B} and {B2}, {NEW} requires multi-step reasoning over {DOMAIN}.",
        "All items in {NEW} are written from scratch to avoid contamination with {D}.",
    ),
    "analysis": (
        "We fine-tune {M} and {M2} on {D} under matched compute budgets.",
        "Our study covers models trained on {D}, {D2} and their filtered subsets.",
    ),
}
EVAL = {
    "model": (
        "Extensive experiments on {B}, {B2} and {B3} show that {NEW} outperforms {M} by {pct} on average.",
        "{NEW} achieves state-of-the-art results on the {B} benchmark and remains competitive on {B2}.",
        "On {B} and {B2}, {NEW} surpasses {M} and {M2} while using fewer visual tokens.",
    ),
    "dataset": (
        "Training {M} on {NEW} yields gains of {pct} on {B} and {B2}.",
        "We benchmark {M}, {M2} and {M3} and find consistent improvements on {B}.",
    ),
    "benchmark": (
        "We evaluate {k} models, including {M}, {M2} and {M3}; even the best lags humans by {pct}.",
        "Results on {NEW} correlate only weakly with scores on {B}, revealing complementary skills.",
    ),
    "analysis": (
        "Evaluations on {B}, {B2} and {B3} reveal that gains from {technique} saturate quickly.",
        "We find that {M} benefits more from data quality than from scale on {B}.",
    ),
}
COMPARE = (
    "Compared with strong baselines such as {M} and {M2}, our approach is {adj} and easier to reproduce.",
    "Notably, a 7B variant matches the much larger {M} on {B}.",
    "Ablations on {D} confirm that each component contributes to the final performance.",
)
FILLERS = (
    "Our method consists of {a_adj} encoder, a lightweight projector and a language decoder.",
    "We further adopt {technique} to reduce the cost of training.",
    "The key idea is to decouple perception from reasoning so that each stage can be scaled independently.",
    "This design keeps inference fast while preserving accuracy on challenging inputs.",
    "We also analyze failure cases and show that most errors stem from ambiguous instructions.",
    "{A_adj} data pipeline filters low-quality samples using model-based scoring and deduplication.",
    "Moreover, we study the effect of input resolution, context length and the number of training steps.",
    "Human evaluation confirms that the generated outputs are more faithful and more informative.",
    "We observe that {technique} is particularly helpful in the low-data regime.",
    "The approach requires no additional annotations and can be applied to any existing {arch}.",
    "Our analysis highlights the importance of balanced data mixtures across {cat}.",
    "Qualitative examples show that the model grounds its answers in the relevant regions of the input.",
    "Training converges in less than two days on a single node of eight GPUs.",
    "These results suggest that careful {technique} matters more than sheer model size.",
)
URL_SENTENCES = {
    "code": ("Code and models are available at {URL}.", "Our code is publicly released at {URL}."),
    "project": ("More results can be found on our project page: {URL}.", "Project page: {URL}."),
    "data": ("The data is available at {URL}.",),
}
CLOSINGS = (
    "We hope our work will serve as {a_adj} foundation for future research on {TASK}.",
    "We will release all data, code and checkpoints to facilitate further research.",
    "Our findings offer practical guidance for building {adj} {arch}s.",
)

PAPER_KINDS = ("model", "dataset", "benchmark", "analysis")
PAPER_KIND_CUM = (0.55, 0.75, 0.90, 1.0)
NEW_TYPE = {"model": "model", "dataset": "dataset", "benchmark": "benchmark", "analysis": "model"}

_FIELDS = string.Formatter()


def _slots(template: str) -> tuple[str, ...]:
    return tuple(name for _, name, _, _ in _FIELDS.parse(template) if name)


# ---------------------------------------------------------------- names
def load_registry() -> dict[str, list[str]]:
    """Registry names by type (model, dataset, benchmark), in file order."""
    out: dict[str, list[str]] = {"model": [], "dataset": [], "benchmark": []}
    text = resources.files("paperkg.extraction").joinpath("data/registry.jsonl").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip():
            rec = json.loads(line)
            if rec.get("type") in out and rec.get("name"):
                out[rec["type"]].append(rec["name"])
    return out


def novel_name(rng: random.Random, etype: str) -> str:
    """An invented name of the given type, e.g. Glimmer-7B, VistaBench, OmniCap-2M."""
    root = rng.choice(ROOTS)
    if rng.random() < 0.35:
        root += rng.choice(ROOTS).lower()
    if etype == "model":
        return root + rng.choice(MODEL_PARTS) + rng.choice(MODEL_TAILS)
    if etype == "dataset":
        return root + rng.choice(DATA_PARTS) + rng.choice(DATA_TAILS)
    return root + rng.choice(BENCH_PARTS) + rng.choice(BENCH_TAILS)


class Zipf:
    """Draws from ``names`` with probability proportional to ``1 / rank ** s``."""

    def __init__(self, names: list[str], s: float = ZIPF_S) -> None:
        self.names = names
        self.cum = list(itertools.accumulate(1.0 / (r + 1) ** s for r in range(len(names))))
        self.total = self.cum[-1]

    def draw(self, rng: random.Random) -> str:
        return self.names[bisect.bisect_right(self.cum, rng.random() * self.total)]


class Vocabulary:
    """Per-type Zipf pools: registry names (shuffled with the seed) first, then novel names."""

    def __init__(self, seed: int, novel_per_type: int = NOVEL_PER_TYPE, open_vocabulary: bool = True) -> None:
        rng = random.Random(f"vocab-{seed}")
        registry = load_registry()
        self.pools: dict[str, Zipf] = {}
        for etype in ("model", "dataset", "benchmark"):
            known = list(registry[etype])
            rng.shuffle(known)
            seen = set(known)
            novel: list[str] = []
            while len(novel) < novel_per_type:
                n = novel_name(rng, etype)
                if n not in seen:
                    seen.add(n)
                    novel.append(n)
            # novel names interleaved into the tail so that the head is mostly well-known names
            names = known[:50] + [x for pair in itertools.zip_longest(known[50:], novel) for x in pair if x]
            self.pools[etype] = Zipf(names)
        self.labs = [r.lower() + rng.choice(LAB_SUFFIX) for r in ROOTS]
        # without it, the corpus of the fixed word lists only (this generator's first version)
        self.open = open_lexicon(seed) if open_vocabulary else {}


def open_lexicon(seed: int, s: float = OPEN_ZIPF_S) -> dict[str, Zipf]:
    """Zipf pools of invented content words by slot: ``onoun``, ``onouns``, ``oadj``, ``overb``,
    ``overbs`` (third person) and ``overbed``. Words without a prefix tend to rank higher, as
    short words are the frequent ones in real text."""
    rng = random.Random(f"open-{seed}")
    forms: dict[str, list[tuple[float, str]]] = {
        k: [] for k in ("onoun", "onouns", "oadj", "overb", "overbs", "overbed")
    }

    def add(slot: str, prefix: str, word: str) -> None:
        forms[slot].append((rng.random() + (0.6 if prefix else 0.0), word))

    for prefix in PREFIXES:
        for stem in STEMS:
            for end in NOUN_ENDS:
                noun = prefix + stem + end
                add("onoun", prefix, noun)
                add("onouns", prefix, noun + ("es" if noun.endswith("s") else "s"))
            for end in ADJ_ENDS:
                add("oadj", prefix, prefix + stem + end)
            for end in VERB_ENDS:
                verb = prefix + stem + end
                add("overb", prefix, verb)
                add("overbs", prefix, verb + ("es" if verb.endswith("s") else "s"))
            add("overbed", prefix, prefix + stem + ("d" if stem.endswith("e") else "ed"))
    return {k: Zipf([w for _, w in sorted(v)], s) for k, v in forms.items()}


# ---------------------------------------------------------------- one record
def _title_case(text: str) -> str:
    return " ".join(w[:1].upper() + w[1:] if w not in _SMALL else w for w in text.split(" "))


_SMALL = frozenset(("a", "an", "and", "for", "from", "of", "on", "the", "to", "with"))


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


class _Slots(dict[str, str]):
    """Slot values of one paper: upper-case slots fixed per paper, lower-case drawn per use."""

    def __init__(self, rng: random.Random, vocab: Vocabulary, kind: str) -> None:
        super().__init__()
        self.rng = rng
        self.vocab = vocab
        self.kind = kind
        self.used: set[str] = set()

    def _entity(self, etype: str) -> str:
        name = ""
        for _ in range(6):
            name = self.vocab.pools[etype].draw(self.rng)
            if name not in self.used:
                break
        self.used.add(name)
        return name

    def __missing__(self, key: str) -> str:
        rng = self.rng
        fixed = key.isupper()
        head = key.rstrip("0123456789")
        value: str
        if head == "M":
            value = self._entity("model")
        elif head == "D":
            value = self._entity("dataset")
        elif head == "B":
            value = self._entity("benchmark")
        elif key == "NEW":
            value = novel_name(rng, NEW_TYPE[self.kind])
            self.used.add(value)
        elif key == "TASK":
            value = rng.choice(TASKS)
        elif key in ("Task", "Domain"):  # the paper's task or domain in a title
            value = _title_case(self[key.upper()])
        elif key == "DOMAIN":
            value = rng.choice(DOMAINS)
        elif key == "URL":
            value = self._url()
        else:
            value = self._word(key)
        if fixed:
            self[key] = value
        return value

    def _word(self, key: str) -> str:
        rng = self.rng
        low = key.lower()
        open_pools = self.vocab.open
        if low in open_pools:  # an invented content word; capitalized at a sentence's start
            word = open_pools[low].draw(rng)
            return word[:1].upper() + word[1:] if key[:1].isupper() else word
        if key == "compound":  # "tokenization-guided", "spectral-patch"
            if rng.random() < 0.5:
                return open_pools["onoun"].draw(rng) + "-" + open_pools["overbed"].draw(rng)
            return open_pools["oadj"].draw(rng) + "-" + open_pools["onoun"].draw(rng)
        if key == "acronym":  # a plural acronym of plain words, as "(LLMs)" follows its long form
            return "".join(rng.choice(string.ascii_uppercase) for _ in range(rng.randint(2, 4))) + "s"
        if key == "decimal":
            return f"{rng.uniform(0.5, 60.0):.1f}"
        pools: dict[str, tuple[str, ...]] = {
            "adj": ADJ,
            "arch": ARCH,
            "technique": TECHNIQUES,
            "limit": LIMITS,
            "num": NUMS,
            "pct": PCTS,
            "k": KS,
            "unit": UNITS,
            "item": ITEMS,
            "cat": CATS,
            "gerund": GERUNDS,
            "a": ("A", "An Empirical", "A Controlled", "A Large-Scale"),
        }
        if low == "a_adj":  # the adjective with its article: "a simple", "an efficient"
            adj = rng.choice(ADJ)
            article = "an" if adj[0] in "aeio" or (adj.startswith("un") and adj[2] != "i") else "a"
            adj = _title_case(adj) if key == "A_Adj" else adj
            return (article.capitalize() if key[0] == "A" else article) + " " + adj
        value = rng.choice(pools[low])
        if key[:1].isupper() and low != "a":  # title case for title slots such as {Adj}
            value = _title_case(value)
        return value

    def _url(self) -> str:
        rng = self.rng
        lab = rng.choice(self.vocab.labs)
        project = _slug(self["NEW"]) if "NEW" in self else _slug(rng.choice(ROOTS)) + "-study"
        kind = self.get("url_kind", "code")
        if kind == "project":
            return f"https://{lab}.github.io/{project}/"
        if kind == "data":
            return f"https://huggingface.co/datasets/{lab}/{project}"
        return f"https://github.com/{lab}/{project}"


_TITLE_KEY = re.compile(r"[\W_]+")  # as paperkg.keys.title_key, without NFKC


def _fill(templates: tuple[str, ...], slots: _Slots) -> str:
    return slots.rng.choice(templates).format_map(slots)


def _words(s: str) -> int:
    return s.count(" ") + 1


def make_record(
    index: int, seed: int, vocab: Vocabulary, taken: set[str] | None = None, title_only: bool = False
) -> dict[str, str]:
    """Record number ``index`` (1-based) of the corpus with this seed; ``taken`` holds the normalized
    titles of the records before it (a title found there is drawn again)."""
    rng = random.Random(seed * 1_000_003 + index)
    u = rng.random()
    kind = PAPER_KINDS[bisect.bisect_right(PAPER_KIND_CUM, u)]
    slots = _Slots(rng, vocab, kind)

    templates = TITLE_TEMPLATES + NEW_TITLES.get(kind, ()) * 2
    title = key = ""
    for attempt in range(12):
        if attempt:  # a collision: draw a new name, task and domain for this paper
            for k in ("NEW", "TASK", "DOMAIN"):
                slots.pop(k, None)
        core = rng.choice(templates)
        tail = rng.choice(TITLE_TAILS)
        if tail and (
            (":" in core and ":" in tail)
            or ("{Domain}" in core and "{Domain}" in tail)
            or tail.split()[0] in core.split()
        ):
            tail = ""
        title = (core + tail).format_map(slots)
        title = title[:1].upper() + title[1:]
        key = _TITLE_KEY.sub("", title.casefold())
        if taken is None or key not in taken:
            break
    if taken is not None:
        taken.add(key)
    if title_only:
        return {"id": f"synth-{index:06d}", "title": title}

    target = rng.randint(WORDS_MIN + 10, WORDS_MAX - 10)
    head = [_fill(OPENERS, slots)]
    if rng.random() < 0.5:
        head.append(_fill(CONTEXT, slots))
    head.append(_fill(INTRO[kind], slots))
    body = [_fill(DATA[kind], slots), _fill(EVAL[kind], slots)]
    optional = []
    if rng.random() < 0.5:
        optional.append(_fill(COMPARE, slots))
    u = rng.random()
    if u < 0.55:
        slots["url_kind"] = "code" if u < 0.35 else ("project" if u < 0.5 else "data")
        if slots["url_kind"] == "data" and kind not in ("dataset", "benchmark"):
            slots["url_kind"] = "code"
        optional.append(_fill(URL_SENTENCES[slots["url_kind"]], slots))
    closing = [_fill(CLOSINGS, slots)] if rng.random() < 0.7 else []

    sentences = head + body
    words = sum(_words(s) for s in sentences + optional + closing)
    fillers: list[str] = []
    # each filler at most once per abstract; two sentences of open vocabulary to one fixed one
    pool = rng.sample(FILLERS, len(FILLERS))
    if vocab.open:
        opens = rng.sample(OPEN, len(OPEN))
        pool = [t for k in range(len(pool)) for t in (*opens[2 * k : 2 * k + 2], pool[k])]
    for template in pool:
        if words >= target:
            break
        f = template.format_map(slots)
        if words + _words(f) > WORDS_MAX:
            break
        fillers.append(f)
        words += _words(f)
    # fillers go between the introduction and the results, like a method description
    middle = fillers[: len(fillers) // 2 + 1]
    late = fillers[len(fillers) // 2 + 1 :]
    abstract = " ".join([*head, *middle, body[0], *late, body[1], *optional, *closing])
    return {"id": f"synth-{index:06d}", "title": title, "abstract": abstract}


def generate(n: int, seed: int = 1, start: int = 1, open_vocabulary: bool = True) -> Iterator[dict[str, str]]:
    """``n`` records numbered from ``start``, all titles distinct. With ``start`` > 1 the titles of
    records 1 .. start-1 are drawn first (not their abstracts), so the records are exactly those of
    a longer corpus and new with respect to the corpus of ``start - 1`` records. With
    ``open_vocabulary=False`` the abstracts use the fixed word lists only, as this generator's
    first version did (its vocabulary hardly grows: a benchmark comparison, not users' text)."""
    vocab = Vocabulary(seed, open_vocabulary=open_vocabulary)
    taken: set[str] = set()
    for i in range(1, start):
        make_record(i, seed, vocab, taken, title_only=True)
    for i in range(start, start + n):
        yield make_record(i, seed, vocab, taken)


@contextmanager
def _open(path: Path, compresslevel: int) -> Iterator[IO[bytes]]:
    """The file for writing; gzip (with no name or time in its header) when it ends in .gz."""
    with open(path, "wb") as raw:
        if path.name.endswith(".gz"):
            with gzip.GzipFile(
                filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=compresslevel
            ) as gz:
                yield gz  # type: ignore[misc]
        else:
            yield raw


def write_corpus(
    path: str | Path,
    n: int,
    seed: int = 1,
    start: int = 1,
    compresslevel: int = 4,
    open_vocabulary: bool = True,
) -> dict[str, Any]:
    """Write ``n`` records to ``path`` (``-`` for standard output); returns counts and timing."""
    t0 = time.perf_counter()
    records = generate(n, seed, start, open_vocabulary)
    words = 0
    chunk: list[str] = []

    def lines() -> Iterator[str]:
        nonlocal words
        for r in records:
            words += _words(r["abstract"])
            yield json.dumps(r, ensure_ascii=False) + "\n"

    write: Callable[[bytes], Any]
    if str(path) == "-":
        out = sys.stdout.buffer
        write = out.write
        for line in lines():
            chunk.append(line)
            if len(chunk) >= 2000:
                write("".join(chunk).encode("utf-8"))
                chunk = []
        write("".join(chunk).encode("utf-8"))
        out.flush()
    else:
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        with _open(p, compresslevel) as f:
            for line in lines():
                chunk.append(line)
                if len(chunk) >= 2000:
                    f.write("".join(chunk).encode("utf-8"))
                    chunk = []
            f.write("".join(chunk).encode("utf-8"))
    return {
        "records": n,
        "seed": seed,
        "start": start,
        "mean_abstract_words": round(words / max(n, 1), 1),
        "seconds": round(time.perf_counter() - t0, 2),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000, help="number of records (default 10000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--start", type=int, default=1, help="number of the first record (default 1)")
    ap.add_argument("-o", "--output", default="-", help="output file (.jsonl or .jsonl.gz); - for stdout")
    ap.add_argument(
        "--fixed-vocabulary",
        action="store_true",
        help="content words from the fixed word lists only (the first version's corpus)",
    )
    args = ap.parse_args(argv)
    if args.n < 0 or args.start < 1:
        ap.error("--n must be >= 0 and --start >= 1")
    info = write_corpus(args.output, args.n, args.seed, args.start, open_vocabulary=not args.fixed_vocabulary)
    if args.output != "-":
        print(json.dumps({"output": args.output, **info}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

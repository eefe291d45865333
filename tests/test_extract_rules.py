"""Rule functions called on plain ``spacy.blank("en")`` docs, no model download."""

from __future__ import annotations

import pytest
import spacy

from paperkg.extraction.candidates import registry_spans, shape_candidates
from paperkg.extraction.components import make_nlp
from paperkg.extraction.find import find_candidates
from paperkg.extraction.lexicon import load_lexicon
from paperkg.extraction.lists import coordination_lists, list_types
from paperkg.extraction.mentions import acronym_definitions
from paperkg.extraction.names import is_nameish
from paperkg.extraction.state import doc_state
from paperkg.extraction.titles import title_cue_types, title_name, title_names
from paperkg.extraction.tokens import TokArrays
from paperkg.extraction.type_rules import cue_type
from paperkg.model import EntityType

LEX = load_lexicon()
BLANK = spacy.blank("en")

NLP = make_nlp()


def tok(text: str) -> TokArrays:
    """The token views of ``text`` as the pipeline reads them."""
    return doc_state(NLP(text)).tokens


@pytest.mark.parametrize(
    "word",
    [
        "LLaVA-1.5",
        "COCO",
        "mmE5",
        "4M-21",
        "ViT-L/14",
        "Qwen2-VL",
        "CLIP-MoE",
        "MedTrinity-25M",
        "GPT-4V(ision)",
        "X-Decoder",
    ],
)
def test_nameish_names(word: str) -> None:
    assert is_nameish(word)


@pytest.mark.parametrize(
    "word", ["Vision-Language", "Self-Attention", "7B", "3D", "2024", "LLMs", "1.5", "Transformer", "25%"]
)
def test_not_nameish(word: str) -> None:
    assert not is_nameish(word)


def test_tokenizer_keeps_names_whole() -> None:
    words = [
        t.text
        for t in NLP("We compare GPT-4V(ision), Qwen2-VL 7B and InternLM-XComposer2.5 on MedTrinity-25M.")
    ]
    for w in ("GPT-4V(ision)", "Qwen2-VL", "InternLM-XComposer2.5", "MedTrinity-25M"):
        assert w in words
    assert words[-1] == "."


def test_shape_candidates_extend_versions_and_skip_generic() -> None:
    a = tok("Unlike other LLMs, Gemini 1.5 Pro and Qwen2-VL 7B beat the CNN baseline.")
    got = [c.text for c in shape_candidates(a, LEX)]
    assert "Qwen2-VL 7B" in got
    assert "LLMs" not in got and "CNN" not in got


def test_registry_spans_multiword_and_case() -> None:
    a = tok("Images come from Visual Genome and the COCO dataset, not from a visual genome.")
    got = {c.text: c.type for c in registry_spans(a, LEX)}
    assert got.get("Visual Genome") is EntityType.DATASET
    assert "visual genome" not in got


def test_title_name_before_colon() -> None:
    for title, name in [
        ("CapsFusion: Rethinking Image-Text Data at Scale", "CapsFusion"),
        ("4M-21: An Any-to-Any Vision Model", "4M-21"),
        ("MultiModN- Multimodal, Multi-Task, Interpretable Modular Networks", "MultiModN"),
    ]:
        c = title_name(tok(title), LEX)
        assert c is not None and c.text == name and c.introduced
    assert title_name(tok("Grounded Language Learning Fast and Slow"), LEX) is None
    assert title_name(tok("A Practitioner's Guide to Continual Multimodal Pretraining"), LEX) is None


def test_title_cue_types() -> None:
    a = tok("GMAI-VL & GMAI-VL-5.5M: A Large Vision-Language Model and A Comprehensive Multimodal Dataset")
    names = title_names(a, LEX)
    assert [c.text for c in names] == ["GMAI-VL", "GMAI-VL-5.5M"]
    sep = names[-1].end + 1
    assert title_cue_types(a, sep, LEX) == [EntityType.MODEL, EntityType.DATASET]
    a = tok("MIBench: Evaluating Multimodal Large Language Models over Multiple Images")
    assert title_cue_types(a, 2, LEX) == []


def test_acronym_definitions() -> None:
    a = tok("We propose Multimodal Visual Patterns (MMVP), while electrocardiogram (ECG) data is scarce.")
    pairs = [(a.span_text(d.start, d.end), a.text[d.acronym]) for d in acronym_definitions(a, LEX)]
    assert ("Multimodal Visual Patterns", "MMVP") in pairs
    assert ("electrocardiogram", "ECG") in pairs


def test_find_candidates_types_roles_and_generic_acronyms() -> None:
    doc = NLP.make_doc(
        "We introduce GlintBench, a new benchmark for grounding. "
        "We evaluate LLaVA-1.5 on COCO, Flickr30K and NoCaps. "
        "Electrocardiogram (ECG) signals are out of scope."
    )
    state = doc_state(doc)
    got = {c.text: c for c in find_candidates(doc, state, LEX)}
    assert got["GlintBench"].introduced and got["GlintBench"].type is EntityType.BENCHMARK
    assert not got["LLaVA-1.5"].introduced and got["LLaVA-1.5"].type is EntityType.MODEL
    assert {"COCO", "Flickr30K", "NoCaps"} <= set(got)
    assert "ECG" not in got
    assert state.concepts == frozenset()
    doc = NLP.make_doc("We study the gross domestic product (GDP) of nations.")
    state = doc_state(doc)
    assert "GDP" not in {c.text for c in find_candidates(doc, state, LEX)}
    assert state.concepts == {"gdp"}  # an acronym of a plain concept: no name anywhere in the paper


def test_cue_type_appositive_and_parenthesis() -> None:
    a = tok("To support this, we introduce COMPOSITIONCAP, a new dataset for captions.")
    i = a.text.index("COMPOSITIONCAP")
    assert cue_type(a, i, i + 1, LEX) == (EntityType.DATASET, 3)
    a = tok("Our contributions: MMEB (Massive Multimodal Embedding Benchmark), which covers tasks.")
    i = a.text.index("MMEB")
    assert cue_type(a, i, i + 1, LEX) == (EntityType.BENCHMARK, 3)


def test_list_types() -> None:
    a = tok("Experiments on WikiMEL, RichpediaMEL, and WikiDiverse datasets show gains.")
    types = list_types(a, LEX, coordination_lists(a))
    starts = [i for i, t in enumerate(a.text) if t in ("WikiMEL", "RichpediaMEL", "WikiDiverse")]
    assert all(types.get(s) is EntityType.DATASET for s in starts)


def test_rules_work_on_spacy_blank() -> None:
    doc = BLANK("We release DenseFusion-1M, a dataset. It is used with CLIP.")
    got = {c.text for c in find_candidates(doc, doc_state(doc), LEX)}
    assert "CLIP" in got


def test_component_writes_spans_unless_asked_not_to() -> None:
    from paperkg.extraction.components import SPANS_KEY

    text = "We evaluate LLaVA-1.5 on COCO and the new MMBench benchmark."
    with_spans = NLP(text)
    cands = doc_state(with_spans).cands
    assert [(s.start, s.end, s.label_) for s in with_spans.spans[SPANS_KEY]] == [
        (c.start, c.end, c.type.value if c.type else "entity") for c in cands
    ]
    assert {s.text for s in with_spans.spans[SPANS_KEY]} >= {"LLaVA-1.5", "COCO", "MMBench"}
    bare = make_nlp(spans=False)(text)
    assert SPANS_KEY not in bare.spans
    assert [(c.start, c.end, c.type) for c in doc_state(bare).cands] == [
        (c.start, c.end, c.type) for c in cands
    ]


def test_lean_lexemes_change_no_candidate_and_skip_unused_attributes() -> None:
    text = (
        "We introduce Zorblax-7B, a model trained on the Quuxbench dataset, and compare it with "
        "LLaVA-1.5 and CLIP on COCO, Flickr30K and NoCaps (see https://github.com/x/y)."
    )
    full, lean = make_nlp(spans=False), make_nlp(spans=False, lean_lexemes=True)
    a, b = full(text), lean(text)
    assert [t.text for t in a] == [t.text for t in b]
    assert [(c.start, c.end, c.type, c.type_strength) for c in doc_state(a).cands] == [
        (c.start, c.end, c.type, c.type_strength) for c in doc_state(b).cands
    ]
    word = b[2]  # "Zorblax-7B": a new word for both vocabularies
    assert (word.lower_, word.is_alpha, word.is_lower, word.is_punct) == ("zorblax-7b", False, False, False)
    assert a[2].shape_ == "Xxxxx-dX" and word.shape_ == ""


def test_lists_near_positions_are_the_lists_of_their_stretches(shared) -> None:  # type: ignore[no-untyped-def]
    """Searching only the stretches that hold given positions finds exactly the lists a search of
    the whole doc finds there (stretches end at punctuation other than a comma)."""
    import random

    rng = random.Random(3)
    texts = [
        block
        for f in sorted((shared / "samples").glob("*.txt"))
        for block in f.read_text(encoding="utf-8").split("\n\n")
        if block.count(",") >= 2
    ]
    assert len(texts) > 20
    seen_lists = 0
    for text in texts:
        doc = NLP.make_doc(text)
        a = doc_state(doc).tokens
        full = coordination_lists(a)
        seen_lists += len(full)
        stop = [t.is_punct and t.text != "," for t in doc]
        stretch = [sum(stop[: i + 1]) for i in range(len(doc))]
        positions = range(len(doc))
        tries = [list(positions)] + [rng.sample(positions, min(len(doc), k)) for k in (1, 2, 3, 8)]
        for near in tries:
            wanted = {stretch[p] for p in near if not stop[p]}
            expected = [items for items in full if stretch[items[0][0]] in wanted]
            assert coordination_lists(a, near=near) == expected, (text[:60], sorted(near))
    assert seen_lists > 50

"""The cleaning rules (paperkg.extraction.clean): pure functions, and their effect on the extractor."""

from __future__ import annotations

import pytest
import spacy

from paperkg.extraction import clean
from paperkg.extraction.components import make_nlp
from paperkg.extraction.stages import RULES
from paperkg.extraction.state import doc_state
from paperkg.extraction.urls import find_urls
from paperkg.model import Field, Paper, Source

ML = " We train and fine-tune LLMs on a new dataset and report benchmark results."


@pytest.fixture(scope="module")
def rules_extractor():  # type: ignore[no-untyped-def]
    from paperkg.extraction.extractor import Extractor

    return Extractor(decider=RULES)


def names(extractor, abstract: str, title: str = "A study") -> dict[str, object]:  # type: ignore[no-untyped-def]
    r = extractor.extract(Paper("p", title, abstract, Source("mem", 1)))
    return {e.name: e for e in r.entities}


@pytest.mark.parametrize(
    "chunk",
    ["M^2IXT", "VLM$^2$-Bench", "S$^2$R", "tau^2-Bench", "X^{2}-Gaussian", "L^2M^3OF", "M^2-Encoder-10B"],
)
def test_superscript_names(chunk: str) -> None:
    assert clean.is_superscript_name(chunk)


@pytest.mark.parametrize(
    "chunk", ["R^2", "km^2", "O(N^2", "H^p(R^N)$", "s^(-1)m^(-1", "CoRe^2", "MgB_2", "\\mathbb{R}^n", "$x^2$"]
)
def test_math_is_not_a_superscript_name(chunk: str) -> None:
    assert not clean.is_superscript_name(chunk)


def test_display_name_drops_markup() -> None:
    assert clean.display_name("VLM$^2$-Bench") == "VLM^2-Bench"
    assert clean.display_name("X^{2}-Gaussian") == "X^2-Gaussian"
    assert clean.display_name("GPT-4o") == "GPT-4o"


def test_noise_spans_cover_latex_and_keep_offsets() -> None:
    text = "We bound $\\|u\\|_{H^s}$ on $\\mathbb{R}^n$ and H^p(R^N)$ but keep VLM$^2$-Bench and GPT-4."
    spans = clean.noise_spans(text)
    covered = [text[s:e] for s, e in spans]
    assert "$\\mathbb{R}^n$" in covered and "H^p(R^N)$" in covered
    assert not any("VLM" in x or "GPT" in x for x in covered)
    assert clean.noise_spans("No markup at all, GPT-4 and LLaVA-1.5.") == []


@pytest.mark.parametrize(
    "token",
    [
        "+2.2pp",
        "~47k",
        "6.01$\\times$",
        "6.01x",
        "2.1dB",
        "360°",
        "200k+",
        "1,009k",
        "~2x",
        "720p",
        "TeV",
        "GHz",
    ],
)
def test_quantities(token: str) -> None:
    assert clean.is_quantity(token)


@pytest.mark.parametrize("token", ["7B", "100K", "4M", "GPT-4", "ImageNet-1k", "2025", "3D", "Qwen2.5"])
def test_not_quantities(token: str) -> None:
    assert not clean.is_quantity(token)


def test_repo_ids() -> None:
    text = (
        "We release Qwen/Qwen2.5-Coder-32B-Instruct and meta-llama/Llama-3.1-8B, "
        "unlike GPT-4/GPT-4V or and/or."
    )
    ids = clean.repo_ids(text)
    assert [r.text for r in ids] == ["Qwen/Qwen2.5-Coder-32B-Instruct", "meta-llama/Llama-3.1-8B"]
    assert ids[0].name == "Qwen2.5-Coder-32B-Instruct" and text[ids[0].start : ids[0].end] == ids[0].text
    assert clean.repo_ids("see https://huggingface.co/Qwen/Qwen2.5-7B and Text/Image-based cues") == []


def test_glued_sentence_end() -> None:
    assert clean.glued_sentence_end("coverage.In")
    assert not clean.glued_sentence_end("example.com")


def test_ml_evidence() -> None:
    ml = ["we", "fine-tune", "llms", "on", "a", "new", "dataset"]
    physics = ["we", "measure", "the", "model", "of", "the", "hubble", "constant", "with", "planck", "data"]
    assert clean.ml_evidence(ml) >= clean.ML_EVIDENCE_MIN > clean.ml_evidence(physics)
    assert clean.speaks_of_ml(ml * 10) and not clean.speaks_of_ml(physics * 10)
    assert clean.speaks_of_ml(physics)  # too few words to judge


def test_tokenizer_splits_glued_sentences_and_repo_ids() -> None:
    nlp = make_nlp(spans=False)
    words = [
        t.text for t in nlp.make_doc("Attention (GMA).Then AirSim360.Extensive and manglu097/Chiron-o1.")
    ]
    assert words[:9] == ["Attention", "(", "GMA", ")", ".", "Then", "AirSim360", ".", "Extensive"]
    assert "Chiron-o1" in words
    # Names with a dot and a version stay whole.
    assert "Qwen2.5" in [t.text for t in nlp.make_doc("We use Qwen2.5 and FLUX.1 here.")]


def test_blank_english_doc_drop_noise() -> None:
    nlp = spacy.blank("en")
    text = "Using R^2 and +2.2pp and VLM$^2$-Bench"
    doc = nlp.make_doc(text)
    from paperkg.extraction.stages import Cand

    cands = [Cand(t.i, t.i + 1, t.text, "shape") for t in doc if t.text not in ("Using", "and")]
    kept = clean.drop_noise(doc_state(doc), cands)
    assert [c.text for c in kept] == ["VLM^2-Bench"]
    # Without ML evidence a shape-only name has no evidence of its own (find_candidates drops it).
    assert not any(clean.has_own_evidence(c) for c in kept)


def test_latex_and_units_never_become_names(rules_extractor) -> None:  # type: ignore[no-untyped-def]
    found = names(
        rules_extractor,
        "On $\\mathbb{R}^n$ with $O(N^2)$ cost, H^p(R^N)$ and s^(-1)m^(-1) units, at 2 TeV we are "
        "6.01$\\times$ faster (6.01x, +2.2pp, ~47k samples, 2.1dB, 360° views) "
        "than LLaVA-1.5 on VLM$^2$-Bench." + ML,
    )
    assert set(found) == {"LLaVA-1.5", "VLM^2-Bench"}
    mention = found["VLM^2-Bench"].mentions[0]  # type: ignore[attr-defined]
    assert mention.text == "VLM$^2$-Bench"  # offsets index the stored text


def test_glued_sentences_do_not_break_names(rules_extractor) -> None:  # type: ignore[no-untyped-def]
    abstract = (
        "We propose AirSim360.Extensive tests of LLaVA-1.5 (LLaVA).Then we release "
        "https://coverage.In this work." + ML
    )
    r = rules_extractor.extract(Paper("p", "A study", abstract, Source("mem", 1)))
    got = {e.name for e in r.entities}
    assert "AirSim360" in got and not any("." in n and "Extensive" in n for n in got)
    assert not any(")" in n for n in got)
    assert [u.url for u in r.urls] == []
    assert find_urls("code at https://x.github.io.The model")[0].url == "https://x.github.io"


def test_repo_id_is_one_name_with_its_id(rules_extractor) -> None:  # type: ignore[no-untyped-def]
    abstract = "We fine-tune Qwen/Qwen2.5-Coder-32B-Instruct and manglu097/Chiron-o1 with our data." + ML
    found = names(rules_extractor, abstract)
    assert "Qwen2.5-Coder-32B-Instruct" in found and "Chiron-o1" in found
    assert "Qwen" not in found and not any("/" in n for n in found)
    m = found["Qwen2.5-Coder-32B-Instruct"].mentions[0]  # type: ignore[attr-defined]
    assert m.field is Field.ABSTRACT and abstract[m.start : m.end] == "Qwen2.5-Coder-32B-Instruct"


def test_repo_id_on_the_candidate() -> None:
    nlp = make_nlp(spans=False)
    text = "We fine-tune Qwen/Qwen2.5-Coder-32B-Instruct on a new dataset for LLM training."
    doc = nlp(text)
    by_text = {c.text: c for c in doc_state(doc).cands}
    assert by_text["Qwen2.5-Coder-32B-Instruct"].repo_id == "Qwen/Qwen2.5-Coder-32B-Instruct"
    assert "Qwen" not in by_text


def test_known_names_with_a_subscript_stay(rules_extractor) -> None:  # type: ignore[no-untyped-def]
    assert "pi_0" in names(rules_extractor, "Our policy beats the baseline pi_0 on many tasks." + ML)

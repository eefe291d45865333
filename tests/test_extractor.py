from __future__ import annotations

from paperkg.model import EntityType, Field, Paper, Role, Source


def paper(title: str, abstract: str) -> Paper:
    return Paper("p", title, abstract, Source("mem", 1))


def test_paper_level_entities(extractor) -> None:  # type: ignore[no-untyped-def]
    x = extractor.extract(
        paper(
            "MedTrinity-25M: A Large-scale Multimodal Dataset with Multigranular Annotations for Medicine",
            "We introduce MedTrinity-25M, covering over 25 million images. "
            "We pretrain LLaVA-1.5 on MedTrinity-25M "
            "and evaluate on VQA-RAD and PathVQA. The code is at https://github.com/x/medtrinity.",
        )
    )
    ents = {e.name: e for e in x.entities}
    mt = ents["MedTrinity-25M"]
    assert mt.type is EntityType.DATASET and mt.role is Role.INTRODUCED
    assert {m.field for m in mt.mentions} == {Field.TITLE, Field.ABSTRACT}
    m = next(m for m in mt.mentions if m.field is Field.ABSTRACT)
    assert x.paper.abstract[m.start : m.end] == "MedTrinity-25M"
    assert "MedTrinity-25M" in m.sentence
    assert ents["LLaVA-1.5"].role is Role.USED
    assert [(u.url, u.kind.value) for u in x.urls] == [("https://github.com/x/medtrinity", "code")]


def test_generic_terms_are_not_entities(extractor) -> None:  # type: ignore[no-untyped-def]
    x = extractor.extract(
        paper(
            "A Study of Multimodal Models",
            "Large language models (LLMs) and MLLMs use RAG and OCR for VQA, unlike CNN or VLM baselines.",
        )
    )
    assert [e.name for e in x.entities] == []


def test_family_part_of_name(extractor) -> None:  # type: ignore[no-untyped-def]
    x = extractor.extract(
        paper(
            "4M-21: An Any-to-Any Vision Model for Tens of Tasks",
            "We scale up 4M by training on many modalities.",
        )
    )
    names = {e.name for e in x.entities}
    assert {"4M-21", "4M"} <= names


def test_plural_and_modifier_forms(extractor) -> None:  # type: ignore[no-untyped-def]
    x = extractor.extract(
        paper("Some Title", "CLIP-based retrieval beats earlier omni-MLLMs and video-LMMs.")
    )
    assert {e.name for e in x.entities} == {"CLIP"}


def test_trained_on_links_the_nearest_model(extractor) -> None:  # type: ignore[no-untyped-def]
    x = extractor.extract(
        paper(
            "Some Title",
            "Our ViT-L/14 model beats a larger ViT-g/14 trained on LAION-2B. "
            "We also use COCO for evaluation.",
        )
    )
    ents = {e.name: e for e in x.entities}
    assert ents["ViT-g/14"].trained_on == ("LAION-2B",)
    assert ents["ViT-L/14"].trained_on == ()


def test_mention_names_keep_head_nouns(extractor) -> None:  # type: ignore[no-untyped-def]
    x = extractor.extract(
        paper("", "We train on the English Penn Treebank dataset (PTB) and test on the IMDb dataset.")
    )
    canonical = {e["name"] for e in x.to_json()["entities"]}
    mention = {e["name"] for e in x.to_json("mention")["entities"]}
    assert "IMDb" in canonical and "IMDb dataset" in mention
    assert "English Penn Treebank dataset (PTB)" in mention


def test_short_names_in_parentheses_and_adjectival_participles(extractor) -> None:  # type: ignore[no-untyped-def]
    x = extractor.extract(
        paper("", "We evaluate the proposed method on Senseval-2 (SE2) and the NPS Chat Corpus.")
    )
    ents = {e.name: e for e in x.entities}
    assert "Senseval-2" in ents and "SE2" not in ents
    assert ents["Senseval-2"].role.value == "used"  # "the proposed method" introduces nothing
    mention = {e["name"] for e in x.to_json("mention")["entities"]}
    assert {"Senseval-2 (SE2)", "NPS Chat Corpus"} <= mention


def test_pdf_artifacts_and_version_lists(extractor) -> None:  # type: ignore[no-untyped-def]
    x = extractor.extract(
        paper(
            "DenseThing-1M: A Dataset",
            "We use UCF- 101 and Kinetics-400/600/700; X-ray and CT scans; 1M pairs.",
        )
    )
    names = {e.name for e in x.entities}
    assert {"UCF- 101", "Kinetics-400"} <= names
    assert not names & {"X-ray", "CT", "1M", "Kinetics-400/600/700"}

from __future__ import annotations

from paperkg.extract.lexicon import load_lexicon
from paperkg.model import EntityType, ExtractedEntity, Paper, PaperExtraction, Role, Source
from paperkg.resolve import Resolver, entity_key, family_of, slug


def ext(pid: str, *ents: tuple[str, EntityType, int]) -> PaperExtraction:
    p = Paper(pid, pid, "", Source("m", 1))
    es = tuple(ExtractedEntity(n, t, Role.USED, 0.7, (), type_strength=s) for n, t, s in ents)
    return PaperExtraction(p, es, (), "x", "0")


def test_keys_merge_surface_variants() -> None:
    assert entity_key("GPT-4V(ision)") == entity_key("GPT-4V") == entity_key("gpt 4v")
    assert entity_key("CLIP") != entity_key("CLIP score")


def test_family() -> None:
    assert family_of("LLaVA-1.5") == "LLaVA"
    assert family_of("LLaVA-1.5-13B") == "LLaVA-1.5"
    assert family_of("Qwen2-VL 7B") == "Qwen2-VL"
    assert family_of("Gemini 1.5 Pro") == "Gemini 1.5"
    assert family_of("COCO") is None
    assert family_of("4M") is None


def test_title_type_spreads_to_corpus() -> None:
    r = Resolver(load_lexicon())
    a = ext("a", ("NewSet-9M", EntityType.DATASET, 3))
    b = ext("b", ("NewSet-9M", EntityType.MODEL, 0))
    r.add([a, b])
    assert r.retype(b).entities[0].type is EntityType.DATASET


def test_different_strong_types_stay_apart() -> None:
    r = Resolver(load_lexicon())
    a = ext("a", ("M3", EntityType.MODEL, 3))
    b = ext("b", ("M3", EntityType.BENCHMARK, 3))
    r.add([a, b])
    ca = r.canonical(r.retype(a).entities[0])
    cb = r.canonical(r.retype(b).entities[0])
    assert ca.node_id != cb.node_id


def test_variant_links_to_known_family() -> None:
    r = Resolver(load_lexicon())
    a = ext("a", ("LLaVA-1.5", EntityType.MODEL, 3))
    r.add([a])
    c = r.canonical(a.entities[0])
    fam = r.family(c)
    assert fam is not None and fam.name == "LLaVA"


def test_slug_is_safe() -> None:
    assert slug("LLaVA-1.5") == "llava-1-5"
    assert slug("<img src=x>") == "img-src-x"


def test_registry_variant_of_names_the_family() -> None:
    r = Resolver(load_lexicon())
    a = ext("a", ("GPT-4V", EntityType.MODEL, 3), ("Med-PaLM", EntityType.MODEL, 3))
    r.add([a])
    families = [r.family(r.canonical(e)) for e in a.entities]
    # The name's shape says nothing here ("GPT-4V" has no version tail); the registry does.
    assert [f.name if f else None for f in families] == ["GPT-4", "PaLM"]

from __future__ import annotations

from paperkg.extraction.lexicon import load_lexicon
from paperkg.graph import KnowledgeGraph
from paperkg.model import (
    EntityType,
    ExtractedEntity,
    Field,
    Mention,
    Node,
    NodeKind,
    Paper,
    PaperExtraction,
    Role,
    Source,
)
from paperkg.resolve import TYPE_WEIGHT, Resolver, entity_key, family_of, is_acronym, long_form


def ext(pid: str, *ents: tuple[str, EntityType, int]) -> PaperExtraction:
    p = Paper(pid, pid, "", Source("m", 1))
    es = tuple(ExtractedEntity(n, t, Role.USED, 0.7, (), type_strength=s) for n, t, s in ents)
    return PaperExtraction(p, es, (), "x", "0")


def ent(
    name: str, ty: EntityType, strength: int, role: Role = Role.USED, aliases: tuple[str, ...] = ()
) -> ExtractedEntity:
    m = Mention(Field.ABSTRACT, 0, len(name), name, name, 0.7)
    return ExtractedEntity(name, ty, role, 0.7, (m,), aliases, type_strength=strength)


def paper(pid: str, *ents: ExtractedEntity) -> PaperExtraction:
    return PaperExtraction(Paper(pid, pid, "", Source("m", 1)), ents, (), "x", "0")


def test_acronyms_and_long_forms() -> None:
    assert is_acronym("RF") and is_acronym("ViT-B") and is_acronym("MMLU")
    assert not is_acronym("Representation Forcing") and not is_acronym("GPT-5.4") and not is_acronym("Rf")
    assert long_form("RF", ("Representation Forcing",)) == "Representation Forcing"
    assert long_form("MiniCPM-V", ("MiniCPM-V 2.6",)) is None  # a variant, not a definition
    assert long_form("Representation Forcing", ("RF",)) is None


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


def test_different_strong_types_are_one_node() -> None:
    r = Resolver(load_lexicon())
    a = ext("a", ("M3", EntityType.MODEL, 3))
    b = ext("b", ("M3", EntityType.BENCHMARK, 3))
    r.add([a, b])
    ra, rb = r.retype(a).entities[0], r.retype(b).entities[0]
    # Each paper keeps its own type of the mention (the edge's mention_type) ...
    assert (ra.type, rb.type) == (EntityType.MODEL, EntityType.BENCHMARK)
    # ... and the graph has one node: equal evidence goes to the first of TYPE_ORDER.
    assert r.canonical(ra).node_id == r.canonical(rb).node_id == "model:m3"


def test_one_node_per_name_whatever_each_paper_typed() -> None:
    r = Resolver(load_lexicon())
    papers = [
        ext("a", ("GPT-5.4", EntityType.MODEL, 1)),
        ext("b", ("GPT-5.4", EntityType.DATASET, 2)),
        ext("c", ("gpt 5.4", EntityType.BENCHMARK, 0)),
    ]
    r.add(papers)
    found = {r.canonical(e) for p in papers for e in r.retype(p).entities}
    assert len(found) == 1
    (c,) = found
    assert (c.node_id, c.type, c.name) == ("dataset:gpt-5-4", EntityType.DATASET, "GPT-5.4")
    assert "gpt 5.4" in c.aliases


def test_type_decided_by_weight_of_evidence() -> None:
    r = Resolver(load_lexicon())
    weak = [ext(f"m{i}", ("FooNet", EntityType.MODEL, 0)) for i in range(5)]  # 5 x 1
    cued = [ext(f"d{i}", ("FooNet", EntityType.DATASET, 2)) for i in range(3)]  # 3 x 4
    r.add([*weak, *cued])
    assert r.node_type("FooNet", EntityType.MODEL) is EntityType.DATASET
    r.add([ext("t", ("FooNet", EntityType.BENCHMARK, 3))])  # a title cue outweighs them: 16
    assert r.node_type("FooNet", EntityType.MODEL) is EntityType.BENCHMARK
    assert r.canonical(r.retype(weak[0]).entities[0]).node_id == "benchmark:foonet"
    assert TYPE_WEIGHT[3] > 3 * TYPE_WEIGHT[2] > 5 * TYPE_WEIGHT[0]


def test_registry_type_decides_the_node() -> None:
    r = Resolver(load_lexicon())
    papers = [ext(f"p{i}", ("COCO", EntityType.BENCHMARK, 3)) for i in range(4)]
    r.add(papers)
    c = r.canonical(r.retype(papers[0]).entities[0])
    assert (c.node_id, c.homepage) == ("dataset:coco", "https://cocodataset.org")


def test_acronym_joins_its_long_form_in_the_paper() -> None:
    r = Resolver(load_lexicon())
    p = paper(
        "a",
        ent("Representation Forcing", EntityType.MODEL, 3, Role.INTRODUCED),
        ent("RF", EntityType.MODEL, 1, Role.USED, ("Representation Forcing",)),
    )
    r.add([p])
    (e,) = r.retype(p).entities
    assert (e.name, e.role, e.aliases) == ("Representation Forcing", Role.INTRODUCED, ("RF",))
    assert len(e.mentions) == 2
    c = r.canonical(e)
    assert c.node_id == "model:representation-forcing" and "RF" in c.aliases


def test_acronym_owned_by_one_long_form_joins_it_across_the_corpus() -> None:
    r = Resolver(load_lexicon())
    a = paper("a", ent("RF", EntityType.MODEL, 3, Role.INTRODUCED, ("Representation Forcing",)))
    b = paper("b", ent("RF", EntityType.MODEL, 0))  # bare: no definition in this paper
    c = paper("c", ent("Representation Forcing", EntityType.MODEL, 1))
    r.add([a, b, c])
    ids = {r.canonical(e).node_id for p in (a, b, c) for e in r.retype(p).entities}
    # The acronym is the most frequent name of the joined entity.
    assert ids == {"model:rf"}


def test_plural_long_forms_are_one_definition() -> None:
    r = Resolver(load_lexicon())
    a = paper("a", ent("ZiT", EntityType.MODEL, 2, Role.USED, ("Zoned Image Transformers",)))
    b = paper("b", ent("ZiT", EntityType.MODEL, 2, Role.USED, ("Zoned Image Transformer",)))
    c = paper("c", ent("ZiT", EntityType.MODEL, 0))
    r.add([a, b, c])
    assert len({r.canonical(e).node_id for p in (a, b, c) for e in r.retype(p).entities}) == 1


def test_acronym_defined_differently_stays_apart_per_definition() -> None:
    r = Resolver(load_lexicon())
    a = paper("a", ent("RF", EntityType.MODEL, 3, Role.INTRODUCED, ("Representation Forcing",)))
    b = paper("b", ent("RF", EntityType.MODEL, 2, Role.USED, ("Random Forest",)))
    c = paper("c", ent("RF", EntityType.MODEL, 0))
    d = paper("d", ent("Random Forest", EntityType.MODEL, 1))
    r.add([a, b, c, d])
    ids = [r.canonical(r.retype(p).entities[0]).node_id for p in (a, b, c, d)]
    assert ids == ["model:representation-forcing", "model:random-forest", "model:rf", "model:random-forest"]


def test_registry_acronym_keeps_its_entry() -> None:
    r = Resolver(load_lexicon())
    a = paper("a", ent("COCO", EntityType.DATASET, 3, Role.USED, ("Common Objects Collection",)))
    r.add([a])
    assert r.canonical(r.retype(a).entities[0]).node_id == "dataset:coco"


def _graph(*nodes: Node) -> KnowledgeGraph:
    g = KnowledgeGraph()
    for n in nodes:
        g.add_node(n)
    return g


def test_existing_entity_keeps_its_type_and_name() -> None:
    r = Resolver(load_lexicon())
    r.seed(_graph(Node("dataset:foonet4", NodeKind.DATASET, {"name": "FooNet4", "aliases": []})))
    papers = [ext(f"p{i}", ("FooNet-4", EntityType.MODEL, 3)) for i in range(5)]
    r.add(papers)
    c = r.canonical(r.retype(papers[0]).entities[0])
    assert (c.node_id, c.name) == ("dataset:foonet4", "FooNet4")
    assert "FooNet-4" in c.aliases


def test_existing_acronym_join_is_kept() -> None:
    r = Resolver(load_lexicon())
    node = Node(
        "model:representation-forcing", NodeKind.MODEL, {"name": "Representation Forcing", "aliases": ["RF"]}
    )
    r.seed(_graph(node))
    b = paper("b", ent("RF", EntityType.DATASET, 1))
    r.add([b])
    assert r.canonical(r.retype(b).entities[0]).node_id == "model:representation-forcing"


def test_variant_links_to_known_family() -> None:
    r = Resolver(load_lexicon())
    a = ext("a", ("LLaVA-1.5", EntityType.MODEL, 3))
    r.add([a])
    c = r.canonical(a.entities[0])
    fam = r.family(c)
    assert fam is not None and fam.name == "LLaVA"


def test_registry_variant_of_names_the_family() -> None:
    r = Resolver(load_lexicon())
    a = ext("a", ("GPT-4V", EntityType.MODEL, 3), ("Med-PaLM", EntityType.MODEL, 3))
    r.add([a])
    families = [r.family(r.canonical(e)) for e in a.entities]
    # The name's shape says nothing here ("GPT-4V" has no version tail); the registry does.
    assert [f.name if f else None for f in families] == ["GPT-4", "PaLM"]

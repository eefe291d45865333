"""The rules' state of a doc (paperkg.extraction.state), on plain ``spacy.blank("en")`` docs."""

from __future__ import annotations

import spacy
from spacy.tokens import Doc

from paperkg.extraction import clean
from paperkg.extraction.components import make_nlp
from paperkg.extraction.extractor import Extractor
from paperkg.extraction.stages import RULES, Cand
from paperkg.extraction.state import EXTENSION, DocState, attach, doc_state
from paperkg.model import Field, Paper, Source

BLANK = spacy.blank("en")


def test_one_extension_holds_the_state() -> None:
    assert Doc.has_extension(EXTENSION)
    assert Doc.get_extension(EXTENSION) == (None, None, None, None)  # default None, no getter
    doc = BLANK("We use CLIP.")
    assert doc._.paperkg is None  # a doc has no state until the rules ask for it


def test_a_doc_without_state_gets_an_abstracts_once() -> None:
    doc = BLANK("We evaluate LLaVA-1.5 on COCO. It works.")
    state = doc_state(doc)
    assert isinstance(state, DocState) and doc._.paperkg is state
    assert doc_state(doc) is state  # made once, then read
    assert state.field is Field.ABSTRACT
    assert state.tokens.text == tuple(t.text for t in doc)
    assert state.tokens.string == doc.text
    assert state.tokens.sent_starts == [0, 6]
    assert (state.cands, state.noise, state.concepts, state.long_forms) == ([], None, frozenset(), {})
    assert doc_state(BLANK("We use CLIP.")) is not state


def test_attach_gives_the_field_and_the_text() -> None:
    text = "COSMO: A Model"
    doc = BLANK.make_doc(text)
    state = attach(doc, Field.TITLE, text)
    assert doc_state(doc) is state and state.field is Field.TITLE
    assert state.tokens.string == text and state.tokens.span_text(0, 1) == "COSMO"


def test_the_component_keeps_its_findings_in_the_state() -> None:
    nlp = make_nlp(spans=False)
    title = "COSMO: COntrastive Streamlined MultimOdal Model"
    doc = nlp.make_doc(title)
    attach(doc, Field.TITLE, title)
    state = doc_state(nlp.get_pipe("paperkg_entities")(doc))
    assert [(c.text, c.source) for c in state.cands] == [("COSMO", "title")]
    assert state.long_forms == {"cosmo": "COntrastive Streamlined MultimOdal"}
    abstract = nlp("We study the gross domestic product (GDP) of nations with a new dataset.")
    assert doc_state(abstract).field is Field.ABSTRACT and doc_state(abstract).concepts == {"gdp"}


def test_latex_ranges_are_found_once_and_kept() -> None:
    doc = BLANK("On $\\mathbb{R}^n$ we run GPT-4.")
    state = doc_state(doc)
    gpt = next(t.i for t in doc if t.text == "GPT-4")
    kept = clean.drop_noise(state, [Cand(1, 2, doc[1].text, "shape"), Cand(gpt, gpt + 1, "GPT-4", "shape")])
    assert [c.text for c in kept] == ["GPT-4"]
    assert state.noise == [(3, 17)]
    state.noise = []  # the kept ranges are what later calls read
    assert len(clean.drop_noise(state, [Cand(1, 2, doc[1].text, "shape")])) == 1


def test_the_extractors_docs_carry_their_fields_state() -> None:
    paper = Paper("p", "Zorblat: a benchmark", "We introduce Zorblat, a new benchmark.", Source("m", 1))
    pc = next(iter(Extractor(decider=RULES).candidates([paper])))
    title, abstract = doc_state(pc.title), doc_state(pc.abstract)
    assert (title.field, abstract.field) == (Field.TITLE, Field.ABSTRACT)
    assert (title.tokens.string, abstract.tokens.string) == (paper.title, paper.abstract)
    assert [c.text for c in title.cands] == ["Zorblat"] and "Zorblat" in [c.text for c in abstract.cands]

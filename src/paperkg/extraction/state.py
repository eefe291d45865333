"""What the rules keep of one doc between their stages: one typed record, :class:`DocState`, in
the spaCy extension ``doc._.paperkg``.

The extractor attaches a state to each doc it makes (:func:`attach`: the doc's field, its token
views); the ``paperkg_entities`` component adds the doc's candidates and what its acronym and
title rules found; the extractor's collect stage reads them. A doc made elsewhere
(``nlp("…")``, ``spacy.blank("en")``) gets an abstract's state on first use (:func:`doc_state`).

An extension read (``doc._.paperkg``) costs a few microseconds, a slot read a few dozen
nanoseconds: each stage reads the state once and passes it (or its token views) along, and no
rule reads ``doc._`` itself.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from spacy.tokens import Doc

from paperkg.extraction.stages import Cand
from paperkg.extraction.tokens import TokArrays, token_arrays
from paperkg.model import Field

EXTENSION = "paperkg"
"""The name of the Doc extension that holds a doc's :class:`DocState`."""

if not Doc.has_extension(EXTENSION):
    Doc.set_extension(EXTENSION, default=None)


@dataclass(slots=True)
class DocState:
    """The rules' state of one doc (one field of a paper)."""

    field: Field
    """Which field of its paper the doc holds: the title's rules differ from the abstract's."""
    tokens: TokArrays
    """The doc's token views, which every rule reads instead of spaCy tokens."""
    cands: list[Cand] = dataclasses.field(default_factory=list)
    """The candidate mentions the ``paperkg_entities`` component found, in order of start."""
    noise: list[tuple[int, int]] | None = None
    """Character ranges of LaTeX in the text (:func:`~paperkg.extraction.clean.noise_spans`),
    made on first use."""
    concepts: frozenset[str] = frozenset()
    """Keys of the acronyms the doc defines as plain concepts ("electrocardiogram (ECG)"),
    which are not names anywhere in the paper."""
    long_forms: dict[str, str] = dataclasses.field(default_factory=dict)
    """A title's names and the words after its colon that spell them out ("COSMO" ->
    "COntrastive Streamlined MultimOdal Model"), by name key."""


def attach(doc: Doc, field: Field = Field.ABSTRACT, text: str | None = None) -> DocState:
    """Give ``doc`` a new state for ``field``; ``text`` is the text the doc was made from
    (``Doc.text`` would join its tokens again), by default the doc's own."""
    state = doc._.paperkg = DocState(field, token_arrays(doc, text))
    return state


def doc_state(doc: Doc) -> DocState:
    """The state of ``doc``; a doc without one gets an abstract's (:func:`attach`)."""
    state: DocState | None = doc._.paperkg
    return attach(doc) if state is None else state

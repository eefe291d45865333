"""The four text keys of paperkg.keys: what each folds together and what each keeps apart."""

from __future__ import annotations

import doctest

import paperkg.keys
from paperkg.keys import name_key, referee_key, slug, title_key


def test_examples_in_docstrings_hold() -> None:
    result = doctest.testmod(paperkg.keys)
    assert result.attempted >= 3 and result.failed == 0


def test_name_key_folds_case_width_and_punctuation_but_keeps_plus() -> None:
    assert name_key("GPT-4o") == name_key("gpt 4o") == name_key("ＧＰＴ－４ｏ") == "gpt4o"
    assert name_key("RefCOCO+") != name_key("RefCOCO")


def test_title_key_ignores_plus_and_casefolds() -> None:
    assert title_key("A + B") == title_key("a b")
    assert title_key("Straße") == title_key("STRASSE")


def test_referee_key_lowers_rather_than_casefolds() -> None:
    # str.lower keeps the sharp s; casefold turns it into "ss".
    assert referee_key("Straße") == "straße"
    assert name_key("Straße") == "strasse"


def test_slug_is_safe_and_never_empty() -> None:
    assert slug("LLaVA-1.5") == "llava-1-5"
    assert slug("<img src=x>") == "img-src-x"
    assert slug("!!!") == "x"

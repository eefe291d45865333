"""The rules' word lists (extraction/data/rule_words.json, read by lexicon.rule_words)."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from paperkg.extraction.lexicon import rule_words

GROUPS = json.loads(
    resources.files("paperkg.extraction").joinpath("data", "rule_words.json").read_text(encoding="utf-8")
)
LISTS = [(g, k) for g, v in GROUPS.items() if g != "_comment" for k in v if k != "_comment"]
# Lists compared with tokens as written, not lower-cased.
CASED = {("clean", "units"), ("typing", "before_link")}


def test_every_group_says_what_its_lists_are_for() -> None:
    assert isinstance(GROUPS["_comment"], str)
    for group, lists in GROUPS.items():
        if group != "_comment":
            comment = lists["_comment"]
            assert all(name in comment for name in lists if name != "_comment"), group


@pytest.mark.parametrize(("group", "name"), LISTS)
def test_lists_hold_distinct_words(group: str, name: str) -> None:
    words = GROUPS[group][name]
    assert words and len(set(words)) == len(words)
    assert rule_words(group, name) == frozenset(words)
    if (group, name) not in CASED:
        assert all(w == w.lower() for w in words), (group, name)


def test_an_unknown_list_is_an_error() -> None:
    with pytest.raises(KeyError):
        rule_words("names", "no_such_list")

from __future__ import annotations

import pytest

from paperkg.extraction.urls import classify_url, clean_url, find_urls, normalize_url
from paperkg.model import UrlKind


@pytest.mark.parametrize(
    "url,kind",
    [
        ("https://github.com/a/b", UrlKind.CODE),
        ("https://gitlab.com/a/b", UrlKind.CODE),
        ("https://flex-cap.github.io", UrlKind.PROJECT),
        ("https://huggingface.co/datasets/org/set", UrlKind.DATA),
        ("https://huggingface.co/org/model", UrlKind.MODEL),
        ("4m.epfl.ch", UrlKind.PROJECT),
        ("https://zenodo.org/records/1", UrlKind.DATA),
    ],
)
def test_classify(url: str, kind: UrlKind) -> None:
    assert classify_url(url) is kind


def test_find_and_clean() -> None:
    text = "Code: https://github.com/a/b. Data at huggingface.co/datasets/x/y), site 4m.epfl.ch; see \\url{https://x.org/p}}."
    got = [u.url for u in find_urls(text)]
    assert got == ["https://github.com/a/b", "huggingface.co/datasets/x/y", "4m.epfl.ch", "https://x.org/p"]
    for u in find_urls(text):
        assert text[u.start : u.end] == u.url


def test_not_urls() -> None:
    assert find_urls("e.g. the model i.e. LLaVA-1.5 and v1.2 of GPT-4.") == []


def test_clean_and_normalize() -> None:
    assert clean_url("https://a.io/x).") == "https://a.io/x"
    assert clean_url("https://a.io/f(x)") == "https://a.io/f(x)"
    assert normalize_url("HTTPS://GitHub.com/A/B/") == "github.com/A/B"

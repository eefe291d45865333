"""The Hugging Face papers API (readers/hfapi.py): the daily list and the single paper."""

from __future__ import annotations

from pathlib import Path

from paperkg.model import Paper
from paperkg.readers import Warnings, detect_format, read_input
from paperkg.readers.jsonrec import record_to_paper

FIX = Path(__file__).parent / "fixtures" / "readers"


def read(name: str) -> list[Paper]:
    got = list(read_input(str(FIX / name), Warnings([])))
    assert all(isinstance(p, Paper) for p in got)
    return got  # type: ignore[return-value]


def test_daily_list_fields() -> None:
    marble, quill = read("hf_daily_papers.json")
    assert marble.id == marble.arxiv_id == "2502.01234"
    assert marble.published == "2025-02-03"  # paper.publishedAt
    assert marble.source.date == "2025-02-04"  # submittedOnDailyAt: the listing day
    assert marble.links == ("https://github.com/example-lab/marble", "https://example-lab.github.io/marble")
    assert marble.keywords == ("curriculum learning", "planning", "small language models")
    assert marble.upvotes == 42
    assert marble.authors == ("Lena Brandt", "Omar Haddad")
    # submittedOnDailyAt on the outer object when the paper lacks it
    assert quill.source.date == "2025-02-04" and quill.published == "2025-02-02"


def test_ai_summary_is_never_the_abstract() -> None:
    marble, _ = read("hf_daily_papers.json")
    assert marble.abstract.startswith("We present Marble")
    assert "plan better" not in marble.abstract
    rec = {"paper": {"id": "2502.00009", "title": "Only AI Summary", "ai_summary": "Generated text."}}
    p = record_to_paper(rec, "m", 1, Warnings([]))
    assert isinstance(p, Paper) and p.abstract == ""


def test_single_paper_shape() -> None:
    assert detect_format("hf_paper.json", (FIX / "hf_paper.json").read_bytes()) == "json"
    (p,) = read("hf_paper.json")
    assert p.id == "2501.09999"
    assert (p.published, p.source.date) == ("2025-01-16", "2025-01-17")
    assert p.links == ("https://tidepool.example.org",)  # githubRepo null
    assert p.keywords == ("video tokens", "streaming") and p.upvotes == 15


def test_odd_values_do_not_become_fields() -> None:
    rec = {"paper": {"id": "not-arxiv", "title": "T", "summary": "S", "upvotes": True, "ai_keywords": "x"}}
    p = record_to_paper(rec, "m", 1, Warnings([]))
    assert isinstance(p, Paper)
    assert p.upvotes is None and p.keywords == ()
    assert p.ids == ("id:not-arxiv",) and p.id == "not-arxiv"

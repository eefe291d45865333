"""Every public name of the Python API has a docstring, and README's Python API section names each
function (the commands' own check is in test_cli)."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

import paperkg

ROOT = Path(__file__).resolve().parents[1]
PUBLIC = [n for n in paperkg.__all__ if n != "__version__"]


def _section(text: str, title: str) -> str:
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


@pytest.mark.parametrize("name", PUBLIC)
def test_public_name_has_a_docstring(name: str) -> None:
    obj = getattr(paperkg, name)
    doc = inspect.getdoc(obj)
    assert doc and len(doc.split()) >= 4, f"paperkg.{name} has no real docstring"


@pytest.mark.parametrize("name", [n for n in PUBLIC if inspect.isclass(getattr(paperkg, n))])
def test_public_methods_have_docstrings(name: str) -> None:
    obj = getattr(paperkg, name)
    missing = [
        m
        for m, f in vars(obj).items()
        if not m.startswith("_") and inspect.isfunction(f) and not inspect.getdoc(f)
    ]
    assert not missing, f"paperkg.{name}: methods without a docstring: {missing}"


def test_readme_names_every_api_function() -> None:
    section = _section((ROOT / "README.md").read_text(encoding="utf-8"), "Python API")
    functions = [n for n in PUBLIC if inspect.isfunction(getattr(paperkg, n))]
    assert len(functions) >= 5
    missing = [n for n in functions if f"paperkg.{n}(" not in section and f"`{n}`" not in section]
    assert not missing, f"README's Python API section does not show {missing}"

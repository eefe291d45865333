"""URLs in abstracts: find them (with or without a scheme), clean them, classify them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from paperkg.extraction.clean import glued_sentence_end
from paperkg.model import UrlKind

_TLDS = (
    "com|org|net|io|ai|edu|gov|dev|app|info|co|me|xyz|page|site|tech|science|cloud|"
    "ch|de|uk|fr|cn|jp|kr|ca|au|nl|it|es|se|no|fi|dk|be|at|pl|ru|in|sg|hk|tw|il|us|eu|cz|pt|ir|br"
)
URL_RE = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'{}|\\^`\[\]]+"
    rf"|(?<![@\w.\-/])(?:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?\.)+(?:{_TLDS})(?![\w\-])(?:/[^\s<>\"'{{}}|\\^`\[\]]*)?",
    re.I,
)
# Things that end a URL in running text but are not part of it.
_TRAILING = ".,;:!?'\"*"
_LATEX = re.compile(r"(\\url\{|\\href\{|\\footnote\{|\\\w+\{?|[{}])")


@dataclass(frozen=True)
class FoundUrl:
    url: str
    start: int
    end: int
    kind: UrlKind


def clean_url(raw: str) -> str:
    """Drop trailing punctuation, unbalanced closing brackets and LaTeX leftovers."""
    u = _LATEX.sub("", raw)
    while u:
        if (
            u[-1] in _TRAILING
            or (u[-1] == ")" and u.count("(") < u.count(")"))
            or (u[-1] == "]" and u.count("[") < u.count("]"))
        ):
            u = u[:-1]
        else:
            break
    return u


def classify_url(url: str) -> UrlKind:
    full = url if re.match(r"^[a-z]+://", url, re.I) else "https://" + url
    parts = urlsplit(full)
    host = (parts.hostname or "").lower()
    path = [p for p in parts.path.split("/") if p]
    if host in ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "gitee.com") or host.startswith(
        "gitlab."
    ):
        return UrlKind.CODE
    if host in ("huggingface.co", "hf.co"):
        if path and path[0] == "datasets":
            return UrlKind.DATA
        if path and path[0] == "spaces":
            return UrlKind.PROJECT
        if len(path) >= 2:
            return UrlKind.MODEL
        return UrlKind.PROJECT
    if host in ("zenodo.org", "www.kaggle.com", "kaggle.com", "figshare.com", "dataverse.harvard.edu") or (
        host.endswith("figshare.com")
    ):
        return UrlKind.DATA
    return UrlKind.PROJECT


# A cheap test that a text may hold a URL at all (the full pattern is slow on long texts): a scheme,
# "www." or a dot followed by a top-level domain and a word boundary.
_TLD_SET = frozenset(_TLDS.split("|"))
_DOT_WORD = re.compile(r"\.([A-Za-z]{2,7})(?!\w)")


def _hits(text: str) -> list[int]:
    """Where a URL may be: positions of a scheme, "www." or a dot before a top-level domain."""
    out = [m.start() for m in _DOT_WORD.finditer(text) if m.group(1).lower() in _TLD_SET]
    for needle, haystack in (("://", text), ("www.", text.lower())):
        k = haystack.find(needle)
        while k >= 0:
            out.append(k)
            k = haystack.find(needle, k + 1)
    return out


def may_hold_url(text: str) -> bool:
    return bool(_hits(text))


def _chunks(text: str) -> list[tuple[int, int]]:
    """The whitespace-free stretches of ``text`` around each possible URL, in order (a URL never
    holds whitespace, so matching inside them finds what matching the whole text would)."""
    spans: set[tuple[int, int]] = set()
    n = len(text)
    for k in _hits(text):
        lo = k
        while lo > 0 and not text[lo - 1].isspace():
            lo -= 1
        hi = k
        while hi < n and not text[hi].isspace():
            hi += 1
        spans.add((lo, hi))
    return sorted(spans)


def _matches(text: str) -> list[re.Match[str]]:
    return [m for lo, hi in _chunks(text) for m in URL_RE.finditer(text, lo, hi)]


def find_urls(text: str) -> list[FoundUrl]:
    out: list[FoundUrl] = []
    seen: set[str] = set()
    for m in _matches(text):
        raw = m.group(0)
        url = _unglue(clean_url(raw))
        if "." not in url.split("://", 1)[-1] or len(url) < 4:
            continue
        if not re.match(r"^(https?://|www\.)", url, re.I) and not _plausible_bare(url):
            continue
        start = m.start()
        end = start + len(url) if text.startswith(url, start) else m.end()
        key = url.rstrip("/").lower()
        if key in seen:
            continue
        seen.add(key)
        out.append(FoundUrl(url, start, end, classify_url(url)))
    return out


def _unglue(url: str) -> str:
    """A URL without the glued first word of the next sentence after its host ("coverage.In"
    in "…for coverage.In this work", "https://x.github.io.The"): a host's last label in title
    case is that word, not a domain."""
    scheme, sep, rest = url.rpartition("://")
    if "/" in rest or not glued_sentence_end(rest):
        return url
    host = rest[: rest.rfind(".")]
    if "." in host and not host.rsplit(".", 1)[1].islower():
        return url  # a host all in title case ("www.Example.Com")
    return scheme + sep + host


def _plausible_bare(url: str) -> bool:
    """A scheme-less host is kept when it looks like a site, not a file name or a version."""
    host = url.split("/", 1)[0].lower()
    labels = host.split(".")
    if any(lab.isdigit() for lab in labels):
        return False
    # e.g. "e.g" or "i.e" never reach here (no TLD), but "arXiv.org" style single words do.
    return len(labels) >= 2 and all(labels)


def normalize_url(url: str) -> str:
    """The identity of a URL node: no scheme, lower-case host, no trailing slash."""
    u = re.sub(r"^[a-z]+://", "", url.strip(), flags=re.I)
    host, sep, rest = u.partition("/")
    return (host.lower() + sep + rest).rstrip("/")


def absolute_url(url: str) -> str:
    return url if re.match(r"^[a-z]+://", url, re.I) else "https://" + url

"""A :class:`~paperkg.changes.GraphDiff` as text tables or as one offline HTML page.

The page has no script and loads nothing (its Content-Security-Policy forbids it); every name and
title is HTML-escaped, so papers' text cannot inject markup.
"""

from __future__ import annotations

from collections import Counter
from html import escape

from paperkg.changes import GraphDiff
from paperkg.terminal import table_lines

_CSP = "default-src 'none'; style-src 'unsafe-inline'"


def _sections(d: GraphDiff, limit: int) -> list[tuple[str, list[str], list[list[object]]]]:
    """(title, headers, rows) of each part of the report, at most ``limit`` rows each."""
    return [
        (
            f"New papers: {len(d.new_papers)}",
            ["date", "paper", "title"],
            [[p.date, p.id, p.title] for p in d.new_papers[:limit]],
        ),
        (
            f"New entities: {len(d.new_entities)}",
            ["first seen", "type", "name", "papers", "introduced by"],
            [[e.first_seen, e.kind, e.name, e.papers, e.introduced_title] for e in d.new_entities[:limit]],
        ),
        (
            f"Rising entities: top {len(d.rises)}",
            ["type", "name", "papers before", "papers now", "rise", "relative"],
            [[r.kind, r.name, r.old, r.new, f"+{r.absolute}", _pct(r.relative)] for r in d.rises[:limit]],
        ),
        (
            f"New links between known entities: {len(d.new_links)}",
            ["source", "relation", "target", "first paper"],
            [[x.source_name, x.relation, x.target_name, x.paper] for x in d.new_links[:limit]],
        ),
        (
            f"Gone: {len(d.gone)}",
            ["type", "name", "reason", "now"],
            [[g.kind, g.name, g.reason, g.into] for g in d.gone[:limit]],
        ),
    ]


def _pct(relative: float | None) -> str:
    return "" if relative is None else f"+{relative * 100:.0f}%"


def _summary(d: GraphDiff) -> str:
    kinds = Counter(e.kind for e in d.new_entities)
    by_kind = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) or "none"
    return (
        f"papers {d.old_papers} -> {d.new_papers_total} (+{len(d.new_papers)}); "
        f"new entities: {by_kind}; new links: {len(d.new_links)}; gone: {len(d.gone)}"
    )


def to_text(d: GraphDiff, limit: int = 20) -> str:
    """The report as plain text tables, each cut after ``limit`` rows."""
    lines = [_summary(d)]
    for title, headers, rows in _sections(d, limit):
        lines += ["", title]
        if rows:
            lines += table_lines(headers, rows)
    return "\n".join(lines) + "\n"


def to_html(d: GraphDiff, title: str = "paperkg diff", limit: int = 200) -> str:
    """The report as one self-contained HTML page, each table cut after ``limit`` rows."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="referrer" content="no-referrer"><meta name="generator" content="paperkg">',
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1><p class=summary>{escape(_summary(d))}</p>",
    ]
    for heading, headers, rows in _sections(d, limit):
        parts.append(f"<h2>{escape(heading)}</h2>")
        if not rows:
            continue
        head = "".join(f"<th>{escape(h)}</th>" for h in headers)
        body = "".join(
            "<tr>" + "".join(f"<td>{escape('' if c is None else str(c))}</td>" for c in row) + "</tr>"
            for row in rows
        )
        parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


_STYLE = """
body { font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #222;
       background: #fafafa; margin: 16px 24px; }
h1 { font-size: 18px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 20px 0 6px; }
.summary { color: #444; }
table { border-collapse: collapse; background: #fff; border: 1px solid #ddd; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid #eee; overflow-wrap: anywhere;
         max-width: 520px; vertical-align: top; }
th { background: #f3f3f3; font-weight: 600; }
"""

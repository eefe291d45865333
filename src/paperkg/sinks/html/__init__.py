"""Interactive HTML graph: one self-contained page drawn with vis-network (from pyvis).

The page inlines everything it needs (vis-network's JavaScript read from the installed
pyvis package, the project's own CSS and script from ``paperkg/sinks/templates/graph.html``)
and makes no network request when opened from ``file://``. The graph (:mod:`.payload`) is
embedded as JSON in a ``<script type="application/json">`` block (``<``, ``>``, ``&``,
U+2028/2029 escaped) and every untrusted string is rendered with ``textContent``.

Filtering (``max_nodes``, ``focus``/``depth``) needs the whole graph, so the sink buffers
nodes and edges and decides in :meth:`HtmlSink.finalize`; its :class:`SinkReport` counts
what it *received*, while the page records how many nodes and edges it draws.

The page's date-range filter reads each drawn paper's date and each entity's first and last seen
dates, put into the page's data by :mod:`.payload` (rules of :mod:`paperkg.timeline`).

Above ``layout_threshold`` drawn nodes the positions are computed before the page is written
(:func:`paperkg.sinks.html.layout.fast_layout`) and the page starts with physics off;
below it, vis-network's physics runs a limited stabilization and is then switched off.
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import html
import json
import os
import re
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from paperkg.files import remove_quietly
from paperkg.model import Edge, Node
from paperkg.sinks.base import SinkError, SinkReport
from paperkg.sinks.html.payload import page_payload, strings

__all__ = ["CHROMIUM_ARGS", "CHROMIUM_PATH", "HtmlSink", "json_for_script", "vis_network_js"]

#: Debian's chromium and the flags the browser tests, benchmark and screenshot script use.
CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--metrics-recording-only",
    "--no-default-browser-check",
)

VIS_JS_RESOURCE = ("pyvis", "lib/vis-9.1.2/vis-network.min.js")
TEMPLATE_RESOURCE = ("paperkg.sinks", "templates/graph.html")


# -- helpers ---------------------------------------------------------------------------------------


def json_for_script(data: Any) -> str:
    """JSON that is safe inside ``<script type="application/json">`` (and in any HTML text)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def vis_network_js() -> str:
    """vis-network's minified JavaScript, read from the installed pyvis package."""
    try:
        text = resources.files(VIS_JS_RESOURCE[0]).joinpath(VIS_JS_RESOURCE[1]).read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as exc:  # pragma: no cover - broken install
        raise SinkError(f"cannot read vis-network from the pyvis package: {exc}") from exc
    return _safe_inline_script(text)


def _safe_inline_script(js: str) -> str:
    # Inside <script>, only "</script" ends the element and "<!--" can switch the tokenizer
    # into its double-escaped state; neither occurs in vis-network 9.1.2, check it stays so.
    lowered = js.lower()
    if "</script" in lowered or "<!--" in lowered:
        raise SinkError("vis-network.min.js cannot be inlined safely (contains '</script' or '<!--')")
    return js


def _template() -> str:
    return resources.files(TEMPLATE_RESOURCE[0]).joinpath(TEMPLATE_RESOURCE[1]).read_text("utf-8")


def _app_script(template: str) -> str:
    m = re.search(r'<script id="paperkg-app">(.*?)</script>', template, re.DOTALL)
    if m is None:  # pragma: no cover - broken template
        raise SinkError("graph.html template has no paperkg-app script")
    return m.group(1)


def _csp(scripts: Iterable[str]) -> str:
    """A Content-Security-Policy allowing only the page's own inline scripts (by hash), no fetches."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode("ascii") + "'"
        for s in scripts
    )
    return (
        f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )


def _render(template: str, values: Mapping[str, str]) -> str:
    """Replace ``{{ name }}`` markers in one pass (inserted text is never rescanned)."""

    def sub(m: re.Match[str]) -> str:
        key = m.group(1)
        if key not in values:
            raise KeyError(f"template marker {{{{ {key} }}}} has no value")
        return values[key]

    return re.sub(r"\{\{ (\w+) \}\}", sub, template)


# -- the sink --------------------------------------------------------------------------------------


class HtmlSink:
    """Write the graph as one interactive, self-contained HTML page."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        max_nodes: int | None = None,
        focus: str | None = None,
        depth: int = 1,
        layout_threshold: int = 1500,
        title: str = "paperkg graph",
    ) -> None:
        if max_nodes is not None and max_nodes < 1:
            raise SinkError(f"--max-nodes must be at least 1, got {max_nodes}")
        if depth < 0:
            raise SinkError(f"--depth must be 0 or more, got {depth}")
        if focus is not None and not focus.strip():
            raise SinkError("--focus needs a name")
        self.path = Path(path)
        self.max_nodes = max_nodes
        self.focus = focus.strip() if focus is not None else None
        self.depth = depth
        self.layout_threshold = layout_threshold
        self.title = title
        self._nodes: dict[str, Node] = {}
        self._edges: list[Edge] = []
        self.received_nodes = 0
        self.received_edges = 0
        #: After finalize: ids of the nodes drawn, in page order.
        self.drawn_node_ids: list[str] = []
        self.drawn_edges = 0

    # -- protocol ----------------------------------------------------------------------------------
    def write_node(self, node: Node) -> None:
        self.received_nodes += 1
        self._nodes[node.id] = node

    def write_edge(self, edge: Edge) -> None:
        self.received_edges += 1
        self._edges.append(edge)

    def finalize(self) -> SinkReport:
        page = self.render()
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(page, encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError as exc:
            raise SinkError(f"{self.path}: cannot write the HTML graph: {exc.strerror or exc}") from exc
        finally:
            remove_quietly(tmp)
        return SinkReport(self.received_nodes, self.received_edges, str(self.path))

    # -- selection ---------------------------------------------------------------------------------
    def _valid_edges(self) -> list[Edge]:
        return [e for e in self._edges if e.source in self._nodes and e.target in self._nodes]

    def find(self, name: str) -> list[str]:
        """Ids of the nodes whose name, alias, title or id equals ``name`` (case-insensitive)."""
        want = name.casefold()
        hits = []
        for nid, node in self._nodes.items():
            p = node.props
            names = [nid, *strings(p.get("name")), *strings(p.get("title")), *strings(p.get("aliases"))]
            if any(s.casefold() == want for s in names):
                hits.append(nid)
        return hits

    def select(self) -> tuple[list[str], list[Edge]]:
        """The node ids and edges to draw, after ``focus``/``depth`` and ``max_nodes``."""
        edges = self._valid_edges()
        degree: Counter[str] = Counter()
        for e in edges:
            degree[e.source] += 1
            degree[e.target] += 1
        chosen: list[str] = list(self._nodes)
        must: list[str] = []
        if self.focus is not None:
            must = self.find(self.focus)
            if not must:
                names = sorted(
                    {str(n.props.get("name")) for n in self._nodes.values() if n.props.get("name")}
                )
                close = difflib.get_close_matches(self.focus, names, n=3, cutoff=0.6)
                hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
                raise SinkError(f"--focus {self.focus!r}: no node has that name or alias{hint}")
            adj: dict[str, set[str]] = defaultdict(set)
            for e in edges:
                adj[e.source].add(e.target)
                adj[e.target].add(e.source)
            dist = dict.fromkeys(must, 0)
            queue = deque(must)
            while queue:
                cur = queue.popleft()
                if dist[cur] >= self.depth:
                    continue
                for nb in sorted(adj[cur]):
                    if nb not in dist:
                        dist[nb] = dist[cur] + 1
                        queue.append(nb)
            chosen = [nid for nid in self._nodes if nid in dist]
        if self.max_nodes is not None and len(chosen) > self.max_nodes:
            first = set(must)
            ranked = sorted(chosen, key=lambda nid: (nid not in first, -degree[nid], nid))
            keep = set(ranked[: self.max_nodes])
            chosen = [nid for nid in chosen if nid in keep]
        keep_set = set(chosen)
        drawn_edges = [e for e in edges if e.source in keep_set and e.target in keep_set]
        return chosen, drawn_edges

    # -- page --------------------------------------------------------------------------------------
    def payload(self) -> dict[str, Any]:
        """The JSON data the page draws (:func:`.payload.page_payload`)."""
        chosen, edges = self.select()
        data = page_payload(
            self._nodes,
            self._valid_edges(),
            chosen,
            edges,
            title=self.title,
            focus=self.focus,
            depth=self.depth if self.focus is not None else None,
            max_nodes=self.max_nodes,
            positioned=len(chosen) > self.layout_threshold,
        )
        self.drawn_node_ids = chosen
        self.drawn_edges = len(edges)
        return data

    def render(self) -> str:
        """The complete HTML page."""
        data = self.payload()
        template = _template()
        vis_js = vis_network_js()
        return _render(
            template,
            {
                "csp": _csp([vis_js, _app_script(template)]),
                "title": html.escape(self.title, quote=True),
                "vis_js": vis_js,
                "data": json_for_script(data),
            },
        )

"""Interactive HTML graph: one self-contained page drawn with vis-network (from pyvis).

The page inlines everything it needs (vis-network's JavaScript read from the installed
pyvis package, the project's own CSS and script from ``templates/graph.html``) and
makes no network request when opened from ``file://``. The graph is embedded as JSON in a
``<script type="application/json">`` block (``<``, ``>``, ``&``, U+2028/2029 escaped) and
every untrusted string is rendered with ``textContent``.

Filtering (``max_nodes``, ``focus``/``depth``) needs the whole graph, so the sink buffers
nodes and edges and decides in :meth:`HtmlSink.finalize`; its :class:`SinkReport` counts
what it *received*, while the page records how many nodes and edges it draws.

Above ``layout_threshold`` drawn nodes the positions are computed here
(:func:`fast_layout`, a numpy force layout whose repulsion comes from a density grid
convolved by FFT, O(n + G² log G) per iteration) and the page starts with physics off;
below it, vis-network's physics runs a limited stabilization and is then switched off.
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import html
import json
import math
import os
import re
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from paperkg.files import remove_quietly
from paperkg.model import Edge, EdgeType, Node, NodeKind
from paperkg.sinks.base import SinkError, SinkReport

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "CHROMIUM_ARGS",
    "CHROMIUM_PATH",
    "EDGE_STYLES",
    "KIND_STYLES",
    "HtmlSink",
    "fast_layout",
    "json_for_script",
    "vis_network_js",
]

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

#: Colour (Okabe-Ito palette, colour-blind safe) and vis-network shape per node kind.
KIND_STYLES: dict[str, dict[str, str]] = {
    NodeKind.PAPER.value: {"color": "#0072B2", "shape": "dot", "label": "Paper"},
    NodeKind.MODEL.value: {"color": "#E69F00", "shape": "diamond", "label": "Model"},
    NodeKind.DATASET.value: {"color": "#009E73", "shape": "square", "label": "Dataset"},
    NodeKind.BENCHMARK.value: {"color": "#CC79A7", "shape": "triangle", "label": "Benchmark"},
    NodeKind.REPOSITORY.value: {"color": "#555555", "shape": "hexagon", "label": "Repository"},
    NodeKind.WEBSITE.value: {"color": "#56B4E9", "shape": "triangleDown", "label": "Website"},
}

#: Colour, dash pattern (``False`` = solid) and width per edge type.
EDGE_STYLES: dict[str, dict[str, Any]] = {
    EdgeType.INTRODUCES.value: {"color": "#D55E00", "dashes": False, "width": 2.0},
    EdgeType.USES.value: {"color": "#7f8fa6", "dashes": False, "width": 1.0},
    EdgeType.EVALUATES_ON.value: {"color": "#CC79A7", "dashes": False, "width": 1.0},
    EdgeType.HAS_CODE.value: {"color": "#333333", "dashes": [6, 4], "width": 1.0},
    EdgeType.HAS_WEBSITE.value: {"color": "#56B4E9", "dashes": [6, 4], "width": 1.0},
    EdgeType.VARIANT_OF.value: {"color": "#E69F00", "dashes": [2, 4], "width": 1.5},
    EdgeType.TRAINED_ON.value: {"color": "#009E73", "dashes": [10, 4, 2, 4], "width": 1.5},
}

EDGE_ROLES: dict[str, str] = {
    EdgeType.INTRODUCES.value: "introduced",
    EdgeType.USES.value: "used",
    EdgeType.EVALUATES_ON.value: "used",
}

LABEL_MAX = 40  # characters of a node label before it is truncated with "…"
SENTENCE_MAX = 600  # evidence sentences longer than this are cut in the page
ALIASES_MAX = 12
VIS_JS_RESOURCE = ("pyvis", "lib/vis-9.1.2/vis-network.min.js")
TEMPLATE_RESOURCE = ("paperkg.sinks", "templates/graph.html")
LAYOUT_SCALE = 32.0  # vis canvas units between neighbouring nodes of fast_layout


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


def _truncate(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _strs(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable):
        return [str(v) for v in value if v not in (None, "")]
    return [str(value)]


def _http_url(value: Any) -> str | None:
    if isinstance(value, str) and re.match(r"https?://[^\s]+$", value.strip(), re.IGNORECASE):
        return value.strip()
    return None


_ARXIV_ID = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z][a-z.-]*/\d{7})(?:v\d+)?$", re.IGNORECASE)


def _node_url(node: Node) -> str | None:
    """Where clicking a node goes: a paper's arXiv abs page (or its url), an entity's homepage,
    a repository's or website's url. Only http(s) URLs."""
    p = node.props
    if node.kind is NodeKind.PAPER:
        arxiv = p.get("arxiv_id")
        if isinstance(arxiv, str) and _ARXIV_ID.match(arxiv.strip()):
            return f"https://arxiv.org/abs/{arxiv.strip()}"
        return _http_url(p.get("url"))
    if node.kind in (NodeKind.REPOSITORY, NodeKind.WEBSITE):
        return _http_url(p.get("url")) or _http_url(p.get("name"))
    return _http_url(p.get("homepage"))


def _full_name(node: Node) -> str:
    p = node.props
    if node.kind is NodeKind.PAPER:
        return str(p.get("title") or node.id)
    return str(p.get("name") or p.get("url") or node.id)


def _short_label(node: Node) -> str:
    name = _full_name(node)
    if node.kind in (NodeKind.REPOSITORY, NodeKind.WEBSITE):
        name = re.sub(r"^https?://", "", name, flags=re.IGNORECASE)
    return _truncate(name, LABEL_MAX)


# -- layout ----------------------------------------------------------------------------------------


def fast_layout(
    n: int,
    sources: Sequence[int],
    targets: Sequence[int],
    *,
    seed: int = 7,
    iterations: int = 80,
    gravity: float = 0.02,
    repulsion: float = 1.0,
) -> np.ndarray:
    """Force-directed positions for ``n`` nodes joined by edges ``sources[i] -> targets[i]``.

    ForceAtlas2-like forces: linear attraction along edges, repulsion (deg+1)(deg'+1)/d between
    all pairs, and a "strong" gravity proportional to (deg+1) times the distance to the centre,
    which keeps small components near the main one. The all-pairs repulsion is approximated by
    binning the degree weights on a G×G grid and convolving them with the repulsion kernel by
    FFT (a particle-mesh method), so one iteration costs O(n + E + G² log G) instead of O(n²):
    about 2 s for 20,000 nodes on 2 cores. Deterministic for a given seed. Returns an ``(n, 2)`` array
    whose typical edge length is about 1.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    if n <= 1:
        return np.zeros((n, 2))
    src = np.asarray(sources, dtype=np.int64)
    dst = np.asarray(targets, dtype=np.int64)
    keep = src != dst
    src, dst = src[keep], dst[keep]
    mass = (np.bincount(src, minlength=n) + np.bincount(dst, minlength=n) + 1).astype(float)

    radius = math.sqrt(repulsion * float(mass.sum()) / gravity)  # equilibrium radius of a uniform disc
    pos = (rng.random((n, 2)) - 0.5) * radius
    grid = int(min(256, max(32, 2 ** math.ceil(math.log2(math.sqrt(n) * 1.5)))))
    size = 2 * grid
    # Unit-cell repulsion kernel K(d) = d / |d|² on the zero-padded (2G)² torus.
    off = np.fft.fftfreq(size, d=1.0 / size)
    ox, oy = np.meshgrid(off, off, indexing="ij")
    r2 = ox * ox + oy * oy
    r2[0, 0] = 1.0
    kx, ky = ox / r2, oy / r2
    kx[0, 0] = ky[0, 0] = 0.0
    fkx, fky = np.fft.rfft2(kx), np.fft.rfft2(ky)

    t0 = radius * 0.1
    for it in range(iterations):
        temp = t0 * (1.0 - it / iterations) ** 2 + 0.05
        lo = pos.min(axis=0)
        span = float((pos.max(axis=0) - lo).max()) * 1.000001 + 1e-9
        cell = span / grid
        ij = np.clip(((pos - lo) / cell).astype(np.int64), 0, grid - 1)
        flat = ij[:, 0] * size + ij[:, 1]
        rho = np.bincount(flat, weights=mass, minlength=size * size).reshape(size, size)
        frho = np.fft.rfft2(rho)
        fx = np.fft.irfft2(frho * fkx, s=(size, size)).ravel()[flat]
        fy = np.fft.irfft2(frho * fky, s=(size, size)).ravel()[flat]
        disp = np.stack([fx, fy], axis=1) * (repulsion * mass / cell)[:, None]
        # Nodes sharing a cell do not repel each other: a little jitter separates them.
        disp += (rng.random((n, 2)) - 0.5) * mass[:, None]
        if src.size:
            d = pos[dst] - pos[src]
            disp[:, 0] += np.bincount(src, d[:, 0], minlength=n) - np.bincount(dst, d[:, 0], minlength=n)
            disp[:, 1] += np.bincount(src, d[:, 1], minlength=n) - np.bincount(dst, d[:, 1], minlength=n)
        disp -= gravity * mass[:, None] * pos
        # Heavy nodes move slowly (as in ForceAtlas2), every step is capped by the temperature.
        disp /= mass[:, None]
        length = np.sqrt((disp * disp).sum(axis=1)) + 1e-9
        pos += disp * (np.minimum(length, temp) / length)[:, None]
    pos -= pos.mean(axis=0)
    # Normalise: the median distance from a node to its nearest neighbour becomes 1
    # (measured on a sample of at most 2,000 nodes, in chunks, to stay O(n)).
    sample = rng.choice(n, size=min(n, 2000), replace=False)
    nearest = []
    for chunk in np.array_split(sample, max(1, sample.size // 100)):
        d2 = ((pos[chunk, None, :] - pos[None, :, :]) ** 2).sum(axis=2)
        d2[np.arange(chunk.size), chunk] = np.inf
        nearest.append(np.sqrt(d2.min(axis=1)))
    spacing = float(np.median(np.concatenate(nearest)))
    return pos / spacing if spacing > 0 else pos
    return pos


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
            names = [nid, *_strs(p.get("name")), *_strs(p.get("title")), *_strs(p.get("aliases"))]
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
        """The JSON data the page draws."""
        chosen, edges = self.select()
        index = {nid: i for i, nid in enumerate(chosen)}
        drawn_degree: Counter[str] = Counter()
        for e in edges:
            drawn_degree[e.source] += 1
            drawn_degree[e.target] += 1
        roles: dict[str, Counter[str]] = defaultdict(Counter)
        for e in self._valid_edges():
            role = EDGE_ROLES.get(e.type.value)
            if role:
                roles[e.target][role] += 1

        positioned = len(chosen) > self.layout_threshold
        pos = None
        if positioned:
            pos = fast_layout(len(chosen), [index[e.source] for e in edges], [index[e.target] for e in edges])

        nodes_out: list[dict[str, Any]] = []
        for i, nid in enumerate(chosen):
            node = self._nodes[nid]
            p = node.props
            full = _full_name(node)
            item: dict[str, Any] = {
                "id": nid,
                "kind": node.kind.value,
                "label": _short_label(node),
                "name": full,
                "degree": drawn_degree[nid],
            }
            aliases = [a for a in dict.fromkeys(_strs(p.get("aliases"))) if a != full]
            if aliases:
                item["aliases"] = aliases[:ALIASES_MAX]
                if len(aliases) > ALIASES_MAX:
                    item["more_aliases"] = len(aliases) - ALIASES_MAX
            url = _node_url(node)
            if url:
                item["url"] = url
            info: list[str] = []
            if node.kind is NodeKind.PAPER:
                if p.get("arxiv_id"):
                    info.append(f"arXiv {p['arxiv_id']}")
                if p.get("published"):
                    info.append(f"published {p['published']}")
                authors = _strs(p.get("authors"))
                if authors:
                    more = f" +{len(authors) - 3}" if len(authors) > 3 else ""
                    info.append(", ".join(authors[:3]) + more)
            elif node.kind.is_entity:
                r = roles.get(nid, Counter())
                info.append(f"introduced by {r['introduced']} paper(s), used by {r['used']} paper(s)")
            elif p.get("url_kind"):
                info.append(f"{p['url_kind']} link")
            if info:
                item["info"] = info
            if pos is not None:
                item["x"] = round(float(pos[i, 0]) * LAYOUT_SCALE, 1)
                item["y"] = round(float(pos[i, 1]) * LAYOUT_SCALE, 1)
            nodes_out.append(item)

        edges_out: list[dict[str, Any]] = []
        for e in edges:
            p = e.props
            item = {"from": e.source, "to": e.target, "type": e.type.value}
            role = EDGE_ROLES.get(e.type.value)
            if role:
                item["role"] = role
            if p.get("sentence"):
                item["sentence"] = _truncate(str(p["sentence"]), SENTENCE_MAX)
            if p.get("field"):
                item["field"] = str(p["field"])
            conf = p.get("confidence")
            if isinstance(conf, int | float) and math.isfinite(conf):
                item["confidence"] = round(float(conf), 3)
            mention_type = p.get("mention_type")
            target = self._nodes.get(e.target)
            if isinstance(mention_type, str) and target is not None and mention_type != target.kind.value:
                item["mention_type"] = mention_type  # the paper typed it otherwise than the corpus
            evidence = p.get("paper")
            if isinstance(evidence, str) and e.type is EdgeType.TRAINED_ON:
                paper = self._nodes.get(evidence)
                item["paper"] = _truncate(_full_name(paper), 120) if paper is not None else evidence
            edges_out.append(item)

        self.drawn_node_ids = chosen
        self.drawn_edges = len(edges_out)
        return {
            "title": self.title,
            "total_nodes": len(self._nodes),
            "total_edges": len(self._valid_edges()),
            "shown_nodes": len(nodes_out),
            "shown_edges": len(edges_out),
            "focus": self.focus,
            "depth": self.depth if self.focus is not None else None,
            "max_nodes": self.max_nodes,
            "positioned": positioned,
            "kinds": [{"kind": k, **v} for k, v in KIND_STYLES.items()],
            "edge_types": [{"type": t, **v} for t, v in EDGE_STYLES.items()],
            "nodes": nodes_out,
            "edges": edges_out,
        }

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

"""The HTML graph in a real browser (Debian's chromium through playwright).

Pages are opened from file:// with every request routed: anything but the page itself is
aborted and recorded, and each test asserts that nothing else was attempted and that the
console stayed free of errors. Skipped when chromium or playwright is missing, unless CI=true.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from paperkg.graph import KnowledgeGraph
from paperkg.model import Edge, EdgeType, Node, NodeKind
from paperkg.sinks.base import write_graph
from paperkg.sinks.html import CHROMIUM_ARGS, CHROMIUM_PATH, HtmlSink
from test_html_sink import dated_graph, evidence, sample_graph

pytestmark = pytest.mark.browser

EVIL_IMG = "<img src=x onerror=window.__pwned=1>"
EVIL_SCRIPT = "<script>window.__pwned=1</script>"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests cannot run on CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed")
    if not os.access(CHROMIUM_PATH, os.X_OK):
        _unavailable(f"{CHROMIUM_PATH} not found")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=list(CHROMIUM_ARGS))
        try:
            yield b
        finally:
            b.close()


@dataclass
class Opened:
    page: Any
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def wait_still(self) -> None:
        """Wait until the view has stopped moving (a search focuses its node with a short animation)."""
        self.page.evaluate("() => { window.__view = { key: null, same: 0 }; }")
        self.page.wait_for_function(
            """() => {
                const net = window.paperkg.network, v = net.getViewPosition(), s = window.__view;
                const key = [v.x, v.y, net.getScale()].join(" ");
                s.same = key === s.key ? s.same + 1 : 0;
                s.key = key;
                return s.same >= 3;
            }""",
            polling=100,
        )

    def node_point(self, node_id: str) -> tuple[float, float]:
        """Viewport coordinates of a node's centre, once the view is still."""
        self.wait_still()
        p = self.page.evaluate(
            """id => {
                const net = window.paperkg.network;
                const dom = net.canvasToDOM(net.getPosition(id));
                const box = document.getElementById('network').getBoundingClientRect();
                return [box.left + dom.x, box.top + dom.y];
            }""",
            node_id,
        )
        return float(p[0]), float(p[1])

    def drawn(self) -> set[str]:
        return set(self.page.evaluate("window.paperkg.drawnNodeIds()"))


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    contexts: list[Any] = []
    opened: list[Opened] = []

    def _open(path: Path) -> Opened:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        contexts.append(context)
        page = context.new_page()
        o = Opened(page)
        opened.append(o)
        url = path.resolve().as_uri()

        def route(r: Any) -> None:
            o.requests.append(r.request.url)
            if r.request.url == url:
                r.continue_()
            else:
                r.abort()

        page.route("**/*", route)
        page.on("console", lambda m: o.errors.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda exc: o.errors.append(str(exc)))
        page.goto(url)
        page.wait_for_function("window.paperkg && window.paperkg.ready === true", timeout=30_000)
        return o

    yield _open
    for o in opened:
        # Only the page itself was requested; everything else would have been aborted and listed here.
        assert len(o.requests) == 1 and o.requests[0].startswith("file://"), f"requests: {o.requests}"
        assert o.errors == [], o.errors
    for c in contexts:
        c.close()


def make_graph(evil: str = "") -> KnowledgeGraph:
    """The sink tests' graph, with a javascript: URL that would set ``window.__pwned`` if followed."""
    return sample_graph(evil, bad_url="javascript:window.__pwned=1")


def grid_graph(papers: int) -> KnowledgeGraph:
    """Papers each using two of a handful of datasets: many nodes, a few hubs."""
    g = KnowledgeGraph()
    for j in range(8):
        g.add_node(Node(f"dataset:d{j}", NodeKind.DATASET, {"name": f"D{j}", "aliases": [f"Data {j}"]}))
    for i in range(papers):
        pid = f"paper:2405.{i:05d}"
        g.add_node(Node(pid, NodeKind.PAPER, {"title": f"Paper number {i}", "arxiv_id": f"2405.{i:05d}"}))
        for j in {i % 8, (i * 3 + 1) % 8}:
            g.add_edge(Edge(pid, f"dataset:d{j}", EdgeType.USES, evidence(pid)))
    return g


def write(graph: KnowledgeGraph, path: Path, **kwargs: Any) -> Path:
    write_graph(graph, HtmlSink(path, **kwargs))
    return path


def test_every_node_is_drawn(tmp_path: Path, open_page: Any) -> None:
    g = make_graph()
    o = open_page(write(g, tmp_path / "g.html"))
    assert o.drawn() == {n.id for n in g.nodes()}
    assert len(o.page.evaluate("window.paperkg.drawnEdgeIds()")) == g.number_of_edges()
    assert o.page.text_content("#counts") == "showing 9 of 9 nodes, 9 of 9 edges"
    assert o.page.evaluate("window.paperkg.network.physics.options.enabled") is False  # stabilized, then off
    assert o.page.evaluate("window.__pwned") is None


def test_max_nodes_cap(tmp_path: Path, open_page: Any) -> None:
    g = grid_graph(40)
    o = open_page(write(g, tmp_path / "g.html", max_nodes=12))
    drawn = o.drawn()
    assert len(drawn) == 12
    assert {f"dataset:d{j}" for j in range(8)} <= drawn  # the hubs are the best connected
    assert "showing 12 of 48 nodes" in o.page.text_content("#counts")


def test_precomputed_layout_page(tmp_path: Path, open_page: Any) -> None:
    g = grid_graph(300)
    o = open_page(write(g, tmp_path / "g.html", layout_threshold=100))
    assert len(o.drawn()) == 308
    assert o.page.evaluate("window.paperkg.data.positioned") is True
    assert o.page.evaluate("window.paperkg.network.physics.options.enabled") is False
    assert "precomputed layout" in o.page.text_content("#note")


def test_search_focuses_a_node(tmp_path: Path, open_page: Any) -> None:
    o = open_page(write(make_graph(), tmp_path / "g.html"))
    page = o.page
    page.fill("#search", "ms-co")  # alias prefix, case-insensitive
    page.wait_for_selector("#results li[data-id='dataset:coco']")
    page.press("#search", "Enter")
    assert page.evaluate("window.paperkg.network.getSelectedNodes()") == ["dataset:coco"]
    assert "COCO" in page.text_content("#details")
    # Substring of a name; picking a result by click.
    page.fill("#search", "5")
    page.wait_for_selector("#results li[data-id='model:llava-1-5']")
    page.click("#results li[data-id='model:llava-1-5']")
    assert page.evaluate("window.paperkg.network.getSelectedNodes()") == ["model:llava-1-5"]
    page.fill("#search", "zzz-nothing")
    page.wait_for_selector("#results li.none")


def test_kind_and_edge_type_checkboxes(tmp_path: Path, open_page: Any) -> None:
    g = make_graph()
    o = open_page(write(g, tmp_path / "g.html"))
    page = o.page
    models = {"model:llava-1-5", "model:llava"}
    page.uncheck("#kinds input[data-key='model']")
    drawn = o.drawn()
    assert not drawn & models and len(drawn) == 7
    edges = page.evaluate("window.paperkg.drawnEdgeIds().map(i => window.paperkg.edges.get(i).type)")
    assert "INTRODUCES" not in edges and "VARIANT_OF" not in edges  # their ends are hidden
    page.check("#kinds input[data-key='model']")
    assert models <= o.drawn()
    page.uncheck("#types input[data-key='USES']")
    types = page.evaluate("window.paperkg.drawnEdgeIds().map(i => window.paperkg.edges.get(i).type)")
    assert "USES" not in types and len(types) == 6
    # Searching for a node of a hidden kind shows the kind again.
    page.uncheck("#kinds input[data-key='benchmark']")
    page.fill("#search", "mmlu")
    page.wait_for_selector("#results li[data-id='benchmark:mmlu']")
    page.press("#search", "Enter")
    assert "benchmark:mmlu" in o.drawn()
    assert page.is_checked("#kinds input[data-key='benchmark']")


def test_hover_tooltip_shows_node_and_edge_details(tmp_path: Path, open_page: Any) -> None:
    o = open_page(write(make_graph(), tmp_path / "g.html", layout_threshold=0))
    page = o.page
    x, y = o.node_point("model:llava-1-5")
    page.mouse.move(x, y)
    page.wait_for_selector("#tooltip:not([hidden])")
    text = page.text_content("#tooltip")
    assert "LLaVA-1.5" in text and "Model" in text and "aliases: llava-v1.5" in text
    assert "introduced by 1 paper(s)" in text
    # An edge: the midpoint of a straight edge (precomputed layout => smooth off).
    page.mouse.move(5, 5)
    (ax, ay), (bx, by) = o.node_point("paper:2401.00002"), o.node_point("benchmark:mmlu")
    page.mouse.move((ax + bx) / 2, (ay + by) / 2)
    page.wait_for_function("document.getElementById('tooltip').textContent.includes('EVALUATES_ON')")
    text = page.text_content("#tooltip")
    assert "role used" in text and "Results on MMLU." in text and "confidence 0.9" in text


def test_click_opens_arxiv_or_url_only_for_http(tmp_path: Path, open_page: Any) -> None:
    o = open_page(write(make_graph(), tmp_path / "g.html", layout_threshold=0))
    page = o.page
    page.evaluate(
        "() => { window.__opened = []; window.open = (...a) => { window.__opened.push(a); return null; }; }"
    )
    for node_id in ("paper:2401.00002", "repo:github.com/haotian-liu/llava", "paper:t-0123456789abcdef"):
        x, y = o.node_point(node_id)
        page.mouse.click(x, y)
    opened = page.evaluate("window.__opened")
    assert opened == [
        ["https://arxiv.org/abs/2401.00002", "_blank", "noopener,noreferrer"],
        ["https://github.com/haotian-liu/LLaVA", "_blank", "noopener,noreferrer"],
    ]
    assert page.evaluate("window.__pwned") is None


@pytest.mark.parametrize("evil", [EVIL_IMG, EVIL_SCRIPT])
def test_injected_markup_runs_nothing_and_shows_literally(tmp_path: Path, open_page: Any, evil: str) -> None:
    g = make_graph(evil)
    o = open_page(write(g, tmp_path / "g.html", layout_threshold=0, title="graph " + evil))
    page = o.page
    assert page.evaluate("window.__pwned") is None
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert page.evaluate("document.scripts.length") == 3
    assert page.text_content("#title") == "graph " + evil
    assert page.title() == "graph " + evil
    # Tooltip of the paper and of its INTRODUCES edge.
    x, y = o.node_point("paper:2401.00001")
    page.mouse.move(x, y)
    page.wait_for_selector("#tooltip:not([hidden])")
    assert "Visual instruction tuning" + evil in page.text_content("#tooltip")
    page.mouse.move(5, 5)
    (ax, ay), (bx, by) = o.node_point("paper:2401.00001"), o.node_point("model:llava-1-5")
    page.mouse.move((ax + bx) / 2, (ay + by) / 2)
    page.wait_for_function("document.getElementById('tooltip').textContent.includes('INTRODUCES')")
    assert "We introduce LLaVA-1.5" + evil in page.text_content("#tooltip")
    # Search results: by the markup itself (an alias) and by the name.
    page.fill("#search", evil[:8])
    page.wait_for_selector("#results li[data-id='dataset:coco']")
    item = page.text_content("#results li[data-id='dataset:coco']")
    assert "COCO" + evil in item
    page.press("#search", "Enter")
    assert "COCO" + evil in page.text_content("#details")
    assert page.evaluate("window.__pwned") is None
    assert page.evaluate("document.querySelectorAll('img').length") == 0


# The dated graph's parts, by what a range over February 2025 does to them.
FEBRUARY = {"paper:2502.00002", "dataset:shared", "benchmark:bench"}  # shared is also a January paper's
OUTSIDE_FEBRUARY = {
    "paper:2501.00001",
    "paper:2503.00003",
    "paper:t-undated",  # undated papers are hidden while a range is set
    "model:alpha",
    "repo:github.com/lab/alpha",
    "dataset:carried",
    "dataset:orphan",
    "model:alpha-mini",  # no paper links to it at all
}


def set_range(page: Any, start: str, end: str) -> None:
    """Type the range into the labelled date fields, as a person would."""
    page.get_by_label("from", exact=True).fill(start)
    page.get_by_label("to", exact=True).fill(end)


def test_date_range_hides_papers_outside_and_entities_left_without_one(
    tmp_path: Path, open_page: Any
) -> None:
    g = dated_graph()
    o = open_page(write(g, tmp_path / "g.html"))
    page = o.page
    everything = {n.id for n in g.nodes()}
    assert o.drawn() == everything == FEBRUARY | OUTSIDE_FEBRUARY
    assert page.text_content("#date-span") == "papers dated 2025-01-10 – 2025-03-20; 1 undated"
    assert page.text_content("#date-count") == "4 of 4 papers shown"
    set_range(page, "2025-02-01", "2025-02-28")
    assert o.drawn() == FEBRUARY
    assert len(page.evaluate("window.paperkg.drawnEdgeIds()")) == 2  # the February paper's two links
    assert page.text_content("#date-count") == "1 of 4 papers shown"
    assert page.evaluate("window.paperkg.dateRange()") == {"from": "2025-02-01", "to": "2025-02-28"}
    # Clearing from the keyboard brings everything back, the undated paper too.
    page.focus("#date-clear")
    page.keyboard.press("Enter")
    assert o.drawn() == everything
    assert page.input_value("#date-from") == "" and page.input_value("#date-to") == ""
    assert page.text_content("#date-count") == "4 of 4 papers shown"
    # An open end: from mid-February on.
    page.get_by_label("from", exact=True).fill("2025-02-15")
    assert o.drawn() == {
        "paper:2502.00002",
        "paper:2503.00003",
        "dataset:shared",
        "benchmark:bench",
        "model:alpha",
        "dataset:carried",
    }
    # "from" after "to": no paper, and the count says why.
    page.get_by_label("to", exact=True).fill("2025-01-31")
    assert o.drawn() == set()
    assert page.text_content("#date-count") == "0 of 4 papers shown (from is after to)"
    page.click("#date-clear")
    assert o.drawn() == everything


def test_date_range_composes_with_kind_checkboxes(tmp_path: Path, open_page: Any) -> None:
    o = open_page(write(dated_graph(), tmp_path / "g.html"))
    page = o.page
    set_range(page, "2025-02-01", "2025-02-28")
    page.uncheck("#kinds input[data-key='dataset']")
    assert o.drawn() == FEBRUARY - {"dataset:shared"}
    page.check("#kinds input[data-key='dataset']")
    assert o.drawn() == FEBRUARY
    # Hiding the papers themselves keeps the entities the range lets through.
    page.uncheck("#kinds input[data-key='paper']")
    assert o.drawn() == {"dataset:shared", "benchmark:bench"}
    assert page.text_content("#date-count") == "0 of 4 papers shown"
    page.click("#date-clear")
    drawn = o.drawn()
    assert not any(nid.startswith("paper:") for nid in drawn) and len(drawn) == 7
    page.check("#kinds input[data-key='paper']")
    assert len(o.drawn()) == 11
    # An edge-type checkbox hides edges, never nodes, with or without a range.
    set_range(page, "2025-02-01", "2025-02-28")
    page.uncheck("#types input[data-key='USES']")
    assert o.drawn() == FEBRUARY
    types = page.evaluate("window.paperkg.drawnEdgeIds().map(i => window.paperkg.edges.get(i).type)")
    assert types == ["EVALUATES_ON"]


def test_panel_and_tooltip_show_dates(tmp_path: Path, open_page: Any) -> None:
    o = open_page(write(dated_graph(), tmp_path / "g.html", layout_threshold=0))
    page = o.page
    for name, line, absent in (
        ("Alpha again", "date 2025-03-20", "first seen"),
        ("Undated", "date unknown", "first seen"),
        ("Shared", "first seen 2025-01-10, last seen 2025-02-15", "date "),
        ("Carried", "first seen 2025-03-01, last seen 2025-03-25", "date "),
        ("Alpha-mini", "Model", "first seen"),  # no paper, no dates
    ):
        page.fill("#search", name)
        page.press("#search", "Enter")
        details = page.text_content("#details")
        assert line in details and absent not in details, (name, details)
    # Finding a node the range hides clears the range, as finding one of a hidden kind shows the kind.
    set_range(page, "2025-02-01", "2025-02-28")
    page.fill("#search", "Orphan")
    page.wait_for_selector("#results li[data-id='dataset:orphan']")
    page.press("#search", "Enter")
    assert "dataset:orphan" in o.drawn() and page.input_value("#date-from") == ""
    x, y = o.node_point("paper:2502.00002")
    page.mouse.move(x, y)
    page.wait_for_selector("#tooltip:not([hidden])")
    assert "date 2025-02-15" in page.text_content("#tooltip")

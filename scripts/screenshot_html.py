"""Screenshot a paperkg HTML graph: ``python scripts/screenshot_html.py GRAPH_HTML OUT_PNG``.

Opens the page from file:// in headless Debian chromium (playwright), with every other request
aborted, waits until ``window.paperkg.ready`` (drawn, physics settled) and writes a PNG.
Exits 1 with a message if the page does not become ready or logs errors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from paperkg.sinks.html import CHROMIUM_ARGS, CHROMIUM_PATH


def screenshot(
    graph_html: str | Path,
    out_png: str | Path,
    *,
    width: int = 1600,
    height: int = 1000,
    timeout_s: float = 60.0,
    focus: str | None = None,
) -> list[str]:
    """Write ``out_png``; returns the console errors the page logged (empty when all went well).

    ``focus``: a node name or alias to search for and select before the screenshot.
    """
    from playwright.sync_api import sync_playwright

    url = Path(graph_html).resolve().as_uri()
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)

            def route(r: Any) -> None:
                if r.request.url == url:
                    r.continue_()
                else:
                    errors.append(f"blocked request: {r.request.url}")
                    r.abort()

            page.route("**/*", route)
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(url, timeout=timeout_s * 1000)
            page.wait_for_function(
                "window.paperkg && window.paperkg.ready === true", timeout=timeout_s * 1000
            )
            if focus:
                page.fill("#search", focus)
                page.press("#search", "Enter")
                page.wait_for_timeout(600)  # the focus animation
            page.screenshot(path=str(out_png))
        finally:
            browser.close()
    return errors


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Screenshot a paperkg HTML graph with headless chromium.")
    ap.add_argument("graph_html", type=Path)
    ap.add_argument("out_png", type=Path)
    ap.add_argument("--width", type=int, default=1600)
    ap.add_argument("--height", type=int, default=1000)
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for the page")
    ap.add_argument("--focus", help="search for and select this node name or alias first")
    args = ap.parse_args(argv)
    if not args.graph_html.is_file():
        print(f"error: {args.graph_html}: no such file", file=sys.stderr)
        return 1
    try:
        errors = screenshot(
            args.graph_html,
            args.out_png,
            width=args.width,
            height=args.height,
            timeout_s=args.timeout,
            focus=args.focus,
        )
    except Exception as exc:  # playwright errors: missing browser, timeout
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for e in errors:
        print(f"page error: {e}", file=sys.stderr)
    print(args.out_png)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

"""Headless Chromium for the browser tests and the map benchmark: offline, no network at all.

Debian's ``chromium`` is installed by ``.ci/browser-setup.sh``; the ``playwright`` package
drives it. :func:`offline_page` opens a page whose every http(s) request is refused, so a
test sees what a planner without a connection sees.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextlib.contextmanager
def offline_page(sync_api: Any, *, width: int, height: int) -> Iterator[tuple[Any, list[str]]]:
    """A page of an offline browser context and the list its page errors are added to."""
    errors: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(offline=True, viewport={"width": width, "height": height})
        context.route("http*://**/*", lambda route: route.abort())
        page = context.new_page()
        page.on("pageerror", lambda err: errors.append(str(err)))
        try:
            yield page, errors
        finally:
            browser.close()

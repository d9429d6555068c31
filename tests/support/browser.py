"""A real browser for the page tests: Debian's Chromium driven by Playwright, headless.

Never `playwright install`: the browser is the Debian package `make setup` installs. The
flags keep Chromium from reaching for the network (closed here) and from stalling on it.
Screenshots of every page, at a desktop and a phone width, go to one folder
(test-artifacts/screenshots, or TEST_SCREENSHOTS); axe-core (vendored, tests/e2e/vendor)
checks each page for accessibility."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("TEST_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("TEST_SCREENSHOTS", ROOT / "test-artifacts" / "screenshots"))
AXE = ROOT / "tests" / "e2e" / "vendor" / "axe-4.14.1.min.js"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
SERIOUS = ("serious", "critical")


def axe_source() -> str:
    data = AXE.read_bytes()
    assert hashlib.sha256(data).hexdigest() == AXE_SHA256, "the vendored axe-core is not the pinned one"
    return data.decode()


def shoot(page: Any, name: str) -> None:
    """The page as it is now, at each width (full page), then back to the desktop width."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": WIDTHS["desktop"][0], "height": WIDTHS["desktop"][1]})


def serious_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.x A/AA rules on the page: the serious and critical violations."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return [v for v in result if v["impact"] in SERIOUS]


def check_page(page: Any, name: str) -> None:
    """Screenshots at both widths, then no serious accessibility violation."""
    shoot(page, name)
    violations = serious_violations(page)
    assert violations == [], f"{name}: {violations}"

"""End to end in a real browser: the example project's HTML in headless Chromium.

Driven by Playwright for Python against the system Chromium (Debian
``chromium``; no browser download). Skipped where either is missing. With
``PLAN_SCREENSHOTS=1`` the register screenshot is also copied to
``docs/_static/register.png`` for the README.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "example_project"
CHROMIUM = os.environ.get("PLAN_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason=f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium; .ci/run installs it)")

#: the collectors that must be seen whole, or scroll inside their own box
COLLECTORS = (".plan-collector-risk-register", ".plan-collector-risk-matrix",
              ".plan-collector-timeline")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The example project built to HTML once for this module."""
    out = tmp_path_factory.mktemp("example-html")
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", str(EXAMPLE), str(out)],
        capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return out


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module."""
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    """Where the screenshots go (under pytest's temporary directory)."""
    return tmp_path_factory.mktemp("screenshots")


#: how each collector sits in the page: its box, the page's content box, and
#: whether its tables overflow and, if so, whether they scroll inside a box
GEOMETRY = """sel => {
  const el = document.querySelector(sel);
  const box = el.getBoundingClientRect();
  const scrolls = [...el.querySelectorAll('table')].map(t => {
    let p = t.parentElement;
    while (p && p !== el.parentElement) {
      const ox = getComputedStyle(p).overflowX;
      if (ox === 'auto' || ox === 'scroll') return true;
      p = p.parentElement;
    }
    return false;
  });
  const wide = [...el.querySelectorAll('table')].map(t => t.getBoundingClientRect().width);
  return {left: box.left, right: box.right, width: box.width, height: box.height,
          parentRight: el.parentElement.getBoundingClientRect().right,
          scrollWidth: el.scrollWidth, clientWidth: el.clientWidth,
          tableWidths: wide, scrolls: scrolls,
          pageOverflow: document.documentElement.scrollWidth - window.innerWidth};
}"""


@pytest.mark.parametrize("width", [1280, 420], ids=["desktop", "phone"])
def test_registers_visible_and_contained(site, browser, shots, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto((site / "registers.html").as_uri())
    for selector in COLLECTORS:
        locator = page.locator(selector).first
        locator.scroll_into_view_if_needed()
        assert locator.is_visible(), selector
        geo = page.evaluate(GEOMETRY, selector)
        assert geo["height"] > 40, (selector, geo)
        # the collector stays inside its section, and the page never scrolls sideways
        assert geo["right"] <= geo["parentRight"] + 1, (selector, geo)
        assert geo["scrollWidth"] <= geo["clientWidth"] + 1, (selector, geo)
        # a table wider than the collector scrolls inside its own box
        for table_width, scrolls in zip(geo["tableWidths"], geo["scrolls"]):
            assert table_width <= geo["width"] + 1 or scrolls, (selector, geo)
        locator.screenshot(path=str(shots / f"{selector[1:]}-{width}.png"))
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    page.close()


def test_styles_reach_the_page(site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((site / "registers.html").as_uri())
    style = "([sel, prop]) => getComputedStyle(document.querySelector(sel))[prop]"
    # heat-map cells and timeline bars are painted, badges are pills
    painted = """sel => [...document.querySelectorAll(sel)].map(
        e => getComputedStyle(e).backgroundImage)"""
    # every heat cell and every bar (on odd and even, striped, rows alike)
    for selector in ("td.plan-heat", "td.plan-bar:not(.plan-milestone)"):
        images = page.evaluate(painted, selector)
        assert images and all("gradient" in i for i in images), (selector, images)
    assert page.evaluate(style, [".plan-badge", "borderRadius"]) not in ("", "0px")
    high = page.evaluate(style, ["td.plan-heat-high", "backgroundImage"])
    low = page.evaluate(style, ["td.plan-heat-low", "backgroundImage"])
    assert high != low
    page.goto((site / "plans" / "001-payment-methods.html").as_uri())
    # checkboxes: the [x] text stays in the page (copy, screen readers) but is not seen
    box = page.locator(".plan-checkbox-done").first
    assert box.text_content().strip() == "[x]"
    assert page.evaluate(style, [".plan-checkbox-done", "color"]) == "rgba(0, 0, 0, 0)"
    page.close()


def test_endpoint_link_from_the_guide(site, browser, shots):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((site / "guide.html").as_uri())
    link = page.locator("a:has(.plan-endpoint)").first
    assert link.is_visible()
    href = link.get_attribute("href")
    assert href and "#" in href, href
    link.click()
    page.wait_for_load_state()
    anchor = href.split("#", 1)[1]
    assert page.url.endswith("#" + anchor), page.url
    in_view = page.evaluate(
        """id => { const r = document.getElementById(id).getBoundingClientRect();
                   return r.top >= -1 && r.top < window.innerHeight; }""", anchor)
    assert in_view, f"#{anchor} is not in the viewport"
    # the anchor belongs to an endpoint object
    assert page.evaluate(
        "id => !!document.getElementById(id).closest('.plan-endpoint')", anchor)
    page.screenshot(path=str(shots / "endpoint-anchor.png"))
    page.close()


def test_register_screenshot(site, browser, shots):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((site / "registers.html").as_uri())
    page.screenshot(path=str(shots / "registers-full.png"), full_page=True)
    # the picture shows the whole register, not the part the theme's column shows
    page.set_viewport_size({"width": 1600, "height": 900})
    page.add_style_tag(content=".plan-scroll { overflow: visible !important; }"
                       " table.plan-risk-register { min-width: 1150px; }")
    register = page.locator("table.plan-risk-register").first
    target = shots / "register.png"
    register.screenshot(path=str(target))
    assert target.stat().st_size > 5_000
    if os.environ.get("PLAN_SCREENSHOTS") == "1":
        static = ROOT / "docs" / "_static"
        static.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(target, static / "register.png")
    page.close()

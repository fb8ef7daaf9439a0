"""End to end in a real browser: the example project's HTML in headless Chromium.

Driven by Playwright for Python against the system Chromium (Debian
``chromium``; no browser download). Skipped where either is missing. With
``PLAN_SCREENSHOTS=1`` the register screenshot is also copied to
``docs/_static/register.png`` for the README.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')"
)

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "example_project"
#: the browser: PLAN_CHROMIUM, else the ``chromium`` on PATH
CHROMIUM = os.environ.get("PLAN_CHROMIUM") or shutil.which("chromium") or "chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.tools(CHROMIUM)

#: the collectors that must be seen whole, or scroll inside their own box
COLLECTORS = (
    ".plan-collector-risk-register",
    ".plan-collector-risk-matrix",
    ".plan-collector-timeline",
)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The example project built to HTML once for this module."""
    out = tmp_path_factory.mktemp("example-html")
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", str(EXAMPLE), str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
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
        for table_width, scrolls in zip(geo["tableWidths"], geo["scrolls"], strict=True):
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
                   return r.top >= -1 && r.top < window.innerHeight; }""",
        anchor,
    )
    assert in_view, f"#{anchor} is not in the viewport"
    # the anchor belongs to an endpoint object
    assert page.evaluate("id => !!document.getElementById(id).closest('.plan-endpoint')", anchor)
    page.screenshot(path=str(shots / "endpoint-anchor.png"))
    page.close()


def test_register_screenshot(site, browser, shots):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((site / "registers.html").as_uri())
    page.screenshot(path=str(shots / "registers-full.png"), full_page=True)
    # the picture shows the whole register, not the part the theme's column shows
    page.set_viewport_size({"width": 1600, "height": 900})
    page.add_style_tag(
        content=".plan-scroll { overflow: visible !important; }"
        " table.plan-risk-register { min-width: 1150px; }"
    )
    register = page.locator("table.plan-risk-register").first
    target = shots / "register.png"
    register.screenshot(path=str(target))
    assert target.stat().st_size > 5_000
    if os.environ.get("PLAN_SCREENSHOTS") == "1":
        static = ROOT / "docs" / "_static"
        static.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(target, static / "register.png")
    page.close()


# -- interactive registers ------------------------------------------------------

INTERACTIVE = ROOT / "tests" / "roots" / "test-interactive"


def build(source: Path, out: Path, *options: str) -> Path:
    """Build *source* to HTML in *out*; the build must be clean."""
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", *options, str(source), str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert "WARNING" not in proc.stderr, proc.stderr[-4000:]
    return out


@pytest.fixture(scope="module")
def registers(tmp_path_factory) -> str:
    """The URL of the interactive test root's registers page."""
    out = build(INTERACTIVE, tmp_path_factory.mktemp("interactive-html"))
    return (out / "registers.html").as_uri()


#: the first cell's text of each row a reader sees, in order
ROWS = """key => [...document.querySelectorAll(`#plan-view-${key} tbody tr`)]
    .filter(tr => !tr.hidden).map(tr => tr.cells[1].textContent.trim())"""
IDS = """key => [...document.querySelectorAll(`#plan-view-${key} tbody tr`)]
    .filter(tr => !tr.hidden).map(tr => tr.cells[0].textContent.trim())"""


def header(page, key: str, label: str):
    """The sort button of the column *label* of table *key*."""
    return page.locator(f"#plan-view-{key} th button.plan-sort", has_text=label)


def aria_sort(page, key: str) -> dict[str, str]:
    return page.evaluate(
        """key => Object.fromEntries(
        [...document.querySelectorAll(`#plan-view-${key} th[aria-sort]`)]
        .map(th => [th.textContent.trim(), th.getAttribute('aria-sort')]))""",
        key,
    )


def status(page, key: str) -> str:
    return page.locator(f"#plan-view-{key} [role=status]").text_content()


@pytest.fixture(params=[1280, 420], ids=["desktop", "phone"])
def page(request, browser):
    """A fresh page at desktop and at phone width."""
    page = browser.new_page(viewport={"width": request.param, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert errors == []
    # nothing the script adds makes the page scroll sideways
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    page.close()


def test_sort_by_click(registers, page):
    page.goto(registers)
    assert page.evaluate(IDS, "risk-register") == ["RISK-2", "RISK-1", "RISK-3", "RISK-10"]
    assert status(page, "risk-register") == "4 of 4 rows"
    ids = header(page, "risk-register", "ID")
    ids.click()
    # ids in natural order: RISK-3 before RISK-10
    assert page.evaluate(IDS, "risk-register") == ["RISK-1", "RISK-2", "RISK-3", "RISK-10"]
    assert aria_sort(page, "risk-register") == {"ID": "ascending"}
    assert status(page, "risk-register") == "4 of 4 rows, sorted by ID (ascending)"
    ids.click()
    assert page.evaluate(IDS, "risk-register") == ["RISK-10", "RISK-3", "RISK-2", "RISK-1"]
    assert aria_sort(page, "risk-register") == {"ID": "descending"}
    ids.click()  # the third click restores the document's order
    assert page.evaluate(IDS, "risk-register") == ["RISK-2", "RISK-1", "RISK-3", "RISK-10"]
    assert aria_sort(page, "risk-register") == {}
    # dates as dates, the risk without a review date last in both directions
    review = header(page, "risk-register", "Review")
    review.click()
    assert page.evaluate(IDS, "risk-register") == ["RISK-2", "RISK-10", "RISK-3", "RISK-1"]
    review.click()
    assert page.evaluate(IDS, "risk-register") == ["RISK-3", "RISK-10", "RISK-2", "RISK-1"]
    # free text case-insensitively, the empty owner last
    header(page, "risk-register", "Owner").click()
    assert page.evaluate(IDS, "risk-register") == ["RISK-2", "RISK-1", "RISK-10", "RISK-3"]
    # severity by score, not by the badge's text ("High (9)" vs "Low (1)")
    header(page, "risk-register", "Severity").click()
    assert page.evaluate(IDS, "risk-register") == ["RISK-10", "RISK-3", "RISK-1", "RISK-2"]
    # the other register of the page kept its own state
    assert page.evaluate(IDS, "open-risks") == ["RISK-2", "RISK-10"]
    assert aria_sort(page, "open-risks") == {}


def test_sort_by_keyboard(registers, page):
    page.goto(registers)
    # the filter, then the first header button, are reached with Tab
    page.locator("#plan-view-risk-register input[type=search]").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('th').textContent.trim()") == "ID"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # Title, then Impact
    page.keyboard.press("Enter")
    # enum values by rank: low, medium, high; ties keep the document's order
    assert page.evaluate(IDS, "risk-register") == ["RISK-10", "RISK-1", "RISK-2", "RISK-3"]
    assert aria_sort(page, "risk-register") == {"Impact": "ascending"}
    page.keyboard.press("Space")
    assert page.evaluate(IDS, "risk-register") == ["RISK-2", "RISK-3", "RISK-1", "RISK-10"]
    assert aria_sort(page, "risk-register") == {"Impact": "descending"}
    assert page.evaluate("document.activeElement.classList.contains('plan-sort')")


def test_filter_narrows_and_announces(registers, page):
    page.goto(registers)
    search = page.get_by_role("searchbox", name="Filter rows of Open risks")
    assert search.is_visible()
    box = page.locator("#plan-view-risk-register input[type=search]")
    assert box.evaluate("e => e.labels[0].textContent") == "Filter rows"
    box.fill("high")
    assert page.evaluate(IDS, "risk-register") == ["RISK-2", "RISK-1", "RISK-3"]
    assert status(page, "risk-register") == "3 of 4 rows"
    box.fill("ann  HIGH")  # every word, in any case
    assert page.evaluate(IDS, "risk-register") == ["RISK-2"]
    assert status(page, "risk-register") == "1 of 4 rows"
    assert (
        page.locator("#plan-view-risk-register [role=status]").get_attribute("aria-live")
        == "polite"
    )
    page.wait_for_url("**registers.html?risk-register.filter=ann++HIGH")
    box.fill("no such risk")
    assert page.evaluate(IDS, "risk-register") == []
    assert status(page, "risk-register") == "0 of 4 rows"
    box.fill("")
    assert status(page, "risk-register") == "4 of 4 rows"
    page.wait_for_url("**registers.html")


def test_deep_link_restores_the_view(registers, page):
    page.goto(
        registers + "?risk-register.sort=-severity&open-risks.filter=tenth"
        "&api-index.sort=nonsense#api-index"
    )
    assert page.evaluate(IDS, "risk-register") == ["RISK-2", "RISK-1", "RISK-3", "RISK-10"]
    assert aria_sort(page, "risk-register") == {"Severity": "descending"}
    assert page.locator("#plan-view-open-risks input[type=search]").input_value() == "tenth"
    assert page.evaluate(IDS, "open-risks") == ["RISK-10"]
    assert status(page, "open-risks") == "1 of 2 rows"
    # an unknown column is ignored; the fragment is kept
    assert aria_sort(page, "api-index") == {}
    assert page.url.endswith("#api-index")


def test_back_and_forward(registers, page):
    page.goto(registers)
    ids = header(page, "risk-register", "ID")
    ids.click()
    ids.click()
    assert page.url.endswith("?risk-register.sort=-id")
    page.go_back()
    assert page.url.endswith("?risk-register.sort=id")
    assert page.evaluate(IDS, "risk-register") == ["RISK-1", "RISK-2", "RISK-3", "RISK-10"]
    page.go_back()
    assert page.evaluate(IDS, "risk-register") == ["RISK-2", "RISK-1", "RISK-3", "RISK-10"]
    assert aria_sort(page, "risk-register") == {}
    page.go_forward()
    assert aria_sort(page, "risk-register") == {"ID": "ascending"}


#: the path cell of each visible API index row as seen: "" where it is hidden
PATHS = """() => [...document.querySelectorAll('#plan-view-api-index tbody tr')]
    .filter(tr => !tr.hidden).map(tr => getComputedStyle(tr.cells[0].firstElementChild)
    .visibility === 'hidden' ? '' : tr.cells[0].textContent.trim())"""


def test_grouped_tables(registers, page):
    page.goto(registers)
    # grouped by path as built: the path once per group
    assert page.evaluate(PATHS) == ["/accounts", "/items", "", "/items/{id}"]
    header(page, "api-index", "Method").click()
    # rows of a group that stay together share its path
    assert page.evaluate(ROWS, "api-index") == ["GET", "GET", "POST", "DELETE"]
    assert page.evaluate(PATHS) == ["/accounts", "/items", "", "/items/{id}"]
    # sorted apart, each row shows its path
    header(page, "api-index", "Summary").click()
    assert page.evaluate(PATHS) == ["/items", "/accounts", "/items", "/items/{id}"]
    page.locator("#plan-view-api-index input[type=search]").fill("items create")
    assert page.evaluate(PATHS) == ["/items"]
    # sections: a layer's heading stays with the rows of its layer
    stack = page.locator("#plan-view-technology-stack input[type=search]")
    stack.fill("vue")
    assert page.evaluate(IDS, "technology-stack") == ["Frontend", ""]
    assert status(page, "technology-stack") == "1 of 3 rows"
    stack.fill("")
    header(page, "technology-stack", "Version").click()
    assert page.evaluate(ROWS, "technology-stack") == ["", "Vue", "React", "", "PostgreSQL"]
    # the RBAC matrix filters but does not sort; the heat map and timeline are untouched
    assert page.locator("#plan-view-roles-permissions input[type=search]").count() == 1
    assert page.locator("#plan-view-roles-permissions button").count() == 0
    assert page.locator("table.plan-risk-matrix button, table.plan-timeline button").count() == 0


@pytest.mark.parametrize("damage", ["broken", "missing"])
def test_sort_values_unreadable_fall_back_to_text(registers, page, damage):
    # the build's sort values for a table, damaged or left out: the table still sorts,
    # by its cells' text, and the page raises no error (checked by the fixture)
    source = Path(registers.removeprefix("file://"))
    html = source.read_text(encoding="utf-8")
    opening = '<script type="application/json" class="plan-sort-values">'
    assert html.count(opening) == 3
    start = html.index(opening, html.index('id="plan-view-risk-register"'))
    end = html.index("</script>", start) + len("</script>")
    replacement = opening + "[[null, {broken" + "</script>" if damage == "broken" else ""
    damaged = source.with_name(f"registers-{damage}.html")
    damaged.write_text(html[:start] + replacement + html[end:], encoding="utf-8")
    page.goto(damaged.as_uri())
    header(page, "risk-register", "Impact").click()
    # by the badges' text (High, High, Low, Medium), not by rank (Low, Medium, High)
    assert page.evaluate(IDS, "risk-register") == ["RISK-2", "RISK-3", "RISK-10", "RISK-1"]
    # the other tables of the page keep their values: open risks by impact rank
    header(page, "open-risks", "Impact").click()
    assert page.evaluate(IDS, "open-risks") == ["RISK-10", "RISK-2"]


def test_without_javascript_every_row_is_there(registers, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(registers + "?risk-register.filter=nothing")
    assert page.locator(".plan-view-controls, button.plan-sort").count() == 0
    assert page.evaluate(IDS, "risk-register") == ["RISK-2", "RISK-1", "RISK-3", "RISK-10"]
    assert page.locator("#plan-view-risk-register tbody tr:visible").count() == 4
    context.close()


# -- themes, dark mode and contrast -----------------------------------------------

THEMES = {"furo": "furo", "pydata": "pydata_sphinx_theme"}

#: WCAG 2 contrast of the text of every element matched, against the colour
#: painted under it: the computed colours of the element and its ancestors
#: (background colours and the one-colour gradients heat cells paint),
#: composited; colours are normalised by drawing them on a canvas
CONTRAST = """selector => {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 1;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const rgba = color => {
    ctx.clearRect(0, 0, 1, 1);
    ctx.fillStyle = 'rgba(0, 0, 0, 0)';
    ctx.fillStyle = color;
    ctx.fillRect(0, 0, 1, 1);
    const d = ctx.getImageData(0, 0, 1, 1).data;
    return [d[0], d[1], d[2], d[3] / 255];
  };
  const over = (top, bottom) => top.slice(0, 3).map(
    (c, i) => c * top[3] + bottom[i] * (1 - top[3])).concat([1]);
  const COLOR = /(?:rgba?|color|oklch|oklab|lab|lch|hsla?)\\([^()]*\\)/;
  const background = el => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const cs = getComputedStyle(e);
      const image = cs.backgroundImage.match(COLOR);
      if (image && cs.backgroundImage.includes('gradient')) layers.push(rgba(image[0]));
      layers.push(rgba(cs.backgroundColor));
      if (layers.some(l => l[3] === 1)) break;
    }
    let colour = [255, 255, 255, 1];
    for (const layer of layers.reverse()) colour = over(layer, colour);
    return colour;
  };
  const luminance = c => {
    const [r, g, b] = c.slice(0, 3).map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  return [...document.querySelectorAll(selector)].filter(e => e.textContent.trim() &&
      e.getClientRects().length).map(e => {
    const bg = background(e);
    const fg = over(rgba(getComputedStyle(e).color), bg);
    const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
    return {text: e.textContent.trim().slice(0, 30), classes: e.className,
            ratio: Math.round((hi + 0.05) / (lo + 0.05) * 100) / 100,
            fg: fg.slice(0, 3).map(Math.round), bg: bg.slice(0, 3).map(Math.round)};
  });
}"""

#: what must read at WCAG AA for text: badges, the heat map's risk ids, the
#: filter's label and count, and the sort buttons
TEXT = ".plan-badge, td.plan-heat a, .plan-view-controls label, .plan-view-status, button.plan-sort"


@pytest.fixture(scope="module", params=list(THEMES))
def themed(request, tmp_path_factory) -> tuple[str, str]:
    """The example project's registers page built with furo and with pydata."""
    if importlib.util.find_spec(THEMES[request.param]) is None:
        pytest.skip(f"{THEMES[request.param]} is not installed (pip install -e '.[test]')")
    out = build(
        EXAMPLE,
        tmp_path_factory.mktemp(f"example-{request.param}"),
        "-D",
        f"html_theme={THEMES[request.param]}",
    )
    return request.param, (out / "registers.html").as_uri()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_themes_contrast_and_screenshots(themed, browser, shots, scheme):
    theme, url = themed
    context = browser.new_context(viewport={"width": 1200, "height": 1200}, color_scheme=scheme)
    page = context.new_page()
    page.goto(url + "?open-and-mitigating-risks-of.sort=-severity")
    # the theme really is in that mode: its page background is dark or light
    bg = page.evaluate(CONTRAST, "main, article, .bd-article, body")[0]["bg"]
    assert (sum(bg) < 3 * 100) == (scheme == "dark"), (theme, scheme, bg)
    results = page.evaluate(CONTRAST, TEXT)
    assert len([r for r in results if "plan-badge" in r["classes"]]) > 50
    assert len(page.evaluate(CONTRAST, "td.plan-heat a")) >= 9  # risk ids in heat cells
    failing = [r for r in results if r["ratio"] < 4.5]
    assert failing == [], (theme, scheme, failing)
    # the picture: the register narrowed and sorted as a shared link opens it,
    # themes' sticky headers out of the way
    register = page.locator("#plan-view-open-and-mitigating-risks-of")
    register.locator("input[type=search]").fill("high")
    page.add_style_tag(
        content="header, .bd-header, .mobile-header { position: static !important; }"
    )
    target = shots / f"interactive-{theme}-{scheme}.png"
    register.screenshot(path=str(target))
    assert target.stat().st_size > 5_000
    if os.environ.get("PLAN_SCREENSHOTS") == "1":
        shutil.copyfile(target, ROOT / "docs" / "_static" / target.name)
    context.close()

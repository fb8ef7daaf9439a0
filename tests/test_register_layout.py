"""Registers with their default columns read well in the four themes the CSS is made
for (alabaster, furo, the Read the Docs theme, pydata), at 1280px and on a 420px phone.

At 1280px no register scrolls sideways; on the phone the page never does (a
wide table scrolls inside its own box). Ids break at their hyphens only. A
screenshot of each theme and width is taken. Real headless Chromium, as in
tests/test_browser.py (whose browser and fixtures this module shares).
"""

from __future__ import annotations

import importlib.util
import shutil

import pytest
from test_browser import CHROMIUM, EXAMPLE, browser, build, shots  # noqa: F401 (fixtures)

pytestmark = pytest.mark.tools(CHROMIUM)

#: theme name → the module that provides it
THEMES = {
    "alabaster": "alabaster",
    "furo": "furo",
    "rtd": "sphinx_rtd_theme",
    "pydata": "pydata_sphinx_theme",
}
#: every register of the example's plans, each with its default columns
REGISTERS = "# Registers\n\n" + "\n".join(
    f":::{{plan-{kind}}}\n:::\n"
    for kind in (
        "risk-register",
        "overview",
        "api-index",
        "event-catalog",
        "timeline",
        "signoff-summary",
        "compliance",
        "tech-stack",
        "architecture",
        "data-model",
        "rbac-matrix",
        "observability",
        "risk-matrix",
    )
)

#: for every table of a register: its width, and how far its scrolling box (its own, or
#: the collector) is wider than shown; the collectors' right edges and the page's overflow
LAYOUT = """() => {
  const tables = [...document.querySelectorAll('.plan-collector table')].map(t => {
    let box = null;
    for (let p = t.parentElement; p && !p.matches('.plan-collector'); p = p.parentElement) {
      const ox = getComputedStyle(p).overflowX;
      if (ox === 'auto' || ox === 'scroll') { box = p; break; }
    }
    box = box || t.closest('.plan-collector');
    const kind = [...t.closest('.plan-collector').classList].find(c => c.startsWith('plan-collector-'));
    return {kind, width: Math.round(t.getBoundingClientRect().width),
            hidden: box.scrollWidth - box.clientWidth, scrolls: box !== t.closest('.plan-collector')};
  });
  const rights = [...document.querySelectorAll('.plan-collector')].map(
    c => c.getBoundingClientRect().right);
  return {tables, right: Math.max(...rights),
          page: document.documentElement.scrollWidth - window.innerWidth};
}"""

#: id links broken anywhere else than after a hyphen: each character's line is compared
#: with the one before it
ID_BREAKS = """sel => [...document.querySelectorAll(sel)].map(a => {
  const walker = document.createTreeWalker(a, NodeFilter.SHOW_TEXT);
  const text = walker.nextNode();
  const range = document.createRange();
  let top = null, bad = [];
  for (let i = 0; i < text.length; i++) {
    range.setStart(text, i); range.setEnd(text, i + 1);
    const rect = range.getClientRects()[0];
    if (!rect) continue;
    if (top !== null && rect.top > top + 2 && text.data[i - 1] !== '-') bad.push(i);
    top = rect.top;
  }
  return {id: text.data, bad, lines: Math.round(a.getBoundingClientRect().height)};
})"""


@pytest.fixture(scope="module", params=list(THEMES))
def themed_registers(request, tmp_path_factory) -> tuple[str, str]:
    """The example's plans with a page of every register, built in one theme; its URL."""
    theme = request.param
    if importlib.util.find_spec(THEMES[theme]) is None:
        pytest.skip(f"{THEMES[theme]} is not installed (pip install -e '.[test]')")
    src = tmp_path_factory.mktemp(f"registers-{theme}") / "src"
    shutil.copytree(EXAMPLE, src, ignore=shutil.ignore_patterns("_build"))
    (src / "registers.md").write_text(REGISTERS, encoding="utf-8")
    # a short title: pydata's phone header overflows with the example's long one
    out = build(
        src, src.parent / "html", "-D", f"html_theme={THEMES[theme]}", "-D", "html_title=Plans"
    )
    return theme, (out / "registers.html").as_uri()


@pytest.mark.parametrize("width", [1280, 420], ids=["desktop", "phone"])
def test_registers_fit_the_page(themed_registers, browser, shots, width):  # noqa: F811
    theme, url = themed_registers
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(url)
    layout = page.evaluate(LAYOUT)
    assert len(layout["tables"]) >= 20
    # the page never scrolls sideways, and every register stays inside it
    assert layout["page"] <= 1, (theme, width, layout["page"])
    assert layout["right"] <= width + 1, (theme, width, layout["right"])
    if width == 1280:
        # the default columns fit: nothing to scroll to
        wide = [t for t in layout["tables"] if t["hidden"] > 1]
        assert wide == [], (theme, wide)
    else:
        # what does not fit scrolls inside its own box, never the collector's
        assert all(t["scrolls"] or t["hidden"] <= 1 for t in layout["tables"]), (theme, layout)
    # ids break at their hyphens only
    ids = page.evaluate(ID_BREAKS, ".plan-collector-risk-register tbody td:first-child a")
    assert len(ids) == 10 and [i for i in ids if i["bad"]] == [], (theme, width, ids)
    register = page.locator(".plan-collector-risk-register")
    target = shots / f"registers-{theme}-{width}.png"
    register.screenshot(path=str(target))
    assert target.stat().st_size > 5_000
    page.close()

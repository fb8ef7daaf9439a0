"""The plan CSS and script in the themes we check by eye: linked, copied, and no warning from the build.

How they look, light and dark, is measured in ``test_browser.py``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

THEMES = {
    "alabaster": "alabaster",
    "furo": "furo",
    "sphinx_rtd_theme": "sphinx_rtd_theme",
    "pydata_sphinx_theme": "pydata_sphinx_theme",
}


@pytest.mark.parametrize("theme", list(THEMES))
def test_theme_builds_with_plan_css(make_app, rootdir, tmp_path, theme):
    if importlib.util.find_spec(THEMES[theme]) is None:
        pytest.skip(f"{theme} is not installed (pip install -e '.[test]')")
    app = make_app(
        "html",
        srcdir=rootdir / "test-basic",
        builddir=tmp_path,
        confoverrides={"html_theme": theme},
    )
    app.build()
    assert app.warning.getvalue().strip() == ""
    outdir = Path(app.outdir)
    css = (outdir / "_static" / "plan.css").read_text(encoding="utf-8")
    assert ".plan-heat-high" in css and "prefers-color-scheme: dark" in css
    for page in ("index.html", "registers.html", "api.html"):
        html = (outdir / page).read_text(encoding="utf-8")
        assert 'href="_static/plan.css' in html, page
    registers = (outdir / "registers.html").read_text(encoding="utf-8")
    # the HTML-only transform: scroll boxes and progress meters, nothing else changed
    assert 'class="plan-scroll' in registers
    assert "plan-meter plan-meter-" in registers
    assert 'class="plan-heat plan-heat-high plan-heat-6"' in registers
    # the interactive registers' script: linked where registers are, in every theme
    assert 'src="_static/plan-tables.js?v=' in registers
    assert "plan-tables.js" not in (outdir / "index.html").read_text(encoding="utf-8")
    assert (outdir / "_static" / "plan-tables.js").is_file()

"""Every builder writes the plan: standard nodes only, no builder-specific crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import EPUB_CONF, load_plan_json, plan_warnings

BUILDERS = ["html", "dirhtml", "singlehtml", "latex", "text", "epub", "man", "dummy"]


@pytest.mark.parametrize("builder", BUILDERS)
def test_builder(make_app, rootdir, tmp_path, builder):
    app = make_app(
        builder, srcdir=rootdir / "test-basic", builddir=tmp_path, confoverrides=EPUB_CONF
    )
    app.build()
    assert plan_warnings(app) == []
    assert "Exception" not in app.warning.getvalue()
    outdir = Path(app.outdir)
    data = load_plan_json(app)
    assert len(data["objects"]) == 12  # 3 risks, 2 phases, 2 sign-offs, 2 endpoints, 3 responses
    if builder == "latex":
        tex = next(outdir.glob("*.tex")).read_text(encoding="utf-8")
        assert r"\label{\detokenize{index:risk-r-db}}" in tex
        assert r"\hyperref[\detokenize{index:risk-r-db}]" in tex  # register row link
        assert r"RISK\sphinxhyphen{}BODY\sphinxhyphen{}MARKER" in tex
        assert r"ENDPOINT\sphinxhyphen{}BODY" in tex
    elif builder == "text":
        text = (outdir / "registers.txt").read_text(encoding="utf-8")
        assert "Database performance degradation" in text and "High (6)" in text
    elif builder == "man":
        page = next(outdir.glob("*.1")).read_text(encoding="utf-8")
        assert "RISK\\-BODY\\-MARKER" in page or "RISK-BODY-MARKER" in page
    elif builder == "singlehtml":
        html = (outdir / "index.html").read_text(encoding="utf-8")
        assert 'href="#risk-r-db"' in html
    elif builder == "dirhtml":
        html = (outdir / "guide" / "index.html").read_text(encoding="utf-8")
        assert 'href="../api/#endpoint-001-post-api-v1-payment-methods"' in html
    elif builder == "epub":
        assert (outdir / "registers.xhtml").exists()
    elif builder == "html":
        assert (outdir / "_static" / "plan.css").exists()
        assert 'href="_static/plan.css' in (outdir / "index.html").read_text(encoding="utf-8")

"""The lighter tree the HTML writers get (issue 29.2), and the full one every other builder keeps."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOTS
from docutils import nodes


def build(make_app, tmp_path: Path, buildername: str, root: str = "test-basic"):
    srcdir = tmp_path / f"{root}-{buildername}"
    shutil.copytree(ROOTS / root, srcdir)
    counted: dict[str, int] = {}

    def count(app, doctree: nodes.document, docname: str) -> None:
        counted[docname] = sum(1 for _ in doctree.findall())

    app = make_app(buildername, srcdir=srcdir, freshenv=True)
    app.connect("doctree-resolved", count, priority=10_000)
    app.build()
    return app, counted


def test_html_has_no_paragraph_or_target_the_writer_would_wrap(make_app, tmp_path):
    app, _ = build(make_app, tmp_path, "html")
    page = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    # a field's text sits in its <dd>; the object's anchor is its <div>'s id
    assert '<dd class="field-even">Payments Team</dd>' in page or (
        '<dd class="field-odd">Payments Team</dd>' in page
    )
    assert "<dd" in page and not re.search(r"<dd[^>]*>\s*<p>Payments Team</p>", page)
    assert re.search(r'<div class="plan-object plan-risk docutils container" id="risk-', page)
    assert not re.search(r'<span class="target" id="risk-', page)
    # links still land on the object
    registers = (Path(app.outdir) / "registers.html").read_text(encoding="utf-8")
    anchors = set(re.findall(r'href="index\.html#(risk-[^"]+)"', registers))
    assert anchors and all(f'id="{a}"' in page for a in anchors)
    # a badge keeps its paragraph: links and inline elements stay in a text element
    assert re.search(r"<p><span class=\"plan-badge plan-impact", page)


@pytest.mark.parametrize("buildername", ["latex", "text"])
def test_other_builders_keep_the_full_tree(make_app, tmp_path, buildername):
    app, _ = build(make_app, tmp_path, buildername)
    out = Path(app.outdir)
    if buildername == "latex":
        tex = next(out.glob("*.tex")).read_text(encoding="utf-8")
        assert r"\label{\detokenize{index:risk-" in tex  # the target is kept as a label
        assert "Payments Team" in tex
    else:
        text = (out / "index.txt").read_text(encoding="utf-8")
        assert "Payments Team" in text


def test_signature_parameters_alone_get_no_table(make_app, tmp_path):
    app, _ = build(make_app, tmp_path, "html")
    api = (Path(app.outdir) / "api.html").read_text(encoding="utf-8")
    get_one = api.split("GET</span>", 1)[1].split('class="plan-object plan-endpoint', 1)[0]
    # GET /api/v1/payment-methods/{id}: {id} says all there is; no table repeats it
    assert "/api/v1/payment-methods/{id}" in api
    assert "plan-params-table" not in get_one


def test_fewer_nodes_than_the_full_tree(make_app, tmp_path):
    _, html = build(make_app, tmp_path, "html")
    _, text = build(make_app, tmp_path, "text")
    assert html["index"] < text["index"]  # the same page, lighter for HTML

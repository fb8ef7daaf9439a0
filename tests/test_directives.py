"""Objects render in place with their fields and body, in MyST and reST alike."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import load_plan_json, plan_warnings


@pytest.mark.sphinx("html", testroot="basic")
def test_objects_render_fields_and_body(app):
    app.build()
    assert plan_warnings(app) == []
    html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    # every body is kept, below the fields
    for marker in ("PLAN-BODY-MARKER", "RISK-BODY-MARKER"):
        assert marker in html
    assert 'id="risk-001-stripe-api-downtime"' in html
    assert 'class="plan-badge plan-impact plan-impact-high">High<' in html
    assert "Retry with exponential backoff" in html
    # derived severity: high impact x low likelihood = 3
    assert "Medium (3)" in html
    # the plan header shows the display form of the status
    assert ">In Review<" in html


@pytest.mark.sphinx("html", testroot="basic")
def test_ids_plans_and_checklists(app):
    app.build()
    data = load_plan_json(app)
    objects = {o["id"]: o for o in data["objects"]}
    # derived ids: plan id + slug of the title (signature for endpoints)
    assert {
        "001-stripe-api-downtime",
        "001-insufficient-test-coverage",
        "R-DB",
        "001-post-api-v1-payment-methods",
        "001-get-api-v1-payment-methods-id",
        "001-post-api-v1-payment-methods-201",
        "001-tech-lead",
    } <= set(objects)
    # plan membership: the plan directive above (index) and front matter (api)
    assert objects["001-post-api-v1-payment-methods"]["plan"] == "001"
    assert objects["R-DB"]["plan"] == "001"
    # MyST tasklist items are counted like plain [ ] / [x] items
    assert objects["001-foundation"]["checks"] == {"done": 2, "total": 2}
    assert objects["001-core"]["checks"] == {"done": 1, "total": 3}
    # responses hang under their endpoint
    assert (
        objects["001-post-api-v1-payment-methods-400"]["parent"]
        == "001-post-api-v1-payment-methods"
    )
    assert objects["001-stripe-api-downtime"]["fields"]["status"] == "open"  # the default
    assert objects["001-insufficient-test-coverage"]["fields"]["tags"] == ["testing", "quality"]


@pytest.mark.sphinx("html", testroot="basic-rst")
def test_rst_checklists_and_metadata_plan(app):
    app.build()
    assert plan_warnings(app) == []
    objects = {o["id"]: o for o in load_plan_json(app)["objects"]}
    assert objects["001-core"]["checks"] == {"done": 1, "total": 3}
    # the rST file-wide field ":plan: 001" places the endpoints in plan 001
    assert objects["001-post-api-v1-payment-methods"]["plan"] == "001"
    html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    assert re.search(r'plan-checkbox-done">\[x\] </span>', html)


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n")


def test_myst_and_rst_give_the_same_output(make_app, rootdir, tmp_path):
    """The same plan written in MyST and in reST renders identically."""
    outputs = {}
    for name in ("basic", "basic-rst"):
        app = make_app("text", srcdir=rootdir / f"test-{name}", builddir=tmp_path / name)
        app.build()
        outputs[name] = {
            doc: _normalise((Path(app.outdir) / f"{doc}.txt").read_text())
            for doc in ("index", "api", "registers", "guide")
        }
        data = load_plan_json(app)
        outputs[name]["json"] = [
            {k: v for k, v in o.items() if k not in ("line", "data", "source")}
            for o in data["objects"]
        ]
    assert outputs["basic"] == outputs["basic-rst"]


@pytest.mark.sphinx("text", testroot="basic", srcdir="basic-raw-options")
def test_myst_option_values_are_kept_as_written(app):
    """MyST reads option lines as YAML (``#`` starts a comment, a quote opens a
    string); the plan reads them as reST does: the text as written."""
    (Path(app.srcdir) / "registers.md").write_text(
        "# Registers\n\n:::{plan-risk} Paged\n:plan: 001\n:mitigation: escalate #ops now\n"
        ':owner: "Ops" team\n:impact: low\n:likelihood: low\n:::\n\n'
        ':::{plan-risk-register}\n:filter: "ops" in mitigation\n:columns: title, mitigation, owner\n'
        ":::\n",
        encoding="utf-8",
    )
    app.build()
    assert plan_warnings(app) == []
    text = (Path(app.outdir) / "registers.txt").read_text(encoding="utf-8")
    assert '| Paged | escalate #ops now | "Ops" team |' in text


@pytest.mark.sphinx("html", testroot="basic", srcdir="basic-unquoted-plan")
def test_unquoted_front_matter_plan_id_keeps_its_zeros(app):
    """YAML reads ``plan: 001`` as the number 1; the id is the text as written."""
    api = Path(app.srcdir) / "api.md"
    api.write_text(
        api.read_text().replace('plan: "001"', "plan: 001  # payments"), encoding="utf-8"
    )
    app.build()
    assert plan_warnings(app) == []
    objects = {o["id"]: o for o in load_plan_json(app)["objects"]}
    assert objects["001-post-api-v1-payment-methods"]["plan"] == "001"

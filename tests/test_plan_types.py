"""User-defined object types from ``plan_types`` are served by the same machinery."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import load_plan_json, plan_warnings


@pytest.mark.sphinx("html", testroot="plan-types")
def test_user_type_directive_role_query_and_export(app):
    app.build()
    warnings = plan_warnings(app)
    assert len(warnings) == 2, warnings
    # at the lines of the bad options
    assert all("index.md:23" in w or "index.md:24" in w for w in warnings)
    assert any("'rejected'" in w and "proposed, accepted, superseded" in w for w in warnings)
    assert any("'decidrs'" in w and "did you mean 'deciders'" in w for w in warnings)
    html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    assert "DECISION-BODY-MARKER" in html
    assert 'href="#decision-adr-1"' in html  # {plan:decision}
    assert re.search(r'href="#decision-adr-2"[^>]*>.*?Use CockroachDB', html, re.S)  # {plan:ref}
    table = re.findall(r"<table.*?</table>", html, re.S)[-1]
    assert "Use PostgreSQL" in table and "Use CockroachDB" not in table  # state >= accepted
    objects = {o["id"]: o for o in load_plan_json(app)["objects"]}
    assert objects["ADR-1"]["fields"]["deciders"] == ["Alice", "Bob"]
    assert objects["ADR-2"]["fields"]["state"] == "proposed"  # case-insensitive input
    assert objects["ADR-2"]["fields"]["supersedes"] == ["ADR-1"]
    assert "plan:decision" in {f"plan:{t}" for t in app.env.get_domain("plan").object_types}


@pytest.mark.sphinx(
    "html",
    testroot="plan-types",
    srcdir="plan-types-bad",
    confoverrides={"plan_types": {"risk": {}, "ok": {"fields": {"x": "colour"}}}},
)
def test_invalid_plan_types_warn(app):
    app.build()
    warnings = [w for w in app.warning.getvalue().splitlines() if "[plan.config]" in w]
    assert any("'risk'" in w and "built-in" in w for w in warnings), warnings
    assert any("ok.x" in w and "'colour'" in w for w in warnings), warnings

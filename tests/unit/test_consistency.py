"""Consistency rules over hand-made records, through the pure resolver."""

from __future__ import annotations

import itertools

import pytest

from sphinxcontrib_plan.config import PlanConfig
from sphinxcontrib_plan.model.records import ObjectRecord
from sphinxcontrib_plan.model.severity import Severity
from sphinxcontrib_plan.model.types import BUILTIN, LEVEL
from sphinxcontrib_plan.resolve import resolve


def _record(typ: str, oid: str, order: int, **fields: object) -> ObjectRecord:
    return ObjectRecord(
        type=typ,
        id=oid,
        title=oid,
        plan="P",
        docname="index",
        lineno=order + 1,
        anchor=f"{typ}-{oid}",
        fields=dict(fields),
        order=order,
    )


def _findings(*records: ObjectRecord) -> list[tuple[str, str, object]]:
    plan = _record("plan", "P", 0, status="draft")
    _index, findings = resolve(
        [plan, *records], BUILTIN, PlanConfig(), {"index"}, lambda r: f"index.md:{r.lineno}"
    )
    return [(f.subtype, f.message, f.location) for f in findings]


@pytest.mark.parametrize(("impact", "likelihood"), list(itertools.product(LEVEL, LEVEL)))
def test_risk_owner_rule_follows_the_severity_level(impact: str, likelihood: str) -> None:
    risk = _record("risk", "R", 1, impact=impact, likelihood=likelihood, status="open")
    severity = Severity.of(risk.fields)
    assert severity is not None
    found = [m for s, m, _ in _findings(risk) if s == "consistency" and "[risk-owner]" in m]
    if severity.score >= 6:
        # medium × high is as severe as high × medium: both need an owner
        assert found == [
            f"high-severity risk 'R' ({severity.label}) has no owner and no "
            "mitigation; add :owner: and :mitigation: [risk-owner]"
        ]
    else:
        assert found == []


def test_severity_levels_and_labels() -> None:
    assert [Severity(s).level for s in (1, 2, 3, 4, 6, 9)] == [
        "low",
        "low",
        "medium",
        "medium",
        "high",
        "high",
    ]
    assert Severity.of({"impact": "medium", "likelihood": "high"}) == Severity(6)
    assert Severity(6).label == "High (6)"
    assert Severity.of({"impact": "high"}) is None
    assert Severity.from_score(5) is None and Severity.from_score("6") is None


def test_closed_risks_and_owned_risks_are_fine() -> None:
    closed = _record("risk", "R1", 1, impact="high", likelihood="high", status="closed")
    owned = _record(
        "risk",
        "R2",
        2,
        impact="medium",
        likelihood="high",
        owner="Ana",
        mitigation="Retry",
        status="open",
    )
    assert not [m for s, m, _ in _findings(closed, owned) if "[risk-owner]" in m]


def test_resolve_emits_nothing_and_orders_findings(capsys: pytest.CaptureFixture[str]) -> None:
    first = _record("risk", "R", 1, impact="high", likelihood="high", status="open")
    again = _record("risk", "R", 2, impact="low", likelihood="low", status="open")
    findings = _findings(first, again)
    assert findings[0] == (
        "duplicate",
        "duplicate id 'R': this risk repeats the id of the risk "
        "at index.md:2; give one an explicit :id:",
        ("index", 3),
    )
    assert capsys.readouterr() == ("", "")

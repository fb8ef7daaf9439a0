"""Review dates that fire: ``plan.overdue`` and the overdue marks, against the
build's date (``SOURCE_DATE_EPOCH``), refreshed by incremental builds on a later day."""

from __future__ import annotations

from pathlib import Path

from conftest import load_plan_json, plan_warnings

CONF = (
    'extensions = ["myst_parser", "sphinxcontrib_plan"]\n'
    'myst_enable_extensions = ["colon_fence"]\nshow_warning_types = True\n'
)
PLAN = """\
# Plan

:::{plan} Payments
:id: P1
:review: 2024-03-01
:::

:::{plan-risk} Outage
:id: R-1
:impact: high
:likelihood: low
:owner: Ops
:mitigation: Retry
:review: 2024-06-01
:::

:::{plan-risk} Fraud
:id: R-2
:impact: low
:likelihood: low
:status: closed
:review: 2024-01-15
:::
"""
REGISTER = "# Register\n\n:::{plan-risk-register}\n:::\n\n:::{plan-overview}\n:::\n"
#: 2024-03-01, 2024-03-02 and 2024-06-02, UTC
ON_PLAN_REVIEW, AFTER_PLAN_REVIEW, AFTER_BOTH = "1709251200", "1709337600", "1717286400"


def _project(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(CONF, encoding="utf-8")
    (src / "index.md").write_text(
        "# Index\n\n```{toctree}\nplan\nregister\n```\n", encoding="utf-8"
    )
    (src / "plan.md").write_text(PLAN, encoding="utf-8")
    (src / "register.md").write_text(REGISTER, encoding="utf-8")
    return src


def _build(make_app, src: Path, builder: str = "html"):
    app = make_app(builder, srcdir=src, builddir=src.parent / f"out-{builder}")
    app.build()
    return app


def _overdue(app) -> list[str]:
    return [w for w in plan_warnings(app) if "[plan.overdue]" in w]


def test_overdue_before_and_after_the_date(make_app, tmp_path, monkeypatch):
    src = _project(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", ON_PLAN_REVIEW)
    app = _build(make_app, src)
    # due today is not overdue yet
    assert _overdue(app) == []
    assert {p["id"]: p["derived"]["overdue"] for p in load_plan_json(app)["plans"]} == {"P1": False}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", AFTER_BOTH)
    app = _build(make_app, src, "text")
    warnings = _overdue(app)
    assert len(warnings) == 2, warnings
    assert (
        "plan.md:3: WARNING: plan 'P1' was due for review on 2024-03-01 (93 days before "
        "2024-06-02); review it and set the next :review: date, or complete the plan "
        "[plan.overdue]" in warnings[0]
    )
    assert (
        "plan.md:8: WARNING: risk 'R-1' was due for review on 2024-06-01 (1 day before "
        "2024-06-02)" in warnings[1]
    )
    data = load_plan_json(app)
    assert {o["id"]: o["derived"]["overdue"] for o in data["objects"]} == {
        "R-1": True,
        "R-2": False,
    }
    text = (Path(app.outdir) / "register.txt").read_text(encoding="utf-8")
    assert "Outage Overdue" in text and "Fraud Overdue" not in text
    assert "Payments Overdue" in text


def test_suppressed(make_app, tmp_path, monkeypatch):
    src = _project(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", AFTER_BOTH)
    app = make_app("html", srcdir=src, confoverrides={"suppress_warnings": ["plan.overdue"]})
    app.build()
    assert _overdue(app) == []


def test_incremental_build_on_a_later_day_refreshes_the_marks(make_app, tmp_path, monkeypatch):
    src = _project(tmp_path)
    register = src.parent / "out-html" / "html" / "register.html"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", ON_PLAN_REVIEW)
    _build(make_app, src)
    assert "plan-mark-overdue" not in register.read_text(encoding="utf-8")
    # nothing changed in the sources; only the day did
    monkeypatch.setenv("SOURCE_DATE_EPOCH", AFTER_PLAN_REVIEW)
    app = _build(make_app, src)
    html = register.read_text(encoding="utf-8")
    assert '<tr class="plan-overdue row-odd"' in html or "plan-overdue" in html
    assert html.count('plan-badge plan-mark plan-mark-overdue">Overdue<') == 1  # the plan only
    assert len(_overdue(app)) == 1
    monkeypatch.setenv("SOURCE_DATE_EPOCH", AFTER_BOTH)
    _build(make_app, src)
    html = register.read_text(encoding="utf-8")
    assert html.count('plan-badge plan-mark plan-mark-overdue">Overdue<') == 2

"""Collectors: registers, matrix, API index, timeline, sign-offs, overview, query."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import load_plan_json, plan_warnings


def _tables(html: str) -> list[str]:
    return re.findall(r"<table.*?</table>", html, re.S)


def _rows(table: str) -> list[list[str]]:
    rows = []
    for row in re.findall(r"<tr.*?</tr>", table, re.S):
        cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
        rows.append([re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", c)).strip() for c in cells])
    return rows


@pytest.fixture
def registers(app):
    app.build()
    assert plan_warnings(app) == []
    return (Path(app.outdir) / "registers.html").read_text(encoding="utf-8")


@pytest.mark.sphinx("html", testroot="basic")
def test_overview(registers):
    rows = _rows(_tables(registers)[0])
    assert rows[0] == [
        "ID",
        "Title",
        "Status",
        "Owner",
        "Updated",
        "Progress",
        "Planned end",
        "Open high risks",
        "Endpoints",
        "Signoff",
    ]
    assert rows[1] == [
        "001",
        "Payment Methods",
        "In Review",
        "Payments Team",
        "2024-01-15",
        "3/5 (60%)",
        "week 4",
        "1",
        "2",
        "Pending",
    ]


@pytest.mark.sphinx("html", testroot="basic")
def test_risk_register_sorted_by_severity(registers):
    table = _tables(registers)[1]
    assert "All risks" in table
    rows = _rows(table)
    # severity: R-DB high×medium=6, coverage medium×medium=4, stripe high×low=3
    assert [r[0] for r in rows[1:]] == [
        "R-DB",
        "001-insufficient-test-coverage",
        "001-stripe-api-downtime",
    ]
    assert rows[1][4] == "High (6)"
    # every row links to its object
    assert 'href="index.html#risk-r-db"' in table


@pytest.mark.sphinx("html", testroot="basic")
def test_filter_sort_columns(registers):
    rows = _rows(_tables(registers)[2])
    # impact >= high and status != closed; sort by id (natural order); 3 columns
    assert rows == [
        ["ID", "Title", "Severity"],
        ["001-stripe-api-downtime", "Stripe API downtime", "Medium (3)"],
        ["R-DB", "Database performance degradation", "High (6)"],
    ]


@pytest.mark.sphinx("html", testroot="basic")
def test_risk_matrix_cells(registers):
    table = next(t for t in _tables(registers) if "plan-risk-matrix" in t)
    rows = _rows(table)
    assert rows[0] == ["Likelihood \\ Impact", "Low", "Medium", "High"]
    assert rows[1] == ["High", "", "", ""]
    assert rows[2] == ["Medium", "", "001-insufficient-test-coverage", "R-DB"]
    assert rows[3] == ["Low", "", "", "001-stripe-api-downtime"]
    assert "plan-heat-high" in table and "plan-heat-6" in table


@pytest.mark.sphinx("html", testroot="basic")
def test_api_index_grouped_by_path(registers):
    table = next(t for t in _tables(registers) if "plan-api-index" in t)
    rows = _rows(table)
    assert rows[0] == [
        "Path",
        "Method",
        "Summary",
        "Parameters",
        "Request",
        "Auth",
        "Responses",
        "Plan",
    ]
    assert rows[1] == [
        "/api/v1/payment-methods",
        "POST",
        "Create a payment method",
        "",
        "",
        "bearer",
        "201 400",
        "001",
    ]
    # a path parameter the plan does not describe is still listed
    assert rows[2] == [
        "/api/v1/payment-methods/{id}",
        "GET",
        "Read one payment method",
        "id (path)",
        "",
        "bearer",
        "200",
        "001",
    ]


@pytest.mark.sphinx("html", testroot="basic")
def test_timeline(registers):
    table = next(t for t in _tables(registers) if "plan-timeline" in t)
    rows = _rows(table)
    assert rows[0] == ["Phase", "W1", "W2", "W3", "W4", "Depends on", "Slack", "Progress"]
    assert rows[1] == ["Foundation", "■", "■", "", "", "", "Critical", "2/2 (100%)"]
    assert rows[2] == [
        "Core functionality",
        "",
        "",
        "■",
        "■",
        "Foundation",
        "Critical",
        "1/3 (33%)",
    ]
    assert "plan-bar-in-progress" in table


@pytest.mark.sphinx("html", testroot="basic")
def test_signoff_summary(registers):
    table = next(t for t in _tables(registers) if "plan-signoff-summary" in t)
    assert _rows(table)[1:] == [
        ["001", "Security", "Bob Example", "Pending", "", "After the penetration test"],
        ["001", "Tech Lead", "Alice Example", "Approved", "2024-01-15", ""],
    ]
    assert re.search(r"Outstanding approvals:.*001 / Security", registers, re.S)


@pytest.mark.sphinx("html", testroot="basic")
def test_query(registers):
    table = _tables(registers)[-1]
    assert _rows(table) == [
        ["ID", "Title", "Status", "Progress"],
        ["001-foundation", "Foundation", "Done", "2/2 (100%)"],
        ["001-core", "Core functionality", "In Progress", "1/3 (33%)"],
    ]


@pytest.mark.sphinx("html", testroot="basic", srcdir="collector-errors")
def test_bad_queries_warn_and_render_a_note(app):
    (Path(app.srcdir) / "registers.md").write_text(
        "# Registers\n\n"
        ":::{plan-risk-register}\n:filter: impact >= (high\n:::\n\n"
        ":::{plan-query}\n:type: riskk\n:::\n\n"
        ":::{plan-risk-register}\n:filter: impcat == high\n:colums: id\n:::\n",
        encoding="utf-8",
    )
    app.build()
    warnings = plan_warnings(app)
    # each warning points at the line of the option concerned
    assert any("registers.md:4" in w and "[plan.filter]" in w and "column" in w for w in warnings)
    assert any("registers.md:8" in w and "'riskk'" in w and "[plan.field]" in w for w in warnings)
    assert any("registers.md:12" in w and "'impcat'" in w for w in warnings)
    assert any(
        "registers.md:13" in w and "did you mean 'columns'" in w and "[plan.option]" in w
        for w in warnings
    )
    html = (Path(app.outdir) / "registers.html").read_text(encoding="utf-8")
    assert html.count('class="plan-note"') == 2


@pytest.mark.sphinx("html", testroot="basic", srcdir="collector-none")
def test_unset_fields_read_as_none(app):
    (Path(app.srcdir) / "registers.md").write_text(
        "# Registers\n\n:::{plan-query}\n:type: phase\n:filter: not depends-on\n:::\n\n"
        ":::{plan-query}\n:type: signoff\n:filter: date == none\n:::\n",
        encoding="utf-8",
    )
    app.build()
    tables = _tables((Path(app.outdir) / "registers.html").read_text(encoding="utf-8"))
    assert [r[0] for r in _rows(tables[0])[1:]] == ["001-foundation"]
    assert [r[1] for r in _rows(tables[1])[1:]] == ["Security"]


def test_signature_shared_by_two_plans_is_ambiguous(make_app, rootdir, tmp_path):
    import shutil

    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-basic", src)
    (src / "other.md").write_text(
        "---\norphan: true\n---\n# Other plan\n\n:::{plan} Other\n:id: 002\n:::\n\n"
        "::::{plan-endpoint} POST /api/v1/payment-methods\n:::{plan-response} 201 Created\n"
        "Made.\n:::\n::::\n",
        encoding="utf-8",
    )
    app = make_app("html", srcdir=src, builddir=tmp_path / "out")
    app.build()
    warnings = plan_warnings(app)
    assert len(warnings) == 1, warnings
    assert "guide.md:3" in warnings[0] and "several" in warnings[0]
    assert "001-post-api-v1-payment-methods, 002-post-api-v1-payment-methods" in warnings[0]


@pytest.mark.sphinx("html", testroot="basic", srcdir="collector-markup")
def test_field_markup_survives_in_registers(app):
    index = Path(app.srcdir) / "index.md"
    index.write_text(
        index.read_text().replace(
            ":mitigation: Retry with exponential backoff",
            ":mitigation: Retry with `tenacity`, see {plan:phase}`001-core` and "
            "<https://example.org/retries>",
        ),
        encoding="utf-8",
    )
    app.build()
    assert plan_warnings(app) == []
    table = _tables((Path(app.outdir) / "registers.html").read_text(encoding="utf-8"))[1]
    assert "Retry with <code" in table and "tenacity</span></code>" in table
    assert 'href="index.html#phase-001-core"' in table
    assert 'href="https://example.org/retries"' in table
    # plan.json keeps the text as written
    objects = {o["id"]: o for o in load_plan_json(app)["objects"]}
    assert objects["001-stripe-api-downtime"]["fields"]["mitigation"].startswith(
        "Retry with `tenacity`"
    )
    assert "markup" not in objects["001-stripe-api-downtime"]["data"]

"""Trace links and coverage: ``covers``, ``mitigated-by``, ``runbook``, ``tables``,
shown on both ends, checked like every reference field, in MyST and reST."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOTS, load_plan_json, plan_warnings
from test_equivalence import _clean, _diff, _outcome
from test_export import schema_errors


def _object_text(html: str, anchor: str) -> str:
    """The text of the object block holding *anchor*, tags removed."""
    start = html.index(f'id="{anchor}"')
    block = html[start : html.index("</div>", html.index("plan-object-header", start))]
    return " ".join(re.sub(r"<[^>]+>", " ", block).split())


@pytest.mark.sphinx("html", testroot="coverage")
def test_trace_links_resolve_and_show_on_both_ends(app):
    app.build()
    warnings = [w for w in plan_warnings(app) if "[plan.coverage]" not in w]
    # the one name that resolves to nothing, at the test's line, with suggestions
    assert len(warnings) == 1, warnings
    assert "tests.rst:11" in warnings[0] and "covers names 'nowhere'" in warnings[0]
    assert "[plan.ref]" in warnings[0] and "known object ids: " in warnings[0]
    index = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    api = (Path(app.outdir) / "api.html").read_text(encoding="utf-8")
    tests = (Path(app.outdir) / "tests.html").read_text(encoding="utf-8")
    # the source end links to what it covers (a signature as written, by id or name)
    assert 'href="index.html#endpoint-users-list"' in tests
    assert 'href="api.html#endpoint-users-delete"' in tests
    # the named end lists what names it, once per object, in MyST and reST pages
    assert "Covered by : API tests" in _object_text(index, "endpoint-users-list")
    assert _object_text(index, "endpoint-users-list").count("API tests") == 1
    assert "Covered by : Release checks" in _object_text(index, "endpoint-users-create")
    assert "Covered by : API tests" in _object_text(api, "endpoint-users-delete")
    assert 'href="tests.html#test-api-tests"' in api
    assert "Mitigates : Data loss" in _object_text(index, "phase-hardening")
    assert "Migrated by : Create users" in _object_text(api, "table-users-table")
    assert "Migrated by" not in _object_text(api, "table-sessions-table")
    data = load_plan_json(app)
    assert schema_errors(data) == []
    objects = {o["id"]: o for o in data["objects"]}
    assert objects["api-tests"]["fields"]["covers"] == ["users-list", "GET /users", "users-delete"]
    assert objects["data-loss"]["fields"]["mitigated-by"] == ["hardening"]
    assert objects["errors-high"]["fields"]["runbook"] == "https://runbooks.example.com/errors"


@pytest.mark.sphinx("html", testroot="coverage", srcdir="coverage-wrong-type")
def test_a_link_to_a_type_the_field_does_not_take(app):
    text = (Path(app.srcdir) / "index.md").read_text(encoding="utf-8")
    (Path(app.srcdir) / "index.md").write_text(
        text.replace(":mitigated-by: late-fix", ":mitigated-by: users-list"), encoding="utf-8"
    )
    app.build()
    warnings = plan_warnings(app)
    wrong = [w for w in warnings if "mitigated-by names" in w]
    assert len(wrong) == 1 and "index.md:46" in wrong[0], warnings
    assert "'users-list', which is a endpoint, not a phase or check or component" in wrong[0]


def test_a_new_test_rewrites_the_page_of_what_it_covers(make_app, tmp_path):
    srcdir = tmp_path / "coverage"
    shutil.copytree(ROOTS / "test-coverage", srcdir)
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()
    page = Path(app.outdir) / "api.html"
    assert "Covered by" not in _object_text(
        page.read_text(encoding="utf-8"), "table-sessions-table"
    )
    tests = srcdir / "tests.rst"
    tests.write_text(
        tests.read_text(encoding="utf-8") + "\n.. plan-test:: Schema tests\n"
        "   :covers: sessions-table\n",
        encoding="utf-8",
    )
    app2 = make_app("html", srcdir=srcdir)
    app2.build()
    assert "Covered by : Schema tests" in _object_text(
        page.read_text(encoding="utf-8"), "table-sessions-table"
    )


#: the gaps of test-coverage: (location, rule) of each plan.coverage warning
GAPS = [
    ("api.rst:17", "table-migrated"),  # sessions: no migration names it
    ("index.md:18", "endpoint-tested"),  # POST /users: covered by a checklist, not a test
    ("index.md:26", "phases-checked"),  # the custom rule: no checklist covers the phase
    ("index.md:32", "phases-checked"),
    ("index.md:46", "high-risk-mitigated"),  # mitigated by a phase ending after the review
    ("index.md:60", "alert-runbook"),
]


def _gaps(app) -> list[tuple[str, str]]:
    found = []
    for w in plan_warnings(app):
        if "[plan.coverage]" in w:
            where = re.search(r"([\w.-]+\.(?:md|rst):\d+):", w)
            rule = re.search(r"\(rule '([\w-]+)'", w)
            assert where and rule, w
            found.append((where.group(1), rule.group(1)))
    return sorted(found)


@pytest.mark.sphinx("html", testroot="coverage")
def test_each_gap_is_a_warning_at_the_uncovered_object_naming_its_rule(app):
    app.build()
    assert _gaps(app) == GAPS
    warnings = app.warning.getvalue()
    assert (
        "found 0 of 1; not counted: late-fix (ends 2024-05-01, after review 2024-03-01)" in warnings
    )
    objects = {o["id"]: o for o in load_plan_json(app)["objects"]}
    assert objects["users-list"]["derived"]["covered"] is True
    assert objects["users-list"]["derived"]["covered-by"] == ["api-tests"]
    assert objects["users-create"]["derived"]["covered"] is False
    assert objects["data-loss"]["derived"]["covered-by"] == ["hardening"]
    assert objects["errors-high"]["derived"]["covered"] is True
    # no rule checks a test
    assert objects["api-tests"]["derived"]["covered"] is None


@pytest.mark.sphinx(
    "html",
    testroot="coverage",
    srcdir="coverage-off",
    confoverrides={
        "plan_coverage_rules": {
            "presets": True,
            "alert-runbook": False,
            "table-migrated": False,
            "endpoint-tested": {"to": None},
        }
    },
)
def test_rules_switch_off_one_by_one_and_presets_take_changes(app):
    app.build()
    # the endpoint rule now counts the checklist; the two presets switched off are silent
    assert _gaps(app) == [("index.md:46", "high-risk-mitigated")]


@pytest.mark.sphinx(
    "html",
    testroot="coverage",
    srcdir="coverage-suppressed",
    confoverrides={"suppress_warnings": ["plan.coverage"]},
)
def test_gaps_are_suppressed_with_suppress_warnings(app):
    app.build()
    assert _gaps(app) == []
    assert load_plan_json(app)["objects"]


@pytest.mark.sphinx(
    "html",
    testroot="coverage",
    srcdir="coverage-bad-rules",
    confoverrides={
        "plan_coverage_rules": {
            "endpoint-tsted": True,
            "typo": {"objects": "endpont", "link": "covers"},
            "badfilter": {"objects": "endpoint", "link": "covers", "filter": "method == "},
            "badkey": {"objects": "endpoint", "link": "covers", "minimum": 2},
            "badlink": {"objects": "risk", "link": "mitigated", "direction": "outgoing"},
            "ok": {
                "objects": "endpoint",
                "link": "covers",
                "to": "test",
                "min": 2,
                "filter": "method == GET",
            },
        }
    },
)
def test_bad_rules_are_config_warnings_and_the_good_ones_run(app):
    app.build()
    config = [w for w in app.warning.getvalue().splitlines() if "[plan.config]" in w]
    text = "\n".join(config)
    assert "'endpoint-tsted' is no preset; did you mean 'endpoint-tested'?" in text
    assert "typo: objects 'endpont' is no object type; did you mean 'endpoint'?" in text
    assert "badfilter: filter 'method == '" in text and "column" in text
    assert "badkey: unknown key 'minimum'; did you mean 'min'?" in text
    assert (
        "badlink: link 'mitigated' is no field of plan-risk; did you mean 'mitigated-by'?" in text
    )
    assert len(config) == 5, config
    # the one good rule: GET endpoints need two tests; GET /users has one
    assert _gaps(app) == [("index.md:14", "ok")]


def _add_test(src: Path) -> None:
    tests = src / "tests.rst"
    tests.write_text(
        tests.read_text(encoding="utf-8") + "\n.. plan-test:: Create tests\n"
        "   :covers: POST /users, sessions-table\n",
        encoding="utf-8",
    )


def _uncover(src: Path) -> None:
    tests = src / "tests.rst"
    tests.write_text(
        tests.read_text(encoding="utf-8").replace(
            ":covers: users-list, GET /users, users-delete", ":covers: users-delete"
        ),
        encoding="utf-8",
    )


def _mitigate_in_time(src: Path) -> None:
    index = src / "index.md"
    index.write_text(
        index.read_text(encoding="utf-8").replace(
            ":start: 2024-03-01\n:end: 2024-05-01", ":start: 2024-02-10\n:end: 2024-02-25"
        ),
        encoding="utf-8",
    )


def test_serial_parallel_and_incremental_builds_agree_on_coverage(make_app, tmp_path):
    src = tmp_path / "work" / "src"
    shutil.copytree(ROOTS / "test-coverage", src)
    out = tmp_path / "work" / "out"
    pages = (("registers",), ("index", "api", "tests"))
    make_app("html", srcdir=src, builddir=out).build()
    problems = []
    seen = []
    for name, edit in (
        ("a test covers more", _add_test),
        ("a test covers less", _uncover),
        ("a phase ends earlier", _mitigate_in_time),
    ):
        edit(src)
        incremental = make_app("html", srcdir=src, builddir=out)
        incremental.build()
        got = _outcome(incremental, src, *pages)
        serial = _clean(make_app, src, tmp_path / "clean", 1, pages=pages)
        problems += _diff(f"{name} (incremental)", serial, got)
        problems += _diff(
            f"{name} (-j 2)", serial, _clean(make_app, src, tmp_path / "j2", 2, pages=pages)
        )
        seen.append(_gaps(incremental))
    assert problems == []
    # each edit moved the gaps
    assert ("index.md:18", "endpoint-tested") not in seen[0]
    assert ("index.md:14", "endpoint-tested") in seen[1]
    assert ("index.md:46", "high-risk-mitigated") not in seen[2]


def _tables(html: str) -> list[list[list[str]]]:
    """Every table of a page as rows of cell texts (caption first, as a one-cell row)."""
    found = []
    for tbl in re.findall(r"<table.*?</table>", html, re.S):
        rows = []
        caption = re.search(r"<caption>(.*?)</caption>", tbl, re.S)
        if caption:
            rows.append([" ".join(re.sub(r"<[^>]+>|¶", " ", caption.group(1)).split())])
        for row in re.findall(r"<tr.*?</tr>", tbl, re.S):
            rows.append(
                [
                    " ".join(re.sub(r"<[^>]+>", " ", c).split())
                    for c in re.findall(r"<t[hd].*?</t[hd]>", row, re.S)
                ]
            )
        found.append(rows)
    return found


@pytest.mark.sphinx("html", testroot="coverage", srcdir="coverage-collector")
def test_coverage_collector_matrix_gaps_and_percentages(app):
    app.build()
    html = (Path(app.outdir) / "registers.html").read_text(encoding="utf-8")
    tables = _tables(html)
    summary = next(t for t in tables if t[0] == ["Coverage"])
    assert [r[0] for r in summary[2:]] == [
        "endpoint-tested",
        "event-tested",
        "high-risk-mitigated",
        "alert-runbook",
        "table-migrated",
        "phases-checked",
    ]
    assert summary[2][2:] == ["3", "2", "66%"] and summary[3][4] == "100%"
    risks = next(t for t in tables if t[0][0].startswith("high-risk-mitigated:"))
    assert risks[0][0].endswith("— 1 of 2 covered (50%)")
    assert risks[1] == ["Object", "Hardening", "Late fix", "Count", "Covered"]
    assert risks[2] == ["Data loss", "✓", "", "1/1", "covered"]
    assert risks[3] == ["Slow queries", "", "too late", "0/1", "gap"]
    runbooks = next(t for t in tables if t[0][0].startswith("alert-runbook:"))
    assert runbooks[2] == ["Errors high", "https://runbooks.example.com/errors", "1/1", "covered"]
    # :rule: and :gaps: keep the one rule and its one gap
    gaps = [t for t in tables if t[0][0].startswith("endpoint-tested:")][-1]
    assert gaps[1:] == [["Object", "Count", "Covered"], ["POST /users", "0/1", "gap"]]
    # covered is a derived value filters read; covered-by links the tests
    query = [t for t in tables if t[0] == ["ID", "Title", "Covered", "Covered by"]]
    assert query and query[0][1:] == [["users-create", "POST /users", "gap", ""]]
    overview = next(t for t in tables if t[0][:2] == ["ID", "Title"] and "Coverage" in t[0])
    assert overview[1][overview[0].index("Coverage")] == "50%"
    # interactive like the other registers: the summary sorts, the matrices filter
    assert html.count("plan-interactive plan-interactive-sort") >= 2
    assert html.count("plan-interactive plan-interactive-filter") == 7
    data = load_plan_json(app)
    assert schema_errors(data) == []
    by_rule = {r["rule"]: r for r in data["coverage"]}
    assert by_rule["endpoint-tested"] == {
        "rule": "endpoint-tested",
        "objects": "endpoint",
        "checked": 3,
        "covered": 2,
        "percent": 66,
        "gaps": ["users-create"],
        "help": by_rule["endpoint-tested"]["help"],
    }
    assert data["plans"][0]["derived"]["coverage"] == 50


@pytest.mark.sphinx("html", testroot="coverage", srcdir="coverage-bad-rule-option")
def test_an_unknown_rule_in_the_collector_warns_at_its_line(app):
    registers = Path(app.srcdir) / "registers.md"
    registers.write_text(
        registers.read_text(encoding="utf-8").replace(
            ":rule: endpoint-tested", ":rule: endpoint-test"
        ),
        encoding="utf-8",
    )
    app.build()
    bad = [w for w in plan_warnings(app) if ":rule:" in w]
    assert len(bad) == 1 and "registers.md:12:" in bad[0] and "[plan.field]" in bad[0], bad
    assert "did you mean 'endpoint-tested'?" in bad[0]


@pytest.mark.parametrize("builder", ["latex", "text"])
def test_the_matrix_is_readable_without_html(make_app, tmp_path, builder):
    srcdir = tmp_path / "coverage"
    shutil.copytree(ROOTS / "test-coverage", srcdir)
    app = make_app(builder, srcdir=srcdir, freshenv=True)
    app.build()
    if builder == "latex":
        tex = next(Path(app.outdir).glob("*.tex")).read_text(encoding="utf-8")
        assert r"\checkmark" in tex and "too late" in tex
        # the PDF holds every document: each object names what covers it, once
        assert tex.count("Covered by") == 5 and tex.count("Migrated by") == 1  # 4 objects, 1 column
    else:
        text = (Path(app.outdir) / "registers.txt").read_text(encoding="utf-8")
        assert re.search(r"\| Data loss\s+\| ✓\s+\|\s+\| 1/1\s+\| covered\s+\|", text)
        assert "1 of 2 covered (50%)" in text

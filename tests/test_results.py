"""Test results: JUnit XML of pytest, Maven Surefire and jest-junit (real runs, in
tests/fixtures/junit) matched to plan-test objects by their ``junit`` patterns."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOTS, load_plan_json, plan_warnings
from test_equivalence import _clean, _diff, _outcome
from test_export import schema_errors

from sphinxcontrib_plan.model.junit import MAX_BYTES, parse_junit, read_results

FIXTURES = Path(__file__).parent / "fixtures" / "junit"

#: what each test of test-results gets from the three tools' files
EXPECTED = {
    "pytest-refunds": {"result": "passed", "passed": 2, "failed": 0, "skipped": 0},
    "surefire": {"result": "failed", "passed": 2, "failed": 1, "skipped": 1},
    "jest": {"result": "passed", "passed": 2, "failed": 0, "skipped": 0},
    "ledger": {"result": "failed", "passed": 0, "failed": 1, "skipped": 0},  # an <error>
    "skipped-only": {"result": "skipped", "passed": 0, "failed": 0, "skipped": 2},
    "not-run": {"result": "missing", "passed": 0, "failed": 0, "skipped": 0},
}


def _project(tmp_path: Path, *extra: tuple[str, bytes]) -> Path:
    srcdir = tmp_path / "results"
    shutil.copytree(ROOTS / "test-results", srcdir)
    reports = srcdir / "reports"
    reports.mkdir()
    for fixture in FIXTURES.glob("*.xml"):
        shutil.copy(fixture, reports)
    for name, data in extra:
        (reports / name).write_bytes(data)
    return srcdir


def _tests(app) -> dict[str, dict[str, object]]:
    return {o["id"]: o["derived"] for o in load_plan_json(app)["objects"] if o["type"] == "test"}


def test_each_tool_s_cases_are_read():
    by_tool = {f.name: parse_junit(f.read_bytes(), f.name) for f in FIXTURES.glob("*.xml")}
    outcomes = {name: [c.outcome for c in cases] for name, cases in by_tool.items()}
    assert outcomes == {
        "pytest.xml": ["passed", "passed", "failed", "skipped", "failed"],
        "TEST-com.acme.payments.PaymentMethodsApiTest.xml": [
            "passed",
            "passed",
            "failed",
            "skipped",
        ],
        "jest-junit.xml": ["passed", "passed", "failed", "skipped"],
    }
    ids = [c.id for cases in by_tool.values() for c in cases]
    assert "tests.test_refunds.TestRefunds.test_partial_refund" in ids
    assert "com.acme.payments.PaymentMethodsApiTest.walletCardsAreListed" in ids
    assert "Checkout form.shows the card brand" in ids


def test_tests_get_their_result_counts_and_run_time(make_app, tmp_path):
    app = make_app("html", srcdir=_project(tmp_path), freshenv=True)
    app.build()
    derived = _tests(app)
    for oid, expected in EXPECTED.items():
        assert {k: derived[oid][k] for k in expected} == expected, oid
    assert derived["surefire"]["run-time"] == pytest.approx(0.232, abs=0.5)
    assert schema_errors(load_plan_json(app)) == []
    warnings = plan_warnings(app)
    # the pattern matching nothing, at its test; the endpoint whose only test failed
    assert len(warnings) == 2, warnings
    assert "tests.rst:24:" in warnings[0] and "[plan.results]" in warnings[0]
    assert "junit tests.test_wallet.* matches none of the 13 test cases" in warnings[0]
    assert "index.md:16:" in warnings[1] and "not counted: surefire (failed)" in warnings[1]
    html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    # the register and the coverage matrix show the results
    assert 'plan-result plan-result-failed">Failed<' in html
    matrix = re.search(r"endpoint-tested: .*?</table>", html, re.S).group(0)
    assert "plan-result-failed" in matrix and "plan-result-passed" in matrix


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<testsuite><testcase classname="bomb" name="&lol3;"/></testsuite>
"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE testsuite [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<testsuite><testcase classname="leak" name="&secret;"/></testsuite>
"""


def test_hostile_and_broken_files_are_warnings_and_the_others_are_read(make_app, tmp_path):
    srcdir = _project(
        tmp_path,
        ("bomb.xml", BOMB),
        ("external.xml", EXTERNAL),
        ("broken.xml", b"<testsuite><testcase name='x'>\n</testsuite>"),
        ("other.xml", b"<coverage line-rate='0.9'/>"),
    )
    # a file past the limit is refused before it is read (sparse: no disk used)
    with open(srcdir / "reports" / "huge.xml", "wb") as huge:
        huge.truncate(MAX_BYTES + 1)
    app = make_app(
        "html",
        srcdir=srcdir,
        freshenv=True,
        confoverrides={"plan_test_results": ["reports/*.xml", "nowhere/*.xml"]},
    )
    app.build()
    results = [w for w in plan_warnings(app) if "[plan.results]" in w]
    text = "\n".join(results)
    assert "reports/bomb.xml: refused by the hardened XML parser (DTDForbidden" in text
    assert "reports/external.xml: refused by the hardened XML parser" in text
    assert re.search(r"reports/broken\.xml:2: .*reports/broken\.xml: not well-formed XML", text)
    assert "reports/other.xml: the root element is <coverage>" in text
    assert f"reports/huge.xml: {MAX_BYTES + 1:,} bytes" in text
    assert "plan_test_results: 'nowhere/*.xml' names no file" in text
    # a setting's problem is at the line of conf.py setting it (here -D: no line, no
    # location), never at a document "conf.py.rst" that does not exist
    assert "conf.py.rst" not in text
    assert "root:" not in text and "lol" not in text
    # the three real files are still read
    derived = _tests(app)
    assert derived["surefire"]["result"] == "failed" and derived["jest"]["result"] == "passed"


def test_a_changed_results_file_rewrites_only_the_pages_showing_results(make_app, tmp_path):
    srcdir = _project(tmp_path)
    make_app("html", srcdir=srcdir, freshenv=True).build()
    report = srcdir / "reports" / "TEST-com.acme.payments.PaymentMethodsApiTest.xml"
    text = report.read_text(encoding="utf-8")
    fixed = re.sub(
        r'(<testcase name="deleteOfTheDefaultCardIsRefused"[^>]*)>.*?</testcase>',
        r"\1/>",
        text,
        flags=re.S,
    )
    assert fixed != text
    report.write_text(fixed, encoding="utf-8")
    app = make_app("html", srcdir=srcdir)
    app.build()
    status = app.status.getvalue()
    written = re.findall(r"writing output\.\.\. \[\s*\d+%\] (\S+)", status)
    assert written == ["index"], status
    assert "reading sources" not in status or "0 changed" in status
    assert _tests(app)["surefire"]["result"] == "passed"
    # the endpoint it covers is covered now: no gap left
    assert [w for w in plan_warnings(app) if "[plan.coverage]" in w] == []


def test_serial_parallel_and_incremental_builds_agree_on_results(make_app, tmp_path):
    src = _project(tmp_path / "work")
    out = tmp_path / "work" / "out"
    pages = (("index",), ("tests",))
    make_app("html", srcdir=src, builddir=out).build()
    (src / "reports" / "jest-junit.xml").unlink()
    incremental = make_app("html", srcdir=src, builddir=out)
    incremental.build()
    got = _outcome(incremental, src, *pages)
    serial = _clean(make_app, src, tmp_path / "clean", 1, pages=pages)
    assert _diff("incremental", serial, got) == []
    assert _diff("-j 2", serial, _clean(make_app, src, tmp_path / "j2", 2, pages=pages)) == []
    assert _tests(incremental)["jest"]["result"] == "missing"


def test_reading_the_fixtures_directly(tmp_path):
    for fixture in FIXTURES.glob("*.xml"):
        shutil.copy(fixture, tmp_path)
    results = read_results(tmp_path, ["*.xml"])
    assert results.problems == [] and results.files == 3 and len(results.cases) == 13
    assert len(results.matching(["Checkout form.*"])) == 4

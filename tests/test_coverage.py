"""Trace links and coverage: ``covers``, ``mitigated-by``, ``runbook``, ``tables``,
shown on both ends, checked like every reference field, in MyST and reST."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOTS, load_plan_json, plan_warnings
from test_export import schema_errors


def _object_text(html: str, anchor: str) -> str:
    """The text of the object block holding *anchor*, tags removed."""
    start = html.index(f'id="{anchor}"')
    block = html[start:html.index("</div>", html.index("plan-object-header", start))]
    return " ".join(re.sub(r"<[^>]+>", " ", block).split())


@pytest.mark.sphinx("html", testroot="coverage")
def test_trace_links_resolve_and_show_on_both_ends(app):
    app.build()
    warnings = plan_warnings(app)
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
        text.replace(":mitigated-by: late-fix", ":mitigated-by: users-list"), encoding="utf-8")
    app.build()
    warnings = plan_warnings(app)
    wrong = [w for w in warnings if "mitigated-by" in w]
    assert len(wrong) == 1 and "index.md:46" in wrong[0], warnings
    assert "'users-list', which is a endpoint, not a phase or check or component" in wrong[0]


def test_a_new_test_rewrites_the_page_of_what_it_covers(make_app, tmp_path):
    srcdir = tmp_path / "coverage"
    shutil.copytree(ROOTS / "test-coverage", srcdir)
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()
    page = Path(app.outdir) / "api.html"
    assert "Covered by" not in _object_text(page.read_text(encoding="utf-8"), "table-sessions-table")
    tests = srcdir / "tests.rst"
    tests.write_text(tests.read_text(encoding="utf-8") + "\n.. plan-test:: Schema tests\n"
                     "   :covers: sessions-table\n", encoding="utf-8")
    app2 = make_app("html", srcdir=srcdir)
    app2.build()
    assert "Covered by : Schema tests" in _object_text(page.read_text(encoding="utf-8"),
                                                       "table-sessions-table")

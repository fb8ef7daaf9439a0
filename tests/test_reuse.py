"""A rebuild that reads no document re-derives and re-writes nothing: the index
is not resolved again, its findings are reported again, and the exports are
left untouched (their modification times too) while their inputs are the same."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import plan_warnings
from sphinx.util.console import strip_colors

import sphinxcontrib_plan.resolve

EXPORTS = ("plan.json", "spec.json")


@pytest.fixture
def project(rootdir, tmp_path, monkeypatch):
    """test-export-api with one dangling reference, and a counter of resolutions."""
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-export-api", src)
    with (src / "risks.md").open("a", encoding="utf-8") as stream:
        stream.write("\n:::{plan-phase} Launch\n:depends-on: P-NOPE\n:::\n")
    calls = []
    real = sphinxcontrib_plan.resolve.resolve
    monkeypatch.setattr(
        sphinxcontrib_plan.resolve,
        "resolve",
        lambda *args, **kwargs: calls.append(1) or real(*args, **kwargs),
    )
    return src, tmp_path / "out", calls


def _mtimes(outdir: Path) -> dict[str, int]:
    return {name: (outdir / name).stat().st_mtime_ns for name in EXPORTS}


def _warnings(app, written: bool = False) -> list[str]:
    # the root's deliberately broken JSON example gives Sphinx's own warning
    # when its page is written
    return sorted(
        strip_colors(w)
        for w in plan_warnings(app, expected=("misc.highlighting_failure",) if written else ())
    )


def test_no_change_rebuild_reuses_index_and_exports(make_app, project):
    src, out, calls = project
    first = make_app("html", srcdir=src, builddir=out)
    first.build()
    assert len(calls) == 1
    outdir = Path(first.outdir)
    written = _mtimes(outdir)
    data = (outdir / "plan.json").read_bytes()
    assert any("P-NOPE" in w for w in _warnings(first, written=True))

    again = make_app("html", srcdir=src, builddir=out)
    again.build()
    assert "no targets are out of date" in again.status.getvalue()
    assert len(calls) == 1  # not resolved again
    # the findings are reported again
    assert _warnings(again) == _warnings(first, written=True)
    assert _mtimes(outdir) == written

    # a removed export is written again, the same
    (outdir / "plan.json").unlink()
    make_app("html", srcdir=src, builddir=out).build()
    assert (outdir / "plan.json").read_bytes() == data
    assert (outdir / "spec.json").stat().st_mtime_ns == written["spec.json"]


def test_edit_rewrites_what_changed(make_app, project):
    src, out, calls = project
    make_app("html", srcdir=src, builddir=out).build()
    outdir = Path(out) / "html"
    written = _mtimes(outdir)
    risks = src / "risks.md"
    risks.write_text(
        risks.read_text(encoding="utf-8").replace(":owner: SRE", ":owner: Ops"), encoding="utf-8"
    )
    app = make_app("html", srcdir=src, builddir=out)
    app.build()
    assert len(calls) == 2
    objects = json.loads((outdir / "plan.json").read_text(encoding="utf-8"))["objects"]
    assert next(o for o in objects if o["id"] == "R-PAY")["fields"]["owner"] == "Ops"
    assert (outdir / "plan.json").stat().st_mtime_ns != written["plan.json"]
    # the OpenAPI document shows no risk: made again, the same, not written
    assert (outdir / "spec.json").stat().st_mtime_ns == written["spec.json"]

    # a prose edit of a document changes no record: nothing is resolved or written
    risks.write_text(risks.read_text(encoding="utf-8") + "\nMore words.\n", encoding="utf-8")
    written = _mtimes(outdir)
    make_app("html", srcdir=src, builddir=out).build()
    assert len(calls) == 2
    assert _mtimes(outdir) == written


def test_a_document_read_again_reuses_its_unchanged_sql(make_app, tmp_path, monkeypatch):
    """Editing a document that holds a plan-table does not parse its SQL again (nor
    import the parser): the schema read last time is taken by the SQL's digest."""
    import sphinxcontrib_plan.model.sql as sql

    root = tmp_path / "src"
    root.mkdir()
    (root / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinxcontrib_plan"]\n'
        'myst_enable_extensions = ["colon_fence"]\n',
        encoding="utf-8",
    )
    page = (
        "# T\n\n:::{plan} X\n:id: 042\n:::\n\n:::{plan-table} users\n```sql\n"
        "CREATE TABLE users (id UUID PRIMARY KEY, email TEXT NOT NULL);\n```\n:::\n\n"
        ":::{plan-risk} Outage\n:impact: low\n:likelihood: low\n:::\n"
    )
    (root / "index.md").write_text(page, encoding="utf-8")
    make_app("html", srcdir=root).build()
    calls: list[str] = []
    real = sql.parse_schema
    monkeypatch.setattr(sql, "parse_schema", lambda text: calls.append(text) or real(text))
    (root / "index.md").write_text(page.replace(":impact: low", ":impact: high"), encoding="utf-8")
    app = make_app("html", srcdir=root)
    app.build()
    assert calls == []
    html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    assert "Columns of users" in html and "email" in html
    # a changed statement is read again
    (root / "index.md").write_text(page.replace("email TEXT", "mail TEXT"), encoding="utf-8")
    again = make_app("html", srcdir=root)
    again.build()
    assert len(calls) == 1 and "mail TEXT" in calls[0]

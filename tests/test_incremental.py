"""Incremental builds refresh the pages that show data changed elsewhere, and only those."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import plan_warnings


def test_edit_elsewhere_refreshes_register(make_app, rootdir, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-basic", src)
    out = tmp_path / "out"
    app = make_app("html", srcdir=src, builddir=out)
    app.build()
    register = Path(app.outdir) / "registers.html"
    assert "Retry with exponential backoff" in register.read_text(encoding="utf-8")

    # a rebuild with no change writes nothing
    app2 = make_app("html", srcdir=src, builddir=out)
    app2.build()
    assert "no targets are out of date" in app2.status.getvalue()

    # change a risk's field in index.md; the register lives in registers.md
    index = src / "index.md"
    index.write_text(
        index.read_text().replace(
            "Retry with exponential backoff", "Queue and replay failed calls"
        ),
        encoding="utf-8",
    )
    app3 = make_app("html", srcdir=src, builddir=out)
    app3.build()
    assert plan_warnings(app3) == []
    html = register.read_text(encoding="utf-8")
    assert "Queue and replay failed calls" in html
    assert "Retry with exponential backoff" not in html
    # guide.md links to risks by title, and no title changed: it is not rewritten
    assert "guide" not in app3.status.getvalue().split("writing output")[-1]


def test_title_change_refreshes_linking_pages(make_app, rootdir, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-basic", src)
    out = tmp_path / "out"
    make_app("html", srcdir=src, builddir=out).build()
    index = src / "index.md"
    index.write_text(
        index.read_text().replace("Database performance degradation", "Database overload"),
        encoding="utf-8",
    )
    app = make_app("html", srcdir=src, builddir=out)
    app.build()
    guide = (Path(app.outdir) / "guide.html").read_text(encoding="utf-8")
    assert "Database overload" in guide
    assert "Database performance degradation" not in guide


def test_deleted_object_warns_at_referencing_page(make_app, rootdir, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-basic", src)
    out = tmp_path / "out"
    make_app("html", srcdir=src, builddir=out).build()
    index = src / "index.md"
    text = index.read_text()
    start = text.index(":::{plan-risk} Database performance degradation")
    end = text.index(":::\n", text.index(":status: mitigating")) + 4
    index.write_text(text[:start] + text[end:], encoding="utf-8")
    app = make_app("html", srcdir=src, builddir=out)
    app.build()
    # Sphinx's own {any} role, in the same paragraph, says it too
    warnings = plan_warnings(app, expected=("'any' reference target not found: R-DB [ref.any]",))
    # guide.md was not edited, but its reference to R-DB is now dangling
    assert any("guide.md" in w and "'R-DB'" in w and "[plan.ref]" in w for w in warnings), warnings
    register = (Path(app.outdir) / "registers.html").read_text(encoding="utf-8")
    assert "risk-r-db" not in register

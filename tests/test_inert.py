"""The extension stays out of a project's way: a project without plan content
gets the same pages with it as without it, and files the project ships under
the names the extension writes are kept, with a warning."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import plan_warnings
from sphinx.util.console import strip_colors

#: the extension's entry in the environment versions Sphinx writes into the search index
PLAN_ENV_VERSION = re.compile(rb',"sphinxcontrib_plan":\d+')


def _outputs(outdir: Path) -> dict[str, bytes]:
    """Every file the build wrote, but Sphinx's caches: the doctrees, and ``.buildinfo``
    (a digest of the configuration values pages depend on; the extension adds
    ``plan_interactive`` to them)."""
    return {
        p.relative_to(outdir).as_posix(): p.read_bytes()
        for p in sorted(outdir.rglob("*"))
        if p.is_file() and ".doctrees" not in p.parts and p.name != ".buildinfo"
    }


def _warnings(app, tmp: Path) -> list[str]:
    """The warnings about the project (not the test harness's second application)."""
    return [
        line.replace(str(tmp), "")
        for line in app.warning.getvalue().splitlines()
        if "[app.add_node]" not in line
        and "[app.add_directive]" not in line
        and "[app.add_role]" not in line
    ]


def _build(make_app, rootdir: Path, tmp: Path, builder: str, extensions: list[str], **conf):
    src = tmp / "src"
    shutil.copytree(rootdir / "test-inert", src)
    app = make_app(
        builder, srcdir=src, builddir=tmp / "out", confoverrides={"extensions": extensions, **conf}
    )
    app.build()
    return app


@pytest.mark.parametrize("builder", ["html", "text", "latex"])
def test_no_plan_content_same_output(make_app, rootdir, tmp_path, builder):
    without = _build(make_app, rootdir, tmp_path / "without", builder, ["myst_parser"])
    with_ = _build(
        make_app, rootdir, tmp_path / "with", builder, ["myst_parser", "sphinxcontrib_plan"]
    )
    assert plan_warnings(with_) == []
    assert _warnings(with_, tmp_path / "with") == _warnings(without, tmp_path / "without")
    before, after = _outputs(Path(without.outdir)), _outputs(Path(with_.outdir))
    # the only difference allowed: the extension's entry among the environment
    # versions of the search index
    if "searchindex.js" in after:
        assert PLAN_ENV_VERSION.search(after["searchindex.js"])
        after["searchindex.js"] = PLAN_ENV_VERSION.sub(b"", after["searchindex.js"], count=1)
    assert sorted(after) == sorted(before)  # no plan.json, no plan.css, no script
    for name in before:
        assert after[name] == before[name], name


def test_plan_json_when_asked(make_app, rootdir, tmp_path):
    app = _build(
        make_app, rootdir, tmp_path, "html", ["myst_parser", "sphinxcontrib_plan"], plan_json=True
    )
    data = (Path(app.outdir) / "plan.json").read_text(encoding="utf-8")
    assert '"objects": []' in data and '"plans": []' in data


def test_project_files_are_kept(make_app, rootdir, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-basic", src)
    (src / "_static").mkdir()
    own_css = b"/* the project's own plan.css: a floor plan viewer */\n"
    (src / "_static" / "plan.css").write_bytes(own_css)
    (src / "extra").mkdir()
    own_json = b'{"floors": 3}\n'
    (src / "extra" / "plan.json").write_bytes(own_json)
    app = make_app(
        "html",
        srcdir=src,
        builddir=tmp_path / "out",
        confoverrides={"html_static_path": ["_static"], "html_extra_path": ["extra"]},
    )
    app.build()
    out = Path(app.outdir)
    css, json_ = src / "_static" / "plan.css", src / "extra" / "plan.json"
    assert [strip_colors(w) for w in plan_warnings(app)] == [
        f"{css}:1: WARNING: the project's own plan.css becomes _static/plan.css through its "
        "html_static_path or html_extra_path; it is kept, and the extension's file is written "
        "as _static/sphinxcontrib-plan.css instead (rename the project's file to use the "
        "default name) [plan.config]",
        f"{json_}:1: WARNING: the project's own plan.json becomes plan.json through its "
        "html_extra_path; it is kept, and the extension does not write its plan.json (set "
        "plan_json = False to say so) [plan.config]",
    ]
    assert (out / "_static" / "plan.css").read_bytes() == own_css
    assert (out / "plan.json").read_bytes() == own_json
    # the extension's stylesheet under its own name, linked from the plan pages
    ours = Path(__file__).parent.parent / "sphinxcontrib_plan" / "static" / "plan.css"
    assert (out / "_static" / "sphinxcontrib-plan.css").read_bytes() == ours.read_bytes()
    page = (out / "registers.html").read_text(encoding="utf-8")
    assert "_static/sphinxcontrib-plan.css" in page
    assert 'href="_static/plan.css' not in page
    # a second build keeps them too, and warns again
    again = make_app(
        "html",
        srcdir=src,
        builddir=tmp_path / "out",
        confoverrides={"html_static_path": ["_static"], "html_extra_path": ["extra"]},
    )
    again.build()
    assert len(plan_warnings(again)) == 2
    assert (out / "_static" / "plan.css").read_bytes() == own_css
    assert (out / "plan.json").read_bytes() == own_json


def test_stylesheet_only_on_plan_pages(make_app, rootdir, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-basic", src)
    (src / "about.md").write_text("# About\n\nNo plan here.\n", encoding="utf-8")
    index = src / "index.md"
    index.write_text(
        index.read_text(encoding="utf-8") + "\n```{toctree}\nabout\n```\n", encoding="utf-8"
    )
    app = make_app("html", srcdir=src, builddir=tmp_path / "out")
    app.build()
    out = Path(app.outdir)
    assert "_static/plan.css" in (out / "registers.html").read_text(encoding="utf-8")
    for page in ("about.html", "genindex.html", "search.html"):
        assert "plan.css" not in (out / page).read_text(encoding="utf-8"), page

"""Collectors finished early on HTML builders (``render/finished.py``, issue 29).

Each test builds a real project twice, once as every HTML page is built
(collectors finished and held aside for the writer) and once with finishing
switched off (every later post-transform walking the collectors' nodes), and
compares what a user gets: every page, the search index, the warnings.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import EPUB_CONF, ROOTS
from docutils import nodes

from sphinxcontrib_plan.render import transform as transform_module
from sphinxcontrib_plan.render.nodes import held, plan_finished

EXAMPLE = ROOTS.parent.parent / "example_project"


def _build(make_app, monkeypatch, srcdir: Path, outdir: Path, builder: str, *, finish: bool):
    """Build *srcdir*; count the finished holders of the resolved pages."""
    with monkeypatch.context() as patch:
        if not finish:
            patch.setattr(transform_module, "writes_finished", lambda env: False)
        app = make_app(builder, srcdir=srcdir, builddir=outdir, confoverrides=EPUB_CONF)
        holders: dict[str, int] = {}

        def count(app, doctree: nodes.document, docname: str) -> None:
            holders[docname] = sum(1 for _ in doctree.findall(plan_finished))

        app.connect("doctree-resolved", count)
        app.build()
    out = Path(app.outdir)
    files = {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.suffix in (".html", ".js", ".txt", ".tex") and "_static" not in p.parts
    }
    return files, app.warning.getvalue(), holders


def _compare(make_app, monkeypatch, tmp_path: Path, srcdir: Path, builder: str) -> dict[str, int]:
    finished, warned, holders = _build(
        make_app, monkeypatch, srcdir, tmp_path / "finished", builder, finish=True
    )
    plain, plain_warned, none = _build(
        make_app, monkeypatch, srcdir, tmp_path / "plain", builder, finish=False
    )
    assert not any(none.values())
    assert sorted(finished) == sorted(plain)
    for name, content in plain.items():
        assert finished[name] == content, name
    assert warned == plain_warned
    return holders


@pytest.mark.parametrize("builder", ["html", "dirhtml", "singlehtml"])
@pytest.mark.parametrize(
    "root", ["test-basic", "test-interactive", "test-timeline", "test-portfolio", "test-bad-input"]
)
def test_pages_search_index_and_warnings_are_those_of_the_full_walk(
    make_app, monkeypatch, tmp_path, root, builder
) -> None:
    holders = _compare(make_app, monkeypatch, tmp_path, ROOTS / root, builder)
    if builder == "singlehtml":
        # it rewrites the assembled page's links after resolving (Sphinx 7.4): no holder
        assert not any(holders.values()), holders
    else:
        # the path under test ran: the registers hold finished collectors
        assert sum(holders.values()) > 0, holders


@pytest.mark.skipif(not (EXAMPLE / "conf.py").exists(), reason="no example_project")
def test_example_project_is_byte_identical(make_app, monkeypatch, tmp_path) -> None:
    holders = _compare(make_app, monkeypatch, tmp_path, EXAMPLE, "html")
    assert sum(holders.values()) >= 10, holders


@pytest.mark.parametrize("builder", ["latex", "text", "epub"])
def test_other_builders_never_hold(make_app, monkeypatch, tmp_path, builder) -> None:
    """LaTeX and text never see a holder; the e-book builder, which rewrites ids
    and adds visible links after resolving, gets the full walk too."""
    _, warned, holders = _build(
        make_app, monkeypatch, ROOTS / "test-basic", tmp_path, builder, finish=True
    )
    assert ("plan." not in warned) or builder == "latex", warned
    assert not any(holders.values()), holders


def test_a_collector_holding_other_nodes_stays_in_the_tree(make_app, tmp_path) -> None:
    """Only a collector made of standard table, list and inline nodes is held:
    the architecture view draws a diagram, which later transforms may change."""
    app = make_app("html", srcdir=EXAMPLE, builddir=tmp_path)
    seen: dict[str, list[str]] = {"held": [], "kept": []}

    def look(app, doctree: nodes.document, docname: str) -> None:
        for box in doctree.findall(nodes.container):
            kinds = [c for c in box["classes"] if c.startswith("plan-collector-")]
            if kinds:
                finished = any(isinstance(c, plan_finished) for c in box.children)
                seen["held" if finished else "kept"].extend(kinds)

    app.connect("doctree-resolved", look)
    app.build()
    assert "plan-collector-risk-register" in seen["held"]
    assert "plan-collector-architecture" in seen["kept"], seen


def test_held_finds_the_nodes_a_holder_holds(make_app, tmp_path) -> None:
    """``held`` walks into holders: the interactive boxes of the register page are
    found, though no walk of the tree reaches them."""
    app = make_app("html", srcdir=ROOTS / "test-interactive", builddir=tmp_path)
    found: dict[str, tuple[int, int]] = {}

    def look(app, doctree: nodes.document, docname: str) -> None:
        def boxes(nodes_):
            return sum(1 for n in nodes_ if "plan-interactive" in n["classes"])

        found[docname] = (
            boxes(doctree.findall(nodes.container)),
            boxes(held(doctree, nodes.container)),
        )

    app.connect("doctree-resolved", look)
    app.build()
    walked, with_held = found["registers"]
    assert walked == 0 and with_held == 5


def test_survey_refuses_what_later_transforms_change() -> None:
    """A pure unit: the survey finishes standard nodes only; a folded schema's box
    (the folding transform, priority 290, changes it) and a node of another kind
    keep their collector in the tree."""
    from sphinxcontrib_plan.render.finished import _Survey

    def collector(*children: nodes.Node) -> nodes.container:
        box = nodes.container(classes=["plan-collector"])
        box.extend(children)
        return box

    plain = collector(nodes.paragraph("", "", nodes.inline("", "x")), nodes.bullet_list())
    assert _Survey(plain).safe
    fold = collector(nodes.container("", nodes.paragraph("", "y"), classes=["plan-schema-nested"]))
    assert not _Survey(fold).safe
    assert not _Survey(collector(nodes.image(uri="a.png"))).safe
    assert not _Survey(collector(nodes.rubric("", "t"))).safe


def test_written_collectors_are_taken_apart_and_write_again_the_same(make_app, tmp_path) -> None:
    """Once its page is written, a finished collector's nodes are taken apart (no
    node keeps another, so reference counting frees them); the HTML written
    for them is kept, and a second writer of the same tree writes it again."""
    app = make_app("html", srcdir=ROOTS / "test-interactive", builddir=tmp_path)
    seen: dict[str, list[str]] = {}

    def after(app, pagename, templatename, context, doctree) -> None:
        if doctree is None or pagename != "registers":
            return
        holders = list(doctree.findall(plan_finished))
        assert holders and all(h.held == [] and h.html for h in holders)
        writer = app.builder.create_translator(doctree, app.builder)
        again = []
        for holder in holders:
            start = len(writer.body)
            with pytest.raises(nodes.SkipNode):
                writer.dispatch_visit(holder)
            again.append("".join(writer.body[start:]))
        seen[pagename] = again

    app.connect("html-page-context", after, priority=1001)
    app.build()
    page = (Path(app.outdir) / "registers.html").read_text(encoding="utf-8")
    assert sum("plan-interactive" in html for html in seen["registers"]) == 5
    for html in seen["registers"]:
        assert html and html in page

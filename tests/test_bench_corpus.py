"""The benchmark corpus builds cleanly in every flavour (a correctness test, not a timing one)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# bench/ is a top-level package of the repository, not of the installed project
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.corpus import generate
from bench.flavours import REGISTERS, sources, write


@pytest.fixture(scope="module")
def corpus():
    """A small corpus: 4 documents × 6 objects."""
    return generate(4, 6)


def _build(make_app, corpus, flavour: str, tmp_path: Path):
    src = tmp_path / flavour
    write(sources(corpus, flavour), src, clean=True)
    app = make_app("html", srcdir=src, builddir=tmp_path / f"{flavour}-out")
    app.build()
    return app


def test_plan_flavour_zero_warnings_and_full_register(make_app, corpus, tmp_path):
    app = _build(make_app, corpus, "plan", tmp_path)
    assert app.warning.getvalue().strip() == ""
    html = (Path(app.outdir) / f"{REGISTERS}.html").read_text(encoding="utf-8")
    risks = corpus.of_type("risk")
    assert risks
    missing = [r.id for r in risks if f">{r.id}<" not in html]
    assert missing == []


def test_plain_flavour_zero_warnings(make_app, corpus, tmp_path):
    app = _build(make_app, corpus, "plain", tmp_path)
    assert app.warning.getvalue().strip() == ""
    html = (Path(app.outdir) / f"{REGISTERS}.html").read_text(encoding="utf-8")
    assert all(r.title in html for r in corpus.of_type("risk"))


def test_corpus_is_reproducible(corpus):
    again = generate(4, 6)
    assert sources(again, "plan") == sources(corpus, "plan")
    assert sources(again, "plain") == sources(corpus, "plain")


def test_lean_shape_is_the_field_list_floors_corpus():
    """Per 20 objects: 7 risks, 7 endpoints with a JSON request example and three
    responses, 6 phases with four deliverables; no cross-references; reproducible."""
    lean = generate(2, 20, shape="lean")
    for doc in lean.docs:
        kinds = [o.type for o in doc.objects if o.type != "plan"]
        assert (kinds.count("risk"), kinds.count("endpoint"), kinds.count("phase")) == (7, 7, 6)
        assert doc.xrefs == []
    for endpoint in lean.of_type("endpoint"):
        assert len(endpoint.responses) == 3
        assert [b[1] for b in endpoint.body if b[0] == "code"] == ["json"]
    for phase in lean.of_type("phase"):
        assert [len(b[1]) for b in phase.body if b[0] == "checks"] == [4]
    assert sources(generate(2, 20, shape="lean"), "fieldlist") == sources(lean, "fieldlist")
    with pytest.raises(ValueError, match="shape 'round'"):
        generate(1, 1, shape="round")


def test_fieldlist_flavour_zero_warnings_and_one_heading_per_object(make_app, tmp_path):
    lean = generate(4, 6, shape="lean")
    app = _build(make_app, lean, "fieldlist", tmp_path)
    assert app.warning.getvalue().strip() == ""
    page = (tmp_path / "fieldlist" / f"{lean.docs[0].name}.md").read_text(encoding="utf-8")
    objects = lean.docs[0].objects
    assert page.count("\n## ") == len(objects)
    html = (Path(app.outdir) / f"{REGISTERS}.html").read_text(encoding="utf-8")
    assert all(r.title in html for r in lean.of_type("risk"))


def test_page_weight_counts_resolved_nodes_and_html(tmp_path):
    """bench/weight.py counts the resolved trees of a real build: the plan flavour's
    pages carry more nodes than the field-list floor's, and both write HTML."""
    from bench.weight import count_nodes, html_bytes

    lean = generate(2, 6, shape="lean")
    counts = {}
    for flavour in ("plan", "fieldlist"):
        src = tmp_path / flavour
        write(sources(lean, flavour), src, clean=True)
        counts[flavour] = count_nodes(src, tmp_path / f"{flavour}-out")
        assert html_bytes(tmp_path / f"{flavour}-out") > 0
    assert counts["plan"] > counts["fieldlist"] > 10 * len(lean.all_objects())

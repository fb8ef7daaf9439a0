"""The benchmark corpus builds cleanly in both flavours (a correctness test, not a timing one)."""

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

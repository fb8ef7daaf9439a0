"""A stale sign-off says so on the plan's page, in every builder, with what changed.

Over the small git repository of ``diff_repo``: the Tech Lead approves, the plan
changes (in its own document, or in another document of the plan, which the
build does not read again), and the plan's page is written again with the
sign-off marked stale, a note naming the changed object and the revision to
diff with, and the plan's header naming the stale sign-off.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import plan_warnings
from diff_repo import git, make_repo
from test_stale import _edit

from sphinxcontrib_plan.cli import main

EXTRA = """\
# Extra

:::{plan-risk} Card data leak
:id: S1-leak
:plan: S1
:impact: high
:likelihood: low
:owner: Security
:::
"""


@pytest.fixture
def repo(tmp_path, monkeypatch) -> tuple[Path, str]:
    """The plan in two documents, the Tech Lead's approval committed; its approved-at."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1718000000")
    root = tmp_path / "repo"
    make_repo(root)
    docs = root / "docs"
    (docs / "extra.md").write_text(EXTRA, encoding="utf-8")
    (docs / "index.md").write_text(
        "# Shop docs\n\n```{toctree}\nplan\nextra\n```\n", encoding="utf-8"
    )
    git(root, "add", "-A")
    git(root, "commit", "-qm", "extra")
    approved_at = git(root, "rev-parse", "HEAD")
    assert (
        main(
            ["approve", "S1", "--role", "Tech Lead", "--name", "Priya Raman", "--source", str(docs)]
        )
        == 0
    )
    git(root, "commit", "-qam", "approved")
    return root, approved_at


def _build(make_app, docs: Path, out: Path, builder: str = "html"):
    app = make_app(builder, srcdir=docs, builddir=out)
    app.build()
    return app


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_plan_page_marks_a_stale_signoff_and_what_changed(repo, make_app, tmp_path):
    root, commit = repo
    docs = root / "docs"
    out = tmp_path / "out"
    app = _build(make_app, docs, out)
    page = (Path(app.outdir) / "plan.html").read_text(encoding="utf-8")
    assert "Stale" not in page and "plan-signoff-stale" not in page
    # an edit in another document of the plan: plan.md is not read again, but written again
    _edit(docs / "extra.md", ":owner: Security", ":owner: Platform")
    app = _build(make_app, docs, out)
    assert "1 changed" in app.status.getvalue() or "extra" in app.status.getvalue()
    assert len([w for w in plan_warnings(app) if "[plan.stale]" in w]) == 1
    page = (Path(app.outdir) / "plan.html").read_text(encoding="utf-8")
    text = _text(page)
    # the sign-off: its header, its status and a note with what changed and how to see it
    assert re.search(r"Sign-off\s+Tech Lead\s+S1-signoff-tech-lead\s+Stale\b", text), text
    assert "Status: Approved (stale)" in text.replace(" :", ":")
    assert (
        "Stale approval This approval was given to an earlier version of plan S1 (sha256:" in text
    )
    assert (
        f" at {commit[:12]}); the plan's changed since: changed S1-leak. See what changed "
        f"with sphinx-plan diff {commit[:12]} , then approve it again." in text
    )
    # the plan's header
    assert re.search(r"Plan\s+Shop\s+S1\s+Stale sign-off: Tech Lead\b", text), text
    # the other builders show the same
    text_app = _build(make_app, docs, out, "text")
    plain = " ".join((Path(text_app.outdir) / "plan.txt").read_text(encoding="utf-8").split())
    assert "Stale sign-off: Tech Lead" in plain and "Approved (stale)" in plain
    assert "the plan's changed since: changed S1-leak" in plain
    latex_app = _build(make_app, docs, out, "latex")
    tex = next(Path(latex_app.outdir).glob("*.tex")).read_text(encoding="utf-8")
    assert "Stale approval" in tex and "changed since: changed S1\\sphinxhyphen{}leak" in tex
    # back as approved: the page is written again without the marks
    _edit(docs / "extra.md", ":owner: Platform", ":owner: Security")
    app = _build(make_app, docs, out)
    page = (Path(app.outdir) / "plan.html").read_text(encoding="utf-8")
    assert "Stale" not in page and "plan-signoff-stale" not in page

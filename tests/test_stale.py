"""The build side of approvals: stale sign-offs and ``plan.stale``, the
``stale-signoff`` consistency rule, and the ``plan-changes`` collector, over a
small git repository of a plan (``diff_repo``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import load_plan_json, plan_warnings
from diff_repo import DESCRIPTION, REFLOWED, git, make_repo

from sphinxcontrib_plan.cli import main

EPOCH = "1718000000"  # 2024-06-10 UTC
COLLECTORS = """
# Registers

:::{plan-signoff-summary}
:::

:::{plan-overview}
:columns: id, signoff
:::

:::{plan-changes}
:::
"""


@pytest.fixture
def repo(tmp_path, monkeypatch) -> tuple[Path, list[str]]:
    """The diff repository with a registers page, Tech Lead approved at its last commit."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = tmp_path / "repo"
    commits = make_repo(root)
    docs = root / "docs"
    (docs / "registers.md").write_text(COLLECTORS, encoding="utf-8")
    (docs / "index.md").write_text(
        "# Shop docs\n\n```{toctree}\nplan\nregisters\n```\n", encoding="utf-8"
    )
    git(root, "add", "-A")
    git(root, "commit", "-qm", "registers")
    assert (
        main(
            ["approve", "S1", "--role", "Tech Lead", "--name", "Priya Raman", "--source", str(docs)]
        )
        == 0
    )
    git(root, "commit", "-qam", "approved")
    return root, [*commits, git(root, "rev-parse", "HEAD")]


def _build(
    make_app,
    docs: Path,
    builder: str = "html",
    out: Path | None = None,
    *,
    builds: bool = True,
    **kwargs,
):
    # the project opts in to building the revisions its plan-changes name
    kwargs["confoverrides"] = {"plan_baseline_builds": builds, **kwargs.get("confoverrides", {})}
    app = make_app(builder, srcdir=docs, builddir=out or docs / "_build", **kwargs)
    app.build()
    return app


def _signoff(app, oid: str = "S1-signoff-tech-lead") -> dict:
    return next(o for o in load_plan_json(app)["objects"] if o["id"] == oid)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_fresh_after_approve_stale_after_an_edit_naming_the_object(repo, make_app, capsys):
    root, _ = repo
    docs = root / "docs"
    capsys.readouterr()
    app = _build(make_app, docs)
    assert _signoff(app)["derived"]["stale"] is False
    assert load_plan_json(app)["plans"][0]["derived"]["signoff"] == "pending"  # PM is pending
    assert not [w for w in plan_warnings(app) if "plan.stale" in w]
    _edit(docs / "plan.md", ":owner: Ops", ":owner: Platform")
    app = _build(make_app, docs)
    assert _signoff(app)["derived"]["stale"] is True
    assert load_plan_json(app)["plans"][0]["derived"]["signoff"] == "stale"
    stale = [w for w in plan_warnings(app) if "[plan.stale]" in w]
    assert len(stale) == 1, plan_warnings(app)
    assert "plan.md:44: WARNING:" in stale[0]
    assert "and the plan's changed since: changed S1-outage; see sphinx-plan diff " in stale[0]
    # the summary and the overview mark it, apart from pending
    html = (Path(app.outdir) / "registers.html").read_text(encoding="utf-8")
    assert 'plan-badge plan-signoff plan-signoff-stale">Stale<' in html
    assert "plan-stale" in html


def test_reflow_and_option_order_keep_it_fresh(repo, make_app):
    root, _ = repo
    docs = root / "docs"
    _edit(docs / "plan.md", REFLOWED, DESCRIPTION)
    _edit(
        docs / "plan.md",
        ":owner: Ops\n:mitigation: Retry with backoff\n",
        ":mitigation: Retry with backoff\n:owner: Ops\n",
    )
    app = _build(make_app, docs)
    assert _signoff(app)["derived"]["stale"] is False
    assert not [w for w in plan_warnings(app) if "plan.stale" in w or "stale-signoff" in w]


def test_without_a_known_version_content_changed_and_consistency(repo, make_app, tmp_path):
    root, _ = repo
    docs = root / "docs"
    _edit(docs / "plan.md", ":status: draft", ":status: approved")
    _edit(docs / "plan.md", ":owner: Ops", ":owner: Platform")
    # a fresh build (no earlier build matched the approval) with the approved revision
    # out of reach: the plan content changed, which objects is unknown
    _edit(docs / "plan.md", ":approved-at: ", ":approved-at: 0000000")
    app = _build(make_app, docs, out=tmp_path / "fresh")
    warnings = plan_warnings(app)
    stale = [w for w in warnings if "[plan.stale]" in w]
    assert len(stale) == 1 and "the plan's content changed since approval (now sha256:" in stale[0]
    print("\n".join(warnings))
    consistency = [w for w in warnings if "[stale-signoff]" in w]
    assert len(consistency) == 1 and "[plan.consistency]" in consistency[0]
    assert "plan.md:44: WARNING" in consistency[0]
    app = _build(
        make_app,
        docs,
        out=tmp_path / "off",
        confoverrides={"plan_consistency_checks": {"stale-signoff": False}},
    )
    assert not [w for w in plan_warnings(app) if "[stale-signoff]" in w]


CHANGES = """
# Changes

:::{plan-changes}
:since: v1
:caption: Since the first version
:::

:::{plan-changes}
:since: baseline.json
:filter: change != changed
:columns: change, id, plan
:::

:::{plan-changes}
:since: no-such-tag
:::
"""


def test_plan_changes_since_a_tag_a_file_and_the_approval(repo, make_app, tmp_path):
    root, _ = repo
    docs = root / "docs"
    first = _build(make_app, docs, "dummy", out=tmp_path / "first")
    (docs / "baseline.json").write_text(
        json.dumps(load_plan_json(first)).replace("Fetch an order", "Get an order"),
        encoding="utf-8",
    )
    _edit(docs / "plan.md", ":owner: Ops", ":owner: Platform")
    _edit(
        docs / "plan.md",
        ":::{plan-signoff} Product Manager",
        ":::{plan-risk} Fraud\n:id: S1-fraud\n:::\n\n:::{plan-signoff} Product Manager",
    )
    (docs / "changes.md").write_text(CHANGES, encoding="utf-8")
    _edit(docs / "index.md", "registers\n", "registers\nchanges\n")
    for builder in ("html", "latex", "text"):
        # one environment: the revisions are built once, the other builders reuse them
        app = _build(make_app, docs, builder, out=tmp_path / "out")
        _check_changes(app, builder)


def test_without_the_opt_in_no_revision_is_built(repo, make_app, tmp_path, monkeypatch):
    root, _ = repo
    docs = root / "docs"
    first = _build(make_app, docs, "dummy", out=tmp_path / "first")
    (docs / "baseline.json").write_text(json.dumps(load_plan_json(first)), encoding="utf-8")
    (docs / "changes.md").write_text(CHANGES, encoding="utf-8")
    _edit(docs / "index.md", "registers\n", "registers\nchanges\n")
    started = []
    monkeypatch.setattr("subprocess.Popen", lambda *a, **k: started.append(a))
    app = _build(make_app, docs, "text", out=tmp_path / "out", builds=False)
    assert started == []  # neither git nor a build of a revision ran
    how = (
        "building another revision runs its conf.py: set plan_baseline_builds = True in "
        "conf.py to allow it, or point :since: at a plan.json file [plan.baseline]"
    )
    baseline = sorted(w.split("WARNING: ")[1] for w in plan_warnings(app) if "[plan.baseline]" in w)
    assert baseline == [
        f"plan-changes: cannot read the baseline 'no-such-tag': {how}",
        f"plan-changes: cannot read the baseline 'v1': {how}",
        f"plan-changes: cannot read the baseline of plan 'S1' (approved-at {_signoff(app)['fields']['approved-at'].strip()}): {how}",
    ], baseline
    # a plan.json baseline needs no build
    text = (Path(app.outdir) / "changes.txt").read_text(encoding="utf-8")
    assert "Changes since baseline.json." in text


def _check_changes(app, builder: str) -> None:
    baseline = [w for w in plan_warnings(app) if "[plan.baseline]" in w]
    assert (
        len(baseline) == 1
        and "changes.md:16: WARNING: plan-changes: cannot read the "
        "baseline 'no-such-tag': unknown revision 'no-such-tag'"
        in baseline[0]
    ), baseline
    out = Path(app.outdir)
    if builder == "text":
        text = (out / "changes.txt").read_text(encoding="utf-8")
        assert "Changes since v1 (" in text and "Changes since baseline.json." in text
        assert (
            "| S1   | Removed | response | 404 Not Found           | response 404 removed " in text
        )
        assert "| Added  | S1-fraud | S1   |" in text  # the filter keeps added and removed
        assert "slipped: start 2 weeks later" in text
        registers = (out / "registers.txt").read_text(encoding="utf-8")
        # since the approval: the owner edit and the new risk, not the approval itself
        assert (
            "| S1   | Changed | risk | Payment provider outage | owner: Ops → Platform |"
            in registers
        )
        assert "| signoff |" not in registers
        assert "Changes since each plan's last approved revision: S1 since " in " ".join(
            registers.split()
        )
        assert "| S1   | Tech Lead Stale | Priya Raman | Approved |" in registers
    elif builder == "latex":
        text = (out / "shop.tex").read_text(encoding="utf-8")
        assert r"response 404 removed from GET /api/orders/\{id\}" in text
        assert r"\sphinxAtStartPar" in text and "Changes since v1 (" in text
    else:
        text = (out / "changes.html").read_text(encoding="utf-8")
        # added and changed rows link to their object; the removed response is plain text
        assert (
            '<a class="reference internal" href="plan.html#risk-s1-fraud" title="Risk: Fraud">'
            in text
        )
        assert "<td>404 Not Found</td>" in text
        assert '<tr class="plan-change-removed plan-breaking row-even">' in text
    assert "No changes shown: cannot read the baseline" in text

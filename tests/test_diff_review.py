"""What a reviewer reads in ``sphinx-plan diff``: sign-offs made stale, ``--plan`` scoping,
each change once with human labels, long values cut where they differ.

Every case is a real edit of a project, built with ``sphinx-plan export`` (or
``approve``) and compared with the CLI.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from diff_repo import CONF, git, make_repo

from sphinxcontrib_plan.cli import main
from sphinxcontrib_plan.diff.formats import DIFF_SCHEMA_PATH

SCHEMA = json.loads(DIFF_SCHEMA_PATH.read_text(encoding="utf-8"))


def export(source: Path, target: Path) -> Path:
    assert main(["export", str(source), "--format", "json", "-o", str(target)]) == 0
    return target


def diff(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["diff", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# -- sign-offs made stale -----------------------------------------------------------------


@pytest.fixture(scope="module")
def approvals(tmp_path_factory) -> dict[str, Path]:
    """plan.json of: the plan approved by its Tech Lead; then edited; then approved again."""
    root = tmp_path_factory.mktemp("approvals") / "repo"
    make_repo(root)
    docs, out = root / "docs", root.parent
    assert (
        main(
            [
                "approve",
                "S1",
                "--role",
                "Tech Lead",
                "--name",
                "Priya Raman",
                "--date",
                "2024-02-01",
                "--source",
                str(docs),
            ]
        )
        == 0
    )
    git(root, "commit", "-qam", "approved")
    files = {"approved": export(docs, out / "approved.json")}
    edit(docs / "plan.md", ":mitigation: Retry with backoff", ":mitigation: Queue and replay")
    git(root, "commit", "-qam", "edited")
    files["edited"] = export(docs, out / "edited.json")
    assert (
        main(
            [
                "approve",
                "S1",
                "--role",
                "Tech Lead",
                "--name",
                "Priya Raman",
                "--date",
                "2024-03-01",
                "--source",
                str(docs),
            ]
        )
        == 0
    )
    git(root, "commit", "-qam", "approved again")
    files["reapproved"] = export(docs, out / "reapproved.json")
    return files


def test_an_edit_lists_the_signoffs_it_makes_stale(approvals, capsys):
    before, after = str(approvals["approved"]), str(approvals["edited"])
    code, out, _ = diff(capsys, before, after)
    assert code == 0
    assert "; 1 sign-off made stale" in out.splitlines()[1]
    assert out.endswith(
        "Sign-offs made stale (approved content changed):\n"
        "  S1-signoff-tech-lead (Tech Lead, approved by Priya Raman on "
        "2024-02-01), plan S1\n"
    )
    code, out, _ = diff(capsys, before, after, "--format", "markdown")
    assert "### Sign-offs made stale\n\n" in out
    assert (
        "- S1-signoff-tech-lead (Tech Lead, approved by Priya Raman on 2024-02-01), plan S1" in out
    )
    code, out, _ = diff(capsys, before, after, "--format", "json")
    data = json.loads(out)
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    assert data["summary"]["stale"] == 1
    assert data["stale"] == [
        {
            "id": "S1-signoff-tech-lead",
            "plan": "S1",
            "title": "Tech Lead",
            "name": "Priya Raman",
            "date": "2024-02-01",
        }
    ]


@pytest.mark.parametrize(
    ("sides", "expected"),
    [
        (("approved", "edited"), 1),  # the edit invalidates the approval
        (("edited", "reapproved"), 0),  # approving again makes nothing stale
        (("approved", "approved"), 0),
    ],
)
def test_fail_on_stale(approvals, capsys, sides, expected):
    code, _, _ = diff(capsys, *(str(approvals[s]) for s in sides), "--fail-on", "stale")
    assert code == expected
    # breaking is another question: a stale approval is no breaking API change
    assert diff(capsys, *(str(approvals[s]) for s in sides), "--fail-on", "breaking")[0] == 0


def test_a_reapproval_is_one_line_of_bookkeeping(approvals, capsys):
    code, out, _ = diff(capsys, str(approvals["edited"]), str(approvals["reapproved"]))
    lines = out.splitlines()
    start = lines.index("    ~ S1-signoff-tech-lead  Tech Lead")
    block = lines[start + 1 :]
    block = block[
        : next((i for i, ln in enumerate(block) if not ln.startswith("        ")), len(block))
    ]
    assert len(block) == 1, block
    assert block[0].startswith(
        "        approval record: date 2024-02-01 → 2024-03-01; fingerprint sha256:"
    )
    assert "approved-at" in block[0]


# -- --plan ----------------------------------------------------------------------------------

PLANS = """\
# Three plans

:::{plan} Orders
:id: A
:::

::::{plan-endpoint} GET /orders
:auth: bearer

:::{plan-response} 200 OK
:::
::::

:::{plan} Billing
:id: B
:::

::::{plan-endpoint} GET /invoices
:auth: bearer

:::{plan-response} 200 OK
:::
::::

:::{plan} Search
:id: C
:::

::::{plan-endpoint} GET /search
:auth: bearer

:::{plan-response} 200 OK
:::
::::
"""
#: the service of plan B, as built
IMPLEMENTED = {
    "openapi": "3.1.0",
    "info": {"title": "Billing", "version": "1"},
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    "security": [{"bearer": []}],
    "paths": {"/invoices": {"get": {"responses": {"200": {"description": "OK"}}}}},
}


@pytest.fixture(scope="module")
def three_plans(tmp_path_factory) -> tuple[Path, Path, Path]:
    tmp = tmp_path_factory.mktemp("plans")
    docs = tmp / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text(CONF, encoding="utf-8")
    (docs / "index.md").write_text("# Docs\n\n```{toctree}\nplans\n```\n", encoding="utf-8")
    (docs / "plans.md").write_text(PLANS, encoding="utf-8")
    base = export(docs, tmp / "base.json")
    edit(docs / "plans.md", "GET /orders\n:auth: bearer", "GET /orders\n:auth: mtls")
    edit(docs / "plans.md", "GET /search\n:auth: bearer", "GET /search\n:auth: bearer, admin")
    head = export(docs, tmp / "head.json")
    implemented = tmp / "openapi.json"
    implemented.write_text(json.dumps(IMPLEMENTED), encoding="utf-8")
    return base, head, implemented


def test_openapi_drift_of_one_plan_does_not_report_the_others(three_plans, capsys):
    base, _, implemented = three_plans
    code, out, _ = diff(capsys, "--openapi", str(implemented), str(base), "--fail-on", "breaking")
    assert code == 1 and "GET /orders" in out and "GET /search" in out  # unscoped: the others
    code, out, err = diff(
        capsys, "--openapi", str(implemented), str(base), "--plan", "B", "--fail-on", "breaking"
    )
    assert (code, err) == (0, "")
    assert "No drift: 1 endpoints match." in out
    assert "GET /orders" not in out and "GET /search" not in out


def test_plan_scopes_the_diff_and_repeats(three_plans, capsys):
    base, head, _ = three_plans
    _, out, _ = diff(capsys, str(base), str(head), "--format", "json")
    assert {c["plan"] for c in json.loads(out)["changes"]} == {"A", "C"}
    _, out, _ = diff(capsys, str(base), str(head), "--format", "json", "--plan", "A")
    assert {c["id"] for c in json.loads(out)["changes"]} == {"A-get-orders"}
    _, out, _ = diff(capsys, str(base), str(head), "--format", "json", "--plan", "A", "--plan", "B")
    assert {c["plan"] for c in json.loads(out)["changes"]} == {"A"}
    assert diff(capsys, str(base), str(head), "--plan", "B", "--fail-on", "any")[0] == 0


def test_unknown_plan_is_one_line(three_plans, capsys):
    base, head, implemented = three_plans
    for argv in ([str(base), str(head)], ["--openapi", str(implemented), str(base)]):
        code, out, err = diff(capsys, *argv, "--plan", "Z")
        assert (code, out) == (2, "")
        assert err == "sphinx-plan diff: error: --plan Z: no such plan; the plans are A, B, C\n"


# -- readable values ------------------------------------------------------------------------

LONG = (
    "Returns the invoices of the caller's organisation, newest first, with their lines, "
    "taxes and payment state as the provider last reported them, paged by"
)


def test_long_values_show_where_they_differ_and_labels_are_human(tmp_path, capsys):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text(CONF, encoding="utf-8")
    (docs / "index.md").write_text("# Docs\n\n```{toctree}\nplans\n```\n", encoding="utf-8")
    (docs / "body.json").write_text(
        json.dumps(
            {
                "type": "object",
                "description": "An invoice",
                "properties": {"id": {"type": "string"}},
            }
        ),
        encoding="utf-8",
    )
    (docs / "plans.md").write_text(
        f"# Billing\n\n:::{{plan}} Billing\n:id: B\n:::\n\n"
        f"::::{{plan-endpoint}} GET /invoices\n:summary: {LONG} cursor\n\n"
        ":::{plan-response} 200 OK\n:schema: body.json\n:::\n::::\n",
        encoding="utf-8",
    )
    base = export(docs, tmp_path / "base.json")
    edit(docs / "plans.md", f"{LONG} cursor", f"{LONG} page number")
    edit(docs / "body.json", "An invoice", "One invoice")
    head = export(docs, tmp_path / "head.json")
    code, out, _ = diff(capsys, str(base), str(head), "--plan", "B")
    summary = next(ln.strip() for ln in out.splitlines() if ln.strip().startswith("summary:"))
    old, new = summary.removeprefix("summary: ").split(" → ")
    assert old != new and old.endswith("by cursor") and new.endswith("by page number")
    assert old.startswith("…") and len(old) <= 80
    body = next(ln.strip() for ln in out.splitlines() if ln.strip().startswith("body:"))
    assert "An invoice" in body and "One invoice" in body
    assert "data.body" not in out

"""``sphinx-plan approve`` and the plan-content fingerprint."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from diff_repo import CONF, git, make_repo

from sphinxcontrib_plan.cli import main
from sphinxcontrib_plan.importers.source_edit import EditError, set_options
from sphinxcontrib_plan.model.fingerprint import object_digests, plan_fingerprint

EPOCH = "1718000000"  # 2024-06-10 UTC
SIGNOFF = ":::{plan-signoff} Tech Lead\n:id: S1-signoff-tech-lead\n:::\n"


def export(source: Path, tmp_path: Path) -> dict:
    target = tmp_path / "export.json"
    assert main(["export", str(source), "--format", "json", "-o", str(target)]) == 0
    return json.loads(target.read_text(encoding="utf-8"))


def fingerprint_of(data: dict, plan: str = "S1") -> str:
    return plan_fingerprint(plan, [*data["plans"], *data["objects"]])


@pytest.fixture
def repo(tmp_path, monkeypatch) -> tuple[Path, list[str]]:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = tmp_path / "repo"
    commits = make_repo(root)
    return root, commits


def approve(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["approve", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_approve_edits_only_the_signoff(repo, capsys, tmp_path):
    root, commits = repo
    plan = root / "docs" / "plan.md"
    before = plan.read_text(encoding="utf-8")
    code, out, err = approve(
        capsys,
        "S1",
        "--role",
        "tech lead",
        "--name",
        "Priya  Raman",
        "--source",
        str(root / "docs"),
    )
    assert (code, err) == (0, "")
    data = export(root / "docs", tmp_path)
    fingerprint = fingerprint_of(data)
    after = plan.read_text(encoding="utf-8")
    assert after == before.replace(
        SIGNOFF,
        (
            ":::{plan-signoff} Tech Lead\n:id: S1-signoff-tech-lead\n:status: approved\n"
            f":date: 2024-06-10\n:name: Priya Raman\n:fingerprint: {fingerprint}\n"
            f":approved-at: {commits[2]}\n:::\n"
        ),
    )
    assert out == (
        f"approved plan S1 for Tech Lead ({root / 'docs' / 'plan.md'}:44): "
        f"Priya Raman, 2024-06-10, {fingerprint}, approved-at {commits[2][:12]}\n"
    )
    signoff = next(o for o in data["objects"] if o["id"] == "S1-signoff-tech-lead")
    assert signoff["fields"]["fingerprint"] == fingerprint
    assert signoff["fields"]["approved-at"] == commits[2]
    # approving again replaces the values in place, the approval itself is not content
    assert (
        approve(
            capsys,
            "S1",
            "--role",
            "Tech Lead",
            "--name",
            "P. Raman",
            "--date",
            "2024-07-01",
            "--source",
            str(root / "docs"),
        )[0]
        == 0
    )
    again = plan.read_text(encoding="utf-8")
    assert again == after.replace("2024-06-10", "2024-07-01").replace("Priya Raman", "P. Raman")


def test_reflow_and_option_order_keep_the_fingerprint_an_edit_names_the_object(
    repo, capsys, tmp_path
):
    root, _ = repo
    docs = root / "docs"
    assert (
        approve(
            capsys, "S1", "--role", "Tech Lead", "--name", "Priya Raman", "--source", str(docs)
        )[0]
        == 0
    )
    git(root, "commit", "-qam", "approved")
    approved_at = git(root, "rev-parse", "HEAD")
    data = export(docs, tmp_path)
    plan = docs / "plan.md"
    text = plan.read_text(encoding="utf-8")
    reflowed = text.replace(
        "with its lines and the\npayment state", "with its lines\nand the payment state"
    ).replace(
        ":owner: Ops\n:mitigation: Retry with backoff\n",
        ":mitigation: Retry with backoff\n:owner: Ops\n",
    )
    assert reflowed != text
    plan.write_text(reflowed, encoding="utf-8")
    assert fingerprint_of(export(docs, tmp_path)) == fingerprint_of(data)
    plan.write_text(reflowed.replace(":owner: Ops", ":owner: Platform"), encoding="utf-8")
    edited = export(docs, tmp_path)
    assert fingerprint_of(edited) != fingerprint_of(data)
    old, new = (
        object_digests("S1", [*data["plans"], *data["objects"]]),
        object_digests("S1", [*edited["plans"], *edited["objects"]]),
    )
    assert [k for k in old if old[k] != new.get(k)] == ["S1-outage"]
    # the diff since the approved revision names the object and the field
    assert main(["diff", approved_at, "--source", str(docs)]) == 0
    out = capsys.readouterr().out
    assert "    ~ S1-outage  Payment provider outage\n        owner: Ops → Platform\n" in out


RST_PLAN = """\
Plan
====

.. plan:: Audit
   :id: A1

.. plan-signoff:: Security
   :id: A1-signoff-security
   :conditions: Pen test passed
      before launch

   Signed after the review.

.. plan-signoff:: Compliance Officer
"""


def test_rst_signoffs_with_and_without_options(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    (tmp_path / "conf.py").write_text(CONF, encoding="utf-8")
    (tmp_path / "index.rst").write_bytes(RST_PLAN.replace("\n", "\r\n").encode())
    for role in ("Security", "Compliance Officer"):
        assert (
            approve(capsys, "A1", "--role", role, "--name", "Grace", "--source", str(tmp_path))[0]
            == 0
        )
    text = (tmp_path / "index.rst").read_bytes().decode()
    (tmp_path / "out").mkdir()
    fingerprint = fingerprint_of(export(tmp_path, tmp_path / "out"), "A1")
    expected = RST_PLAN.replace(
        "      before launch\n",  # after the last option, its continuation line included
        "      before launch\n   :status: approved\n   :date: 2024-06-10\n"
        f"   :name: Grace\n   :fingerprint: {fingerprint}\n",
    ).replace(
        ".. plan-signoff:: Compliance Officer\n",
        ".. plan-signoff:: Compliance Officer\n   :status: approved\n   :date: 2024-06-10\n"
        f"   :name: Grace\n   :fingerprint: {fingerprint}\n",
    )
    assert text == expected.replace("\n", "\r\n")  # not in git: no approved-at; CRLF kept


def test_myst_yaml_option_block():
    text = (
        "Intro\n\n```{plan-signoff} DevOps\n---\nid: X-devops\nname: Old\n---\nBody\n```\n"
        "Tail without newline"
    )
    result = set_options(
        text,
        3,
        ("plan-signoff",),
        "DevOps",
        {"status": "approved", "name": "Lena: Ops", "date": "2024-06-10"},
    )
    assert result == (
        "Intro\n\n```{plan-signoff} DevOps\n---\nid: X-devops\n"
        'name: "Lena: Ops"\nstatus: approved\ndate: "2024-06-10"\n---\nBody\n```\n'
        "Tail without newline"
    )


def test_edit_refuses_a_moved_directive():
    with pytest.raises(
        EditError,
        match=r"line 10 no longer holds the plan-signoff directive "
        r"'Tech Lead' \(was the file changed meanwhile\?\)",
    ):
        set_options(
            "# Title\n\n" + SIGNOFF, 10, ("plan-signoff",), "Tech Lead", {"status": "approved"}
        )
    # within a few lines it is found: parsers count nested lines slightly differently
    assert ":status: approved" in set_options(
        "# Title\n\n" + SIGNOFF, 5, ("plan-signoff",), "Tech Lead", {"status": "approved"}
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["S2", "--role", "Tech Lead"], "no plan 'S2'; did you mean 'S1'?"),
        (
            ["S1", "--role", "Tech Led"],
            "plan S1 has no sign-off for the role 'Tech Led'; did you mean 'Tech Lead'?",
        ),
        (
            ["S1", "--role", "Legal"],
            "plan S1 has no sign-off for the role 'Legal'; its sign-offs: Tech Lead, Product Manager",
        ),
    ],
)
def test_errors_are_one_line(repo, capsys, argv, message):
    root, _ = repo
    before = (root / "docs" / "plan.md").read_bytes()
    code, out, err = approve(capsys, *argv, "--name", "X", "--source", str(root / "docs"))
    assert (code, out) == (2, "")
    assert err == f"sphinx-plan approve: error: {message}\n"
    assert (root / "docs" / "plan.md").read_bytes() == before


def test_ambiguous_role_and_failed_build(repo, capsys, tmp_path):
    root, _ = repo
    docs = root / "docs"
    plan = docs / "plan.md"
    plan.write_text(
        plan.read_text(encoding="utf-8") + "\n:::{plan-signoff} Tech Lead\n"
        ":id: S1-second-tech-lead\n:::\n",
        encoding="utf-8",
    )
    code, _, err = approve(
        capsys, "S1", "--role", "Tech Lead", "--name", "X", "--source", str(docs)
    )
    assert code == 2
    assert err == (
        "sphinx-plan approve: error: plan S1 has 2 sign-offs for the role 'Tech Lead' "
        "(plan.md:44, plan.md:52); give each role once\n"
    )
    broken = tmp_path / "broken"
    shutil.copytree(docs, broken)
    (broken / "conf.py").write_text("extensions = ['no_such_extension']\n", encoding="utf-8")
    code, _, err = approve(
        capsys, "S1", "--role", "Tech Lead", "--name", "X", "--source", str(broken)
    )
    assert code == 2 and err.count("\n") == 1
    assert err.startswith("sphinx-plan approve: error: cannot build working tree: ")
    assert "no_such_extension" in err


# -- the fingerprint as a pure function -------------------------------------------------


def _objects() -> list[dict]:
    return [
        {"type": "plan", "id": "P", "plan": "P", "title": "P", "fields": {"status": "draft"}},
        {
            "type": "risk",
            "id": "P-r",
            "plan": "P",
            "title": "R",
            "docname": "a",
            "line": 3,
            "fields": {"impact": "high", "owner": "Ops"},
            "body": "One two\nthree.",
        },
        {"type": "signoff", "id": "P-s", "plan": "P", "title": "Lead", "fields": {}},
        {"type": "risk", "id": "Q-r", "plan": "Q", "title": "Other plan", "fields": {}},
    ]


def test_fingerprint_ignores_form_and_approvals():
    base = plan_fingerprint("P", _objects())
    assert base.startswith("sha256:") and len(base) == len("sha256:") + 16
    moved = _objects()
    moved[1].update(
        docname="b",
        line=90,
        anchor="x",
        url="u",
        body="One\n  two three.",
        fields={"owner": "Ops", "impact": "high", "class": ["wide"]},
    )
    moved[0]["fields"]["status"] = "approved"  # the plan's workflow state
    moved[2]["fields"] = {"status": "approved", "fingerprint": base}
    moved[3]["fields"] = {"impact": "low"}  # another plan
    moved.append({"type": "risk", "id": "E", "plan": "P", "external": "other", "fields": {}})
    assert plan_fingerprint("P", reversed(moved)) == base


@pytest.mark.parametrize(
    "edit",
    [
        lambda o: o[1]["fields"].update(impact="low"),
        lambda o: o[1].update(body="One two four."),
        lambda o: o[1].update(title="R2"),
        lambda o: o.append({"type": "phase", "id": "P-p", "plan": "P", "title": "New"}),
        lambda o: o[0]["fields"].update(owner="Someone"),
    ],
)
def test_fingerprint_follows_content(edit):
    objects = _objects()
    edit(objects)
    assert plan_fingerprint("P", objects) != plan_fingerprint("P", _objects())


def test_file_edited_during_the_build_is_left_alone(repo, capsys, monkeypatch):
    from sphinxcontrib_plan.cli.sources import SideLoader

    root, _ = repo
    plan = root / "docs" / "plan.md"
    real_get = SideLoader.get

    def get_and_edit(self, ticket):
        data = real_get(self, ticket)
        plan.write_text(
            plan.read_text(encoding="utf-8") + "\nEdited meanwhile.\n", encoding="utf-8"
        )
        return data

    monkeypatch.setattr(SideLoader, "get", get_and_edit)
    code, _, err = approve(
        capsys, "S1", "--role", "Tech Lead", "--name", "X", "--source", str(root / "docs")
    )
    edited = plan.read_text(encoding="utf-8")
    assert code == 2
    assert err == (
        f"sphinx-plan approve: error: {root / 'docs' / 'plan.md'} changed while the "
        "project was built; run approve again\n"
    )
    assert edited.endswith("\nEdited meanwhile.\n") and ":status: approved" not in edited

"""``sphinx-plan diff``: a git repository with three versions of a plan, plan.json files, bad input."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jsonschema
import pytest
from diff_repo import git, make_repo

from sphinxcontrib_plan.cli import main
from sphinxcontrib_plan.diff.api_rules import auth_tightened
from sphinxcontrib_plan.diff.compare import Side, compare
from sphinxcontrib_plan.diff.formats import DIFF_SCHEMA_PATH, md_escape, to_markdown, to_text

SCHEMA = json.loads(DIFF_SCHEMA_PATH.read_text(encoding="utf-8"))
RESPONSE = "S1-get-api-orders-id-404"


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> tuple[Path, list[str]]:
    root = tmp_path_factory.mktemp("repo")
    return root, make_repo(root)


@pytest.fixture(scope="module")
def plan_files(repo) -> list[Path]:
    """plan.json of each commit, exported from a git archive of it."""
    root, commits = repo
    out = []
    for i, commit in enumerate(commits):
        checkout = root.parent / f"checkout{i}"
        checkout.mkdir(exist_ok=True)
        archive = subprocess.run(
            ["git", "archive", commit], cwd=root, capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x"], cwd=checkout, input=archive, check=True)
        target = root.parent / f"plan{i}.json"
        assert main(["export", str(checkout / "docs"), "--format", "json", "-o", str(target)]) == 0
        out.append(target)
    return out


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["diff", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# -- git revisions ---------------------------------------------------------------------


def test_revisions_text_names_every_change(repo, capsys, monkeypatch):
    root, commits = repo
    monkeypatch.chdir(root)  # run like git: the project's folder, docs/ found by itself
    code, out, err = run(capsys, "v1", commits[1])
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == f"Plan changes: v1 ({commits[0][:7]}) → {commits[1][:7]}"
    assert "3 changes: 0 added, 1 removed, 2 changed; 1 breaking" in out
    assert (
        f"    - {RESPONSE}  404 Not Found\n"
        "        BREAKING: response 404 removed from GET /api/orders/{id}\n" in out
    )
    # each change once: the slip tells of the weeks, which are not listed again
    assert (
        "    ~ S1-launch  Launch\n        slipped: start 2 weeks later, end 2 weeks later "
        "(weeks 3-4 → 5-6)\n" in out
    )
    assert "weeks: 3-4 → 5-6" not in out and out.count("severity rose") == 1
    assert "severity rose 2 → 6 (impact medium → high, likelihood low → medium)" in out
    # grouped by plan, then by type in registry order
    assert (
        out.index("Plan S1: Shop")
        < out.index("  Responses")
        < out.index("  Risks")
        < out.index("  Phases")
    )


def test_reflow_only_is_no_change(repo, capsys):
    root, commits = repo
    code, out, _ = run(
        capsys, commits[1], commits[2], "--source", str(root / "docs"), "--fail-on", "any"
    )
    assert code == 0
    assert "No plan changes." in out


def test_working_tree_is_head_and_never_touched(repo, capsys):
    root, commits = repo
    plan = root / "docs" / "plan.md"
    original = plan.read_text(encoding="utf-8")
    plan.write_text(original.replace(":status: draft", ":status: in-review"), encoding="utf-8")
    try:
        code, out, _ = run(capsys, "HEAD", "--source", str(root / "docs"), "--fail-on", "any")
        status = git(root, "status", "--porcelain", "--ignored")
        worktrees = git(root, "worktree", "list")
    finally:
        plan.write_text(original, encoding="utf-8")
    assert code == 1
    assert "Plan changes: HEAD" in out and "→ working tree" in out
    assert "status draft → in-review" in out
    assert status == "M docs/plan.md"  # no build output, no checkout left behind
    assert len(worktrees.splitlines()) == 1


@pytest.mark.parametrize(("fail_on", "expected"), [(None, 0), ("breaking", 1), ("any", 1)])
def test_exit_status(plan_files, capsys, fail_on, expected):
    args = [str(plan_files[0]), str(plan_files[2])] + (["--fail-on", fail_on] if fail_on else [])
    assert run(capsys, *args)[0] == expected


def test_fail_on_breaking_passes_non_breaking_changes(plan_files, tmp_path, capsys):
    data = json.loads(plan_files[2].read_text(encoding="utf-8"))
    for obj in data["objects"]:
        if obj["id"] == "S1-outage":
            obj["fields"]["owner"] = "Platform"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(data), encoding="utf-8")
    assert run(capsys, str(plan_files[2]), str(changed), "--fail-on", "breaking")[0] == 0
    code, out, _ = run(capsys, str(plan_files[2]), str(changed), "--fail-on", "any")
    assert code == 1 and "owner: Ops → Platform" in out


# -- formats ---------------------------------------------------------------------------


def test_markdown(plan_files, capsys):
    code, out, _ = run(capsys, str(plan_files[0]), str(plan_files[2]), "--format", "markdown")
    assert code == 0
    assert out.startswith(f"## Plan changes: {md_escape(str(plan_files[0]))} → ")
    assert (
        "### Breaking changes\n\n"
        f"- `{RESPONSE}` 404 Not Found: response 404 removed from GET /api/orders/{{id}}\n" in out
    )
    assert (
        "#### Phases\n\n- **changed** `S1-launch` Launch\n  - slipped: start 2 weeks later" in out
    )
    assert "- **changed** `S1-outage` Payment provider outage\n  - severity rose 2 → 6" in out
    assert "### Plan S1: Shop\n\n#### Responses\n\n- **removed** `S1-get-api-orders-id-404`" in out
    # each change once: the breaking one in the first section only
    assert out.count("response 404 removed") == 1 and out.count("severity rose") == 1


def test_json_validates_and_counts(plan_files, capsys):
    code, out, _ = run(capsys, str(plan_files[0]), str(plan_files[2]), "--format", "json")
    data = json.loads(out)
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    assert data["summary"] == {
        "added": 0,
        "removed": 1,
        "changed": 2,
        "breaking": 1,
        "slip": 1,
        "risk": 1,
        "status": 0,
        "coverage": 0,
        "gate": 0,
        "external": 0,
        "stale": 0,
    }
    by_id = {c["id"]: c for c in data["changes"]}
    assert by_id[RESPONSE]["breaking"] is True
    slip = by_id["S1-launch"]["findings"][0]
    assert (slip["kind"], slip["start_weeks"], slip["end_weeks"]) == ("slip", 2.0, 2.0)
    assert by_id["S1-launch"]["fields"] == [
        {"name": "weeks", "label": "weeks", "before": [3, 4], "after": [5, 6]}
    ]


def test_bodies_are_diffed_and_user_text_escaped(plan_files, tmp_path, capsys):
    data = json.loads(plan_files[0].read_text(encoding="utf-8"))
    for obj in data["objects"]:
        obj["body"] = "First line.\nSecond line."
    new = json.loads(json.dumps(data))
    for obj in new["objects"]:
        if obj["id"] == "S1-outage":
            obj["body"] = "First line.\nSecond line, ```changed``` | <b>x</b>."
            obj["title"] = "Outage | <script>"
    diff = compare(data, new, base_side=Side("a", "file"), head_side=Side("b", "file"))
    change = diff.changes[0]
    assert change.body_diff == [
        "@@ -1,2 +1,2 @@",
        " First line.",
        "-Second line.",
        "+Second line, ```changed``` | <b>x</b>.",
    ]
    markdown = to_markdown(diff)
    assert "Outage \\| \\<script\\>" in markdown and "<script>" not in markdown
    assert "  ````diff\n" in markdown  # a fence longer than the backticks inside
    assert "        body:\n          @@ -1,2 +1,2 @@\n" in to_text(diff)
    # a body only reflowed is no change
    new["objects"][0]["body"] = "First   line.\n\nSecond\nline."
    data["objects"][0]["body"] = "First line. Second line."
    again = compare(data, new, base_side=Side("a", "file"), head_side=Side("b", "file"))
    assert [c.id for c in again.changes] == ["S1-outage"]


def test_external_objects_are_not_local_changes(plan_files, tmp_path, capsys):
    data = json.loads(plan_files[2].read_text(encoding="utf-8"))
    ext = {
        "type": "endpoint",
        "id": "other-get-x",
        "title": "GET /x",
        "plan": "O1",
        "external": "billing",
        "fields": {},
        "data": {},
    }
    base = tmp_path / "base.json"
    base.write_text(json.dumps({**data, "objects": [*data["objects"], ext]}), encoding="utf-8")
    code, out, _ = run(capsys, str(base), str(plan_files[2]), "--fail-on", "any")
    assert code == 0
    assert "External project billing (not changes of this project):" in out
    assert "No plan changes." not in out and "0 breaking; 1 in external projects" in out


def test_external_sources_that_changed_are_listed_apart(plan_files, tmp_path, capsys):
    """plan.json keeps no external objects, only a summary of each source: the diff
    lists a source that came, went or changed, never as a change of this project."""
    data = json.loads(plan_files[2].read_text(encoding="utf-8"))
    source = {
        "name": "billing",
        "project": "Billing",
        "version": "1.0",
        "plans": ["B1"],
        "objects": 12,
        "sha256": "a" * 64,
    }
    base, head = tmp_path / "base.json", tmp_path / "head.json"
    base.write_text(json.dumps({**data, "external": [source]}), encoding="utf-8")
    head.write_text(
        json.dumps(
            {
                **data,
                "external": [
                    {**source, "version": "1.1", "objects": 14, "sha256": "b" * 64},
                    {
                        "name": "search",
                        "project": "Search",
                        "version": None,
                        "plans": ["S1"],
                        "objects": 3,
                        "sha256": "c" * 64,
                    },
                ],
            }
        ),
        encoding="utf-8",
    )
    code, out, _ = run(capsys, str(base), str(head), "--fail-on", "any")
    assert code == 0  # other projects' changes never fail this project's CI
    assert "External project billing (not changes of this project):" in out
    assert "External project search (not changes of this project):" in out
    assert "version: 1.0 → 1.1" in out and "objects: 12 → 14" in out
    code, out, _ = run(capsys, str(base), str(head), "--format", "json")
    changes = json.loads(out)["changes"]
    assert {(c["kind"], c["id"], c["external"]) for c in changes} == {
        ("changed", "billing", "billing"),
        ("added", "search", "search"),
    }


# -- classification units --------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "tightened"),
    [
        (None, "bearer", True),
        ("none", "bearer", True),
        ("bearer or api-key", "bearer", True),
        ("bearer", "bearer or api-key", False),
        ("bearer", None, False),
        ("bearer", "Bearer", False),
        ("custom scheme", "other scheme", True),
        ("petstore_auth", "petstore_auth or api_key", False),  # plan-security names
        ("petstore_auth or api_key", "petstore_auth", True),
    ],
)
def test_auth_tightened(before, after, tightened):
    assert auth_tightened(before, after) is tightened


# -- bad input -------------------------------------------------------------------------


def test_not_a_git_repository(tmp_path, capsys):
    (tmp_path / "conf.py").write_text("", encoding="utf-8")
    code, out, err = run(capsys, "main", "--source", str(tmp_path))
    assert (code, out) == (2, "")
    assert err == (
        f"sphinx-plan diff: error: {str(tmp_path)!r} is not in a git repository; "
        "compare plan.json files instead\n"
    )


def test_unknown_revision(repo, capsys):
    root, _ = repo
    code, _, err = run(capsys, "no-such-branch", "--source", str(root / "docs"))
    assert code == 2 and err.count("\n") == 1
    assert err.startswith("sphinx-plan diff: error: unknown revision 'no-such-branch'")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "{not json",
            "is not a plan.json: it is not valid JSON: Expecting property name enclosed in double quotes",
        ),
        ('{"plans": []}', "is not a plan.json: it has no 'objects' array"),
        (
            '{"objects": [{"type": "risk", "id": 3}]}',
            "is not a plan.json: objects[0].id is 3, not a string",
        ),
    ],
)
def test_invalid_plan_json(plan_files, tmp_path, capsys, text, problem):
    bad = tmp_path / "bad.json"
    bad.write_text(text, encoding="utf-8")
    code, _, err = run(capsys, str(bad), str(plan_files[0]))
    assert code == 2 and err.count("\n") == 1
    assert f"error: {str(bad)!r} {problem}" in err


def test_build_that_fails_and_missing_base(repo, tmp_path, capsys):
    root, _ = repo
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(root), str(clone))
    (clone / "docs" / "conf.py").write_text("raise RuntimeError('broken conf')\n", encoding="utf-8")
    git(clone, "commit", "-qam", "break conf")
    code, _, err = run(capsys, "HEAD", "HEAD~1", "--source", str(clone / "docs"))
    assert code == 2 and err.count("\n") == 1
    assert err.startswith("sphinx-plan diff: error: cannot build HEAD: ")
    assert "broken conf" in err
    assert (
        run(capsys, "--source", str(clone / "docs"))[2]
        == "sphinx-plan diff: error: give BASE: a git revision or a plan.json (or --openapi FILE)\n"
    )


# -- performance -----------------------------------------------------------------------


def test_ten_thousand_objects_under_two_seconds(tmp_path):
    from bench.diff import run_diff, write_pair

    base, head, expected = write_pair(tmp_path, 10_000)
    elapsed, status, output = run_diff(base, head)
    assert status == 0, output
    assert json.loads(output)["summary"] == expected
    assert elapsed < 2.0

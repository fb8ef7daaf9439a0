"""sphinx-plan diff names lost coverage ("GET /users lost its last test") and status
moves that skip a stage or miss its gate; --fail-on gate fails on the latter."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import ROOTS

from sphinxcontrib_plan.cli import main


def _export(src: Path, target: Path) -> Path:
    assert main(["export", str(src), "--format", "json", "-o", str(target)]) == 0
    return target


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_lost_coverage_is_a_finding_in_text_markdown_and_json(tmp_path, capsys):
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-coverage", src)
    base = _export(src, tmp_path / "base.json")
    # the API tests no longer cover GET /users: its last test is gone
    _replace(
        src / "tests.rst", ":covers: users-list, GET /users, users-delete", ":covers: users-delete"
    )
    head = _export(src, tmp_path / "head.json")
    capsys.readouterr()
    assert main(["diff", str(base), str(head)]) == 0
    text = capsys.readouterr().out
    assert "GET /users lost its last test (api-tests)" in text
    assert "1 lost coverage" in text
    assert main(["diff", str(base), str(head), "--format", "markdown"]) == 0
    assert "GET /users lost its last test (api-tests)" in capsys.readouterr().out
    assert main(["diff", str(base), str(head), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["coverage"] == 1 and data["summary"]["gate"] == 0
    change = next(c for c in data["changes"] if c["id"] == "users-list")
    assert {
        "kind": "coverage",
        "message": "GET /users lost its last test (api-tests)",
    }.items() <= change["findings"][0].items()
    # the published schema of the JSON report takes the new counts
    jsonschema = __import__("jsonschema")
    schema = json.loads(
        (
            Path(__file__).parent.parent
            / "sphinxcontrib_plan"
            / "export"
            / "schema"
            / "plan-diff.schema.json"
        ).read_text(encoding="utf-8")
    )
    jsonschema.validate(data, schema)


def test_a_status_move_that_skips_a_stage_or_misses_its_gate(tmp_path, capsys):
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-stages", src)
    base = _export(src, tmp_path / "base.json")
    _replace(src / "index.md", ":status: draft", ":status: approved")
    head = _export(src, tmp_path / "head.json")
    capsys.readouterr()
    assert main(["diff", str(base), str(head), "--fail-on", "breaking"]) == 0
    text = capsys.readouterr().out
    assert "status draft → approved skips in-review" in text
    assert (
        "status draft → approved, but the plan does not meet the approved gate "
        "(sphinx-plan gate W)" in text
    )
    assert main(["diff", str(base), str(head), "--fail-on", "gate"]) == 1
    capsys.readouterr()
    # a move one stage on whose gate is met is no finding
    _replace(src / "index.md", ":status: approved", ":status: in-review")
    _replace(src / "index.md", ":owner: [Name]", ":owner: Wallet Team")
    head = _export(src, tmp_path / "head2.json")
    capsys.readouterr()
    assert main(["diff", str(base), str(head), "--fail-on", "gate"]) == 0
    assert "skips in-review" not in capsys.readouterr().out

"""``export`` and ``import`` write again only the documents they read: a document
with only plan warnings (which the extension repeats for every document) is
not written for them, and the next check writes it, so that its report is
still the one ``check --no-cache`` gives."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOTS
from test_check_cache import without_errors

from sphinxcontrib_plan.cli import main


def progress(err: str, command: str) -> str:
    """What the kept build read and resolved (the -v line)."""
    return next(ln for ln in err.splitlines() if ln.startswith(f"sphinx-plan {command}: cache"))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


def plan_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if "[plan." in line]


@pytest.fixture
def src(tmp_path: Path) -> Path:
    target = tmp_path / "src"
    shutil.copytree(ROOTS / "test-check-cache", target)
    # no document gives a warning but risks.md, and it only a plan warning
    without_errors(target)
    edit(target / "api.rst", "See :ref:`missing-label` and :doc:`nowhere`.", "")
    edit(target / "index.md", "See {plan:risk}`300-nowhere` and [the API](#no-such-anchor).", "")
    edit(target / "orphan.md", "# Not", "---\norphan: true\n---\n\n# Not")
    return target


def test_export_writes_nothing_it_did_not_read_and_check_still_reports_all(
    src: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache, out = tmp_path / "cache", tmp_path / "plan.json"
    export = ["export", str(src), "--format", "json", "-o", str(out), "--cache-dir", str(cache)]
    assert main(["check", str(src), "--no-cache"]) == 1
    expected = capsys.readouterr().out
    assert "plan.field" in expected
    fresh = main(["export", str(src), "--format", "json", "-o", str(out), "--no-cache"])
    assert fresh == 0
    fresh_warnings = plan_lines(capsys.readouterr().err)
    assert len(fresh_warnings) == 1
    for _ in range(2):  # the second reads nothing: the documents edited are settled
        assert main([*export, "-v"]) == 0
        err = capsys.readouterr().err
    # risks.md, with only a plan warning, is not written again (a check writes it)
    assert progress(err, "export").endswith(": 0 documents read, 0 resolved")
    assert plan_lines(err) == fresh_warnings
    # the check after it: the same report as without the cache
    assert main(["check", str(src), "--cache-dir", str(cache), "-v"]) == 1
    captured = capsys.readouterr()
    assert captured.out == expected
    assert ": 0 documents read, " in progress(captured.err, "check")
    assert not progress(captured.err, "check").endswith(" 0 resolved")
    # an edit seen first by an export, which writes only what it read: the next
    # check writes every document again, as after an edit it reads itself
    edit(src / "api.rst", "API\n===\n", "API\n===\n\nMore text.\n")
    assert main([*export, "-v"]) == 0
    assert ": 1 document read, " in progress(capsys.readouterr().err, "export")
    assert main(["check", str(src), "--cache-dir", str(cache), "-v"]) == 1
    captured = capsys.readouterr()
    assert captured.out == expected
    # what the export did not write (it wrote api.rst and a page showing its data)
    assert progress(captured.err, "check").endswith(": 0 documents read, 3 resolved")

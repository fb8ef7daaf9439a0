"""``sphinx-plan check`` with its kept environment: the report is always the one
``check --no-cache`` gives on the same tree, whatever was edited in between."""

from __future__ import annotations

import fcntl
import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOTS

from sphinxcontrib_plan.cli import main


@pytest.fixture
def root(tmp_path: Path) -> Path:
    target = tmp_path / "src"
    shutil.copytree(ROOTS / "test-check-cache", target)
    return target


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def run(capsys, *args: str) -> tuple[int, list[str], str]:
    status = main(["check", *args])
    captured = capsys.readouterr()
    return status, captured.out.splitlines(), captured.err


def same(capsys, root: Path, cache: Path, *extra: str) -> tuple[list[str], str]:
    """Check with the cache, then without: status and report must be equal.

    :return: the cached report and the cached run's stderr (-v)
    """
    status, lines, err = run(capsys, str(root), "--cache-dir", str(cache), "-v", *extra)
    expected = run(capsys, str(root), "--no-cache", *extra)
    assert (status, lines) == expected[:2]
    assert "Traceback" not in err
    return lines, err


def progress(err: str) -> str:
    """What the cached check read, resolved and replayed (its -v line)."""
    return next(line for line in err.splitlines() if line.startswith("sphinx-plan check: cache"))


def kinds(lines: list[str]) -> str:
    return lines[-1]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.stat().st_mtime_ns, p.stat().st_size)
            for p in sorted(root.rglob("*"))}


def test_every_edit_gives_the_report_of_a_fresh_check(root, cache, capsys):
    before = snapshot(root)
    lines, err = same(capsys, root, cache)
    assert "4 documents read, 4 resolved" in progress(err)
    # the root has read-time warnings (plan, docutils, MyST, an included file),
    # write-time ones (Sphinx's and MyST's references), env-updated ones and
    # Sphinx's consistency check: every phase a warning is kept for
    assert kinds(lines).startswith(
        "2 plan problems in 2 documents (1 plan.field, 1 plan.ref); 8 other warnings "
        "(2 docutils, 1 myst.role_unknown, 1 myst.xref_missing, 1 ref.doc, 1 ref.ref, ")
    # Sphinx's consistency check (typed toc.not_included from Sphinx 8 on)
    assert any(line.endswith("orphan.md: document isn't included in any toctree")
               or line.endswith("[toc.not_included]") for line in lines)
    assert any(line.endswith("shared.txt:1: ERROR: Unknown interpreted text role "
                             '"unknown-role". [docutils]') for line in lines)

    # unchanged: Sphinx reads index.md again on every update (its toctree names
    # a missing document), which changes nothing else; the others' warnings are replayed
    again, err = same(capsys, root, cache)
    assert again == lines
    assert progress(err).endswith("1 document read, 1 resolved, 5 warnings replayed")

    # one document edited: a warning fixed, another added
    edit(root / "risks.md", ":impact: huge", ":impact: high\n:colour: red")
    lines, err = same(capsys, root, cache)
    assert "'huge'" not in "\n".join(lines) and any("'colour'" in line for line in lines)
    assert "3 documents read, 4 resolved" in progress(err)  # risks, and those with read warnings

    # the document the toctree named is added: index is read again, its warning gone
    (root / "added.md").write_text("# Added\n\nSee {ref}`risks-label` and {ref}`gone`.\n",
                                   encoding="utf-8")
    lines, _ = same(capsys, root, cache)
    assert not any("nonexisting document 'added'" in line for line in lines)
    assert any("undefined label: 'gone'" in line for line in lines)

    # the included file edited: its including document is read again
    edit(root / "shared.txt", ":unknown-role:`role`", "plain text")
    lines, _ = same(capsys, root, cache)
    assert not any("shared.txt" in line for line in lines)

    # a label removed: the other document's reference to it now fails, unread
    edit(root / "risks.md", "(risks-label)=\n", "")
    lines, err = same(capsys, root, cache)
    assert any("undefined label: 'risks-label'" in line for line in lines)

    # a document removed: its warnings go, its toctree entry is missing again
    (root / "api.rst").unlink()
    lines, _ = same(capsys, root, cache)
    assert not any("api.rst" in line for line in lines)
    assert any("nonexisting document 'api'" in line for line in lines)

    # -D changes a value Sphinx does not read the documents again for
    lines, _ = same(capsys, root, cache, "-D", "suppress_warnings=myst.xref_missing,toc")
    assert not any("[toc." in line or "[myst.xref_missing]" in line for line in lines)
    lines, _ = same(capsys, root, cache)
    assert any("[toc.not_readable]" in line for line in lines)

    # read in parallel, after an edit and unchanged
    edit(root / "index.md", "[the API](#no-such-anchor)", "{plan:risk}`300-also-nowhere`")
    same(capsys, root, cache, "-j", "2")
    lines, err = same(capsys, root, cache, "-j", "2")
    # index.md only, which Sphinx reads on every update
    assert progress(err).endswith("1 document read, 1 resolved, 3 warnings replayed")

    # --fresh throws the environment away
    _, err = same(capsys, root, cache, "--fresh")
    assert "4 documents read, 4 resolved" in progress(err)
    # and SOURCEDIR was never written to
    after = snapshot(root)
    assert set(after) == set(before) - {"api.rst"} | {"added.md"}


def without_errors(root: Path) -> None:
    """Sphinx reads a document with an error, or whose toctree names a missing
    document, again on every update: remove those."""
    edit(root / "index.md", "added\n", "")
    edit(root / "api.rst", "   :class: b\n", "")
    edit(root / "shared.txt", ":unknown-role:`role`", "role")
    edit(root / "risks.md", "{unknownrole}`unknown role`", "known text")


def test_an_unchanged_check_reads_and_resolves_nothing(root, cache, capsys):
    without_errors(root)
    lines, _ = same(capsys, root, cache)
    assert len(lines) == 6 + 3 + 2  # six warnings in four files, blank lines, the summary
    doctrees = {p: p.stat().st_mtime_ns for p in (cache / "doctrees").rglob("*.doctree")}
    assert len(doctrees) == 4
    pickle = (cache / "doctrees" / "environment.pickle").stat().st_mtime_ns
    _, err = same(capsys, root, cache)
    assert "updating environment: 0 added, 0 changed, 0 removed" in err
    assert "no targets are out of date." in err
    # three of resolving (api.rst, index.md), one of Sphinx's consistency check;
    # not the extension's read warning (it repeats those itself) nor its findings
    assert progress(err).endswith("0 documents read, 0 resolved, 4 warnings replayed")
    assert {p: p.stat().st_mtime_ns for p in doctrees} == doctrees
    assert (cache / "doctrees" / "environment.pickle").stat().st_mtime_ns == pickle


def test_the_default_cache_is_per_project_under_the_user_cache_dir(root, tmp_path, monkeypatch,
                                                                  capsys):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    other = tmp_path / "other"
    shutil.copytree(root, other)
    assert run(capsys, str(root))[0] == run(capsys, str(other))[0] == 1
    kept = sorted((tmp_path / "xdg" / "sphinx-plan" / "check").iterdir())
    assert len(kept) == 2 and all((k / "warnings.json").is_file() for k in kept)
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert run(capsys, str(root))[0] == 1
    assert len(list((tmp_path / "home" / ".cache" / "sphinx-plan" / "check").iterdir())) == 1


def test_a_locked_cache_is_left_alone(root, cache, capsys):
    first, _ = same(capsys, root, cache)
    state = (cache / "warnings.json").read_bytes()
    edit(root / "risks.md", ":impact: huge", ":impact: high")
    with open(cache / "lock", "a+b") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        lines, err = same(capsys, root, cache)
    assert f"sphinx-plan check: {str(cache.resolve())!r} is in use by another check: " \
           "building in a temporary directory" in err
    assert lines != first
    # the run did not touch the cache: the next one sees the edit itself
    assert (cache / "warnings.json").read_bytes() == state
    assert same(capsys, root, cache)[0] == lines


@pytest.mark.parametrize("damage", ["garbage", "other-version", "no-state", "doctree", "pickle"])
def test_a_damaged_cache_is_rebuilt(root, cache, capsys, damage):
    without_errors(root)
    same(capsys, root, cache)
    edit(root / "risks.md", ":impact: huge", ":impact: medium\n:colour: red")
    state = cache / "warnings.json"
    if damage == "garbage":
        state.write_text("{not json", encoding="utf-8")
    elif damage == "other-version":
        data = json.loads(state.read_text(encoding="utf-8"))
        data["versions"]["sphinxcontrib-plan"] = "0.0.1"
        state.write_text(json.dumps(data), encoding="utf-8")
    elif damage == "no-state":  # a check that did not finish
        state.unlink()
    elif damage == "doctree":
        (cache / "doctrees" / "index.doctree").write_bytes(b"not a pickle")
    else:
        (cache / "doctrees" / "environment.pickle").write_bytes(b"not a pickle")
    lines, err = same(capsys, root, cache)
    assert any("'colour'" in line for line in lines)
    assert "4 documents read, 4 resolved" in progress(err)
    assert "0 documents read" in progress(same(capsys, root, cache)[1])


def test_a_cache_inside_the_source_dir_is_refused(root, capsys):
    status, lines, err = run(capsys, str(root), "--cache-dir", str(root / ".cache"))
    assert status == 2 and lines == []
    assert err.startswith("sphinx-plan check: error: the cache directory ")
    assert "is inside SOURCEDIR" in err and "--cache-dir DIR" in err
    assert not (root / ".cache").exists()
    status, _, err = run(capsys, str(root), "--no-cache", "--cache-dir", "x")
    assert status == 2 and "not allowed with argument" in err


def test_an_unwritable_cache_builds_in_a_temporary_directory(root, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    status, lines, err = run(capsys, str(root), "--cache-dir", str(blocker / "cache"), "-v")
    assert (status, lines) == run(capsys, str(root), "--no-cache")[:2]
    assert "cannot write in" in err and "building in a temporary directory" in err

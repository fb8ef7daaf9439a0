"""``sphinx-plan check`` with its kept environment: the report is always the one
``check --no-cache`` gives on the same tree, whatever was edited in between."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
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
    return {
        str(p.relative_to(root)): (p.stat().st_mtime_ns, p.stat().st_size)
        for p in sorted(root.rglob("*"))
    }


def test_every_edit_gives_the_report_of_a_fresh_check(root, cache, capsys):
    before = snapshot(root)
    lines, err = same(capsys, root, cache)
    assert "4 documents read, 4 resolved" in progress(err)
    # the root has read-time warnings (plan, docutils, MyST, an included file),
    # write-time ones (Sphinx's and MyST's references), env-updated ones and
    # Sphinx's consistency check: every phase a warning is kept for
    assert kinds(lines).startswith(
        "2 plan problems in 2 documents (1 plan.field, 1 plan.ref); 8 other warnings "
        "(2 docutils, 1 myst.role_unknown, 1 myst.xref_missing, 1 ref.doc, 1 ref.ref, "
    )
    # Sphinx's consistency check (typed toc.not_included from Sphinx 8 on)
    assert any(
        line.endswith("orphan.md: document isn't included in any toctree")
        or line.endswith("[toc.not_included]")
        for line in lines
    )
    assert any(
        line.endswith(
            'shared.txt:1: ERROR: Unknown interpreted text role "unknown-role". [docutils]'
        )
        for line in lines
    )

    # unchanged: every document gave a warning Sphinx gives only when it reads or
    # writes it, so each is read again
    again, err = same(capsys, root, cache)
    assert again == lines
    assert progress(err).endswith("4 documents read, 4 resolved")

    # one document edited: a warning fixed, another added
    edit(root / "risks.md", ":impact: huge", ":impact: high\n:colour: red")
    lines, err = same(capsys, root, cache)
    assert "'huge'" not in "\n".join(lines) and any("'colour'" in line for line in lines)
    assert progress(err).endswith("4 documents read, 4 resolved")

    # the document the toctree named is added: index is read again, its warning gone
    (root / "added.md").write_text(
        "# Added\n\nSee {ref}`risks-label` and {ref}`gone`.\n", encoding="utf-8"
    )
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


def test_an_unchanged_check_reads_only_the_documents_that_warned(root, cache, capsys):
    without_errors(root)
    lines, _ = same(capsys, root, cache)
    assert len(lines) == 6 + 3 + 2  # six warnings in four files, blank lines, the summary
    _, err = same(capsys, root, cache)
    # read again: api.rst and index.md (references Sphinx and MyST resolve) and
    # orphan.md (Sphinx's consistency check); risks.md, with only a plan warning
    # (which the extension repeats itself), is written again, not read
    assert "updating environment: 0 added, 3 changed, 0 removed" in err
    assert progress(err).endswith("3 documents read, 4 resolved")
    # no warning left: nothing is read or written, not even the environment
    edit(root / "api.rst", "See :ref:`missing-label` and :doc:`nowhere`.", "")
    edit(root / "index.md", "See {plan:risk}`300-nowhere` and [the API](#no-such-anchor).", "")
    edit(root / "orphan.md", "# Not", "---\norphan: true\n---\n\n# Not")
    edit(root / "risks.md", ":impact: huge", ":impact: high")
    lines, _ = same(capsys, root, cache)
    assert lines == ["No plan problems in 4 documents."]
    doctrees = {p: p.stat().st_mtime_ns for p in (cache / "doctrees").rglob("*.doctree")}
    assert len(doctrees) == 4
    pickle = (cache / "doctrees" / "environment.pickle").stat().st_mtime_ns
    _, err = same(capsys, root, cache)
    assert "no targets are out of date." in err
    assert progress(err).endswith("0 documents read, 0 resolved")
    assert {p: p.stat().st_mtime_ns for p in doctrees} == doctrees
    assert (cache / "doctrees" / "environment.pickle").stat().st_mtime_ns == pickle


def test_the_default_cache_is_per_project_under_the_user_cache_dir(
    root, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    other = tmp_path / "other"
    shutil.copytree(root, other)
    assert run(capsys, str(root))[0] == run(capsys, str(other))[0] == 1
    kept = sorted((tmp_path / "xdg" / "sphinx-plan" / "check").iterdir())
    assert len(kept) == 2 and all((k / "check.json").is_file() for k in kept)
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert run(capsys, str(root))[0] == 1
    assert len(list((tmp_path / "home" / ".cache" / "sphinx-plan" / "check").iterdir())) == 1


def test_a_locked_cache_is_left_alone(root, cache, capsys):
    first, _ = same(capsys, root, cache)
    state = (cache / "check.json").read_bytes()
    edit(root / "risks.md", ":impact: huge", ":impact: high")
    with open(cache / "lock", "a+b") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        lines, err = same(capsys, root, cache)
    assert (
        f"sphinx-plan check: {str(cache.resolve())!r} is in use by another check: "
        "building in a temporary directory" in err
    )
    assert lines != first
    # the run did not touch the cache: the next one sees the edit itself
    assert (cache / "check.json").read_bytes() == state
    assert same(capsys, root, cache)[0] == lines


@pytest.mark.parametrize("damage", ["garbage", "other-version", "no-state", "doctree", "pickle"])
def test_a_damaged_cache_is_rebuilt(root, cache, capsys, damage):
    without_errors(root)
    same(capsys, root, cache)
    edit(root / "risks.md", ":impact: huge", ":impact: medium\n:colour: red")
    state = cache / "check.json"
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
    assert progress(same(capsys, root, cache)[1]).endswith("3 documents read, 4 resolved")


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


def test_a_directory_the_check_did_not_make_is_refused(root, tmp_path, capsys):
    given = tmp_path / "d"
    (given / "out").mkdir(parents=True)
    (given / "out" / "f").write_text("precious\n", encoding="utf-8")
    status, lines, err = run(capsys, str(root), "--cache-dir", str(given))
    assert (status, lines) == (2, [])
    assert err == (
        f"sphinx-plan check: error: the cache directory {str(given.resolve())!r} "
        "holds files the check did not write (it has no CACHEDIR.TAG of sphinx-plan "
        "check): give a new or empty directory with --cache-dir DIR\n"
    )
    assert (given / "out" / "f").read_text(encoding="utf-8") == "precious\n"
    assert sorted(p.name for p in given.rglob("*")) == ["f", "out"]  # nothing written either
    # a new or empty directory is marked as the check's, and used from then on
    empty = tmp_path / "e"
    empty.mkdir()
    for _ in range(2):
        status, _, err = run(capsys, str(root), "--cache-dir", str(empty), "--fresh")
        assert status == 1 and "error" not in err
    assert (
        (empty / "CACHEDIR.TAG")
        .read_text(encoding="utf-8")
        .startswith("Signature: 8a477f597d28d172789f06886806bc55\n")
    )
    assert (empty / "check.json").is_file()


REVERT = """

def _revert(app, docname, source):
    # the author reverts the file while the check reads it
    if docname == "risks" and os.environ.get("REVERT_WHILE_READING"):
        time.sleep(0.05)  # clearly after reading started, whatever the clock's grain
        path = app.env.doc2path(docname)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace(":impact: huge", ":impact: high"))


def setup(app):
    app.connect("source-read", _revert)
"""


def test_a_file_reverted_while_the_check_reads_it_is_read_again(root, cache, capsys, monkeypatch):
    without_errors(root)
    (root / "conf.py").write_text(
        "import os\nimport time\n" + (root / "conf.py").read_text("utf-8") + REVERT,
        encoding="utf-8",
    )
    edit(root / "risks.md", ":impact: huge", ":impact: high")
    same(capsys, root, cache)
    edit(root / "risks.md", ":impact: high", ":impact: huge")
    monkeypatch.setenv("REVERT_WHILE_READING", "1")
    status, lines, _ = run(capsys, str(root), "--cache-dir", str(cache))
    assert any("'huge'" in line for line in lines)  # what the check read
    assert ":impact: high" in (root / "risks.md").read_text(encoding="utf-8")
    monkeypatch.delenv("REVERT_WHILE_READING")
    # Sphinx notes the time after reading, later than the revert: the next check
    # reads the file again all the same, and reports what it holds
    lines, _ = same(capsys, root, cache)
    assert not any("'huge'" in line for line in lines)


def test_strict_fails_exactly_when_sphinx_build_w_does(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinxcontrib_plan"]\n', encoding="utf-8"
    )
    (src / "index.md").write_text(
        "# Diagram\n\n```mermaid\ngraph TD; A-->B\n```\n\n"
        "```python\nprint(1)\n```\n\n```{only} html\nSee {ref}`nowhere`.\n"
        "```\n\n```{only} latex\nSee {ref}`elsewhere`.\n```\n",
        encoding="utf-8",
    )

    def command(*args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")}
        return subprocess.run(
            [sys.executable, "-m", *args], capture_output=True, text=True, env=env, check=False
        )

    html = command("sphinx", "-b", "html", "-W", "-q", str(src), str(tmp_path / "html"))
    assert html.returncode == 1 and "Pygments lexer name 'mermaid' is not known" in html.stderr
    # Sphinx resolves the references of every only block, whatever the builder
    assert "'nowhere'" in html.stderr and "'elsewhere'" in html.stderr
    expected = [
        f"{src / 'index.md'}:3: Pygments lexer name 'mermaid' is not known "
        "[misc.highlighting_failure]",
        f"{src / 'index.md'}:12: undefined label: 'nowhere' [ref.ref]",
        f"{src / 'index.md'}:16: undefined label: 'elsewhere' [ref.ref]",
        "",
        "No plan problems in 1 document; 3 other warnings (1 misc.highlighting_failure, "
        "2 ref.ref).",
    ]
    for args in (["--no-cache"], [], []):  # fresh, cold and warm: every run reports it
        check = command("sphinxcontrib_plan", "check", str(src), "--strict", *args)
        assert (check.returncode, check.stdout.splitlines()) == (1, expected), check.stderr
    check = command("sphinxcontrib_plan", "check", str(src))  # not --strict: no plan problem
    assert (check.returncode, check.stdout.splitlines()) == (0, expected)
    # fixed: both pass
    edit(src / "index.md", "```mermaid", "```text")
    edit(src / "index.md", "{ref}`nowhere`", "nowhere")
    edit(src / "index.md", "{ref}`elsewhere`", "elsewhere")
    assert (
        command("sphinx", "-b", "html", "-W", "-q", str(src), str(tmp_path / "html")).returncode
        == 0
    )
    check = command("sphinxcontrib_plan", "check", str(src), "--strict")
    assert (check.returncode, check.stdout) == (0, "No plan problems in 1 document.\n")

"""``sphinx-plan approve`` edits the sign-off's file in place, at the line the parser counted.

Through the real CLI on small projects: lines are counted as MyST-Parser and
docutils count them (form feeds and Unicode line separators do not move the
edit to another plan's sign-off), the file stays the same file (inode,
permissions, hard links, a symlink's target), a read-only file is refused,
several roles are approved in one edit, and the name defaults to git's.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from diff_repo import CONF, git, make_repo

from sphinxcontrib_plan.cli import main

EPOCH = "1718000000"  # 2024-06-10 UTC

#: two plans whose Tech Lead sign-offs are five parser lines apart; FILLER is a paragraph
MYST = """\
# Two plans

:::{plan} Alpha
:id: A
:::

FILLER

:::{plan-signoff} Tech Lead
:id: A-lead
:::

:::{plan} Beta
:id: B
:::
:::{plan-signoff} Tech Lead
:id: B-lead
:::
"""

RST = """\
Two plans
=========

.. plan:: Alpha
   :id: A

FILLER

.. plan-signoff:: Tech Lead
   :id: A-lead

.. plan:: Beta
   :id: B

.. plan-signoff:: Tech Lead
   :id: B-lead
"""


def _project(root: Path, name: str, text: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "conf.py").write_text(CONF, encoding="utf-8")
    (root / name).write_text(text, encoding="utf-8", newline="")
    return root / name


def _signoffs(source: Path, tmp_path: Path) -> dict[str, dict]:
    target = tmp_path / "export.json"
    assert main(["export", str(source), "--format", "json", "-o", str(target)]) == 0
    data = json.loads(target.read_text(encoding="utf-8"))
    return {o["id"]: o["fields"] for o in data["objects"] if o["type"] == "signoff"}


def _approve(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["approve", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(
    ("name", "template", "filler"),
    [
        # neither parser breaks lines at a form feed (docutils makes it a space)
        ("index.md", MYST, "Page one\f\f\f\f\fpage two."),
        ("index.rst", RST, "Page one\f\f\f\f\fpage two."),
        # MyST breaks only at \n, \r\n and \r
        ("index.md", MYST, "One\u2028two\x85three\x1cfour\u2029five\x1dsix."),
        # docutils also breaks at the Unicode separators: approve counts them there
        ("index.rst", RST, "One\u2028two\x85three\rfour\r\nfive."),
    ],
)
def test_lines_are_counted_as_the_parser_counts_them(
    tmp_path, capsys, monkeypatch, name, template, filler
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    path = _project(tmp_path / "src", name, template.replace("FILLER", filler))
    before = path.read_bytes().decode("utf-8")
    code, out, err = _approve(
        capsys, "B", "--role", "Tech Lead", "--name", "Ann", "--source", str(path.parent)
    )
    assert (code, err) == (0, ""), err
    assert out.startswith("approved plan B for Tech Lead (")
    fields = _signoffs(path.parent, tmp_path)
    assert fields["B-lead"]["status"] == "approved" and fields["B-lead"]["name"] == "Ann"
    assert fields["A-lead"] == {"status": "pending"}  # plan A's sign-off is left alone
    after = path.read_bytes().decode("utf-8")
    assert after.startswith(before[: before.index("Beta")])  # nothing above plan B changed
    assert filler in after


def test_the_same_file_is_edited_permissions_links_and_symlinks_kept(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    real = _project(tmp_path / "elsewhere", "plans.md", MYST.replace("FILLER", "Text."))
    (real.parent / "conf.py").unlink()
    source = tmp_path / "src"
    source.mkdir()
    (source / "conf.py").write_text(CONF, encoding="utf-8")
    (source / "index.md").symlink_to(real)
    other_link = tmp_path / "hard-link.md"
    os.link(real, other_link)
    real.chmod(0o640)
    inode = real.stat().st_ino
    code, _, err = _approve(
        capsys, "A", "--role", "Tech Lead", "--name", "Ann", "--source", str(source)
    )
    assert (code, err) == (0, "")
    assert (source / "index.md").is_symlink()  # still a link, its target approved
    assert real.stat().st_ino == inode and stat.S_IMODE(real.stat().st_mode) == 0o640
    assert ":status: approved" in real.read_text(encoding="utf-8")
    assert other_link.read_text(encoding="utf-8") == real.read_text(encoding="utf-8")
    assert real.stat().st_nlink == 2


def test_a_read_only_file_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    path = _project(tmp_path / "src", "index.md", MYST.replace("FILLER", "Text."))
    before = path.read_bytes()
    path.chmod(0o444)
    code, out, err = _approve(
        capsys, "A", "--role", "Tech Lead", "--name", "Ann", "--source", str(path.parent)
    )
    assert (code, out) == (2, "")
    assert err == (
        f"sphinx-plan approve: error: {path} is read-only; make it writable to "
        f"approve (chmod u+w {path})\n"
    )
    assert path.read_bytes() == before and stat.S_IMODE(path.stat().st_mode) == 0o444


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = tmp_path / "repo"
    make_repo(root)
    return root


def test_several_roles_in_one_edit_and_no_note_about_its_own_edits(repo, capsys, tmp_path):
    docs = repo / "docs"
    code, out, err = _approve(
        capsys,
        "S1",
        "--role",
        "Tech Lead",
        "--role",
        "product manager",
        "--name",
        "Priya Raman",
        "--source",
        str(docs),
    )
    assert (code, err) == (0, "")
    assert [line.split(" (")[0] for line in out.splitlines()] == [
        "approved plan S1 for Tech Lead",
        "approved plan S1 for Product Manager",
    ]
    fields = _signoffs(docs, tmp_path)
    assert fields["S1-signoff-tech-lead"]["status"] == "approved"
    assert fields["S1-signoff-pm"]["status"] == "approved"
    assert fields["S1-signoff-pm"]["fingerprint"] == fields["S1-signoff-tech-lead"]["fingerprint"]
    capsys.readouterr()
    # approving again before committing: the only changes are approve's own, no note;
    # a role given twice is one sign-off, approved once
    code, out, err = _approve(
        capsys,
        "S1",
        "--role",
        "Tech Lead",
        "--role",
        "tech  lead",
        "--name",
        "P. Raman",
        "--source",
        str(docs),
    )
    assert (code, err) == (0, "")
    assert len(out.splitlines()) == 1 and out.startswith("approved plan S1 for Tech Lead (")
    # a change to the plan's content is one the approved commit lacks
    plan = docs / "plan.md"
    plan.write_text(
        plan.read_text(encoding="utf-8").replace(":owner: Ops", ":owner: Platform"),
        encoding="utf-8",
    )
    code, _, err = _approve(
        capsys, "S1", "--role", "Tech Lead", "--name", "P. Raman", "--source", str(docs)
    )
    assert code == 0
    assert err.startswith(f"sphinx-plan approve: note: {str(docs)!r} has uncommitted changes; ")


def test_the_name_defaults_to_git_user_name(repo, capsys, tmp_path):
    docs = repo / "docs"
    git(repo, "config", "user.name", "Lena  Fischer")
    code, out, err = _approve(capsys, "S1", "--role", "Tech Lead", "--source", str(docs))
    assert (code, err) == (0, "")
    assert ": Lena Fischer, 2024-06-10, sha256:" in out
    assert _signoffs(docs, tmp_path)["S1-signoff-tech-lead"]["name"] == "Lena Fischer"


def test_no_name_anywhere_is_an_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv("HOME", str(tmp_path))  # no global git identity
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    path = _project(tmp_path / "src", "index.md", MYST.replace("FILLER", "Text."))
    before = path.read_bytes()
    code, out, err = _approve(capsys, "A", "--role", "Tech Lead", "--source", str(path.parent))
    assert (code, out) == (2, "")
    assert err == (
        "sphinx-plan approve: error: no --name given and git's user.name is not "
        'set; give --name "Your Name"\n'
    )
    assert path.read_bytes() == before

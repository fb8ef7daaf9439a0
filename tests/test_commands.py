"""Every command of the README and the tutorial, run as written.

The shell blocks (```console, ```shell, ```bash, ```sh) are read from the
files; each ``$ `` line runs in bash, in a temporary folder, one after the
other, with the folder a ``cd`` moved to kept for the next line and this
environment's ``bin`` first on ``PATH``. Three kinds of lines are not run
here, each for a stated reason and each checked another way:

- installing the package (``python3 -m venv``, activating it, ``pip install``):
  tests/test_packaging.py installs the wheel into a fresh environment and runs
  ``sphinx-plan`` and a build from it; here the package must be importable;
- ``make TARGET``: the target must exist (``make -n`` resolves it), and the
  test that does what it does is named in :data:`MAKE_TARGETS`;
- nothing else: any other line runs, and must exit 0.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from test_docs import tutorial_project

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
TUTORIAL = ROOT / "docs" / "tutorial.md"
#: a fenced shell block
_BLOCK = re.compile(r"^```(?:console|shell|bash|sh)\n(.*?)^```$", re.S | re.M)
#: a command line: an optional "(.venv) " prompt prefix, then "$ "
_PROMPT = re.compile(r"^(?:\([^)]*\) )?\$ (.*)$")
#: what installs the package, run by tests/test_packaging.py instead
_INSTALL = re.compile(r"^(python3? -m venv |\. \S+/activate$|python3? -m pip install )")
#: each make target the README names, and the test that does the same
MAKE_TARGETS = {
    "example": "tests/test_browser.py",  # builds example_project to HTML (site fixture)
    "test": "tests/conftest.py",  # this run
    "docs": "tests/test_docs.py",  # the docs with -W --keep-going
    "pdf": "tests/test_pdf.py",  # the example project's PDF, every engine
    "dist": "tests/test_packaging.py",  # the wheel, installed and used
}


def commands(path: Path) -> list[str]:
    """The ``$`` lines of every shell block of *path*, in order."""
    found = []
    for block in _BLOCK.findall(path.read_text(encoding="utf-8")):
        for line in block.splitlines():
            match = _PROMPT.match(line)
            if match:
                found.append(match.group(1).split("  #")[0].strip())
    return found


class Shell:
    """Runs command lines one after another, keeping the working folder."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        bindir = str(Path(sys.executable).parent)
        self.env = {**os.environ, "PATH": bindir + os.pathsep + os.environ.get("PATH", "")}
        self.env.pop("VIRTUAL_ENV", None)
        self.ran: list[str] = []

    def run(self, line: str) -> subprocess.CompletedProcess[str]:
        if _INSTALL.match(line):
            # installed already (and installed from the wheel by test_packaging.py)
            line = f"{shlex.quote(sys.executable)} -c 'import sphinxcontrib_plan'"
        script = f"set -e\n{line}\nprintf '\\n%s' \"$PWD\"\n"
        proc = subprocess.run(
            ["bash", "-c", script],
            cwd=self.cwd,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert proc.returncode == 0, f"$ {line}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        self.cwd = Path(proc.stdout.rsplit("\n", 1)[-1])
        self.ran.append(line)
        return proc


def test_readme_commands_run(tmp_path):
    lines = commands(README)
    assert len(lines) >= 8
    shell = Shell(tmp_path)
    made = []
    for line in lines:
        if line.startswith("make "):
            made.append(line.split()[1])
            continue
        shell.run(line)
    # what the README promises after init and the build
    plans = tmp_path / "plans"
    assert (plans / "plans" / "001-first-plan.md").is_file()
    assert (plans / ".github" / "workflows" / "plans.yml").is_file()
    for name in ("index.html", "registers.html", "plan.json", "openapi.json"):
        assert (plans / "_build" / "html" / name).is_file(), name
    assert "project = 'Invoicing'" in (plans / "conf.py").read_text(encoding="utf-8")
    assert made == list(MAKE_TARGETS)


@pytest.mark.parametrize("target", list(MAKE_TARGETS))
def test_readme_make_targets_exist(target):
    proc = subprocess.run(
        ["make", "-n", target], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert (ROOT / MAKE_TARGETS[target]).is_file()


def test_tutorial_commands_run(tmp_path):
    lines = commands(TUTORIAL)
    assert lines[0] == "mkdir plans && cd plans"
    shell = Shell(tmp_path)
    for line in lines:
        if line.startswith("sphinx-build") and not (shell.cwd / "conf.py").exists():
            # the files the reader writes from the tutorial's blocks before building
            shell.cwd.rmdir()
            tutorial_project(shell.cwd)
        shell.run(line)
    assert shell.cwd == tmp_path / "plans"
    html = tmp_path / "plans" / "_build" / "html"
    assert "Large exports time out" in (html / "registers.html").read_text(encoding="utf-8")
    assert (html / "plan.json").is_file()

"""The ``sphinx-plan`` command, run in-process through ``main(argv)``."""

from __future__ import annotations

import json
import runpy
import shutil
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import ROOTS

from sphinxcontrib_plan.cli import main

CONF = """\
extensions = ["myst_parser", "sphinxcontrib_plan"]
myst_enable_extensions = ["colon_fence", "tasklist"]
project = "Fresh"
exclude_patterns = ["_build"]
"""

BAD = """\
# Bad

:::{plan} Bad plan
:id: 900
:status: nope
:::

:::{plan-risk} Wrong impact
:impact: huge
:colour: red
:::
"""


def copy_root(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(ROOTS / name, target, ignore=shutil.ignore_patterns("_build"))
    return target


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "conf.py").write_text(CONF, encoding="utf-8")
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


# -- help ----------------------------------------------------------------------------


def test_help_lists_commands_with_examples(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "usage: sphinx-plan" in out
    for command in ("new", "check", "export"):
        assert command in out
    assert "examples:" in out
    for command in ("new", "check", "export"):
        assert main([command, "--help"]) == 0
        assert "examples:" in capsys.readouterr().out


def test_usage_errors_exit_2(capsys):
    assert main([]) == 2
    assert main(["frobnicate"]) == 2
    assert main(["export", "docs"]) == 2  # --format is required
    assert "--format" in capsys.readouterr().err


def test_python_m_runs_main(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["python -m sphinxcontrib_plan", "--version"])
    with pytest.raises(SystemExit) as exc:
        runpy.run_module("sphinxcontrib_plan", run_name="__main__")
    assert exc.value.code == 0
    assert capsys.readouterr().out.startswith("sphinx-plan ")


# -- new ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["md", "rst"])
def test_new_writes_once_and_never_overwrites(tmp_path, monkeypatch, capsys, fmt):
    monkeypatch.chdir(tmp_path)
    args = [
        "new",
        "Payment Methods",
        "--id",
        "001",
        "--format",
        fmt,
        "--owner",
        "Payments Team",
        "--date",
        "2024-01-10",
    ]
    assert main(args) == 0
    path = tmp_path / f"001-payment-methods.{fmt}"
    text = path.read_text(encoding="utf-8")
    assert "Payment Methods" in text and "Payments Team" in text and "2024-01-10" in text
    assert str(path.name) in capsys.readouterr().out
    path.write_text("MINE\n", encoding="utf-8")
    assert main(args) == 1
    assert "never overwritten" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == "MINE\n"


def test_new_output_directory_and_suffix(tmp_path, capsys):
    out = tmp_path / "plans"
    out.mkdir()
    assert main(["new", "Audit Log", "--id", "002", "--output", str(out)]) == 0
    assert (out / "002-audit-log.md").exists()
    # the format follows the suffix of --output
    assert main(["new", "Audit Log", "--id", "002", "-o", str(out / "audit.rst")]) == 0
    assert (out / "audit.rst").read_text(encoding="utf-8").lstrip().startswith("=")
    assert main(["new", "X", "--id", "3", "-o", str(out / "x.md"), "--format", "rst"]) == 2
    assert "suffix" in capsys.readouterr().err
    assert not (out / "x.md").exists()


def test_new_output_folder_is_created_and_named_from_the_plan(tmp_path, monkeypatch, capsys):
    """A path ending in '/' is a folder even when it does not exist yet; the file
    inside is named from the id and title, and is never overwritten."""
    monkeypatch.chdir(tmp_path)
    args = ["new", "MFA rollout", "--id", "042", "--output", "plans/"]
    assert main(args) == 0
    assert capsys.readouterr().out.splitlines() == [
        "wrote plans/042-mfa-rollout.md (plan 042: MFA rollout)",
        "next: add it to a toctree, then run 'sphinx-plan check SOURCEDIR'",
    ]
    assert [p.name for p in (tmp_path / "plans").iterdir()] == ["042-mfa-rollout.md"]
    # written once: the same command again leaves the file as it is
    (tmp_path / "plans" / "042-mfa-rollout.md").write_text("MINE\n", encoding="utf-8")
    assert main(args) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == (
        "sphinx-plan new: 'plans/042-mfa-rollout.md' exists; a plan is never overwritten "
        "(choose another --output or --id)\n"
    )
    assert (tmp_path / "plans" / "042-mfa-rollout.md").read_text(encoding="utf-8") == "MINE\n"
    # nested folders are created too, and an existing folder needs no '/'
    assert main(["new", "Audit", "--id", "7", "-o", "a/b/", "--format", "rst"]) == 0
    assert (tmp_path / "a" / "b" / "7-audit.rst").is_file()
    assert main(["new", "Search", "--id", "8", "-o", "a"]) == 0
    assert (tmp_path / "a" / "8-search.md").is_file()
    capsys.readouterr()


@pytest.mark.parametrize(
    ("output", "message"),
    [
        (
            "plans",
            "--output 'plans' is neither a .md or .rst file nor a folder; "
            "write plans/ for a folder, or plans.md",
        ),
        ("taken/", "cannot create the folder 'taken': a file of that name exists"),
    ],
)
def test_new_output_that_is_no_file_nor_folder(tmp_path, monkeypatch, capsys, output, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "taken").write_text("a file\n", encoding="utf-8")
    assert main(["new", "MFA rollout", "--id", "042", "--output", output]) == 2
    assert capsys.readouterr().err == f"sphinx-plan new: error: {message}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


@pytest.mark.parametrize("plan_id", ["", "has space", "a:b", "-x"])
def test_new_rejects_bad_ids(tmp_path, capsys, plan_id):
    assert main(["new", "Title", "--id", plan_id, "-o", str(tmp_path / "p.md")]) == 2
    assert "--id" in capsys.readouterr().err
    assert not (tmp_path / "p.md").exists()


def test_new_with_own_templates(tmp_path, capsys):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "plan.md.jinja").write_text(
        "# {{ title }}\n\n:::{plan} {{ title }}\n:id: {{ id }}\n:created: {{ today }}\n"
        ":owner: {{ owner or 'nobody' }}\n:::\n",
        encoding="utf-8",
    )
    target = tmp_path / "mine.md"
    assert (
        main(
            [
                "new",
                "Mine",
                "--id",
                "007",
                "--templates",
                str(templates),
                "--date",
                "2024-02-03",
                "-o",
                str(target),
            ]
        )
        == 0
    )
    assert target.read_text(encoding="utf-8") == (
        "# Mine\n\n:::{plan} Mine\n:id: 007\n:created: 2024-02-03\n:owner: nobody\n:::\n"
    )
    # no rst template in the directory, an undefined variable, a syntax error: exit 2, no file
    assert (
        main(
            [
                "new",
                "Mine",
                "--id",
                "8",
                "--templates",
                str(templates),
                "--format",
                "rst",
                "-o",
                str(tmp_path / "a.rst"),
            ]
        )
        == 2
    )
    assert "plan.rst.jinja" in capsys.readouterr().err
    (templates / "plan.md.jinja").write_text("{{ nope }}\n", encoding="utf-8")
    assert (
        main(["new", "M", "--id", "9", "--templates", str(templates), "-o", str(tmp_path / "b.md")])
        == 2
    )
    assert "nope" in capsys.readouterr().err
    (templates / "plan.md.jinja").write_text("{% if %}\n", encoding="utf-8")
    assert (
        main(["new", "M", "--id", "9", "--templates", str(templates), "-o", str(tmp_path / "b.md")])
        == 2
    )
    assert "plan.md.jinja:1" in capsys.readouterr().err
    assert not (tmp_path / "a.rst").exists() and not (tmp_path / "b.md").exists()


def test_new_plans_build_without_warnings(make_app, tmp_path, capsys):
    """The package's templates: every section as directives, and not one warning."""
    root = project(tmp_path, {"index.md": "# Plans\n\n```{toctree}\nmd-plan\nrst-plan\n```\n"})
    assert main(["new", "Payment Methods", "--id", "001", "-o", str(root / "md-plan.md")]) == 0
    assert main(["new", "Audit Log", "--id", "002", "-o", str(root / "rst-plan.rst")]) == 0
    capsys.readouterr()
    # checked first: a sphinx.testing app keeps its docutils registrations until teardown
    assert main(["check", str(root), "-W"]) == 0
    assert capsys.readouterr().out == "No plan problems in 3 documents.\n"
    app = make_app("html", srcdir=root, freshenv=True)
    app.build()
    assert app.warning.getvalue() == ""
    data = json.loads((Path(app.outdir) / "plan.json").read_text(encoding="utf-8"))
    assert [p["id"] for p in data["plans"]] == ["001", "002"]
    for plan in ("001", "002"):
        types = {o["type"] for o in data["objects"] if o["plan"] == plan}
        # every section of the template has its directive
        assert types >= {
            "check",
            "exemption",
            "component",
            "pattern",
            "tech",
            "service",
            "dependency",
            "table",
            "migration",
            "endpoint",
            "response",
            "event",
            "role",
            "test",
            "metric",
            "alert",
            "risk",
            "phase",
            "signoff",
        }, types


# -- check ----------------------------------------------------------------------------


def test_check_clean_project(tmp_path, capsys):
    root = copy_root(tmp_path, "test-basic")
    assert main(["check", str(root)]) == 0
    out = capsys.readouterr().out
    assert out == "No plan problems in 4 documents.\n"
    assert not (root / "_build").exists()  # nothing is written to the project


def test_check_reports_plan_problems_by_document(tmp_path, capsys):
    root = project(
        tmp_path,
        {
            "index.md": "# Index\n\n```{toctree}\nbad\n```\n\nSee {plan:risk}`nowhere`.\n",
            "bad.md": BAD,
        },
    )
    assert main(["check", str(root), "-j", "2"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == (
        "4 plan problems in 2 documents (2 plan.field, 1 plan.option, 1 plan.ref)."
    )
    bad = [ln for ln in lines if "bad.md:" in ln]
    index = [ln for ln in lines if "index.md:" in ln]
    numbers = [int(ln.split(": ", 1)[0].rsplit(":", 1)[1]) for ln in bad]
    # sorted by line; the parser may give the directive's or the option's line
    assert numbers == sorted(numbers) and 3 <= numbers[0] <= 5 and 8 <= numbers[1] <= 10
    assert bad[0].endswith("[plan.field]") and "'nope'" in bad[0]
    assert "'colour'" in bad[2] and bad[2].endswith("[plan.option]")
    assert len(index) == 1 and index[0].endswith("[plan.ref]")
    # one group per document, separated by a blank line
    assert (
        lines.index(index[0]) == lines.index(bad[-1]) + 2 and lines[lines.index(bad[-1]) + 1] == ""
    )


def test_check_prints_every_warning_and_counts_them_with_strict(tmp_path, monkeypatch, capsys):
    """Sphinx's, docutils' and MyST's warnings are shown and counted by kind; only
    --strict (or -W) makes them fail the check. The project does not show warning
    types (Sphinx < 8's default), and the report still has them."""
    root = project(
        tmp_path,
        {
            "index.md": "# Index\n\n```{toctree}\nmissing-doc\nother\n```\n\nSee [there](#nowhere).\n",
            "other.rst": "Other\n=====\n\n.. note::\n   :class: a\n   :class: b\n\n   Text.\n",
        },
    )
    (root / "conf.py").write_text(CONF + "show_warning_types = False\n", encoding="utf-8")
    monkeypatch.chdir(root)
    expected = [
        "index.md:3: toctree contains reference to nonexisting document 'missing-doc' "
        "[toc.not_readable]",
        "index.md:8: 'myst' cross-reference target not found: 'nowhere' [myst.xref_missing]",
        "",
        'other.rst:4: ERROR: Error in "note" directive: invalid option data: '
        'duplicate option "class". [docutils]',
        "",
        "No plan problems in 2 documents; 3 other warnings "
        "(1 docutils, 1 myst.xref_missing, 1 toc.not_readable).",
    ]
    assert main(["check", "."]) == 0
    assert capsys.readouterr().out.splitlines() == expected
    for strict in ("--strict", "-W"):
        assert main(["check", ".", strict]) == 1
        assert capsys.readouterr().out.splitlines() == expected


def test_check_plan_problems_fail_without_strict(tmp_path, monkeypatch, capsys):
    root = project(
        tmp_path,
        {
            "index.md": "# Index\n\n```{toctree}\nmissing-doc\n```\n\n"
            ":::{plan} P\n:id: 1\n:status: drafty\n:::\n"
        },
    )
    monkeypatch.chdir(root)
    assert main(["check", "."]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "index.md:3: toctree contains reference to nonexisting document 'missing-doc' "
        "[toc.not_readable]",
        "index.md:9: plan: status: 'drafty' is not a valid value (did you mean 'draft'?); "
        "allowed: one of draft, in-review, approved, in-progress, completed [plan.field]",
        "",
        "1 plan problem in 1 document (1 plan.field); 1 other warning (1 toc.not_readable).",
    ]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing", "is not a directory"),
        ("no-conf", "no conf.py"),
        ("raising", "ZeroDivisionError: division by zero"),
        ("syntax", "syntax error"),
        ("extension", "nonexistent_extension"),
        ("define", "name=value"),
    ],
)
def test_check_usage_and_build_errors_exit_2(tmp_path, capsys, setup, message):
    root = tmp_path / "src"
    root.mkdir()
    (root / "index.rst").write_text("Index\n=====\n", encoding="utf-8")
    conf = {
        "raising": "x = 1 / 0\n",
        "syntax": "extensions = [\n",
        "extension": "extensions = ['nonexistent_extension']\n",
    }.get(setup, "")
    if setup != "no-conf":
        (root / "conf.py").write_text(conf, encoding="utf-8")
    args = ["check", str(root if setup != "missing" else tmp_path / "nowhere")]
    if setup == "define":
        args += ["-D", "novalue"]
    assert main(args) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.err.startswith("sphinx-plan check: error:")
    assert "Traceback" not in captured.err + captured.out


def test_check_with_confdir_and_overrides(tmp_path, capsys):
    root = project(tmp_path, {"index.md": BAD})
    confdir = tmp_path / "conf"
    confdir.mkdir()
    (root / "conf.py").rename(confdir / "conf.py")
    assert main(["check", str(root)]) == 2
    assert "-c CONFDIR" in capsys.readouterr().err
    assert (
        main(
            [
                "check",
                str(root),
                "-c",
                str(confdir),
                "-D",
                "suppress_warnings=plan.field,plan.option",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.startswith("No plan problems")


# -- export ---------------------------------------------------------------------------


def test_export_json_to_file(tmp_path, capsys):
    root = copy_root(tmp_path, "test-basic")
    target = tmp_path / "out" / "plan.json"
    assert main(["export", str(root), "--format", "json", "-o", str(target), "--validate"]) == 0
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["project"] == "Basic" and [p["id"] for p in data["plans"]] == ["001"]
    assert all(o["url"] is None for o in data["objects"])
    assert capsys.readouterr().out == ""


def test_export_openapi_to_stdout(tmp_path, capsys):
    root = copy_root(tmp_path, "test-export-api")
    assert main(["export", str(root), "--format", "openapi", "--validate"]) == 0
    spec = json.loads(capsys.readouterr().out)
    assert spec["openapi"] == "3.1.0"
    assert spec["paths"]["/orders"]["post"]["operationId"] == "900-post-orders"
    assert not (root / "_build").exists()


def test_export_reports_plan_warnings_on_stderr(tmp_path, capsys):
    root = project(tmp_path, {"index.md": BAD})
    assert main(["export", str(root), "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["plans"][0]["id"] == "900"
    assert "[plan.field]" in captured.err
    assert main(["export", str(tmp_path / "nowhere"), "--format", "json"]) == 2
    assert "is not a directory" in capsys.readouterr().err


def test_export_stdout_and_file_agree(tmp_path, capsys):
    root = copy_root(tmp_path, "test-basic")
    assert main(["export", str(root), "--format", "json"]) == 0
    stdout = capsys.readouterr().out
    target = tmp_path / "plan.json"
    assert main(["export", str(root), "--format", "json", "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == stdout
    assert textwrap.dedent(stdout).endswith("}\n")


#: the plan template's plain Markdown, as the package hands it out (``new --plain``)
TEMPLATE = (
    Path(__file__).resolve().parents[1]
    / "sphinxcontrib_plan"
    / "templates"
    / "new"
    / "plan.plain.md.jinja"
)


@pytest.mark.parametrize("fmt", ["md", "rst"])
def test_new_reproduces_every_section_of_the_template(tmp_path, capsys, fmt):
    import re

    target = tmp_path / f"plan.{fmt}"
    assert main(["new", "Demo", "--id", "042", "--format", fmt, "--output", str(target)]) == 0
    text = target.read_text(encoding="utf-8")
    headings = re.findall(r"^#{2,3} (.+)$", TEMPLATE.read_text(encoding="utf-8"), re.M)
    # per-object headings of the template ("Component 1: [Name]") become directive titles
    generic = [h for h in headings if not re.match(r"(Phase|Appendix) |\w+: \[|\w+ \d: \[", h)]
    assert len(generic) > 40
    missing = [h for h in generic if h.strip() not in text]
    assert missing == []


@pytest.mark.parametrize("lines", [1, 0])
def test_a_reader_that_goes_away_is_no_traceback(tmp_path, lines):
    """``sphinx-plan … | head -1``: the reader closes the pipe after one line (or
    before any); the command ends with the pipe's status (141), no traceback."""
    import subprocess

    out = tmp_path / "plans"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sphinxcontrib_plan",
            "new",
            "Payments",
            "--id",
            "001",
            "-o",
            str(out / "001.md"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    for _ in range(lines):
        proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait() in (0, 141)
    assert "Traceback" not in err and "Exception ignored" not in err, err

"""``sphinx-plan init``: a project that builds with ``-W`` as written, and never overwrites."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml
from conftest import warning_lines

from sphinxcontrib_plan.cli import main

FILES = (
    "conf.py",
    "index.md",
    "registers.md",
    "requirements.txt",
    ".gitignore",
    ".github/workflows/plans.yml",
    "plans/001-first-plan.md",
)


def sphinx_build(
    source: Path, out: Path, builder: str = "html"
) -> subprocess.CompletedProcess[str]:
    """``sphinx-build -W`` in a process of its own, as the user runs it."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            builder,
            "-W",
            "--keep-going",
            str(source),
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_init_writes_a_project_that_builds_with_W(tmp_path, capsys):
    demo = tmp_path / "demo"
    assert (
        main(
            [
                "init",
                str(demo),
                "--project",
                "Acme Payments",
                "--author",
                "Zoë Ünal",
                "--plan",
                "Payment Methods",
                "--id",
                "PAY-1",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    written = sorted(p.relative_to(demo).as_posix() for p in demo.rglob("*") if p.is_file())
    assert written == sorted(
        [
            "conf.py",
            "index.md",
            "registers.md",
            "requirements.txt",
            ".gitignore",
            ".github/workflows/plans.yml",
            "plans/PAY-1-payment-methods.md",
        ]
    )
    assert out.count("wrote ") == 7 and "next: sphinx-build -b html -W" in out
    proc = sphinx_build(demo, tmp_path / "html")
    assert proc.returncode == 0, proc.stderr
    assert warning_lines(proc.stderr) == []
    html = tmp_path / "html"
    index = (html / "index.html").read_text(encoding="utf-8")
    assert 'href="plans/PAY-1-payment-methods.html"' in index and 'href="registers.html"' in index
    registers = (html / "registers.html").read_text(encoding="utf-8")
    for collector in (
        "overview",
        "risk-register",
        "risk-matrix",
        "api-index",
        "timeline",
        "signoff-summary",
        "compliance",
        "tech-stack",
        "architecture",
        "data-model",
    ):
        assert f"plan-collector-{collector}" in registers, collector
    assert "Payment Methods" in registers  # the first plan is collected
    assert (html / "plan.json").is_file() and (html / "openapi.json").is_file()


def test_conf_py_names_the_project_in_latex(tmp_path):
    demo = tmp_path / "demo"
    assert main(["init", str(demo), "--project", "Acme Payments", "--author", "Zoë Ünal"]) == 0
    conf: dict[str, object] = {}
    exec((demo / "conf.py").read_text(encoding="utf-8"), conf)
    assert conf["extensions"] == ["myst_parser", "sphinxcontrib_plan", "sphinx.ext.graphviz"]
    assert "colon_fence" in conf["myst_enable_extensions"]  # type: ignore[operator]
    assert conf["project"] == "Acme Payments" and conf["author"] == "Zoë Ünal"
    assert conf["latex_documents"] == [
        ("index", "acme-payments.tex", "Acme Payments: implementation plans", "Zoë Ünal", "manual")
    ]
    proc = sphinx_build(demo, tmp_path / "latex", "latex")
    assert proc.returncode == 0, proc.stderr
    tex = (tmp_path / "latex" / "acme-payments.tex").read_text(encoding="utf-8")
    assert r"\title{Acme Payments: implementation plans}" in tex and r"\author{Zoë Ünal}" in tex


def test_check_strict_passes_right_after_init(tmp_path, capsys):
    assert main(["init", str(tmp_path / "demo")]) == 0
    capsys.readouterr()
    assert main(["check", str(tmp_path / "demo"), "--strict", "--no-cache"]) == 0
    assert "No plan problems" in capsys.readouterr().out


def test_the_workflow_checks_and_comments_the_diff_on_pull_requests(tmp_path):
    demo = tmp_path / "demo"
    assert main(["init", str(demo)]) == 0
    workflow = yaml.safe_load((demo / ".github/workflows/plans.yml").read_text(encoding="utf-8"))
    assert set(workflow[True]) == {"push", "pull_request"}  # YAML 1.1 reads "on" as true
    steps = workflow["jobs"]["plans"]["steps"]
    runs = {step.get("name", ""): step.get("run", "") for step in steps}
    assert runs["Check the plans"] == "sphinx-plan check . --strict"
    diff = next(step for step in steps if step.get("id") == "diff")
    assert diff["if"] == "github.event_name == 'pull_request'"
    assert diff["run"] == (
        'sphinx-plan diff "origin/${GITHUB_BASE_REF}" --source . '
        "--format markdown --fail-on breaking > plan-diff.md"
    )
    comment = steps[steps.index(diff) + 1]
    # posted even when the diff fails the job for a breaking change
    assert comment["if"].startswith("always() && github.event_name == 'pull_request'")
    assert comment["run"] == 'gh pr comment "${PR_NUMBER}" --body-file plan-diff.md'
    assert comment["env"]["GH_TOKEN"] == "${{ github.token }}"
    assert steps[0]["with"]["fetch-depth"] == 0
    assert workflow["permissions"]["pull-requests"] == "write"


def test_in_a_git_repository_the_workflow_goes_to_its_root(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    assert main(["init", str(tmp_path / "docs")]) == 0
    assert not (tmp_path / "docs" / ".github").exists()
    text = (tmp_path / ".github/workflows/plans.yml").read_text(encoding="utf-8")
    assert "sphinx-plan check docs --strict" in text and "--source docs" in text
    assert "pip install -r docs/requirements.txt" in text


def test_init_never_overwrites(tmp_path, capsys):
    demo = tmp_path / "demo"
    demo.mkdir()
    (demo / "index.md").write_text("# Mine\n", encoding="utf-8")
    (demo / ".gitignore").write_text("mine\n", encoding="utf-8")
    assert main(["init", str(demo)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("sphinx-plan init: error: 2 of its files exist, nothing was written")
    assert f"{demo / 'index.md'}, {demo / '.gitignore'}" in err
    assert sorted(p.name for p in demo.iterdir()) == [".gitignore", "index.md"]
    assert (demo / "index.md").read_text(encoding="utf-8") == "# Mine\n"


def test_init_into_an_empty_existing_directory_and_the_current_one(tmp_path, monkeypatch):
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    assert main(["init"]) == 0
    assert all((tmp_path / "here" / name).is_file() for name in FILES)
    assert "project = 'Here'" in (tmp_path / "here" / "conf.py").read_text(encoding="utf-8")


def test_bad_arguments_are_one_line_errors(tmp_path, capsys):
    (tmp_path / "file").write_text("", encoding="utf-8")
    assert main(["init", str(tmp_path / "file")]) == 2
    assert (
        capsys.readouterr().err
        == f"sphinx-plan init: error: '{tmp_path / 'file'}' is a file, not a directory\n"
    )
    assert main(["init", str(tmp_path / "x"), "--id", "no id"]) == 2
    assert "--id 'no id'" in capsys.readouterr().err
    assert main(["init", str(tmp_path / "y"), "--project", " "]) == 2
    assert (
        capsys.readouterr().err == "sphinx-plan init: error: --project must be one non-empty line\n"
    )
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()

"""Stage gates: a plan walked through every stage of plan_stages (MyST and reST
sources), the plan.gate warnings, the derived gate, sphinx-plan gate."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOTS, load_plan_json, plan_warnings
from test_equivalence import _clean, _diff, _outcome

from sphinxcontrib_plan.cli import main


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def _status(src: Path, status: str) -> None:
    text = (src / "index.md").read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith(":status:"))
    _replace(src / "index.md", old, f":status: {status}")


def _gate(app) -> tuple[str | None, list[str]]:
    plan = load_plan_json(app)["plans"][0]
    gates = [w for w in plan_warnings(app) if "[plan.gate]" in w]
    assert all("index.md:8:" in w for w in gates), gates
    return plan["derived"]["gate"], gates


#: each step: what to change, the status to set, the unmet criteria the gate then lists
STEPS: list[tuple[str, str, list[str]]] = [
    ("start", "draft", []),
    (
        "to review with a placeholder",
        "in-review",
        ["1 template placeholder left: W owner ([Name])"],
    ),
    ("fill the placeholder", "in-review", []),
    (
        "to approved",
        "approved",
        [
            "the sign-off of 'Tech Lead' is pending",
            "the sign-off of 'Product Manager' is pending",
            "open high risk 'double-spend' has no :mitigation: or :mitigated-by:",
        ],
    ),
    ("sign off and mitigate", "approved", []),
    (
        "a sign-off goes stale",
        "approved",
        ["the sign-off of 'Tech Lead' is stale (the plan changed since)"],
    ),
    ("sign off again", "in-progress", []),
    (
        "to completed",
        "completed",
        [
            "coverage rule 'endpoint-tested': 1 not covered (GET /wallet)",
            "'total == 0 or progress == 100' does not hold",
        ],
    ),
    ("test and deliver", "completed", []),
]


def _edit(src: Path, step: str) -> None:
    if step == "fill the placeholder":
        _replace(src / "index.md", ":owner: [Name]", ":owner: Wallet Team")
    elif step == "sign off and mitigate":
        _replace(src / "signoffs.rst", ":status: pending", ":status: approved")  # both
        _replace(
            src / "index.md", ":likelihood: high\n", ":likelihood: high\n:mitigated-by: build\n"
        )
    elif step == "a sign-off goes stale":
        _replace(
            src / "signoffs.rst",
            ":id: tech-lead\n",
            ":id: tech-lead\n   :fingerprint: sha256:0123456789abcdef\n",
        )
    elif step == "sign off again":
        _replace(src / "signoffs.rst", "   :fingerprint: sha256:0123456789abcdef\n", "")
    elif step == "test and deliver":
        _replace(src / "index.md", "- [ ] wallet endpoint", "- [x] wallet endpoint")
        _replace(
            src / "signoffs.rst",
            "Sign-offs\n=========\n",
            "Sign-offs\n=========\n\n.. plan-test:: Wallet API\n   :covers: GET /wallet\n",
        )


def test_a_plan_walks_through_every_stage(make_app, tmp_path):
    src = tmp_path / "work" / "src"
    shutil.copytree(ROOTS / "test-stages", src)
    out = tmp_path / "work" / "out"
    pages = (("registers",), ("index", "signoffs"))
    problems = []
    for step, status, expected in STEPS:
        _edit(src, step)
        _status(src, status)
        app = make_app("html", srcdir=src, builddir=out)
        app.build()
        gate, warnings = _gate(app)
        if expected:
            assert gate == "unmet" and len(warnings) == 1, (step, warnings)
            assert (
                f"plan 'W' is {status} but does not meet that stage's gate: "
                + "; ".join(expected)
                + " (sphinx-plan gate W)"
                in warnings[0]
            ), (step, warnings)
        else:
            assert (gate, warnings) == ("met", []), step
        register = (Path(app.outdir) / "registers.html").read_text(encoding="utf-8")
        assert f'plan-gate plan-gate-{gate}">{gate.capitalize()}<' in register, step
        problems += _diff(
            f"{step} (incremental)",
            _clean(make_app, src, tmp_path / "clean", 1, pages=pages),
            _outcome(app, src, *pages),
        )
        problems += _diff(
            f"{step} (-j 2)",
            _clean(make_app, src, tmp_path / "clean", 1, pages=pages),
            _clean(make_app, src, tmp_path / "j2", 2, pages=pages),
        )
    assert problems == []


def test_gate_command_explains_and_exits_like_the_others(tmp_path, capsys):
    src = tmp_path / "stages"
    shutil.copytree(ROOTS / "test-stages", src)
    _status(src, "in-review")
    assert main(["gate", "W", "--source", str(src)]) == 1
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "plan W (Wallet) is in-review; the gate of in-review lacks 1:",
        "  - 1 template placeholder left: W owner ([Name])",
    ]
    assert main(["gate", "W", "--to", "completed", "--source", str(src)]) == 1
    out = capsys.readouterr().out
    assert (
        "  - the move is not allowed: completed is entered from in-progress, not from "
        "in-review (it skips approved, in-progress)" in out
    )
    assert "  - coverage rule 'endpoint-tested': 1 not covered (GET /wallet)" in out
    assert main(["gate", "W", "--to", "draft", "--source", str(src)]) == 0
    assert (
        capsys.readouterr().out == "plan W (Wallet) is in-review: it may move to draft, "
        "which it meets\n"
    )
    assert main(["gate", "X", "--source", str(src)]) == 2
    assert capsys.readouterr().err == "sphinx-plan gate: error: no plan 'X'; plans: W\n"
    assert main(["gate", "W", "--to", "aproved", "--source", str(src)]) == 2
    assert "did you mean 'approved'?" in capsys.readouterr().err


@pytest.mark.sphinx(
    "html",
    testroot="stages",
    srcdir="stages-bad",
    confoverrides={
        "plan_stages": [
            {"name": "draft"},
            {"name": "review", "from": "drafts"},
            {"name": "approved", "signoff": ["Tech Lead"], "filter": "progress >"},
        ]
    },
)
def test_bad_stages_are_config_warnings(app):
    app.build()
    text = "\n".join(w for w in app.warning.getvalue().splitlines() if "[plan.config]" in w)
    assert "plan_stages[1]: name 'review' is not a plan status" in text
    assert "did you mean 'in-review'?" in text
    assert "plan_stages[2]: unknown key 'signoff'; did you mean 'signoffs'?" in text
    assert "plan_stages[2]: filter 'progress >'" in text

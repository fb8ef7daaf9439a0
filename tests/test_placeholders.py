"""``plan.placeholder``: template placeholders left in a plan under review."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sphinxcontrib_plan.cli import main

CONF = (
    'extensions = ["myst_parser", "sphinxcontrib_plan"]\nmyst_enable_extensions = ["colon_fence"]\n'
)

MYST = """\
# P

:::{{plan}} MFA rollout [Working title]
:id: 042
:status: {status}
:owner: [Name]
:created: [YYYY-MM-DD]
:::

:::{{plan-risk}} TODO describe the risk
:impact: [high|medium|low]
:likelihood: high
:review: [YYYY-MM-DD]
:mitigation: TBD
:owner: Ana
:::

:::{{plan-risk}} Filled in
:impact: low
:likelihood: low
:mitigation: See [the runbook](https://example.org/runbook) and [x] items
:::
"""

RST = """\
P
=

.. plan:: MFA rollout [Working title]
   :id: 042
   :status: {status}
   :owner: [Name]
   :created: [YYYY-MM-DD]
   :tags: mfa

.. plan-risk:: TODO describe the risk
   :impact: [high|medium|low]
   :likelihood: high
   :review: [YYYY-MM-DD]
   :mitigation: TBD
   :owner: Ana

.. plan-risk:: Filled in
   :impact: low
   :likelihood: low
   :mitigation: See the runbook
"""

#: per object: (line, the warning's text) expected in both syntaxes (rST lines one further)
GROUPED = {
    (
        3,
        "plan '042' still holds 3 template placeholders: the title '[Working title]' (line 3), "
        ":owner: '[Name]' (line 6), :created: '[YYYY-MM-DD]' (line 7); the plan is in-review, "
        "so write the real values (placeholders are fine while the plan is a draft)",
    ),
    (
        10,
        "risk '042-todo-describe-the-risk' still holds 4 template placeholders: the title "
        "'TODO' (line 10), :impact: '[high|medium|low]' (line 11), :review: '[YYYY-MM-DD]' "
        "(line 13), :mitigation: 'TBD' (line 14); plan '042' is in-review, so write the real "
        "values (placeholders are fine while the plan is a draft)",
    ),
}

#: (line, what, placeholder) of each placeholder, at its own line with -v
EXPECTED = {
    (3, "plan '042': the title", "[Working title]"),
    (6, "plan '042': :owner:", "[Name]"),
    (7, "plan '042': :created:", "[YYYY-MM-DD]"),
    (10, "risk '042-todo-describe-the-risk': the title", "TODO"),
    (11, "risk '042-todo-describe-the-risk': :impact:", "[high|medium|low]"),
    (13, "risk '042-todo-describe-the-risk': :review:", "[YYYY-MM-DD]"),
    (14, "risk '042-todo-describe-the-risk': :mitigation:", "TBD"),
}


def _build(make_app, tmp_path: Path, name: str, text: str, verbosity: int = 0, **conf: object):
    root = tmp_path / "src"
    root.mkdir(exist_ok=True)
    (root / "conf.py").write_text(CONF, encoding="utf-8")
    (root / name).write_text(text, encoding="utf-8")
    app = make_app("html", srcdir=root, freshenv=True, confoverrides=conf, verbosity=verbosity)
    app.build()
    return app


def _warnings(app) -> list[str]:
    text = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())
    return [line for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize(
    ("name", "source", "shift"), [("index.md", MYST, 0), ("index.rst", RST, 1)]
)
def test_placeholders_warn_once_the_plan_is_in_review(make_app, tmp_path, name, source, shift):
    app = _build(make_app, tmp_path, name, source.format(status="in-review"))
    found = set()
    for line in _warnings(app):
        # (Sphinx before 8 shows no warning type)
        match = re.fullmatch(
            r".*/index\.(?:md|rst):(\d+): WARNING: (.*?)(?: \[plan\.placeholder\])?", line
        )
        assert match, line  # every warning of the build is a placeholder warning, one per object
        found.add(
            (
                int(match[1]) - shift,
                re.sub(r"\(line (\d+)\)", lambda m: f"(line {int(m[1]) - shift})", match[2]),
            )
        )
    assert found == GROUPED
    assert "still holds the template placeholder" not in app.status.getvalue()  # not without -v
    # a placeholder in a typed field reads as unset, and is no bad value
    data = json.loads((Path(app.outdir) / "plan.json").read_text(encoding="utf-8"))
    risk = next(o for o in data["objects"] if o["id"] == "042-todo-describe-the-risk")
    assert "impact" not in risk["fields"] and "review" not in risk["fields"]
    assert risk["fields"]["mitigation"] == "TBD"
    assert "created" not in data["plans"][0]["fields"]


@pytest.mark.parametrize(
    ("name", "source", "shift"), [("index.md", MYST, 0), ("index.rst", RST, 1)]
)
def test_with_v_each_placeholder_is_shown_at_its_line(make_app, tmp_path, name, source, shift):
    app = _build(make_app, tmp_path, name, source.format(status="in-review"), verbosity=1)
    assert len(_warnings(app)) == 2  # the warnings stay one per object
    found = set()
    for line in re.sub(r"\x1b\[[0-9;]*m", "", app.status.getvalue()).splitlines():
        match = re.fullmatch(
            r".*/index\.(?:md|rst):(\d+): (.*) still holds the template "
            r"placeholder '(.*)'",
            line,
        )
        if match:
            found.add((int(match[1]) - shift, match[2], match[3]))
    assert found == EXPECTED


def test_a_draft_may_hold_placeholders(make_app, tmp_path):
    assert _warnings(_build(make_app, tmp_path, "index.md", MYST.format(status="draft"))) == []


def test_the_check_can_be_switched_off(make_app, tmp_path):
    app = _build(
        make_app,
        tmp_path,
        "index.md",
        MYST.format(status="approved"),
        plan_consistency_checks={"placeholder": False},
    )
    assert not [w for w in _warnings(app) if "plan.placeholder" in w]


def test_the_scaffold_reports_its_placeholders_once_in_review(tmp_path, capsys):
    root = tmp_path / "p"
    root.mkdir()
    (root / "conf.py").write_text(CONF, encoding="utf-8")
    (root / "index.md").write_text("# Plans\n\n```{toctree}\nmfa\n```\n", encoding="utf-8")
    assert main(["new", "MFA rollout", "--id", "042", "-o", str(root / "mfa.md")]) == 0
    assert main(["check", str(root)]) == 0  # a draft: the scaffold is fine as it is
    plan = root / "mfa.md"
    plan.write_text(
        plan.read_text(encoding="utf-8").replace(":status: draft", ":status: in-review", 1),
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["check", str(root)]) == 1
    out = capsys.readouterr().out
    # one warning per object holding placeholders (the scaffold had 65, one per placeholder)
    lines = [line for line in out.splitlines() if line.endswith("[plan.placeholder]")]
    objects = re.findall(
        r"^.*/mfa\.md:\d+: (\w+ '[^']+') still holds (\d+) template "
        r"placeholders?: (.*); (?:the plan|plan '042') is in-review",
        out,
        re.M,
    )
    assert len(objects) == len(lines) and len(set(o[0] for o in objects)) == len(lines)
    for _what, count, listed in objects:
        assert len(re.findall(r"\(line \d+\)", listed)) == int(count)
    assert 20 <= len(lines) < 60, out
    assert sum(int(count) for _, count, _ in objects) >= 60
    risk = next(o for o in objects if o[0] == "risk '042-todo-first-risk'")
    assert risk[2].startswith("the title 'TODO' (line ")

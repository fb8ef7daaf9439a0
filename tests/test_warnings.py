"""Bad input: a precise plan.* warning at file:line, and nothing the author wrote is lost."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import build_warnings, plan_warnings, warning_lines

from sphinxcontrib_plan.config import CONSISTENCY_CHECKS
from sphinxcontrib_plan.export.json import SCHEMA_ID
from sphinxcontrib_plan.warnings import EXAMPLES, PlanWarning, subtypes_table

EXPECTED = [
    # (file:line, subtype, fragments of the message)
    ("index.md:12", "field", ["status", "'finished'", "draft, in-review, approved"]),
    ("index.md:13", "field", ["created", "'2024-13-45'", "YYYY-MM-DD"]),
    ("index.md:11", "field", ["'id' is required", "'bad-plan'"]),
    ("fields.md:7", "field", ["impact", "'hgh'", "did you mean 'high'", "low, medium, high"]),
    ("fields.md:8", "option", ["'likelyhood'", "did you mean 'likelihood'"]),
    ("fields.md:9", "field", ["review", "'next week'", "YYYY-MM-DD"]),
    ("fields.md:15", "field", ["weeks", "'4-2'", "end >= start"]),
    ("fields.md:16", "field", ["milestone", "'maybe'", "flag"]),
    ("fields.md:21", "field", ["'FETCH /things'", "GET, POST"]),
    ("fields.md:21", "consistency", ["no responses", "[responses]"]),
    ("fields.md:27", "nesting", ["plan-response", "plan-endpoint"]),
    ("orphans.rst:4", "orphan", ["Nobody's risk", "no plan"]),
    ("orphans.rst:12", "field", ["'approvedd'", "did you mean 'approved'"]),
    ("orphans.rst:10", "ref", ["'999'", "no plan directive declares", "plans: AP, bad-plan"]),
    ("more.md:12", "duplicate", ["'SAME'", "more.md:6"]),
    ("more.md:20", "cycle", ["PA → PB → PA"]),
    ("more.md:25", "ref", ["depends-on", "'P-NONE'"]),
    ("more.md:30", "consistency", ["high-severity", "no owner and no mitigation", "[risk-owner]"]),
    # every consistency rule, named in brackets so it can be switched off
    (
        "consistency.md:8",
        "consistency",
        ["'AP' is approved", "'left-pad'", "pending", "[dependency]"],
    ),
    (
        "consistency.md:19",
        "consistency",
        ["'AP-LAUNCH' starts (3)", "'AP-BUILD', ends (4)", "[phase-order]"],
    ),
    (
        "consistency.md:33",
        "consistency",
        ["'AP-ROLLOUT' starts (2024-03-10)", "(2024-03-20)", "[phase-order]"],
    ),
    ("consistency.md:39", "consistency", ["'AP-DOCS' is done", "1 of its 2", "[deliverables]"]),
    ("consistency.md:47", "consistency", ["'Tech Lead' is pending", "[signoff]"]),
    # a collector's :plan: and roles are checked once every document is read
    ("consistency.md:51", "ref", ["plan-risk-register", "'NOPE'", "plans: AP, bad-plan"]),
    ("consistency.md:54", "ref", ["{plan:phase}", "'AP-BILD'", "did you mean 'AP-BUILD'"]),
    (
        "consistency.md:54",
        "ref",
        ["{plan:risk}", "'AP-BUILD'", "a phase, not a risk", "{plan:phase}"],
    ),
    # reST options docutils rejects (dropping the directive): read again leniently
    ("rejected.rst:8", "option", ["'impact'", "more than once", "last value"]),
    ("rejected.rst:15", "option", ["'likelihood: low'", "did you mean ':likelihood: low'"]),
    ("rejected.rst:20", "option", ["'rate limit'", "spaces", "'rate-limit'"]),
    ("rejected.rst:26", "option", ["'content-type'", "more than once"]),
]

MARKERS = [
    "PLAN",
    "MISSPELLED",
    "WEEKS",
    "ENDPOINT",
    "RESPONSE",
    "ORPHAN",
    "DUPLICATE",
    "DEPENDENCY",
    "PHASE-ORDER",
    "TWICE",
    "STRAY",
    "SPACED",
    "NESTED",
]


@pytest.mark.sphinx("html", testroot="bad-input")
def test_every_problem_is_reported_precisely(app):
    app.build()
    warnings = plan_warnings(app)
    unmatched = list(warnings)
    for where, subtype, fragments in EXPECTED:
        match = [
            w
            for w in unmatched
            if f"{where}: WARNING" in w
            and f"[plan.{subtype}]" in w
            and all(f in w for f in fragments)
        ]
        assert match, f"no [plan.{subtype}] warning at {where} with {fragments}:\n" + "\n".join(
            warnings
        )
        unmatched.remove(match[0])
    assert unmatched == []
    assert "Traceback" not in app.warning.getvalue()


@pytest.mark.sphinx("html", testroot="bad-input")
def test_content_is_never_lost(app):
    app.build()
    html = "".join(p.read_text(encoding="utf-8") for p in Path(app.outdir).glob("*.html"))
    for marker in MARKERS:
        assert f"{marker}-MARKER kept" in html
    # the object with bad fields is still shown, with the fields that could be
    # read (its default status); a bad value and a misspelt option read as unset
    fields = (Path(app.outdir) / "fields.html").read_text(encoding="utf-8")
    misspelled = fields[
        fields.index('id="risk-bad-plan-misspelled"') : fields.index("MISSPELLED-MARKER")
    ]
    assert "plan-badge plan-status plan-status-open" in misspelled
    assert not re.search(r"Impact|Likelihood|Review|hgh|next week", misspelled)
    # a repeated reST option keeps its last value; a stray line is kept in the body
    rejected = (Path(app.outdir) / "rejected.html").read_text(encoding="utf-8")
    assert "plan-impact-medium" in rejected and "likelihood: low" in rejected
    assert "10/minute" in rejected


def test_rescued_directives_report_one_warning_each(make_app, tmp_path):
    """Options docutils would reject: a plan directive reads its own option
    lines, keeps its body and gives one warning per problem; another directive
    keeps docutils' error."""
    (tmp_path / "conf.py").write_text(
        'extensions = ["sphinxcontrib_plan"]\nshow_warning_types = True\n', encoding="utf-8"
    )
    (tmp_path / "index.rst").write_text(
        "Index\n=====\n\n.. plan:: Payments\n   :id: 001\n\n"
        ".. plan-risk:: Twice\n   :impact: low\n   :impact: high\n\n   TWICE kept.\n\n"
        ".. plan-risk:: Stray\n   :impact: low\n   owner: Alice\n\n"
        ".. note::\n   :class: a\n   :class: b\n\n   A note.\n",
        encoding="utf-8",
    )
    app = make_app("html", srcdir=tmp_path)
    app.build()
    stream = app.warning.getvalue().replace(str(tmp_path / "index.rst"), "index.rst")
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in stream.splitlines()]
    # in document order: each is reported while the directive is read
    assert lines == [
        "index.rst:9: WARNING: plan-risk: the option 'impact' is given more than once; "
        "the last value is used [plan.option]",
        "index.rst:15: WARNING: plan-risk: 'owner: Alice' is not an option (':name: value'); "
        "it is kept as text of the body; did you mean ':owner: Alice'? [plan.option]",
        'index.rst:17: ERROR: Error in "note" directive:',
        'invalid option data: duplicate option "class".',
        "",
        ".. note::",
        "   :class: a",
        "   :class: b",
        "",
        "   A note. [docutils]",
    ]
    html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    assert "plan-impact-high" in html and "TWICE kept." in html and "owner: Alice" in html


@pytest.mark.sphinx(
    "html",
    testroot="bad-input",
    confoverrides={"suppress_warnings": ["plan.consistency", "plan.field"]},
)
def test_subtypes_can_be_silenced(app):
    app.build()
    warnings = plan_warnings(app)
    assert not any("[plan.consistency]" in w or "[plan.field]" in w for w in warnings)
    assert any("[plan.cycle]" in w for w in warnings)


@pytest.mark.parametrize("rule", CONSISTENCY_CHECKS)
def test_consistency_checks_are_switchable(make_app, rootdir, tmp_path, rule):
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-bad-input", src)
    app = make_app("html", srcdir=src, confoverrides={"plan_consistency_checks": {rule: False}})
    app.build()
    consistency = [w for w in plan_warnings(app) if "[plan.consistency]" in w]
    # each consistency expectation names its rule as its last fragment
    expected = [e for e in EXPECTED if e[1] == "consistency" and e[2][-1] != f"[{rule}]"]
    assert len(consistency) == len(expected), consistency
    assert not any(f"[{rule}]" in w for w in consistency)


def _warning_set(app, src: Path) -> set[str]:
    return {w.replace(str(src), "SRC") for w in plan_warnings(app)}


def test_same_warnings_serial_parallel_and_incremental(make_app, rootdir, tmp_path):
    """A duplicate names both locations identically however the build ran; an
    incremental build repeats the problems of the documents it did not read."""
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-bad-input", src)
    serial = make_app("html", srcdir=src, builddir=tmp_path / "out1")
    serial.build()
    expected = _warning_set(serial, src)
    assert len(expected) == len(EXPECTED)
    parallel = make_app("html", srcdir=src, builddir=tmp_path / "out2", parallel=2)
    parallel.build()
    assert _warning_set(parallel, src) == expected
    # nothing changed: nothing is read again, every problem is still reported
    again = make_app("html", srcdir=src, builddir=tmp_path / "out1")
    again.build()
    assert "no targets are out of date" in again.status.getvalue()
    assert _warning_set(again, src) == expected
    # one document changed: its warnings come from reading it, the others' are repeated
    (src / "fields.md").write_text((src / "fields.md").read_text() + "\nMore text.\n")
    touched = make_app("html", srcdir=src, builddir=tmp_path / "out1")
    touched.build()
    assert _warning_set(touched, src) == expected


def test_fail_on_warning_lists_every_problem(rootdir, tmp_path, capsys):
    from sphinx.cmd.build import build_main

    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-bad-input", src)
    log = tmp_path / "warnings.txt"
    status = build_main(
        ["-b", "html", "-q", "-W", "--keep-going", "-w", str(log), str(src), str(tmp_path / "out")]
    )
    assert status != 0
    text = log.read_text(encoding="utf-8")
    lines = warning_lines(text)
    assert len(lines) == len(EXPECTED), text
    for where, subtype, _ in EXPECTED:
        assert any(f"{where}: WARNING" in line and f"[plan.{subtype}]" in line for line in lines)
    capsys.readouterr()


def test_subtypes_table_lists_every_subtype():
    table = dict(subtypes_table())
    assert set(table) == {w.code for w in PlanWarning}
    assert all(doc.strip() for doc in table.values())
    assert set(EXAMPLES) == set(PlanWarning)


def _example_project(src: Path, subtype: PlanWarning, snippet: str) -> None:
    """The snippet in example.md (or conf.py), with a plan unless it brings its own."""
    src.mkdir()
    conf = snippet if snippet.startswith("# conf.py") else ""
    # a configuration and a document: "# conf.py ... # example.md ..."
    conf, _, document = conf.partition("\n# example.md\n")
    snippet = (document or "# Example\n") if conf else snippet
    (src / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinxcontrib_plan"]\n'
        'myst_enable_extensions = ["colon_fence"]\n'
        f"show_warning_types = True\n{conf}\n",
        encoding="utf-8",
    )
    index = "# Index\n\n```{toctree}\nexample\n```\n"
    if "{plan}" not in snippet:
        index += "\n:::{plan} Payments\n:id: 001\n:::\n"
        if not snippet.startswith("---") and subtype is not PlanWarning.ORPHAN:
            snippet = '---\nplan: "001"\n---\n' + snippet
    if not re.search(r"^# ", snippet, re.MULTILINE):
        # a title after the front matter, which must come first
        head, sep, rest = (
            snippet.partition("\n---\n") if snippet.startswith("---") else ("", "", snippet)
        )
        snippet = f"{head}{sep}# Example\n\n{rest}"
    (src / "index.md").write_text(index, encoding="utf-8")
    (src / "example.md").write_text(snippet + "\n", encoding="utf-8")
    if "plan_drift" in conf:
        # the service's document the example compares with
        (src / "openapi.json").write_text(
            json.dumps(
                {
                    "openapi": "3.1.0",
                    "info": {"title": "Health", "version": "1"},
                    "paths": {"/health": {"get": {"responses": {"200": {"description": "up"}}}}},
                }
            ),
            encoding="utf-8",
        )
    if "plan_external" in conf:
        # the other project's plan.json the fixed example names: valid, and empty
        (src / "payments").mkdir()
        (src / "payments" / "plan.json").write_text(
            json.dumps(
                {
                    "$schema": SCHEMA_ID,
                    "schema_version": 1,
                    "project": "Payments",
                    "version": None,
                    "generator": {"name": "sphinxcontrib-plan", "version": "1"},
                    "plans": [],
                    "objects": [],
                }
            ),
            encoding="utf-8",
        )


@pytest.mark.parametrize("subtype", list(PlanWarning), ids=lambda w: w.value)
def test_examples_show_the_problem_and_its_fix(make_app, tmp_path, subtype):
    """The EXAMPLES the warnings page is made from: the bad input warns, the fix does not."""
    bad, good = EXAMPLES[subtype]
    for name, snippet in (("bad", bad), ("good", good)):
        src = tmp_path / name
        _example_project(src, subtype, snippet)
        app = make_app("html", srcdir=src)
        app.build()
        # plan_json takes a string ("auto"), so only the extension rejects "yes"
        warnings = plan_warnings(app)
        if name == "bad":
            assert any(f"[{subtype.code}]" in w for w in warnings), warnings
        else:
            assert warnings == [], warnings


def test_references_resolved_by_intersphinx_do_not_warn(make_app, tmp_path):
    """References are checked once every document is read; those another project's
    inventory resolves are left to intersphinx, and only the others warn."""
    other = tmp_path / "other"
    other.mkdir()
    (other / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinxcontrib_plan"]\n'
        'myst_enable_extensions = ["colon_fence"]\n',
        encoding="utf-8",
    )
    (other / "index.md").write_text(
        "# Other\n\n:::{plan} Other\n:id: 900\n:::\n\n"
        ":::{plan-risk} External risk\n:id: R-EXT\n:::\n",
        encoding="utf-8",
    )
    make_app("html", srcdir=other, builddir=other / "_build").build()
    inventory = other / "_build" / "html" / "objects.inv"
    src = tmp_path / "main"
    src.mkdir()
    (src / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinxcontrib_plan", "sphinx.ext.intersphinx"]\n'
        'myst_enable_extensions = ["colon_fence"]\nshow_warning_types = True\n'
        f'intersphinx_mapping = {{"other": ("https://other.example/", {str(inventory)!r})}}\n',
        encoding="utf-8",
    )
    (src / "index.md").write_text(
        "# Main\n\nSee {plan:risk}`R-EXT`, {plan:risk}`other:R-EXT` and {plan:risk}`R-NONE`.\n",
        encoding="utf-8",
    )
    app = make_app("html", srcdir=src)
    app.build()
    warnings = plan_warnings(app)
    assert len(warnings) == 1 and "'R-NONE'" in warnings[0] and "index.md:3" in warnings[0]
    html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    assert html.count("https://other.example/index.html#risk-r-ext") == 2


def test_edge_cases_warn_without_crashing(make_app, tmp_path):
    """Empty arguments, empty front matter, backwards dates, nested objects."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        "extensions = ['myst_parser', 'sphinxcontrib_plan']\n"
        "myst_enable_extensions = ['colon_fence']\nshow_warning_types = True\n"
    )
    (src / "index.md").write_text(
        "---\nplan:\n---\n# Edge\n\n:::{plan} P\n:id: P\n:::\n\n"
        ":::{plan-endpoint}\n:::\n\n"
        "::::{plan-endpoint} GET /x\n:::{plan-response}\n:::\n::::\n\n"
        ":::{plan-phase} Backwards\n:start: 2024-05-01\n:end: 2024-04-01\n:::\n\n"
        "::::{plan-phase} Outer\n:weeks: 1\n\n:::{plan-risk} Inner\n:impact: low\n"
        ":likelihood: low\n:::\n- [ ] outer item\n::::\n",
        encoding="utf-8",
    )
    app = make_app("html", srcdir=src, builddir=tmp_path / "out")
    app.build()
    warnings = plan_warnings(app)
    assert "Traceback" not in app.warning.getvalue()
    assert any("index.md:10" in w and "a title is required" in w for w in warnings)
    # nested on the very next line: MyST-Parser alone would say 15
    assert any("index.md:14" in w and "a title is required" in w for w in warnings), warnings
    assert any(
        "index.md:20" in w and "end 2024-04-01 is before start 2024-05-01" in w for w in warnings
    )
    # the empty front matter value is no plan: the plan directive above applies
    assert not any("[plan.orphan]" in w or "'null'" in w for w in warnings), warnings
    domain = app.env.get_domain("plan")
    inner = domain.index.by_id["P-inner"]
    assert inner.plan == "P"
    assert domain.index.by_id["P-outer"].checks == (0, 1)  # the nested risk has no items


@pytest.mark.parametrize("suffix", [".rst", ".md"])
def test_a_collector_with_a_body_keeps_its_table(make_app, tmp_path, suffix):
    """docutils drops a directive with a body it does not take, MyST keeps it:
    a collector keeps its table in both syntaxes, with one warning at the text."""
    (tmp_path / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinxcontrib_plan"]\n'
        'myst_enable_extensions = ["colon_fence"]\nshow_warning_types = True\n',
        encoding="utf-8",
    )
    if suffix == ".rst":
        text = (
            "Index\n=====\n\n.. plan:: P\n   :id: P\n\n.. plan-risk:: Leak\n   :impact: low\n\n"
            ".. plan-risk-register::\n   :columns: title\n\n   Stray text.\n"
        )
    else:
        text = (
            "# Index\n\n:::{plan} P\n:id: P\n:::\n\n:::{plan-risk} Leak\n:impact: low\n:::\n\n"
            ":::{plan-risk-register}\n:columns: title\n\nStray text.\n:::\n"
        )
    (tmp_path / f"index{suffix}").write_text(text, encoding="utf-8")
    app = make_app("html", srcdir=tmp_path)
    app.build()
    assert [w.split(": ", 1)[1] for w in build_warnings(app)] == [
        "WARNING: plan-risk-register has no body; the text below its options is ignored "
        "[plan.option]"
    ]
    assert f"index{suffix}:{13 if suffix == '.rst' else 14}:" in build_warnings(app)[0]
    html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    assert "Stray text" not in html and 'href="#risk-p-leak"' in html

"""``sphinx-plan import``: plain-Markdown plans in, plan directives out, built by Sphinx."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from conftest import load_plan_json

from sphinxcontrib_plan.cli import main
from sphinxcontrib_plan.importers.emit import (
    Directive,
    Document,
    Heading,
    Prose,
    write_myst,
    write_rst,
)
from sphinxcontrib_plan.importers.markdown import import_markdown
from sphinxcontrib_plan.importers.mdrst import parser

FIXTURES = Path(__file__).parent / "fixtures" / "import"
FILLED = FIXTURES / "saved-carts.md"
#: the shared implementation-plan template, as the project received it (a copy, so that
#: the test runs wherever the repository is)
TEMPLATE = Path(__file__).resolve().parent / "fixtures" / "import" / "plan-template.md"
CONF = """\
extensions = ["myst_parser", "sphinxcontrib_plan"]
myst_enable_extensions = ["colon_fence", "tasklist"]
exclude_patterns = ["_build"]
show_warning_types = True
"""

#: objects per type in saved-carts.md, counted by hand from the source
FILLED_COUNTS = {
    "plan": 1,
    "check": 8,
    "tech": 4,
    "service": 2,
    "dependency": 2,
    "pattern": 2,
    "component": 2,
    "table": 2,
    "migration": 1,
    "endpoint": 2,
    "response": 5,
    "event": 1,
    "role": 2,
    "test": 2,
    "alert": 2,
    "risk": 2,
    "phase": 3,
    "signoff": 3,
}
#: objects per type in the shared template, counted by hand: 5 compliance, "What to Log",
#: "Testing Rollback" and 3 documentation checklists; 9 technology rows (group rows aside);
#: the "Custom Metrics" code declares a Counter and a Histogram…
TEMPLATE_COUNTS = {
    "metric": 2,
    "plan": 1,
    "check": 10,
    "tech": 9,
    "service": 2,
    "dependency": 1,
    "pattern": 3,
    "component": 2,
    "table": 2,
    "migration": 1,
    "endpoint": 2,
    "response": 6,
    "event": 1,
    "role": 3,
    "test": 5,
    "alert": 4,
    "risk": 6,
    "phase": 4,
    "signoff": 4,
}


def run_import(*args: str | Path) -> int:
    return main(["import", *map(str, args)])


def build(make_app, srcdir: Path, source: Path, warningiserror: bool):
    srcdir.mkdir(parents=True, exist_ok=True)
    (srcdir / "conf.py").write_text(CONF, encoding="utf-8")
    (srcdir / f"index{source.suffix}").write_text(
        source.read_text(encoding="utf-8"), encoding="utf-8"
    )
    app = make_app("text", srcdir=srcdir, freshenv=True, warningiserror=warningiserror)
    app.build()
    return app


def type_counts(app) -> dict[str, int]:
    return dict(
        Counter(o["type"] for o in load_plan_json(app)["objects"])
        + Counter(plan=len(load_plan_json(app)["plans"]))
    )


def words(text: str) -> Counter[str]:
    return Counter(w.lower() for w in re.findall(r"\w+", text))


def source_words(markdown: str) -> Counter[str]:
    """The words of a Markdown text, without its markup, its table headers and
    its ``**Label**:`` labels (those become field names)."""
    tokens = parser().parse(markdown)
    out: list[str] = []
    in_head = False
    for tok in tokens:
        in_head = tok.type == "thead_open" or (in_head and tok.type != "thead_close")
        if tok.type in ("fence", "code_block"):
            out.append(tok.content)
        elif tok.type == "inline" and not in_head:
            text = re.sub(
                r"\*\*[^*\n]+?\*\*\s*(\([^)]*\))?\s*:|\*\*[^*\n]+?:\*\*", " ", tok.content
            )
            # task markers become counts or a sign-off status; the header's
            # "Specification: [link](url)" items become the plan's spec and constitution
            out.append(re.sub(r"^\[[ xX]\]|^(?:Specification|Constitution): \[[^]]*\]", " ", text))
    return words(re.sub(r"\]\([^)]*\)", "]", "\n".join(out)))


# ------------------------------------------------------------------ filled-in plan


@pytest.mark.parametrize("fmt", ["myst", "rst"])
def test_filled_plan_builds_clean_with_every_object(make_app, tmp_path, capsys, fmt):
    out = tmp_path / "out" / ("SC-7.md" if fmt == "myst" else "SC-7.rst")
    assert run_import(FILLED, "-o", out) == 0
    report = capsys.readouterr().out
    assert "plan SC-7 (Saved Carts for Zürich Checkout), 46 objects" in report
    assert re.search(r"plan-check\s+8\s+lines 25, 30, 35", report)
    app = build(make_app, tmp_path / "src", out, warningiserror=True)
    assert app.warning.getvalue() == ""
    assert type_counts(app) == FILLED_COUNTS

    objects = {o["title"]: o for o in load_plan_json(app)["objects"]}
    assert objects["PostgreSQL"]["fields"]["layer"] == "Data"  # bold cell: a plain title
    assert objects["PostgreSQL"]["fields"]["category"] == "Database"
    code = "`PricingPort`" if fmt == "myst" else "``PricingPort``"  # the value in each syntax
    assert objects["Stripe"]["fields"]["mitigation"] == f"Abstract behind {code}"
    assert objects["msgspec"]["fields"]["approval"] == "approved"
    assert objects["msgspec"]["fields"]["approved-by"] == "Tech Lead"
    assert objects["Stale prices in restored carts"]["fields"]["status"] == "mitigating"
    assert objects["Reminders"]["fields"]["depends-on"] == ["SC-7-foundation", "SC-7-cart-api"]
    assert objects["Cart API"]["fields"]["weeks"] == [3, 4]  # "Weeks 3–4"
    assert objects["cart.saved"]["fields"]["published-by"] == ["SC-7-cart-service"]
    assert objects["Reminder Worker"]["fields"]["depends-on"] == ["SC-7-cart-service"]
    assert objects["Cart API errors"]["fields"]["notify"] == "PagerDuty #checkout-oncall"
    assert objects["Tech Lead"]["fields"]["status"] == "approved"
    assert objects["Tech Lead"]["fields"]["date"] == "2024-03-05"

    text = (Path(app.outdir) / "index.txt").read_text(encoding="utf-8")
    assert "Runbook: RB-12" in text.replace("**", "")  # an extra column, in the body
    missing = source_words(FILLED.read_text(encoding="utf-8")) - words(text)
    assert not missing, f"words lost in the import: {dict(missing)}"


def test_filled_plan_report_says_what_stayed_prose(tmp_path, capsys):
    assert run_import(FILLED, "-o", tmp_path / "x.md") == 0
    report = capsys.readouterr().out
    assert "header: 'Reviewers' name no plan field" in report
    assert "'High-Level Design': only its checklists become objects" in report
    assert re.search(r"imported in \d+\.\d+ s", report)


# ------------------------------------------------------------------ the shared template


def test_template_imports_and_builds(make_app, tmp_path, capsys):
    out = tmp_path / "plan.md"
    assert run_import(TEMPLATE, "-o", out, "--id", "001") == 0
    capsys.readouterr()
    app = build(make_app, tmp_path / "src", out, warningiserror=False)
    assert type_counts(app) == TEMPLATE_COUNTS
    titles = {o["title"] for o in load_plan_json(app)["objects"]}
    assert {"[e.g., React]", "[e.g., Stripe]", "Stripe API downtime"} <= titles  # as written
    written = out.read_text(encoding="utf-8")
    assert ":status: [Draft / In Review / Approved / In Progress / Completed]" in written
    # the placeholders are the only problems: nothing else the import wrote is wrong
    for line in app.warning.getvalue().splitlines():
        assert re.search(r"\[|misc.highlighting_failure|plan.sql", line), line


# ------------------------------------------------------------------ values, ids, output

VALUES = {
    "condition": "> 90% of auth/mfa",
    "notify": "Slack #identity",
    "action": '"Quoted" then more',
    "labels": "a: b, c",
}


@pytest.mark.parametrize("writer,suffix", [(write_myst, ".md"), (write_rst, ".rst")])
def test_option_values_survive_the_writers(make_app, tmp_path, writer, suffix):
    alert = Directive("plan-alert", "Cart: errors > 2% #1")
    alert.option("condition", VALUES["condition"], markup=True)
    alert.option("notify", VALUES["notify"], markup=True)
    alert.option("action", VALUES["action"], markup=True)
    risk = Directive("plan-risk", "Colons: everywhere")
    risk.option("mitigation", "line one\nline two: 100%", markup=True)
    plan = Directive("plan", "Values")
    plan.option("id", "V1")
    doc = Document([Heading(1, "Values"), plan, alert, risk, Prose("% not a comment\n\n50% done")])
    source = tmp_path / f"values{suffix}"
    source.write_text(writer(doc), encoding="utf-8")
    app = build(make_app, tmp_path / "src", source, warningiserror=True)
    objects = {o["type"]: o for o in load_plan_json(app)["objects"]}
    assert objects["alert"]["title"] == "Cart: errors > 2% #1"
    for name in ("condition", "notify", "action"):
        assert objects["alert"]["fields"][name] == VALUES[name]
    assert objects["risk"]["fields"]["mitigation"].split() == "line one line two: 100%".split()
    assert "not a comment" in (Path(app.outdir) / "index.txt").read_text(encoding="utf-8")


def test_same_titles_get_distinct_ids(make_app, tmp_path, capsys):
    source = tmp_path / "redis.md"
    source.write_text(
        "# Plan: Cache\n\n**Feature ID**: C1\n**Status**: Draft\n\n## Tech Stack\n\n"
        "| Technology | Version |\n|---|---|\n| Redis | 7 |\n| Redis | 6 |\n\n"
        "## Architecture\n\n#### Component 1: Redis\n- **Responsibility**: caching\n",
        encoding="utf-8",
    )
    assert run_import(source, "-o", tmp_path / "out.md") == 0
    app = build(make_app, tmp_path / "src", tmp_path / "out.md", warningiserror=True)
    ids = [o["id"] for o in load_plan_json(app)["objects"]]
    assert len(ids) == len(set(ids)) == 3


def test_output_folder_is_created_and_id_names_the_file(tmp_path, capsys):
    assert (
        run_import(FILLED, "-o", f"{tmp_path}/plans/", "--id", "042", "--format", "rst", "-q") == 0
    )
    written = (tmp_path / "plans" / "042.rst").read_text(encoding="utf-8")
    assert ".. plan:: Saved Carts for Zürich Checkout\n   :id: 042" in written
    assert capsys.readouterr().out == ""


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    "content,message",
    [
        (b"", "the file is empty"),
        (b"Just some notes.\n\n- milk\n- eggs\n", "no plan found"),
        (b"# Plan\n\n**Status**: \xff\xfe draft\n", "is not UTF-8 text"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, content, message):
    source = tmp_path / "in.md"
    source.write_bytes(content)
    assert run_import(source, "-o", tmp_path / "out.md") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err
    assert not (tmp_path / "out.md").exists()


def test_missing_file_and_existing_output(tmp_path, capsys):
    assert run_import(tmp_path / "nope.md") == 2
    assert "does not exist" in capsys.readouterr().err
    target = tmp_path / "taken.md"
    target.write_text("mine\n", encoding="utf-8")
    assert run_import(FILLED, "-o", target) == 1
    err = capsys.readouterr().err
    assert "never overwrites" in err and err.count("\n") == 1
    assert target.read_text(encoding="utf-8") == "mine\n"


# ------------------------------------------------------------------ a Spec Kit plan

SPECKIT = FIXTURES / "order-export-speckit.md"


def test_speckit_plan_header_context_and_complexity(make_app, tmp_path, capsys):
    """A plan in the shape Spec Kit's ``/plan`` writes: the fields of its one-line
    header, a technology per labelled line of "Technical Context" (the other
    lines kept, in place, and reported) and "Complexity Tracking" rows as
    exemptions; built with -W, no word of the source lost."""
    out = tmp_path / "out" / "OE.md"
    assert run_import(SPECKIT, "-o", out, "--id", "OE") == 0
    report = capsys.readouterr().out
    assert "plan OE (Order Export), 16 objects" in report
    assert re.search(r"plan-tech\s+10\s+lines 13, 14, 14, 14, 14, 15, 16, 24, 25, 26\n", report)
    assert re.search(r"plan-exemption\s+1\s+line 58\n", report)
    assert "lines 3-4       header: 'Branch', 'Input' name no plan field" in report
    assert "note: line 59: a row with no value (| N/A | N/A | N/A |), not kept" in report
    assert (
        "lines 13-21     'Technical Context': 'Target Platform', 'Project Type', "
        "'Performance Goals', 'Constraints', 'Scale/Scope' name no technology" in report
    )

    app = build(make_app, tmp_path / "src", out, warningiserror=True)
    assert app.warning.getvalue() == ""
    data = load_plan_json(app)
    (plan,) = data["plans"]
    assert plan["fields"]["created"] == "2025-03-14"
    assert plan["fields"]["spec"] == "https://example.org/specs/004-order-export/spec.md"
    tech = [
        (
            o["title"],
            o["fields"].get("category"),
            o["fields"].get("version"),
            o["fields"].get("layer"),
        )
        for o in data["objects"]
        if o["type"] == "tech"
    ]
    assert tech == [
        ("Python", "Language/Version", "3.12", None),
        ("FastAPI", "Primary Dependencies", None, None),
        ("SQLAlchemy 2 (async, with asyncpg)", "Primary Dependencies", None, None),
        ("Celery", "Primary Dependencies", None, None),
        ("pyarrow", "Primary Dependencies", None, None),
        # one technology unless the label names a list: the value as written
        ("PostgreSQL 16 for orders; S3 for the export files", "Storage", None, None),
        ("pytest, Hypothesis", "Testing", None, None),
        ("Kubernetes", "Infrastructure", "1.29", "Backend"),
        ("RabbitMQ", "Infrastructure", "3.13", "Queue"),
        ("Nightly retention sweep, run by the platform team", "Infrastructure", None, None),
    ]
    (exemption,) = [o for o in data["objects"] if o["type"] == "exemption"]
    assert exemption["title"] == "A second queue (Celery)"
    assert exemption["fields"]["rationale"] == "Exports run for minutes"

    text = (Path(app.outdir) / "index.txt").read_text(encoding="utf-8")
    # the third column, in the body
    assert "Rejected Because**: Running them in the request times out" in " ".join(text.split())
    source = SPECKIT.read_text(encoding="utf-8").replace("| N/A | N/A | N/A |\n", "")
    missing = source_words(source) - words(text)
    assert not missing, f"words lost in the import: {dict(missing)}"


def test_technical_context_keeps_what_names_no_technology():
    result = import_markdown(
        "# Plan: Tools\n\n## Technical Context\n\n"
        "The choices were made with the platform team.\n\n"
        "**Tools**:\n- https://example.org/linter\n- CI: GitHub Actions\n",
        plan_id="T",
    )
    written = write_myst(result.document)
    assert "The choices were made with the platform team." in written
    assert ":::{plan-tech} https://example.org/linter\n:category: Tools\n:::" in written
    assert ":::{plan-tech} GitHub Actions\n:layer: CI\n:category: Tools\n:::" in written
    assert (5, 5, "'Technical Context': not a tech table, checklist or item") in (
        result.report.prose
    )


# ------------------------------------------------------------------ front matter, header wording

FRONT = """\
---
# written by the docs tool
title: Order export plan
status: draft
owner: Data Team
tags: [export, csv]
---

# Implementation Plan: Order Export

**Status:** Awaiting review by the architects

## Risks

| Risk | Mitigation |
|---|---|
| Slow exports | Run them in the background |
"""


@pytest.mark.parametrize("fmt,suffix", [("myst", ".md"), ("rst", ".rst")])
def test_front_matter_is_kept_and_names_plan_fields(make_app, tmp_path, capsys, fmt, suffix):
    """YAML front matter is written back as it was (a comment in reST, which has
    none), its keys that name plan fields set them, and no line of it becomes
    a heading or the plan's title."""
    source = tmp_path / "plan.md"
    source.write_text(FRONT, encoding="utf-8")
    out = tmp_path / "out" / f"OE{suffix}"
    assert run_import(source, "-o", out, "--id", "OE", "--format", fmt) == 0
    report = capsys.readouterr().out
    assert "plan OE (Order Export), 2 objects" in report
    assert "note: lines 1-7: the front matter is kept as written; 'status', 'owner' also " in (
        report
    )
    assert (
        "header: 'Status': 'Awaiting review by the architects' is not a value of the plan's "
        "status (one of draft, in-review, approved, in-progress, completed)" in report
    )
    written = out.read_text(encoding="utf-8")
    front = FRONT.split("\n\n", 1)[0]
    if fmt == "myst":
        assert written.startswith(front + "\n\n# Implementation Plan: Order Export\n")
    else:
        kept = "\n".join(f"   {line}" for line in front.split("\n"))
        assert written.startswith(f"..\n   The source's front matter, as written:\n\n{kept}\n")
    app = build(make_app, tmp_path / "src", out, warningiserror=True)
    assert app.warning.getvalue() == ""
    (plan,) = load_plan_json(app)["plans"]
    assert (plan["title"], plan["fields"]["status"], plan["fields"]["owner"]) == (
        "Order Export",
        "draft",
        "Data Team",
    )


def test_a_thematic_break_first_is_no_front_matter(tmp_path, capsys):
    source = tmp_path / "plan.md"
    source.write_text("---\n\nNotes first.\n\n---\n\n# Plan: X\n\n**Status**: draft\n")
    assert run_import(source, "-o", tmp_path / "x.md") == 0
    assert "front matter" not in capsys.readouterr().out
    assert (tmp_path / "x.md").read_text(encoding="utf-8").startswith("---\n\nNotes first.")


def test_a_plan_by_its_title_imports_with_nothing_structured(tmp_path, capsys):
    """A plan titled as one, in no shape the import knows, is imported: the plan
    and its sections as written, the report says so; a document that is no plan
    is still refused (test_bad_input_is_one_line_and_exit_2)."""
    source = tmp_path / "plan.md"
    source.write_text(
        "# Implementation Plan: Z\n\n## Approach\n\n"
        "- markers could be fragile\n  - unique names help\n",
        encoding="utf-8",
    )
    assert run_import(source, "-o", tmp_path / "z.md") == 0
    report = capsys.readouterr().out
    assert "plan z (Z), 1 object\n" in report
    assert "kept as prose (1 block):" in report
    assert "'Approach': no object type for this section" in report
    assert "note: no object found in the sections" in report
    assert "- markers could be fragile" in (tmp_path / "z.md").read_text(encoding="utf-8")


def test_a_relative_spec_link_is_the_field_only_when_the_document_is_there(tmp_path, capsys):
    """Spec Kit links the spec beside the plan (./spec.md): imported elsewhere, the
    link stays a link (it would name no document of the project); imported next
    to a spec.md, it is the plan's spec."""
    source = tmp_path / "specs" / "plan.md"
    source.parent.mkdir()
    source.write_text(
        "# Implementation Plan: X\n\n"
        "**Branch**: `001-x` | **Date**: 2026-01-10 | **Spec**: [spec.md](./spec.md)\n",
        encoding="utf-8",
    )
    docs = tmp_path / "docs"
    docs.mkdir()
    assert run_import(source, "-o", docs / "x.md") == 0
    report = capsys.readouterr().out
    assert f"note: line 3: Spec links './spec.md', which is not beside the output ({docs})" in (
        report
    )
    written = (docs / "x.md").read_text(encoding="utf-8")
    assert ":created: 2026-01-10\n" in written and ":spec:" not in written
    assert "**Spec**: [spec.md](./spec.md)" in written

    (docs / "spec.md").write_text("# Spec\n", encoding="utf-8")
    assert run_import(source, "-o", docs / "y.md") == 0
    written = (docs / "y.md").read_text(encoding="utf-8")
    assert ":spec: ./spec.md\n" in written and "[spec.md]" not in written


RISK_SHAPES = FIXTURES / "risk-shapes.md"


def test_risks_as_sections_and_as_list_items(make_app, tmp_path, capsys):
    """Risks written as "### Risk N: title" sections with their field lines (or
    field items), as "- **Risk**: title" items with nested field items, and as
    items led by a bold phrase: each a plan-risk, built with -W, no word lost."""
    out = tmp_path / "out" / "EX.md"
    assert run_import(RISK_SHAPES, "-o", out, "--id", "EX") == 0
    report = capsys.readouterr().out
    assert re.search(r"plan-risk\s+4\s+lines 7, 15, 22, 24\n", report)
    assert "kept as prose" not in report
    app = build(make_app, tmp_path / "src", out, warningiserror=True)
    assert app.warning.getvalue() == ""
    risks = [
        (o["title"], o["fields"].get("likelihood"), o["fields"].get("impact"))
        + (o["fields"].get("mitigation"),)
        for o in load_plan_json(app)["objects"]
        if o["type"] == "risk"
    ]
    assert risks == [
        ("Slow exports", "high", "medium", "Run them in the background"),
        ("Wrong merchant's data", "low", "high", "Filter by merchant in the query, and test it"),
        ("Marker-based communication could be fragile", None, None, "Use unique marker names"),
        ("Unschedulable pods", None, None, None),
    ]
    text = (Path(app.outdir) / "index.txt").read_text(encoding="utf-8")
    assert "The scheduler may not find room" in text
    missing = source_words(RISK_SHAPES.read_text(encoding="utf-8")) - words(text)
    assert not missing, f"words lost in the import: {dict(missing)}"


def test_a_list_describing_one_risk_is_no_list_of_risks(tmp_path, capsys):
    source = tmp_path / "plan.md"
    source.write_text(
        "# Plan: X\n\n**Status**: draft\n\n## Risks\n\n- **Owner**: Jon\n- **Impact**: high\n",
        encoding="utf-8",
    )
    assert run_import(source, "-o", tmp_path / "x.md") == 0
    assert "'Risks': not a risk table, checklist or item" in capsys.readouterr().out


def test_a_header_table_of_fields(make_app, tmp_path, capsys):
    """A ``| Field | Value |`` table under the title: rows naming plan fields set
    them, the others stay as a table of their own (and are reported)."""
    source = tmp_path / "plan.md"
    source.write_text(
        "# PRD FIX-4: Seeded dates expire\n\n| Field | Value |\n|---|---|\n"
        "| Ticket | FIX-4 |\n| Date | 2026-08-22 |\n| Status | draft |\n| **Owner** | QA |\n\n"
        "## Risks\n\n| Risk | Mitigation |\n|---|---|\n| Flaky test | Seed relative dates |\n",
        encoding="utf-8",
    )
    out = tmp_path / "out" / "F4.md"
    assert run_import(source, "-o", out, "--id", "F4") == 0
    assert "line 5          header: 'Ticket' name no plan field" in capsys.readouterr().out
    written = out.read_text(encoding="utf-8")
    assert ":created: 2026-08-22\n:status: draft\n:owner: QA\n" in written
    assert "| Field | Value |\n|---|---|\n| Ticket | FIX-4 |\n\n" in written
    app = build(make_app, tmp_path / "src", out, warningiserror=True)
    assert app.warning.getvalue() == ""
    (plan,) = load_plan_json(app)["plans"]
    assert (plan["fields"]["created"], plan["fields"]["owner"]) == ("2026-08-22", "QA")
    text = (Path(app.outdir) / "index.txt").read_text(encoding="utf-8")
    # the labels are field names now, as those of "**Date**:" lines ("Date" is "Created")
    missing = source_words(source.read_text(encoding="utf-8")) - words(text) - Counter(date=1)
    assert not missing, f"words lost in the import: {dict(missing)}"

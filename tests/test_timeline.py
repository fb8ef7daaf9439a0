"""Timelines in HTML: scales for long plans, dated and week phases, slack and the critical path."""

from __future__ import annotations

import re

import pytest
from conftest import load_plan_json, plan_warnings
from test_sections import html, table, tables


@pytest.fixture
def built(app):
    app.build()
    return app


def _summary(page: str, caption: str) -> str:
    after = page[page.index(caption) :]
    found = re.search(r'<p class="plan-note plan-timeline-summary">(.*?)</p>', after, re.S)
    assert found, caption
    return " ".join(re.sub(r"<[^>]+>", "", found.group(1)).split())


@pytest.mark.sphinx("html", testroot="timeline")
def test_a_104_week_timeline_has_26_labelled_blocks(built):
    timeline = table(built, "long", "Two-year timeline")
    labels = [c.text for c in timeline.head if "plan-time" in c.classes]
    assert labels == [f"W{n}–{n + 3}" for n in range(1, 105, 4)]
    assert "plan-timeline-month" in timeline.classes and "plan-timeline-dense" in timeline.classes
    assert [c.text for c in timeline.head[-3:]] == ["Depends on", "Slack", "Progress"]
    rows = {row[0].text: row for row in timeline.rows}
    # weeks 13-60 are blocks 4 to 15; the milestone of week 104 is in the last block
    data = [i for i, c in enumerate(rows["Data platform"][1:27], 1) if "plan-bar" in c.classes]
    assert data == list(range(4, 16))
    assert rows["Migration complete"][26].text == "◆"
    assert "plan-milestone" in rows["Migration complete"][26].classes
    # slack: the reporting rewrite may slip 20 weeks, into blocks 11 to 15
    assert rows["Reporting rewrite"][-2].text == "20 weeks"
    slack = [
        i for i, c in enumerate(rows["Reporting rewrite"][1:27], 1) if "plan-slack" in c.classes
    ]
    assert slack == list(range(11, 16))
    assert [
        rows[p][-2].text
        for p in (
            "Inventory and design",
            "Data platform",
            "Cut-over rehearsals",
            "Decommission the mainframe",
        )
    ] == ["Critical"] * 4
    assert rows["Migration complete"][-2].text == "1 week"
    page = html(built, "long")
    assert len(re.findall(r'<tr class="[^"]*\bplan-critical\b', page)) == 4
    assert _summary(page, "Two-year timeline") == (
        "Planned end: week 104. Critical path: Inventory and design, Data platform, "
        "Cut-over rehearsals, Decommission the mainframe. One column per month."
    )


@pytest.mark.sphinx("html", testroot="timeline")
def test_dated_and_week_phases_share_calendar_months(built):
    timeline = table(built, "dated", "Dated timeline")
    labels = [c.text for c in timeline.head if "plan-time" in c.classes]
    assert labels[0] == "2024-01" and labels[-1] == "2025-06" and len(labels) == 18
    rows = {row[0].text: row for row in timeline.rows}
    # the week phase (weeks 5-12 from Monday 2024-01-08) lies in February and March
    tooling = [
        labels[i - 1] for i, c in enumerate(rows["Tooling"][1:19], 1) if "plan-bar" in c.classes
    ]
    assert tooling == ["2024-02", "2024-03"]
    # ending on a Friday, started on the Monday after: no slack anywhere
    assert [row[-2].text for row in timeline.rows] == ["Critical"] * 4
    assert _summary(html(built, "dated"), "Dated timeline") == (
        "Planned end: week 78 (2025-06-30). Critical path: Pilot region, Tooling, "
        "National roll-out, Review. One column per month."
    )


@pytest.mark.sphinx("html", testroot="timeline")
def test_short_timeline_keeps_weeks_and_a_cycle_gives_no_path(built):
    short = table(built, "index", "Twelve-week timeline")
    assert [c.text for c in short.head] == [
        "Phase",
        *(f"W{n}" for n in range(1, 13)),
        "Depends on",
        "Slack",
        "Progress",
    ]
    assert "plan-timeline-week" in short.classes and "plan-timeline-dense" not in short.classes
    assert [row[-2].text for row in short.rows] == ["Critical", "Critical", "5 weeks", "Critical"]
    # the HTML polish drew the progress meter from the value kept on the figure's node
    assert "plan-meter plan-meter-30" in html(built, "index")
    loop = table(built, "index", "Circular timeline")
    assert [row[-2].text for row in loop.rows] == ["", ""]
    assert _summary(html(built, "index"), "Circular timeline") == (
        "Planned end: week 4. No critical path: the phases' dependencies form a cycle."
    )
    # the cycle keeps its warning
    assert any(
        "[plan.cycle]" in w and "loop-a → loop-b → loop-a" in w for w in plan_warnings(built)
    )


@pytest.mark.sphinx("text", testroot="timeline")
def test_text_builder_shows_labels_marks_and_slack(app):
    app.build()
    text = (app.outdir / "long.txt").read_text(encoding="utf-8")
    assert "W101–104" in text and "◆" in text and "20 weeks" in text and "Critical" in text
    assert "Planned end: week 104." in text


def test_tables_helper_reads_every_timeline(make_app, rootdir, tmp_path):
    """The three roots' timelines are all found (guards the captions the tests above read)."""
    app = make_app("html", srcdir=rootdir / "test-timeline", builddir=tmp_path)
    app.build()
    captions = [
        t.caption
        for page in ("index", "long", "dated")
        for t in tables(app, page)
        if "plan-timeline" in t.classes
    ]
    assert captions == [
        "Twelve-week timeline",
        "Circular timeline",
        "Two-year timeline",
        "Dated timeline",
    ]


@pytest.mark.sphinx("html", testroot="timeline")
def test_critical_and_slack_are_derived_fields_to_filter_and_sort_by(built):
    critical = table(built, "long", "Critical phases")
    assert {r[1].text for r in critical.rows} == {"0 weeks"}
    assert [r[0].text for r in critical.rows] == [
        "d-pilot",
        "d-tooling",
        "d-national",
        "d-review",
        "l-design",
        "l-data",
        "l-rehearsals",
        "l-decommission",
        "s-discovery",
        "s-build",
        "s-golive",
    ]
    by_slack = table(built, "long", "Phases by slack")
    # most slack first; phases of the cycle have none and come last
    assert [(r[0].text, r[1].text) for r in by_slack.rows][:3] == [
        ("l-reports", "20 weeks"),
        ("s-handbook", "5 weeks"),
        ("l-done", "1 week"),
    ]
    assert [r[1].text for r in by_slack.rows][-2:] == ["", ""]
    ends = table(built, "index", "Planned ends")
    assert ends.texts() == [
        ["loop", "week 4", "4"],
        ["short", "week 12", "12"],
        ["dated", "2025-06-30", "78"],
        ["long", "week 104", "104"],
    ]
    objects = {o["id"]: o for o in load_plan_json(built)["objects"]}
    assert objects["l-reports"]["derived"]["slack"] == 20
    assert objects["l-reports"]["derived"]["critical"] is False
    assert objects["l-data"]["derived"]["critical"] is True
    assert objects["loop-a"]["derived"]["critical"] is None
    plans = {p["id"]: p for p in load_plan_json(built)["plans"]}
    assert plans["dated"]["derived"]["planned-end"] == "2025-06-30"
    assert plans["long"]["derived"]["end-week"] == 104

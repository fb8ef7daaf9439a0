"""Timelines in HTML: scales for long plans, dated and week phases, slack and the critical path."""

from __future__ import annotations

import re

import pytest
from test_sections import html, table, tables

from conftest import plan_warnings


@pytest.fixture
def built(app):
    app.build()
    return app


def _summary(page: str, caption: str) -> str:
    after = page[page.index(caption):]
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
    slack = [i for i, c in enumerate(rows["Reporting rewrite"][1:27], 1) if "plan-slack" in c.classes]
    assert slack == list(range(11, 16))
    assert [rows[p][-2].text for p in ("Inventory and design", "Data platform",
                                       "Cut-over rehearsals", "Decommission the mainframe")] \
        == ["Critical"] * 4
    assert rows["Migration complete"][-2].text == "1 week"
    page = html(built, "long")
    assert len(re.findall(r'<tr class="[^"]*\bplan-critical\b', page)) == 4
    assert _summary(page, "Two-year timeline") == (
        "Planned end: week 104. Critical path: Inventory and design, Data platform, "
        "Cut-over rehearsals, Decommission the mainframe. One column per month.")


@pytest.mark.sphinx("html", testroot="timeline")
def test_dated_and_week_phases_share_calendar_months(built):
    timeline = table(built, "dated", "Dated timeline")
    labels = [c.text for c in timeline.head if "plan-time" in c.classes]
    assert labels[0] == "2024-01" and labels[-1] == "2025-06" and len(labels) == 18
    rows = {row[0].text: row for row in timeline.rows}
    # the week phase (weeks 5-12 from Monday 2024-01-08) lies in February and March
    tooling = [labels[i - 1] for i, c in enumerate(rows["Tooling"][1:19], 1) if "plan-bar" in c.classes]
    assert tooling == ["2024-02", "2024-03"]
    # ending on a Friday, started on the Monday after: no slack anywhere
    assert [row[-2].text for row in timeline.rows] == ["Critical"] * 4
    assert _summary(html(built, "dated"), "Dated timeline") == (
        "Planned end: week 78 (2025-06-30). Critical path: Pilot region, Tooling, "
        "National roll-out, Review. One column per month.")


@pytest.mark.sphinx("html", testroot="timeline")
def test_short_timeline_keeps_weeks_and_a_cycle_gives_no_path(built):
    short = table(built, "index", "Twelve-week timeline")
    assert [c.text for c in short.head] == ["Phase", *(f"W{n}" for n in range(1, 13)),
                                            "Depends on", "Slack", "Progress"]
    assert "plan-timeline-week" in short.classes and "plan-timeline-dense" not in short.classes
    assert [row[-2].text for row in short.rows] == ["Critical", "Critical", "5 weeks", "Critical"]
    # the progress cell is marked with its value, and the HTML polish drew its meter from it
    build = next(row for row in short.rows if row[0].text == "Build")
    assert "plan-percent-33" in build[-1].classes
    assert 'plan-meter plan-meter-30' in html(built, "index")
    loop = table(built, "index", "Circular timeline")
    assert [row[-2].text for row in loop.rows] == ["", ""]
    assert _summary(html(built, "index"), "Circular timeline") == (
        "Planned end: week 4. No critical path: the phases' dependencies form a cycle.")
    # the cycle keeps its warning
    assert any("[plan.cycle]" in w and "loop-a → loop-b → loop-a" in w for w in plan_warnings(built))


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
    captions = [t.caption for page in ("index", "long", "dated") for t in tables(app, page)
                if "plan-timeline" in t.classes]
    assert captions == ["Twelve-week timeline", "Circular timeline", "Two-year timeline",
                        "Dated timeline"]

"""HTML-only polish of rendered plans: scroll boxes for wide tables, whole dates, timeline meters.

Everything here only adds classes and generic containers that ``plan.css``
styles; other builders never see it and keep the plain standard nodes.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: the timeline's week headers ("W1"…) and progress cells ("3/5 (60%)")
_WEEK = re.compile(r"W\d+")
_PERCENT = re.compile(r"\((\d{1,3})%\)\s*$")
#: a date cell, kept on one line (browsers break after its hyphens)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class HtmlPolishTransform(SphinxPostTransform):
    """Wrap plan tables in scroll boxes, keep dates whole, draw timeline progress meters."""

    # after the collectors (5) and reference resolution (10) have built the
    # final tables, so every plan table of the page is seen once
    default_priority = 300
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        """Polish every plan table of the document."""
        for table in list(self.document.findall(nodes.table)):
            if "plan-table" not in table["classes"]:
                continue
            if "plan-timeline" in table["classes"]:
                self.polish_timeline(table)
            for entry in table.findall(nodes.entry):
                if _DATE.fullmatch(entry.astext().strip()):
                    entry["classes"].append("plan-date")
            self.wrap(table)

    @staticmethod
    def wrap(table: nodes.table) -> None:
        """Put *table* in a ``plan-scroll`` box that scrolls sideways when too wide.

        :param table: a plan table
        """
        parent = table.parent
        if isinstance(parent, nodes.container) and "plan-scroll" in parent["classes"]:
            return
        box = nodes.container(classes=["plan-scroll"])
        # not replace_self(): it would copy the table's ids and classes onto the box
        parent.replace(table, box)
        box += table

    @staticmethod
    def polish_timeline(table: nodes.table) -> None:
        """Mark week columns and add a meter below each progress figure.

        :param table: a ``plan-timeline`` table
        """
        head = next(iter(table.findall(nodes.thead)), None)
        if head is None or not head.children:
            return
        headers = [entry.astext().strip() for entry in head[0].children]
        for entry, text in zip(head[0].children, headers):
            if _WEEK.fullmatch(text):
                entry["classes"].append("plan-week")
        progress = headers.index("Progress") if "Progress" in headers else None
        for body in table.findall(nodes.tbody):
            for row in body.children:
                if progress is None or progress >= len(row.children):
                    continue
                entry = row[progress]
                match = _PERCENT.search(entry.astext())
                if not match or not entry.children:
                    continue
                decile = min(100, round(int(match.group(1)), -1))
                meter = nodes.inline("", "", classes=["plan-meter", f"plan-meter-{decile}"])
                meter += nodes.inline("", "", classes=["plan-meter-fill"])
                target = entry[-1] if isinstance(entry[-1], nodes.paragraph) else entry
                target += meter


def setup_html(app: Sphinx) -> None:
    """Register the HTML-only post-transform.

    :param app: the Sphinx application
    """
    app.add_post_transform(HtmlPolishTransform)

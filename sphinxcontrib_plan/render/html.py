"""HTML-only polish of rendered plans: scroll boxes for wide tables, whole dates, progress meters.

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

#: a date cell, kept on one line (browsers break after its hyphens)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: the class a renderer puts on a cell showing a percentage: ``plan-percent-60``
_PERCENT = "plan-percent-"


class HtmlPolishTransform(SphinxPostTransform):
    """Wrap plan tables in scroll boxes, keep dates whole, draw progress meters."""

    # after the collectors (5) and reference resolution (10) have built the
    # final tables, so every plan table of the page is seen once
    default_priority = 300
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        """Polish every plan table of the document."""
        for table in list(self.document.findall(nodes.table)):
            if "plan-table" not in table["classes"]:
                continue
            for entry in table.findall(nodes.entry):
                if _DATE.fullmatch(entry.astext().strip()):
                    entry["classes"].append("plan-date")
                percent = percent_of(entry)
                if percent is not None and entry.children:
                    self.meter(entry, percent)
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
    def meter(entry: nodes.entry, percent: int) -> None:
        """Add a meter below the figure of a progress cell.

        :param entry: a cell marked ``plan-percent-N`` by its renderer
        :param percent: N
        """
        decile = min(100, max(0, round(percent, -1)))
        meter = nodes.inline("", "", classes=["plan-meter", f"plan-meter-{decile}"])
        meter += nodes.inline("", "", classes=["plan-meter-fill"])
        target = entry[-1] if isinstance(entry[-1], nodes.paragraph) else entry
        target += meter


def percent_of(entry: nodes.Element) -> int | None:
    """The percentage a renderer marked on *entry* with a ``plan-percent-N`` class.

    :param entry: a table cell
    :return: N, or ``None`` when the cell shows no percentage
    """
    for cls in entry["classes"]:
        if cls.startswith(_PERCENT) and cls[len(_PERCENT):].isdigit():
            return int(cls[len(_PERCENT):])
    return None


def setup_html(app: Sphinx) -> None:
    """Register the HTML-only post-transform.

    :param app: the Sphinx application
    """
    app.add_post_transform(HtmlPolishTransform)

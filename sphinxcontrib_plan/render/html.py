"""HTML-only polish of rendered plans: scroll boxes for wide tables, progress meters.

Everything here only adds classes and generic containers that ``plan.css``
styles; other builders never see it and keep the plain standard nodes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from sphinxcontrib_plan.render.assets import has_plan_content

if TYPE_CHECKING:
    from sphinx.application import Sphinx


class HtmlPolishTransform(SphinxPostTransform):
    """Wrap plan tables in scroll boxes and draw progress meters."""

    # after the collectors (5) and reference resolution (10) have built the
    # final tables, so every plan table of the page is seen once
    default_priority = 300
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        """Polish every plan table of the document."""
        if not has_plan_content(self.env, self.env.docname, "collectors", "tables"):
            return
        for table in list(self.document.findall(nodes.table)):
            if "plan-table" not in table["classes"]:
                continue
            for figure in list(table.findall(nodes.inline)):
                # renderers keep a progress figure's percentage on its node
                if "plan-progress" in figure["classes"] and figure.get("plan_percent") is not None:
                    self.meter(figure, figure["plan_percent"])
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
    def meter(figure: nodes.inline, percent: int) -> None:
        """Add a meter after a progress figure.

        :param figure: an inline ``plan-progress`` figure carrying ``plan_percent``
        :param percent: its percentage
        """
        decile = min(100, max(0, round(percent, -1)))
        meter = nodes.inline("", "", classes=["plan-meter", f"plan-meter-{decile}"])
        meter += nodes.inline("", "", classes=["plan-meter-fill"])
        figure.parent.insert(figure.parent.index(figure) + 1, meter)


def setup_html(app: Sphinx) -> None:
    """Register the HTML-only post-transform.

    :param app: the Sphinx application
    """
    from sphinxcontrib_plan.render.html_light import HtmlLightTransform

    app.add_post_transform(HtmlPolishTransform)
    app.add_post_transform(HtmlLightTransform)

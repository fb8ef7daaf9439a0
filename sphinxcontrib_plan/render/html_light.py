"""The lightest tree for the HTML writers: the same page with fewer nodes (issue 29).

The objects and collectors render standard nodes that every builder reads.
Some of them the HTML writer does not write at all, and it walks them with
every later transform, the search indexer and the writer itself:

- the only paragraph of a field body or of a plan table's cell, when it holds
  text alone: its text takes its place (``<dd>Owner</dd>`` for ``<dd><p>Owner</p></dd>``; the
  package's CSS gives those paragraphs no margin, so the page looks the
  same), and an empty one is dropped (the cell stays);
- the target before an object's header writes a ``<span id>``: the id goes on
  the object's ``<div>`` instead, where links land just the same.

Only plan objects and plan tables are touched; text, LaTeX, man and the
other builders keep the full tree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from sphinxcontrib_plan.render.assets import has_plan_content

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def _plain(paragraph: nodes.paragraph) -> bool:
    """Whether *paragraph* carries nothing but its children (no ids, classes...)."""
    return not any(paragraph.get(key) for key in ("ids", "names", "classes", "dupnames"))


def splice(cell: nodes.Element) -> None:
    """Replace the only paragraph of a field body or table cell by its text, or drop
    it when empty. A paragraph holding inline elements stays: the writers expect
    inline elements (a link) inside a text element."""
    if len(cell.children) != 1 or not isinstance(cell[0], nodes.paragraph):
        return
    paragraph = cell[0]
    if not _plain(paragraph) or not all(isinstance(c, nodes.Text) for c in paragraph.children):
        return
    children = list(paragraph.children)
    paragraph.children = []
    cell.children = []
    cell.extend(children)


class HtmlLightTransform(SphinxPostTransform):
    """Leave out of plan objects and tables what the HTML writer does not write."""

    # last: every other post-transform sees the full tree
    default_priority = 990
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        """Lighten every plan object and plan table of the document."""
        if not has_plan_content(self.env, self.env.docname):
            return
        for container in list(self.document.findall(nodes.container)):
            if "plan-object" not in container["classes"]:
                continue
            first = container[0] if container.children else None
            if (
                isinstance(first, nodes.target)
                and first["ids"]
                and not container["ids"]
                and not first.get("refuri")
            ):
                container["ids"] = list(first["ids"])
                container.remove(first)
            for field_list in container.children:
                if isinstance(field_list, nodes.field_list):
                    for body in field_list.findall(nodes.field_body):
                        splice(body)
        for table in list(self.document.findall(nodes.table)):
            if "plan-table" in table["classes"]:
                for entry in table.findall(nodes.entry):
                    splice(entry)


def setup_html_light(app: Sphinx) -> None:
    """Register the transform.

    :param app: the Sphinx application
    """
    app.add_post_transform(HtmlLightTransform)

"""LaTeX-only compaction of object blocks: fields as a two-column table.

A field list is set by LaTeX as a description list, one label per line with
its value indented below it: a 40-object plan ran to dozens of pages. Here
each object's field list becomes a borderless two-column table (label,
value) that :mod:`~sphinxcontrib_plan.render.latex` lays out. Responses are
set inside their endpoint by ``sphinxcontribplan.sty`` (the
``plan-response`` container's environment). A code block in an object
longer than :data:`CHUNK` lines is cut into consecutive blocks: Sphinx's
frame of a code block breaks across pages, but stops TeX with "Dimension too
large" once the block is taller than about 16,000pt (some 1,400 lines).
A checklist (a list of ``[ ]``/``[x]`` items) goes into a ``plan-checklist``
container, whose environment drops the bullets: the items' boxes are their
marks (drawn by ``sphinxcontribplan.sty``, ☐ and ☑ in every engine).
Only standard nodes, only for the LaTeX builder; other builders keep the
field list and the whole code block.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from sphinxcontrib_plan.render.assets import has_plan_content

#: most lines of one code block in the PDF (wrapped lines take more room)
CHUNK = 300


class LatexObjectsTransform(SphinxPostTransform):
    """Turn each object's field list into a two-column table."""

    # after the collectors (5) and reference resolution (10), before the
    # table layout (300), which then lays out these tables too
    default_priority = 290
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        """Replace every ``plan-fields`` field list of the document."""
        if not has_plan_content(self.env, self.env.docname):
            return
        for flist in list(self.document.findall(nodes.field_list)):
            if "plan-fields" in flist["classes"]:
                flist.replace_self(latex_fields_table(flist))
        for block in list(self.document.findall(nodes.literal_block)):
            if _in_object(block) and block.astext().count("\n") >= CHUNK:
                block.replace_self(split_code(block))
        for items in list(self.document.findall(nodes.bullet_list)):
            if items.children and all(
                "plan-check-item" in item["classes"]
                for item in items.children
                if isinstance(item, nodes.Element)
            ):
                items.replace_self(
                    nodes.container("", items.deepcopy(), classes=["plan-checklist"])
                )


def _in_object(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.container) and "plan-object" in parent["classes"]:
            return True
        parent = parent.parent
    return False


def split_code(block: nodes.literal_block, size: int = CHUNK) -> list[nodes.literal_block]:
    """*block* as consecutive code blocks of at most *size* lines each.

    :param block: a code block
    :param size: lines per block
    :return: the blocks; line numbers, when shown, carry on from one to the next
    """
    lines = block.astext().split("\n")
    parts = []
    for first in range(0, len(lines), size):
        part = block.deepcopy()
        text = "\n".join(lines[first : first + size])
        part.children = []
        part += nodes.Text(text)
        part.rawsource = text
        if first:
            part["ids"] = []
            args: dict[str, Any] = dict(part.get("highlight_args", {}))
            args["linenostart"] = args.get("linenostart", 1) + first
            part["highlight_args"] = args
        parts.append(part)
    return parts


def latex_fields_table(flist: nodes.field_list) -> nodes.table:
    """A borderless table of label and value rows holding the fields of *flist*.

    :param flist: a ``plan-fields`` field list
    :return: the table (the field list's nodes are moved into it)
    """
    classes = [c for c in flist["classes"] if c != "plan-fields"]
    table = nodes.table(
        classes=["plan-table", "plan-fields-table", "borderless", "nocolorrows", *classes]
    )
    group = nodes.tgroup(cols=2)
    table += group
    group += nodes.colspec(colwidth=1)
    group += nodes.colspec(colwidth=4)
    body = nodes.tbody()
    group += body
    for field in flist.findall(nodes.field):
        name, value = field[0], field[1]
        label = nodes.entry(classes=["plan-field-name"])
        label += nodes.paragraph("", "", nodes.strong(name.astext(), name.astext()))
        content = nodes.entry(classes=["plan-field-body"])
        content.extend(value.children)
        body += nodes.row("", label, content)
    return table

"""Docs-only: the node factories the reference pages are built from (plain
docutils nodes: paragraphs with inline literals, tables, field lists, links)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes

from sphinxcontrib_plan.model.ids import METHODS
from sphinxcontrib_plan.model.typespec import FieldSpec, Kind
from sphinxcontrib_plan.render import nodes as render_nodes
from sphinxcontrib_plan.render.nodes import joined

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from sphinxcontrib_plan.model.typespec import ObjectType

_INLINE = re.compile(r"``(.+?)``|`([^`]+)`")


# -- node factories ------------------------------------------------------------


def inline_nodes(text: str) -> list[nodes.Node]:
    """Help text from the code as nodes: ````x```` and ```x``` become literals.

    :param text: a help string or docstring
    :return: Text and literal nodes
    """
    result: list[nodes.Node] = []
    pos = 0
    for match in _INLINE.finditer(text):
        if match.start() > pos:
            result.append(nodes.Text(text[pos : match.start()]))
        code = match.group(1) or match.group(2)
        result.append(nodes.literal(code, code))
        pos = match.end()
    if pos < len(text):
        result.append(nodes.Text(text[pos:]))
    return result


def para(*items: str | nodes.Node) -> nodes.paragraph:
    """A paragraph of help strings (see :func:`inline_nodes`) and nodes."""
    node = nodes.paragraph()
    for item in items:
        node.extend(inline_nodes(item) if isinstance(item, str) else [item])
    return node


def lit(text: str) -> nodes.literal:
    """An inline literal."""
    return nodes.literal(text, text)


def label_ref(label: str, content: nodes.Node) -> addnodes.pending_xref:
    """A link to a ``(label)=`` of the docs; an unknown label fails the build."""
    node = addnodes.pending_xref(
        "", refdomain="std", reftype="ref", reftarget=label, refexplicit=True, refwarn=True
    )
    node += content
    return node


def plan_ref(role: str, target: str) -> addnodes.pending_xref:
    """A ``{plan:<role>}`` reference, resolved by the plan domain like the role's."""
    node = addnodes.pending_xref(
        "", refdomain="plan", reftype=role, reftarget=target, refexplicit=False, refwarn=True
    )
    node += nodes.inline(target, target)
    return node


def cell(content: Any) -> list[nodes.Node]:
    """A table cell or field body: help strings (see :func:`inline_nodes`) and nodes.

    :param content: a string, a node, or a list of them
    :return: body nodes
    """
    items = content if isinstance(content, (list, tuple)) else [content]
    if any(isinstance(i, nodes.Body) for i in items):
        return list(items)
    return [para(*[i for i in items if i is not None and i != ""])]


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    widths: Sequence[int] | None = None,
    ident: str = "",
) -> nodes.table:
    """The package's table (:func:`sphinxcontrib_plan.render.nodes.table`) of help strings.

    :param headers: column titles
    :param rows: cells per row, see :func:`cell`
    :param widths: relative column widths (default: equal)
    :param ident: an id for the table (collector pages give theirs one too)
    :return: the table node
    """
    tbl = render_nodes.table(
        headers,
        [[cell(c) for c in cells] for cells in rows],
        classes=["plan-docs-table"],
        widths=widths or [1] * len(headers),
    )
    if widths:
        tbl["classes"].append("colwidths-given")
    if ident:
        tbl["ids"].append(ident)
    return tbl


def field_list(rows: Iterable[tuple[str, Any]]) -> nodes.field_list:
    """A field list of ``(name, content)`` rows, see :func:`cell`."""
    flist = nodes.field_list()
    for name, content in rows:
        flist += nodes.field("", nodes.field_name(name, name), nodes.field_body("", *cell(content)))
    return flist


def directive_name(otype: ObjectType) -> str:
    """``plan`` for plans, ``plan-<name>`` for every other type."""
    return "plan" if otype.name == "plan" else f"plan-{otype.name}"


def default_text(spec: FieldSpec) -> list[nodes.Node] | str:
    if spec.default is None:
        return "—"
    if spec.kind is Kind.FLAG:
        return "absent" if spec.default is False else "present"
    return [lit(str(spec.default))]


def argument_text(otype: ObjectType) -> list[str | nodes.Node]:
    if otype.argument == "signature":
        return [
            "The signature ``METHOD /path``; methods: ",
            *joined(lit(m) for m in METHODS),
            ". Path parameters are written ``{name}``.",
        ]
    if otype.argument == "response":
        return [
            "``CODE [reason]``, e.g. ``201 Created``; also ``4XX``-style ranges and ``default``."
        ]
    if otype.argument == "optional":
        return ["An optional title (the type label is shown without one)."]
    return ["The title (required)."]

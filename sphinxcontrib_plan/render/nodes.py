"""Small factories of standard docutils nodes shared by every renderer."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, cast

from docutils import nodes
from sphinx import addnodes

from sphinxcontrib_plan.model.ids import slug

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    from sphinxcontrib_plan.model.collectors import TableMode


class plan_collector(nodes.General, nodes.Element):
    """Placeholder of a collector directive, replaced by its rendering (in
    :mod:`sphinxcontrib_plan.render.transform`) before any writer runs."""


class plan_finished(nodes.General, nodes.Element):
    """Finished nodes of an HTML page (:attr:`held`), written by the page's
    translator where this node stands (:mod:`sphinxcontrib_plan.render.finished`);
    its children are what the search index reads of them."""

    held: list[nodes.Node]
    #: the HTML written for them, once written
    html: str | None = None

    def copy(self) -> plan_finished:
        """A copy holding the same finished nodes."""
        new = super().copy()
        new.held, new.html = self.held, self.html
        return new

    def deepcopy(self) -> plan_finished:
        """A copy holding copies of the finished nodes."""
        new = super().deepcopy()
        new.held, new.html = [node.deepcopy() for node in self.held], self.html
        return new


def held(doctree: nodes.Node, condition: type[nodes.Node]) -> Iterator[nodes.Node]:
    """The nodes of kind *condition* in *doctree*, including those held finished.

    :param doctree: a resolved tree
    :param condition: a node class
    :return: the nodes, in document order
    """
    for node in doctree.findall(lambda n: isinstance(n, (condition, plan_finished))):
        if isinstance(node, plan_finished):
            for part in node.held:
                yield from held(part, condition)
        else:
            yield node


def display(value: str) -> str:
    """Human form of a canonical enum value: ``in-review`` → ``In Review``.

    :param value: canonical value
    :return: display text
    """
    return " ".join(part.capitalize() for part in value.replace("-", " ").split())


def badge(kind: str, value: str, text: str | None = None) -> nodes.inline:
    """An inline badge carrying ``plan-badge plan-<kind>-<value>`` classes.

    :param kind: what the value is, e.g. ``impact``, ``status``, ``method``
    :param value: the canonical value
    :param text: display text (default: :func:`display` of *value*)
    :return: the node
    """
    return nodes.inline(
        "", text if text is not None else display(value), classes=list(_badge_classes(kind, value))
    )


@lru_cache(maxsize=4096)
def _badge_classes(kind: str, value: str) -> tuple[str, ...]:
    """The classes of a badge, made once per kind and value (thousands of badges share a few)."""
    return "plan-badge", f"plan-{slug(kind)}", f"plan-{slug(kind)}-{slug(value)}"


def xref(
    target: str,
    reftype: str,
    fromdoc: str,
    text: str | None = None,
    *,
    field: bool = False,
    content: nodes.Node | None = None,
) -> addnodes.pending_xref:
    """A ``pending_xref`` to a plan object, resolved later by the plan domain.

    :param target: the object id (or an endpoint signature)
    :param reftype: role name: a type, or ``ref`` for any
    :param fromdoc: the document holding the reference
    :param text: link text; ``None`` lets the domain use the object's title
    :param field: the reference comes from a field that resolve.py already checks,
        so a missing target must not warn twice
    :param content: link content other than text (e.g. a badge)
    :return: the node
    """
    node = addnodes.pending_xref(
        "",
        refdomain="plan",
        reftype=reftype,
        reftarget=target,
        refdoc=fromdoc,
        refexplicit=text is not None or content is not None,
        refwarn=True,
    )
    if field:
        node["plan_field"] = True
    node += content or nodes.inline(text or target, text or target, classes=["plan-xref"])
    return node


def cell_nodes(value: object) -> list[nodes.Node]:
    """Nodes for a table cell or field body from text, a node or a list of nodes.

    :param value: the content
    :return: body-level nodes
    """
    if value is None or value == "":
        return [nodes.paragraph("", "")]
    if isinstance(value, str):
        return [nodes.paragraph(value, value)]
    items = [value] if isinstance(value, nodes.Node) else list(cast("Iterable[nodes.Node]", value))
    if all(isinstance(i, (nodes.Inline, nodes.Text)) for i in items):
        para = nodes.paragraph()
        para.extend(items)
        return [para]
    return items


def joined(items: Sequence[nodes.Node], sep: str = ", ") -> list[nodes.Node]:
    """Inline nodes separated by *sep*.

    :param items: inline nodes
    :param sep: separator text
    :return: the interleaved list
    """
    out: list[nodes.Node] = []
    for i, item in enumerate(items):
        if i:
            out.append(nodes.Text(sep))
        out.append(item)
    return out


def field_list(rows: Sequence[tuple[str, object]], classes: Sequence[str] = ()) -> nodes.field_list:
    """A field list of ``(label, content)`` rows.

    :param rows: labels and cell contents
    :param classes: extra classes
    :return: the node
    """
    flist = nodes.field_list(classes=["plan-fields", *classes])
    for label, content in rows:
        body = nodes.field_body()
        body.extend(cell_nodes(content))
        flist += nodes.field("", nodes.field_name(label, label), body)
    return flist


def table(
    headers: Sequence[str | nodes.Node],
    rows: Sequence[Sequence[object]],
    *,
    caption: str | None = None,
    classes: Sequence[str] = (),
    widths: Sequence[int] | None = None,
    row_classes: Sequence[Sequence[str]] | None = None,
    columns: Sequence[str | None] | None = None,
    records: Sequence[str | None] | None = None,
    mode: TableMode | None = None,
) -> nodes.table:
    """A standard table with a header row.

    What the columns and rows are is kept on the nodes for transforms that
    enhance a table (sorting in HTML), so they never read it back from text.

    :param headers: column titles (text or nodes)
    :param rows: cell contents (text, nodes or lists of nodes)
    :param caption: optional table title
    :param classes: extra classes of the table
    :param widths: relative column widths (default: equal)
    :param row_classes: classes of each body row
    :param columns: the field or derived value each column shows (``None``: other)
    :param records: the id of the object each body row shows (``None``: none)
    :param mode: how it behaves in the browser (``None``: static), from the
        collector registry
    :return: the node
    """
    tbl = nodes.table(classes=["plan-table", *classes])
    if mode is not None:
        tbl["plan_sort"], tbl["plan_group"] = mode.sort, mode.group
    if columns is not None:
        tbl["plan_columns"] = list(columns)
    if caption:
        tbl += nodes.title(caption, caption)
    group = nodes.tgroup(cols=len(headers))
    tbl += group
    for width in widths or _natural_widths(headers, rows):
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    head += _row(headers)
    body = nodes.tbody()
    group += body
    grid = True
    for i, cells in enumerate(rows):
        row = _row(cells)
        grid = grid and not any(
            isinstance(e, nodes.Element) and (e.get("morerows") or e.get("morecols"))
            for e in row.children
        )
        if row_classes:
            row["classes"].extend(row_classes[i])
        if records is not None and records[i] is not None:
            row["plan_record"] = records[i]
        body += row
    if not rows:
        # an empty tbody is invalid in several writers (LaTeX among them)
        body += _row(["—"] + [""] * (len(headers) - 1))
    # one header row, no spanning cell: what sorting in the browser needs, known here
    tbl["plan_grid"] = grid
    return tbl


def _natural_widths(
    headers: Sequence[str | nodes.Node], rows: Sequence[Sequence[object]]
) -> list[int]:
    """Column widths from the text they hold, capped so no column takes the page.

    The text writer reads widths as characters and the LaTeX writer as
    proportions, so natural widths serve both.
    """
    # a header may be a node (a link to a role, say): measure its text
    widths = [max(4, min(len(h.astext() if isinstance(h, nodes.Node) else h), 20)) for h in headers]
    for cells in rows[:200]:
        for i, cell in enumerate(cells):
            text = (
                cell.astext()
                if isinstance(cell, nodes.Node)
                else (
                    "".join(c.astext() for c in cell) if isinstance(cell, list) else str(cell or "")
                )
            )
            widths[i] = max(widths[i], min(len(text), 40))
    return widths


def _row(cells: Sequence[object]) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry()
        if isinstance(cell, nodes.entry):
            entry = cell
        else:
            entry.extend(cell_nodes(cell))
        row += entry
    return row


def note(text: str) -> nodes.paragraph:
    """A visible note inside a collector (empty result, broken filter).

    :param text: the note
    :return: the node
    """
    return nodes.paragraph(text, text, classes=["plan-note"])

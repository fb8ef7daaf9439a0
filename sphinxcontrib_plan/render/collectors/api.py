"""``plan-api-index``: endpoints grouped by path."""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING

from docutils import nodes

from sphinxcontrib_plan.model.collectors import draws
from sphinxcontrib_plan.model.ids import METHODS
from sphinxcontrib_plan.render.collectors import external_classes
from sphinxcontrib_plan.render.nodes import table, xref

if TYPE_CHECKING:
    from sphinxcontrib_plan.model.records import ObjectRecord
    from sphinxcontrib_plan.render.collectors import Context


def _path_order(endpoint: ObjectRecord) -> tuple[str, int]:
    """By path, then methods in their conventional order (GET, POST, PUT...)."""
    data = endpoint.endpoint
    if data is None:
        return "", len(METHODS)
    return data.path, METHODS.index(data.method) if data.method in METHODS else len(METHODS)


@draws("api-index")
def render(ctx: Context) -> list[nodes.Node]:
    """One table; rows grouped by path, methods in their conventional order.

    :param ctx: the collector context
    :return: nodes
    """
    endpoints = ctx.select()
    if not ctx.sort:
        endpoints.sort(key=_path_order)
    columns = ctx.shown
    headers = ["Path", *(ctx.label(c) for c in columns)]
    rows = []
    ids: list[str | None] = []
    marks: list[list[str]] = []
    for path, group in groupby(endpoints, key=lambda r: r.endpoint.path if r.endpoint else ""):
        for i, endpoint in enumerate(group):
            first = nodes.literal(path, path) if i == 0 else ""
            cells: list[object] = [first]
            for c in columns:
                if c == "method":
                    method: list[nodes.Node] = [
                        xref(endpoint.id, "ref", ctx.docname, content=ctx.cell(endpoint, c))
                    ]
                    for flag in ("deprecated", "webhook"):
                        if endpoint.fields.get(flag):
                            method.append(nodes.emphasis(f" {flag}", f" {flag}"))
                    cells.append(method)
                else:
                    cells.append(ctx.cell(endpoint, c))
            rows.append(cells)
            ids.append(endpoint.id)
            marks.append(external_classes(endpoint))
    return [
        table(
            headers,
            rows,
            caption=ctx.caption or None,
            classes=["plan-api-index"],
            columns=["path", *columns],
            records=ids,
            row_classes=marks,
            mode=ctx.mode,
        )
    ]

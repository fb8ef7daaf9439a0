"""``plan-rbac-matrix``: permissions × roles, and the endpoints needing each permission."""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes

from sphinxcontrib_plan.model.collectors import draws
from sphinxcontrib_plan.render.nodes import joined, table

if TYPE_CHECKING:
    from sphinxcontrib_plan.model.records import ObjectRecord
    from sphinxcontrib_plan.render.collectors import Context

#: the mark of a granted permission: a character every writer prints, LaTeX
#: included (Sphinx maps it to ``\checkmark``), never an image or raw HTML
GRANTED = "✓"


def _mark(granted: bool) -> nodes.entry:
    entry = nodes.entry(classes=["plan-rbac-cell", "plan-granted" if granted else "plan-denied"])
    text = GRANTED if granted else ""
    entry += nodes.paragraph(text, text)
    return entry


@draws("rbac-matrix")
def render(ctx: Context) -> list[nodes.Node]:
    """One row per permission: a ✓ under each role granting it, then the endpoints needing it.

    Roles are the columns, in ``:sort:`` order and as ``:filter:`` keeps them.
    Permissions come in the order the roles name them, then those only
    endpoints name; the latter are granted by no role and marked so.

    :param ctx: the collector context
    :return: nodes
    """
    roles = ctx.select()
    endpoints = ctx.select("endpoint", apply_query=False)
    needed: dict[str, list[ObjectRecord]] = {}
    for endpoint in endpoints:
        for permission in endpoint.fields.get("permissions", ()):
            needed.setdefault(permission, []).append(endpoint)
    permissions: dict[str, None] = {}
    for role in roles:
        permissions.update(dict.fromkeys(role.fields.get("permissions", ())))
    granted_anywhere = {
        p for r in ctx.select(apply_query=False) for p in r.fields.get("permissions", ())
    }
    permissions.update(dict.fromkeys(needed))
    rows: list[list[object]] = []
    row_classes: list[list[str]] = []
    for permission in permissions:
        first: list[nodes.Node] = [nodes.Text(permission)]
        if permission not in granted_anywhere:
            first.append(nodes.emphasis(" (no role grants it)", " (no role grants it)"))
        users = joined([ctx.link(e) for e in needed.get(permission, ())])
        rows.append(
            [first, *(_mark(permission in r.fields.get("permissions", ())) for r in roles), users]
        )
        row_classes.append([] if permission in granted_anywhere else ["plan-ungranted"])
    headers: list[str | nodes.Node] = ["Permission", *(ctx.link(r) for r in roles), "Needed by"]
    out: list[nodes.Node] = [
        table(
            headers,
            rows,
            caption=ctx.caption or "Roles × permissions",
            classes=["plan-rbac-matrix"],
            row_classes=row_classes,
            mode=ctx.mode,
        )
    ]
    if ctx.columns:
        out.append(ctx.records_table(roles, caption="Roles"))
    return out

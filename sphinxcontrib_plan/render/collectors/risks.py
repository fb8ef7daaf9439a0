"""``plan-risk-register`` and ``plan-risk-matrix``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes

from sphinxcontrib_plan.model.collectors import draws
from sphinxcontrib_plan.model.severity import Severity
from sphinxcontrib_plan.model.types import LEVEL as _LEVELS
from sphinxcontrib_plan.render.nodes import cell_nodes, display, joined, table

if TYPE_CHECKING:
    from sphinxcontrib_plan.render.collectors import Context


@draws("risk-register")
def render_register(ctx: Context) -> list[nodes.Node]:
    """The risk register, highest severity first unless ``:sort:`` says otherwise.

    :param ctx: the collector context
    :return: nodes
    """
    return [ctx.records_table(ctx.select())]


@draws("risk-matrix")
def render_matrix(ctx: Context) -> list[nodes.Node]:
    """A 3×3 heat map: likelihood rows (high on top) × impact columns.

    :param ctx: the collector context
    :return: nodes
    """
    cells: dict[tuple[str, str], list[nodes.Node]] = {}
    unplaced = []
    for risk in ctx.select():
        likelihood, impact = risk.fields.get("likelihood"), risk.fields.get("impact")
        if not isinstance(likelihood, str) or not isinstance(impact, str):
            unplaced.append(risk)
            continue
        cells.setdefault((likelihood, impact), []).append(ctx.link(risk, risk.id))
    rows = []
    for likelihood in reversed(_LEVELS):
        row: list[object] = [nodes.strong(display(likelihood), display(likelihood))]
        for impact in _LEVELS:
            severity = Severity.of({"impact": impact, "likelihood": likelihood})
            assert severity is not None  # both levels are given
            entry = nodes.entry(
                classes=["plan-heat", f"plan-heat-{severity.level}", f"plan-heat-{severity.score}"]
            )
            entry.extend(cell_nodes(joined(cells.get((likelihood, impact), []))))
            row.append(entry)
        rows.append(row)
    caption = ctx.caption or "Risk matrix: likelihood × impact"
    out: list[nodes.Node] = [
        table(
            ["Likelihood \\ Impact", *(display(i) for i in _LEVELS)],
            rows,
            caption=caption,
            classes=["plan-risk-matrix"],
        )
    ]
    legend = nodes.paragraph(classes=["plan-legend"])
    legend += nodes.Text("Severity = impact × likelihood: ")
    legend += joined(
        [
            nodes.inline(text, text, classes=["plan-badge", f"plan-heat-{level}"])
            for level, text in (
                ("low", "Low (1–2)"),
                ("medium", "Medium (3–4)"),
                ("high", "High (6–9)"),
            )
        ]
    )
    out.append(legend)
    if unplaced:
        para = nodes.paragraph(classes=["plan-note"])
        para += nodes.Text("Not placed (impact or likelihood missing): ")
        para.extend(joined([ctx.link(r, r.id) for r in unplaced]))
        out.append(para)
    return out

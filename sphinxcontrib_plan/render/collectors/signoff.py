"""``plan-signoff-summary`` and ``plan-overview``."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from docutils import nodes

from sphinxcontrib_plan.model.collectors import draws
from sphinxcontrib_plan.render.nodes import badge, joined

if TYPE_CHECKING:
    from sphinxcontrib_plan.render.collectors import Context


@draws("signoff-summary")
def render_summary(ctx: Context) -> list[nodes.Node]:
    """Sign-offs by plan, then the approvals still outstanding.

    :param ctx: the collector context
    :return: nodes
    """
    signoffs = ctx.select()
    out: list[nodes.Node] = [ctx.records_table(signoffs)]
    outstanding = [
        s
        for s in signoffs
        if s.fields.get("status") != "approved" or ctx.index.view(s).get("stale")
    ]
    para = nodes.paragraph(classes=["plan-outstanding"])
    if outstanding:
        para += nodes.strong("Outstanding approvals: ", "Outstanding approvals: ")
        para.extend(
            joined(
                [
                    nodes.inline(
                        "",
                        "",
                        ctx.link(s, f"{s.plan or '—'} / {s.title}"),
                        nodes.Text(" "),
                        badge("signoff", "stale")
                        if ctx.index.view(s).get("stale")
                        else badge("status", s.fields.get("status", "pending")),
                    )
                    for s in outstanding
                ]
            )
        )
    else:
        para += nodes.Text("No approval outstanding.")
    out.append(para)
    return out


@draws("overview")
def render_overview(ctx: Context) -> list[nodes.Node]:
    """Every plan with its state at a glance.

    :param ctx: the collector context
    :return: nodes
    """
    if ctx.index.coverage is not None and ctx.index.coverage.rules and not ctx.columns:
        # the coverage column only where rules run: without, it would be empty
        defaults = list(ctx.defaults)
        defaults.insert(
            defaults.index("signoff") if "signoff" in defaults else len(defaults), "coverage"
        )
        ctx = replace(ctx, defaults=tuple(defaults))
    return [ctx.records_table(ctx.select())]

"""``plan-compliance``: checklists grouped by area with done/total, then exemptions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes

from sphinxcontrib_plan.model.collectors import draws
from sphinxcontrib_plan.render.nodes import display, note, table

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sphinxcontrib_plan.model.records import ObjectRecord
    from sphinxcontrib_plan.render.collectors import Context

#: area of checklists written without ``:area:``
NO_AREA = "other"


def _area(record: ObjectRecord) -> str:
    return (record.fields.get("area") or NO_AREA).strip().lower()


def _score(records: Sequence[ObjectRecord]) -> tuple[int, int]:
    checks = [r.checks for r in records if r.checks]
    return sum(c[0] for c in checks), sum(c[1] for c in checks)


def _area_cells(title: str, records: Sequence[ObjectRecord]) -> list[nodes.entry]:
    """The area's name, and its done/total in a cell of its own (a column too
    narrow for both would squeeze the figures under the name), with classes
    telling complete from not."""
    done, total = _score(records)
    state = "complete" if total and done == total else "incomplete" if total else "empty"
    name = nodes.entry(classes=["plan-area", f"plan-area-{state}"])
    name += nodes.paragraph("", "", nodes.strong(title, title))
    summary = f"{done}/{total} done ({round(100 * done / total)}%)" if total else "no items"
    score = nodes.entry(classes=["plan-area-progress", f"plan-area-{state}"])
    figure = nodes.inline(summary, summary, classes=["plan-progress"])
    if total:
        # the percentage is kept on the node: transforms read it, never the text
        figure["plan_percent"] = round(100 * done / total)
    score += nodes.paragraph("", "", figure)
    return [name, score]


@draws("compliance")
def render(ctx: Context) -> list[nodes.Node]:
    """One table of checklists, grouped by area with each area's progress, then exemptions.

    :param ctx: the collector context
    :return: nodes
    """
    checks = ctx.select()
    columns = ctx.shown
    groups: dict[str, list[ObjectRecord]] = {}
    for check in checks:
        groups.setdefault(_area(check), []).append(check)
    rows: list[list[object]] = []
    ids: list[str | None] = []
    for area, members in groups.items():
        for i, check in enumerate(members):
            first: Sequence[object] = _area_cells(display(area), members) if i == 0 else ["", ""]
            rows.append([*first, *(ctx.cell(check, c) for c in columns)])
            ids.append(check.id)
    if len(groups) > 1:
        rows.append([*_area_cells("All areas", checks), *([""] * len(columns))])
        ids.append(None)
    headers = [
        "Area",
        "Area done",
        *("Checklist" if c == "title" else ctx.heading(c) for c in columns),
    ]
    out: list[nodes.Node] = [
        table(
            headers,
            rows,
            caption=ctx.caption or "Compliance by area",
            classes=["plan-compliance"],
            columns=["area", None, *columns],
            records=ids,
            mode=ctx.mode,
        )
    ]
    sub = ctx.for_type("exemption")
    exemptions = sub.select()
    if exemptions:
        out.append(
            sub.records_table(
                exemptions, caption="Exemptions", classes=["plan-exemptions"], typed_title=True
            )
        )
    else:
        out.append(note("No constitutional exemptions."))
    return out

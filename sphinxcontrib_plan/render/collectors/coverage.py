"""``plan-coverage``: each coverage rule as a matrix of checked objects × covering objects."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes

from sphinxcontrib_plan.model.collectors import LIST, draws
from sphinxcontrib_plan.model.coverage import percent
from sphinxcontrib_plan.query.evaluate import evaluate
from sphinxcontrib_plan.render.nodes import badge, joined, note, table

if TYPE_CHECKING:
    from sphinxcontrib_plan.model.coverage import CoverageRule, RuleResult
    from sphinxcontrib_plan.render.collectors import Context

#: the mark of a covering object: a character every writer prints (Sphinx maps it
#: to ``\checkmark`` in LaTeX), as in the RBAC matrix
COVERS = "✓"
#: more covering objects than this and the matrix becomes one "Covered by" column,
#: so that a page (and a PDF) stays readable
MAX_COLUMNS = 12


def _percent_text(covered: int, total: int) -> str:
    share = 100 * covered // total if total else 0
    return f"{covered} of {total} covered ({share}%)"


@draws("coverage")
def render(ctx: Context) -> list[nodes.Node]:
    """A summary of the chosen rules, then one matrix per rule.

    :param ctx: the collector context
    :return: nodes
    """
    coverage = ctx.index.coverage
    wanted = ctx.options.get("rule") or []
    rules = [
        r
        for r in (coverage.rules if coverage is not None else ())
        if not wanted or r.name in wanted
    ]
    if not rules:
        return [note("No coverage rule to show: switch rules on with plan_coverage_rules.")]
    gaps_only = bool(ctx.options.get("gaps"))
    selected = {rule.name: _rows(ctx, rule) for rule in rules}
    summary_rows = []
    for rule in rules:
        results = selected[rule.name]
        covered = sum(r.covered for r in results)
        summary_rows.append(
            [
                nodes.literal(rule.name, rule.name),
                rule.help,
                str(len(results)),
                str(covered),
                _share(percent(results)),
            ]
        )
    out: list[nodes.Node] = [
        table(
            ["Rule", "Asks", "Checked", "Covered", "Coverage"],
            summary_rows,
            caption=ctx.caption or "Coverage",
            classes=["plan-coverage-summary"],
            columns=[None, None, None, None, None],
            mode=LIST,
        )
    ]
    for rule in rules:
        results = [r for r in selected[rule.name] if not (gaps_only and r.covered)]
        out.append(_matrix(ctx, rule, results, selected[rule.name]))
    return out


def _share(value: int | None) -> nodes.Node:
    if value is None:
        return nodes.Text("")
    level = "full" if value == 100 else "partial" if value else "none"
    node = badge("coverage", level, f"{value}%")
    node["plan_sort"] = value
    return node


def _rows(ctx: Context, rule: CoverageRule) -> list[RuleResult]:
    """The results of *rule* for the chosen plans and sources, as ``:filter:`` keeps them."""
    found = []
    otype = ctx.registry.get(rule.objects)
    ranks = otype.ranks if otype is not None else {}
    unset = dict.fromkeys(otype.option_names) if otype is not None else {}
    for result in ctx.index.coverage.of_rule(rule.name, ctx.plans):
        record = ctx.index.by_id[result.id]
        if not ctx.shows(record):
            continue
        if ctx.filter is not None and not evaluate(
            ctx.filter, {**unset, **ctx.index.view(record)}, ranks
        ):
            continue
        found.append(result)
    return found


def _matrix(
    ctx: Context, rule: CoverageRule, results: list[RuleResult], checked: list[RuleResult]
) -> nodes.table:
    """One rule: a row per checked object, a column per covering object (or one
    "Covered by" column when there are many), then the row's coverage."""
    sources = list(
        dict.fromkeys(
            oid
            for r in results
            for oid in (*r.by, *(e[0] for e in r.excluded))
            if oid != r.id and oid in ctx.index.by_id
        )
    )
    matrix = len(sources) <= MAX_COLUMNS
    headers: list[Any] = (
        ["Object", *(ctx.link(ctx.index.by_id[s]) for s in sources)]
        if matrix
        else ["Object", "Covered by"]
    )
    # a rule whose link names a document or URL (a runbook), not an object
    linked = not sources and any(r.id in r.by for r in results)
    if linked:
        headers.append("Linked")
    headers += ["Count", "Covered"]
    rows = []
    for result in results:
        record = ctx.index.by_id[result.id]
        excluded = {oid: short for oid, short, _ in result.excluded}
        if matrix:
            cells: list[Any] = [_cell(ctx, s, s in result.by, excluded.get(s)) for s in sources]
        else:
            cells = [
                joined([ctx.link(ctx.index.by_id[s]) for s in result.by if s in ctx.index.by_id])
            ]
        if linked:
            value = record.fields.get(rule.link)
            cells.append(str(value) if value else "")
        count = f"{len(result.by)}/{rule.min}"
        state = badge(
            "coverage",
            "covered" if result.covered else "gap",
            "covered" if result.covered else "gap",
        )
        rows.append([ctx.link(record), *cells, count, state])
    covered = sum(r.covered for r in checked)
    caption = f"{rule.name}: {rule.help} — {_percent_text(covered, len(checked))}"
    return table(
        headers,
        rows,
        caption=caption,
        classes=["plan-coverage"],
        columns=[None] * len(headers),
        records=[r.id for r in results],
        row_classes=[[] if r.covered else ["plan-coverage-gap"] for r in results],
        mode=ctx.mode,
    )


def _cell(ctx: Context, source: str, counted: bool, excluded: str | None) -> nodes.Node:
    """A matrix cell: the mark where *source* covers the row, or why it does not count.

    A test with a result shows it (``passed``, ``failed``...) instead of the mark."""
    result = ctx.index.view(ctx.index.by_id[source]).get("result")
    if counted:
        text = result if result else COVERS
        return nodes.inline(text, text, classes=["plan-covers", f"plan-result-{result or 'none'}"])
    if excluded:
        return nodes.inline(
            excluded,
            excluded,
            classes=["plan-covers-excluded", *([f"plan-result-{result}"] if result else [])],
        )
    return nodes.Text("")

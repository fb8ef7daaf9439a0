"""Interactive registers in HTML: which collector tables sort and filter, and their sort values.

The tables stay complete, standard tables; this module only prepares them for
``static/plan-tables.js``, which adds the sort buttons, the filter and the URL
state in the browser. Without JavaScript (or with ``plan_interactive =
False``) the page is the plain table. Per table, an HTML-only post-transform

* wraps it in a container ``plan-interactive plan-interactive-<mode>`` whose
  id, ``plan-view-<key>``, is the stable key its state has in the URL;
* puts a machine-readable sort value on each body cell whose column is a typed
  field of the row's object (an enum's rank, a date, a number), as an HTML
  ``<data class="plan-sort" value="...">`` element, read from the record's
  data, never from the rendered text.

Which tables take part is declared in :data:`TABLES`, by the class each
renderer gives its table.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from sphinxcontrib_plan.config import PlanConfig
from sphinxcontrib_plan.model.ids import METHODS, slug
from sphinxcontrib_plan.model.types import Kind
from sphinxcontrib_plan.render import assets

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from sphinxcontrib_plan.domain import PlanDomain
    from sphinxcontrib_plan.model.types import ObjectType

#: the script, in ``static/``; added only to pages holding an interactive table
SCRIPT = assets.SCRIPT
#: builders whose pages get interactive tables
PAGE_BUILDERS = ("html", "dirhtml", "singlehtml")


@dataclass(frozen=True)
class TableMode:
    """How one kind of collector table behaves in the browser."""

    #: columns sort when their header is clicked (otherwise: filter only)
    sort: bool = True
    #: how rows group: ``""`` (plain list), ``"lead"`` (the first cell names a
    #: group and is left empty in the group's following rows) or
    #: ``"sections"`` (``plan-group-row`` rows head the rows below them)
    group: str = ""


LIST = TableMode()

#: Interactive tables by the class their renderer sets. Tables not listed stay
#: static: the risk matrix (a heat map), the timeline (a chart) and a table's
#: columns in the data model (their order is the SQL's).
TABLES: dict[str, TableMode] = {
    "plan-overview": LIST,
    "plan-risk-register": LIST,
    "plan-query": LIST,
    "plan-event-catalog": LIST,
    "plan-signoff-summary": LIST,
    "plan-architecture": LIST,
    "plan-patterns": LIST,
    "plan-data-model": LIST,
    "plan-observability": LIST,
    "plan-alerts": LIST,
    "plan-exemptions": LIST,
    "plan-service-table": LIST,
    "plan-dependency-table": LIST,
    # endpoints grouped by path; checklists grouped by area (the area cell
    # leads its group): the script repeats the group's cell where a sort or
    # a filter separates a row from the row above
    "plan-api-index": TableMode(group="lead"),
    "plan-compliance": TableMode(group="lead"),
    # technologies under their layer's heading row: sorted within the layer
    "plan-tech-stack": TableMode(group="sections"),
    # permissions × roles: the headers are links to the roles, the columns
    # a matrix rather than attributes; rows narrow by the filter
    "plan-rbac-matrix": TableMode(sort=False),
}


def interactive_collectors(config: PlanConfig) -> frozenset[str] | None:
    """The collectors whose tables are interactive by ``plan_interactive``.

    :param config: the plan configuration
    :return: collector names, or ``None`` for all of them
    """
    value = config.interactive
    if value is True:
        return None
    return frozenset(value or ())


def table_mode(table: nodes.table) -> tuple[str, TableMode] | None:
    """The declared mode of *table*.

    :param table: a table
    :return: the class that declared it and its mode, or ``None`` when static
    """
    for klass in table["classes"]:
        if klass in TABLES:
            return klass, TABLES[klass]
    return None


class InteractiveTablesTransform(SphinxPostTransform):
    """Mark the interactive collector tables and give their cells typed sort values."""

    # after the collectors (5) have built the tables, before the references
    # resolver (10) turns the rows' links into plain references: a row's
    # object is found from its first pending plan reference
    default_priority = 7
    # the web page builders: e-books get the plain tables (readers seldom run scripts)
    builders = PAGE_BUILDERS

    def run(self, **kwargs: Any) -> None:
        """Prepare every interactive collector table of the document."""
        config = PlanConfig.from_sphinx(self.config)
        if config.interactive is False or not assets.has_plan_content(
                self.env, self.env.docname, "collectors"):
            return
        chosen = interactive_collectors(config)
        domain: PlanDomain = self.env.get_domain("plan")  # type: ignore[assignment]
        keys: set[str] = set()
        for collector in list(self.document.findall(nodes.container)):
            kind = next((c.removeprefix("plan-collector-") for c in collector["classes"]
                         if c.startswith("plan-collector-")), None)
            if kind is None or (chosen is not None and kind not in chosen):
                continue
            for table in list(collector.findall(nodes.table)):
                declared = table_mode(table)
                # render.nodes.table, which makes every collector table, knows whether
                # it is a plain grid: one header row and no spanning cell
                if declared is not None and table.get("plan_grid", False):
                    self.prepare(domain, table, *declared, keys)

    def prepare(self, domain: PlanDomain, table: nodes.table, klass: str, mode: TableMode,
                keys: set[str]) -> None:
        """Wrap *table* in its keyed container and add the cells' sort values.

        :param domain: the plan domain
        :param table: the table
        :param klass: the class that declared it interactive
        :param mode: its mode
        :param keys: keys already given on this page
        """
        title = next((c.astext() for c in table.children if isinstance(c, nodes.title)), "")
        key = base = _short(slug(title)) or klass.removeprefix("plan-")
        number = 1
        while key in keys or f"plan-view-{key}" in self.document.ids:
            number += 1
            key = f"{base}-{number}"
        keys.add(key)
        classes = ["plan-interactive", f"plan-interactive-{'sort' if mode.sort else 'filter'}"]
        if mode.group:
            classes.append(f"plan-grouped-{mode.group}")
        box = nodes.container(classes=classes, ids=[f"plan-view-{key}"])
        self.document.ids[f"plan-view-{key}"] = box
        table.parent.replace(table, box)
        box += table
        if mode.sort:
            add_sort_values(domain, table)


def _short(key: str, limit: int = 32) -> str:
    """*key* cut at the last whole word within *limit* characters, for short URLs."""
    if len(key) <= limit:
        return key
    cut = key[:limit + 1].rsplit("-", 1)[0]
    return cut or key[:limit]


def add_sort_values(domain: PlanDomain, table: nodes.table) -> None:
    """Put a ``<data class="plan-sort">`` element in each cell of a typed column.

    The renderer marked what each column shows (``plan_columns``) and which
    object each row is (``plan_record``); nothing is read back from the text.
    Cells of other columns (titles, free text, lists) sort by their text in
    the browser.

    :param domain: the plan domain
    :param table: an interactive table
    """
    columns = table.get("plan_columns") or []
    for body in table.findall(nodes.tbody):
        for row in body.children:
            # a row of another project's object is found in the portfolio
            record = domain.portfolio.by_id.get(row.get("plan_record", ""))
            otype = domain.registry.get(record.type) if record is not None else None
            if record is None or otype is None:
                continue
            view = domain.portfolio.view(record)
            for entry, name in zip(row.children, columns):
                if name is None:
                    continue
                value = sort_value(otype, name, view.get(name))
                if value is not None:
                    _put(entry, value)


def sort_value(otype: ObjectType, name: str, value: object) -> str | None:
    """The machine-readable sort value of a field, or ``None`` to sort by text.

    :param otype: the type of the object
    :param name: the field or derived name
    :param value: its value in the object's view
    :return: a number or an ISO date as text
    """
    if value is None or value == "" or value == []:
        return None
    spec = otype.field(name)
    if spec is not None and spec.kind is Kind.ENUM and isinstance(value, str):
        rank = spec.ranks.get(value.lower())
        return None if rank is None else str(rank)
    if name == "method" and value in METHODS:
        return str(METHODS.index(str(value)) + 1)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float)):
        return str(value)
    if spec is not None and spec.kind is Kind.WEEKS and isinstance(value, (list, tuple)):
        start, end = value
        return f"{start}.{end:04d}"
    if spec is not None and spec.kind is Kind.DATE:
        return str(value)
    return None


def _put(entry: nodes.Element, value: str) -> None:
    """Insert the value as the first inline of the cell's first paragraph (a sibling
    of the paragraph would make the writer wrap it in ``<p>``)."""
    data = nodes.raw("", f'<data class="plan-sort" value="{html.escape(value)}"></data>',
                     format="html")
    para = next(iter(entry.findall(nodes.paragraph)), None)
    if para is None:
        para = nodes.paragraph()
        entry += para
    para.insert(0, data)


def _add_script(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                doctree: nodes.document | None) -> None:
    """Link the script from the pages that hold an interactive table, and from no other."""
    if doctree is None or app.builder.name not in PAGE_BUILDERS \
            or not assets.has_plan_content(app.env, pagename):
        return
    if any("plan-interactive" in n["classes"] for n in doctree.findall(nodes.container)):
        app.add_js_file(assets.asset_name(app, SCRIPT), loading_method="defer")


def setup_interactive(app: Sphinx) -> None:
    """Register the post-transform and the per-page script.

    :param app: the Sphinx application
    """
    app.add_post_transform(InteractiveTablesTransform)
    app.connect("html-page-context", _add_script)

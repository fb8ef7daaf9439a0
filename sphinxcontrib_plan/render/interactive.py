"""Interactive registers in HTML: which collector tables sort and filter, and their sort values.

The tables stay complete, standard tables; this module only prepares them for
``static/plan-tables.js``, which adds the sort buttons, the filter and the URL
state in the browser. Without JavaScript (or with ``plan_interactive =
False``) the page is the plain table. Per table, an HTML-only post-transform

* wraps it in a container ``plan-interactive plan-interactive-<mode>`` whose
  id, ``plan-view-<key>``, is the stable key its state has in the URL;
* gives the table the machine-readable sort values of its typed columns (an
  enum's rank, a date, a number), read from the records' data, never from the
  rendered text: one ``<script type="application/json"
  class="plan-sort-values">`` element after the table holds them, one list per
  body row (``null`` where a cell sorts by its text). One element per table
  instead of one per cell keeps a register of thousands of rows light: at
  5,000 objects, 12,000 fewer nodes on the register page.

Which tables take part, and how, is declared in the collector registry
(:attr:`~sphinxcontrib_plan.model.collectors.CollectorKind.table`): the
renderer marks each table it makes with its mode.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, cast

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from sphinxcontrib_plan.config import PlanConfig
from sphinxcontrib_plan.domain import plan_domain
from sphinxcontrib_plan.model.collectors import TableMode
from sphinxcontrib_plan.model.ids import METHODS, slug
from sphinxcontrib_plan.model.typespec import Kind
from sphinxcontrib_plan.render import assets
from sphinxcontrib_plan.render.nodes import held

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from sphinxcontrib_plan.domain import PlanDomain
    from sphinxcontrib_plan.model.typespec import ObjectType

#: the script, in ``static/``; added only to pages holding an interactive table
SCRIPT = assets.SCRIPT
#: builders whose pages get interactive tables
PAGE_BUILDERS = ("html", "dirhtml", "singlehtml")


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
    """The mode the collector registry gave *table* (:func:`~.render.nodes.table`).

    :param table: a table
    :return: its class (``plan-risk-register``, the key of its view when it has no
        caption) and its mode, or ``None`` when static
    """
    if "plan_sort" not in table:
        return None
    klass = next(
        (c for c in table["classes"] if c.startswith("plan-") and c != "plan-table"), "plan-table"
    )
    return klass, TableMode(table["plan_sort"], table["plan_group"])


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
        self.prepare_collectors(self.document.findall(nodes.container))

    def prepare_collectors(self, containers: Iterable[nodes.Element]) -> None:
        """Prepare the interactive tables of the collectors among *containers*.

        The collector transform calls this first for the collectors it
        finishes early (:mod:`.render.finished`); a table already prepared is
        left as it is.

        :param containers: containers of the document, in document order
        """
        config = PlanConfig.from_sphinx(self.config)
        if config.interactive is False or not assets.has_plan_content(
            self.env, self.env.docname, "collectors"
        ):
            return
        chosen = interactive_collectors(config)
        domain = plan_domain(self.env)
        keys: set[str] = set()
        for collector in list(containers):
            kind = next(
                (
                    c.removeprefix("plan-collector-")
                    for c in collector["classes"]
                    if c.startswith("plan-collector-")
                ),
                None,
            )
            if kind is None or (chosen is not None and kind not in chosen):
                continue
            for table in list(collector.findall(nodes.table)):
                declared = table_mode(table)
                # render.nodes.table, which makes every collector table, knows whether
                # it is a plain grid: one header row and no spanning cell
                if (
                    declared is not None
                    and table.get("plan_grid", False)
                    and "plan-interactive" not in table.parent["classes"]
                ):
                    self.prepare(domain, table, *declared, keys)

    def prepare(
        self, domain: PlanDomain, table: nodes.table, klass: str, mode: TableMode, keys: set[str]
    ) -> None:
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
            values = add_sort_values(domain, table)
            if values is not None:
                box += values


def _short(key: str, limit: int = 32) -> str:
    """*key* cut at the last whole word within *limit* characters, for short URLs."""
    if len(key) <= limit:
        return key
    cut = key[: limit + 1].rsplit("-", 1)[0]
    return cut or key[:limit]


def add_sort_values(domain: PlanDomain, table: nodes.table) -> nodes.raw | None:
    """The sort values of the typed columns of *table*, as one script element.

    The renderer marked what each column shows (``plan_columns``) and which
    object each row is (``plan_record``); nothing is read back from the text.
    Cells of other columns (titles, free text, lists) sort by their text in
    the browser.

    :param domain: the plan domain
    :param table: an interactive table
    :return: a raw HTML ``<script type="application/json">`` holding, per body
        row, the list of its cells' values (``null`` to sort by text); ``None``
        when no cell has one
    """
    columns = table.get("plan_columns") or []
    rows: list[list[str | None] | None] = []
    body = next(iter(table.findall(nodes.tbody)), None)
    # a tbody holds rows only
    body_rows = [r for r in body.children if isinstance(r, nodes.row)] if body is not None else []
    for row in body_rows:
        # a row of another project's object is found in the portfolio
        record = domain.portfolio.by_id.get(row.get("plan_record", ""))
        otype = domain.registry.get(record.type) if record is not None else None
        values: list[str | None] = []
        if record is not None and otype is not None:
            view = domain.portfolio.view(record)
            values = [
                None if name is None else sort_value(otype, name, view.get(name))
                for name in columns[: len(row.children)]
            ]
            while values and values[-1] is None:
                values.pop()
        rows.append(values or None)
    if not any(rows):
        return None
    text = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
    # inside <script> only "</" could end the element early; escape every markup character
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return nodes.raw(
        "",
        f'<script type="application/json" class="plan-sort-values">{text}</script>',
        format="html",
    )


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


def _add_script(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    """Link the script from the pages that hold an interactive table, and from no other."""
    if (
        doctree is None
        or app.builder.name not in PAGE_BUILDERS
        or not assets.has_plan_content(app.env, pagename, "collectors")
    ):
        return
    boxes = cast("Iterator[nodes.Element]", held(doctree, nodes.container))
    if any("plan-interactive" in n["classes"] for n in boxes):
        app.add_js_file(assets.asset_name(app, SCRIPT), loading_method="defer")


def setup_interactive(app: Sphinx) -> None:
    """Register the post-transform and the per-page script.

    :param app: the Sphinx application
    """
    app.add_post_transform(InteractiveTablesTransform)
    app.connect("html-page-context", _add_script)

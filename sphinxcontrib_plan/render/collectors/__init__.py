"""Collector renderers: one module per family, each ``render(ctx) -> nodes``.

Shared here: the :class:`Context` a renderer receives, row selection
(``:plan:``, ``:filter:``, ``:sort:``) and cells for ``:columns:``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache
from typing import TYPE_CHECKING, Any

from docutils import nodes

from sphinxcontrib_plan.model.collectors import COLLECTORS, LIST
from sphinxcontrib_plan.model.derived import cell_of, draws_cell
from sphinxcontrib_plan.model.external import ExternalRecord
from sphinxcontrib_plan.model.severity import Severity
from sphinxcontrib_plan.query.evaluate import evaluate
from sphinxcontrib_plan.query.sort import SortKey, parse_sort, sort_records
from sphinxcontrib_plan.render.nodes import badge, joined, table, xref
from sphinxcontrib_plan.render.objects import severity_badge, value_nodes
from sphinxcontrib_plan.render.spans import span_nodes
from sphinxcontrib_plan.render.timescale import slack_text

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sphinx.config import Config

    from sphinxcontrib_plan.config import PlanConfig
    from sphinxcontrib_plan.model.collectors import TableMode
    from sphinxcontrib_plan.model.index import ResolvedIndex
    from sphinxcontrib_plan.model.records import ObjectRecord
    from sphinxcontrib_plan.model.typespec import ObjectType, Registry
    from sphinxcontrib_plan.query.filter import Filter


@cache
def _default_sort(text: str) -> tuple[SortKey, ...]:
    """The parsed default sort of a type (a registry string), parsed once."""
    return parse_sort(text)


@dataclass
class Context:
    """Everything a collector renderer needs."""

    #: the resolved index of the project
    index: ResolvedIndex
    #: the object types
    registry: Registry
    #: the plan configuration
    config: PlanConfig
    #: the document being written
    docname: str
    #: the collector kind
    kind: str
    #: the main type listed
    main: str
    #: plan ids to keep (empty: all)
    plans: list[str]
    #: the parsed filter (validated by the directive), or ``None``
    filter: Filter | None
    #: the parsed sort keys (validated by the directive); empty for the type's default
    sort: tuple[SortKey, ...]
    #: the requested ``:columns:`` (empty: :attr:`defaults`)
    columns: list[str]
    #: caption of the main table
    caption: str
    #: the Sphinx configuration (diagrams read the graphviz settings from it)
    sphinx_config: Config | None = None
    #: the main table's columns without ``:columns:``, from the collector's registry entry
    defaults: tuple[str, ...] = ()
    #: the sources shown: ``local`` and ``plan_external`` project names
    source: frozenset[str] = frozenset({"local"})

    def shows(self, record: ObjectRecord) -> bool:
        """Whether *record* comes from a source this collector shows.

        :param record: a record of :attr:`index`
        :return: ``True`` when it does
        """
        return (record.project if isinstance(record, ExternalRecord) else "local") in self.source

    #: the collector's own options (:attr:`~.CollectorKind.options`) as the directive stored them
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def shown(self) -> list[str]:
        """The main table's columns: ``:columns:``, else the collector's defaults."""
        return list(self.columns or self.defaults or self.otype.columns)

    @property
    def mode(self) -> TableMode | None:
        """How the collector's main table behaves in the browser (its registry entry)."""
        return COLLECTORS[self.kind].table

    @property
    def otype(self) -> ObjectType:
        """The main type."""
        return self.registry[self.main]

    def select(self, typ: str | None = None, *, apply_query: bool = True) -> list[ObjectRecord]:
        """Records of a type in the chosen plans, filtered and sorted.

        :param typ: the type (default: the main type)
        :param apply_query: apply ``:filter:`` and ``:sort:`` (only meaningful
            for the main type, whose fields they name)
        :return: the records
        """
        typ = typ or self.main
        otype = self.registry[typ]
        records = [r for r in self.index.of_type(typ, self.plans) if self.shows(r)]
        ranks = otype.ranks
        if apply_query and typ == self.main and self.filter is not None:
            # unset fields read as none (``owner == none``), not as bare words
            unset = dict.fromkeys(otype.option_names)
            records = [
                r for r in records if evaluate(self.filter, {**unset, **self.index.view(r)}, ranks)
            ]
        keys = (
            self.sort
            if (apply_query and typ == self.main and self.sort)
            else _default_sort(otype.sort)
        )
        return sort_records(records, keys, lambda r, f: self.index.view(r).get(f), ranks)

    def for_type(self, typ: str) -> Context:
        """A context listing another type of the same plans, without the query
        (``:filter:`` and friends name the fields of the main type only).

        :param typ: the type
        :return: the context
        """
        return replace(
            self,
            main=typ,
            filter=None,
            sort=(),
            columns=[],
            caption="",
            defaults=self.registry[typ].columns,
        )

    def link(self, record: ObjectRecord, text: str | None = None) -> nodes.Node:
        """A link to *record* (title as text unless given).

        :param record: the target
        :param text: link text
        :return: the pending reference
        """
        return xref(
            record.id, "ref", self.docname, text if text is not None else record.title or record.id
        )

    def cell(self, record: ObjectRecord, column: str) -> Any:
        """The content of one ``:columns:`` cell: a field as the object's page shows
        it (:func:`~sphinxcontrib_plan.render.objects.value_nodes`), or a derived value.

        :param record: the row's record
        :param column: field or derived name
        :return: text, a node or a list of nodes
        """
        view = self.index.view(record)
        value = view.get(column)
        spec = self.registry[record.type].field(column)
        if spec is not None and column not in ("id", "plan"):
            if value is None or value == []:
                return ""
            return value_nodes(
                spec, value, self.docname, lambda text: self._text(record, column, text)
            )
        derived = cell_of(column)
        if derived is not None:
            return derived(self, record, view, value)
        return "" if value is None else str(value)

    def _text(self, record: ObjectRecord, column: str, text: str) -> list[nodes.Node]:
        # a text field's inline markup, kept as plain data where the object stands
        markup = record.markup.get(column)
        if markup and text == record.fields.get(column):
            return span_nodes(markup, self.docname)
        return [nodes.Text(text)]

    def label(self, column: str) -> str:
        """Header of a column.

        :param column: field or derived name
        :return: the label
        """
        spec = self.otype.field(column)
        if column == "id":
            return "ID"
        return spec.label if spec else column.replace("-", " ").capitalize()

    def heading(self, column: str) -> str:
        """Header of a column in a table of one type, where the title column is
        named after the type (``Component``, ``Technology``).

        :param column: field or derived name
        :return: the label
        """
        return self.otype.label if column == "title" else self.label(column)

    def records_table(
        self,
        records: Sequence[ObjectRecord],
        *,
        caption: str | None = None,
        classes: Sequence[str] | None = None,
        typed_title: bool = False,
    ) -> nodes.table:
        """A table of records, one row each, :attr:`shown` as columns.

        :param records: the rows
        :param caption: table title (default: ``:caption:``)
        :param classes: table classes (default: ``plan-<collector>``, the collector's
            main table; a table given its own classes lists a further type, a :data:`LIST`)
        :param typed_title: head the title column with the type's label
            (``Component``) rather than ``Title``
        :return: the table
        """
        columns = self.shown
        return table(
            [self.heading(c) if typed_title else self.label(c) for c in columns],
            [[self.cell(r, c) for c in columns] for r in records],
            caption=caption if caption is not None else self.caption or None,
            classes=list(classes) if classes is not None else [f"plan-{self.kind}"],
            columns=columns,
            records=[r.id for r in records],
            mode=self.mode if classes is None else LIST,
            row_classes=[
                [*external_classes(r), *(f"plan-{m}" for m in MARKS if self.index.view(r).get(m))]
                for r in records
            ],
        )


def external_classes(record: ObjectRecord) -> list[str]:
    """Classes marking a row of another project's object (none for a local one).

    :param record: the row's record
    :return: ``plan-external`` and ``plan-external-<project>``, or nothing
    """
    if not isinstance(record, ExternalRecord):
        return []
    return ["plan-external", f"plan-external-{record.project}"]


@draws_cell("id")
def _id_cell(ctx: Context, record: ObjectRecord, view: dict[str, Any], value: Any) -> Any:
    link = ctx.link(record, record.id)
    if not isinstance(record, ExternalRecord):
        return link
    return [link, nodes.Text(" "), badge("project", record.project, record.project)]


#: derived flags that mark a record wherever it is listed: a badge after its title
#: (every builder) and a ``plan-<name>`` class on its row (HTML)
MARKS = ("stale", "overdue")


def marks(view: dict[str, Any]) -> list[nodes.Node]:
    """The badges of the :data:`MARKS` a record's view has set.

    :param view: the record's fields and derived values
    :return: badges, e.g. ``Overdue``
    """
    return [badge("mark", m) for m in MARKS if view.get(m)]


@draws_cell("title")
def _title_cell(ctx: Context, record: ObjectRecord, view: dict[str, Any], value: Any) -> Any:
    found = marks(view)
    return (
        [ctx.link(record), *(n for b in found for n in (nodes.Text(" "), b))]
        if found
        else ctx.link(record)
    )


@draws_cell("plan")
def _plan_cell(ctx: Context, record: ObjectRecord, view: dict[str, Any], value: Any) -> Any:
    plan = ctx.index.by_id.get(value or "")
    return ctx.link(plan, plan.id) if plan else (value or "")


@draws_cell("severity")
def _severity_cell(ctx: Context, record: ObjectRecord, view: dict[str, Any], value: Any) -> Any:
    severity = Severity.from_score(value)
    return severity_badge(severity) if severity else ""


@draws_cell("progress")
def _progress_cell(ctx: Context, record: ObjectRecord, view: dict[str, Any], value: Any) -> Any:
    if value is None:
        return ""
    # the percentage is kept on the node: transforms read it, never the text
    return nodes.inline(
        "",
        f"{view['done']}/{view['total']} ({value}%)",
        classes=["plan-progress"],
        plan_percent=value,
    )


@draws_cell("responses")
def _responses_cell(ctx: Context, record: ObjectRecord, view: dict[str, Any], value: Any) -> Any:
    out: list[nodes.Node] = []
    for response in ctx.index.children.get(record.id, ()):
        if response.response is None:
            continue
        out += [nodes.Text(" ")] if out else []
        out.append(badge("status-code", response.response.code_class, response.response.code))
        schema = ctx.index.view(response).get("body")
        if schema:  # the body's schema, after its code: ``201 Refund``
            out += [nodes.Text(" "), *_schema_cell(ctx, response, view, schema)]
    return out


@draws_cell("request", "body")
def _schema_cell(ctx: Context, record: ObjectRecord, view: dict[str, Any], value: Any) -> Any:
    """A body's schema: a link to the plan-schema it names (``Refund``, ``Refund[]``)."""
    if not value:
        return ""
    name = str(value).removesuffix("[]").removesuffix("[]")
    if ("schema", name) in ctx.index.by_name:
        return [
            xref(name, "schema", ctx.docname, name, field=True),
            nodes.Text(str(value)[len(name) :]),
        ]
    return [nodes.Text(str(value))]


@draws_cell("parameters")
def _parameters_cell(ctx: Context, record: ObjectRecord, view: dict[str, Any], value: Any) -> Any:
    data = record.endpoint
    if data is None or not data.parameters:
        return ""
    cells = [
        nodes.inline(
            "",
            "",
            nodes.literal(p["name"], p["name"]),
            nodes.Text(f"{'*' if p.get('required') and p['in'] != 'path' else ''} ({p['in']})"),
        )
        for p in data.parameters
    ]
    return joined(cells)


@draws_cell("method")
def _method_cell(ctx: Context, record: ObjectRecord, view: dict[str, Any], value: Any) -> Any:
    return badge("method", value, value) if value else ""


@draws_cell("signoff")
def _signoff_cell(ctx: Context, record: ObjectRecord, view: dict[str, Any], value: Any) -> Any:
    return badge("signoff", value) if value else ""


@draws_cell("critical")
def _critical_cell(ctx: Context, record: ObjectRecord, view: dict[str, Any], value: Any) -> Any:
    return badge("critical", "critical", "Critical") if value else "" if value is None else "no"


@draws_cell("slack")
def _slack_cell(ctx: Context, record: ObjectRecord, view: dict[str, Any], value: Any) -> Any:
    return slack_text(value)


@draws_cell("covered")
def _covered_cell(ctx: Context, record: ObjectRecord, view: dict[str, Any], value: Any) -> Any:
    state = "covered" if value else "gap"
    return "" if value is None else badge("coverage", state, state)


@draws_cell("covered-by")
def _covered_by_cell(ctx: Context, record: ObjectRecord, view: dict[str, Any], value: Any) -> Any:
    return joined([ctx.link(ctx.index.by_id[i]) for i in value or () if i in ctx.index.by_id])


@draws_cell("coverage")
def _coverage_cell(ctx: Context, record: ObjectRecord, view: dict[str, Any], value: Any) -> Any:
    return "" if value is None else f"{value}%"


@draws_cell("result")
def _result_cell(ctx: Context, record: ObjectRecord, view: dict[str, Any], value: Any) -> Any:
    return badge("result", value) if value else ""


@draws_cell("gate")
def _gate_cell(ctx: Context, record: ObjectRecord, view: dict[str, Any], value: Any) -> Any:
    return badge("gate", value) if value else ""

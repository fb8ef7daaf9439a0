"""Collector renderers: one module per family, each ``render(ctx) -> nodes``.

Shared here: the :class:`Context` a renderer receives, row selection
(``:plan:``, ``:filter:``, ``:sort:``) and cells for ``:columns:``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from docutils import nodes

from sphinxcontrib_plan.model.types import Kind
from sphinxcontrib_plan.query.evaluate import evaluate
from sphinxcontrib_plan.query.sort import SortKey, parse_sort, sort_records
from sphinxcontrib_plan.render.nodes import badge, joined, table, xref
from sphinxcontrib_plan.render.objects import severity_badge
from sphinxcontrib_plan.render.spans import span_nodes

if TYPE_CHECKING:
    from sphinxcontrib_plan.query.filter import Filter
    from collections.abc import Sequence

    from sphinx.config import Config

    from sphinxcontrib_plan.config import PlanConfig
    from sphinxcontrib_plan.model.records import ObjectRecord
    from sphinxcontrib_plan.model.types import ObjectType, Registry
    from sphinxcontrib_plan.resolve import ResolvedIndex


@lru_cache(maxsize=None)
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
    #: requested columns (empty: the collector's default)
    columns: list[str]
    #: caption of the main table
    caption: str
    #: the Sphinx configuration (diagrams read the graphviz settings from it)
    sphinx_config: Config | None = None

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
        records = self.index.of_type(typ, self.plans)
        ranks = otype.ranks
        if apply_query and typ == self.main and self.filter is not None:
            # unset fields read as none (``owner == none``), not as bare words
            unset = dict.fromkeys(otype.option_names)
            records = [r for r in records
                       if evaluate(self.filter, {**unset, **self.index.view(r)}, ranks)]
        keys = self.sort if (apply_query and typ == self.main and self.sort) else \
            _default_sort(otype.sort)
        return sort_records(records, keys, lambda r, f: self.index.view(r).get(f), ranks)

    def for_type(self, typ: str) -> Context:
        """A context listing another type of the same plans, without the query
        (``:filter:`` and friends name the fields of the main type only).

        :param typ: the type
        :return: the context
        """
        return replace(self, main=typ, filter=None, sort=(), columns=[], caption="")

    def link(self, record: ObjectRecord, text: str | None = None) -> nodes.Node:
        """A link to *record* (title as text unless given).

        :param record: the target
        :param text: link text
        :return: the pending reference
        """
        return xref(record.id, "ref", self.docname, text if text is not None else record.title or record.id)

    def cell(self, record: ObjectRecord, column: str) -> Any:
        """The content of one ``:columns:`` cell.

        :param record: the row's record
        :param column: field or derived name
        :return: text, a node or a list of nodes
        """
        view = self.index.view(record)
        value = view.get(column)
        if column == "id":
            return self.link(record, record.id)
        if column == "title":
            return self.link(record)
        if column == "plan":
            plan = self.index.by_id.get(value or "")
            return self.link(plan, plan.id) if plan else (value or "")
        if column == "severity" and record.type == "risk":
            # a risk's derived score; other types (alerts) have an enum field of that name
            return severity_badge(value) if value else ""
        if column == "progress":
            return f"{view['done']}/{view['total']} ({value}%)" if value is not None else ""
        if column == "responses" and record.type == "endpoint":
            return joined([badge("status-code", f"{r.extra['code'][0]}xx", r.extra["code"])
                           for r in self.index.children.get(record.id, ())], " ")
        if column == "method":
            return badge("method", value, value) if value else ""
        if column == "signoff" and record.type == "plan":
            return badge("signoff", value) if value else ""
        spec = self.registry[record.type].field(column)
        if value is None or value == [] or spec is None:
            return "" if value is None else str(value)
        if spec.kind is Kind.ENUM:
            return badge(column, value)
        if spec.kind in (Kind.REF, Kind.REFS):
            targets = [value] if spec.kind is Kind.REF else value
            return joined([self.link_id(t) for t in targets])
        if spec.kind is Kind.LIST:
            return ", ".join(value)
        if spec.kind is Kind.WEEKS:
            return f"{value[0]}" if value[0] == value[1] else f"{value[0]}–{value[1]}"
        if spec.kind is Kind.FLAG:
            return "yes" if value else ""
        if spec.kind is Kind.PERCENT:
            return f"{value}%"
        markup = record.extra.get("markup", {}).get(column)
        if markup and value == record.fields.get(column):
            return span_nodes(markup, self.docname)
        return str(value)

    def link_id(self, target: str) -> nodes.Node:
        """A link to the object with id *target*, plain text if there is none.

        :param target: an id
        :return: a node
        """
        record = self.index.by_id.get(target)
        return self.link(record) if record else nodes.Text(target)

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
        self, records: Sequence[ObjectRecord], default: Sequence[str], *,
        caption: str | None = None, classes: Sequence[str] = (),
    ) -> nodes.table:
        """A table of records with ``:columns:`` (or *default*) as columns.

        :param records: the rows
        :param default: columns when ``:columns:`` is not given
        :param caption: table title (default: ``:caption:``)
        :param classes: extra table classes
        :return: the table
        """
        columns = self.columns or list(default)
        return table(
            [self.label(c) for c in columns],
            [[self.cell(r, c) for c in columns] for r in records],
            caption=caption if caption is not None else self.caption or None,
            classes=[f"plan-{self.kind}", *classes],
        )

"""The registry of collector directives as data: what each lists, its options,
its default columns, how its table behaves in the browser and what draws it.

The directive (:mod:`sphinxcontrib_plan.directives.collectors`) validates a
collector's options from its entry; the post-transform
(:mod:`sphinxcontrib_plan.render.transform`) renders it with the entry's
renderer, and the HTML transform (:mod:`sphinxcontrib_plan.render.interactive`)
makes its table sortable by the entry's :class:`TableMode`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from sphinxcontrib_plan.model.changes import ROW_FIELDS

if TYPE_CHECKING:
    from collections.abc import Callable

    from sphinxcontrib_plan.model.typespec import Registry

#: draws a collector: the render context in, nodes out (both of the render layer)
Renderer = TypeVar("Renderer", bound="Callable[[Any], list[Any]]")

#: options every collector accepts
COMMON_OPTIONS = ("plan", "filter", "sort", "columns", "caption", "source")


@dataclass(frozen=True)
class TableMode:
    """How a collector's table behaves in the browser (HTML page builders)."""

    #: columns sort when their header is clicked (otherwise: filter only)
    sort: bool = True
    #: how rows group: ``""`` (plain list), ``"lead"`` (the first cell names a
    #: group and is left empty in the group's following rows) or
    #: ``"sections"`` (``plan-group-row`` rows head the rows below them)
    group: str = ""


#: a table of records, one per row: sorted and filtered
LIST = TableMode()


@dataclass(frozen=True)
class CollectorKind:
    """Everything about one collector directive: what it lists, its options, its
    default columns and the renderer that draws it."""

    #: directive name without ``plan-``
    name: str
    #: the type its rows are (what ``:filter:``/``:sort:``/``:columns:`` address)
    main: str
    #: every type whose change must refresh a page holding it
    depends: tuple[str, ...]
    #: one-line description, for the reference
    help: str
    #: how its main table behaves in the browser; ``None``: static (a heat map, a chart).
    #: Its further tables of records (a second type) are :data:`LIST`.
    table: TableMode | None
    #: columns of the main table without ``:columns:``; empty: the main type's
    columns: tuple[str, ...] = ()
    #: options besides :data:`COMMON_OPTIONS`
    options: tuple[str, ...] = ()
    #: for a collector whose rows are not objects (``plan-changes``): the values of a
    #: row, which ``:filter:``, ``:sort:`` and ``:columns:`` address instead of fields
    row_fields: tuple[str, ...] = ()
    #: draws it: set by the module of :mod:`sphinxcontrib_plan.render.collectors` that
    #: does (:func:`draws`), as rendering is a layer above this registry
    renderer: Callable[[Any], list[Any]] | None = field(default=None, compare=False, repr=False)

    @property
    def all_options(self) -> tuple[str, ...]:
        """Every option the directive accepts."""
        return COMMON_OPTIONS + self.options

    def default_columns(self, registry: Registry, main: str) -> tuple[str, ...]:
        """The main table's columns when ``:columns:`` is not given.

        :param registry: the object types
        :param main: the main type (``plan-query``: its ``:type:``)
        :return: column names
        """
        return self.columns or registry[main].columns


COLLECTORS: dict[str, CollectorKind] = {
    k.name: k
    for k in (
        CollectorKind(
            "overview",
            "plan",
            ("plan", "phase", "risk", "endpoint", "signoff"),
            "Every plan: status, owner, progress, planned end, open high risks, endpoints, "
            "sign-off.",
            LIST,
            (
                "id",
                "title",
                "status",
                "owner",
                "updated",
                "progress",
                "planned-end",
                "open-high-risks",
                "endpoints",
                "signoff",
            ),
        ),
        CollectorKind(
            "risk-register", "risk", ("risk",), "The risk register, highest severity first.", LIST
        ),
        CollectorKind("risk-matrix", "risk", ("risk",), "3×3 impact × likelihood heat map.", None),
        CollectorKind(
            "api-index",
            "endpoint",
            ("endpoint", "response"),
            "Endpoints grouped by path, with method, summary, parameters, request "
            "schema, auth, responses.",
            TableMode(group="lead"),
            ("method", "summary", "parameters", "request", "auth", "responses", "plan"),
        ),
        CollectorKind(
            "event-catalog",
            "event",
            ("event", "component"),
            "Events with their publishers and consumers.",
            LIST,
            ("published-by", "title", "consumed-by"),
        ),
        CollectorKind(
            "timeline",
            "phase",
            ("phase",),
            "Phases over weeks (months, quarters or years when long), with "
            "dependencies, slack, the critical path and deliverable progress.",
            None,
        ),
        CollectorKind(
            "signoff-summary",
            "signoff",
            ("signoff", "plan"),
            "Sign-off state of each plan and role; outstanding approvals.",
            LIST,
        ),
        CollectorKind(
            "compliance",
            "check",
            ("check", "exemption"),
            "Checks per area, done/total, and exemptions.",
            TableMode(group="lead"),
            ("title", "progress"),
        ),
        CollectorKind(
            "tech-stack",
            "tech",
            ("tech", "service", "dependency"),
            "Technology by layer, third-party services, new dependencies.",
            TableMode(group="sections"),
            ("category", "title", "version", "rationale", "alternatives"),
        ),
        CollectorKind(
            "architecture",
            "component",
            ("component", "pattern"),
            "Components, their dependencies, and design patterns.",
            LIST,
            ("title", "responsibility", "technology", "depends-on"),
        ),
        CollectorKind(
            "data-model",
            "table",
            ("table",),
            "Tables, columns, and the relationships between them.",
            LIST,
            ("title", "columns"),
        ),
        CollectorKind(
            "rbac-matrix",
            "role",
            ("role", "endpoint"),
            "Roles × permissions, and the endpoints needing each permission.",
            TableMode(sort=False),
        ),
        CollectorKind(
            "observability",
            "metric",
            ("metric", "alert"),
            "Metrics and alerts.",
            LIST,
            ("title", "type", "labels", "buckets", "unit"),
        ),
        # every type: a rule may link any type to any other (the directive lists all types)
        CollectorKind(
            "coverage",
            "",
            (),
            "The coverage rules as matrices: each checked object (row) against the "
            "objects covering it (columns), per-row and total coverage; ``:rule:`` "
            "names rules (default all), ``:gaps:`` keeps only what is not covered.",
            TableMode(sort=False),
            ("title", "plan"),
            options=("rule", "gaps"),
        ),
        CollectorKind(
            "query", "", (), "Any object type, chosen with ``:type:``.", LIST, options=("type",)
        ),
        # refreshed when its rows change (resolve_pages.pages_to_refresh), not by type
        CollectorKind(
            "changes",
            "",
            (),
            "Objects added, removed or changed since a baseline: ``:since:`` a git "
            "revision or a plan.json file; by default each plan's last approved revision.",
            None,
            ("plan", "change", "type", "title", "details"),
            options=("since",),
            row_fields=ROW_FIELDS,
        ),
    )
}


def draws(*names: str) -> Callable[[Renderer], Renderer]:
    """Mark a function of the render layer as what draws the collectors *names*.

    :param names: collector names
    :return: a decorator returning the function unchanged
    """

    def mark(function: Renderer) -> Renderer:
        for name in names:
            # the entry stays frozen for its readers; only the render layer sets this field
            object.__setattr__(COLLECTORS[name], "renderer", function)
        return function

    return mark

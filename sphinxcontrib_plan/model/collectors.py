"""The registry of collector directives as data: what each lists, its options,
its default columns and the renderer that draws it.

The directive (:mod:`sphinxcontrib_plan.directives.collectors`) validates a
collector's options from its entry; the post-transform
(:mod:`sphinxcontrib_plan.render.transform`) renders it with the entry's renderer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sphinxcontrib_plan.model.changes import ROW_FIELDS

if TYPE_CHECKING:
    from sphinxcontrib_plan.model.types import Registry

#: options every collector accepts
COMMON_OPTIONS = ("plan", "filter", "sort", "columns", "caption", "source")


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
    #: the renderer, ``module:function`` in :mod:`sphinxcontrib_plan.render.collectors`;
    #: named rather than imported, as rendering happens a layer above reading
    renderer: str
    #: columns of the main table without ``:columns:``; empty: the main type's
    columns: tuple[str, ...] = ()
    #: options besides :data:`COMMON_OPTIONS`
    options: tuple[str, ...] = ()
    #: for a collector whose rows are not objects (``plan-changes``): the values of a
    #: row, which ``:filter:``, ``:sort:`` and ``:columns:`` address instead of fields
    row_fields: tuple[str, ...] = ()

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


COLLECTORS: dict[str, CollectorKind] = {k.name: k for k in (
    CollectorKind("overview", "plan", ("plan", "phase", "risk", "endpoint", "signoff"),
                  "Every plan: status, owner, progress, planned end, open high risks, endpoints, "
                  "sign-off.",
                  "signoff:render_overview",
                  ("id", "title", "status", "owner", "updated", "progress", "planned-end",
                   "open-high-risks", "endpoints", "signoff")),
    CollectorKind("risk-register", "risk", ("risk",), "The risk register, highest severity first.",
                  "risks:render_register"),
    CollectorKind("risk-matrix", "risk", ("risk",), "3×3 impact × likelihood heat map.",
                  "risks:render_matrix"),
    CollectorKind("api-index", "endpoint", ("endpoint", "response"),
                  "Endpoints grouped by path, with method, summary, parameters, request "
                  "schema, auth, responses.",
                  "api:render", ("method", "summary", "parameters", "request", "auth",
                                 "responses", "plan")),
    CollectorKind("event-catalog", "event", ("event", "component"),
                  "Events with their publishers and consumers.", "events:render",
                  ("published-by", "title", "consumed-by")),
    CollectorKind("timeline", "phase", ("phase",),
                  "Phases over weeks (months, quarters or years when long), with "
                  "dependencies, slack, the critical path and deliverable progress.",
                  "timeline:render"),
    CollectorKind("signoff-summary", "signoff", ("signoff", "plan"),
                  "Sign-off state of each plan and role; outstanding approvals.",
                  "signoff:render_summary"),
    CollectorKind("compliance", "check", ("check", "exemption"),
                  "Checks per area, done/total, and exemptions.", "compliance:render",
                  ("title", "progress")),
    CollectorKind("tech-stack", "tech", ("tech", "service", "dependency"),
                  "Technology by layer, third-party services, new dependencies.",
                  "stack:render", ("category", "title", "version", "rationale", "alternatives")),
    CollectorKind("architecture", "component", ("component", "pattern"),
                  "Components, their dependencies, and design patterns.", "architecture:render",
                  ("title", "responsibility", "technology", "depends-on")),
    CollectorKind("data-model", "table", ("table",),
                  "Tables, columns, and the relationships between them.", "data_model:render",
                  ("title", "columns")),
    CollectorKind("rbac-matrix", "role", ("role", "endpoint"),
                  "Roles × permissions, and the endpoints needing each permission.",
                  "rbac:render"),
    CollectorKind("observability", "metric", ("metric", "alert"), "Metrics and alerts.",
                  "observability:render", ("title", "type", "labels", "buckets", "unit")),
    CollectorKind("query", "", (), "Any object type, chosen with ``:type:``.", "query:render",
                  options=("type",)),
    # refreshed when its rows change (resolve.pages_to_refresh), not by type
    CollectorKind("changes", "", (),
                  "Objects added, removed or changed since a baseline: ``:since:`` a git "
                  "revision or a plan.json file; by default each plan's last approved revision.",
                  "changes:render", ("plan", "change", "type", "title", "details"),
                  options=("since",), row_fields=ROW_FIELDS),
)}

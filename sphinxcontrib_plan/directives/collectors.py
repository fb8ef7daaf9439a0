"""Collector directives: one class, parameterised by kind, leaving a placeholder.

The placeholder carries the parsed query as plain attributes; the
post-transform in :mod:`sphinxcontrib_plan.render.transform` fills it from
the whole project's merged data once every document has been read.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from sphinxcontrib_plan.directives.options import AnyOptions, directive_text, option_offset, raw_options
from sphinxcontrib_plan.query.filter import FilterError, parse_filter
from sphinxcontrib_plan.query.sort import SortError, parse_sort
from sphinxcontrib_plan.resolve import DERIVED
from sphinxcontrib_plan.warnings import PlanWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from sphinxcontrib_plan.domain import PlanDomain


class plan_collector(nodes.General, nodes.Element):  # noqa: N801 (docutils naming)
    """Placeholder replaced by the collector's rendering before any writer runs."""


@dataclass(frozen=True)
class CollectorKind:
    """What one collector directive lists."""

    #: directive name without ``plan-``
    name: str
    #: the type its rows are (what ``:filter:``/``:sort:``/``:columns:`` address)
    main: str
    #: every type whose change must refresh a page holding it
    depends: tuple[str, ...]
    #: one-line description, for the reference
    help: str


COLLECTORS: dict[str, CollectorKind] = {k.name: k for k in (
    CollectorKind("overview", "plan", ("plan", "phase", "risk", "endpoint", "signoff"),
                  "Every plan: status, owner, progress, open high risks, endpoints, sign-off."),
    CollectorKind("risk-register", "risk", ("risk",), "The risk register, highest severity first."),
    CollectorKind("risk-matrix", "risk", ("risk",), "3×3 impact × likelihood heat map."),
    CollectorKind("api-index", "endpoint", ("endpoint", "response"),
                  "Endpoints grouped by path, with method, summary, auth, responses."),
    CollectorKind("event-catalog", "event", ("event", "component"),
                  "Events with their publishers and consumers."),
    CollectorKind("timeline", "phase", ("phase",),
                  "Phases over weeks, with dependencies and deliverable progress."),
    CollectorKind("signoff-summary", "signoff", ("signoff", "plan"),
                  "Sign-off state of each plan and role; outstanding approvals."),
    CollectorKind("compliance", "check", ("check", "exemption"),
                  "Checks per area, done/total, and exemptions."),
    CollectorKind("tech-stack", "tech", ("tech", "service", "dependency"),
                  "Technology by layer, third-party services, new dependencies."),
    CollectorKind("architecture", "component", ("component", "pattern"),
                  "Components, their dependencies, and design patterns."),
    CollectorKind("data-model", "table", ("table",),
                  "Tables, columns, and the relationships between them."),
    CollectorKind("rbac-matrix", "role", ("role", "endpoint"),
                  "Roles × permissions, and the endpoints needing each permission."),
    CollectorKind("observability", "metric", ("metric", "alert"), "Metrics and alerts."),
    CollectorKind("query", "", (), "Any object type, chosen with ``:type:``."),
)}

#: options every collector accepts
COMMON_OPTIONS = ("plan", "filter", "sort", "columns", "caption")


class CollectorDirective(SphinxDirective):
    """``plan-<collector>``: validate the query now, render later."""

    has_content = False
    optional_arguments = 0
    option_spec: ClassVar[dict[str, Any]] = AnyOptions()

    def option_location(self, option: str) -> str:
        """``source:line`` of *option*, or of the directive when it cannot be found.

        :param option: the option name
        :return: the location
        """
        offset = option_offset(directive_text(self), option)
        if offset is not None:
            source, line = self.state_machine.get_source_and_line(self.lineno + offset)
            if source and line:
                return f"{source}:{line}"
        return self.get_location()

    def warn(self, subtype: PlanWarning, message: str, option: str) -> None:
        """Warn at the line of *option*.

        :param subtype: warning subtype
        :param message: the message
        :param option: the option concerned
        """
        warn(subtype, message, location=self.option_location(option), env=self.env)

    def run(self) -> list[nodes.Node]:
        """Return the placeholder carrying the validated query."""
        self.options = raw_options(self)
        kind = COLLECTORS[self.name.split(":", 1)[-1].removeprefix("plan-")]
        domain: PlanDomain = self.env.get_domain("plan")  # type: ignore[assignment]
        registry = domain.registry
        allowed = COMMON_OPTIONS + (("type",) if kind.name == "query" else ())
        for name in self.options:
            if name not in allowed:
                near = difflib.get_close_matches(name, allowed, n=1)
                hint = f"; did you mean {near[0]!r}?" if near else "."
                self.warn(PlanWarning.OPTION, f"{self.name}: unknown option {name!r}{hint} "
                          f"Allowed: {', '.join(allowed)}", name)
        main = kind.main
        error = None
        if kind.name == "query":
            main = (self.options.get("type") or "").strip().lower().removeprefix("plan-")
            if main not in registry:
                types = ", ".join(t.name for t in registry)
                error = f"unknown :type: {main!r}; one of {types}"
                self.warn(PlanWarning.FIELD, f"{self.name}: {error}", "type")
                main = ""
        node = plan_collector(
            kind=kind.name, main=main, depends=list(kind.depends or ((main,) if main else ())),
            plans=[p.strip() for p in (self.options.get("plan") or "").split(",") if p.strip()],
            filter=None, sort=(), columns=[], caption=(self.options.get("caption") or "").strip(),
            error=error,
        )
        self.set_source_info(node)
        if node["plans"]:
            # the plans are checked once every document is read, at this line
            node["plan_location"] = self.option_location("plan")
        if main:
            node["error"] = self._query(node, main, registry) or error
        return [node]

    def _query(self, node: plan_collector, main: str, registry: Any) -> str | None:
        """Check ``:filter:``, ``:sort:`` and ``:columns:``; store them on *node*."""
        otype = registry[main]
        names = set(otype.option_names) | set(DERIVED.get(main, ())) | set(DERIVED["*"])
        words = {c for f in otype.all_fields for c in f.choices}
        text = (self.options.get("filter") or "").strip()
        if text:
            try:
                flt = parse_filter(text)
            except FilterError as err:
                msg = f"{self.name}: bad :filter: {text!r}: {err.message} at column {err.column}"
                self.warn(PlanWarning.FILTER, msg, "filter")
                return f"filter error: {err.message} at column {err.column}"
            unknown = sorted(n for n in flt.names() if n not in names and n.lower() not in words)
            if unknown:
                self.warn(PlanWarning.FILTER,
                          f"{self.name}: :filter: names {', '.join(map(repr, unknown))}, which "
                          f"are neither fields of {main} nor enum values (quote plain strings); "
                          f"fields: {', '.join(sorted(names))}", "filter")
            # parsed once here; the renderer evaluates the plain AST
            node["filter"] = flt
        text = (self.options.get("sort") or "").strip()
        if text:
            try:
                keys = parse_sort(text)
            except SortError as err:
                self.warn(PlanWarning.FILTER, f"{self.name}: bad :sort: {text!r}: {err}", "sort")
            else:
                bad = [k.field for k in keys if k.field not in names]
                if bad:
                    self.warn(PlanWarning.FILTER, f"{self.name}: :sort: names unknown fields "
                              f"{', '.join(map(repr, bad))}; fields: {', '.join(sorted(names))}",
                              "sort")
                else:
                    node["sort"] = keys
        text = (self.options.get("columns") or "").strip()
        if text:
            columns = [c.strip() for c in text.split(",") if c.strip()]
            allowed = names  # fields and derived values alike
            bad = [c for c in columns if c not in allowed]
            if bad:
                self.warn(PlanWarning.FILTER, f"{self.name}: :columns: names unknown columns "
                          f"{', '.join(map(repr, bad))}; columns: {', '.join(sorted(allowed))}",
                          "columns")
            node["columns"] = [c for c in columns if c in allowed]
        return None


def setup_collectors(app: Sphinx) -> None:
    """Register the placeholder node and every collector directive.

    :param app: the Sphinx application
    """
    def skip(self: Any, node: nodes.Node) -> None:
        raise nodes.SkipNode

    # the placeholder never reaches a writer; these visitors are a safety net
    # for builders that skip post-transforms, so they cannot crash on it. No
    # "epub" key: Sphinx looks visitors up by builder name before format, so
    # one would hide every other extension's html visitors (graphviz...) from epub
    app.add_node(plan_collector, **{fmt: (skip, None) for fmt in
                                    ("html", "latex", "text", "man", "texinfo")})
    for name in COLLECTORS:
        app.add_directive(f"plan-{name}", CollectorDirective)

"""Collector directives: one class, parameterised by kind, leaving a placeholder.

The placeholder carries the parsed query as plain attributes; the
post-transform in :mod:`sphinxcontrib_plan.render.transform` fills it from
the whole project's merged data once every document has been read.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes

from sphinxcontrib_plan.directives.options import OwnOptions
from sphinxcontrib_plan.domain import plan_domain
from sphinxcontrib_plan.domain_refs import CONTENT_KEY
from sphinxcontrib_plan.model.changes import CHANGE_KINDS, since_spec
from sphinxcontrib_plan.model.collectors import COLLECTORS
from sphinxcontrib_plan.model.derived import query_fields
from sphinxcontrib_plan.model.external import DEPENDENCY, SOURCE_WORDS, parse_source_option
from sphinxcontrib_plan.model.names import did_you_mean
from sphinxcontrib_plan.render.nodes import plan_collector
from sphinxcontrib_plan.warnings import PlanWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from sphinxcontrib_plan.model.typespec import Registry


class CollectorDirective(OwnOptions):
    """``plan-<collector>``: validate the query now, render later."""

    #: the ``:rule:`` names of a ``plan-coverage``
    rules: list[str]
    takes_body = False
    optional_arguments = 0

    def warn(self, subtype: PlanWarning, message: str, option: str) -> None:
        """Warn at the line of *option*.

        :param subtype: warning subtype
        :param message: the message
        :param option: the option concerned
        """
        warn(subtype, message, location=self.option_location(option), env=self.env)

    def run(self) -> list[nodes.Node]:
        """Return the placeholder carrying the validated query."""
        self.env.temp_data[CONTENT_KEY] = True
        self.read_options()
        kind = COLLECTORS[self.name.split(":", 1)[-1].removeprefix("plan-")]
        registry: Registry = plan_domain(self.env).registry
        allowed = kind.all_options
        for name in self.options:
            if name not in allowed:
                hint = did_you_mean(name, allowed) or "."
                self.warn(
                    PlanWarning.OPTION,
                    f"{self.name}: unknown option {name!r}{hint} Allowed: {', '.join(allowed)}",
                    name,
                )
        main = kind.main
        error = None
        if kind.name == "query":
            main = (self.options.get("type") or "").strip().lower().removeprefix("plan-")
            if main not in registry:
                types = [t.name for t in registry]
                error = (
                    f"unknown :type: {main!r}; one of {', '.join(types)}{did_you_mean(main, types)}"
                )
                self.warn(PlanWarning.FIELD, f"{self.name}: {error}", "type")
                main = ""
        if kind.name == "coverage":
            main = self._rules(registry)
        node = plan_collector(
            kind=kind.name,
            main=main,
            depends=list(kind.depends or ((main,) if main else ())),
            plans=[p.strip() for p in (self.options.get("plan") or "").split(",") if p.strip()],
            filter=None,
            sort=(),
            columns=[],
            caption=(self.options.get("caption") or "").strip(),
            error=error,
        )
        self._source(node)
        self.set_source_info(node)
        if node["plans"]:
            # the plans are checked once every document is read, at this line
            node["plan_location"] = self.option_location("plan")
        if kind.row_fields:
            node["error"] = self._query(node, main, registry, set(kind.row_fields))
        elif main:
            node["error"] = self._query(node, main, registry) or error
        if "since" in kind.options:
            self._since(node)
        if kind.name == "coverage":
            node["rule"] = self.rules
            node["gaps"] = "gaps" in self.options
            # a rule links any type to any other
            node["depends"] = [t.name for t in registry]
        return [node]

    def _rules(self, registry: Registry) -> str:
        """Check ``:rule:`` against ``plan_coverage_rules``; keep the names in
        :attr:`rules`. The rows' type, when the rules chosen share one, is what
        ``:filter:`` and ``:columns:`` address.

        :return: the shared type, or ``""``
        """
        rules = plan_domain(self.env).config.coverage(registry)
        names = [r.name for r in rules]
        self.rules = [n.strip() for n in (self.options.get("rule") or "").split(",") if n.strip()]
        unknown = [n for n in self.rules if n not in names]
        if unknown:
            self.warn(
                PlanWarning.FIELD,
                f"{self.name}: :rule: names {', '.join(map(repr, unknown))}"
                f", which plan_coverage_rules does not switch on; rules: "
                f"{', '.join(names) or 'none'}{did_you_mean(unknown[0], names)}",
                "rule",
            )
        types = {r.objects for r in rules if not self.rules or r.name in self.rules}
        return types.pop() if len(types) == 1 else ""

    def _source(self, node: plan_collector) -> None:
        """Check ``:source:``; store the chosen sources and what they depend on."""
        projects = list(plan_domain(self.env).config.sources())
        chosen, unknown = parse_source_option(self.options.get("source") or "", projects)
        if unknown:
            words = [*SOURCE_WORDS, *projects]
            self.warn(
                PlanWarning.FIELD,
                f"{self.name}: :source: names {', '.join(map(repr, unknown))}"
                f", which is neither local, external, all nor a project of plan_external; "
                f"projects: {', '.join(projects) or 'none'}{did_you_mean(unknown[0], words)}",
                "source",
            )
        node["source"] = sorted(chosen)
        node["depends"] = [
            *(node["depends"] if "local" in chosen else ()),
            *(DEPENDENCY.format(p) for p in sorted(chosen - {"local"})),
        ]

    def _since(self, node: plan_collector) -> None:
        """Store the ``:since:`` baseline's spec (see :mod:`.model.changes`) on *node*."""
        text = (self.options.get("since") or "").strip()
        relative, absolute = self.env.relfn2path(text, self.env.docname) if text else ("", "")
        is_file = bool(text) and (text.endswith(".json") or Path(absolute).is_file())
        node["since"] = since_spec(text, is_file, Path(relative).as_posix())
        node["since_location"] = self.option_location("since") if text else self.get_location()

    def _query(
        self,
        node: plan_collector,
        main: str,
        registry: Registry,
        row_fields: set[str] | None = None,
    ) -> str | None:
        """Check ``:filter:``, ``:sort:`` and ``:columns:``; store them on *node*.

        :param row_fields: the values a row has, when rows are not objects of *main*
        """
        if row_fields is not None:
            # rows name a change kind and an object type: both read as bare words
            names, words = row_fields, {*CHANGE_KINDS, *(t.name for t in registry)}
        else:
            otype = registry[main]
            names = query_fields(otype)
            words = {c for f in otype.all_fields for c in f.choices}
        # the query readers are imported by the first collector that has a query
        from sphinxcontrib_plan.query.filter import FilterError, parse_filter
        from sphinxcontrib_plan.query.sort import SortError, parse_sort

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
                self.warn(
                    PlanWarning.FILTER,
                    f"{self.name}: :filter: names {', '.join(map(repr, unknown))}, which "
                    f"are neither fields of {main or 'its rows'} nor enum values "
                    "(quote plain strings); "
                    f"fields: {', '.join(sorted(names))}{did_you_mean(unknown[0], names)}",
                    "filter",
                )
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
                    self.warn(
                        PlanWarning.FILTER,
                        f"{self.name}: :sort: names unknown fields "
                        f"{', '.join(map(repr, bad))}; fields: {', '.join(sorted(names))}"
                        f"{did_you_mean(bad[0], names)}",
                        "sort",
                    )
                else:
                    node["sort"] = keys
        text = (self.options.get("columns") or "").strip()
        if text:
            columns = [c.strip() for c in text.split(",") if c.strip()]
            allowed = names  # fields and derived values alike
            bad = [c for c in columns if c not in allowed]
            if bad:
                self.warn(
                    PlanWarning.FILTER,
                    f"{self.name}: :columns: names unknown columns "
                    f"{', '.join(map(repr, bad))}; columns: {', '.join(sorted(allowed))}"
                    f"{did_you_mean(bad[0], allowed)}",
                    "columns",
                )
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
    safe = (skip, None)
    app.add_node(plan_collector, html=safe, latex=safe, text=safe, man=safe, texinfo=safe)
    for name in COLLECTORS:
        app.add_directive(f"plan-{name}", CollectorDirective)

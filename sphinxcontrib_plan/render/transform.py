"""Fill collector placeholders from the merged data of the whole project."""

from __future__ import annotations

from contextlib import AbstractContextManager
from functools import cache
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from sphinxcontrib_plan.domain import plan_domain
from sphinxcontrib_plan.model.collectors import COLLECTORS
from sphinxcontrib_plan.model.gcpolicy import held_collector
from sphinxcontrib_plan.render.assets import has_plan_content
from sphinxcontrib_plan.render.finished import finish, writes_finished
from sphinxcontrib_plan.render.nodes import note, plan_collector

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from sphinxcontrib_plan.domain import PlanDomain


#: rows on one page from which the garbage of earlier pages is collected before rendering
LARGE_PAGE_ROWS = 500


def kept_allocations(rows: int) -> AbstractContextManager[None]:
    """Hold the cyclic garbage collector back while a page's collectors render.

    Everything a collector allocates stays reachable (it becomes the page),
    so a collection started meanwhile finds nothing to free; yet a register
    of thousands of rows allocates enough to start several full collections
    of the whole heap (0.8 s of the 1.1 s a 5,000-object register page
    took). Before a page of many rows the garbage of the pages written
    earlier is collected once, so that the page is not built on top of it
    (the build's peak memory); collection resumes afterwards, as it was.

    :param rows: about how many rows the page's collectors show
    :return: the context (:func:`.model.gcpolicy.held_collector`)
    """
    return held_collector(collect_first=rows >= LARGE_PAGE_ROWS)


@cache
def load_renderers() -> None:
    """Import the collector renderers once, on the first page with a collector: each
    marks in :data:`~sphinxcontrib_plan.model.collectors.COLLECTORS` what it draws."""
    from sphinxcontrib_plan.render.collectors import (  # noqa: F401
        api,
        architecture,
        changes,
        compliance,
        coverage,
        data_model,
        events,
        observability,
        query,
        rbac,
        risks,
        signoff,
        stack,
        timeline,
    )


class CollectorTransform(SphinxPostTransform):
    """Replace each ``plan_collector`` placeholder by its tables and lists."""

    # below 10, so the pending_xref nodes emitted here are still resolved by
    # Sphinx's ReferencesResolver (priority 10) through the plan domain, for
    # every builder, instead of being resolved by hand
    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        """Render every placeholder of the document; show the ids the index gave."""
        if not has_plan_content(self.env, self.env.docname):
            return
        domain = plan_domain(self.env)
        renamed = domain.index.renamed.get(self.env.docname)
        if renamed:
            for slot in self.document.findall(nodes.inline):
                if slot.get("plan_order") in renamed:
                    slot.children = []
                    slot += nodes.Text(renamed[slot["plan_order"]])
        if domain.index.backlinks:
            from sphinxcontrib_plan.render.backlinks import add_reverse_rows

            add_reverse_rows(self.document, self.env.docname, domain.index, domain.registry)
        if domain.index.by_type.get("signoff"):
            from sphinxcontrib_plan.model.approval import stale_signoffs
            from sphinxcontrib_plan.render.approvals import mark_stale

            mark_stale(
                self.document,
                self.env.docname,
                domain.index,
                stale_signoffs(domain.index, domain.state.approved),
            )
        if not has_plan_content(self.env, self.env.docname, "collectors"):
            return
        placeholders = list(self.document.findall(plan_collector))
        rows = sum(
            len(domain.index.by_type.get(node.get("main") or "", ())) for node in placeholders
        )
        with kept_allocations(rows):
            rendered: list[nodes.Element] = []
            for node in placeholders:
                made = self.render(domain, node)
                node.replace_self(made)
                rendered.extend(n for n in made if isinstance(n, nodes.container))
            if rendered and writes_finished(self.env):
                finish(self, rendered)

    def render(self, domain: PlanDomain, node: plan_collector) -> list[nodes.Node]:
        """The nodes of one collector.

        :param domain: the plan domain
        :param node: the placeholder
        :return: the rendering, or a visible note when the query is broken
        """
        if node.get("error"):
            return [note(f"This {node['kind']} is empty: {node['error']}.")]
        load_renderers()
        kind = COLLECTORS[node["kind"]]
        from sphinxcontrib_plan.render.collectors import Context  # only pages with collectors

        source = node.get("source", ["local"])
        ctx = Context(
            # only a collector showing other projects sees their objects
            index=domain.index if source == ["local"] else domain.portfolio,
            registry=domain.registry,
            config=domain.config,
            docname=self.env.docname,
            kind=node["kind"],
            main=node["main"],
            plans=node["plans"],
            filter=node["filter"],
            sort=node["sort"],
            columns=node["columns"],
            caption=node["caption"],
            sphinx_config=self.config,
            defaults=kind.default_columns(domain.registry, node["main"]),
            source=frozenset(source),
            options={name: node[name] for name in kind.options if name in node},
        )
        container = nodes.container(classes=["plan-collector", f"plan-collector-{node['kind']}"])
        assert kind.renderer is not None, f"no module of render.collectors draws {kind.name}"
        container.extend(kind.renderer(ctx))
        # writers number captioned tables and figures and need an id to do so
        # (two walks by class take docutils' fast path; a register holds 90,000 nodes)
        numbered_kinds: tuple[type[nodes.Element], ...] = (nodes.table, nodes.figure)
        for numbered in numbered_kinds:
            for tbl in container.findall(numbered):
                if not tbl["ids"] and any(
                    isinstance(c, (nodes.title, nodes.caption)) for c in tbl.children
                ):
                    self.document.set_id(tbl)
        return [container]


def setup_transforms(app: Sphinx) -> None:
    """Register the collector post-transform.

    :param app: the Sphinx application
    """
    app.add_post_transform(CollectorTransform)

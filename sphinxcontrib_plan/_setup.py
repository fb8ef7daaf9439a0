"""The ordered registration of every part of the extension, and the one place
where the build's events move data between the layers:

``doctree-read``
    the document's pending objects are finished (:mod:`.directives.finish`)
    and stored in the domain;
``env-updated``
    the merged records are resolved (:mod:`.resolve`) into the index, which the
    domain keeps for references, collectors and exports; the findings are
    reported as warnings, with the read-time warnings of documents not read again;
``env-get-updated``
    pages showing data that changed elsewhere are written again.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sphinxcontrib_plan._version import __version__
from sphinxcontrib_plan.domain import plan_domain
from sphinxcontrib_plan.model.gcpolicy import (
    document_read,
    hold_until_resolved,
    no_collection_at_exit,
    reading_ends,
    reading_starts,
    release_held,
)

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx import addnodes
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

    from sphinxcontrib_plan.domain import PlanDomain
    from sphinxcontrib_plan.model.index import Finding, ResolvedIndex
    from sphinxcontrib_plan.model.junit import TestResults
    from sphinxcontrib_plan.model.records import ObjectRecord

#: bump when records or the domain data change shape, to force a re-read
ENV_VERSION = 8


def _register_user_types(app: Sphinx, config: Config) -> None:
    from sphinxcontrib_plan.config import PlanConfig
    from sphinxcontrib_plan.directives.base import PlanObjectDirective
    from sphinxcontrib_plan.domain_refs import PlanXRefRole

    for otype in PlanConfig.from_sphinx(config).registry():
        if not otype.builtin:
            app.add_directive(f"plan-{otype.name}", PlanObjectDirective, override=True)
            app.add_role_to_domain("plan", otype.name, PlanXRefRole(), override=True)


def _builder_inited(app: Sphinx) -> None:
    from sphinxcontrib_plan.export.writer import warn_shipped_exports
    from sphinxcontrib_plan.fetch import Http, update_external
    from sphinxcontrib_plan.render.assets import warn_shipped

    domain = plan_domain(app.env)
    domain.add_user_types()
    # once, in the main process, before any document is read (never in a worker)
    config = domain.config
    update_external(
        domain.external,
        config.sources(),
        confdir=Path(app.confdir),
        registry=domain.registry,
        cache_days=config.external_cache_days,
        timeout=config.external_timeout,
        http=Http.from_config(app.config),
    )
    # the project's own files of the names the extension writes are kept
    warn_shipped(app)
    warn_shipped_exports(app)


# -- reading: finish each document's objects, store them ----------------------------


def _before_reading(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Before Sphinx forks its parallel readers, import what each would import alone.

    Every chunk of documents is read in a process forked from this one: a
    module the chunk imports on first use (the SQL reader and its sqlglot
    take ~40 ms) would be imported again in every chunk. Imported here once,
    it is inherited; a serial build, or a project that never needs the
    module, imports nothing more than before.
    """
    reading_starts()
    if app.parallel <= 1 or len(docnames) < 2:
        return
    import sphinxcontrib_plan.directives.finish

    for docname in docnames:
        try:
            text = Path(env.doc2path(docname)).read_bytes()
        except OSError:
            continue
        if b"plan-table" in text:
            import sphinxcontrib_plan.model.sql  # noqa: F401 (a plan-table's SQL is read)

            return


def _doctree_read(app: Sphinx, document: nodes.document) -> None:
    from sphinxcontrib_plan.directives.finish import finish_document
    from sphinxcontrib_plan.warnings import RECORDED

    env = app.env
    found = finish_document(env, env.docname, document)
    domain = plan_domain(env)
    domain.note_document(
        env.docname,
        found.records,
        found.collectors,
        found.xrefs,
        found.refs,
        env.temp_data.pop(RECORDED, None) or [],
        found.baselines,
        content=found.content,
        holds=found.holds,
    )
    document_read()


# -- resolving: the index, its findings, the pages to refresh -----------------------


def _resolve(
    domain: PlanDomain, results: TestResults | None
) -> tuple[ResolvedIndex, list[Finding]]:
    from sphinxcontrib_plan.resolve import resolve

    env = domain.env

    def where(record: ObjectRecord) -> str:
        # relative to the source directory: the message stays the same wherever
        # the project is checked out, and short
        return f"{env.doc2path(record.docname, False)}:{record.lineno}"

    return resolve(
        domain.records(),
        domain.registry,
        domain.config,
        env.found_docs,
        where,
        today=domain.config.today or _today(),
        results=results,
    )


def _results(domain: PlanDomain) -> TestResults | None:
    """The JUnit results of ``plan_test_results``, read in the main process."""
    if not domain.config.test_results:
        return None
    from sphinxcontrib_plan.model.junit import read_results

    return read_results(Path(domain.env.srcdir), domain.config.test_results)


def _today() -> str:
    """The build's date: ``SOURCE_DATE_EPOCH``'s when set (reproducible builds), else today."""
    import datetime as dt
    import os

    from sphinxcontrib_plan.model.approval import build_date

    try:
        return build_date(os.environ)
    except ValueError as err:
        from sphinxcontrib_plan.warnings import PlanWarning, warn

        warn(PlanWarning.CONFIG, f"{err}; review dates are compared with today", location=None)
        return dt.date.today().isoformat()


def _index_only(domain: PlanDomain) -> ResolvedIndex:
    """The index without its findings, for a build that resolved nothing because no
    record changed but writes a page (or an export) that reads the index."""
    from sphinxcontrib_plan.resolve import build_index

    return build_index(
        domain.records(),
        domain.registry,
        domain.env.found_docs,
        rules=domain.config.coverage(domain.registry),
        results=_results(domain),
        stages=domain.config.gates(domain.registry),
    )[0]


def _intersphinx_names(env: BuildEnvironment) -> tuple[set[str], dict[str, set[str]]]:
    """Plan object names of the intersphinx inventories: main, and by project."""
    main: set[str] = set()
    named: dict[str, set[str]] = {}
    if "sphinx.ext.intersphinx" not in env.config.extensions:
        return main, named
    try:
        from sphinx.ext.intersphinx import InventoryAdapter

        adapter = InventoryAdapter(env)
        inventories = {"": adapter.main_inventory, **adapter.named_inventory}
    except (ImportError, AttributeError):  # an older or changed intersphinx
        return main, named
    for name, inventory in inventories.items():
        found = {n for typ, items in inventory.items() if typ.startswith("plan:") for n in items}
        (main.update(found) if not name else named.setdefault(name, set()).update(found))
    return main, named


def _doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    release_held()


def _build_finished(app: Sphinx, exception: BaseException | None) -> None:
    release_held()  # a build that wrote no page
    reading_ends()
    # the heap a build leaves is not walked once more as the process ends
    no_collection_at_exit()


def _env_updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    from dataclasses import replace

    from sphinxcontrib_plan.build_state import resolve_key
    from sphinxcontrib_plan.diff.drift_build import drift_findings, implemented_digest
    from sphinxcontrib_plan.model.external import DEPENDENCY, check_external_refs
    from sphinxcontrib_plan.model.gcpolicy import held_collector
    from sphinxcontrib_plan.resolve_pages import pages_to_refresh
    from sphinxcontrib_plan.resolve_refs import check_references
    from sphinxcontrib_plan.warnings import PlanWarning, logger, replay, setting_location, warn

    domain = plan_domain(env)
    # the read-time warnings of documents this build did not read again, so an
    # incremental build reports what a clean one does
    for docname in sorted(set(domain.warnings) - domain.read_docs):
        replay(domain.warnings[docname])
    main, named = _intersphinx_names(env)
    external = {DEPENDENCY.format(name): plan.sha256 for name, plan in domain.external.items()}
    # a results file read again and changed makes the index (its tests' results) new
    results = _results(domain)
    drift = domain.config.drift
    drifted = implemented_digest(Path(env.srcdir), drift) if drift else None
    key = resolve_key(
        env,
        domain.fingerprint(),
        domain.config,
        (
            sorted(main),
            sorted((k, sorted(v)) for k, v in named.items()),
            sorted(external.items()),
            results and results.digest,
            drifted,
        ),
    )
    # plan-changes compares with revisions of the repository, which move on their own
    kept = None if domain.baselines else domain.state.reusable(key)
    if kept is not None:
        # nothing the index is made from changed: its findings are those of the
        # last build, no page shows changed data, and the index itself is built
        # only if a page written for another reason asks for it
        findings = kept
    else:
        # what is made here stays (the index, its findings): the cyclic collector
        # would walk the environment's millions of objects for nothing
        with held_collector():
            index, findings = _resolve(domain, results)
            domain.set_index(index)

            def resolvable(target: str) -> bool:
                project, _, rest = target.partition(":")
                return target in main or rest in named.get(project, ())  # intersphinx takes it

            # references to other projects' objects are checked against the portfolio
            refs, findings_external = check_external_refs(
                domain.refs, domain.portfolio, list(domain.config.sources())
            )
            findings += (
                check_references(refs, index, domain.registry, resolvable) + findings_external
            )
            findings += _approvals(domain, index)
            if drift:
                findings += drift_findings(index, Path(env.srcdir), drift)
            # each project's data has a fingerprint of its own: a changed plan.json
            # refreshes the pages showing that project, and links into it
            prints = {**index.fingerprints, **external}
            refresh, pages = pages_to_refresh(
                domain.state.pages,
                replace(domain.portfolio, fingerprints=prints),
                domain.collectors,
                domain.xrefs,
                domain.baselines,
                domain.registry,
                domain.state.approved,
            )
        domain.state.resolved(key, findings, pages, refresh)
    for finding in findings:
        location = finding.location
        if location == "conf.py":  # a setting's problem: at the line that sets it
            location = setting_location(Path(app.confdir), finding.message.partition(":")[0])
        warn(PlanWarning(finding.subtype), finding.message, location=location)
        for location, message in finding.details:
            logger.verbose(message, location=location)
    # what reading froze goes back to the collector, as pages written let it go
    reading_ends()
    # Sphinx pickles the environment next, then loads the search index: held
    hold_until_resolved()
    return []


def _approvals(domain: PlanDomain, index: ResolvedIndex) -> list[Finding]:
    """Baselines of ``plan-changes`` (which may run git) and stale sign-offs.

    The object digests of every approved version seen (a build whose content
    matched a sign-off's fingerprint, or a baseline built for ``plan-changes``)
    are kept in the domain's state by fingerprint: they name the objects a plan
    changed once its sign-off goes stale, without building the approved revision.
    """
    from sphinxcontrib_plan.baselines import update_changes
    from sphinxcontrib_plan.resolve_pages import approved_digests, stale_findings

    findings, seen = update_changes(domain, index, Path(domain.env.srcdir))
    approved = {**domain.state.approved, **seen, **approved_digests(index)}
    # only the versions the sign-offs still name are worth keeping
    named = {str(s.fields.get("fingerprint") or "").strip() for s in index.of_type("signoff")}
    domain.state.approved = {fp: d for fp, d in approved.items() if fp in named}
    return findings + stale_findings(index, domain.state.approved)


def _env_get_updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    domain = plan_domain(env)
    return [d for d in domain.state.take_refresh() if d in env.all_docs]


def _missing_reference(
    app: Sphinx, env: BuildEnvironment, node: addnodes.pending_xref, contnode: nodes.Element
) -> nodes.Element | None:
    """Keep an unresolved plan reference as plain text (intersphinx had its turn).

    References read from documents were checked at ``env-updated``; only one
    made later (by another extension's transform) is reported here.
    """
    if node.get("refdomain") != "plan":
        return None
    if not node.get("plan_field") and not node.get("plan_checked"):
        from sphinxcontrib_plan.resolve_refs import reference_message
        from sphinxcontrib_plan.warnings import PlanWarning, warn

        domain = plan_domain(env)
        warn(
            PlanWarning.REF,
            reference_message(
                "role", node["reftype"], node["reftarget"], domain.index, domain.registry
            ),
            location=node,
        )
    return contnode


def setup_extension(app: Sphinx) -> ExtensionMetadata:
    """Register config, domain, directives, roles, transforms and events.

    :param app: the Sphinx application
    :return: the extension metadata
    """
    from sphinxcontrib_plan.cli.page_warnings import setup_page_warnings
    from sphinxcontrib_plan.config import setup_config
    from sphinxcontrib_plan.directives.base import PlanObjectDirective
    from sphinxcontrib_plan.directives.collectors import setup_collectors
    from sphinxcontrib_plan.directives.myst_lines import setup_myst_lines
    from sphinxcontrib_plan.directives.objects import setup_objects
    from sphinxcontrib_plan.directives.openapi import setup_openapi
    from sphinxcontrib_plan.domain import PlanDomain, setup_domain
    from sphinxcontrib_plan.export.writer import setup_export
    from sphinxcontrib_plan.render.assets import setup_assets
    from sphinxcontrib_plan.render.finished import setup_finished
    from sphinxcontrib_plan.render.html import setup_html
    from sphinxcontrib_plan.render.interactive import setup_interactive
    from sphinxcontrib_plan.render.json_schema import setup_schema_render
    from sphinxcontrib_plan.render.latex import setup_latex
    from sphinxcontrib_plan.render.transform import setup_transforms
    from sphinxcontrib_plan.workers import setup_workers

    setup_config(app)
    setup_domain(app)
    # the domain asks for its index only when env-updated did not set it: no
    # record changed, or a builder resolves references without reading
    PlanDomain.index_factory = _index_only
    app.add_directive("plan", PlanObjectDirective)
    setup_objects(app)
    setup_openapi(app)
    setup_collectors(app)
    setup_myst_lines(app)
    setup_transforms(app)
    setup_html(app)
    setup_finished(app)
    setup_schema_render(app)
    setup_interactive(app)
    setup_latex(app)
    setup_page_warnings(app)
    app.connect("config-inited", _register_user_types, priority=450)
    app.connect("builder-inited", _builder_inited)
    # before Sphinx's metadata collector (500) removes the docinfo the plan is read from
    app.connect("env-before-read-docs", _before_reading)
    app.connect("doctree-read", _doctree_read, priority=400)
    app.connect("env-updated", _env_updated)
    app.connect("env-get-updated", _env_get_updated)
    app.connect("missing-reference", _missing_reference, priority=900)
    app.connect("doctree-resolved", _doctree_resolved, priority=1)
    app.connect("build-finished", _build_finished)
    setup_export(app)
    setup_assets(app)
    setup_workers(app)
    return {
        "version": __version__,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }

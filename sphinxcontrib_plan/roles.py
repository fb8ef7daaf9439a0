"""Plan references: checked once every document is read, one ``plan.ref`` warning each.

Also repeats, in builds that do not read a document again, the warnings it
gave when it was read: the warnings of an incremental build are then those
of a clean build of the same sources.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from sphinxcontrib_plan.model.ids import normalise_signature
from sphinxcontrib_plan.warnings import PlanWarning, replay, warn

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx import addnodes
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from sphinxcontrib_plan.domain import PlanDomain
    from sphinxcontrib_plan.resolve import ResolvedIndex


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


def _message(source: str, typ: str, target: str, domain: PlanDomain) -> str:
    index: ResolvedIndex = domain.index
    if source != "role":
        plans = sorted(r.id for r in index.by_type.get("plan", ()))
        return (f"{source}: :plan: names {target!r}, which no plan directive declares; "
                f"plans: {', '.join(plans) or 'none'}")
    what = "object" if typ == "ref" else typ
    found = index.lookup(target, None)
    if found is not None:
        role = found.type if domain.registry[found.type].role else "ref"
        return (f"{{plan:{typ}}} names {target!r}, which is a {found.type}, not a {typ}; "
                f"write {{plan:{role}}} instead")
    known = [r.id for r in index.records if typ == "ref" or r.type == typ]
    near = difflib.get_close_matches(target, known, n=1, cutoff=0.6)
    hint = f"; did you mean {near[0]!r}?" if near else ""
    return (f"{{plan:{typ}}} names {target!r}, but no {what} has that id"
            + (" or signature" if typ in ("endpoint", "ref") else "") + hint)


def check_references(app: Sphinx, env: BuildEnvironment) -> None:
    """Warn about every plan reference and collector ``:plan:`` that names nothing.

    :param app: the Sphinx application
    :param env: the environment
    """
    domain: PlanDomain = env.get_domain("plan")  # type: ignore[assignment]
    index = domain.index
    main, named = _intersphinx_names(env)
    for docname in sorted(domain.refs):
        for source, typ, target, location in domain.refs[docname]:
            key = normalise_signature(target) if " " in target.strip() else target
            if index.lookup(key, None if typ == "ref" else typ) is not None:
                continue
            project, _, rest = target.partition(":")
            if target in main or key in main or rest in named.get(project, ()):
                continue  # intersphinx resolves it when the page is written
            warn(PlanWarning.REF, _message(source, typ, target, domain), location=location)


def replay_warnings(app: Sphinx, env: BuildEnvironment) -> None:
    """Repeat the read-time warnings of every document this build did not read.

    :param app: the Sphinx application
    :param env: the environment
    """
    domain: PlanDomain = env.get_domain("plan")  # type: ignore[assignment]
    for docname in sorted(set(domain.warnings) - domain.read_docs):
        replay(domain.warnings[docname])


def on_missing_reference(
    app: Sphinx, env: BuildEnvironment, node: addnodes.pending_xref, contnode: nodes.Element
) -> nodes.Element | None:
    """Keep an unresolved plan reference as plain text (intersphinx had its turn).

    References read from documents were checked at ``env-updated``; only one
    made later (by another extension's transform) is reported here.

    :param app: the Sphinx application
    :param env: the environment
    :param node: the unresolved reference
    :param contnode: its content
    :return: the content, kept as plain text
    """
    if node.get("refdomain") != "plan":
        return None
    if not node.get("plan_field") and not node.get("plan_checked"):
        domain: PlanDomain = env.get_domain("plan")  # type: ignore[assignment]
        warn(PlanWarning.REF, _message("role", node["reftype"], node["reftarget"], domain),
             location=node)
    return contnode


def setup_roles(app: Sphinx) -> None:
    """Connect the reference checks and the missing-reference handler.

    :param app: the Sphinx application
    """
    # after resolve.on_env_updated (priority 500), which builds the index
    app.connect("env-updated", replay_warnings, priority=400)
    app.connect("env-updated", check_references, priority=600)
    app.connect("missing-reference", on_missing_reference, priority=900)

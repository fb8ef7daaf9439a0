"""Unresolved plan references: one ``plan.ref`` warning at the reference."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sphinxcontrib_plan.warnings import PlanWarning, warn

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx import addnodes
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


def on_missing_reference(
    app: Sphinx, env: BuildEnvironment, node: addnodes.pending_xref, contnode: nodes.Element
) -> nodes.Element | None:
    """Warn about a plan reference nothing resolved (intersphinx had its turn).

    :param app: the Sphinx application
    :param env: the environment
    :param node: the unresolved reference
    :param contnode: its content
    :return: the content, kept as plain text
    """
    if node.get("refdomain") != "plan":
        return None
    if not node.get("plan_field"):
        # field references were already checked once, with more context, in resolve.py
        typ = node["reftype"]
        what = "object" if typ == "ref" else ("document" if typ == "doc" else typ)
        warn(PlanWarning.REF, f"{{plan:{typ}}} names {node['reftarget']!r}, but no {what} "
             "has that id" + (" or signature" if typ in ("endpoint", "ref") else ""),
             location=node)
    return contnode


def setup_roles(app: Sphinx) -> None:
    """Connect the missing-reference handler after intersphinx's.

    :param app: the Sphinx application
    """
    app.connect("missing-reference", on_missing_reference, priority=900)

"""Unresolved plan references: one ``plan.ref`` warning at the reference."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sphinxcontrib_plan.warnings import PlanWarning, warn

if TYPE_CHECKING:
    from sphinx import addnodes
    from sphinx.application import Sphinx
    from sphinx.domains import Domain


def on_warn_missing_reference(
    app: Sphinx, domain: Domain | None, node: addnodes.pending_xref
) -> bool | None:
    """Warn about a plan reference nothing resolved, intersphinx included.

    ``missing-reference`` runs every handler even after one resolved the
    reference, so it cannot tell a dangling reference; this event comes only
    when none did.

    :param app: the Sphinx application
    :param domain: the reference's domain
    :param node: the unresolved reference
    :return: ``True`` for plan references (Sphinx's own warning is not wanted)
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
    return True


def setup_roles(app: Sphinx) -> None:
    """Connect the dangling-reference handler.

    :param app: the Sphinx application
    """
    app.connect("warn-missing-reference", on_warn_missing_reference)

"""Stale approvals on the page of the sign-off and of its plan.

A sign-off's field list is written when its document is read and says
"Status: Approved"; whether that approval still holds is known only once
every document is read (:func:`~sphinxcontrib_plan.model.approval.stale_signoffs`).
When the page is written, a stale sign-off gets a "stale" badge in its
header and status, and a note saying which version was approved and what
changed since; its plan's header names the stale sign-offs. Standard nodes
only, so every builder shows them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes

from sphinxcontrib_plan.render.nodes import badge

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinxcontrib_plan.model.approval import StaleSignoff
    from sphinxcontrib_plan.model.index import ResolvedIndex


def _note(item: StaleSignoff) -> nodes.admonition:
    note = nodes.admonition(classes=["plan-stale-note"])
    note += nodes.title("", "Stale approval")
    at = f" at {item.revision[:12]}" if item.revision else ""
    para = nodes.paragraph()
    para += nodes.Text(
        f"This approval was given to an earlier version of plan "
        f"{item.signoff.plan} ({item.approved}{at}); the plan's {item.what}. "
    )
    if item.revision:
        command = f"sphinx-plan diff {item.revision[:12]}"
        para += nodes.Text("See what changed with ")
        para += nodes.literal(command, command)
        para += nodes.Text(", then approve it again.")
    else:
        para += nodes.Text("Review the plan and approve it again.")
    note += para
    return note


def _status_value(container: nodes.Element) -> nodes.Element | None:
    # the paragraph of the sign-off's Status field
    for fields in container.findall(nodes.field_list):
        for field in fields.findall(nodes.field):
            if field.children and field.children[0].astext() == "Status":
                return next(iter(field.findall(nodes.paragraph)), None)
    return None


def _documents(document: nodes.document, page: str) -> dict[int, str]:
    """The document of each object header slot, by node id: in a tree assembled from
    several documents (LaTeX, texinfo, singlehtml) the nearest ``start_of_file``'s.

    Found from the top, since Sphinx moves the included documents' children into
    ``start_of_file`` nodes without resetting their parents.
    """
    found = {id(slot): page for slot in document.findall(nodes.inline) if "plan_order" in slot}
    for start in document.findall(addnodes.start_of_file):  # outer ones first
        for slot in start.findall(nodes.inline):
            if "plan_order" in slot:
                found[id(slot)] = str(start["docname"])
    return found


def mark_stale(
    document: nodes.document, docname: str, index: ResolvedIndex, stale: Iterable[StaleSignoff]
) -> None:
    """Mark the stale sign-offs of a page, and the plans whose sign-offs are stale.

    :param document: the page's tree (or a tree assembled from several documents)
    :param docname: its document (the root of an assembled tree)
    :param index: the index
    :param stale: every stale sign-off
    """
    signoffs: dict[tuple[str, int], StaleSignoff] = {}
    plans: dict[tuple[str, int], list[str]] = {}
    for item in stale:
        signoffs[item.signoff.docname, item.signoff.order] = item
        plan = index.by_id.get(str(item.signoff.plan))
        if plan is not None:
            plans.setdefault((plan.docname, plan.order), []).append(item.signoff.title)
    if not signoffs:
        return
    documents = _documents(document, docname)
    for slot in list(document.findall(nodes.inline)):
        if "plan_order" not in slot:
            continue
        header = slot.parent
        container = header.parent if header is not None else None
        if (
            not isinstance(header, nodes.paragraph)
            or container is None
            or "plan-object-header" not in header["classes"]
        ):
            continue
        key = (documents[id(slot)], slot["plan_order"])
        if key in signoffs:
            header += [nodes.Text(" "), badge("signoff", "stale", "Stale")]
            status = _status_value(container)
            if status is not None:
                status += [nodes.Text(" "), badge("signoff", "stale", "(stale)")]
            fields: list[nodes.Node] = [
                c for c in container.children if isinstance(c, nodes.field_list)
            ]
            after = container.index(fields[-1] if fields else header)
            container.insert(after + 1, _note(signoffs[key]))
        if key in plans:
            header += [
                nodes.Text(" "),
                badge("signoff", "stale", f"Stale sign-off: {', '.join(plans[key])}"),
            ]

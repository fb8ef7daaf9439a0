"""Finish a document's objects once it is parsed: plan, id, anchor, record.

Runs at ``doctree-read`` (wired in :mod:`sphinxcontrib_plan._setup`), when the
document's metadata is known: a derived id depends on the plan, and the plan
may come from front matter or an rST file-wide field. It returns what the
document declares; the setup stores it in the domain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes

from sphinxcontrib_plan.directives.myst_lines import front_matter_text
from sphinxcontrib_plan.directives.pending import PENDING
from sphinxcontrib_plan.domain_refs import CONTENT_KEY
from sphinxcontrib_plan.model.ids import derive_id, slug
from sphinxcontrib_plan.model.records import (
    ObjectRecord,
    ResponseData,
    default_anchor,
    shared_fields,
)
from sphinxcontrib_plan.render.nodes import plan_collector
from sphinxcontrib_plan.warnings import PlanWarning, portable_location, warn

if TYPE_CHECKING:
    from sphinx.environment import BuildEnvironment

    from sphinxcontrib_plan.directives.pending import PendingObject


@dataclass
class DocumentObjects:
    """Everything one document declares, for the domain to store."""

    #: its objects in document order
    records: list[ObjectRecord] = field(default_factory=list)
    #: types its collectors depend on
    collectors: set[str] = field(default_factory=set)
    #: targets of its plan references
    xrefs: set[str] = field(default_factory=set)
    #: ``(source, reftype, target, location)`` references, checked once all is read
    refs: list[tuple[str, str, str, Any]] = field(default_factory=list)
    #: ``(since spec, location)`` of its ``plan-changes`` collectors
    baselines: list[tuple[str, Any]] = field(default_factory=list)
    #: it holds plan content (objects, collectors, plan roles), even if it declares nothing
    content: bool = False
    #: which of :data:`~sphinxcontrib_plan.domain.HOLDS` its tree holds
    holds: set[str] = field(default_factory=set)


def document_plan(env: BuildEnvironment, document: nodes.document) -> str | None:
    """The ``plan`` metadata field of a document (MyST front matter or rST field).

    :param env: the environment
    :param document: the parsed document (docinfo still present)
    :return: the plan id, or ``None``
    """
    # the docinfo is a child of the document itself (docutils' DocInfo transform, MyST)
    for docinfo in (c for c in document.children if isinstance(c, nodes.docinfo)):
        for fld in docinfo.findall(nodes.field):
            if fld[0].astext().strip().lower() == "plan":
                # MyST reads front matter as typed YAML (001 -> 1): the text as written
                value = front_matter_text(env, "plan") or fld[1].astext().strip().strip("\"'")
                # an empty YAML value reaches us as the text "null"
                return None if value.lower() in ("", "null", "none", "~") else value
    return None


def _untitled(entry: PendingObject) -> str:
    """What an untitled object's id derives from: its type and its first text field."""
    first = next(
        (
            v
            for k, v in entry.values.items()
            if k not in ("id", "plan") and isinstance(v, str) and v
        ),
        "",
    )
    return f"{entry.type} {first}".strip()


def _anchor(document: nodes.document, typ: str, oid: str) -> str:
    base = default_anchor(typ, oid)
    anchor, n = base, 1
    while anchor in document.ids:
        n += 1
        anchor = f"{base}-{n}"
    return anchor


def _object_id(
    entry: PendingObject, plan: str | None, parent: ObjectRecord | None, taken: set[str]
) -> str:
    """The explicit id, or one derived from the parent, the plan and the title."""
    if "id" in entry.values:
        return str(entry.values["id"])
    if parent is not None:
        code = slug(entry.data.code if isinstance(entry.data, ResponseData) else "")
        oid, n = f"{parent.id}-{code}", 1
        while oid in taken:
            # one code documented twice (two 200 variants) stays two responses
            n += 1
            oid = f"{parent.id}-{code}-{n}"
        return oid
    oid, n = derive_id(plan, entry.title or _untitled(entry)), 1
    while not entry.title and oid in taken:
        # untitled objects (checklists) are told apart by their order
        n += 1
        oid = f"{derive_id(plan, _untitled(entry))}-{n}"
    return oid


def _is_any(node: addnodes.pending_xref) -> bool:
    """Whether *node* is an ``{any}`` reference, which may name a plan object."""
    return bool(node.get("refdomain") == "" and node.get("reftype") == "any")


def finish_document(
    env: BuildEnvironment, docname: str, document: nodes.document
) -> DocumentObjects:
    """Turn the document's pending objects into records.

    The document is walked once; a document in which no plan directive or role
    ran is walked only for its ``{any}`` references.

    :param env: the environment
    :param docname: the document
    :param document: its doctree
    :return: what the document declares
    """
    pending: list[PendingObject] = env.temp_data.get(PENDING) or []
    out = DocumentObjects(content=bool(pending or env.temp_data.get(CONTENT_KEY)))
    if not out.content:
        out.xrefs = {n["reftarget"] for n in document.findall(addnodes.pending_xref) if _is_any(n)}
        return out
    keyed: list[nodes.Element] = []
    collectors: list[plan_collector] = []
    xrefs: list[addnodes.pending_xref] = []
    for node in document.findall(nodes.Element):
        if "plan_key" in node.attributes:
            keyed.append(node)
        elif isinstance(node, addnodes.pending_xref):
            xrefs.append(node)
        elif isinstance(node, plan_collector):
            collectors.append(node)
        elif isinstance(node, (nodes.table, nodes.container)):
            if "plan-table" in node["classes"]:
                out.holds.add("tables")
            elif "plan-schema-nested" in node["classes"]:
                out.holds.add("folds")
    meta_plan = document_plan(env, document) if pending else None
    current_plan: str | None = None
    finished: dict[int, ObjectRecord] = {}
    taken: set[str] = set()
    for order, node in enumerate(keyed):
        key = node.attributes.pop("plan_key")
        entry = pending[key]
        location = (docname, entry.lineno)
        parent = finished.get(entry.parent) if entry.parent is not None else None
        if entry.type == "plan":
            oid = entry.values.get("id") or slug(entry.title) or "plan"
            if "id" not in entry.values:
                warn(
                    PlanWarning.FIELD,
                    f"plan: the option 'id' is required; using {oid!r}",
                    location=location,
                    env=env,
                )
            plan = current_plan = oid
        else:
            plan = (
                parent.plan
                if parent is not None
                else (entry.values.get("plan") or meta_plan or current_plan)
            )
            oid = _object_id(entry, plan, parent, taken)
            if plan is None and parent is None:
                warn(
                    PlanWarning.ORPHAN,
                    f"plan-{entry.type} {entry.title or oid!r} belongs to no plan: give it "
                    ":plan:, put 'plan: <id>' in the document's metadata, or a plan directive "
                    "above it",
                    location=location,
                    env=env,
                )
        anchor = _anchor(document, entry.type, oid)
        # the anchor is a standard target node, which every writer labels; it is
        # added only now because an empty target would upset docutils' transforms
        target = nodes.target("", "", ids=[anchor])
        node.insert(0, target)
        document.ids[anchor] = target
        _fill_id_slot(node, oid, order)
        record = ObjectRecord(
            type=entry.type,
            id=oid,
            title=entry.title,
            plan=plan,
            docname=docname,
            lineno=entry.lineno or 0,
            anchor=anchor,
            fields=shared_fields(entry.values),
            checks=entry.checks,
            parent=parent.id if parent else None,
            order=order,
            data=entry.data,
            markup=entry.markup,
            body=entry.body,
            placeholders=tuple(entry.placeholders),
        )
        finished[key] = record
        out.records.append(record)
        taken.add(oid)
    if collectors:
        out.holds.add("collectors")
    out.collectors = {t for n in collectors for t in n["depends"]}
    out.xrefs = {n["reftarget"] for n in xrefs if n.get("refdomain") == "plan" or _is_any(n)}
    out.refs = _references(env, xrefs, collectors)
    out.baselines = [
        (n["since"], portable_location(env, n.get("since_location") or n))
        for n in collectors
        if "since" in n
    ]
    return out


def _fill_id_slot(node: nodes.Element, oid: str, order: int) -> None:
    """Write the id into the header's slot (the header is the object's first paragraph);
    the slot keeps the object's order, as the index may give the object another id
    (a type of its plan had it first)."""
    header = next((c for c in node.children if isinstance(c, nodes.paragraph)), None)
    slots = header.children if header is not None else ()
    for slot in chain(slots, node.findall(nodes.inline)):  # then a header shaped otherwise
        if isinstance(slot, nodes.inline) and "plan-object-id" in slot["classes"]:
            slot += nodes.Text(oid)
            slot["plan_order"] = order
            return


def _references(
    env: BuildEnvironment, xrefs: list[addnodes.pending_xref], collectors: list[plan_collector]
) -> list[tuple[str, str, str, Any]]:
    """The plan references of a document, checked once every document is read.

    Checking them at ``env-updated`` rather than when a page is written makes
    the warnings of an incremental build those of a clean one: a page that
    is not written again still has its dangling reference reported.
    """
    refs: list[tuple[str, str, str, Any]] = []
    for node in xrefs:
        if node.get("refdomain") != "plan" or node.get("plan_field"):
            continue  # field references are checked from the records, with more context
        node["plan_checked"] = True
        refs.append(("role", node["reftype"], node["reftarget"], portable_location(env, node)))
    for collector in collectors:
        where = portable_location(env, collector.get("plan_location") or collector)
        refs.extend(
            (f"plan-{collector['kind']}", "plan", plan, where) for plan in collector["plans"]
        )
    return refs

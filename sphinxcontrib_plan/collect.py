"""Finish a document's objects once it is parsed: plan, id, anchor, record.

Runs from :meth:`PlanDomain.process_doc` (the ``SphinxDomains`` transform),
when the document's metadata is known: a derived id depends on the plan,
and the plan may come from front matter or an rST file-wide field.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes

from sphinxcontrib_plan.directives.base import PENDING
from sphinxcontrib_plan.directives.collectors import plan_collector
from sphinxcontrib_plan.model.ids import derive_id, slug
from sphinxcontrib_plan.model.records import ObjectRecord
from sphinxcontrib_plan.warnings import RECORDED, PlanWarning, portable_location, warn

if TYPE_CHECKING:
    from sphinx.environment import BuildEnvironment

    from sphinxcontrib_plan.domain import PlanDomain


def document_plan(document: nodes.document) -> str | None:
    """The ``plan`` metadata field of a document (MyST front matter or rST field).

    :param document: the parsed document (docinfo still present)
    :return: the plan id, or ``None``
    """
    for docinfo in document.findall(nodes.docinfo):
        for fld in docinfo.findall(nodes.field):
            if fld[0].astext().strip().lower() == "plan":
                value = _front_matter_plan(document) or fld[1].astext().strip().strip("\"'")
                # an empty YAML value reaches us as the text "null"
                return None if value.lower() in ("", "null", "none", "~") else value
    return None


_FRONT_PLAN = re.compile(r"^plan\s*:\s*(.*?)\s*$", re.M)


def _front_matter_plan(document: nodes.document) -> str | None:
    """The ``plan:`` value of MyST front matter as written.

    YAML reads ``plan: 001`` as the number 1, and the docinfo then says "1";
    the plan id the author meant is the text in the file.
    """
    try:
        head = Path(document["source"]).read_text(encoding="utf-8")[:4000]
    except (OSError, KeyError, TypeError, UnicodeDecodeError):
        return None
    if not head.startswith("---"):
        return None
    end = head.find("\n---", 3)
    match = _FRONT_PLAN.search(head[3:end if end > 0 else None])
    return match.group(1).split(" #")[0].strip().strip("\"'") if match else None


def _has_key(node: nodes.Node) -> bool:
    return isinstance(node, nodes.Element) and "plan_key" in node.attributes


def _untitled(entry: dict[str, Any]) -> str:
    """What an untitled object's id derives from: its type and its first text field."""
    first = next((v for k, v in entry["values"].items()
                  if k not in ("id", "plan") and isinstance(v, str) and v), "")
    return f"{entry['type']} {first}".strip()


def _anchor(document: nodes.document, typ: str, oid: str) -> str:
    base = nodes.make_id(f"{typ}-{oid}") or f"plan-{typ}"
    anchor, n = base, 1
    while anchor in document.ids:
        n += 1
        anchor = f"{base}-{n}"
    return anchor


def process_document(
    domain: PlanDomain, env: BuildEnvironment, docname: str, document: nodes.document
) -> None:
    """Turn the document's pending objects into records and note them.

    :param domain: the plan domain
    :param env: the environment
    :param docname: the document
    :param document: its doctree
    """
    pending: list[dict[str, Any]] = env.temp_data.get(PENDING, [])
    meta_plan = document_plan(document) if pending else None
    current_plan: str | None = None
    finished: dict[int, ObjectRecord] = {}
    records: list[ObjectRecord] = []
    taken: set[str] = set()
    for order, node in enumerate(document.findall(_has_key)):
        key = node.attributes.pop("plan_key")
        entry = pending[key]
        values: dict[str, Any] = entry["values"]
        typ = entry["type"]
        location = (docname, entry["lineno"])
        parent = finished.get(entry["parent"]) if entry["parent"] is not None else None
        if typ == "plan":
            oid = values.get("id") or slug(entry["title"]) or "plan"
            if "id" not in values:
                warn(PlanWarning.FIELD, f"plan: the option 'id' is required; using {oid!r}",
                     location=location, env=env)
            plan = current_plan = oid
        elif parent is not None:
            plan = parent.plan
            oid = values.get("id") or f"{parent.id}-{slug(entry['extra'].get('code', ''))}"
            n = 1
            while "id" not in values and oid in taken:
                # one code documented twice (two 200 variants) stays two responses
                n += 1
                oid = f"{parent.id}-{slug(entry['extra'].get('code', ''))}-{n}"
        else:
            plan = values.get("plan") or meta_plan or current_plan
            oid = values.get("id") or derive_id(plan, entry["title"] or _untitled(entry))
            n = 1
            while not entry["title"] and "id" not in values and oid in taken:
                # untitled objects (checklists) are told apart by their order
                n += 1
                oid = f"{derive_id(plan, _untitled(entry))}-{n}"
            if plan is None:
                warn(PlanWarning.ORPHAN,
                     f"plan-{typ} {entry['title'] or oid!r} belongs to no plan: give it :plan:, "
                     "put 'plan: <id>' in the document's metadata, or a plan directive above it",
                     location=location, env=env)
        anchor = _anchor(document, typ, oid)
        # the anchor is a standard target node, which every writer labels; it is
        # added only now because an empty target would upset docutils' transforms
        target = nodes.target("", "", ids=[anchor])
        node.insert(0, target)
        document.ids[anchor] = target
        for slot in node.findall(nodes.inline):
            if "plan-object-id" in slot["classes"]:
                slot += nodes.Text(oid)
                break
        record = ObjectRecord(
            type=typ, id=oid, title=entry["title"], plan=plan, docname=docname,
            lineno=entry["lineno"] or 0, anchor=anchor, fields=values,
            checks=tuple(entry["checks"]) if entry["checks"] else None,
            parent=parent.id if parent else None, explicit_id="id" in values, order=order,
            extra=entry["extra"],
        )
        finished[key] = record
        records.append(record)
        taken.add(oid)
    collectors = {t for n in document.findall(plan_collector) for t in n["depends"]}
    xrefs = {n["reftarget"] for n in document.findall(addnodes.pending_xref)
             if n.get("refdomain") == "plan" or (n.get("refdomain") == "" and n.get("reftype") == "any")}
    domain.note_document(docname, records, collectors, xrefs, _references(env, document),
                         env.temp_data.pop(RECORDED, []))


def _references(env: BuildEnvironment, document: nodes.document) -> list[tuple[str, str, str, Any]]:
    """The plan references of a document, checked once every document is read.

    Checking them at ``env-updated`` rather than when a page is written makes
    the warnings of an incremental build those of a clean one: a page that
    is not written again still has its dangling reference reported.
    """
    refs: list[tuple[str, str, str, Any]] = []
    for node in document.findall(addnodes.pending_xref):
        if node.get("refdomain") != "plan" or node.get("plan_field"):
            continue  # field references are checked from the records, with more context
        node["plan_checked"] = True
        refs.append(("role", node["reftype"], node["reftarget"], portable_location(env, node)))
    for node in document.findall(plan_collector):
        where = portable_location(env, node.get("plan_location") or node)
        refs.extend((f"plan-{node['kind']}", "plan", plan, where) for plan in node["plans"])
    return refs

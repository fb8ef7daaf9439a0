"""The cross-document index, computed once per build from the merged domain data.

Everything that needs more than one document happens here, in the main
process, over records sorted by document order: duplicate ids, plan
membership, links named in fields, cycles, consistency. Warnings are thus
the same whether the documents were read serially or by parallel workers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import posixpath
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.model.fields import is_url
from sphinxcontrib_plan.model.types import Kind
from sphinxcontrib_plan.render.objects import severity
from sphinxcontrib_plan.warnings import PlanWarning, warn

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from sphinxcontrib_plan.domain import PlanDomain
    from sphinxcontrib_plan.model.records import ObjectRecord
    from sphinxcontrib_plan.model.types import Registry

#: derived fields offered to filters, sorts and columns, by type (``*``: all types)
DERIVED: dict[str, tuple[str, ...]] = {
    "*": ("id", "title", "plan", "type", "doc"),
    "risk": ("severity",),
    "check": ("done", "total", "progress"),
    "test": ("done", "total", "progress"),
    "phase": ("done", "total", "progress", "start-week", "end-week"),
    "endpoint": ("method", "path", "responses"),
    "response": ("endpoint", "code"),
    "table": ("columns",),
    "plan": ("progress", "open-high-risks", "endpoints", "signoff", "done", "total"),
}


@dataclass
class ResolvedIndex:
    """Every record of the project, indexed for collectors, references and exports."""

    #: records in document order, duplicates left out
    records: list[ObjectRecord] = field(default_factory=list)
    #: record by id
    by_id: dict[str, ObjectRecord] = field(default_factory=dict)
    #: records by type, in document order
    by_type: dict[str, list[ObjectRecord]] = field(default_factory=lambda: defaultdict(list))
    #: endpoints by canonical signature
    by_signature: dict[str, ObjectRecord] = field(default_factory=dict)
    #: signatures declared by more than one endpoint (in different plans)
    ambiguous: set[str] = field(default_factory=set)
    #: nested records (responses) by parent id
    children: dict[str, list[ObjectRecord]] = field(default_factory=lambda: defaultdict(list))
    #: field views (fields plus derived values) by id
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: every document of the project
    docs: frozenset[str] = frozenset()
    #: fingerprint of each type's records
    fingerprints: dict[str, str] = field(default_factory=dict)
    #: title of every object, to find pages whose link text changed
    titles: dict[str, str] = field(default_factory=dict)

    def lookup(self, target: str, typ: str | None) -> ObjectRecord | None:
        """The object a reference names.

        :param target: an id, or an endpoint signature
        :param typ: the role's type, ``None`` for any
        :return: the record, or ``None``
        """
        record = self.by_id.get(target) or self.by_signature.get(target)
        if record is None or (typ is not None and record.type != typ):
            return None
        return record

    def of_type(self, typ: str, plans: Sequence[str] = ()) -> list[ObjectRecord]:
        """Records of one type, optionally only those of some plans.

        :param typ: the type
        :param plans: plan ids; empty for all
        :return: records in document order
        """
        found = self.by_type.get(typ, [])
        if plans:
            wanted = set(plans)
            found = [r for r in found if (r.id if typ == "plan" else r.plan) in wanted]
        return found

    def view(self, record: ObjectRecord) -> dict[str, Any]:
        """Fields of *record* plus derived values, for filters, sorts and columns.

        :param record: a record of the index
        :return: name to value
        """
        return self.views[record.id]

    def doc_target(self, fromdoc: str, target: str) -> str | None:
        """The document a :attr:`Kind.DOC` field names, like the ``{doc}`` role.

        :param fromdoc: the document holding the field
        :param target: the path as written, with or without suffix
        :return: the docname, or ``None``
        """
        base = target.split("#", 1)[0]
        for suffix in (".md", ".rst", ".txt"):
            base = base.removesuffix(suffix)
        if base.startswith("/"):
            name = base.lstrip("/")
        else:
            name = posixpath.normpath(posixpath.join(posixpath.dirname(fromdoc), base))
        return name if name in self.docs else None


def _view(index: ResolvedIndex, record: ObjectRecord) -> dict[str, Any]:
    view = dict(record.fields)
    view.update(id=record.id, title=record.title, plan=record.plan, doc=record.docname)
    # a type's own field of that name (a metric's counter/gauge...) wins over the object type
    view.setdefault("type", record.type)
    if record.checks is not None:
        done, total = record.checks
        view.update(done=done, total=total, progress=round(100 * done / total) if total else None)
    if record.type == "risk":
        view["severity"] = severity(record.fields)
    elif record.type == "endpoint":
        view.update(method=record.extra.get("method"), path=record.extra.get("path"),
                    responses=len(index.children.get(record.id, ())))
    elif record.type == "response":
        view.update(endpoint=record.parent, code=record.extra.get("code"))
    elif record.type == "table":
        view["columns"] = sum(len(t["columns"]) for t in record.extra.get("schema", ()))
    return view


def _phase_weeks(index: ResolvedIndex) -> None:
    """``start-week``/``end-week`` of every phase: from ``weeks``, or from dates
    counted in weeks from the earliest start date of the phase's plan."""
    origins: dict[str | None, dt.date] = {}
    for phase in index.by_type.get("phase", ()):
        if phase.fields.get("start"):
            start = dt.date.fromisoformat(phase.fields["start"])
            origins[phase.plan] = min(start, origins.get(phase.plan, start))
    for phase in index.by_type.get("phase", ()):
        weeks = phase.fields.get("weeks")
        if not weeks and phase.fields.get("start"):
            origin = origins[phase.plan]
            start = dt.date.fromisoformat(phase.fields["start"])
            end = dt.date.fromisoformat(phase.fields.get("end") or phase.fields["start"])
            first = (start - origin).days // 7 + 1
            weeks = [first, max(first, (end - origin).days // 7 + 1)]
        index.views[phase.id].update({"start-week": weeks[0] if weeks else None,
                                      "end-week": weeks[1] if weeks else None})


def _plan_view(index: ResolvedIndex, plan: ObjectRecord) -> None:
    view = index.views[plan.id]
    phases = index.of_type("phase", (plan.id,))
    done = sum(p.checks[0] for p in phases if p.checks)
    total = sum(p.checks[1] for p in phases if p.checks)
    risks = index.of_type("risk", (plan.id,))
    signoffs = index.of_type("signoff", (plan.id,))
    states = {s.fields.get("status") for s in signoffs}
    view.update(
        done=done, total=total, progress=round(100 * done / total) if total else None,
        endpoints=len(index.of_type("endpoint", (plan.id,))),
        signoff=("none" if not signoffs else "rejected" if "rejected" in states
                 else "pending" if "pending" in states else "approved"),
    )
    view["open-high-risks"] = sum(
        1 for r in risks
        if (index.views[r.id]["severity"] or 0) >= 6 and r.fields.get("status") not in ("closed", "accepted"))


def _fingerprint(records: Iterable[ObjectRecord]) -> str:
    digest = hashlib.sha256()
    for r in records:
        # the line number is left out: moving an object within its document
        # changes no collector page, and must not rewrite them all
        digest.update(repr((r.id, r.title, r.plan, r.docname, r.anchor, sorted(r.fields.items()),
                            r.checks, r.parent, r.extra)).encode())
    return digest.hexdigest()


def build_index(domain: PlanDomain, *, report: bool) -> ResolvedIndex:
    """Index the merged records of every document.

    :param domain: the plan domain
    :param report: emit the cross-document warnings (done once per build)
    :return: the index
    """
    index = ResolvedIndex(docs=frozenset(domain.env.found_docs))
    registry = domain.registry
    for record in domain.records():
        first = index.by_id.get(record.id)
        if first is not None:
            if report:
                warn(PlanWarning.DUPLICATE,
                     f"duplicate id {record.id!r}: this {record.type} repeats the id of the "
                     f"{first.type} at {_where(domain.env, first)}; give one an explicit :id:",
                     location=record.location)
            continue
        index.records.append(record)
        index.by_id[record.id] = record
        index.by_type[record.type].append(record)
        index.titles[record.id] = record.title
        if record.type == "endpoint":
            if record.title in index.by_signature:
                index.ambiguous.add(record.title)
            index.by_signature.setdefault(record.title, record)
        if record.parent:
            index.children[record.parent].append(record)
    for record in index.records:
        index.views[record.id] = _view(index, record)
    _phase_weeks(index)
    for plan in index.by_type.get("plan", ()):
        _plan_view(index, plan)
    for otype in registry:
        index.fingerprints[otype.name] = _fingerprint(index.by_type.get(otype.name, ()))
    if report:
        _check_links(domain, index, registry)
        _check_cycles(domain, index)
        from sphinxcontrib_plan.consistency import check_consistency

        check_consistency(domain.config, index)
    return index


def _where(env: BuildEnvironment, record: ObjectRecord) -> str:
    # relative to the source directory: the message stays the same wherever
    # the project is checked out, and short
    return f"{env.doc2path(record.docname, False)}:{record.lineno}"


def _check_links(domain: PlanDomain, index: ResolvedIndex, registry: Registry) -> None:
    plans = sorted(r.id for r in index.by_type.get("plan", ()))
    granted = {p for role in index.by_type.get("role", ()) for p in role.fields.get("permissions", ())}
    for record in index.records:
        otype = registry.get(record.type)
        if otype is None:
            continue
        if record.plan and record.type != "plan" and record.plan not in index.by_id:
            warn(PlanWarning.REF, f"{otype.label.lower()} {record.id!r} belongs to plan "
                 f"{record.plan!r}, which no plan directive declares; plans: "
                 f"{', '.join(plans) or 'none'}", location=record.location)
        for spec in otype.fields:
            value = record.fields.get(spec.name)
            if value is None:
                continue
            if spec.kind in (Kind.REF, Kind.REFS):
                for target in [value] if spec.kind is Kind.REF else value:
                    found = index.by_id.get(target)
                    if found is None or found.type != spec.target:
                        known = [r.id for r in index.by_type.get(spec.target or "", ())][:10]
                        what = "no object" if found is None else f"a {found.type}, not a {spec.target}"
                        warn(PlanWarning.REF, f"{otype.label.lower()} {record.id!r}: "
                             f"{spec.name} names {target!r}, which is {what}; known "
                             f"{spec.target} ids: {', '.join(known) or 'none'}",
                             location=record.location)
            elif spec.kind is Kind.DOC and not is_url(value) \
                    and index.doc_target(record.docname, value) is None:
                warn(PlanWarning.REF, f"{otype.label.lower()} {record.id!r}: {spec.name} names "
                     f"the document {value!r}, which does not exist (give a path like "
                     f"{{doc}} does, or a URL)", location=record.location)
        if record.type == "endpoint" and granted:
            for permission in record.fields.get("permissions", ()):
                if permission not in granted:
                    warn(PlanWarning.REF, f"endpoint {record.title!r} needs permission "
                         f"{permission!r}, which no plan-role grants; granted: "
                         f"{', '.join(sorted(granted))}", location=record.location)


def _check_cycles(domain: PlanDomain, index: ResolvedIndex) -> None:
    for typ in ("phase", "component"):
        graph = {r.id: [d for d in r.fields.get("depends-on", ()) if d in index.by_id]
                 for r in index.by_type.get(typ, ())}
        for cycle in find_cycles(graph):
            first = index.by_id[cycle[0]]
            path = " → ".join([*cycle, cycle[0]])
            warn(PlanWarning.CYCLE, f"{typ} dependency cycle: {path}; remove one depends-on",
                 location=first.location)


def find_cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Elementary cycles found by depth-first search, one per strongly connected group.

    :param graph: node to the nodes it depends on
    :return: cycles, each starting at its smallest node, in sorted order
    """
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 on the current path, 2 finished
    seen_sets: set[frozenset[str]] = set()

    for start in sorted(graph):
        if state.get(start):
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        path: list[str] = []
        while stack:
            node, i = stack.pop()
            if i == 0:
                state[node] = 1
                path.append(node)
            deps = sorted(graph.get(node, ()))
            if i < len(deps):
                stack.append((node, i + 1))
                nxt = deps[i]
                if state.get(nxt) == 1:
                    cycle = path[path.index(nxt):]
                    key = frozenset(cycle)
                    if key not in seen_sets:
                        seen_sets.add(key)
                        low = cycle.index(min(cycle))
                        cycles.append(cycle[low:] + cycle[:low])
                elif not state.get(nxt):
                    stack.append((nxt, 0))
            else:
                state[node] = 2
                path.pop()
    return sorted(cycles)


def on_env_updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Build the index with its warnings; find pages to refresh.

    :param app: the Sphinx application
    :param env: the environment
    :return: nothing to add here (pages are returned at ``env-get-updated``)
    """
    domain: PlanDomain = env.get_domain("plan")  # type: ignore[assignment]
    index = build_index(domain, report=True)
    domain.set_index(index)
    old_prints = domain.state.get("fingerprints", {})
    changed = {t for t, h in index.fingerprints.items() if old_prints.get(t) != h}
    # a link shows the object's title and points at its page and anchor: a page
    # linking to an object that was retitled, moved or removed is written again
    old_links = domain.state.get("links", {})
    links = {r.id: (r.title, r.docname, r.anchor) for r in index.records}
    relinked = {i for i in set(old_links) | set(links) if old_links.get(i) != links.get(i)}
    # endpoints are also referenced by signature, which is their title
    relinked |= {link[0] for i in list(relinked)
                 for link in (old_links.get(i), links.get(i)) if link}
    refresh = {doc for doc, deps in domain.collectors.items() if changed.intersection(deps)}
    refresh |= {doc for doc, targets in domain.xrefs.items() if relinked.intersection(targets)}
    old_docs = domain.state.get("docs")
    if old_docs is not None and old_docs != index.docs:
        # document paths in fields (spec, constitution) resolve to a document now
        # added or removed; they are the targets that name no object
        refresh |= {doc for doc, targets in domain.xrefs.items()
                    if any(t not in links and t not in old_links for t in targets)}
    domain.state.update(fingerprints=index.fingerprints, links=links, docs=index.docs,
                        refresh=sorted(refresh))
    return []


def on_env_get_updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Pages showing data that changed elsewhere, to be written again.

    :param app: the Sphinx application
    :param env: the environment
    :return: docnames
    """
    domain: PlanDomain = env.get_domain("plan")  # type: ignore[assignment]
    return [d for d in domain.state.pop("refresh", ()) if d in env.all_docs]

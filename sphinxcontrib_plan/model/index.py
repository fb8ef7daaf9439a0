"""The resolved index of a project and the findings its resolution reports.

Plain data: :mod:`sphinxcontrib_plan.resolve` fills it from the merged
records; collectors, references and exports read it.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence

    from sphinxcontrib_plan.model.changes import ChangeSet
    from sphinxcontrib_plan.model.records import ObjectRecord
    from sphinxcontrib_plan.warnings import Where

from sphinxcontrib_plan.model.schedule import Schedule, plan_schedule


@dataclass(frozen=True)
class Finding:
    """A problem found across documents, to be reported as a ``plan.*`` warning."""

    #: the warning subtype, e.g. ``duplicate`` (a ``PlanWarning`` value)
    subtype: str
    #: the message
    message: str
    #: ``(docname, line)``, or ``source:line`` text
    location: Where
    #: ``(location, message)`` of each detail, logged only with ``-v`` (verbosity)
    details: tuple[tuple[Where, str], ...] = ()


@dataclass
class ResolvedIndex:
    """Every record of the project, indexed for collectors, references and exports."""

    #: records in document order, duplicates included (each is shown where it stands)
    records: list[ObjectRecord] = field(default_factory=list)
    #: record by id (the first of duplicates)
    by_id: dict[str, ObjectRecord] = field(default_factory=dict)
    #: records by type, in document order
    by_type: dict[str, list[ObjectRecord]] = field(default_factory=lambda: defaultdict(list))
    #: records by ``(type, name)`` for the types whose titles are names written in
    #: code (endpoint signatures; event, metric and table names); the first of several
    by_name: dict[tuple[str, str], ObjectRecord] = field(default_factory=dict)
    #: ``(type, name)`` that several objects carry, with their ids
    ambiguous: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    #: the types looked up by name, in registry order
    named_types: tuple[str, ...] = ()
    #: objects whose derived id another type of their plan had first, by
    #: ``(type, derived id)``: typed roles still find them by the derived id
    aliases: dict[tuple[str, str], ObjectRecord] = field(default_factory=dict)
    #: the ids so given, by document and position, for the pages showing them
    renamed: dict[str, dict[int, str]] = field(default_factory=dict)
    #: nested records (responses) by parent id
    children: dict[str, list[ObjectRecord]] = field(default_factory=lambda: defaultdict(list))
    #: the objects naming each object in a reference field, by the named object's id:
    #: ``(field, id of the object naming it)`` in document order
    backlinks: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    #: what the coverage rules found (:mod:`sphinxcontrib_plan.model.coverage`)
    coverage: Any = None
    #: the JUnit results of ``plan_test_results`` (:class:`~.model.junit.TestResults`)
    results: Any = None
    #: the stage gates' unmet criteria of each plan standing at a stage, by plan id
    #: (:mod:`sphinxcontrib_plan.model.stages`)
    gates: dict[str, list[str]] = field(default_factory=dict)
    #: each test's summary of its matched cases, by id, on first use
    test_summaries: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: records of one type by plan id (``""`` for none), by type, on first use (:meth:`of_type`)
    by_type_plan: dict[str, dict[str, list[ObjectRecord]]] = field(default_factory=dict)
    #: field views (fields plus derived values) by record position
    views: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)
    #: every document of the project
    docs: frozenset[str] = frozenset()
    #: fingerprint of each type's records
    fingerprints: dict[str, str] = field(default_factory=dict)
    #: each plan's schedule (:meth:`schedule`), on first use
    schedules: dict[str | None, Schedule] = field(default_factory=dict)
    #: each plan's earliest phase start date, the origin of week numbers, on first use
    week_origins: dict[str | None, dt.date] = field(default_factory=dict)
    #: the build's date, ``YYYY-MM-DD`` (``SOURCE_DATE_EPOCH``'s when set): review dates
    #: before it are overdue; ``None`` marks nothing overdue
    today: str | None = None
    #: content fingerprint of each plan, computed when first asked (:mod:`.approval`)
    plan_fingerprints: dict[str, str] = field(default_factory=dict)
    #: what each ``plan-changes`` ``:since:`` compares with, and the changes (set at
    #: ``env-updated`` from baselines read outside the pure resolution)
    changes: dict[str, ChangeSet] = field(default_factory=dict)

    def lookup(self, target: str, typ: str | None) -> ObjectRecord | None:
        """The object a reference names.

        :param target: an id, an endpoint signature or a name written in code
        :param typ: the role's type, ``None`` for any
        :return: the record, or ``None``
        """
        record = self.by_id.get(target)
        if record is not None and (typ is None or record.type == typ):
            return record
        if typ is not None and (typ, target) in self.aliases:
            return self.aliases[typ, target]
        for named in (typ,) if typ else self.named_types:
            found = self.by_name.get((named, target))
            if found is not None:
                return found
        return None

    def ambiguity(self, target: str, typ: str | None) -> list[str]:
        """Ids of the objects sharing the name *target*, when a lookup by name
        had to choose one of several (empty otherwise).

        :param target: the reference target
        :param typ: the role's type, ``None`` for any
        :return: ids, or an empty list
        """
        found = self.lookup(target, typ)
        if found is None or found.id == target:
            return []
        return self.ambiguous.get((found.type, target), [])

    def of_type(self, typ: str, plans: Sequence[str] = ()) -> list[ObjectRecord]:
        """Records of one type, optionally only those of some plans.

        :param typ: the type
        :param plans: plan ids; empty for all
        :return: records in document order
        """
        found = self.by_type.get(typ, [])
        if not plans or not found:
            return found
        groups = self.by_type_plan.get(typ)
        if groups is None:
            # one pass groups the whole type by plan: a page per plan, each with
            # its registers, then costs a lookup, not a scan of every record
            groups = self.by_type_plan[typ] = {}
            for record in found:
                plan = (record.id if typ == "plan" else record.plan) or ""
                groups.setdefault(plan, []).append(record)
        if len(plans) == 1:
            return groups.get(plans[0], [])
        wanted = set(plans)
        return [r for r in found if (r.id if typ == "plan" else r.plan) in wanted]

    def schedule(self, plan_id: str | None) -> Schedule:
        """The schedule of a plan's phases (in document order, the first of a
        repeated id), computed once per index.

        :param plan_id: a plan id, or ``None`` for phases without a plan
        :return: the schedule
        """
        found = self.schedules.get(plan_id)
        if found is None:
            found = self.schedules[plan_id] = plan_schedule(
                (p.id, p.fields)
                for p in self.of_type("phase", [plan_id or ""])
                if self.by_id.get(p.id) is p
            )
        return found

    def view(self, record: ObjectRecord) -> dict[str, Any]:
        """Fields of *record* plus derived values, for filters, sorts and columns.

        :param record: a record of the index
        :return: name to value
        """
        return self.views[record.sort_key]

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

"""The cross-document index: a pure function from the merged records to an
index plus findings.

Everything that needs more than one document happens here, over records
sorted by document order: duplicate ids, plan membership, links named in
fields, cycles, schemas, overdue reviews, test results, gates, coverage and
consistency. References by roles are checked in
:mod:`~sphinxcontrib_plan.resolve_refs`, the pages an incremental build must
write again in :mod:`~sphinxcontrib_plan.resolve_pages`. Nothing here emits a warning: findings are returned and
reported by :mod:`sphinxcontrib_plan._setup`, so serial, parallel and
incremental builds report the same set.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace
from typing import TYPE_CHECKING

from sphinxcontrib_plan.model.api_checks import schema_findings
from sphinxcontrib_plan.model.approval import (
    is_overdue,
)
from sphinxcontrib_plan.model.consistency import RULES
from sphinxcontrib_plan.model.coverage import check_coverage, gap_message
from sphinxcontrib_plan.model.derived import view_of
from sphinxcontrib_plan.model.derived_values import coverage_values
from sphinxcontrib_plan.model.fields import is_url
from sphinxcontrib_plan.model.graph import find_cycles
from sphinxcontrib_plan.model.ids import reference_key
from sphinxcontrib_plan.model.index import Finding, ResolvedIndex
from sphinxcontrib_plan.model.junit import result_findings
from sphinxcontrib_plan.model.links import backlinks
from sphinxcontrib_plan.model.names import did_you_mean
from sphinxcontrib_plan.model.stages import gate_findings, stage_of, unmet
from sphinxcontrib_plan.model.typespec import ANY, Kind

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Set

    from sphinxcontrib_plan.config import PlanConfig
    from sphinxcontrib_plan.model.coverage import CoverageRule
    from sphinxcontrib_plan.model.junit import TestResults
    from sphinxcontrib_plan.model.records import ObjectRecord
    from sphinxcontrib_plan.model.stages import Stage
    from sphinxcontrib_plan.model.typespec import FieldSpec, Registry


def build_index(
    records: Iterable[ObjectRecord],
    registry: Registry,
    docs: Set[str],
    today: str | None = None,
    rules: tuple[CoverageRule, ...] = (),
    results: TestResults | None = None,
    stages: tuple[Stage, ...] = (),
) -> tuple[ResolvedIndex, list[tuple[ObjectRecord, ObjectRecord]]]:
    """Index the merged records of every document.

    :param records: every record, in document order
    :param registry: the object types
    :param docs: every document of the project
    :param today: the build's date, ``YYYY-MM-DD`` (review dates before it are overdue)
    :param rules: the coverage rules, run once the views are known
    :param results: the JUnit results the tests' ``junit`` patterns match
    :param stages: the stage gates, checked once coverage is known
    :return: the index, and each record repeating an id with the first holder of it
    """
    index = ResolvedIndex(
        docs=frozenset(docs),
        today=today,
        results=results,
        named_types=tuple(t.name for t in registry if t.named),
    )
    duplicates: list[tuple[ObjectRecord, ObjectRecord]] = []
    moved: dict[tuple[str, str], str] = {}  # (docname, derived id) -> the id given instead
    for record in records:
        if record.parent and (record.docname, record.parent) in moved:
            record = replace(record, parent=moved[record.docname, record.parent])
        first = index.by_id.get(record.id)
        if first is not None and _distinct_type(first, record):
            # a derived id never collides across types of one plan: the later object
            # (in document order) takes its type into its id
            old = record.id
            record = replace(record, id=_typed_id(record))
            moved[record.docname, old] = record.id
            index.aliases[record.type, old] = record
            index.renamed.setdefault(record.docname, {})[record.order] = record.id
            first = index.by_id.get(record.id)
        if first is not None:
            duplicates.append((record, first))
        else:
            index.by_id[record.id] = record
        index.records.append(record)
        index.by_type[record.type].append(record)
        otype = registry.get(record.type)
        if otype is not None and otype.named and first is None:
            key = (record.type, record.title)
            if key in index.by_name:
                index.ambiguous.setdefault(key, [index.by_name[key].id]).append(record.id)
            index.by_name.setdefault(key, record)
        if record.parent:
            index.children[record.parent].append(record)
    index.backlinks = backlinks(index, registry)
    for record in index.records:
        index.views[record.sort_key] = view_of(index, record, registry.get(record.type))
    # the rules filter on views; what they find is a view value too (covered, covered-by)
    index.coverage = check_coverage(index, rules, registry)
    for plan in index.of_type("plan") if stages else ():
        if (
            index.by_id.get(plan.id) is plan
            and stage_of(stages, plan.fields.get("status")) is not None
        ):
            index.gates[plan.id] = unmet(index, registry, plan, stages, plan.fields["status"])
    if rules or stages:
        for record in [*index.of_type("plan"), *(index.by_id[o] for o in index.coverage.by_object)]:
            index.views[record.sort_key].update(coverage_values(index, record))
    for otype in registry:
        index.fingerprints[otype.name] = _fingerprint(index.by_type.get(otype.name, ()))
    return index, duplicates


def _distinct_type(first: ObjectRecord, record: ObjectRecord) -> bool:
    """Whether *record* derived the id of an object of another type in its plan."""
    return first.type != record.type and first.plan == record.plan and "id" not in record.fields


def _typed_id(record: ObjectRecord) -> str:
    """``<plan>-<type>-<slug>``: the derived id with the type put in."""
    prefix = f"{record.plan}-" if record.plan else ""
    return f"{prefix}{record.type}-{record.id.removeprefix(prefix)}"


def resolve(
    records: Iterable[ObjectRecord],
    registry: Registry,
    config: PlanConfig,
    docs: Set[str],
    where: Callable[[ObjectRecord], str],
    today: str | None = None,
    results: TestResults | None = None,
) -> tuple[ResolvedIndex, list[Finding]]:
    """The index and every cross-document finding.

    :param records: every record, in document order
    :param registry: the object types
    :param config: the plan configuration (which consistency rules run)
    :param docs: every document of the project
    :param where: ``source:line`` of a record, as messages name other locations
    :param today: the build's date, ``YYYY-MM-DD``
    :param results: the JUnit results of ``plan_test_results``
    :return: the index and the findings, in a deterministic order
    """
    index, duplicates = build_index(
        records, registry, docs, today, config.coverage(registry), results, config.gates(registry)
    )
    findings = [
        Finding(
            "duplicate",
            f"duplicate id {record.id!r}: this {record.type} repeats "
            f"the id of the {first.type} at {where(first)}; give one an explicit :id:",
            record.location,
        )
        for record, first in duplicates
    ]
    findings += _check_links(index, registry)
    findings += _check_cycles(index)
    findings += schema_findings(index)
    findings += _check_overdue(index)
    findings += result_findings(index)
    findings += gate_findings(index)
    for rule in index.coverage.rules:
        findings += [
            Finding(
                "coverage",
                gap_message(rule, result, index.by_id[result.id]),
                index.by_id[result.id].location,
            )
            for result in index.coverage.results[rule.name]
            if not result.covered
        ]
    for rule in RULES:
        if config.check_enabled(rule.name):
            # consistency findings name their rule: the key plan_consistency_checks takes
            suffix = f" [{rule.name}]" if rule.subtype == "consistency" else ""
            findings += [
                Finding(rule.subtype, message + suffix, location, *details)
                for location, message, *details in rule.check(index)
            ]
    return index, findings


def _fingerprint(records: Iterable[ObjectRecord]) -> str:
    digest = hashlib.sha256()
    for r in records:
        # the line number is left out: moving an object within its document
        # changes no collector page, and must not rewrite them all
        digest.update(
            repr(
                (
                    r.id,
                    r.title,
                    r.plan,
                    r.docname,
                    r.anchor,
                    sorted(r.fields.items()),
                    r.checks,
                    r.parent,
                    r.data,
                    sorted(r.markup.items()),
                )
            ).encode()
        )
    return digest.hexdigest()


def _check_links(index: ResolvedIndex, registry: Registry) -> Iterator[Finding]:
    plans = sorted(r.id for r in index.by_type.get("plan", ()))
    granted = {
        p for role in index.by_type.get("role", ()) for p in role.fields.get("permissions", ())
    }
    for record in index.records:
        otype = registry.get(record.type)
        if otype is None:
            continue
        label = otype.label.lower()
        if record.plan and record.type != "plan" and record.plan not in index.by_id:
            yield Finding(
                "ref",
                f"{label} {record.id!r} belongs to plan {record.plan!r}, which no "
                f"plan directive declares; plans: {', '.join(plans) or 'none'}"
                + did_you_mean(record.plan, plans),
                record.location,
            )
        for spec in otype.fields:
            value = record.fields.get(spec.name)
            if value is None:
                continue
            if spec.kind in (Kind.REF, Kind.REFS):
                for target in [value] if spec.kind is Kind.REF else value:
                    found = index.lookup(reference_key(target), None)
                    if found is None or not spec.names_type(found.type):
                        yield Finding(
                            "ref",
                            _field_ref_message(index, label, record.id, spec, target, found),
                            record.location,
                        )
            elif (
                spec.kind is Kind.DOC
                and not is_url(value)
                and index.doc_target(record.docname, value) is None
            ):
                yield Finding(
                    "ref",
                    f"{label} {record.id!r}: {spec.name} names the document "
                    f"{value!r}, which does not exist (give a path like {{doc}} does, "
                    "or a URL)",
                    record.location,
                )
        if record.type == "endpoint" and granted:
            for permission in record.fields.get("permissions", ()):
                if permission not in granted:
                    yield Finding(
                        "ref",
                        f"endpoint {record.title!r} needs permission "
                        f"{permission!r}, which no plan-role grants; granted: "
                        f"{', '.join(sorted(granted))}" + did_you_mean(permission, granted),
                        record.location,
                    )


def _field_ref_message(
    index: ResolvedIndex,
    label: str,
    oid: str,
    spec: FieldSpec,
    target: str,
    found: ObjectRecord | None,
) -> str:
    """What is wrong with a reference field's value, with the ids it could name."""
    types = spec.target_types
    wanted = " or ".join(types) if ANY not in types else "object"
    same = [r.id for r in index.records if ANY in types or r.type in types]
    what = "no object" if found is None else f"a {found.type}, not a {wanted}"
    return (
        f"{label} {oid!r}: {spec.name} names {target!r}, which is {what}; known {wanted} "
        f"ids: {', '.join(same[:10]) or 'none'}" + did_you_mean(target, same)
    )


def _check_cycles(index: ResolvedIndex) -> Iterator[Finding]:
    for typ in ("phase", "component"):
        graph = {
            r.id: [d for d in r.fields.get("depends-on", ()) if d in index.by_id]
            for r in index.by_type.get(typ, ())
        }
        for cycle in find_cycles(graph):
            path = " → ".join([*cycle, cycle[0]])
            yield Finding(
                "cycle",
                f"{typ} dependency cycle: {path}; remove one depends-on",
                index.by_id[cycle[0]].location,
            )


def _check_overdue(index: ResolvedIndex) -> Iterator[Finding]:
    for typ in ("plan", "risk"):
        for record in index.of_type(typ):
            if is_overdue(index, record):
                review = record.fields["review"]
                days = (
                    dt.date.fromisoformat(str(index.today)) - dt.date.fromisoformat(review)
                ).days
                what = "close the risk" if typ == "risk" else "complete the plan"
                yield Finding(
                    "overdue",
                    f"{typ} {record.id!r} was due for review on {review} "
                    f"({days} day{'s' * (days != 1)} before {index.today}); review it "
                    f"and set the next :review: date, or {what}",
                    record.location,
                )

"""Name what a change means: breaking API changes, slipped phases, risen risks, status moves.

Breaking, for a client of the API: an endpoint removed, a response removed
from an endpoint that stays, the method or the path changed, auth or
permissions tightened, a security scheme changed (:func:`.api_rules.scheme_changed`),
a required parameter added, a media type dropped, and
every schema change :mod:`.contract` finds breaking in a request body, a
parameter or a response body. Schemas are read as ``plan.json`` holds them
(``data.body.schema`` of endpoints and responses, ``data.schema`` of
``plan-schema`` objects, ``$ref`` s to them followed), so a change of a named
schema is reported on each endpoint that uses it, even when the endpoint's
own text did not change. An ``auth`` value that cannot be read as scheme
words counts as tightened whenever it changes: when in doubt, the change is
reported as breaking rather than missed.

The rules are one list, :data:`CHANGE_RULES`: each takes a change and both versions
and gives its findings; a new kind of finding is one more rule. The API
contract rules, and both versions as they read them, are
:mod:`~sphinxcontrib_plan.diff.api_rules`; the schedule, risk, status and
lifecycle rules are here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.diff.api_rules import (
    Objects,
    Versions,
    endpoint_changes,
    endpoint_contract,
    object_data,
    schema_used_by,
    scheme_changed,
)
from sphinxcontrib_plan.diff.compare import ChangeFinding, MadeStale, ObjectChange
from sphinxcontrib_plan.diff.gates import gate_rule, lost_coverage
from sphinxcontrib_plan.model.approval import stale_in_data
from sphinxcontrib_plan.model.severity import Severity

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sphinxcontrib_plan.diff.compare import PlanDiff

#: a rule: the findings of one change, given the base and head versions of its
#: object (``None`` where it does not exist) and both versions
ChangeRule = Callable[
    [ObjectChange, "Mapping[str, Any] | None", "Mapping[str, Any] | None", "Versions"],
    list[ChangeFinding],
]
#: fields whose change is a status transition
_STATUS_FIELDS = ("status", "approval")


def _span(obj: Mapping[str, Any]) -> tuple[str, Any, Any] | None:
    fields, derived = obj.get("fields") or {}, obj.get("derived") or {}
    weeks = fields.get("weeks")
    if isinstance(weeks, list) and len(weeks) == 2:
        return "weeks", weeks[0], weeks[1]
    if fields.get("start") or fields.get("end"):
        return "dates", fields.get("start"), fields.get("end")
    if derived.get("start-week") is not None:
        return "weeks", derived.get("start-week"), derived.get("end-week")
    return None


def _weeks_later(kind: str, before: Any, after: Any) -> float | None:
    if before is None or after is None:
        return None
    if kind == "weeks":
        return float(after) - float(before)
    try:
        days = (date.fromisoformat(str(after)) - date.fromisoformat(str(before))).days
    except ValueError:
        return None
    return round(days / 7, 1)


def weeks_text(weeks: float) -> str:
    """``2 weeks``, ``1 week``, ``1.4 weeks``."""
    number = f"{weeks:g}"
    return f"{number} week{'s' * (number != '1')}"


def _slip(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[ChangeFinding]:
    a, b = _span(old), _span(new)
    if a is None or b is None or a[0] != b[0]:
        return []
    start, end = _weeks_later(a[0], a[1], b[1]), _weeks_later(a[0], a[2], b[2])
    if not ((start or 0) > 0 or (end or 0) > 0):
        return []
    parts = [
        f"{label} {weeks_text(value)} later"
        for label, value in (("start", start), ("end", end))
        if value
    ]
    sep = "-" if a[0] == "weeks" else " – "
    span = f"{a[1]}{sep}{a[2]} → {b[1]}{sep}{b[2]}"
    return [
        ChangeFinding(
            "slip",
            f"slipped: {', '.join(parts)} ({a[0]} {span})",
            start,
            end,
            covers=("weeks", "start", "end"),
        )
    ]


def _risk(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[ChangeFinding]:
    f1, f2 = old.get("fields") or {}, new.get("fields") or {}
    s1, s2 = Severity.of(f1), Severity.of(f2)
    if s1 is None or s2 is None or s2.score <= s1.score:
        return []
    detail = ", ".join(
        f"{k} {f1.get(k)} → {f2.get(k)}" for k in ("impact", "likelihood") if f1.get(k) != f2.get(k)
    )
    return [
        ChangeFinding(
            "risk",
            f"severity rose {s1.score} → {s2.score} ({detail})",
            covers=("impact", "likelihood"),
        )
    ]


def _lifecycle(
    change: ObjectChange,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    versions: Versions,
) -> list[ChangeFinding]:
    if change.kind == "removed" and change.type == "endpoint":
        return [ChangeFinding("breaking", "endpoint removed")]
    if change.kind == "removed" and change.type == "response" and old is not None:
        parent = versions.head.get(str(old.get("parent")))
        if parent is not None:
            code = object_data(old).get("code") or change.title
            return [
                ChangeFinding("breaking", f"response {code} removed from {parent.get('title')}")
            ]
    if change.kind == "added" and change.type in ("endpoint", "response"):
        return [ChangeFinding("api", f"{change.type} added")]
    return []


def _changed(kind: str) -> ChangeRule:
    """A rule for changed objects of one type."""

    def rule(
        change: ObjectChange,
        old: Mapping[str, Any] | None,
        new: Mapping[str, Any] | None,
        versions: Versions,
    ) -> list[ChangeFinding]:
        if change.kind != "changed" or old is None or new is None or change.type != kind:
            return []
        if kind == "endpoint":
            return endpoint_changes(change, old, new, versions)
        return _slip(old, new) if kind == "phase" else _risk(old, new)

    return rule


def _status(
    change: ObjectChange,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    versions: Versions,
) -> list[ChangeFinding]:
    if change.kind != "changed" or old is None or new is None:
        return []
    found = []
    for name in _STATUS_FIELDS:
        before, after = (old.get("fields") or {}).get(name), (new.get("fields") or {}).get(name)
        if before != after:
            found.append(
                ChangeFinding(
                    "status", f"{name} {before or 'none'} → {after or 'none'}", covers=(name,)
                )
            )
    return found


#: every rule, in report order (breaking findings are listed first anyway)
CHANGE_RULES: list[ChangeRule] = [
    _lifecycle,
    _changed("endpoint"),
    _changed("phase"),
    _changed("risk"),
    _status,
    schema_used_by,
    scheme_changed,
    gate_rule,
]


def findings(change: ObjectChange, versions: Versions) -> list[ChangeFinding]:
    """Classify one change with every rule.

    :param change: the change
    :param versions: both versions
    :return: its findings, breaking ones first
    """
    old, new = versions.base.get(change.id), versions.head.get(change.id)
    found = [f for rule in CHANGE_RULES for f in rule(change, old, new, versions)]
    return sorted(found, key=lambda f: f.kind != "breaking")


def classify(diff: PlanDiff, base: Objects, head: Objects) -> PlanDiff:
    """Attach findings to every change of *diff* (in place), and add the endpoints
    whose contract changed through a schema they name although their own
    text did not change.

    :param diff: the diff of :func:`~.compare.compare`
    :param base: the base version's objects by id
    :param head: the head version's objects by id
    :return: the same diff
    """
    versions = Versions(base, head)
    for change in diff.changes:
        change.findings = findings(change, versions)
    listed = {c.id for c in diff.changes}
    for oid in versions.contract_candidates():
        old, new = base[oid], head[oid]
        if oid in listed or versions.same_contract(oid):
            continue
        found = endpoint_contract(old, new, versions)
        if found:
            change = ObjectChange(
                "changed",
                "endpoint",
                oid,
                new.get("plan"),
                str(new.get("title") or ""),
                new.get("external") or None,
            )
            change.findings = sorted(found, key=lambda f: f.kind != "breaking")
            diff.changes.append(change)
    by_id = {c.id: c for c in diff.changes}
    for oid, finding in lost_coverage(base, head, versions.differing).items():
        if oid not in by_id:
            new = head[oid]
            by_id[oid] = ObjectChange(
                "changed",
                str(new.get("type")),
                oid,
                new.get("plan"),
                str(new.get("title") or ""),
                new.get("external") or None,
            )
            diff.changes.append(by_id[oid])
        by_id[oid].findings.append(finding)
    diff.changes.sort(key=ObjectChange.sort_key)
    diff.stale = made_stale(base, head) if versions.differing else []
    return diff


def made_stale(base: Objects, head: Objects) -> list[MadeStale]:
    """The sign-offs stale in *head* that were not stale (or not there) in *base*.

    Staleness is the builds' own (:func:`~sphinxcontrib_plan.model.approval.stale_in_data`:
    the approval's fingerprint against the plan's content).

    :param base: the base version's plans and objects by id
    :param head: the head version's
    :return: the sign-offs, by plan and id
    """
    before = {str(o.get("id")) for o in stale_in_data(list(base.values()))}
    found = [
        MadeStale(
            str(o.get("id")),
            str(o.get("plan")),
            str(o.get("title") or ""),
            str((o.get("fields") or {}).get("name") or ""),
            str((o.get("fields") or {}).get("date") or ""),
        )
        for o in stale_in_data(list(head.values()))
        if str(o.get("id")) not in before
    ]
    return sorted(found, key=lambda s: (s.plan, s.id))

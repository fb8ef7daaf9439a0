"""``plan.consistency`` rules: pure functions over the resolved index, each
declared once with the name ``plan_consistency_checks`` switches it by."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.model.approval import is_stale
from sphinxcontrib_plan.model.severity import Severity

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from sphinxcontrib_plan.model.index import ResolvedIndex
    from sphinxcontrib_plan.model.records import ObjectRecord

    #: where (``(docname, line)``) and what
    Breach = tuple[tuple[str, int], str]
    #: a finding with its details: where and what, each shown with ``-v`` only
    DetailedBreach = tuple[tuple[str, int], str, tuple[Breach, ...]]

#: plan statuses from which every sign-off is expected to be given
_APPROVED = ("approved", "in-progress", "completed")


def _approved_signoffs(index: ResolvedIndex) -> Iterator[tuple[ObjectRecord, str, ObjectRecord]]:
    """Each sign-off of a plan whose status expects every sign-off given, with the plan
    and its status."""
    for plan in index.of_type("plan"):
        status = plan.fields.get("status")
        if status in _APPROVED:
            for s in index.of_type("signoff", (plan.id,)):
                yield plan, status, s


def _signoff(index: ResolvedIndex) -> Iterator[Breach]:
    for plan, status, s in _approved_signoffs(index):
        state = s.fields.get("status")
        if state in ("pending", "rejected"):
            yield (
                s.location,
                (
                    f"plan {plan.id!r} is {status} but the sign-off of {s.title!r} is "
                    f"{state}; approve it, or set the plan's status back to in-review"
                ),
            )


def _stale_signoff(index: ResolvedIndex) -> Iterator[Breach]:
    for plan, status, s in _approved_signoffs(index):
        if is_stale(index, s):
            yield (
                s.location,
                (
                    f"plan {plan.id!r} is {status} but the sign-off of {s.title!r} "
                    "approved an earlier version of its content (the sign-off is stale); "
                    "approve it again, or set the plan's status back to in-review"
                ),
            )


def _deliverables(index: ResolvedIndex) -> Iterator[Breach]:
    for plan in index.of_type("plan"):
        view = index.view(plan)
        if plan.fields.get("status") == "completed" and view["total"] > view["done"]:
            yield (
                plan.location,
                (
                    f"plan {plan.id!r} is completed but {view['total'] - view['done']} of "
                    f"its {view['total']} phase deliverables are open; tick them or set the "
                    "plan's status back to in-progress"
                ),
            )
    for phase in index.of_type("phase"):
        if (
            phase.fields.get("status") == "done"
            and phase.checks
            and phase.checks[0] < phase.checks[1]
        ):
            done, total = phase.checks
            yield (
                phase.location,
                (
                    f"phase {phase.id!r} is done but {total - done} of its {total} "
                    "deliverables are open; tick them or set status: in-progress"
                ),
            )


def _risk_owner(index: ResolvedIndex) -> Iterator[Breach]:
    for risk in index.of_type("risk"):
        severity = Severity.of(risk.fields)
        if severity is not None and severity.high:
            missing = [f for f in ("owner", "mitigation") if not risk.fields.get(f)]
            if missing and risk.fields.get("status") != "closed":
                yield (
                    risk.location,
                    (
                        f"high-severity risk {risk.id!r} ({severity.label}) has no {' and no '.join(missing)}; "
                        "add :owner: and :mitigation:"
                    ),
                )


def _responses(index: ResolvedIndex) -> Iterator[Breach]:
    for endpoint in index.of_type("endpoint"):
        if endpoint.endpoint is not None and endpoint.endpoint.websocket:
            continue
        if not index.children.get(endpoint.id):
            yield (
                endpoint.location,
                (
                    f"endpoint {endpoint.title!r} has no responses; nest at least "
                    "one plan-response in it"
                ),
            )


def _phase_order(index: ResolvedIndex) -> Iterator[Breach]:
    for phase in index.of_type("phase"):
        start = _span(phase)[0]
        for dep_id in phase.fields.get("depends-on", ()):
            dep = index.by_id.get(dep_id)
            if dep is None or dep.type != "phase":
                continue
            end = _span(dep)[1]
            if start is None or end is None or type(start) is not type(end):
                continue
            # weeks are inclusive (3-4 ends with week 4); dates are instants
            if start <= end if isinstance(start, int) else start < end:
                yield (
                    phase.location,
                    (
                        f"phase {phase.id!r} starts ({start}) before the phase it depends "
                        f"on, {dep.id!r}, ends ({end}); start it later or drop the "
                        "depends-on"
                    ),
                )


def _span(phase: ObjectRecord) -> tuple[Any, Any]:
    weeks = phase.fields.get("weeks")
    if weeks:
        return weeks[0], weeks[1]
    return phase.fields.get("start"), phase.fields.get("end")


def _dependency(index: ResolvedIndex) -> Iterator[Breach]:
    for dep in index.of_type("dependency"):
        plan = index.by_id.get(dep.plan or "")
        if (
            plan is not None
            and plan.fields.get("status") in _APPROVED
            and dep.fields.get("approval") == "pending"
        ):
            yield (
                dep.location,
                (
                    f"plan {plan.id!r} is {plan.fields['status']} but the new dependency "
                    f"{dep.title!r} is still pending approval; set its :approval: to "
                    "approved or rejected"
                ),
            )


#: plan statuses from which placeholders are problems (a draft may hold them)
_REVIEWED = ("in-review", *_APPROVED)


def _placeholders(index: ResolvedIndex) -> Iterator[DetailedBreach]:
    """One finding per object, at the object, listing its placeholders and their lines;
    each placeholder at its own line is a detail (shown with ``-v``)."""
    for record in index.records:
        plan = index.by_id.get(record.id if record.type == "plan" else record.plan or "")
        status = plan.fields.get("status") if plan is not None and plan.type == "plan" else None
        if not record.placeholders or status not in _REVIEWED:
            continue
        assert plan is not None  # a status was found
        whose = "the plan" if plan is record else f"plan {plan.id!r}"
        listed, details = [], []
        for field, text, line in record.placeholders:
            what = "the title" if field == "title" else f":{field}:"
            listed.append(f"{what} {text!r} (line {line})")
            details.append(
                (
                    (record.docname, line),
                    (
                        f"{record.type} {record.id!r}: {what} still holds the template placeholder "
                        f"{text!r}"
                    ),
                )
            )
        count = len(listed)
        noun = "placeholder" if count == 1 else "placeholders"
        yield (
            record.location,
            (
                f"{record.type} {record.id!r} still holds {count} template {noun}: "
                f"{', '.join(listed)}; {whose} is {status}, so write the real "
                f"{'value' if count == 1 else 'values'} (placeholders are fine while the plan is "
                "a draft)"
            ),
            tuple(details),
        )


@dataclass(frozen=True)
class ConsistencyRule:
    """One consistency rule."""

    #: name in ``plan_consistency_checks`` and in the warning's ``[name]`` suffix
    name: str
    #: what it reports, for the configuration reference
    help: str
    #: the check: findings over the index (with details, shown with ``-v`` only)
    check: Callable[[ResolvedIndex], Iterator[Breach | DetailedBreach]]
    #: the warning subtype of its findings
    subtype: str = "consistency"


#: every rule, in the order they run
RULES: tuple[ConsistencyRule, ...] = (
    ConsistencyRule(
        "signoff", "an approved (or later) plan has a pending or rejected sign-off", _signoff
    ),
    ConsistencyRule(
        "stale-signoff",
        "an approved (or later) plan has a stale sign-off: its fingerprint "
        "no longer matches the plan's content",
        _stale_signoff,
    ),
    ConsistencyRule(
        "deliverables", "a completed plan or a done phase has open deliverables", _deliverables
    ),
    ConsistencyRule(
        "risk-owner", "a high-severity risk (6 or more) has no owner or no mitigation", _risk_owner
    ),
    ConsistencyRule("responses", "an endpoint has no responses", _responses),
    ConsistencyRule(
        "phase-order", "a phase starts before a phase it depends on ends", _phase_order
    ),
    ConsistencyRule(
        "dependency", "a new dependency is still pending in an approved plan", _dependency
    ),
    ConsistencyRule(
        "placeholder",
        "a plan in review or later still holds template placeholders (TODO, "
        "TBD, [Name], [YYYY-MM-DD], [e.g., …]) in titles or fields",
        _placeholders,
        subtype="placeholder",
    ),
)

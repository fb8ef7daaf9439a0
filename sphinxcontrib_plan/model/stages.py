"""Stage gates: the ordered stages of a plan's status, the moves between them, and
what a plan must meet to stand at each (``plan_stages``).

A stage's criteria include those of the stages before it: a completed plan
still needs its sign-offs. Criteria are data (:data:`STAGE_KEYS`); the filter
is parsed by the filter language. :func:`unmet` lists, in words, what a plan
lacks for a stage; the resolution reports it as ``plan.gate`` and
``sphinx-plan gate`` prints it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.model.approval import is_stale
from sphinxcontrib_plan.model.index import Finding
from sphinxcontrib_plan.model.names import did_you_mean, unknown_key
from sphinxcontrib_plan.model.severity import Severity
from sphinxcontrib_plan.query.evaluate import evaluate
from sphinxcontrib_plan.query.filter import FilterError, parse_filter

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sphinxcontrib_plan.model.index import ResolvedIndex
    from sphinxcontrib_plan.model.records import ObjectRecord
    from sphinxcontrib_plan.model.typespec import Registry
    from sphinxcontrib_plan.query.filter import Filter

#: the keys of a stage's table, and what each asks (for messages and the reference)
STAGE_KEYS: dict[str, str] = {
    "name": "the plan status the stage is (draft, in-review, approved, in-progress, completed)",
    "from": "the stages a plan may move here from (default: the stage before); moving back "
    "to an earlier stage is always allowed",
    "signoffs": 'roles whose sign-off must be approved and not stale; "*": every sign-off '
    "of the plan (at least one)",
    "coverage": "true: every coverage rule finds the plan's objects covered; or a list of "
    "rule names",
    "placeholders": "false: no template placeholder may be left in the plan",
    "high-risks": "false: no open high-severity risk without :mitigation: or :mitigated-by:",
    "filter": "a filter over the plan's fields and derived values that must hold, e.g. "
    "progress == 100",
}

#: the stages ``plan_stages = True`` gives: the template's statuses in order
DEFAULT_STAGES: tuple[dict[str, Any], ...] = (
    {"name": "draft"},
    {"name": "in-review", "placeholders": False},
    {"name": "approved", "signoffs": ["*"], "high-risks": False},
    {"name": "in-progress"},
    {"name": "completed", "coverage": True, "filter": "total == 0 or progress == 100"},
)


@dataclass(frozen=True)
class Stage:
    """One stage, read from its table."""

    #: the plan status
    name: str
    #: stages a plan may move here from
    moves_from: tuple[str, ...]
    #: roles needing a fresh approved sign-off (``*``: all)
    signoffs: tuple[str, ...] = ()
    #: ``True`` for every coverage rule, or rule names; empty: not asked
    coverage: bool | tuple[str, ...] = ()
    #: whether template placeholders may be left
    placeholders: bool = True
    #: whether open high risks without mitigation may be left
    high_risks: bool = True
    #: the filter that must hold, and its text
    filter: Filter | None = None


def parse_stages(value: object, statuses: Sequence[str]) -> tuple[tuple[Stage, ...], list[str]]:
    """Read ``plan_stages``: ``False`` (no gates), ``True`` (:data:`DEFAULT_STAGES`) or a
    list of stage tables in order.

    :param value: the configuration value
    :param statuses: the plan statuses a stage may be named after
    :return: the stages that could be read, and a message per problem
    """
    if value is False or value is None:
        return (), []
    tables = DEFAULT_STAGES if value is True else value
    if not isinstance(tables, (list, tuple)) or not all(isinstance(t, dict) for t in tables):
        return (), ["plan_stages must be True, False or a list of stage tables"]
    problems: list[str] = []
    stages: list[Stage] = []
    names = [str(t.get("name")) for t in tables]
    for i, table in enumerate(tables):
        where = f"plan_stages[{i}]"
        name = names[i]
        for key in table:
            if key not in STAGE_KEYS:
                problems.append(unknown_key(where, key, STAGE_KEYS))
        if name not in statuses:
            problems.append(
                f"{where}: name {name!r} is not a plan status; statuses: "
                f"{', '.join(statuses)}" + did_you_mean(name, statuses)
            )
            continue
        moves = table.get("from", names[i - 1 : i])
        moves = [moves] if isinstance(moves, str) else list(moves)
        bad = [m for m in moves if m not in names]
        if bad:
            problems.append(
                f"{where}: from names {', '.join(map(repr, bad))}, which are not "
                f"stages; stages: {', '.join(names)}"
            )
        signoffs = table.get("signoffs", ())
        signoffs = [signoffs] if isinstance(signoffs, str) else list(signoffs)
        coverage = table.get("coverage", ())
        coverage = (
            coverage
            if isinstance(coverage, bool)
            else tuple([coverage] if isinstance(coverage, str) else coverage)
        )
        flt = None
        if table.get("filter"):
            try:
                flt = parse_filter(str(table["filter"]))
            except FilterError as err:
                problems.append(f"{where}: filter {table['filter']!r}: {err}")
        stages.append(
            Stage(
                name,
                tuple(m for m in moves if m in names),
                tuple(map(str, signoffs)),
                coverage,
                bool(table.get("placeholders", True)),
                bool(table.get("high-risks", True)),
                flt,
            )
        )
    return tuple(stages), problems


def stage_of(stages: Sequence[Stage], name: str | None) -> int | None:
    """The position of the stage *name*, ``None`` when it is none.

    :param stages: the stages
    :param name: a plan status
    :return: the index
    """
    return next((i for i, s in enumerate(stages) if s.name == name), None)


def unmet(
    index: ResolvedIndex,
    registry: Registry,
    plan: ObjectRecord,
    stages: Sequence[Stage],
    target: str,
) -> list[str]:
    """What *plan* lacks to stand at the stage *target*: the criteria of that stage
    and of every stage before it, each unmet one in words.

    :param index: the index (coverage checked)
    :param registry: the object types
    :param plan: the plan
    :param stages: the stages
    :param target: a stage name
    :return: the unmet criteria, in stage order; empty when the plan meets them
    """
    position = stage_of(stages, target)
    if position is None:
        return []
    found: list[str] = []
    for stage in stages[: position + 1]:
        for text in _criteria(index, registry, plan, stage):
            if text not in found:
                found.append(text)
    return found


def move_problem(stages: Sequence[Stage], old: str | None, new: str) -> str | None:
    """Why moving a plan from *old* to *new* is not one of the allowed moves.

    :param stages: the stages
    :param old: the status it had
    :param new: the status it has
    :return: the reason, or ``None`` when the move is allowed
    """
    before, after = stage_of(stages, old), stage_of(stages, new)
    if before is None or after is None or after <= before:
        return None  # a move back (reopening) is always allowed
    if old in stages[after].moves_from:
        return None
    skipped = [s.name for s in stages[before + 1 : after]]
    allowed = ", ".join(stages[after].moves_from) or "no stage"
    return f"{new} is entered from {allowed}, not from {old}" + (
        f" (it skips {', '.join(skipped)})" if skipped else ""
    )


def _criteria(
    index: ResolvedIndex, registry: Registry, plan: ObjectRecord, stage: Stage
) -> list[str]:
    out: list[str] = []
    signoffs = index.of_type("signoff", (plan.id,))
    roles = [s.title for s in signoffs] if "*" in stage.signoffs else list(stage.signoffs)
    if "*" in stage.signoffs and not signoffs:
        out.append("no sign-off: add a plan-signoff for each role that approves")
    for role in dict.fromkeys(roles):
        found = [s for s in signoffs if s.title.casefold() == role.casefold()]
        if not found:
            out.append(f"no sign-off of {role!r}")
            continue
        state = found[0].fields.get("status")
        if state != "approved":
            out.append(f"the sign-off of {role!r} is {state}")
        elif is_stale(index, found[0]):
            out.append(f"the sign-off of {role!r} is stale (the plan changed since)")
    out += _coverage(index, plan, stage)
    if not stage.placeholders:
        left = [
            (r, f, text)
            for r in index.records
            if (r.id if r.type == "plan" else r.plan) == plan.id
            for f, text, _ in r.placeholders
        ]
        if left:
            shown = ", ".join(f"{r.id} {f} ({text})" for r, f, text in left[:3])
            more = f" and {len(left) - 3} more" if len(left) > 3 else ""
            out.append(
                f"{len(left)} template placeholder{'s' * (len(left) != 1)} left: {shown}{more}"
            )
    if not stage.high_risks:
        for risk in index.of_type("risk", (plan.id,)):
            severity = Severity.of(risk.fields)
            if (
                severity is not None
                and severity.high
                and risk.fields.get("status") not in ("closed", "accepted")
                and not risk.fields.get("mitigation")
                and not risk.fields.get("mitigated-by")
            ):
                out.append(f"open high risk {risk.id!r} has no :mitigation: or :mitigated-by:")
    if stage.filter is not None:
        otype = registry.get("plan")
        ranks = otype.ranks if otype is not None else {}
        unset = dict.fromkeys(otype.option_names) if otype is not None else {}
        if not evaluate(stage.filter, {**unset, **index.view(plan)}, ranks):
            out.append(f"{stage.filter.source!r} does not hold")
    return out


def _coverage(index: ResolvedIndex, plan: ObjectRecord, stage: Stage) -> list[str]:
    if not stage.coverage or index.coverage is None:
        return []
    names = (
        list(stage.coverage)
        if isinstance(stage.coverage, tuple)
        else [r.name for r in index.coverage.rules]
    )
    out = []
    for name in names:
        if name not in index.coverage.results:
            out.append(f"coverage rule {name!r} does not run (plan_coverage_rules)")
            continue
        gaps = [r.id for r in index.coverage.of_rule(name, (plan.id,)) if not r.covered]
        if gaps:
            shown = ", ".join(index.by_id[g].title or g for g in gaps[:3])
            more = f" and {len(gaps) - 3} more" if len(gaps) > 3 else ""
            out.append(f"coverage rule {name!r}: {len(gaps)} not covered ({shown}{more})")
    return out


def gate_findings(index: ResolvedIndex) -> list[Finding]:
    """A ``plan.gate`` finding at each plan whose status does not meet its stage.

    :param index: the index, its gates checked
    :return: the findings, in plan order
    """
    return [
        Finding(
            "gate",
            f"plan {plan!r} is {index.by_id[plan].fields['status']} but does "
            "not meet that stage's gate: " + "; ".join(missing) + f" (sphinx-plan gate {plan})",
            index.by_id[plan].location,
        )
        for plan, missing in index.gates.items()
        if missing
    ]

"""Drift: the planned endpoints against the OpenAPI document of the service as built.

Reports endpoints planned but not implemented, implemented but not planned,
and for the endpoints on both sides the responses, parameters and
authentication that differ. A finding is **breaking** when the service lacks
what the plan promises its clients (an endpoint, a response, a parameter, the
authentication the plan requires) or demands more than the plan says (a
required parameter the plan does not have, authentication on a public
endpoint); what the service offers beyond the plan is drift, not breaking.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.diff.formats import json_head, md_escape
from sphinxcontrib_plan.diff.operations import (
    ComparedOperation,
    normalise_path,
    server_prefix,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

#: finding kinds that are breaking, with their plain-language meaning
BREAKING = frozenset(
    {
        "not-implemented",
        "response-missing",
        "parameter-missing",
        "parameter-required",
        "auth-missing",
        "auth-added",
    }
)


@dataclass(frozen=True)
class DriftFinding:
    """One difference between plan and service."""

    #: e.g. ``not-implemented``, ``response-unplanned``
    kind: str
    #: ``METHOD /path`` as planned (or as implemented when not planned)
    signature: str
    #: one sentence
    message: str
    #: plan object id of the endpoint, if planned
    endpoint: str | None = None
    #: the implemented path, if implemented
    implemented: str | None = None

    @property
    def breaking(self) -> bool:
        """Whether the service breaks the plan's promise to clients."""
        return self.kind in BREAKING


@dataclass
class Drift:
    """Every difference between a plan's endpoints and an implemented API."""

    #: what the plan side is (``working tree``, a revision, a plan.json)
    plan_label: str
    #: the OpenAPI file and its ``info``
    implemented_label: str
    findings: list[DriftFinding] = field(default_factory=list)
    #: endpoints found on both sides
    matched: int = 0
    #: the server path prefix added to the implemented paths, if that matched better
    prefix: str = ""

    @property
    def breaking(self) -> list[DriftFinding]:
        """The breaking findings."""
        return [f for f in self.findings if f.breaking]


def _code_covers(code: str, codes: set[str]) -> bool:
    # OpenAPI allows 4XX ranges; a range covers the codes in it, either way round
    upper = code.upper()
    return (
        upper in {c.upper() for c in codes}
        or any(c.upper().endswith("XX") and upper[:1] == c[:1] for c in codes)
        or (upper.endswith("XX") and any(c[:1] == upper[:1] for c in codes))
    )


def _compare(planned: ComparedOperation, built: ComparedOperation) -> list[DriftFinding]:
    found: list[DriftFinding] = []

    def add(kind: str, message: str) -> None:
        found.append(DriftFinding(kind, planned.signature, message, planned.ident, built.path))

    for code in sorted(planned.responses):
        if code != "default" and not _code_covers(code, built.responses):
            add("response-missing", f"response {code} planned, not implemented")
    for code in sorted(built.responses):
        if code != "default" and not _code_covers(code, planned.responses):
            add("response-unplanned", f"response {code} implemented, not planned")
    for where, name in sorted(planned.parameters):
        if (where, name) not in built.parameters:
            add("parameter-missing", f"{where} parameter {name!r} planned, not implemented")
    for (where, name), required in sorted(built.parameters.items()):
        planned_required = planned.parameters.get((where, name))
        if required and not planned_required:
            add(
                "parameter-required",
                f"{where} parameter {name!r} required by the service, "
                + ("optional in the plan" if planned_required is False else "not in the plan"),
            )
        elif planned_required is None:
            add("parameter-unplanned", f"{where} parameter {name!r} implemented, not planned")
    if planned.auth is True and built.auth is False:
        add("auth-missing", "the plan requires authentication; the service allows anonymous calls")
    elif planned.auth is False and built.auth is True:
        add("auth-added", "the plan says no authentication; the service requires it")
    return found


def _built_key(op: ComparedOperation, prefix: str) -> tuple[str, str, bool]:
    # a webhook is named, not below the server's URL: no prefix
    path = op.path if op.webhook else prefix + op.path
    return op.method.upper(), normalise_path(path), op.webhook


def _matches(planned: list[ComparedOperation], built: list[ComparedOperation], prefix: str) -> int:
    keys = {_built_key(o, prefix) for o in built}
    return sum(p.key in keys for p in planned)


def compare_api(
    planned: list[ComparedOperation],
    built: list[ComparedOperation],
    document: Mapping[str, Any],
    *,
    plan_label: str,
    implemented_label: str,
) -> Drift:
    """Compare planned and implemented operations.

    :param planned: from :func:`~.operations.planned_operations`
    :param built: from :func:`~.operations.implemented_operations`
    :param document: the OpenAPI document (for its server path prefix)
    :param plan_label: what the plan side is
    :param implemented_label: what the implemented side is
    :return: the drift, findings in the plan's order, then the unplanned ones by path
    """
    prefix = server_prefix(document)
    # a service mounted below /api/v1 lists /users; the plan may write /api/v1/users
    if not prefix or _matches(planned, built, prefix) <= _matches(planned, built, ""):
        prefix = ""
    by_key: dict[tuple[str, str, bool], ComparedOperation] = {}
    for op in built:
        by_key.setdefault(_built_key(op, prefix), op)
    drift = Drift(plan_label, implemented_label, prefix=prefix)
    seen: set[tuple[str, str, bool]] = set()
    for op in planned:
        if op.key in seen:
            continue  # the same signature in two plans: compared once
        seen.add(op.key)
        match = by_key.get(op.key)
        if match is None:
            drift.findings.append(
                DriftFinding("not-implemented", op.signature, "planned, not implemented", op.ident)
            )
            continue
        drift.matched += 1
        drift.findings += _compare(op, match)
    unplanned = [(key, op) for key, op in by_key.items() if key not in seen]
    for _, op in sorted(unplanned, key=lambda item: (item[0][2], item[0][1], item[0][0])):
        drift.findings.append(
            DriftFinding(
                "not-planned",
                op.signature if op.webhook else f"{op.method.upper()} {prefix}{op.path}",
                "implemented, not planned",
                None,
                op.path,
            )
        )
    return drift


def _summary(drift: Drift) -> str:
    if not drift.findings:
        return f"No drift: {drift.matched} endpoints match."
    n = {k: sum(f.kind == k for f in drift.findings) for k in ("not-implemented", "not-planned")}
    other = len(drift.findings) - sum(n.values())
    return (
        f"{n['not-implemented']} planned but not implemented, {n['not-planned']} implemented "
        f"but not planned, {other} other difference{'s' * (other != 1)} in "
        f"{drift.matched} matched endpoints; {len(drift.breaking)} breaking"
    )


_SECTIONS = (
    ("Planned but not implemented", ("not-implemented",)),
    ("Implemented but not planned", ("not-planned",)),
)


def _differences(drift: Drift) -> dict[str, list[DriftFinding]]:
    grouped: dict[str, list[DriftFinding]] = {}
    for finding in drift.findings:
        if finding.kind not in ("not-implemented", "not-planned"):
            grouped.setdefault(finding.signature, []).append(finding)
    return grouped


def drift_text(drift: Drift) -> str:
    """The drift as plain text.

    :param drift: the drift
    :return: the report, ending with a newline
    """
    lines = [f"Drift: plan ({drift.plan_label}) against {drift.implemented_label}", _summary(drift)]
    if drift.prefix:
        lines.append(f"(implemented paths read below the server path {drift.prefix})")
    for heading, kinds in _SECTIONS:
        items = [f for f in drift.findings if f.kind in kinds]
        if items:
            lines += ["", f"{heading}:"]
            lines += [
                f"  {f.signature}"
                + (f"  ({f.endpoint})" if f.endpoint else "")
                + ("  BREAKING" if f.breaking else "")
                for f in items
            ]
    differences = _differences(drift)
    if differences:
        lines += ["", "Differences:"]
        for signature, items in differences.items():
            endpoint = items[0].endpoint
            lines.append(f"  {signature}" + (f"  ({endpoint})" if endpoint else ""))
            lines += [f"    {'BREAKING: ' if f.breaking else ''}{f.message}" for f in items]
    return "\n".join(lines) + "\n"


def drift_markdown(drift: Drift) -> str:
    """The drift as Markdown for a pull-request comment.

    :param drift: the drift
    :return: the comment, ending with a newline
    """
    lines = [
        f"## API drift: plan ({md_escape(drift.plan_label)}) against "
        f"{md_escape(drift.implemented_label)}",
        "",
        md_escape(_summary(drift)),
    ]
    for heading, kinds in _SECTIONS:
        items = [f for f in drift.findings if f.kind in kinds]
        if items:
            lines += ["", f"### {heading}", ""]
            lines += [
                f"- `{f.signature.replace('`', '')}`"
                + (f" ({md_escape(f.endpoint)})" if f.endpoint else "")
                + (" **breaking**" if f.breaking else "")
                for f in items
            ]
    differences = _differences(drift)
    if differences:
        lines += ["", "### Differences", ""]
        for signature, items in differences.items():
            lines.append(f"- `{signature.replace('`', '')}`")
            lines += [
                f"  - {'**breaking:** ' if f.breaking else ''}{md_escape(f.message)}" for f in items
            ]
    return "\n".join(lines) + "\n"


def drift_json(drift: Drift) -> dict[str, Any]:
    """The drift as JSON data (schema ``plan-diff.schema.json``, ``kind`` ``openapi-drift``).

    :param drift: the drift
    :return: JSON-able data
    """
    return {
        **json_head("openapi-drift"),
        "plan": drift.plan_label,
        "implemented": drift.implemented_label,
        "server_prefix": drift.prefix,
        "summary": {
            "matched": drift.matched,
            "findings": len(drift.findings),
            "breaking": len(drift.breaking),
        },
        "findings": [
            {
                "kind": f.kind,
                "signature": f.signature,
                "message": f.message,
                "endpoint": f.endpoint,
                "implemented_path": f.implemented,
                "breaking": f.breaking,
            }
            for f in drift.findings
        ],
    }

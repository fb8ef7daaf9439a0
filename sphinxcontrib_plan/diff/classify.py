"""Name what a change means: breaking API changes, slipped phases, risen risks, status moves.

Breaking, for a client of the API: an endpoint removed, a response removed
from an endpoint that stays, the method or the path changed, auth or
permissions tightened, a required parameter added, a media type dropped, and
every schema change :mod:`.contract` finds breaking in a request body, a
parameter or a response body. Schemas are read as ``plan.json`` holds them
(``data.body.schema`` of endpoints and responses, ``data.schema`` of
``plan-schema`` objects, ``$ref`` s to them followed), so a change of a named
schema is reported on each endpoint that uses it, even when the endpoint's
own text did not change. An ``auth`` value that cannot be read as scheme
words counts as tightened whenever it changes: when in doubt, the change is
reported as breaking rather than missed.

The rules are one list, :data:`RULES`: each takes a change and both versions
and gives its findings; a new kind of finding is one more rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.diff.compare import ChangeFinding, MadeStale, ObjectChange
from sphinxcontrib_plan.diff.contract import Schemas, compare_schemas
from sphinxcontrib_plan.diff.gates import gate_rule, lost_coverage
from sphinxcontrib_plan.export.openapi import auth_schemes
from sphinxcontrib_plan.model.approval import stale_in_data
from sphinxcontrib_plan.model.schema import COMPONENTS, references
from sphinxcontrib_plan.model.severity import Severity

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sphinxcontrib_plan.diff.compare import PlanDiff

Objects = dict[str, "Mapping[str, Any]"]
#: a rule: the findings of one change, given the base and head versions of its
#: object (``None`` where it does not exist) and both versions
Rule = Callable[
    [ObjectChange, "Mapping[str, Any] | None", "Mapping[str, Any] | None", "Versions"],
    list[ChangeFinding],
]
#: fields whose change is a status transition
_STATUS_FIELDS = ("status", "approval")


@dataclass
class Versions:
    """Both versions' objects by id, their named schemas and each endpoint's responses."""

    base: Objects
    head: Objects
    base_schemas: Schemas = field(init=False)
    head_schemas: Schemas = field(init=False)
    #: each version's responses by endpoint id and status code
    base_responses: dict[str, dict[str, Mapping[str, Any]]] = field(init=False)
    head_responses: dict[str, dict[str, Mapping[str, Any]]] = field(init=False)
    #: titles of the endpoints naming each schema, directly or not (made when needed)
    schema_users: dict[str, set[str]] | None = None

    def __post_init__(self) -> None:
        self.base_schemas = Schemas.of(self.base)
        self.head_schemas = Schemas.of(self.head)
        self.base_responses = responses_by_endpoint(self.base)
        self.head_responses = responses_by_endpoint(self.head)


def signature(title: str) -> tuple[str, str]:
    """``METHOD /path`` split into upper-case method and path.

    :param title: an endpoint title
    :return: ``(method, path)``
    """
    method, _, path = title.strip().partition(" ")
    return method.upper(), path.strip()


def _alternatives(value: Any) -> set[frozenset[str]] | None:
    text = str(value or "").strip()
    if not text:
        return {frozenset({"none"})}
    read = auth_schemes(text)
    return None if read is None else {frozenset(words) for words in read}


def auth_tightened(before: Any, after: Any) -> bool:
    """Whether a client that could call with *before*'s auth may be refused with *after*'s.

    :param before: base ``auth`` value (``None``: not stated, read as no auth)
    :param after: head ``auth`` value
    :return: ``True`` when an alternative of the base is gone
    """
    old, new = _alternatives(before), _alternatives(after)
    if new is not None and frozenset({"none"}) in new:
        return False  # anonymous calls allowed: every client still gets in
    if old is None or new is None:
        return str(before or "") != str(after or "")
    return not old <= new


def _data(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    data = obj.get("data")
    return data if isinstance(data, dict) else {}


def _body(obj: Mapping[str, Any]) -> Mapping[str, Any] | None:
    body = _data(obj).get("body")
    return body if isinstance(body, dict) else None


def _parameters(obj: Mapping[str, Any]) -> dict[tuple[str, str], Mapping[str, Any]]:
    return {
        (str(p.get("in", "query")), str(p.get("name"))): p
        for p in _data(obj).get("parameters") or ()
        if isinstance(p, dict)
    }


def responses_by_endpoint(objects: Objects) -> dict[str, dict[str, Mapping[str, Any]]]:
    """The responses of each endpoint by status code.

    :param objects: a version's objects by id
    :return: endpoint id → code → response object
    """
    found: dict[str, dict[str, Mapping[str, Any]]] = {}
    for obj in objects.values():
        if obj.get("type") == "response":
            code = str(_data(obj).get("code") or obj.get("title"))
            found.setdefault(str(obj.get("parent")), {})[code] = obj
    return found


def _finding(breaking: bool, message: str, covers: tuple[str, ...]) -> ChangeFinding:
    return ChangeFinding("breaking" if breaking else "api", message, covers=covers)


def _body_findings(
    where: str,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    versions: Versions,
    *,
    request: bool,
    covers: tuple[str, ...],
) -> list[ChangeFinding]:
    if old is None or new is None:
        return []
    found = [
        _finding(True, f"{where}: media type {media} removed", covers)
        for media in old.get("media_types") or ()
        if media not in (new.get("media_types") or ())
    ]
    if old.get("schema") is not None and new.get("schema") is not None:
        found += [
            _finding(change.breaking, f"{where}: {change.text()}", covers)
            for change in compare_schemas(
                old["schema"],
                new["schema"],
                versions.base_schemas,
                versions.head_schemas,
                request=request,
            )
        ]
    return found


def endpoint_contract(
    old: Mapping[str, Any], new: Mapping[str, Any], versions: Versions
) -> list[ChangeFinding]:
    """What changed in an endpoint's request, parameters and responses' bodies.

    :param old: the base version of the endpoint
    :param new: the head version
    :param versions: both versions
    :return: the findings
    """
    found = _body_findings(
        "request body", _body(old), _body(new), versions, request=True, covers=("data.body",)
    )
    before, after = _parameters(old), _parameters(new)
    added = sorted(
        k
        for k, p in after.items()
        if p.get("required") and not (before.get(k) or {}).get("required")
    )
    if added:
        found.append(
            ChangeFinding(
                "breaking",
                "required parameter added: "
                + ", ".join(f"{name} ({where})" for where, name in added),
                covers=("data.parameters",),
            )
        )
    for key in sorted(before.keys() & after.keys()):
        schema_old, schema_new = before[key].get("schema"), after[key].get("schema")
        if schema_old is not None and schema_new is not None:
            found += [
                _finding(
                    c.breaking, f"parameter {key[1]} ({key[0]}): {c.text()}", ("data.parameters",)
                )
                for c in compare_schemas(
                    schema_old,
                    schema_new,
                    versions.base_schemas,
                    versions.head_schemas,
                    request=True,
                )
            ]
    old_responses = versions.base_responses.get(str(old.get("id")), {})
    new_responses = versions.head_responses.get(str(new.get("id")), {})
    for code in sorted(old_responses.keys() & new_responses.keys()):
        found += _body_findings(
            f"response {code}",
            _body(old_responses[code]),
            _body(new_responses[code]),
            versions,
            request=False,
            covers=(),
        )
    return found


def _endpoint(
    change: ObjectChange, old: Mapping[str, Any], new: Mapping[str, Any], versions: Versions
) -> list[ChangeFinding]:
    found: list[ChangeFinding] = []
    (m1, p1), (m2, p2) = signature(str(old.get("title", ""))), signature(str(new.get("title", "")))
    if m1 != m2:
        found.append(ChangeFinding("breaking", f"method changed: {m1} → {m2}", covers=("title",)))
    if p1 != p2:
        found.append(ChangeFinding("breaking", f"path changed: {p1} → {p2}", covers=("title",)))
    f1, f2 = old.get("fields") or {}, new.get("fields") or {}
    if f1.get("auth") != f2.get("auth"):
        tightened = auth_tightened(f1.get("auth"), f2.get("auth"))
        found.append(
            _finding(
                tightened,
                f"auth {'tightened' if tightened else 'changed'}: "
                f"{f1.get('auth') or 'none'} → {f2.get('auth') or 'none'}",
                ("auth",),
            )
        )
    added = [p for p in f2.get("permissions") or () if p not in (f1.get("permissions") or ())]
    if added:
        found.append(
            ChangeFinding(
                "breaking",
                f"permissions tightened: {', '.join(added)} now required",
                covers=("permissions",),
            )
        )
    if f2.get("deprecated") and not f1.get("deprecated"):
        found.append(ChangeFinding("api", "deprecated", covers=("deprecated",)))
    return found + endpoint_contract(old, new, versions)


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
            code = _data(old).get("code") or change.title
            return [
                ChangeFinding("breaking", f"response {code} removed from {parent.get('title')}")
            ]
    if change.kind == "added" and change.type in ("endpoint", "response"):
        return [ChangeFinding("api", f"{change.type} added")]
    return []


def _changed(kind: str) -> Rule:
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
            return _endpoint(change, old, new, versions)
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


def _schema_users(
    change: ObjectChange,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    versions: Versions,
) -> list[ChangeFinding]:
    if change.type != "schema" or change.kind != "changed":
        return []
    if versions.schema_users is None:  # once per diff, on the first changed schema
        versions.schema_users = {}
        for endpoint in versions.head.values():
            if endpoint.get("type") == "endpoint":
                for name in _affected_by(endpoint, versions):
                    versions.schema_users.setdefault(name, set()).add(str(endpoint.get("title")))
    users = sorted(
        versions.schema_users.get(change.title, set()) | versions.schema_users.get(change.id, set())
    )
    return [ChangeFinding("api", f"used by {', '.join(users)}")] if users else []


#: every rule, in report order (breaking findings are listed first anyway)
RULES: list[Rule] = [
    _lifecycle,
    _changed("endpoint"),
    _changed("phase"),
    _changed("risk"),
    _status,
    _schema_users,
    gate_rule,
]


def _affected_by(endpoint: Mapping[str, Any], versions: Versions) -> set[str]:
    """Names of the ``plan-schema`` objects an endpoint's request, parameters or
    responses name, directly or through another named schema."""
    pending = [
        _body(endpoint),
        *[p.get("schema") for p in _parameters(endpoint).values()],
        *[_body(r) for r in versions.head_responses.get(str(endpoint.get("id")), {}).values()],
    ]
    found: set[str] = set()
    while pending:
        schema = pending.pop()
        if isinstance(schema, dict) and "media_types" in schema:
            schema = schema.get("schema")
        for _, ref in references(schema):
            name = (
                ref.removeprefix(COMPONENTS).split("/", 1)[0]
                if ref.startswith(COMPONENTS)
                else None
            )
            if name is not None and name not in found:
                found.add(name)
                pending.append(versions.head_schemas.named.get(name))
    return found


def findings(change: ObjectChange, versions: Versions) -> list[ChangeFinding]:
    """Classify one change with every rule.

    :param change: the change
    :param versions: both versions
    :return: its findings, breaking ones first
    """
    old, new = versions.base.get(change.id), versions.head.get(change.id)
    found = [f for rule in RULES for f in rule(change, old, new, versions)]
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
    for oid, new in head.items():
        old = base.get(oid)
        if oid in listed or old is None or new.get("type") != "endpoint":
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
    for oid, finding in lost_coverage(base, head).items():
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
    diff.stale = made_stale(base, head)
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

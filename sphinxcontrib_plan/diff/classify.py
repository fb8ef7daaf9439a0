"""Name what a change means: breaking API changes, slipped phases, risen risks, status moves.

Breaking, for a client of the API: an endpoint removed, a response removed
from an endpoint that stays, the method or the path changed, auth or
permissions tightened, a required request field (in a written request
schema) or a required parameter added. An ``auth`` value that cannot be read
as scheme words counts as tightened whenever it changes: when in doubt, the
change is reported as breaking rather than missed.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.diff.compare import Finding
from sphinxcontrib_plan.export.openapi import auth_schemes
from sphinxcontrib_plan.model.types import LEVEL

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sphinxcontrib_plan.diff.compare import ObjectChange, PlanDiff

Objects = dict[str, "Mapping[str, Any]"]
_RANK = {level: i for i, level in enumerate(LEVEL, start=1)}
#: fields whose change is a status transition
_STATUS_FIELDS = ("status", "approval")
#: where a request schema may be carried in an endpoint's ``data``
_SCHEMA_KEYS = ("request-schema", "request_schema", "schema")
_COMPONENTS = "#/components/schemas/"


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


def _resolve(schema: Any, objects: Objects, seen: frozenset[str] = frozenset()) -> Any:
    if not isinstance(schema, dict) or not isinstance(schema.get("$ref"), str):
        return schema
    name = schema["$ref"].removeprefix(_COMPONENTS)
    if name in seen:
        return {}
    for obj in objects.values():
        if obj.get("type") == "schema" and name in (obj.get("id"), obj.get("title")):
            target = (obj.get("data") or {}).get("schema")
            return _resolve(target, objects, seen | {name})
    return {}


def request_schema(obj: Mapping[str, Any], objects: Objects) -> dict[str, Any] | None:
    """The JSON Schema of an endpoint's request body, when the plan writes one.

    :param obj: the endpoint
    :param objects: the version's objects by id (for ``plan-schema`` references)
    :return: the schema, or ``None``
    """
    data = obj.get("data") or {}
    request = data.get("request")
    candidates = [request.get("schema")] if isinstance(request, dict) else []
    candidates += [data.get(key) for key in _SCHEMA_KEYS]
    for candidate in candidates:
        if isinstance(candidate, dict):
            return _resolve(candidate, objects)
    return None


def required_paths(schema: Any, objects: Objects, prefix: str = "", depth: int = 0) -> set[str]:
    """Dotted paths of the required properties of *schema*, nested objects included.

    :param schema: a JSON Schema
    :param objects: objects by id, to follow ``plan-schema`` references
    :param prefix: path of *schema* itself
    :param depth: nesting so far (a guard against self-referencing schemas)
    :return: e.g. ``{"amount", "card.number"}``
    """
    schema = _resolve(schema, objects)
    if not isinstance(schema, dict) or depth > 16:
        return set()
    paths: set[str] = set()
    for part in schema.get("allOf") or ():
        paths |= required_paths(part, objects, prefix, depth + 1)
    properties = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
    for name in schema.get("required") or ():
        path = f"{prefix}{name}"
        paths.add(path)
        paths |= required_paths(properties.get(name), objects, f"{path}.", depth + 1)
    return paths


def _required_parameters(obj: Mapping[str, Any]) -> set[tuple[str, str]]:
    params = (obj.get("data") or {}).get("parameters") or ()
    return {(str(p.get("in", "query")), str(p.get("name"))) for p in params
            if isinstance(p, dict) and p.get("required")}


def _endpoint_findings(change: ObjectChange, old: Mapping[str, Any], new: Mapping[str, Any],
                       base: Objects, head: Objects) -> list[Finding]:
    found: list[Finding] = []
    (m1, p1), (m2, p2) = signature(str(old.get("title", ""))), signature(str(new.get("title", "")))
    if m1 != m2:
        found.append(Finding("breaking", f"method changed: {m1} → {m2}"))
    if p1 != p2:
        found.append(Finding("breaking", f"path changed: {p1} → {p2}"))
    f1, f2 = old.get("fields") or {}, new.get("fields") or {}
    if f1.get("auth") != f2.get("auth"):
        kind = "breaking" if auth_tightened(f1.get("auth"), f2.get("auth")) else "api"
        word = "tightened" if kind == "breaking" else "changed"
        found.append(Finding(kind, f"auth {word}: {f1.get('auth') or 'none'} → "
                                   f"{f2.get('auth') or 'none'}"))
    added = [p for p in f2.get("permissions") or () if p not in (f1.get("permissions") or ())]
    if added:
        found.append(Finding("breaking", f"permissions tightened: {', '.join(added)} now required"))
    if f2.get("deprecated") and not f1.get("deprecated"):
        found.append(Finding("api", "deprecated"))
    s1, s2 = request_schema(old, base), request_schema(new, head)
    if s1 is not None and s2 is not None:
        fields = sorted(required_paths(s2, head) - required_paths(s1, base))
        if fields:
            found.append(Finding("breaking", f"required request field{'s' * (len(fields) > 1)} "
                                             f"added: {', '.join(fields)}"))
    params = sorted(_required_parameters(new) - _required_parameters(old))
    if params:
        found.append(Finding("breaking", "required parameter added: "
                             + ", ".join(f"{name} ({where})" for where, name in params)))
    return found


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


def _slip(old: Mapping[str, Any], new: Mapping[str, Any]) -> Finding | None:
    a, b = _span(old), _span(new)
    if a is None or b is None or a[0] != b[0]:
        return None
    start, end = _weeks_later(a[0], a[1], b[1]), _weeks_later(a[0], a[2], b[2])
    if not ((start or 0) > 0 or (end or 0) > 0):
        return None
    parts = [f"{label} {weeks_text(value)} later" for label, value in (("start", start), ("end", end))
             if value]
    sep = "-" if a[0] == "weeks" else " – "
    span = f"{a[1]}{sep}{a[2]} → {b[1]}{sep}{b[2]}"
    return Finding("slip", f"slipped: {', '.join(parts)} ({a[0]} {span})", start, end)


def severity(fields: Mapping[str, Any]) -> int | None:
    """Impact × likelihood on the 3×3 scale, ``None`` when either is missing."""
    impact, likelihood = _RANK.get(fields.get("impact")), _RANK.get(fields.get("likelihood"))
    return impact * likelihood if impact and likelihood else None


def _risk(old: Mapping[str, Any], new: Mapping[str, Any]) -> Finding | None:
    f1, f2 = old.get("fields") or {}, new.get("fields") or {}
    s1, s2 = severity(f1), severity(f2)
    if s1 is None or s2 is None or s2 <= s1:
        return None
    detail = ", ".join(f"{k} {f1.get(k)} → {f2.get(k)}" for k in ("impact", "likelihood")
                       if f1.get(k) != f2.get(k))
    return Finding("risk", f"severity rose {s1} → {s2} ({detail})")


def findings(change: ObjectChange, base: Objects, head: Objects) -> list[Finding]:
    """Classify one change.

    :param change: the change
    :param base: the base version's objects by id
    :param head: the head version's objects by id
    :return: its findings, breaking ones first
    """
    old, new = base.get(change.id), head.get(change.id)
    found: list[Finding] = []
    if change.kind == "removed" and change.type == "endpoint":
        found.append(Finding("breaking", "endpoint removed"))
    elif change.kind == "removed" and change.type == "response" and old is not None:
        parent = head.get(str(old.get("parent")))
        if parent is not None:
            code = (old.get("data") or {}).get("code") or change.title
            found.append(Finding("breaking", f"response {code} removed from {parent.get('title')}"))
    elif change.kind == "added" and change.type in ("endpoint", "response"):
        found.append(Finding("api", f"{change.type} added"))
    if change.kind != "changed" or old is None or new is None:
        return found
    if change.type == "endpoint":
        found += _endpoint_findings(change, old, new, base, head)
    extra = _slip(old, new) if change.type == "phase" else None
    extra = extra or (_risk(old, new) if change.type == "risk" else None)
    if extra is not None:
        found.append(extra)
    for name in _STATUS_FIELDS:
        before, after = (old.get("fields") or {}).get(name), (new.get("fields") or {}).get(name)
        if before != after:
            found.append(Finding("status", f"{name} {before or 'none'} → {after or 'none'}"))
    return sorted(found, key=lambda f: f.kind != "breaking")


def classify(diff: PlanDiff, base: Objects, head: Objects) -> PlanDiff:
    """Attach findings to every change of *diff* (in place).

    :param diff: the diff of :func:`~.compare.compare`
    :param base: the base version's objects by id
    :param head: the head version's objects by id
    :return: the same diff
    """
    for change in diff.changes:
        change.findings = findings(change, base, head)
    return diff

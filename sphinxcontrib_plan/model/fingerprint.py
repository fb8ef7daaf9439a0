"""Canonical fingerprint of a plan's content, for approvals bound to what was approved.

A pure function over the plain per-object data that ``plan.json`` carries, so
that ``sphinx-plan approve`` and the build compute the same value. What counts
is *content*: ids, types, titles, plan and parent, typed field values,
checklist counts and the bodies' text with whitespace normalised (reflowing a
paragraph changes nothing). What does not count: documents, anchors, URLs,
line numbers, option order, derived values, ``class`` (presentation), the
plan's sign-offs, the plan's own workflow fields ``status`` and ``updated``
(setting a plan approved after its sign-offs must not make them stale), and
objects of other projects (``external``).
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from sphinxcontrib_plan.model.records import ObjectRecord

#: how a fingerprint value starts; the rest is hexadecimal
PREFIX = "sha256:"
#: hex digits kept: 64 bits are plenty to tell versions of one plan apart
DIGITS = 16
#: fields that are presentation, never content
_PRESENTATION = frozenset({"class"})
#: fields of the plan object itself that the approval workflow changes
_PLAN_WORKFLOW = frozenset({"status", "updated"})
#: types whose objects are the approvals themselves
_APPROVALS = frozenset({"signoff"})
#: ``data`` keys standing for the body in plan.json files written before ``body``
_LEGACY_BODY = ("description", "examples")
#: fields that are top-level keys of an object in ``plan.json`` (not under ``fields``)
TOP_LEVEL_FIELDS = ("id", "plan")


def record_content(record: ObjectRecord) -> dict[str, Any]:
    """The content keys of one record exactly as ``plan.json`` writes them.

    :mod:`sphinxcontrib_plan.export.json` builds each object from this, and the
    build fingerprints records through it, so both agree byte for byte.

    :param record: the record
    :return: ``type``, ``id``, ``title``, ``plan``, ``fields``, ``checks``, ``parent``, ``body``
    """
    return {
        "type": record.type,
        "id": record.id,
        "title": record.title,
        "plan": record.plan,
        "fields": {k: v for k, v in record.fields.items() if k not in TOP_LEVEL_FIELDS},
        "checks": (
            {"done": record.checks[0], "total": record.checks[1]}
            if record.checks is not None
            else None
        ),
        "parent": record.parent,
        "body": record.body,
    }


def normalise_text(text: str) -> str:
    """Collapse every run of whitespace to one space: a reflowed paragraph is the same text.

    :param text: body text
    :return: the normalised text
    """
    return " ".join(text.split())


def exported_body_text(obj: Mapping[str, Any]) -> str | None:
    """The body of an object as plain text, from ``body`` or, in older files, from ``data``.

    :param obj: one object of ``plan.json``
    :return: the text, or ``None`` when the object carries none
    """
    body = obj.get("body")
    if isinstance(body, str):
        return body
    data = obj.get("data") or {}
    parts = [str(data["description"])] if data.get("description") else []
    parts += [str(e.get("code", "")) for e in data.get("examples") or () if isinstance(e, dict)]
    return "\n\n".join(parts) if parts else None


def canonical(obj: Mapping[str, Any]) -> dict[str, Any]:
    """The content of one object that its fingerprint covers.

    :param obj: one object (or plan) of ``plan.json``
    :return: plain data, independent of source position and formatting
    """
    fields = {k: v for k, v in (obj.get("fields") or {}).items() if k not in _PRESENTATION}
    if obj.get("type") == "plan":
        fields = {k: v for k, v in fields.items() if k not in _PLAN_WORKFLOW}
    body = exported_body_text(obj)
    return {
        "type": obj.get("type"),
        "id": obj.get("id"),
        "title": normalise_text(str(obj.get("title") or "")),
        "plan": obj.get("plan"),
        "parent": obj.get("parent"),
        "fields": fields,
        "checks": obj.get("checks"),
        "body": normalise_text(body) if body is not None else None,
    }


def _digest(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()[:DIGITS]


def object_digest(obj: Mapping[str, Any]) -> str:
    """The digest of one object's canonical content (a spreadsheet row's fingerprint).

    :param obj: one object (or plan) of ``plan.json``
    :return: ``sha256:`` followed by 16 hexadecimal digits
    """
    return _digest(canonical(obj))


def plan_objects(plan_id: str, objects: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The objects a plan's fingerprint covers: the plan and its own local, non-sign-off objects.

    :param plan_id: the plan's id
    :param objects: plans and objects of ``plan.json`` (in any order)
    :return: the covered objects, sorted by type and id
    """
    covered = [
        o
        for o in objects
        if (o.get("plan") == plan_id or (o.get("type") == "plan" and o.get("id") == plan_id))
        and o.get("type") not in _APPROVALS
        and not o.get("external")
    ]
    return sorted(covered, key=lambda o: (str(o.get("type")), str(o.get("id"))))


def object_digests(plan_id: str, objects: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """One digest per covered object, to name the objects that changed between two versions.

    :param plan_id: the plan's id
    :param objects: plans and objects of ``plan.json``
    :return: object id to digest
    """
    return {str(o.get("id")): object_digest(o) for o in plan_objects(plan_id, objects)}


def plan_fingerprint(plan_id: str, objects: Iterable[Mapping[str, Any]]) -> str:
    """The fingerprint of a plan's canonical content.

    :param plan_id: the plan's id
    :param objects: plans and objects of ``plan.json`` (``plans`` + ``objects``)
    :return: ``sha256:`` followed by 16 hexadecimal digits
    """
    return _digest([canonical(o) for o in plan_objects(plan_id, objects)])

"""Findings of coverage and stage gates: an object that lost its last covering test,
a plan status move that skips a stage or misses its gate (rules of :mod:`.classify`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.diff.compare import ChangeFinding
from sphinxcontrib_plan.model.types import BUILTIN

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping

    from sphinxcontrib_plan.diff.compare import ObjectChange

Objects = dict[str, "Mapping[str, Any]"]

#: the plan statuses in order, the stages a move may skip
_STATUS = BUILTIN["plan"].field("status")
_STATUSES: tuple[str, ...] = _STATUS.choices if _STATUS is not None else ()


def gate_rule(
    change: ObjectChange,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    versions: object,
) -> list[ChangeFinding]:
    """A plan's status move that skips a stage of the statuses' order, or lands on a
    stage whose gate (``plan_stages``, the derived ``gate`` of the head) is not met.

    :param change: the change
    :param old: the object in the base, ``None`` when added
    :param new: the object in the head, ``None`` when removed
    :param versions: both versions (unused: the plan's own values tell)
    :return: ``gate`` findings
    """
    if change.type != "plan" or change.kind != "changed" or old is None or new is None:
        return []
    before = (old.get("fields") or {}).get("status")
    after = (new.get("fields") or {}).get("status")
    if before == after:
        return []
    found = []
    order = list(_STATUSES)
    if before in order and after in order and order.index(after) > order.index(before) + 1:
        skipped = order[order.index(before) + 1 : order.index(after)]
        found.append(ChangeFinding("gate", f"status {before} → {after} skips {', '.join(skipped)}"))
    if (new.get("derived") or {}).get("gate") == "unmet":
        found.append(
            ChangeFinding(
                "gate",
                f"status {before} → {after}, but the plan does not "
                f"meet the {after} gate (sphinx-plan gate {change.id})",
            )
        )
    return found


def _coverers(objects: Objects) -> dict[str, list[str]]:
    """The objects naming each object in their ``covers`` (by id or by title, as a
    signature or a name is written), and those the derived ``covered-by`` names."""
    by_title: dict[str, str] | None = None  # made on the first ``covers`` naming no id
    found: dict[str, list[str]] = {}
    for oid, obj in objects.items():
        fields, derived = obj.get("fields"), obj.get("derived")
        for target in (fields.get("covers") if fields else None) or ():
            named: str | None = str(target)
            if named not in objects:
                if by_title is None:
                    by_title = {
                        str(o.get("title")): i for i, o in objects.items() if o.get("title")
                    }
                named = by_title.get(str(target))
            if named is not None and oid not in found.setdefault(named, []):
                found[named].append(oid)
        for source in (derived.get("covered-by") if derived else None) or ():
            if source not in found.setdefault(oid, []):
                found[oid].append(str(source))
    return found


def lost_coverage(
    base: Objects, head: Objects, differing: Collection[str] | None = None
) -> dict[str, ChangeFinding]:
    """The objects that were covered (named in a test's or checklist's ``covers``, or
    covered by a rule) in *base* and are not in *head*: ``GET /users lost its last test``.

    :param base: the base version's objects by id
    :param head: the head version's
    :param differing: the ids whose record is not the same object in both
        versions (:attr:`.api_rules.Versions.differing`), when known: nothing
        else can have lost its coverage by a rule
    :return: a ``coverage`` finding by object id
    """
    if differing is not None and not differing:
        return {}
    before, after = _coverers(base), _coverers(head)
    found = {}
    for oid, sources in before.items():
        if not sources or oid not in head or after.get(oid):
            continue
        types = {str(base[s].get("type")) for s in sources if s in base}
        what = (
            {"test": "test", "check": "checklist"}.get(types.pop(), "covering object")
            if len(types) == 1
            else "covering object"
        )
        title = str(head[oid].get("title") or oid)
        found[oid] = ChangeFinding(
            "coverage", f"{title} lost its last {what} ({', '.join(sorted(sources))})"
        )
    for oid in head if differing is None else sorted(differing):
        new, old = head.get(oid), base.get(oid)
        if (
            new is not None
            and oid not in found
            and old is not None
            and (old.get("derived") or {}).get("covered")
            and (new.get("derived") or {}).get("covered") is False
        ):
            found[oid] = ChangeFinding(
                "coverage", f"{new.get('title') or oid} is no longer covered by its coverage rules"
            )
    return found

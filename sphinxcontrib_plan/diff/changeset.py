"""The rows of a ``plan-changes`` collector: :func:`~.compare.compare` and
:func:`~.classify.classify` of a baseline against this build, as plain
:class:`~sphinxcontrib_plan.model.changes.ChangeRow` data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.diff.classify import classify
from sphinxcontrib_plan.diff.compare import Side, compare
from sphinxcontrib_plan.diff.formats import change_lines
from sphinxcontrib_plan.model.changes import ChangeRow

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

#: ``plan.json`` keys a baseline keeps: what the comparison reads
KEPT_KEYS = (
    "type",
    "id",
    "title",
    "plan",
    "parent",
    "fields",
    "checks",
    "data",
    "body",
    "external",
)


def slim(document: Mapping[str, Any]) -> dict[str, Any]:
    """A ``plan.json`` document cut down to what a comparison reads, to keep it cached.

    :param document: the document
    :return: ``plans`` and ``objects`` with :data:`KEPT_KEYS` only
    """
    return {
        key: [{k: obj[k] for k in KEPT_KEYS if k in obj} for obj in document.get(key, ())]
        for key in ("plans", "objects")
    }


def of_plan(document: Mapping[str, Any], plan_id: str) -> dict[str, Any]:
    """The part of a document that belongs to one plan: the plan and its objects.

    :param document: a ``plan.json`` document
    :param plan_id: the plan's id
    :return: a document with that plan only
    """
    return of_plans(document, (plan_id,))


def of_plans(document: Mapping[str, Any], plan_ids: Iterable[str]) -> dict[str, Any]:
    """The part of a document that belongs to some plans (``diff --plan``).

    :param document: a ``plan.json`` document
    :param plan_ids: the plans' ids
    :return: a document with those plans and their objects only (no external sources)
    """
    chosen = set(plan_ids)
    return {
        "plans": [p for p in document.get("plans", ()) if p.get("id") in chosen],
        "objects": [o for o in document.get("objects", ()) if o.get("plan") in chosen],
    }


def change_rows(
    base: Mapping[str, Any], head: Mapping[str, Any], label: str, *, signoffs: bool = True
) -> list[ChangeRow]:
    """Every local object added, removed or changed from *base* to *head*.

    :param base: the baseline's ``plan.json`` data
    :param head: this build's ``plan.json`` data
    :param label: what the baseline is, for the comparison's sides
    :param signoffs: list sign-offs too (not against the approved revision: the
        approval itself is no change of what was approved)
    :return: rows by plan, type and id
    """
    diff = compare(
        base, head, base_side=Side(label, "git"), head_side=Side("this build", "worktree")
    )
    classify(diff, *diff.objects)
    rows = []
    for change in diff.local:
        if change.type == "signoff" and not signoffs:
            continue
        # each change once: the values a finding tells of are not listed again
        details = [f.message for f in change.findings] + change_lines(change)
        if change.body_diff:
            details.append("body text changed")
        rows.append(
            ChangeRow(
                change.kind,
                change.type,
                change.id,
                change.plan,
                change.title,
                tuple(details),
                change.breaking,
            )
        )
    return rows

"""Approvals and reviews over time: stale sign-offs and overdue review dates.

Pure functions of the index. A sign-off is *stale* when it is approved with a
``fingerprint`` that no longer matches its plan's content
(:func:`~.fingerprint.plan_fingerprint` over the records in ``plan.json``
shape, so the build and ``sphinx-plan approve`` agree byte for byte). A
``review`` date is *overdue* when it lies before the build's date
(:attr:`.ResolvedIndex.today`), which :func:`build_date` reads from
``SOURCE_DATE_EPOCH`` when it is set, so a build stays reproducible.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.model.fingerprint import object_digests, plan_fingerprint, record_content

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from sphinxcontrib_plan.model.index import ResolvedIndex
    from sphinxcontrib_plan.model.records import ObjectRecord

#: states of a type's ``status`` past which a review date no longer fires
_FINISHED = {"risk": "closed", "plan": "completed"}


def build_date(environ: Mapping[str, str], clock: Callable[[], dt.date] = dt.date.today) -> str:
    """The date a build stands at: ``SOURCE_DATE_EPOCH``'s (UTC) when set, else today.

    :param environ: the process environment
    :param clock: today's date (replaced in tests)
    :return: ``YYYY-MM-DD``
    :raise ValueError: when ``SOURCE_DATE_EPOCH`` is not a number of seconds
    """
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return clock().isoformat()
    try:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date().isoformat()
    except (ValueError, OverflowError, OSError):
        msg = f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds"
        raise ValueError(msg) from None


def _plan_contents(index: ResolvedIndex, plan_id: str) -> list[dict[str, object]]:
    # every record, duplicates included, as plan.json lists them: the plan records first
    # (sorted by id there), then the objects in document order; plan_objects sorts stably
    plans = [r for r in index.of_type("plan") if r.id == plan_id]
    return [
        record_content(r)
        for r in (*plans, *(r for r in index.records if r.plan == plan_id and r.type != "plan"))
    ]


def current_fingerprint(index: ResolvedIndex, plan_id: str) -> str:
    """The fingerprint of a plan's content in this build (cached on the index).

    :param index: the index
    :param plan_id: the plan's id
    :return: ``sha256:`` and 16 hexadecimal digits
    """
    found = index.plan_fingerprints.get(plan_id)
    if found is None:
        found = index.plan_fingerprints[plan_id] = plan_fingerprint(
            plan_id, _plan_contents(index, plan_id)
        )
    return found


def current_digests(index: ResolvedIndex, plan_id: str) -> dict[str, str]:
    """One digest per object of a plan in this build, to name what changed later.

    :param index: the index
    :param plan_id: the plan's id
    :return: object id to digest
    """
    return object_digests(plan_id, _plan_contents(index, plan_id))


def _stale(
    fields: Mapping[str, object], plan: object, fingerprint_of: Callable[[str], str]
) -> bool:
    given = fields.get("fingerprint")
    if not given or not plan or fields.get("status") != "approved":
        return False
    return str(given).strip() != fingerprint_of(str(plan))


def is_stale(index: ResolvedIndex, signoff: ObjectRecord) -> bool:
    """Whether an approved sign-off's fingerprint no longer matches its plan.

    A sign-off without a fingerprint, or one not approved, is never stale.

    :param index: the index
    :param signoff: a sign-off record
    :return: ``True`` when stale
    """
    return _stale(signoff.fields, signoff.plan, lambda plan: current_fingerprint(index, plan))


def stale_in_data(objects: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The stale sign-offs of ``plan.json`` data, by the rule of :func:`is_stale`
    (what ``sphinx-plan diff`` reads; a build has :func:`stale_signoffs`).

    :param objects: plans and objects of ``plan.json`` (``plans`` + ``objects``)
    :return: the sign-off objects whose fingerprint no longer matches their plan
    """
    fingerprints: dict[str, str] = {}

    def fingerprint_of(plan: str) -> str:
        if plan not in fingerprints:
            fingerprints[plan] = plan_fingerprint(plan, objects)
        return fingerprints[plan]

    return [
        o
        for o in objects
        if o.get("type") == "signoff"
        and _stale(o.get("fields") or {}, o.get("plan"), fingerprint_of)
    ]


def is_overdue(index: ResolvedIndex, record: ObjectRecord) -> bool:
    """Whether a record's ``review`` date lies before the build's date.

    Closed risks and completed plans have nothing left to review.

    :param index: the index (:attr:`~.ResolvedIndex.today`)
    :param record: a risk or a plan
    :return: ``True`` when overdue
    """
    review = record.fields.get("review")
    if not review or not index.today:
        return False
    if record.fields.get("status") == _FINISHED.get(record.type):
        return False
    return str(review) < index.today


def changed_objects(old: Mapping[str, str], new: Mapping[str, str]) -> list[str]:
    """What differs between two sets of object digests, as ``changed X`` phrases.

    :param old: digests of the approved version
    :param new: digests of this build
    :return: e.g. ``["changed S1-outage", "added S1-x", "removed S1-y"]``, sorted by id
    """
    found = []
    for oid in sorted(old.keys() | new.keys()):
        if oid not in old:
            found.append(f"added {oid}")
        elif oid not in new:
            found.append(f"removed {oid}")
        elif old[oid] != new[oid]:
            found.append(f"changed {oid}")
    return found


@dataclass(frozen=True)
class StaleSignoff:
    """A sign-off that approved an earlier version of its plan, and what changed since."""

    signoff: ObjectRecord
    #: the fingerprint it approved
    approved: str
    #: its ``approved-at`` revision, or ``""``
    revision: str
    #: the plan's fingerprint now
    current: str
    #: ``changed X``, ``added Y``, ``removed Z``; empty when the approved version is unknown
    changes: tuple[str, ...]

    @property
    def what(self) -> str:
        """What changed, as a phrase: the objects, or the fingerprint now."""
        if self.changes:
            return "changed since: " + ", ".join(self.changes)
        return f"content changed since approval (now {self.current})"


def stale_signoffs(
    index: ResolvedIndex, approved: Mapping[str, Mapping[str, str]]
) -> list[StaleSignoff]:
    """Every stale sign-off, naming the objects changed since its approval when the
    approved version's object digests are known.

    :param index: the index
    :param approved: object digests of approved versions, by plan fingerprint
    :return: the stale sign-offs, in document order
    """
    found = []
    for signoff in index.of_type("signoff"):
        if not is_stale(index, signoff):
            continue
        given = str(signoff.fields["fingerprint"]).strip()
        plan = str(signoff.plan)
        old = approved.get(given)
        changes = changed_objects(old, current_digests(index, plan)) if old else []
        found.append(
            StaleSignoff(
                signoff,
                given,
                str(signoff.fields.get("approved-at") or "").strip(),
                current_fingerprint(index, plan),
                tuple(changes),
            )
        )
    return found


def stale_pages(index: ResolvedIndex, stale: Iterable[StaleSignoff]) -> dict[str, list[str]]:
    """What each page shows of stale approvals, to write it again when that changes.

    :param index: the index
    :param stale: the stale sign-offs
    :return: document to the lines it shows
    """
    shown: dict[str, list[str]] = {}
    for item in stale:
        line = f"{item.signoff.id}: {item.approved} {item.revision} {item.what}"
        shown.setdefault(item.signoff.docname, []).append(line)
        plan = index.by_id.get(str(item.signoff.plan))
        if plan is not None and plan.docname != item.signoff.docname:
            shown.setdefault(plan.docname, []).append(line)
    return shown

"""Match the objects of two ``plan.json`` documents by id and list what changed.

Each object is compared on its title, plan, parent, typed fields, checklist
counts, extracted data and body text. Bodies that differ only in whitespace
(a reflowed paragraph) are equal, as for the approval fingerprint; bodies
that differ get a short unified diff.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.model.fingerprint import exported_body_text, normalise_text
from sphinxcontrib_plan.model.types import BUILTIN_TYPES

if TYPE_CHECKING:
    from collections.abc import Iterable

#: ``data`` keys that repeat the title (endpoint signature, response code) or the body
_DATA_SKIPPED = frozenset(
    {"method", "path", "params", "code", "reason", "description", "examples", "markup"}
)
#: longest unified diff shown for one body, in lines
BODY_DIFF_LINES = 12
#: registry order of the built-in types: reports list types in this order
TYPE_ORDER = {t.name: i for i, t in enumerate(BUILTIN_TYPES)}


@dataclass(frozen=True)
class FieldChange:
    """One value that differs between the two versions of an object."""

    #: ``title``, ``plan``, ``parent``, ``checks``, a field name, or ``data.<key>``
    name: str
    #: value in the base (``None`` when absent)
    before: Any
    #: value in the head (``None`` when absent)
    after: Any


@dataclass(frozen=True)
class ChangeFinding:
    """A classified change: breaking API change, slipped phase, risen risk, status transition."""

    #: ``breaking``, ``api`` (non-breaking API change), ``slip``, ``risk`` or ``status``
    kind: str
    #: one sentence, e.g. ``response 404 removed``
    message: str
    #: for ``slip``: weeks the start and the end moved later (``None`` when unknown)
    start_weeks: float | None = None
    end_weeks: float | None = None
    #: the changed values (:attr:`FieldChange.name`) the finding tells of, which
    #: reports then do not list again
    covers: tuple[str, ...] = ()


@dataclass
class ObjectChange:
    """An object added, removed or changed between base and head."""

    #: ``added``, ``removed`` or ``changed``
    kind: str
    type: str
    id: str
    plan: str | None
    title: str
    #: the project an external object comes from (``plan_external``), else ``None``
    external: str | None = None
    fields: list[FieldChange] = field(default_factory=list)
    #: unified diff of the body text, without headers, at most :data:`BODY_DIFF_LINES` lines
    body_diff: list[str] = field(default_factory=list)
    findings: list[ChangeFinding] = field(default_factory=list)

    @property
    def breaking(self) -> bool:
        """Whether a finding is a breaking API change."""
        return any(f.kind == "breaking" for f in self.findings)

    def sort_key(self) -> tuple[str, int, str, str]:
        """Plan, type in registry order, id."""
        return (self.plan or "", TYPE_ORDER.get(self.type, len(TYPE_ORDER)), self.type, self.id)


@dataclass(frozen=True)
class MadeStale:
    """A sign-off the change makes stale: approved, its fingerprint no longer its plan's."""

    id: str
    plan: str
    #: the role signing, e.g. ``Tech Lead``
    title: str
    #: who approved, and when (empty when not written)
    name: str = ""
    date: str = ""


@dataclass(frozen=True)
class Side:
    """What one side of a diff is."""

    #: as given on the command line: a revision, a file, or ``working tree``
    label: str
    #: ``git``, ``file`` or ``worktree``
    kind: str
    #: the commit a git side resolved to
    revision: str | None = None


@dataclass
class PlanDiff:
    """Every change between two versions of a project's plans."""

    base: Side
    head: Side
    #: changes sorted by plan, type and id
    changes: list[ObjectChange]
    #: plan titles by id (head's, else base's)
    plan_titles: dict[str, str]
    #: objects that appear twice with one id in a version (``plan.duplicate``): compared once
    duplicates: list[str] = field(default_factory=list)
    #: approved sign-offs that are stale in the head and were not in the base
    stale: list[MadeStale] = field(default_factory=list)
    #: both versions' plans and objects by id (:func:`index_objects`), for :func:`.classify`
    objects: tuple[dict[str, Mapping[str, Any]], dict[str, Mapping[str, Any]]] = field(
        default_factory=lambda: ({}, {}), repr=False, compare=False
    )

    @property
    def breaking(self) -> list[ObjectChange]:
        """The local changes that break the API."""
        return [c for c in self.changes if c.breaking and not c.external]

    @property
    def local(self) -> list[ObjectChange]:
        """The changes of this project's own objects."""
        return [c for c in self.changes if not c.external]


def index_objects(document: Mapping[str, Any]) -> tuple[dict[str, Mapping[str, Any]], list[str]]:
    """The plans and objects of a ``plan.json`` document by id.

    :param document: the document
    :return: the objects by id (first occurrence wins) and the repeated ids
    """
    by_id: dict[str, Mapping[str, Any]] = {}
    repeated: list[str] = []
    for records in (document.get("plans", ()), document.get("objects", ())):
        for obj in records:
            key = obj["id"]
            if type(key) is not str:
                key = str(key)
            if key in by_id:
                repeated.append(key)
            else:
                by_id[key] = obj
    return by_id, repeated


def body_diff(before: str, after: str) -> list[str]:
    """A short unified diff of two body texts, or nothing when they differ only in whitespace.

    :param before: base body
    :param after: head body
    :return: diff lines (``-``/``+``/`` `` prefixed), truncated with a last ``…`` line
    """
    if normalise_text(before) == normalise_text(after):
        return []
    lines = [
        ln
        for ln in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=1)
        if not ln.startswith(("---", "+++"))
    ]
    if len(lines) > BODY_DIFF_LINES:
        rest = len(lines) - BODY_DIFF_LINES
        lines = [*lines[:BODY_DIFF_LINES], f"… {rest} more line{'s' * (rest != 1)}"]
    return lines


def _data(obj: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in (obj.get("data") or {}).items() if k not in _DATA_SKIPPED}


def _pairs(
    before: Mapping[str, Any], after: Mapping[str, Any], prefix: str = ""
) -> Iterable[FieldChange]:
    for name in sorted(before.keys() | after.keys()):
        old, new = before.get(name), after.get(name)
        if old != new:
            yield FieldChange(prefix + name, old, new)


def field_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[FieldChange]:
    """The values that differ between two versions of one object, the body excepted.

    :param old: the base object
    :param new: the head object
    :return: the changes: title, plan, parent and checks first, then fields, then data
    """
    changes = [
        FieldChange(name, old.get(name), new.get(name))
        for name in ("title", "plan", "parent", "checks")
        if old.get(name) != new.get(name)
    ]
    changes += _pairs(old.get("fields") or {}, new.get("fields") or {})
    changes += _pairs(_data(old), _data(new), "data.")
    return changes


def _change(kind: str, obj: Mapping[str, Any]) -> ObjectChange:
    return ObjectChange(
        kind,
        str(obj.get("type")),
        str(obj["id"]),
        obj.get("plan"),
        str(obj.get("title") or ""),
        obj.get("external") or None,
    )


#: what an external source's summary in ``plan.json`` tells, compared field by field
_SOURCE_KEYS = ("project", "version", "plans", "objects", "sha256")


def _external_sources(base: Mapping[str, Any], head: Mapping[str, Any]) -> list[ObjectChange]:
    """Other projects read through ``plan_external``, as changes marked external.

    Their objects are not in ``plan.json`` (they are not this project's), but a
    reviewer sees which sources came, went or changed between the versions.
    """

    def by_name(document: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
        return {
            str(e.get("name")): e
            for e in document.get("external") or ()
            if isinstance(e, Mapping) and e.get("name")
        }

    old, new = by_name(base), by_name(head)
    found = []
    for name in sorted(old.keys() | new.keys()):
        before, after = old.get(name), new.get(name)
        kind = "added" if before is None else "removed" if after is None else "changed"
        source = after if after is not None else before
        assert source is not None  # the name is in one of them
        change = ObjectChange(
            kind, "external-source", name, None, str(source.get("project") or name), name
        )
        if before is not None and after is not None:
            change.fields = [
                FieldChange(key, before.get(key), after.get(key))
                for key in _SOURCE_KEYS
                if before.get(key) != after.get(key)
            ]
            if not change.fields:
                continue
        found.append(change)
    return found


def compare(
    base: Mapping[str, Any], head: Mapping[str, Any], *, base_side: Side, head_side: Side
) -> PlanDiff:
    """Compare two ``plan.json`` documents, object by object (no classification yet).

    :param base: the older document
    :param head: the newer document
    :param base_side: what the base is
    :param head_side: what the head is
    :return: the diff, changes sorted by plan, type and id
    """
    old, old_repeated = index_objects(base)
    new, new_repeated = index_objects(head)
    changes: list[ObjectChange] = []
    for key, obj in new.items():
        if key not in old:
            changes.append(_change("added", obj))
    for key, obj in old.items():
        if key not in new:
            changes.append(_change("removed", obj))
            continue
        after = new[key]
        if after is obj:  # one record read for both sides (:class:`.planjson.Shared`)
            continue
        fields = field_changes(obj, after)
        before_body, after_body = exported_body_text(obj), exported_body_text(after)
        # a file from before ``body`` existed against one with it: texts of different origin
        comparable = (
            before_body is not None
            and after_body is not None
            and ("body" in obj) == ("body" in after)
        )
        lines = body_diff(before_body or "", after_body or "") if comparable else []
        if fields or lines:
            change = _change("changed", after)
            change.fields, change.body_diff = fields, lines
            change.external = change.external or obj.get("external") or None
            changes.append(change)
    changes += _external_sources(base, head)
    changes.sort(key=ObjectChange.sort_key)
    titles = {
        str(p["id"]): str(p.get("title") or "")
        for p in (*base.get("plans", ()), *head.get("plans", ()))
    }
    return PlanDiff(
        base_side,
        head_side,
        changes,
        titles,
        sorted(set(old_repeated) | set(new_repeated)),
        objects=(old, new),
    )

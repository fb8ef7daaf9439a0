"""What a ``plan-changes`` collector lists: plain rows of changes since a baseline.

A baseline is named by a *spec*: ``""`` (each plan's last approved revision,
from its sign-offs' ``approved-at``), ``git:<revision>`` or
``file:<path of a plan.json, relative to the source directory>``. The rows are
computed once per build (at ``env-updated``, outside the pure resolution, as
reading a baseline may run git) and kept on the index by spec.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable


#: the spec of the default baseline: each plan's last approved revision
APPROVED = ""
#: what happened to an object since the baseline
CHANGE_KINDS = ("added", "removed", "changed")
#: the values of a row that ``:filter:``, ``:sort:`` and ``:columns:`` address
ROW_FIELDS = ("change", "type", "id", "plan", "title", "details", "breaking")


@dataclass(frozen=True)
class ChangeRow:
    """One object added, removed or changed since the baseline."""

    #: ``added``, ``removed`` or ``changed``
    change: str
    type: str
    id: str
    plan: str | None
    title: str
    #: what changed: ``field: before → after`` lines, ``body changed``, classified findings
    details: tuple[str, ...] = ()
    #: whether it breaks the API (an endpoint or response removed, auth tightened...)
    breaking: bool = False

    def values(self) -> dict[str, Any]:
        """The row as :data:`ROW_FIELDS` values, for filters and sorts.

        :return: name to value (``details`` joined with ``; ``)
        """
        return {
            "change": self.change,
            "type": self.type,
            "id": self.id,
            "plan": self.plan,
            "title": self.title,
            "details": "; ".join(self.details),
            "breaking": self.breaking,
        }


@dataclass(frozen=True)
class ChangeSet:
    """The changes of one ``:since:`` spec, for every plan."""

    #: the spec (see the module docstring)
    spec: str
    #: what each plan was compared with, e.g. ``v1 (1a2b3c4d5e6f)``, by plan id; ``""``
    #: holds the one baseline of an explicit ``:since:``
    baselines: dict[str, str] = field(default_factory=dict)
    #: why a plan has no baseline (no approved revision, an unknown commit), by plan id
    missing: dict[str, str] = field(default_factory=dict)
    #: why the explicit baseline could not be read, or ``None``
    error: str | None = None
    #: the rows, by plan, type and id
    rows: tuple[ChangeRow, ...] = ()

    @property
    def digest(self) -> str:
        """A hash of everything a page shows from this set: a changed one is written again."""
        return hashlib.sha256(
            repr(
                (
                    sorted(self.baselines.items()),
                    sorted(self.missing.items()),
                    self.error,
                    self.rows,
                )
            ).encode()
        ).hexdigest()


def since_spec(text: str, is_file: bool, relative: str) -> str:
    """The spec of a ``:since:`` value.

    :param text: the option as written (empty: the approved revisions)
    :param is_file: whether it names a file (it exists, or ends with ``.json``)
    :param relative: the file's path relative to the source directory (for files)
    :return: the spec
    """
    text = text.strip()
    if not text:
        return APPROVED
    return f"file:{relative}" if is_file else f"git:{text}"


def spec_label(spec: str) -> str:
    """A spec as its author wrote it, for messages.

    :param spec: the spec
    :return: e.g. ``v1``, ``releases/plan.json``, or ``the last approved revision``
    """
    return spec.partition(":")[2] if spec else "the last approved revision"


def rows_of(changes: Iterable[ChangeRow], plans: Iterable[str]) -> list[ChangeRow]:
    """The rows of some plans.

    :param changes: the rows
    :param plans: plan ids; empty for all
    :return: the rows of those plans, in their order
    """
    wanted = set(plans)
    return [r for r in changes if not wanted or r.plan in wanted]

"""Plain, picklable records of plan objects, as stored in the domain's data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ObjectRecord:
    """One plan object (a plan itself included) as read from one directive."""

    #: type name, e.g. ``risk``
    type: str
    #: unique id (explicit or derived)
    id: str
    #: title as plain text (the signature for endpoints)
    title: str
    #: plan the object belongs to, ``None`` for an orphan
    plan: str | None
    #: document holding the directive
    docname: str
    #: line of the directive in its source
    lineno: int
    #: HTML anchor / LaTeX label inside the document
    anchor: str
    #: typed field values (canonical, JSON-able), defaults filled in
    fields: dict[str, Any] = field(default_factory=dict)
    #: ``(done, total)`` of ``[x]``/``[ ]`` items in the body, for checklist types
    checks: tuple[int, int] | None = None
    #: id of the enclosing object (the endpoint of a response)
    parent: str | None = None
    #: whether ``:id:`` was given
    explicit_id: bool = False
    #: position of the directive in its document, for stable ordering
    order: int = 0
    #: type-specific data read from the body (SQL schema, examples...)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def location(self) -> tuple[str, int]:
        """``(docname, lineno)`` for warnings."""
        return self.docname, self.lineno

    @property
    def sort_key(self) -> tuple[str, int]:
        """Document order, the deterministic order of the whole index."""
        return self.docname, self.order

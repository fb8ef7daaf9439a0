"""An object read by its directive but not finished: the plan and id it gets
depend on the document's metadata, known once the whole document is parsed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.environment import BuildEnvironment

    from sphinxcontrib_plan.model.records import Spans, TypeData

#: key of the per-document list of :class:`PendingObject` in ``env.temp_data``
PENDING = "plan:pending"
#: key of the stack of enclosing objects (``plan-response`` looks for its endpoint)
PARENTS = "plan:parents"


def document_list(env: BuildEnvironment, key: str) -> list[Any]:
    """The list kept under *key* for the document being read (``env.temp_data``).

    :param env: the environment
    :param key: :data:`PENDING` or :data:`PARENTS`
    :return: the list, created empty (and kept) when the document has none yet
    """
    found = env.temp_data.get(key)
    if not isinstance(found, list):
        found = []
        env.temp_data[key] = found
    return found


@dataclass
class PendingObject:
    """What one directive read; :mod:`.finish` turns it into an ``ObjectRecord``."""

    #: type name
    type: str
    #: the stored title
    title: str
    #: typed field values
    values: dict[str, Any]
    #: line of the directive
    lineno: int
    #: position of the enclosing object in the document's pending list
    parent: int | None = None
    #: ``(done, total)`` of a checklist type's body
    checks: tuple[int, int] | None = None
    #: type-specific data read from the argument and body
    data: TypeData | None = None
    #: inline markup of text fields, by field name
    markup: dict[str, Spans] = field(default_factory=dict)
    #: the body's text, nested objects left out
    body: str = ""
    #: template placeholders in the title and fields: ``(field, text, line)``
    placeholders: list[tuple[str, str, int]] = field(default_factory=list)

"""Warning subtypes of sphinxcontrib-plan and the one helper that emits them."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from sphinx.util import logging

if TYPE_CHECKING:
    from docutils import nodes

logger = logging.getLogger("sphinxcontrib_plan")


class PlanWarning(enum.Enum):
    """Subtypes of the ``plan`` warning type; silence one with ``suppress_warnings``."""

    FIELD = "field"
    """A field value is not valid for its kind: the warning names the allowed values."""

    OPTION = "option"
    """A directive was given an option it does not know: the warning suggests the nearest."""

    DUPLICATE = "duplicate"
    """Two objects share one id: the warning names both locations."""

    REF = "ref"
    """A reference (role, ``depends-on``, ``phase``, ``:plan:``...) names no known object."""

    ORPHAN = "orphan"
    """An object belongs to no plan: no ``:plan:`` option, no ``plan`` metadata, no ``plan`` directive."""

    CYCLE = "cycle"
    """Phases or components depend on each other in a circle: the warning names the cycle."""

    SQL = "sql"
    """The SQL in a ``plan-table`` could not be read: the code block is still shown."""

    FILTER = "filter"
    """A collector's ``:filter:``, ``:sort:`` or ``:columns:`` is malformed: the warning gives the column."""

    CONSISTENCY = "consistency"
    """The plan contradicts itself, e.g. an approved plan with a pending sign-off."""

    NESTING = "nesting"
    """A directive is used where it cannot be, e.g. ``plan-response`` outside ``plan-endpoint``."""

    CONFIG = "config"
    """A ``plan_*`` configuration value is invalid and its default is used instead."""

    @property
    def code(self) -> str:
        """The name used in ``suppress_warnings``, e.g. ``plan.field``."""
        return f"plan.{self.value}"


def warn(
    subtype: PlanWarning,
    message: str,
    *,
    location: nodes.Node | tuple[str, int | None] | str | None,
) -> None:
    """Emit a ``plan.<subtype>`` warning at a location.

    :param subtype: the warning subtype
    :param message: what is wrong and what is allowed
    :param location: a node, ``(docname, lineno)`` or a docname
    """
    logger.warning(message, type="plan", subtype=subtype.value, location=location)

"""Derived fields: values computed from the index, declared once.

Each :class:`DerivedField` names a value, the types that have it, its JSON
type, how it is computed and, when it is more than its text, how a table
cell shows it. Collectors offer them to ``:filter:``, ``:sort:`` and
``:columns:``; ``plan.json`` exports them under ``derived`` and its schema
describes them, all from :data:`DERIVED_FIELDS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

from sphinxcontrib_plan.model import derived_values as values
from sphinxcontrib_plan.model.approval import is_overdue, is_stale

if TYPE_CHECKING:
    from collections.abc import Callable

    from sphinxcontrib_plan.model.index import ResolvedIndex
    from sphinxcontrib_plan.model.records import ObjectRecord
    from sphinxcontrib_plan.model.typespec import ObjectType

    Compute = Callable[[ResolvedIndex, ObjectRecord], Any]

#: draws a value in a table cell: (render context, record, its view, the value) to nodes
Cell = TypeVar("Cell", bound="Callable[..., Any]")

#: :attr:`DerivedField.scope` of values every object has
ALL = "*"
#: :attr:`DerivedField.scope` of values every checklist type has (built in or not)
CHECKLIST = "+checklist"


@dataclass(frozen=True)
class DerivedField:
    """One value computed from the index."""

    #: name, as filters, sorts and columns write it
    name: str
    #: the types having it: type names, :data:`ALL` or :data:`CHECKLIST`
    scope: tuple[str, ...]
    #: JSON Schema type of the value (``null`` is always allowed)
    json_type: str
    #: one-line description, for the reference and the schema
    help: str
    #: computes the value of one record
    compute: Compute
    #: whether ``plan.json`` has it as a top-level key of the object already
    top_level: bool = False
    #: whether it depends on more than the types a collector lists (other types of
    #: the plan, the build's date): incremental builds compare its values to know
    #: which pages to write again
    volatile: bool = False
    #: draws it in a collector's cell when it is more than its text (a link, a badge):
    #: set by the render layer (:func:`draws_cell`), which builds the nodes
    cell: Callable[..., Any] | None = field(default=None, compare=False, repr=False)

    def applies(self, otype: ObjectType) -> bool:
        """Whether objects of *otype* have this value (by its name and whether it
        is a checklist only: :func:`derived_for` keeps the answer by those).

        :param otype: an object type
        :return: ``True`` when they do
        """
        return (
            ALL in self.scope
            or otype.name in self.scope
            or (CHECKLIST in self.scope and otype.checklist)
        )


#: every derived value, in the order views and ``plan.json`` list them
DERIVED_FIELDS: tuple[DerivedField, ...] = (
    DerivedField("id", (ALL,), "string", "The object's id.", lambda i, r: r.id, top_level=True),
    DerivedField(
        "title",
        (ALL,),
        "string",
        "The title (an endpoint's signature).",
        lambda i, r: r.title,
        top_level=True,
    ),
    DerivedField("plan", (ALL,), "string", "The plan's id.", lambda i, r: r.plan, top_level=True),
    DerivedField(
        "type",
        (ALL,),
        "string",
        "The object type (a type's own ``type`` field wins).",
        lambda i, r: r.type,
        top_level=True,
    ),
    DerivedField(
        "doc",
        (ALL,),
        "string",
        "The document holding the object.",
        lambda i, r: r.docname,
        top_level=True,
    ),
    DerivedField(
        "done", (CHECKLIST,), "integer", "Ticked ``[x]`` items of the body.", values.checks(0)
    ),
    DerivedField(
        "total", (CHECKLIST,), "integer", "All ``[ ]``/``[x]`` items of the body.", values.checks(1)
    ),
    DerivedField(
        "progress", (CHECKLIST,), "integer", "Ticked items in percent.", values.checks(None)
    ),
    DerivedField("severity", ("risk",), "integer", "Impact × likelihood, 1 to 9.", values.severity),
    DerivedField(
        "start-week",
        ("phase",),
        "integer",
        "First week: ``weeks``, or the start date counted from the plan's first phase.",
        values.week(0),
    ),
    DerivedField(
        "end-week", ("phase",), "integer", "Last week, counted like ``start-week``.", values.week(1)
    ),
    DerivedField(
        "critical",
        ("phase",),
        "boolean",
        "On the critical path: slipping moves the plan's planned end. None when the "
        "phase has neither weeks nor dates, or the plan's phases depend in a cycle.",
        values.critical,
    ),
    DerivedField(
        "slack",
        ("phase",),
        "number",
        "Weeks the phase may slip without moving the planned end (working days / 5, "
        "to one decimal); none like ``critical``.",
        lambda i, r: i.schedule(r.plan or None).slack_weeks(r.id),
    ),
    DerivedField(
        "method",
        ("endpoint",),
        "string",
        "The HTTP method (or WS, WSS).",
        lambda i, r: r.endpoint.method if r.endpoint else None,
    ),
    DerivedField(
        "path",
        ("endpoint",),
        "string",
        "The path.",
        lambda i, r: r.endpoint.path if r.endpoint else None,
    ),
    DerivedField(
        "responses",
        ("endpoint",),
        "integer",
        "Number of documented responses.",
        lambda i, r: len(i.children.get(r.id, ())),
    ),
    DerivedField(
        "parameters",
        ("endpoint",),
        "string",
        "Its parameters, ``name (where)``, ``*`` after a required one's name.",
        lambda i, r: values.parameters(r),
    ),
    DerivedField(
        "request",
        ("endpoint",),
        "string",
        "The request body's schema: a plan-schema name, ``Name[]``, a type, or ``inline``.",
        lambda i, r: values.schema_text(r),
    ),
    DerivedField(
        "body",
        ("response", "event"),
        "string",
        "The body's schema, written like ``request``.",
        lambda i, r: values.schema_text(r),
    ),
    DerivedField(
        "endpoint", ("response",), "string", "Id of the response's endpoint.", lambda i, r: r.parent
    ),
    DerivedField(
        "code",
        ("response",),
        "string",
        "Status code, e.g. ``201``, ``4XX``.",
        lambda i, r: r.response.code if r.response else None,
    ),
    DerivedField(
        "columns",
        ("table",),
        "integer",
        "Columns read from the SQL.",
        lambda i, r: sum(len(t.columns) for t in r.tables),
    ),
    DerivedField(
        "done",
        ("plan",),
        "integer",
        "Ticked deliverables of the plan's phases.",
        values.plan_checks_part(0),
    ),
    DerivedField(
        "total",
        ("plan",),
        "integer",
        "All deliverables of the plan's phases.",
        values.plan_checks_part(1),
    ),
    DerivedField(
        "progress",
        ("plan",),
        "integer",
        "Ticked deliverables in percent.",
        values.plan_checks_part(None),
    ),
    DerivedField(
        "open-high-risks",
        ("plan",),
        "integer",
        "Risks of high severity (6 or more) that are neither closed nor accepted.",
        values.open_high_risks,
    ),
    DerivedField(
        "endpoints",
        ("plan",),
        "integer",
        "Endpoints of the plan.",
        lambda i, r: len(i.of_type("endpoint", (r.id,))),
    ),
    DerivedField(
        "end-week",
        ("plan",),
        "integer",
        "Week of the planned end, from the phases' weeks or dates and their "
        "``depends-on`` (critical path method).",
        lambda i, r: i.schedule(r.id).end_week,
    ),
    DerivedField(
        "planned-end",
        ("plan",),
        "string",
        "The planned end: its date when the plan's phases have dates, else ``week N``.",
        values.planned_end,
    ),
    DerivedField(
        "signoff",
        ("plan",),
        "string",
        "Sign-off state: none, rejected, stale (an approval's fingerprint no longer "
        "matches), pending or approved, the first that applies.",
        values.signoff,
        volatile=True,
    ),
    DerivedField(
        "stale",
        ("signoff",),
        "boolean",
        "Approved with a ``fingerprint`` that no longer matches the plan's content.",
        is_stale,
        volatile=True,
    ),
    DerivedField(
        "covered",
        (ALL,),
        "boolean",
        "Whether every coverage rule checking the object finds enough objects at its "
        "other end; none when no rule checks it.",
        values.covered,
        volatile=True,
    ),
    DerivedField(
        "covered-by",
        (ALL,),
        "array",
        "Ids of the objects covering it under the rules checking it (tests, phases, "
        "migrations...); none when no rule checks it.",
        values.covered_by,
        volatile=True,
    ),
    DerivedField(
        "result",
        ("test",),
        "string",
        "From the JUnit cases its ``junit`` patterns match: failed (one failed or "
        "errored), passed, skipped (all skipped) or missing (none matched); none "
        "without ``junit``.",
        values.test_result("result"),
        volatile=True,
    ),
    DerivedField(
        "passed",
        ("test",),
        "integer",
        "Matched JUnit cases that passed.",
        values.test_result("passed"),
        volatile=True,
    ),
    DerivedField(
        "failed",
        ("test",),
        "integer",
        "Matched JUnit cases with a failure or an error.",
        values.test_result("failed"),
        volatile=True,
    ),
    DerivedField(
        "skipped",
        ("test",),
        "integer",
        "Matched JUnit cases that were skipped.",
        values.test_result("skipped"),
        volatile=True,
    ),
    DerivedField(
        "run-time",
        ("test",),
        "number",
        "Seconds the matched JUnit cases ran, together.",
        values.test_result("run-time"),
        volatile=True,
    ),
    DerivedField(
        "coverage",
        ("plan",),
        "integer",
        "Objects of the plan the coverage rules check that are covered, in percent "
        "(rounded down); none when no rule checks any.",
        values.plan_coverage,
        volatile=True,
    ),
    DerivedField(
        "gate",
        ("plan",),
        "string",
        "Whether the plan meets the gate of the stage its status is (plan_stages): met "
        "or unmet; none without stages.",
        values.gate,
        volatile=True,
    ),
    DerivedField(
        "overdue",
        ("risk", "plan"),
        "boolean",
        "The ``review`` date lies before the build's date (``SOURCE_DATE_EPOCH`` when "
        "set); never for closed risks and completed plans.",
        is_overdue,
        volatile=True,
    ),
)


#: :func:`derived_for` by what :meth:`DerivedField.applies` reads of a type: it is
#: asked for every object of every build (27,450 times, 0.5 s, at 10,000 objects)
_DERIVED_BY_KIND: dict[tuple[str, bool], tuple[DerivedField, ...]] = {}


def derived_for(otype: ObjectType) -> tuple[DerivedField, ...]:
    """The derived values objects of *otype* have.

    :param otype: an object type
    :return: the fields, in declaration order
    """
    key = (otype.name, bool(otype.checklist))
    found = _DERIVED_BY_KIND.get(key)
    if found is None:
        found = _DERIVED_BY_KIND[key] = tuple(d for d in DERIVED_FIELDS if d.applies(otype))
    return found


def query_fields(otype: ObjectType) -> set[str]:
    """The names a collector's ``:filter:``, ``:sort:`` and ``:columns:`` address
    for rows of *otype*: its options and its derived values.

    :param otype: the rows' type
    :return: the names
    """
    return set(otype.option_names) | {d.name for d in derived_for(otype)}


def view_of(index: ResolvedIndex, record: ObjectRecord, otype: ObjectType | None) -> dict[str, Any]:
    """Fields of *record* plus its derived values.

    A type's own field named like a derived value (a metric's ``type``) wins.

    :param index: the index (complete but for views)
    :param record: the record
    :param otype: its type, ``None`` for a type no longer registered
    :return: name to value
    """
    view = dict(record.fields)
    for derived in derived_for(otype) if otype is not None else DERIVED_FIELDS[:5]:
        if derived.name == "type" and "type" in view:
            continue
        view[derived.name] = derived.compute(index, record)
    return view


def draws_cell(*names: str) -> Callable[[Cell], Cell]:
    """Mark a function of the render layer as what draws the derived values *names*
    in a collector's cell (every type's value of that name).

    :param names: derived value names
    :return: a decorator returning the function unchanged
    """

    def mark(function: Cell) -> Cell:
        for derived in DERIVED_FIELDS:
            if derived.name in names:
                # the entry stays frozen for its readers; only the render layer sets this field
                object.__setattr__(derived, "cell", function)
        _cells.cache_clear()
        return function

    return mark


def cell_of(name: str) -> Callable[..., Any] | None:
    """What draws the derived value *name* in a cell (:attr:`DerivedField.cell`).

    :param name: a derived value's name
    :return: the function, or ``None`` when the cell is the value's text
    """
    return _cells().get(name)


@cache
def _cells() -> dict[str, Callable[..., Any]]:
    """The cells of :data:`DERIVED_FIELDS` by name, for the thousands of cells of a register."""
    return {d.name: d.cell for d in DERIVED_FIELDS if d.cell is not None}

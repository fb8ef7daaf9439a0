"""The vocabulary of the registry of plan object types: field kinds, field and
type declarations, and the registry a build uses.

The declarations themselves (every built-in ``plan-*`` type) are data in
:mod:`~sphinxcontrib_plan.model.types`; a user type from ``plan_types`` is one
more :class:`ObjectType`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping


ANY = "*"


class Kind(enum.Enum):
    """How a field's raw option text is read."""

    TEXT = "text"  #: free text, kept as written
    ENUM = "enum"  #: one of ``choices``, case-insensitive; ordered by rank
    DATE = "date"  #: ISO ``YYYY-MM-DD``
    WEEKS = "weeks"  #: ``N`` or ``N-M``
    LIST = "list"  #: comma-separated words
    REF = "ref"  #: the id of one object of type ``target``
    REFS = "refs"  #: comma-separated ids of objects of type ``target``
    FLAG = "flag"  #: present or absent (``true``/``false`` accepted)
    PERCENT = "percent"  #: a number from 0 to 100, ``%`` optional
    NUMBER = "number"  #: a number
    DOC = "doc"  #: a document path (like ``{doc}``) or a URL


@dataclass(frozen=True)
class FieldSpec:
    """One typed option of an object type."""

    #: option name as written, e.g. ``rate-limit``
    name: str
    #: how the value is read
    kind: Kind = Kind.TEXT
    #: allowed values for enums, lowest rank first
    choices: tuple[str, ...] = ()
    #: value used when the option is absent
    default: object = None
    #: whether a missing value is a warning
    required: bool = False
    #: object type that :attr:`Kind.REF`/:attr:`Kind.REFS` values name
    target: str | None = None
    #: the object types the values may name when more than one (:data:`ANY`: every
    #: type); :attr:`target` alone otherwise
    targets: tuple[str, ...] = ()
    #: label of the link on the named object's page (``Covered by``): a field with
    #: one lists there the objects naming it
    reverse: str = ""
    #: one-line description, for the reference documentation
    help: str = ""
    #: whether the object's field list shows it (``False`` for fields the object
    #: shows otherwise, as a parameter or schema table)
    listed: bool = True

    @property
    def label(self) -> str:
        """Human label, e.g. ``Rate limit`` for ``rate-limit``."""
        return self.name.replace("-", " ").capitalize()

    @cached_property
    def ranks(self) -> Mapping[str, int]:
        """Rank of each enum value, 1 for the lowest."""
        return {c: i for i, c in enumerate(self.choices, start=1)}

    @property
    def target_types(self) -> tuple[str, ...]:
        """The types a reference field's values may name (``("*",)`` for any)."""
        return self.targets or ((self.target,) if self.target else ())

    def names_type(self, typ: str) -> bool:
        """Whether a value of this reference field may name an object of type *typ*.

        :param typ: an object type name
        :return: ``True`` when it may
        """
        types = self.target_types
        return ANY in types or typ in types

    @property
    def role(self) -> str:
        """The role a value links with: the one target type, else ``ref`` (any)."""
        types = self.target_types
        return types[0] if len(types) == 1 and types[0] != ANY else "ref"


@dataclass(frozen=True)
class ObjectType:
    """One kind of plan object, served by the directive ``plan-<name>``."""

    #: type name: directive ``plan-<name>``, role ``plan:<name>``
    name: str
    #: singular human label
    label: str
    #: the plan-template section it gives a home to
    section: str
    #: typed options, in display order
    fields: tuple[FieldSpec, ...] = ()
    #: what the argument is: ``title``, ``optional`` or ``signature`` (endpoints)
    argument: str = "title"
    #: whether ``[ ]``/``[x]`` items in the body are counted
    checklist: bool = False
    #: whether a ``plan:<name>`` role exists
    role: bool = True
    #: type this one may only appear inside (``plan-response`` in endpoints)
    parent: str | None = None
    #: default columns of ``plan-query`` for this type
    columns: tuple[str, ...] = ("id", "title")
    #: default sort of collectors listing this type
    sort: str = "plan, id"
    #: plural label, for headings
    plural: str = ""
    #: whether the title is a name written in code (``payment_method.created``), which
    #: roles accept as a target besides the id, as they accept endpoint signatures
    named: bool = False
    #: whether the type is built in (documented from this registry)
    builtin: bool = True

    def field(self, name: str) -> FieldSpec | None:
        """The field called *name*, or ``None``."""
        return self._by_name.get(name)

    @cached_property
    def _by_name(self) -> Mapping[str, FieldSpec]:
        return {f.name: f for f in (*COMMON_FIELDS, *self.fields)}

    @cached_property
    def all_fields(self) -> tuple[FieldSpec, ...]:
        """Common fields followed by the type's own."""
        return (*COMMON_FIELDS, *self.fields)

    @cached_property
    def option_names(self) -> tuple[str, ...]:
        """Every option the directive accepts."""
        return tuple(f.name for f in self.all_fields)

    @cached_property
    def ranks(self) -> Mapping[str, Mapping[str, int]]:
        """Ranks of every enum field, for filters and sorting."""
        return {f.name: f.ranks for f in self.all_fields if f.kind is Kind.ENUM}

    @property
    def plural_label(self) -> str:
        """Plural human label."""
        return self.plural or self.label + "s"


def field_spec(name: str, kind: Kind = Kind.TEXT, *choices: str, **kw: Any) -> FieldSpec:
    """A field declaration, written short: ``field_spec("status", Kind.ENUM, "open", "done")``.

    :param name: the option's name
    :param kind: its kind
    :param choices: an enum's values
    :param kw: the other :class:`FieldSpec` attributes
    :return: the declaration
    """
    return FieldSpec(name, kind, tuple(choices), **kw)


#: options every object accepts
COMMON_FIELDS: tuple[FieldSpec, ...] = (
    field_spec("id", help="Unique id; derived from the plan id and the title when absent."),
    field_spec("plan", Kind.REF, target="plan", help="Plan the object belongs to."),
    field_spec("tags", Kind.LIST, help="Comma-separated tags."),
    field_spec("class", Kind.LIST, help="Extra CSS classes."),
)


@dataclass(frozen=True)
class Registry:
    """Every object type known to a build: the built-ins plus ``plan_types``."""

    #: types by name
    types: Mapping[str, ObjectType] = field(default_factory=dict)

    def __getitem__(self, name: str) -> ObjectType:
        return self.types[name]

    def __contains__(self, name: object) -> bool:
        return name in self.types

    def __iter__(self) -> Iterator[ObjectType]:
        return iter(self.types.values())

    def get(self, name: str) -> ObjectType | None:
        """The type called *name*, or ``None``."""
        return self.types.get(name)

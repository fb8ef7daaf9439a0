"""The registry of plan object types: every built-in ``plan-*`` type as data.

Directives, validation, the domain, collectors and exports are all driven by
these declarations; a user type from ``plan_types`` is one more entry.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping


#: :attr:`FieldSpec.targets` of a reference field that may name objects of every type
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


def _f(name: str, kind: Kind = Kind.TEXT, *choices: str, **kw: Any) -> FieldSpec:
    return FieldSpec(name, kind, tuple(choices), **kw)


LEVEL = ("low", "medium", "high")

#: options every object accepts
COMMON_FIELDS: tuple[FieldSpec, ...] = (
    _f("id", help="Unique id; derived from the plan id and the title when absent."),
    _f("plan", Kind.REF, target="plan", help="Plan the object belongs to."),
    _f("tags", Kind.LIST, help="Comma-separated tags."),
    _f("class", Kind.LIST, help="Extra CSS classes."),
)

PLAN = ObjectType(
    "plan",
    "Plan",
    "header metadata",
    fields=(
        _f(
            "status",
            Kind.ENUM,
            "draft",
            "in-review",
            "approved",
            "in-progress",
            "completed",
            default="draft",
            help="Where the plan stands.",
        ),
        _f("created", Kind.DATE, help="Date the plan was created."),
        _f("updated", Kind.DATE, help="Date of the last update."),
        _f("owner", help="Person or team owning the plan."),
        _f("spec", Kind.DOC, help="Specification: a document path or URL."),
        _f("constitution", Kind.DOC, help="Constitution: a document path or URL."),
        _f("review", Kind.DATE, help="Date of the next review of the plan."),
    ),
    columns=("id", "title", "status", "owner", "updated"),
    sort="id",
)

BUILTIN_TYPES: tuple[ObjectType, ...] = (
    PLAN,
    ObjectType(
        "check",
        "Checklist",
        "compliance, quality gates, testing, documentation and rollback checklists",
        fields=(
            _f("area", help="Area checked, e.g. architecture, testing, security."),
            _f(
                "covers",
                Kind.REFS,
                targets=(ANY,),
                reverse="Covered by",
                help="Ids of the objects the checklist verifies (any type).",
            ),
        ),
        argument="optional",
        checklist=True,
        columns=("id", "title", "area", "progress"),
        sort="plan, area, id",
    ),
    ObjectType(
        "exemption",
        "Exemption",
        "constitutional exemptions",
        fields=(
            _f("rationale", help="Why the deviation is needed."),
            _f("approved-by", help="Who approved it."),
            _f("date", Kind.DATE, help="Date of approval."),
        ),
        columns=("title", "rationale", "approved-by", "date"),
    ),
    ObjectType(
        "component",
        "Component",
        "component breakdown",
        fields=(
            _f("responsibility", help="What the component does."),
            _f("technology", help="Implementation technology."),
            _f("interfaces", help="APIs it exposes and consumes."),
            _f("data", help="Data it owns."),
            _f("depends-on", Kind.REFS, target="component", help="Components it depends on."),
        ),
        columns=("id", "title", "responsibility", "technology", "depends-on"),
    ),
    ObjectType(
        "pattern",
        "Pattern",
        "design patterns applied",
        fields=(
            _f("where", help="Where the pattern is used."),
            _f("rationale", help="Why it is used."),
        ),
        columns=("title", "where", "rationale"),
    ),
    ObjectType(
        "tech",
        "Technology",
        "technology stack",
        fields=(
            _f("layer", help="Layer, e.g. Frontend, Backend, Data, Infrastructure."),
            _f("category", help="Role in the layer, e.g. Framework, Cache."),
            _f("version", help="Version chosen."),
            _f("rationale", help="Why it was chosen."),
            _f("alternatives", help="Alternatives considered."),
        ),
        columns=("layer", "category", "title", "version", "rationale", "alternatives"),
        plural="Technologies",
        sort="plan, layer, id",
    ),
    ObjectType(
        "service",
        "Service",
        "third-party services",
        fields=(
            _f("purpose", help="What it is used for."),
            _f("pricing", help="Pricing model."),
            _f("risk", help="Risk assessment."),
            _f("mitigation", help="How the risk is mitigated."),
        ),
        columns=("title", "purpose", "pricing", "risk", "mitigation"),
    ),
    ObjectType(
        "dependency",
        "Dependency",
        "new dependencies",
        fields=(
            _f("purpose", help="What it is used for."),
            _f("justification", help="Why no existing solution fits."),
            _f(
                "approval",
                Kind.ENUM,
                "rejected",
                "pending",
                "approved",
                default="pending",
                help="Approval status.",
            ),
            _f("approved-by", help="Who approved it."),
            _f("date", Kind.DATE, help="Date of the decision."),
        ),
        columns=("title", "purpose", "justification", "approval", "approved-by", "date"),
        plural="Dependencies",
    ),
    ObjectType(
        "table",
        "Table",
        "database schema",
        columns=("id", "title", "columns"),
        named=True,
    ),
    ObjectType(
        "migration",
        "Migration",
        "data migration",
        fields=(
            _f("from", help="Current state."),
            _f("to", help="Desired state."),
            _f("duration", help="Estimated duration."),
            _f("downtime", help="Downtime required."),
            _f(
                "tables",
                Kind.REFS,
                target="table",
                reverse="Migrated by",
                help="Tables the migration creates or changes.",
            ),
        ),
        columns=("id", "title", "from", "to", "duration", "downtime"),
    ),
    ObjectType(
        "endpoint",
        "Endpoint",
        "REST and WebSocket endpoints",
        fields=(
            _f("summary", help="One-line summary."),
            _f("auth", help="Authentication, e.g. bearer, api-key, none."),
            _f("permissions", Kind.LIST, help="Permissions required (role permissions)."),
            _f("rate-limit", help="Rate limit, e.g. 10/minute per user."),
            _f("deprecated", Kind.FLAG, default=False, help="The endpoint is deprecated."),
            _f("phase", Kind.REF, target="phase", help="Phase that delivers it."),
            _f("operation-id", help="The OpenAPI operationId (default: the object's id)."),
            _f(
                "path",
                help="Path parameters, in the compact parameter notation "
                "(``id:integer``): exactly the names in the path's braces.",
                listed=False,
            ),
            _f(
                "query",
                help='Query parameters: ``limit:integer=20 "Page size", cursor``.',
                listed=False,
            ),
            _f(
                "header", help="Header parameters: ``Idempotency-Key*:string(uuid)``.", listed=False
            ),
            _f(
                "cookie", help="Cookie parameters, in the compact parameter notation.", listed=False
            ),
            _f(
                "schema",
                help="Schema of the request body: a plan-schema name "
                "(``Name[]`` for an array of it) or a .json/.yaml file.",
                listed=False,
            ),
            _f(
                "content-type",
                help="Media types of the request body, comma-separated (default application/json).",
            ),
            _f(
                "optional-body",
                Kind.FLAG,
                default=None,
                help="The request body may be left out (OpenAPI ``requestBody.required: "
                "false``); without it the body is required.",
            ),
            _f(
                "webhook",
                Kind.FLAG,
                default=False,
                help="The service calls this endpoint (an OpenAPI webhook named by the "
                "path without its leading /).",
            ),
        ),
        argument="signature",
        named=True,
        columns=("method", "path", "summary", "auth", "responses"),
        sort="path, method",
    ),
    ObjectType(
        "response",
        "Response",
        "responses of an endpoint",
        fields=(
            _f("content-type", help="Media types of the body, comma-separated."),
            _f(
                "schema",
                help="Schema of the body: a plan-schema name (``Name[]`` for an "
                "array of it) or a .json/.yaml file.",
                listed=False,
            ),
            _f(
                "headers", help="Response headers, in the compact parameter notation.", listed=False
            ),
        ),
        argument="response",
        role=False,
        parent="endpoint",
        columns=("endpoint", "code", "title"),
    ),
    ObjectType(
        "event",
        "Event",
        "event schemas",
        fields=(
            _f("published-by", Kind.REFS, target="component", help="Publishing components."),
            _f("consumed-by", Kind.REFS, target="component", help="Consuming components."),
            _f(
                "schema",
                help="Schema of the payload: a plan-schema name or a .json/.yaml file.",
                listed=False,
            ),
        ),
        columns=("title", "published-by", "consumed-by"),
        named=True,
    ),
    ObjectType(
        "schema",
        "Schema",
        "request, response and event schemas (JSON Schema)",
        fields=(
            _f(
                "file",
                help="A .json/.yaml file holding the schema, instead of a code "
                "block in the body (relative to the document).",
            ),
        ),
        columns=("title", "plan"),
        named=True,
    ),
    ObjectType(
        "role",
        "Role",
        "authorization model",
        fields=(_f("permissions", Kind.LIST, help="Permissions granted."),),
        columns=("title", "permissions"),
    ),
    ObjectType(
        "test",
        "Test level",
        "testing strategy",
        fields=(
            _f("share", Kind.PERCENT, help="Share of the test pyramid, in percent."),
            _f("coverage", help="Coverage target."),
            _f("framework", help="Framework used."),
            _f(
                "covers",
                Kind.REFS,
                targets=(ANY,),
                reverse="Covered by",
                help="Ids of the objects the tests cover (endpoints, events, components, "
                "tables, risks, phases...).",
            ),
            _f(
                "junit",
                Kind.LIST,
                help="Patterns (``*``, ``?``) matching the ids of JUnit test cases "
                "(``classname.name``) in the plan_test_results files: "
                "``tests.test_api.*``.",
            ),
        ),
        checklist=True,
        columns=("title", "share", "coverage", "framework", "progress"),
    ),
    ObjectType(
        "metric",
        "Metric",
        "metrics",
        fields=(
            _f("type", Kind.ENUM, "counter", "gauge", "histogram", "summary", help="Metric type."),
            _f("labels", Kind.LIST, help="Label names."),
            _f("buckets", Kind.LIST, help="Histogram buckets."),
            _f("unit", help="Unit, e.g. seconds."),
        ),
        columns=("title", "type", "labels", "unit"),
        named=True,
    ),
    ObjectType(
        "alert",
        "Alert",
        "alerts",
        fields=(
            _f("condition", help="When it fires."),
            _f("severity", Kind.ENUM, "info", "warning", "critical", help="Severity."),
            _f("notify", help="Who or what is notified."),
            _f("action", help="What to do."),
            _f("runbook", Kind.DOC, help="The runbook: a document path or URL."),
        ),
        columns=("title", "severity", "condition", "notify", "action"),
        sort="-severity, id",
    ),
    ObjectType(
        "risk",
        "Risk",
        "risks and mitigation",
        fields=(
            _f("impact", Kind.ENUM, *LEVEL, help="Impact if it happens."),
            _f("likelihood", Kind.ENUM, *LEVEL, help="How likely it is."),
            _f("mitigation", help="How it is mitigated."),
            _f("owner", help="Who owns it."),
            _f(
                "status",
                Kind.ENUM,
                "open",
                "mitigating",
                "accepted",
                "closed",
                default="open",
                help="Where the risk stands.",
            ),
            _f("residual", Kind.ENUM, *LEVEL, help="Severity left after mitigation."),
            _f("review", Kind.DATE, help="Date of the next review."),
            _f(
                "mitigated-by",
                Kind.REFS,
                targets=("phase", "check", "component"),
                reverse="Mitigates",
                help="Ids of the phases, checklists or components that mitigate it.",
            ),
        ),
        columns=(
            "id",
            "title",
            "impact",
            "likelihood",
            "severity",
            "status",
            "owner",
            "mitigation",
        ),
        sort="-severity, id",
    ),
    ObjectType(
        "phase",
        "Phase",
        "implementation phases",
        fields=(
            _f("weeks", Kind.WEEKS, help="Weeks, `N` or `N-M`."),
            _f("start", Kind.DATE, help="Start date (instead of weeks)."),
            _f("end", Kind.DATE, help="End date (instead of weeks)."),
            _f("depends-on", Kind.REFS, target="phase", help="Phases that must end first."),
            _f(
                "status",
                Kind.ENUM,
                "planned",
                "in-progress",
                "done",
                default="planned",
                help="Where the phase stands.",
            ),
            _f("entry", help="Entry criteria."),
            _f("exit", help="Exit criteria."),
            _f("milestone", Kind.FLAG, default=False, help="A zero-length checkpoint."),
        ),
        checklist=True,
        columns=("id", "title", "weeks", "status", "depends-on", "progress"),
        sort="plan, start-week, id",
    ),
    ObjectType(
        "signoff",
        "Sign-off",
        "sign-off",
        fields=(
            _f("name", help="Who signs."),
            _f("date", Kind.DATE, help="Date of the decision."),
            _f(
                "status",
                Kind.ENUM,
                "rejected",
                "pending",
                "approved",
                default="pending",
                help="Approval state.",
            ),
            _f("conditions", help="What the approval depends on."),
            _f(
                "fingerprint",
                help="Hash of the plan content the approval covers "
                "(written by ``sphinx-plan approve``).",
            ),
            _f(
                "approved-at",
                help="Git revision that was approved (written by ``sphinx-plan approve``).",
            ),
        ),
        columns=("plan", "title", "name", "status", "date", "conditions"),
        sort="plan, id",
    ),
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


def build_registry(user_types: tuple[ObjectType, ...] = ()) -> Registry:
    """The registry of built-in types, extended by user types.

    :param user_types: types declared in ``plan_types``
    :return: a registry
    """
    types = {t.name: t for t in BUILTIN_TYPES}
    for t in user_types:
        types[t.name] = t
    return Registry(MappingProxyType(types))


#: the registry of the built-in types alone
BUILTIN = build_registry()

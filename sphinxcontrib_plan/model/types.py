"""The registry of plan object types: every built-in ``plan-*`` type as data.

Directives, validation, the domain, collectors and exports are all driven by
these declarations; a user type from ``plan_types`` is one more entry. The
vocabulary (:class:`~sphinxcontrib_plan.model.typespec.FieldSpec`,
:class:`~sphinxcontrib_plan.model.typespec.ObjectType`, the registry class) is
:mod:`~sphinxcontrib_plan.model.typespec`; the data model and API contract
types are :mod:`~sphinxcontrib_plan.model.types_contract`.
"""

from __future__ import annotations

from types import MappingProxyType

from sphinxcontrib_plan.model.types_contract import CONTRACT_TYPES
from sphinxcontrib_plan.model.typespec import ANY, Kind, ObjectType, Registry
from sphinxcontrib_plan.model.typespec import field_spec as _f

LEVEL = ("low", "medium", "high")

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
    *CONTRACT_TYPES,
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

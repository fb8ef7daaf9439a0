"""The ``plan_*`` configuration values, declared once as a dataclass."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.model.collectors import COLLECTORS
from sphinxcontrib_plan.model.consistency import RULES
from sphinxcontrib_plan.model.coverage import PRESETS, RULE_KEYS, parse_rules
from sphinxcontrib_plan.model.external import parse_sources
from sphinxcontrib_plan.model.stages import STAGE_KEYS, parse_stages
from sphinxcontrib_plan.model.types import build_registry
from sphinxcontrib_plan.model.user_types import user_types_from_config
from sphinxcontrib_plan.warnings import PlanWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

    from sphinxcontrib_plan.model.coverage import CoverageRule
    from sphinxcontrib_plan.model.external import ExternalSource
    from sphinxcontrib_plan.model.stages import Stage
    from sphinxcontrib_plan.model.typespec import Registry

#: the consistency checks that ``plan_consistency_checks`` can switch, from the rules
CONSISTENCY_CHECKS: dict[str, str] = {rule.name: rule.help for rule in RULES}


def _check_date(value: object) -> bool:
    if value is None:
        return True  # the build's own date
    if not isinstance(value, str):
        return False
    try:
        dt.date.fromisoformat(value.strip())
    except ValueError:
        return False
    return len(value.strip()) == 10


def _check_openapi(value: object) -> bool:
    return isinstance(value, bool) or (isinstance(value, str) and bool(value.strip()))


def _check_servers(value: object) -> bool:
    if not isinstance(value, (list, tuple)):
        return False
    for server in value:
        if isinstance(server, dict):
            if (
                not isinstance(server.get("url"), str)
                or not server["url"].strip()
                or not set(server) <= {"url", "description"}
                or not isinstance(server.get("description", ""), str)
            ):
                return False
        elif not isinstance(server, str) or not server.strip():
            return False
    return True


def _check_checks(value: object) -> bool:
    if isinstance(value, bool):
        return True
    if isinstance(value, (list, tuple)):
        return all(v in CONSISTENCY_CHECKS for v in value)
    if isinstance(value, dict):
        return all(k in CONSISTENCY_CHECKS and isinstance(v, bool) for k, v in value.items())
    return False


def _check_types(value: object) -> bool:
    return isinstance(value, dict)


def _check_interactive(value: object) -> bool:
    if isinstance(value, bool):
        return True
    return isinstance(value, (list, tuple)) and all(v in COLLECTORS for v in value)


def _check_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass(frozen=True)
class PlanConfig:
    """Validated ``plan_*`` configuration of one build."""

    openapi: bool | str = field(
        default=False,
        metadata={
            "help": "Write an OpenAPI 3.1 document of the endpoints: ``True`` writes "
            "``openapi.json``; a string names the file (``.yaml`` is not supported, "
            "JSON is written).",
            "validator": _check_openapi,
            "rebuild": "",
            "types": "bool | str",
            "py_types": (bool, str),
        },
    )
    openapi_servers: list[str | dict[str, str]] = field(
        default_factory=list,
        metadata={
            "help": "The ``servers`` of the OpenAPI document: a list of URLs, or of "
            '``{url, description}`` mappings (``["https://api.example.com/v1"]``).',
            "validator": _check_servers,
            "rebuild": "",
            "types": "list of str | {url, description}",
            "py_types": (list, tuple),
        },
    )
    asyncapi: bool | str = field(
        default=False,
        metadata={
            "help": "Write an AsyncAPI 3.0 document of the events and WebSocket endpoints: "
            "``True`` writes ``asyncapi.json``; a string names the file (JSON is written).",
            "validator": _check_openapi,
            "rebuild": "",
            "types": "bool | str",
            "py_types": (bool, str),
        },
    )
    page_warnings: bool = field(
        default=False,
        metadata={
            "help": "Show the plan warnings of each page in a box at its top, in HTML. "
            "``sphinx-plan serve`` sets it for its live preview; a page that warns no "
            "more is written again without the box.",
            "validator": lambda v: isinstance(v, bool),
            "rebuild": "",
            "types": "bool",
            "py_types": (bool,),
        },
    )
    today: str | None = field(
        default=None,
        metadata={
            "help": "The date ``review`` dates are measured against, ``YYYY-MM-DD``: plans kept "
            "as a snapshot of that day. Default: the build's date, or "
            "``SOURCE_DATE_EPOCH``'s when it is set.",
            "validator": _check_date,
            "rebuild": "env",
            "types": "str (YYYY-MM-DD)",
            "py_types": (str,),
        },
    )
    json: bool | str = field(
        default="auto",
        metadata={
            "help": "Write ``plan.json`` (every plan and object) to the output directory: "
            '``"auto"`` when the project holds plan objects, ``True`` always (an '
            "empty document without), ``False`` never.",
            "validator": lambda v: isinstance(v, bool) or v == "auto",
            "rebuild": "",
            "types": 'bool | "auto"',
            "py_types": (bool, str),
        },
    )
    types: dict[str, Any] = field(
        default_factory=dict,
        metadata={
            "help": "User-defined object types: ``{name: {label, fields: {field: kind or "
            "{kind, choices, required, target, help}}, argument, checklist}}``.",
            "validator": _check_types,
            "rebuild": "env",
            "types": "dict",
            "py_types": (dict,),
        },
    )
    consistency_checks: bool | list[str] | dict[str, bool] = field(
        default=True,
        metadata={
            "help": "Consistency checks to run: ``True`` (all), ``False`` (none), a list of "
            "check names to run, or ``{name: bool}`` to switch single checks. Names: "
            + ", ".join(f"``{k}``" for k in CONSISTENCY_CHECKS)
            + ".",
            "validator": _check_checks,
            "rebuild": "env",
            "types": "bool | list | dict",
            "py_types": (bool, list, tuple, dict),
        },
    )
    interactive: bool | list[str] = field(
        default=True,
        metadata={
            "help": "Sortable, filterable collector tables in HTML, their view kept in the "
            "URL: ``True`` (every collector), ``False`` (static tables, no script), "
            'or a list of collector names, e.g. ``["risk-register", "query"]``.',
            "validator": _check_interactive,
            "rebuild": "html",
            "types": "bool | list of collector names",
            "py_types": (bool, list, tuple),
        },
    )
    parallel_freeze: bool = field(
        default=True,
        metadata={
            "help": "In a ``-j N`` build, each worker process Sphinx forks freezes the objects "
            "it inherits from the main process (``gc.freeze()``), so that the garbage "
            "collector never walks them again: the parallel build is faster and its "
            "workers smaller. ``False`` leaves the workers as Sphinx starts them.",
            "validator": lambda v: isinstance(v, bool),
            "rebuild": "",
            "types": "bool",
            "py_types": (bool,),
        },
    )
    external: dict[str, Any] = field(
        default_factory=dict,
        metadata={
            "help": "Other projects whose plans collectors show (``:source:``) and roles link "
            "to (``{plan:risk}`payments:RISK-7```): ``{name: location}`` or ``{name: "
            '{"json": location, "base": url}}``. The location of the project\'s '
            "``plan.json`` is a URL or a path (relative to the configuration directory); "
            "``base`` is the URL its objects' ``url`` values are relative to (default: the "
            "folder of the ``plan.json``). Names are letters, digits, ``-`` and ``_``.",
            "validator": _check_types,
            "rebuild": "env",
            "types": "dict of name to location or {json, base}",
            "py_types": (dict,),
        },
    )
    external_cache_days: float = field(
        default=5,
        metadata={
            "help": "Days a fetched ``plan.json`` (a URL) is used before it is fetched again; "
            "negative: never fetched again while cached. Paths are read on every build.",
            "validator": _check_number,
            "rebuild": "",
            "types": "int | float",
            "py_types": (int, float),
        },
    )
    external_timeout: float = field(
        default=10,
        metadata={
            "help": "Seconds the download of a ``plan_external`` URL may take, all of it (a "
            "deadline, not a wait per read).",
            "validator": lambda v: _check_number(v) and v > 0,
            "rebuild": "",
            "types": "a positive number of seconds",
            "py_types": (int, float),
        },
    )
    baseline_builds: bool = field(
        default=False,
        metadata={
            "help": "Let ``plan-changes`` compare with git revisions (``:since: v1``, or each "
            "plan's approved revision when ``:since:`` is left out): each revision is "
            "exported with ``git archive`` and built, which runs that revision's "
            "``conf.py``. Off by default: such a collector then gets a ``plan.baseline`` "
            "warning, and a ``:since:`` naming a ``plan.json`` file needs no builds.",
            "validator": lambda v: isinstance(v, bool),
            "rebuild": "",
            "types": "bool",
            "py_types": (bool,),
        },
    )

    coverage_rules: bool | dict[str, Any] = field(
        default_factory=dict,
        metadata={
            "help": "Coverage rules, each gap a ``plan.coverage`` warning at the uncovered "
            "object: ``True`` (every preset), or ``{name: True | False | table}``. "
            "Presets: " + ", ".join(f"``{k}``" for k in PRESETS) + '; ``"presets": '
            "True`` switches them all on and ``name: False`` one off. A table is a custom "
            "rule (or changes a preset's keys): "
            + ", ".join(f"``{k}`` ({v})" for k, v in RULE_KEYS.items())
            + ".",
            "validator": lambda v: isinstance(v, (bool, dict)),
            "rebuild": "env",
            "types": "bool | dict of rule name to bool or table",
            "py_types": (bool, dict),
        },
    )

    test_results: list[str] = field(
        default_factory=list,
        metadata={
            "help": "JUnit XML files of test runs (pytest ``--junitxml``, Maven Surefire, Gradle, "
            "jest-junit, go-junit-report): globs relative to the source directory, "
            '``**`` spanning folders (``["../reports/**/*.xml"]``). Their cases give '
            "each ``plan-test`` with ``junit`` patterns its ``result``; a file that "
            "changes writes again only the pages showing results.",
            "validator": lambda v: (
                isinstance(v, (list, tuple)) and all(isinstance(p, str) for p in v)
            ),
            "rebuild": "",
            "types": "list of str",
            "py_types": (list, tuple),
        },
    )

    drift: str | None = field(
        default=None,
        metadata={
            "help": "The OpenAPI document (JSON or YAML; 3.0, 3.1 or Swagger 2.0) of the "
            "service as built, relative to the source directory: the build compares the "
            "planned endpoints with it as ``sphinx-plan diff --openapi`` does, and each "
            "difference is a ``plan.drift`` warning at the endpoint (or at the unplanned "
            "operation's line in the document). A changed document is compared again "
            "by the next build; no page is written again for it.",
            "validator": lambda v: v is None or (isinstance(v, str) and bool(v.strip())),
            "rebuild": "",
            "types": "str (a path) or None",
            "py_types": (str, type(None)),
        },
    )

    stages: bool | list[dict[str, Any]] = field(
        default=False,
        metadata={
            "help": "Stage gates: what a plan must meet to stand at its status, each unmet "
            "criterion listed in a ``plan.gate`` warning at the plan. ``True``: the "
            "template's statuses in order (draft; in-review: no placeholders; approved: "
            "every sign-off approved and fresh, no unmitigated open high risk; in-progress; "
            "completed: every coverage rule met, all deliverables done). A list of stage "
            "tables, in order: "
            + ", ".join(f"``{k}`` ({v})" for k, v in STAGE_KEYS.items())
            + ". A stage's criteria include those of the stages before it.",
            "validator": lambda v: isinstance(v, (bool, list, tuple)),
            "rebuild": "env",
            "types": "bool | list of stage tables",
            "py_types": (bool, list, tuple),
        },
    )

    @classmethod
    def from_sphinx(cls, config: Config) -> PlanConfig:
        """Read the values from a Sphinx config, replacing invalid ones by defaults.

        :param config: the Sphinx configuration
        :return: the validated configuration
        """
        values = {}
        for f in dataclasses.fields(cls):
            value = getattr(config, f"plan_{f.name}", None)
            if value is not None and f.metadata["validator"](value):
                values[f.name] = value
        return cls(**values)

    def check_enabled(self, name: str) -> bool:
        """Whether the consistency check *name* runs.

        :param name: a key of :data:`CONSISTENCY_CHECKS`
        :return: ``True`` when it runs
        """
        value = self.consistency_checks
        if isinstance(value, bool):
            return value
        if isinstance(value, dict):
            return value.get(name, True)
        return name in value

    def coverage(self, registry: Registry) -> tuple[CoverageRule, ...]:
        """The coverage rules that could be read from ``plan_coverage_rules``.

        :param registry: the object types of the build
        :return: the rules, in configuration order
        """
        return parse_rules(self.coverage_rules, registry)[0]

    def gates(self, registry: Registry) -> tuple[Stage, ...]:
        """The stages that could be read from ``plan_stages``.

        :param registry: the object types (the plan's statuses)
        :return: the stages, in order
        """
        return parse_stages(self.stages, _statuses(registry))[0]

    def sources(self) -> dict[str, ExternalSource]:
        """The readable entries of ``plan_external``.

        :return: by project name
        """
        return parse_sources(self.external)[0]

    def registry(self) -> Registry:
        """The registry of this build: built-in types plus ``plan_types``.

        :return: the registry
        """
        return build_registry(user_types_from_config(self.types)[0])


def _default(f: dataclasses.Field[Any]) -> Any:
    """The default of a :class:`PlanConfig` field, from its value or its factory."""
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return f.default


def _statuses(registry: Registry) -> tuple[str, ...]:
    status = registry["plan"].field("status")
    return status.choices if status is not None else ()


def _validate(app: Sphinx, config: Config) -> None:
    for f in dataclasses.fields(PlanConfig):
        value = getattr(config, f"plan_{f.name}")
        if not f.metadata["validator"](value):
            warn(
                PlanWarning.CONFIG,
                f"plan_{f.name} = {value!r} is invalid ({f.metadata['types']}); "
                f"using {_default(f)!r}",
                location=None,
            )
    if isinstance(config.plan_external, dict):
        for problem in parse_sources(config.plan_external)[1]:
            warn(PlanWarning.CONFIG, problem, location=None)
    if isinstance(config.plan_types, dict):
        for problem in user_types_from_config(config.plan_types)[1]:
            warn(PlanWarning.CONFIG, problem, location=None)
    if isinstance(config.plan_coverage_rules, (bool, dict)):
        registry = PlanConfig.from_sphinx(config).registry()
        for problem in parse_rules(config.plan_coverage_rules, registry)[1]:
            warn(PlanWarning.CONFIG, problem, location=None)
    if isinstance(config.plan_stages, (bool, list, tuple)):
        statuses = _statuses(PlanConfig.from_sphinx(config).registry())
        for problem in parse_stages(config.plan_stages, statuses)[1]:
            warn(PlanWarning.CONFIG, problem, location=None)


def setup_config(app: Sphinx) -> None:
    """Declare every ``plan_*`` value and validate them at ``config-inited``.

    :param app: the Sphinx application
    """
    for f in dataclasses.fields(PlanConfig):
        app.add_config_value(
            f"plan_{f.name}", _default(f), f.metadata["rebuild"], types=f.metadata["py_types"]
        )
    app.connect("config-inited", _validate, priority=400)

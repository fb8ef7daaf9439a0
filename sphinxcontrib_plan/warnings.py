"""Warning subtypes of sphinxcontrib-plan and the one helper that emits them."""

from __future__ import annotations

import enum
import re
from typing import TYPE_CHECKING

from sphinx.util import logging

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from docutils import nodes
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger("sphinxcontrib_plan")

#: ``env.temp_data`` key of the warnings emitted while reading the current document
RECORDED = "plan:warnings"

#: a stored location: ``(docname, lineno)``, or ``"source:line"`` for included files
Where = tuple[str, int] | str | None


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
    """A ``plan_*`` configuration value is invalid and its default is used instead; or
    the project ships a file where the extension writes one (``_static/plan.css``,
    ``plan.json``...): the project's file is kept; or an export (``plan.json``, the
    OpenAPI or AsyncAPI document) cannot be written: the warning names it and why, and
    the rest of the build stands."""

    PLACEHOLDER = "placeholder"
    """A plan in review or later still holds template placeholders (``TODO``, ``TBD``,
    ``[Name]``, ``[YYYY-MM-DD]``, ``[e.g., …]``) in titles or fields: one warning per
    object, listing them and their lines (``-v`` also shows each at its line); a
    placeholder in a typed field (a date, an enum) reads as unset. A draft may hold them."""

    EXTERNAL = "external"
    """Another project's ``plan.json`` (``plan_external``) cannot be read or is not valid: the
    copy read before is used."""
    SCHEMA = "schema"
    """A JSON Schema is invalid (2020-12 meta-schema, misspelt keyword, unknown name or
    unreadable file), or an example does not match its schema: the warning is at the
    line of the failing value and gives its JSONPath (``$.data.amount``)."""
    STALE = "stale"
    """An approved sign-off's ``fingerprint`` no longer matches its plan's content: the
    warning names the objects changed since the approval when the approved version is known."""

    OVERDUE = "overdue"
    """A risk's or a plan's ``review`` date lies before the build's date (``SOURCE_DATE_EPOCH``)."""

    BASELINE = "baseline"
    """A ``plan-changes`` baseline (a git revision or a ``plan.json`` file) cannot be read or
    built; a git revision is built only with ``plan_baseline_builds = True``."""

    RESULTS = "results"
    """A ``plan_test_results`` pattern names no file, a results file cannot be read, is not
    JUnit XML or is refused by the hardened parser (a document type, entities, more than
    64 MiB); or a test's ``junit`` patterns match none of the cases read."""

    GATE = "gate"
    """A plan's status is a stage of ``plan_stages`` whose criteria it does not meet (a
    sign-off pending or stale, a coverage gap, a placeholder left…): the warning lists
    each unmet criterion; ``sphinx-plan gate PLAN`` explains them."""

    COVERAGE = "coverage"
    """An object is not covered as a rule of ``plan_coverage_rules`` asks (an endpoint no
    test covers, a high risk no phase mitigates in time): the warning names the rule."""

    DRIFT = "drift"
    """The service's OpenAPI document named by ``plan_drift`` lacks a planned endpoint,
    response or parameter, or has one the plan lacks, or differs on authentication (the
    findings of ``sphinx-plan diff --openapi``; a breaking one says so); or it cannot be
    read."""

    @property
    def code(self) -> str:
        """The name used in ``suppress_warnings``, e.g. ``plan.field``."""
        return f"plan.{self.value}"


#: for each subtype: MyST input that triggers it, and the same input fixed
EXAMPLES: dict[PlanWarning, tuple[str, str]] = {
    PlanWarning.FIELD: (
        ":::{plan-risk} Card data leak\n:impact: hgh\n:::",
        ":::{plan-risk} Card data leak\n:impact: high\n:::",
    ),
    PlanWarning.OPTION: (
        ":::{plan-risk} Card data leak\n:likelyhood: low\n:::",
        ":::{plan-risk} Card data leak\n:likelihood: low\n:::",
    ),
    PlanWarning.DUPLICATE: (
        ":::{plan-risk} Outage\n:id: R-1\n:::\n\n:::{plan-risk} Fraud\n:id: R-1\n:::",
        ":::{plan-risk} Outage\n:id: R-1\n:::\n\n:::{plan-risk} Fraud\n:id: R-2\n:::",
    ),
    PlanWarning.REF: (
        ":::{plan-phase} Launch\n:depends-on: P-BUILD\n:::",
        ":::{plan-phase} Build\n:id: P-BUILD\n:::\n\n"
        ":::{plan-phase} Launch\n:depends-on: P-BUILD\n:::",
    ),
    PlanWarning.ORPHAN: (
        "# Risks\n\n:::{plan-risk} Outage\n:::",
        '---\nplan: "001"\n---\n# Risks\n\n:::{plan-risk} Outage\n:::',
    ),
    PlanWarning.CYCLE: (
        ":::{plan-phase} A\n:id: PA\n:depends-on: PB\n:::\n\n"
        ":::{plan-phase} B\n:id: PB\n:depends-on: PA\n:::",
        ":::{plan-phase} A\n:id: PA\n:::\n\n:::{plan-phase} B\n:id: PB\n:depends-on: PA\n:::",
    ),
    PlanWarning.SQL: (
        ":::{plan-table} users\n```sql\nCREATE TABLE users (id SERIAL PRIMARY KEY,\n```\n:::",
        ":::{plan-table} users\n```sql\nCREATE TABLE users (id SERIAL PRIMARY KEY);\n```\n:::",
    ),
    PlanWarning.FILTER: (
        ":::{plan-risk-register}\n:filter: impact >= \n:::",
        ":::{plan-risk-register}\n:filter: impact >= medium\n:::",
    ),
    PlanWarning.PLACEHOLDER: (
        ":::{plan} Payments\n:id: 001\n:status: in-review\n:owner: [Name]\n:::",
        ":::{plan} Payments\n:id: 001\n:status: in-review\n:owner: Payments Team\n:::",
    ),
    PlanWarning.CONSISTENCY: (
        ":::{plan} Payments\n:id: 001\n:status: approved\n:::\n\n"
        ":::{plan-signoff} Tech Lead\n:status: pending\n:::",
        ":::{plan} Payments\n:id: 001\n:status: approved\n:::\n\n"
        ":::{plan-signoff} Tech Lead\n:status: approved\n:::",
    ),
    PlanWarning.NESTING: (
        ":::{plan-response} 200 OK\n:::",
        "::::{plan-endpoint} GET /items\n:::{plan-response} 200 OK\n:::\n::::",
    ),
    PlanWarning.CONFIG: ('# conf.py\nplan_json = "yes"', "# conf.py\nplan_json = True"),
    PlanWarning.EXTERNAL: (
        '# conf.py\nplan_external = {"payments": "payments/plan.jsn"}',
        '# conf.py\nplan_external = {"payments": "payments/plan.json"}',
    ),
    PlanWarning.SCHEMA: (
        ':::{plan-event} invoice.paid\n```json\n{"$schema": "https://json-schema.org/'
        'draft/2020-12/schema",\n "type": "object",\n "properties": '
        '{"amount": {"type": "integer"}}}\n```\n\n```json\n{"amount": "ten"}\n```\n:::',
        ':::{plan-event} invoice.paid\n```json\n{"$schema": "https://json-schema.org/'
        'draft/2020-12/schema",\n "type": "object",\n "properties": '
        '{"amount": {"type": "integer"}}}\n```\n\n```json\n{"amount": 10}\n```\n:::',
    ),
    PlanWarning.STALE: (
        ":::{plan} Payments\n:id: 001\n:::\n\n:::{plan-risk} Outage\n:impact: high\n:::\n\n"
        ":::{plan-signoff} Tech Lead\n:status: approved\n:fingerprint: sha256:0123456789abcdef\n:::",
        ":::{plan} Payments\n:id: 001\n:::\n\n:::{plan-risk} Outage\n:impact: high\n:::\n\n"
        ":::{plan-signoff} Tech Lead\n:status: approved\n:fingerprint: sha256:7aadb17908a4a1a4\n:::",
    ),
    PlanWarning.OVERDUE: (
        ":::{plan-risk} Outage\n:review: 2020-01-31\n:::",
        ":::{plan-risk} Outage\n:review: 2020-01-31\n:status: closed\n:::",
    ),
    PlanWarning.BASELINE: (
        ":::{plan-changes}\n:since: releases/missing-plan.json\n:::",
        ":::{plan-changes}\n:::",
    ),
    PlanWarning.RESULTS: (
        '# conf.py\nplan_test_results = ["reports/junit.xml"]\n'
        "# example.md\n:::{plan-test} API tests\n:junit: tests.test_api.*\n:::",
        "# conf.py\nplan_test_results = []\n"
        "# example.md\n:::{plan-test} API tests\n:junit: tests.test_api.*\n:::",
    ),
    PlanWarning.GATE: (
        "# conf.py\nplan_stages = True\n"
        "# example.md\n:::{plan} Payments\n:id: 001\n:status: in-review\n:owner: [Name]\n:::",
        "# conf.py\nplan_stages = True\n"
        "# example.md\n:::{plan} Payments\n:id: 001\n:status: in-review\n"
        ":owner: Payments Team\n:::",
    ),
    PlanWarning.COVERAGE: (
        '# conf.py\nplan_coverage_rules = {"event-tested": True}\n'
        "# example.md\n:::{plan-event} user.created\n:::",
        '# conf.py\nplan_coverage_rules = {"event-tested": True}\n'
        "# example.md\n:::{plan-event} user.created\n:::\n\n"
        ":::{plan-test} Event tests\n:covers: user.created\n:::",
    ),
    PlanWarning.DRIFT: (
        # openapi.json, the service's document: paths: {/health: {get: {responses: {200: …}}}}
        '# conf.py\nplan_drift = "openapi.json"\n'
        "# example.md\n::::{plan-endpoint} GET /health\n"
        ":::{plan-response} 200 OK\n:::\n\n:::{plan-response} 503 Service Unavailable\n:::\n::::",
        '# conf.py\nplan_drift = "openapi.json"\n'
        "# example.md\n::::{plan-endpoint} GET /health\n:::{plan-response} 200 OK\n:::\n::::",
    ),
}


def subtypes_table() -> list[tuple[str, str]]:
    """Every subtype and what it means, for the warnings reference page.

    :return: ``(code, docstring)`` pairs, e.g. ``("plan.field", "A field value ...")``
    """
    return [(w.code, w.__doc__ or "") for w in PlanWarning]


def warn(
    subtype: PlanWarning,
    message: str,
    *,
    location: nodes.Node | tuple[str, int | None] | str | None,
    env: BuildEnvironment | None = None,
) -> None:
    """Emit a ``plan.<subtype>`` warning at a location.

    :param subtype: the warning subtype
    :param message: what is wrong and what is allowed
    :param location: a node, ``(docname, lineno)`` or a docname
    :param env: the environment, given while a document is read: the warning is
        then kept with the document and repeated by builds that do not read it again
    """
    logger.warning(message, type="plan", subtype=subtype.value, location=location)
    if env is not None and env.docname:
        where = portable_location(env, location)
        recorded = env.temp_data.get(RECORDED)
        if recorded is None:
            recorded = env.temp_data[RECORDED] = []
        recorded.append((subtype.value, message, where))


def setting_location(confdir: Path, setting: str) -> str | None:
    """Where a configuration value is set: ``/path/conf.py:LINE``.

    :param confdir: the configuration directory
    :param setting: e.g. ``plan_drift``
    :return: the file and the line of the first assignment to *setting*; ``None``
        when no line of ``conf.py`` assigns it (``-D`` on the command line)
    """
    conf = confdir / "conf.py"
    try:
        lines = conf.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    assignment = re.compile(rf"^\s*{re.escape(setting)}\s*(?::[^=]*)?=")
    line = next((k + 1 for k, text in enumerate(lines) if assignment.match(text)), None)
    # a location with a colon is taken as written (without one, Sphinx reads a docname)
    return f"{conf}:{line}" if line else None


def portable_location(env: BuildEnvironment, location: object) -> Where:
    """A picklable form of a location in the document being read.

    :param env: the environment (``env.docname`` is the document read)
    :param location: a node, ``"source:line"`` or ``(docname, lineno)``
    :return: ``(docname, lineno)`` when in the document itself, else ``"source:line"``
    """
    from docutils import nodes
    from sphinx.util.logging import get_node_location

    if isinstance(location, nodes.Node):
        location = get_node_location(location)
    if isinstance(location, str):
        source, _, line = location.rpartition(":")
        if line.isdigit() and source == str(env.doc2path(env.docname)):
            return env.docname, int(line)
        return location
    return location if isinstance(location, tuple) else None


def replay(recorded: Iterable[tuple[str, str, Where]]) -> None:
    """Emit again the warnings a document gave when it was last read.

    An incremental build reads only changed documents; without this, a
    problem in an unchanged one would vanish from ``-W`` builds and checks.

    :param recorded: ``(subtype, message, location)`` as stored by :func:`warn`
    """
    for subtype, message, location in recorded:
        logger.warning(message, type="plan", subtype=subtype, location=location)

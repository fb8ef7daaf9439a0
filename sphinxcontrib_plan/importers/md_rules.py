"""What the plain-Markdown importer maps, as data: headings to object types,
labels and table columns to fields.

A heading is matched by meaning (case-insensitive patterns, so "Tech Stack",
"Technology Choices" and "Technology Stack" are one section); a label or a
column is matched against the field names of the type in the registry of
:mod:`sphinxcontrib_plan.model.types`, then against the aliases below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sphinxcontrib_plan.model.ids import slug
from sphinxcontrib_plan.model.types import BUILTIN
from sphinxcontrib_plan.model.typespec import ObjectType


@dataclass(frozen=True)
class SectionRule:
    """How a section whose heading matches :attr:`pattern` is read."""

    #: regular expression searched in the heading text (case-insensitive)
    pattern: str
    #: object type the section's tables, items or the section itself become
    type: str
    #: ``table`` (rows), ``section`` (the section is one object: the title
    #: is the ``title`` group of the pattern), ``items`` (list items),
    #: ``fields`` (each ``**Label**: value`` line whose label :data:`TECH_LABEL`
    #: matches is a technology of that category),
    #: ``endpoints`` (signature code blocks start endpoints), ``area``
    #: (only names the area of the checklists found there)
    strategy: str = "table"
    #: area given to ``plan-check`` objects made from checklists in the section
    area: str | None = None


_P = r"(?:\s*[\d.]+\)?|\s+[A-Z0-9])?\s*[:\-–—]\s*(?P<title>.+?)"  # "Component 1: X", "Phase 2 – X"

#: section rules, tried in order; the first match wins, sub-sections inherit
SECTION_RULES: tuple[SectionRule, ...] = (
    SectionRule(rf"^(?:rest\s+|websocket\s+|ws\s+)?endpoint{_P}$", "endpoint", "section"),
    SectionRule(rf"^event{_P}$", "event", "section"),
    SectionRule(rf"^table{_P}$", "table", "section"),
    SectionRule(rf"^component{_P}$", "component", "section"),
    SectionRule(rf"^(?:phase|milestone|stage|sprint){_P}$", "phase", "section"),
    # "### Risk 1: Data loss" with its **Likelihood**, **Impact**, **Mitigation** lines
    SectionRule(rf"^risk{_P}$", "risk", "section"),
    SectionRule(r"^(?P<title>(?:data\s+)?migration(?:\s+plan)?)$", "migration", "section"),
    SectionRule(
        r"^(?P<title>unit|integration|end[- ]to[- ]end|e2e|performance|load|security|"
        r"acceptance|contract|smoke|regression|accessibility)(?:\s+tests?|\s+testing)$",
        "test",
        "section",
    ),
    SectionRule(r"\b(?:tech(?:nology)?\s+(?:stack|choices)|stack)\b", "tech", area="tech-stack"),
    # Spec Kit's plans: "**Language/Version**: Python 3.11" lines
    SectionRule(r"^technical\s+context$", "tech", "fields", area="tech-stack"),
    SectionRule(r"\bthird[- ]party|\bexternal\s+services|\bvendors?\b|^services$", "service"),
    SectionRule(r"\b(?:new\s+)?dependenc|\blibrar(?:y|ies)\b|\bpackages\b", "dependency"),
    SectionRule(r"\bdesign\s+patterns?|^patterns", "pattern", area="architecture"),
    SectionRule(r"\bauthori[sz]ation|\brbac\b|\broles?\b|\bpermissions\b", "role", area="security"),
    SectionRule(r"\balert", "alert", area="observability"),
    SectionRule(r"\bmetrics?\b", "metric", area="observability"),
    SectionRule(r"\brisks?\b", "risk"),
    SectionRule(
        # Spec Kit's "Complexity Tracking": the constitution's violations, justified
        r"\bexemptions?\b|\bdeviations?\b|\bcomplexity\s+tracking\b",
        "exemption",
        area="architecture",
    ),
    SectionRule(r"\bsign[- ]?offs?\b|\bapprovals?\b", "signoff", "items"),
    SectionRule(r"\bapi\b|\bendpoints?\b|\bwebsockets?\b", "endpoint", "endpoints"),
    SectionRule(r"\barchitecture\b", "check", "area", area="architecture"),
    SectionRule(r"\btest", "check", "area", area="testing"),
    SectionRule(r"\bsecurity\b", "check", "area", area="security"),
    SectionRule(r"\bquality\b", "check", "area", area="quality-gates"),
    SectionRule(r"\bdocumentation\b|\bdocs\b", "check", "area", area="documentation"),
    SectionRule(r"\brollback\b|\broll[- ]back\b", "check", "area", area="rollback"),
    SectionRule(
        r"\blog(?:ging|s)?\b|\bmonitoring\b|\bobservability\b|\btracing\b",
        "check",
        "area",
        area="observability",
    ),
    SectionRule(r"\bcompliance\b|\bconstitution", "check", "area", area="compliance"),
)

#: labels and column headers that name a field in other words, per type ("*": any type)
ALIASES: dict[str, dict[str, str]] = {
    "*": {"notes": "", "description": ""},
    "plan": {
        "feature-id": "id",
        "plan-id": "id",
        "id": "id",
        "last-updated": "updated",
        "specification": "spec",
        "spec": "spec",
        "constitution": "constitution",
        "date": "created",
        "author": "owner",
        "owners": "owner",
    },
    "tech": {
        "alternatives-considered": "alternatives",
        "why": "rationale",
        "reason": "rationale",
        "component": "category",
        "purpose": "category",
        "type": "category",
    },
    "service": {
        "pricing-model": "pricing",
        "cost": "pricing",
        "risk-assessment": "risk",
        "use": "purpose",
    },
    "dependency": {
        "why-not-existing-solution": "justification",
        "approval-status": "approval",
        "reason": "justification",
        "approved": "approval",
        "status": "approval",
    },
    "pattern": {"where-used": "where", "used-in": "where", "location": "where", "why": "rationale"},
    "alert": {
        "notification": "notify",
        "notifications": "notify",
        "channel": "notify",
        "response": "action",
        "threshold": "condition",
        "priority": "severity",
    },
    "risk": {
        "probability": "likelihood",
        "severity": "impact",
        "mitigation-strategy": "mitigation",
        "responsible": "owner",
        "residual-risk": "residual",
        "next-review": "review",
    },
    "phase": {
        "dependencies": "depends-on",
        "depends-on": "depends-on",
        "duration": "weeks",
        "week": "weeks",
        "timeline": "weeks",
        "entry-criteria": "entry",
        "exit-criteria": "exit",
    },
    "endpoint": {
        "authentication": "auth",
        "authorization": "permissions",
        "rate-limiting": "rate-limit",
        "description": "summary",
        "purpose": "summary",
    },
    "event": {
        "publisher": "published-by",
        "producer": "published-by",
        "producers": "published-by",
        "consumers": "consumed-by",
        "subscribers": "consumed-by",
        "consumer": "consumed-by",
    },
    "test": {
        "coverage-target": "coverage",
        "tool": "framework",
        "tools": "framework",
        "percentage": "share",
    },
    "migration": {"estimated-duration": "duration", "downtime-required": "downtime"},
    "metric": {"kind": "type"},
    "signoff": {"approver": "name", "approved-by": "name", "role": "title"},
    "exemption": {"approver": "approved-by", "reason": "rationale", "why-needed": "rationale"},
}

#: column headers naming the title column, besides the type's own name and label
TITLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "tech": ("technology", "tech", "tool", "choice", "name"),
    "service": ("service", "vendor", "provider", "name"),
    "dependency": ("dependency", "package", "library", "name"),
    "pattern": ("pattern", "name"),
    "role": ("role", "name"),
    "alert": ("alert", "name"),
    "risk": ("risk", "title", "description", "name"),
    "metric": ("metric", "name"),
    "exemption": ("exemption", "deviation", "violation", "title"),
    "test": ("level", "test", "test-type", "type"),
    "signoff": ("role",),
    "component": ("component", "name"),
}

#: a table row whose only text is its first cell sets this field of the rows below
#: (the template's ``| **Frontend** | | |`` rows); the column that would have
#: given that field then gives the second one
GROUP_FIELDS: dict[str, tuple[str, str]] = {"tech": ("layer", "category")}

#: cells that hold several fields at once, read with named groups (``_`` for ``-``)
SPLITS: dict[tuple[str, str], re.Pattern[str]] = {
    ("dependency", "approval"): re.compile(
        r"(?i)^(?P<approval>approved|pending|rejected)\b[\s:]*(?:by:?\s*(?P<approved_by>.+?))?"
        r"(?:\s*(?:on|,)\s*(?P<date>\d{4}-\d{2}-\d{2}))?\.?$"
    ),
    ("service", "risk"): re.compile(
        r"(?i)^(?P<risk>[^\[].*?)[,;]\s*mitigation:\s*(?P<mitigation>.+)$"
    ),
}

#: labels of a technical context that name technologies (the others, "Project
#: Type", "Performance Goals", "Constraints", "Scale/Scope", stay as written)
TECH_LABEL = re.compile(
    r"(?i)\b(?:languages?|dependenc|frameworks?|librar|packages|storage|databases?|"
    r"testing|platforms?|runtimes?|infrastructure|tools|tooling|hosting|deployment)"
)
#: labels whose value is a list of technologies, one per comma
TECH_LIST_LABEL = re.compile(r"(?i)\b(?:dependenc|frameworks|librar|packages|tools)")
#: a technology written with its version: ``Python 3.11``, ``TypeScript 5.x``, ``Node 22+``
TECH_VERSION = re.compile(r"^(?P<title>[^\d\s(][^()\d]*?)\s+v?(?P<version>\d[\w.]*[+x*]?)$")
#: a value that names no technology yet (Spec Kit's mark of an open question)
UNKNOWN = re.compile(r"(?i)\bneeds\s+clarification\b")

#: a sign-off item: ``Tech Lead: Ana Lima - 2024-03-01``
SIGNOFF_ITEM = re.compile(
    r"^(?P<title>[^:]+?)\s*:\s*(?P<name>.*?)(?:\s+[-–—]\s+(?P<date>.+?))?\s*$"
)
#: a response label or item: ``Response (201 Created)``, ``404 Not Found``
RESPONSE = re.compile(
    r"(?i)^(?:[\w ]*responses?\s*)?\(?`?(?P<code>[1-5]\d\d)(?:\s+(?P<reason>[^`)]+?))?`?\)?$"
)
RESPONSE_ITEM = re.compile(
    r"^`?(?P<code>[1-5]\d\d)(?:\s+(?P<reason>[^`:]+?))?`?\s*(?:[:—–]|\s-)\s*(?P<text>.*)$"
)
#: weeks in a phase heading: ``(Week 1-2)``, ``(Weeks 3–4)``
WEEKS = re.compile(r"\s*\((?:weeks?|wk)\s*(?P<weeks>\d+(?:\s*[-–—]\s*\d+)?)\)\s*$", re.IGNORECASE)
#: the prefix of the document title: ``Technical Implementation Plan: X``
PLAN_TITLE = re.compile(r"^[^:]*\bplan\b[^:]*:\s*(?P<title>.+)$", re.IGNORECASE)
#: media types of response examples by code-block language
MEDIA_TYPES = {
    "json": "application/json",
    "xml": "application/xml",
    "yaml": "application/yaml",
    "yml": "application/yaml",
    "html": "text/html",
    "text": "text/plain",
    "csv": "text/csv",
}


def match_section(heading: str) -> tuple[SectionRule, str] | None:
    """The rule of a section heading, and the object title it gives.

    :param heading: the heading's plain text
    :return: the rule and the title (the ``title`` group, else the heading), or ``None``
    """
    text = heading.strip()
    for rule in SECTION_RULES:
        match = re.search(rule.pattern, text, re.IGNORECASE)
        if match:
            title = match.groupdict().get("title") or text
            return rule, title.strip()
    return None


def field_for(type_name: str, label: str) -> str | None:
    """The field of *type_name* that a label or column header names.

    Tried in order: the aliases, the exact field name, then a field named by
    the first or last word of a short label ("Pricing Model", "Last Updated").

    :param type_name: object type
    :param label: label text, e.g. ``Alternatives Considered``
    :return: the field name, ``title`` for the title column, or ``None``
    """
    key = slug(label)
    aliases = {**ALIASES["*"], **ALIASES.get(type_name, {})}
    if key in aliases:
        return aliases[key] or None
    otype: ObjectType | None = BUILTIN.get(type_name)
    if otype is None:
        return None
    names = {f.name for f in otype.fields} | {"id"}
    if key in names:
        return key
    if key in TITLE_COLUMNS.get(type_name, ()) or key in (type_name, slug(otype.label)):
        return "title"
    words = key.split("-")
    if 1 < len(words) <= 3:
        for word in (words[0], words[-1]):
            if word in names:
                return word
    return None

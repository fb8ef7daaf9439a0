"""A plan diff as readable text, Markdown for a pull-request comment, or JSON.

The JSON form is published as ``export/schema/plan-diff.schema.json``. In
Markdown every piece of user text is escaped (table cells, headings) and
bodies go in fenced ``diff`` blocks whose fence is longer than any backtick
run inside, so no plan text can break out of its place in the comment.
"""

from __future__ import annotations

import json
import re
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan._version import __version__
from sphinxcontrib_plan.model.types import BUILTIN

if TYPE_CHECKING:
    from sphinxcontrib_plan.diff.compare import MadeStale, ObjectChange, PlanDiff, Side

DIFF_SCHEMA_ID = "https://sphinxcontrib-plan.readthedocs.io/schema/plan-diff-1.json"
#: the published JSON Schema of the JSON output (plan diff and drift)
DIFF_SCHEMA_PATH = Path(__file__).parent.parent / "export" / "schema" / "plan-diff.schema.json"
#: longest value shown in text and Markdown before it is cut
MAX_VALUE = 80
_SIGN = {"added": "+", "removed": "-", "changed": "~"}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#!~])")
#: finding kinds in report order, with their headings
KINDS = {
    "breaking": "Breaking changes",
    "slip": "Phases slipped",
    "risk": "Risks rose",
    "status": "Status transitions",
    "coverage": "Coverage lost",
    "gate": "Stage gates not met",
}


def value_text(value: Any) -> str:
    """One field value, short: lists comma-separated, checks as ``done/total``.

    :param value: a plain JSON value
    :return: one line, at most :data:`MAX_VALUE` characters
    """
    text = _full_text(value)
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def _full_text(value: Any) -> str:
    if value is None or value == [] or value == "":
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return " ".join(", ".join(map(str, value)).split())
    if isinstance(value, dict) and set(value) == {"done", "total"}:
        return f"{value['done']}/{value['total']}"
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return " ".join(str(value).split())


def value_pair(before: Any, after: Any, *, width: int = MAX_VALUE) -> tuple[str, str]:
    """Two values of one field, each at most *width* characters, cut so that the
    place where they differ shows (never two cut texts that read the same).

    :param before: the base value
    :param after: the head value
    :param width: longest text shown
    :return: the two texts
    """
    old, new = _full_text(before), _full_text(after)
    if len(old) <= width and len(new) <= width:
        return old, new
    common = next(
        (i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b),
        min(len(old), len(new)),
    )
    start = max(0, common - width // 4)

    def window(text: str) -> str:
        lead = "…" if start else ""
        part = text[start : start + width - len(lead)]
        if start + width - len(lead) < len(text):
            part = part[:-1] + "…"
        return lead + part

    return window(old), window(new)


def md_escape(text: str) -> str:
    """User text made inert in Markdown (and in a table cell).

    :param text: any text
    :return: the escaped text, on one line
    """
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def fence(lines: list[str], language: str = "diff") -> list[str]:
    """A fenced code block safe for any content.

    :param lines: the content
    :param language: the info string
    :return: the block's lines
    """
    longest = max((len(run) for ln in lines for run in re.findall(r"`+", ln)), default=0)
    ticks = "`" * max(3, longest + 1)
    return [f"{ticks}{language}", *lines, ticks]


def side_text(side: Side) -> str:
    """``origin/main (1a2b3c4)``, ``plan.json``, ``working tree``."""
    if side.kind != "git" or not side.revision:
        return side.label
    if side.revision.startswith(side.label.lower()):  # a commit id: its short form
        return side.revision[:7]
    return f"{side.label} ({side.revision[:7]})"


def type_heading(name: str) -> str:
    """The plural label of a type, e.g. ``Endpoints``."""
    spec = BUILTIN.get(name)
    return spec.plural_label if spec is not None else name.capitalize() + "s"


def counts(diff: PlanDiff) -> dict[str, int]:
    """The summary numbers of the local changes."""
    local = diff.local
    result = {kind: sum(c.kind == kind for c in local) for kind in ("added", "removed", "changed")}
    for kind in KINDS:
        result[kind] = sum(1 for c in local for f in c.findings if f.kind == kind)
    result["external"] = len(diff.changes) - len(local)
    result["stale"] = len(diff.stale)
    return result


def stale_text(signoff: MadeStale) -> str:
    """``S1-signoff-pm (Product Manager, approved by Dana on 2024-01-12), plan S1``."""
    who = f" by {signoff.name}" if signoff.name else ""
    when = f" on {signoff.date}" if signoff.date else ""
    return f"{signoff.id} ({signoff.title}, approved{who}{when}), plan {signoff.plan}"


def summary_line(diff: PlanDiff) -> str:
    """``5 changes: 1 added, 1 removed, 3 changed; 2 breaking`` or ``No plan changes.``"""
    n = counts(diff)
    total = n["added"] + n["removed"] + n["changed"]
    if not total and not n["external"]:
        return "No plan changes."
    text = (
        f"{total} change{'s' * (total != 1)}: {n['added']} added, {n['removed']} removed, "
        f"{n['changed']} changed; {n['breaking']} breaking"
    )
    text += f"; {n['stale']} sign-off{'s' * (n['stale'] != 1)} made stale" if n["stale"] else ""
    text += f"; {n['coverage']} lost coverage" if n["coverage"] else ""
    text += f"; {n['gate']} gate finding{'s' * (n['gate'] != 1)}" if n["gate"] else ""
    return text + (f"; {n['external']} in external projects" if n["external"] else "")


def _groups(changes: list[ObjectChange]) -> list[tuple[str, list[tuple[str, list[ObjectChange]]]]]:
    plans = []
    for plan, in_plan in groupby(changes, key=lambda c: c.plan or ""):
        types = [(t, list(items)) for t, items in groupby(in_plan, key=lambda c: c.type)]
        plans.append((plan, types))
    return plans


def _plan_heading(diff: PlanDiff, plan: str) -> str:
    if not plan:
        return "Objects without a plan"
    title = diff.plan_titles.get(plan)
    return f"Plan {plan}: {title}" if title else f"Plan {plan}"


#: readers' names of the ``data`` values a diff compares, by type (``*``: any type)
_DATA_LABELS = {
    ("endpoint", "data.body"): "request body",
    ("response", "data.body"): "body",
    ("event", "data.body"): "payload",
    ("*", "data.schema"): "schema",
    ("*", "data.parameters"): "parameters",
    ("*", "data.headers"): "headers",
    ("*", "checks"): "checklist",
}
#: ``data`` values read from options (not listed again when those changed) or from
#: the body (not listed again beside the body's diff: ``None``)
_DATA_SOURCES: dict[str, tuple[str, ...] | None] = {
    "data.body": ("schema", "content-type"),
    "data.parameters": ("path", "query", "header", "cookie"),
    "data.headers": ("headers",),
    "data.schema": None,
}
#: a sign-off's approval record, shown on one line
_APPROVAL_RECORD = ("name", "date", "fingerprint", "approved-at")


def field_label(typ: str, name: str) -> str:
    """What a changed value is called in a report: ``request body``, not ``data.body``.

    :param typ: the object's type
    :param name: :attr:`~.compare.FieldChange.name`
    :return: the label (option names stay as written)
    """
    label = _DATA_LABELS.get((typ, name)) or _DATA_LABELS.get(("*", name))
    return label or name.removeprefix("data.").replace("_", " ")


def field_value(name: str, value: Any) -> str:
    """A field's value as :func:`value_text`, week ranges written ``3-4``."""
    if name == "weeks" and isinstance(value, list) and len(value) == 2:
        return f"{value[0]}-{value[1]}" if value[0] != value[1] else str(value[0])
    return value_text(value)


def _short(name: str, value: Any) -> Any:
    if name == "approved-at" and isinstance(value, str) and len(value) == 40:
        return value[:7]  # a commit id
    return value


def change_lines(change: ObjectChange) -> list[str]:
    """One line per changed value not told by a finding; a sign-off's approval
    record (name, date, fingerprint, revision) on one line."""
    covered = {name for f in change.findings for name in f.covers}
    changed = {f.name for f in change.fields}
    for name, sources in _DATA_SOURCES.items():
        if (sources is None and change.body_diff) or (sources and changed & set(sources)):
            covered.add(name)
    lines: list[str] = []
    record: dict[str, str] = {}
    for f in change.fields:
        if f.name in covered:
            continue
        before, after = _short(f.name, f.before), _short(f.name, f.after)
        if f.name == "weeks":
            old, new = field_value(f.name, before), field_value(f.name, after)
        else:
            old, new = value_pair(before, after)
        if change.type == "signoff" and f.name in _APPROVAL_RECORD:
            record[f.name] = f"{f.name} {old} → {new}"
        else:
            lines.append(f"{field_label(change.type, f.name)}: {old} → {new}")
    ordered = [record[name] for name in _APPROVAL_RECORD if name in record]
    return ([f"approval record: {'; '.join(ordered)}"] if record else []) + lines


def _text_change(change: ObjectChange) -> list[str]:
    head = f"    {_SIGN[change.kind]} {change.id}"
    if change.title and change.title != change.id:
        head += f"  {' '.join(change.title.split())}"
    lines = [head]
    lines += [
        f"        {f.kind.upper()}: {f.message}" if f.kind == "breaking" else f"        {f.message}"
        for f in change.findings
    ]
    lines += [f"        {line}" for line in change_lines(change)]
    if change.body_diff:
        lines.append("        body:")
        lines += [f"          {ln}" for ln in change.body_diff]
    return lines


def _text_section(diff: PlanDiff, changes: list[ObjectChange]) -> list[str]:
    lines: list[str] = []
    for plan, types in _groups(changes):
        lines += ["", _plan_heading(diff, plan)]
        for name, items in types:
            lines.append(f"  {type_heading(name)}")
            for change in items:
                lines += _text_change(change)
    return lines


def to_text(diff: PlanDiff) -> str:
    """The diff as plain text for a terminal.

    :param diff: the classified diff
    :return: the report, ending with a newline
    """
    lines = [f"Plan changes: {side_text(diff.base)} → {side_text(diff.head)}", summary_line(diff)]
    lines += _text_section(diff, diff.local)
    external = [c for c in diff.changes if c.external]
    for project, items in groupby(
        sorted(external, key=lambda c: c.external or ""), key=lambda c: c.external
    ):
        lines += ["", f"External project {project} (not changes of this project):"]
        lines += [ln[2:] for ln in _text_section(diff, sorted(items, key=lambda c: c.sort_key()))]
    if diff.stale:
        lines += ["", "Sign-offs made stale (approved content changed):"]
        lines += [f"  {stale_text(s)}" for s in diff.stale]
    if diff.duplicates:
        lines += ["", f"Ids used twice in one version, compared once: {', '.join(diff.duplicates)}"]
    return "\n".join(lines) + "\n"


def _md_change(change: ObjectChange) -> list[str]:
    title = md_escape(change.title) if change.title and change.title != change.id else ""
    head = f"- **{change.kind}** `{change.id.replace('`', '')}`" + (f" {title}" if title else "")
    lines = [head + (" (breaking: see above)" if change.breaking else "")]
    # breaking findings are listed once, in the comment's first section
    lines += [f"  - {md_escape(f.message)}" for f in change.findings if f.kind != "breaking"]
    lines += [f"  - {md_escape(line)}" for line in change_lines(change)]
    if change.body_diff:
        lines += ["", "  <details><summary>body</summary>", ""]
        lines += [f"  {ln}" for ln in fence(change.body_diff)]
        lines += ["", "  </details>", ""]
    return lines


def to_markdown(diff: PlanDiff) -> str:
    """The diff as GitHub-flavoured Markdown, for a pull-request comment.

    :param diff: the classified diff
    :return: the comment, ending with a newline
    """
    lines = [
        f"## Plan changes: {md_escape(side_text(diff.base))} → {md_escape(side_text(diff.head))}",
        "",
        md_escape(summary_line(diff)),
    ]
    breaking = [(c, f) for c in diff.local for f in c.findings if f.kind == "breaking"]
    if breaking:
        lines += ["", "### Breaking changes", ""]
        lines += [
            f"- `{c.id.replace('`', '')}` {md_escape(c.title)}: {md_escape(f.message)}"
            for c, f in breaking
        ]
    if diff.stale:
        lines += [
            "",
            "### Sign-offs made stale",
            "",
            "The content these approvals covered changed; they need approving again.",
            "",
        ]
        lines += [f"- {md_escape(stale_text(s))}" for s in diff.stale]
    for plan, types in _groups(diff.local):
        lines += ["", f"### {md_escape(_plan_heading(diff, plan))}"]
        for name, items in types:
            lines += ["", f"#### {md_escape(type_heading(name))}", ""]
            for change in items:
                lines += _md_change(change)
    external = [c for c in diff.changes if c.external]
    if external:
        lines += ["", "### External projects (not changes of this project)", ""]
        for change in sorted(external, key=lambda c: (c.external or "", c.sort_key())):
            lines += [
                f"- {md_escape(change.external or '')}: **{change.kind}** "
                f"`{change.id.replace('`', '')}` {md_escape(change.title)}"
            ]
    return "\n".join(lines).rstrip() + "\n"


def _side_json(side: Side) -> dict[str, Any]:
    return {"label": side.label, "kind": side.kind, "revision": side.revision}


def json_head(kind: str) -> dict[str, Any]:
    """The keys every JSON output starts with.

    :param kind: ``plan-diff`` or ``openapi-drift``
    :return: ``$schema``, ``kind``, ``schema_version`` and ``generator``
    """
    return {
        "$schema": DIFF_SCHEMA_ID,
        "kind": kind,
        "schema_version": 1,
        "generator": {"name": "sphinxcontrib-plan", "version": __version__},
    }


def to_json(diff: PlanDiff) -> dict[str, Any]:
    """The diff as JSON data (schema ``plan-diff.schema.json``).

    :param diff: the classified diff
    :return: JSON-able data
    """
    return {
        **json_head("plan-diff"),
        "base": _side_json(diff.base),
        "head": _side_json(diff.head),
        "summary": counts(diff),
        "plans": {plan: title for plan, title in sorted(diff.plan_titles.items())},
        "changes": [
            {
                "kind": c.kind,
                "type": c.type,
                "id": c.id,
                "plan": c.plan,
                "title": c.title,
                "external": c.external,
                "breaking": c.breaking,
                "fields": [
                    {
                        "name": f.name,
                        "label": field_label(c.type, f.name),
                        "before": f.before,
                        "after": f.after,
                    }
                    for f in c.fields
                ],
                "body_diff": c.body_diff,
                "findings": [
                    {
                        "kind": f.kind,
                        "message": f.message,
                        "start_weeks": f.start_weeks,
                        "end_weeks": f.end_weeks,
                    }
                    for f in c.findings
                ],
            }
            for c in diff.changes
        ],
        "duplicates": diff.duplicates,
        "stale": [
            {
                "id": s.id,
                "plan": s.plan,
                "title": s.title,
                "name": s.name or None,
                "date": s.date or None,
            }
            for s in diff.stale
        ],
    }

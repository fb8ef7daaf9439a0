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
    from sphinxcontrib_plan.diff.compare import FieldChange, ObjectChange, PlanDiff, Side

DIFF_SCHEMA_ID = "https://sphinxcontrib-plan.readthedocs.io/schema/plan-diff-1.json"
#: the published JSON Schema of the JSON output (plan diff and drift)
DIFF_SCHEMA_PATH = Path(__file__).parent.parent / "export" / "schema" / "plan-diff.schema.json"
#: longest value shown in text and Markdown before it is cut
MAX_VALUE = 80
_SIGN = {"added": "+", "removed": "-", "changed": "~"}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#!~])")
#: finding kinds in report order, with their headings
KINDS = {"breaking": "Breaking changes", "slip": "Phases slipped", "risk": "Risks rose",
         "status": "Status transitions"}


def value_text(value: Any) -> str:
    """One field value, short: lists comma-separated, checks as ``done/total``.

    :param value: a plain JSON value
    :return: one line, at most :data:`MAX_VALUE` characters
    """
    if value is None or value == [] or value == "":
        text = "(none)"
    elif isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        text = ", ".join(map(str, value))
    elif isinstance(value, dict) and set(value) == {"done", "total"}:
        text = f"{value['done']}/{value['total']}"
    elif isinstance(value, (dict, list)):
        text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    else:
        text = str(value)
    text = " ".join(text.split())
    return text if len(text) <= MAX_VALUE else text[:MAX_VALUE - 1] + "…"


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
    return result


def summary_line(diff: PlanDiff) -> str:
    """``5 changes: 1 added, 1 removed, 3 changed; 2 breaking`` or ``No plan changes.``"""
    n = counts(diff)
    total = n["added"] + n["removed"] + n["changed"]
    if not total and not n["external"]:
        return "No plan changes."
    text = (f"{total} change{'s' * (total != 1)}: {n['added']} added, {n['removed']} removed, "
            f"{n['changed']} changed; {n['breaking']} breaking")
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


def field_value(name: str, value: Any) -> str:
    """A field's value as :func:`value_text`, week ranges written ``3-4``."""
    if name == "weeks" and isinstance(value, list) and len(value) == 2:
        return f"{value[0]}-{value[1]}" if value[0] != value[1] else str(value[0])
    return value_text(value)


def _field_line(change: FieldChange) -> str:
    return f"{change.name}: {field_value(change.name, change.before)} → " \
           f"{field_value(change.name, change.after)}"


def _text_change(change: ObjectChange) -> list[str]:
    head = f"    {_SIGN[change.kind]} {change.id}"
    if change.title and change.title != change.id:
        head += f"  {' '.join(change.title.split())}"
    lines = [head]
    lines += [f"        {f.kind.upper()}: {f.message}" if f.kind == "breaking"
              else f"        {f.message}" for f in change.findings]
    lines += [f"        {_field_line(f)}" for f in change.fields]
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
    for project, items in groupby(sorted(external, key=lambda c: c.external or ""),
                                  key=lambda c: c.external):
        lines += ["", f"External project {project} (not changes of this project):"]
        lines += [ln[2:] for ln in _text_section(diff, sorted(items, key=lambda c: c.sort_key()))]
    found = [(c, f) for c in diff.local for f in c.findings if f.kind in KINDS]
    if found:
        lines.append("")
        for kind, heading in KINDS.items():
            of_kind = [f"  {c.id}: {f.message}" for c, f in found if f.kind == kind]
            if of_kind:
                lines += [f"{heading}:", *of_kind]
    if diff.duplicates:
        lines += ["", f"Ids used twice in one version, compared once: {', '.join(diff.duplicates)}"]
    return "\n".join(lines) + "\n"


def _md_change(change: ObjectChange) -> list[str]:
    title = md_escape(change.title) if change.title and change.title != change.id else ""
    head = f"- **{change.kind}** `{change.id.replace('`', '')}`" + (f" {title}" if title else "")
    lines = [head]
    lines += [f"  - {'**breaking:** ' if f.kind == 'breaking' else ''}{md_escape(f.message)}"
              for f in change.findings]
    lines += [f"  - {md_escape(_field_line(f))}" for f in change.fields]
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
    lines = [f"## Plan changes: {md_escape(side_text(diff.base))} → {md_escape(side_text(diff.head))}",
             "", md_escape(summary_line(diff))]
    breaking = [(c, f) for c in diff.local for f in c.findings if f.kind == "breaking"]
    if breaking:
        lines += ["", "### Breaking changes", ""]
        lines += [f"- `{c.id.replace('`', '')}` {md_escape(c.title)}: {md_escape(f.message)}"
                  for c, f in breaking]
    for kind in ("slip", "risk", "status"):
        of_kind = [(c, f) for c in diff.local for f in c.findings if f.kind == kind]
        if of_kind:
            lines += ["", f"### {KINDS[kind]}", ""]
            lines += [f"- `{c.id.replace('`', '')}` {md_escape(c.title)}: {md_escape(f.message)}"
                      for c, f in of_kind]
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
            lines += [f"- {md_escape(change.external or '')}: **{change.kind}** "
                      f"`{change.id.replace('`', '')}` {md_escape(change.title)}"]
    return "\n".join(lines).rstrip() + "\n"


def _side_json(side: Side) -> dict[str, Any]:
    return {"label": side.label, "kind": side.kind, "revision": side.revision}


def json_head(kind: str) -> dict[str, Any]:
    """The keys every JSON output starts with.

    :param kind: ``plan-diff`` or ``openapi-drift``
    :return: ``$schema``, ``kind``, ``schema_version`` and ``generator``
    """
    return {"$schema": DIFF_SCHEMA_ID, "kind": kind, "schema_version": 1,
            "generator": {"name": "sphinxcontrib-plan", "version": __version__}}


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
        "changes": [{
            "kind": c.kind, "type": c.type, "id": c.id, "plan": c.plan, "title": c.title,
            "external": c.external, "breaking": c.breaking,
            "fields": [{"name": f.name, "before": f.before, "after": f.after} for f in c.fields],
            "body_diff": c.body_diff,
            "findings": [{"kind": f.kind, "message": f.message, "start_weeks": f.start_weeks,
                          "end_weeks": f.end_weeks} for f in c.findings],
        } for c in diff.changes],
        "duplicates": diff.duplicates,
    }

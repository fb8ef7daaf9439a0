"""Plan objects the Markdown importer finds in code and in labelled lines.

- Prometheus metric declarations in a code block (``Counter(...)``,
  ``Gauge``, ``Histogram``, ``Summary`` with name, help text, label names
  and buckets) become ``plan-metric`` objects. The code is read with
  :mod:`ast`, never run.
- The template's filled-in "Constitutional Exemptions" line (what deviates,
  approved by whom, when, why) becomes ``plan-exemption`` objects.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.importers.emit import Directive, Prose
from sphinxcontrib_plan.importers.md_objects import Made, add_field
from sphinxcontrib_plan.importers.md_source import items, strip_emphasis

if TYPE_CHECKING:
    from sphinxcontrib_plan.importers.md_source import Block as MdBlock

#: the metric classes of the Prometheus clients, by the ``type`` they are
METRIC_CLASSES = {
    "Counter": "counter",
    "Gauge": "gauge",
    "Histogram": "histogram",
    "Summary": "summary",
}
#: code blocks longer than this are not read for metrics
_MAX_CODE = 200_000
_EXEMPTIONS = re.compile(
    r"^\s*(?:\*\*|__)?\s*constitutional\s+exemptions?\s*(?:\*\*|__)?"
    r"[^:\n]*:\s*(?P<rest>.*)\Z",
    re.IGNORECASE | re.DOTALL,
)
_APPROVER = re.compile(
    r"\bapproved\s+by\s+(?P<who>.+?)(?=\s+on\s|\s+at\s|\s*[,;]|\s+because\b|"
    r"\s+since\b|\s*\.\s|\s*\.?$)",
    re.IGNORECASE,
)
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_WHY = re.compile(
    r"\b(?:because|as|since|rationale|reason|why)\b\s*:?\s*(?P<why>.+?)\s*\.?$",
    re.IGNORECASE | re.DOTALL,
)
_PLACEHOLDER = re.compile(r"^\s*(?:\[.*\]|none|n/?a|-|–|—)?\s*\.?\s*$", re.IGNORECASE | re.DOTALL)


def _call_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else ""


def _constant(node: ast.expr | None) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.List, ast.Tuple)):
        values = [_constant(e) for e in node.elts]
        return values if all(v is not None for v in values) else None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        value = _constant(node.operand)
        return -value if isinstance(value, (int, float)) else None
    return None


def metric_declarations(code: str) -> tuple[list[tuple[int, dict[str, Any]]], bool]:
    """The metrics a code block declares.

    :param code: the block's text
    :return: ``(line in the block, 1-based; {name, type, help, labels, buckets, unit})``
        per declaration, and whether the block holds nothing else
    """
    if len(code) > _MAX_CODE or not any(f"{c}(" in code for c in METRIC_CLASSES):
        return [], False
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return [], False
    found: list[tuple[int, dict[str, Any]]] = []
    only = True
    for statement in tree.body:
        value = statement.value if isinstance(statement, (ast.Assign, ast.Expr)) else None
        kind = METRIC_CLASSES.get(_call_name(value.func)) if isinstance(value, ast.Call) else None
        if kind is None or not isinstance(value, ast.Call):
            only = False
            continue
        keywords = {k.arg: k.value for k in value.keywords if k.arg}
        args = [*value.args, None, None, None]
        name = _constant(args[0] or keywords.get("name"))
        if not isinstance(name, str) or not name:
            only = False
            continue
        metric: dict[str, Any] = {
            "name": name,
            "type": kind,
            "help": _constant(args[1] or keywords.get("documentation")),
        }
        for key, node in (
            ("labels", args[2] or keywords.get("labelnames")),
            ("buckets", keywords.get("buckets")),
            ("unit", keywords.get("unit")),
        ):
            metric[key] = _constant(node)
        found.append((statement.lineno, metric))
    return found, only


def metric_objects(block: MdBlock) -> tuple[list[Made], bool]:
    """``plan-metric`` objects of a code block's declarations.

    :param block: a fenced code block
    :return: the objects, and whether the code holds nothing but them
    """
    code = block.tokens[0].content if block.tokens else ""
    declarations, only = metric_declarations(code)
    made = []
    for line, metric in declarations:
        obj = Made(
            Directive("plan-metric", metric["name"]), "metric", metric["name"], block.line + line
        )
        add_field(obj, "type", metric["type"])
        for key in ("labels", "buckets"):
            if isinstance(metric[key], list) and metric[key]:
                add_field(obj, key, ", ".join(str(v) for v in metric[key]))
        if isinstance(metric["unit"], str) and metric["unit"]:
            add_field(obj, "unit", metric["unit"])
        if isinstance(metric["help"], str) and metric["help"].strip():
            obj.directive.body.append(Prose(metric["help"].strip()))
        obj.directive.argument = obj.title
        made.append(obj)
    return made, only


def exemption_entries(block: MdBlock, following: MdBlock | None) -> list[tuple[int, str]] | None:
    """The filled-in entries of a "Constitutional Exemptions" paragraph.

    :param block: a paragraph
    :param following: the block after it (a list of entries)
    :return: ``(1-based line, text)`` per entry; ``None`` when *block* is not
        that paragraph, an empty list when it holds only the template's placeholder
    """
    match = _EXEMPTIONS.match(block.text) if block.kind == "paragraph" else None
    if match is None:
        return None
    rest = match.group("rest").strip()
    lines = block.text.split("\n")
    entries = [(block.line + i, line.strip()) for i, line in enumerate(lines) if i and line.strip()]
    if not rest.count("\n") and rest and not entries:
        entries = [(block.line, rest)]
    if not entries and following is not None and following.kind == "list":
        entries = [(it.line + 1, it.text.strip()) for it in items(following)]
    return [(line, text) for line, text in entries if not _PLACEHOLDER.match(text)]


def exemption(line: int, text: str) -> Made:
    """A ``plan-exemption`` of one entry: "What: approved by Who on DATE because why".

    :param line: its 1-based source line
    :param text: the entry
    :return: the object
    """
    text = " ".join(text.split())
    title, colon, detail = text.partition(": ")
    if not colon or len(title) > 120:
        title, detail = re.split(r"[,;(]|\s[–—-]\s", text, maxsplit=1)[0], text
    title = strip_emphasis(title.strip().rstrip("."))
    made = Made(Directive("plan-exemption", title), "exemption", title, line)
    approver = _APPROVER.search(detail)
    date = _DATE.search(detail)
    why = _WHY.search(detail[approver.end() :] if approver else detail)
    rationale = why.group("why") if why else _DATE.sub("", _APPROVER.sub("", detail)).strip(" .,;")
    if rationale and rationale != title:
        add_field(made, "rationale", rationale)
    if approver:
        add_field(made, "approved-by", approver.group("who").strip(" ,;"))
    if date:
        add_field(made, "date", date.group())
    made.directive.argument = made.title
    return made

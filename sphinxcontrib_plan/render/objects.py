"""Field values of one object → standard nodes (header line and field list)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from docutils import nodes

from sphinxcontrib_plan.model.fields import is_url, link_target
from sphinxcontrib_plan.model.ids import reference_key
from sphinxcontrib_plan.model.typespec import Kind
from sphinxcontrib_plan.render.nodes import badge, field_list, joined, xref

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from sphinxcontrib_plan.model.severity import Severity
    from sphinxcontrib_plan.model.typespec import FieldSpec, ObjectType

    InlineParser = Callable[[str], list[nodes.Node]]

#: characters that may start inline markup in reST or MyST; text without any
#: of them is kept as a plain Text node, which spares thousands of parser calls
_MARKUP = re.compile(r"[*`_\[\]<>{}|:\\$~@&]")


def has_markup(text: str) -> bool:
    """Whether *text* may hold inline markup of reST or MyST (else it is plain text).

    :param text: user text
    :return: ``True`` when the parser is needed
    """
    return bool(_MARKUP.search(text))


#: fields shown in the header line or not at all, rather than in the field list
_HIDDEN = {"id", "plan", "class", "tags"}


def body_text(body: Sequence[nodes.Node]) -> str:
    """The text of a directive's body, nested plan objects left out, whitespace
    folded within each block: what diffs and approval fingerprints compare, so
    that reflowing a paragraph changes nothing.

    :param body: the parsed body
    :return: blocks separated by blank lines
    """
    blocks = []
    for node in body:
        if isinstance(node, nodes.Element) and "plan-object" in node.get("classes", ()):
            continue
        if isinstance(node, nodes.literal_block):
            blocks.append(node.astext().rstrip())
        elif isinstance(node, (nodes.Element, nodes.Text)):
            text = " ".join(node.astext().split())
            if text:
                blocks.append(text)
    return "\n\n".join(blocks)


def value_nodes(
    spec: FieldSpec, value: object, fromdoc: str, parse_inline: InlineParser
) -> list[nodes.Node]:
    """Nodes showing one field value, the same on the object's page and in registers.

    :param spec: the field
    :param value: its canonical value
    :param fromdoc: the document being built
    :param parse_inline: parses user text as inline markup of the document's syntax
    :return: inline nodes
    """
    kind = spec.kind
    if kind is Kind.ENUM:
        return [badge(spec.name, str(value))]
    if kind is Kind.REF:
        return [xref(reference_key(str(value)), spec.role, fromdoc, field=True)]
    if kind is Kind.REFS and isinstance(value, (list, tuple)):
        return joined([xref(reference_key(v), spec.role, fromdoc, field=True) for v in value])
    if kind is Kind.FLAG:
        return [nodes.Text("yes" if value else "")]
    if kind is Kind.WEEKS and isinstance(value, (list, tuple)):
        start, end = value
        return [nodes.Text(f"{start}" if start == end else f"{start}–{end}")]
    if kind is Kind.PERCENT:
        return [nodes.Text(f"{value}%")]
    if kind is Kind.DATE:
        # marked, so HTML keeps it on one line (browsers break after its hyphens)
        return [nodes.inline(str(value), str(value), classes=["plan-date"])]
    if kind is Kind.LIST and isinstance(value, (list, tuple)):
        return joined([nodes.literal(v, v) for v in value])
    if kind is Kind.DOC:
        text = str(value)
        if is_url(text):
            href = link_target(text)
            return [nodes.reference(text, text, refuri=href) if href else nodes.Text(text)]
        return [xref(text, "doc", fromdoc, text=None, field=True)]
    text = str(value)
    return parse_inline(text)


def header(
    otype: ObjectType, title: list[nodes.Node], values: Mapping[str, object]
) -> nodes.paragraph:
    """The object's first line: type label, title, id slot and tag badges.

    The id is filled in when the document is processed, because a derived id
    depends on the document's plan, which is known only then.

    :param otype: the object type
    :param title: nodes of the parsed title
    :param values: the field values
    :return: the header paragraph
    """
    para = nodes.paragraph(classes=["plan-object-header"])
    para += nodes.inline(otype.label, otype.label, classes=["plan-type-label"])
    para += nodes.Text(" ")
    strong = nodes.strong(classes=["plan-object-title"])
    strong.extend(title)
    para += strong
    para += nodes.Text(" ")
    para += nodes.inline("", "", classes=["plan-object-id"])
    tags = values.get("tags")
    for tag in tags if isinstance(tags, (list, tuple)) else ():
        para += nodes.Text(" ")
        para += badge("tag", tag, tag)
    return para


def fields_table(
    otype: ObjectType,
    values: Mapping[str, object],
    fromdoc: str,
    parse_inline: InlineParser,
    extra_rows: list[tuple[str, object]] | None = None,
) -> nodes.field_list | None:
    """The field list of an object, in registry order.

    :param otype: the object type
    :param values: the field values
    :param fromdoc: the document being built
    :param parse_inline: inline parser of the document's syntax
    :param extra_rows: derived rows appended at the end (e.g. severity)
    :return: the field list, or ``None`` when there is nothing to show
    """
    rows: list[tuple[str, object]] = []
    for spec in otype.fields:
        if spec.name in _HIDDEN or spec.name not in values or not spec.listed:
            continue
        value = values[spec.name]
        if spec.kind is Kind.FLAG and not value:
            continue
        rows.append((spec.label, value_nodes(spec, value, fromdoc, parse_inline)))
    rows.extend(extra_rows or ())
    if not rows:
        return None
    return field_list(rows, classes=[f"plan-{otype.name}-fields"])


def severity_badge(severity: Severity) -> nodes.inline:
    """The badge of a risk severity, e.g. ``High (6)``; its score is kept on the
    node (``plan_sort``) for renderers that order by it.

    :param severity: the severity
    :return: the badge
    """
    node = badge("severity", severity.level, severity.label)
    node["plan_sort"] = severity.score
    return node

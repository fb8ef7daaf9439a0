"""Inline markup of field values as plain data, and back to nodes on other pages.

A field like ``:mitigation: Retry with `tenacity` <https://...>`` is parsed
where the object stands; a register on another page shows the same value
from the domain's data, which holds no nodes. Spans keep the few inline forms
that matter in a table cell (code, emphasis, links, cross-references) as
lists of strings, so every builder renders them again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes

from sphinxcontrib_plan.model.fields import link_target

if TYPE_CHECKING:
    from collections.abc import Sequence

Span = list[str]


def inline_spans(parsed: Sequence[nodes.Node]) -> list[Span]:
    """Plain-data spans of parsed inline nodes.

    :param parsed: nodes from the inline parser
    :return: ``[kind, text, ...]`` lists; kinds: text, literal, strong,
        emphasis, link (+ uri), xref (+ domain, type, target, explicit)
    """
    spans: list[Span] = []
    for node in parsed:
        text = node.astext()
        if isinstance(node, nodes.system_message):
            continue
        if isinstance(node, nodes.literal):
            spans.append(["literal", text])
        elif isinstance(node, nodes.strong):
            spans.append(["strong", text])
        elif isinstance(node, nodes.emphasis):
            spans.append(["emphasis", text])
        elif isinstance(node, nodes.reference) and node.get("refuri"):
            spans.append(["link", text, node["refuri"]])
        elif isinstance(node, addnodes.pending_xref) and node.get("reftype") != "doc":
            # {doc} targets are relative to the page that wrote them: kept as text
            spans.append(
                [
                    "xref",
                    text,
                    node.get("refdomain", ""),
                    node.get("reftype", ""),
                    node.get("reftarget", ""),
                    "1" if node.get("refexplicit") else "",
                ]
            )
        else:
            spans.append(["text", text])
    return spans


def span_nodes(spans: Sequence[Span], fromdoc: str) -> list[nodes.Node]:
    """Inline nodes for *spans* on the page *fromdoc*.

    :param spans: spans from :func:`inline_spans`
    :param fromdoc: the document being written
    :return: inline nodes
    """
    out: list[nodes.Node] = []
    for kind, text, *rest in spans:
        if kind == "literal":
            out.append(nodes.literal(text, text))
        elif kind == "strong":
            out.append(nodes.strong(text, text))
        elif kind == "emphasis":
            out.append(nodes.emphasis(text, text))
        elif kind == "link":
            href = link_target(rest[0])
            out.append(nodes.reference(text, text, refuri=href) if href else nodes.Text(text))
        elif kind == "xref":
            domain, reftype, target, explicit = rest
            xref = addnodes.pending_xref(
                "",
                refdomain=domain,
                reftype=reftype,
                reftarget=target,
                refdoc=fromdoc,
                refexplicit=bool(explicit),
                refwarn=False,
            )
            # an unresolved reference was reported where it was written
            xref["plan_field"] = True
            xref += nodes.literal(text, text) if domain == "py" else nodes.inline(text, text)
            out.append(xref)
        else:
            out.append(nodes.Text(text))
    return out

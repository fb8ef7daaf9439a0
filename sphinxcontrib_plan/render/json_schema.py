"""Schemas and parameters as standard nodes: property tables, nested objects folded.

A schema is shown as a table of its properties (name, type, required,
description); an object nested in a property gets its own table below,
inside a ``plan-schema-nested`` container whose first child is a rubric.
Every builder shows these as plain nested tables; in HTML the
:class:`FoldTransform` turns each container into ``<details>`` whose
``<summary>`` is the rubric, so nested objects start folded. A reference to a
named schema is a link to its ``plan-schema`` object.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from sphinxcontrib_plan.model.schema import COMPONENTS
from sphinxcontrib_plan.render.assets import has_plan_content
from sphinxcontrib_plan.render.nodes import table, xref

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sphinx.application import Sphinx
    from sphinx.writers.html5 import HTML5Translator

#: deepest nesting shown; deeper objects are named, not expanded
MAX_DEPTH = 4


def schema_type(schema: Any, fromdoc: str) -> list[nodes.Node]:
    """Inline nodes naming a schema's type: ``integer (int64)``, ``array of`` *Pet*...

    :param schema: a JSON Schema
    :param fromdoc: the document the nodes go in (for links)
    :return: inline nodes
    """
    if schema is True or schema == {}:
        return [nodes.Text("any")]
    if not isinstance(schema, dict):
        return [nodes.Text("nothing" if schema is False else "?")]
    ref = schema.get("$ref")
    if isinstance(ref, str):
        if ref.startswith(COMPONENTS):
            name = ref[len(COMPONENTS) :]
            # a missing schema is reported once, as plan.schema, not again as plan.ref
            return [xref(name, "schema", fromdoc, name, field=True)]
        return [nodes.literal(ref, ref)]
    for key, word in (("allOf", "all of"), ("oneOf", "one of"), ("anyOf", "any of")):
        if isinstance(schema.get(key), list):
            out: list[nodes.Node] = [nodes.Text(f"{word} ")]
            for i, sub in enumerate(schema[key]):
                out += [nodes.Text(", ")] * bool(i) + schema_type(sub, fromdoc)
            return out
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind] if kind else []
    words = " or ".join(str(k) for k in kinds) or ("object" if "properties" in schema else "any")
    if "array" in kinds and isinstance(schema.get("items"), (dict, bool)):
        return [nodes.Text(f"{words.replace('array', 'array of')} ")] + schema_type(
            schema["items"], fromdoc
        )
    text = words + (f" ({schema['format']})" if schema.get("format") else "")
    if isinstance(schema.get("enum"), list):
        values = ", ".join(repr(v) if not isinstance(v, str) else v for v in schema["enum"])
        text += f": {values}"
    return [nodes.Text(text)]


def _notes(schema: dict[str, Any]) -> str:
    parts = []
    for key in ("default", "minimum", "maximum", "minLength", "maxLength", "pattern"):
        if key in schema:
            parts.append(
                f"{key} {json.dumps(schema[key], ensure_ascii=False)}"
                if key != "pattern"
                else f"pattern {schema[key]}"
            )
    return "; ".join(parts)


def _description(schema: Any) -> str:
    if not isinstance(schema, dict):
        return ""
    text = " ".join(str(schema.get("description") or schema.get("title") or "").split())
    notes = _notes(schema)
    return f"{text} ({notes})" if text and notes else text or notes


def _object_of(schema: Any) -> dict[str, Any] | None:
    """The object whose properties a schema (or its array items) declares."""
    if not isinstance(schema, dict):
        return None
    if isinstance(schema.get("properties"), dict) and schema["properties"]:
        return schema
    items = schema.get("items")
    if (
        schema.get("type") == "array"
        and isinstance(items, dict)
        and isinstance(items.get("properties"), dict)
        and items["properties"]
    ):
        return items
    return None


def schema_nodes(schema: Any, fromdoc: str, *, caption: str, depth: int = 0) -> list[nodes.Node]:
    """A schema as a property table (objects) or a one-line type (anything else).

    :param schema: the schema
    :param fromdoc: the document the nodes go in
    :param caption: the table's title, e.g. ``Request body``
    :param depth: nesting depth (for nested objects)
    :return: body nodes
    """
    obj = _object_of(schema)
    if obj is None:
        para = nodes.paragraph(
            "",
            "",
            nodes.strong(caption, caption),
            nodes.Text(": "),
            *schema_type(schema, fromdoc),
            classes=["plan-schema-type"],
        )
        return [para]
    required = set(obj.get("required") or ())
    rows, nested = [], []
    for name, sub in obj["properties"].items():
        rows.append(
            [
                nodes.literal(name, name),
                schema_type(sub, fromdoc),
                "yes" if name in required else "",
                _description(sub),
            ]
        )
        inner = _object_of(sub)
        if inner is not None and depth + 1 < MAX_DEPTH:
            nested.append(
                folded(
                    f"{caption} › {name}",
                    schema_nodes(sub, fromdoc, caption=f"{caption} › {name}", depth=depth + 1),
                )
            )
    # a nested table's title is the rubric of its fold (HTML's <summary>)
    tbl = table(
        ["Property", "Type", "Required", "Description"],
        rows,
        caption=caption if depth == 0 else None,
        classes=["plan-schema-table"],
    )
    return [tbl, *nested]


def parameter_nodes(
    params: Sequence[dict[str, Any]], fromdoc: str, *, caption: str = "Parameters"
) -> list[nodes.Node]:
    """The parameters of an endpoint (or a response's headers) as one table.

    :param params: OpenAPI Parameter Objects
    :param fromdoc: the document the nodes go in
    :param caption: the table's title
    :return: body nodes (nothing when there are no parameters)
    """
    if not params:
        return []
    rows = [
        [
            nodes.literal(p["name"], p["name"]),
            str(p.get("in", "")),
            schema_type(p.get("schema") or {}, fromdoc),
            "yes" if p.get("required") else "",
            " ".join(
                filter(
                    None,
                    [
                        str(p.get("description") or ""),
                        f"({_notes(p.get('schema') or {})})"
                        if _notes(p.get("schema") or {})
                        else "",
                    ],
                )
            ),
        ]
        for p in params
    ]
    return [
        table(
            ["Parameter", "In", "Type", "Required", "Description"],
            rows,
            caption=caption,
            classes=["plan-params-table"],
        )
    ]


def folded(title: str, content: list[nodes.Node]) -> nodes.container:
    """A container that HTML shows folded: a rubric, then *content*.

    :param title: the summary line
    :param content: what unfolds
    :return: the container
    """
    box = nodes.container(classes=["plan-schema-nested"])
    box += nodes.rubric(title, title)
    box.extend(content)
    return box


class details(nodes.General, nodes.Element):
    """``<details>``; made only by :class:`FoldTransform`, so only HTML writers see it."""


class summary(nodes.TextElement):
    """``<summary>`` of :class:`details`."""


def _visit_details(self: HTML5Translator, node: details) -> None:
    self.body.append(self.starttag(node, "details", CLASS="plan-details"))


def _depart_details(self: HTML5Translator, node: details) -> None:
    self.body.append("</details>\n")


def _visit_summary(self: HTML5Translator, node: summary) -> None:
    self.body.append(self.starttag(node, "summary", ""))


def _depart_summary(self: HTML5Translator, node: summary) -> None:
    self.body.append("</summary>\n")


class FoldTransform(SphinxPostTransform):
    """HTML only: each ``plan-schema-nested`` container becomes ``<details>``."""

    default_priority = 290
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        """Upgrade the containers of the document, innermost first."""
        if not has_plan_content(self.env, self.env.docname, "folds", "collectors"):
            return
        boxes = [
            b
            for b in self.document.findall(nodes.container)
            if "plan-schema-nested" in b["classes"]
        ]
        for box in reversed(boxes):
            fold = details(classes=["plan-schema-nested"])
            title = box[0] if box.children and isinstance(box[0], nodes.rubric) else None
            if title is not None:
                fold += summary("", "", *title.children)
            fold.extend(box.children[1 if title is not None else 0 :])
            box.replace_self(fold)


def setup_schema_render(app: Sphinx) -> None:
    """Register the HTML ``<details>`` upgrade.

    :param app: the Sphinx application
    """
    app.add_node(details, html=(_visit_details, _depart_details))
    app.add_node(summary, html=(_visit_summary, _depart_summary))
    app.add_post_transform(FoldTransform)

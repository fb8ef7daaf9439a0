"""Graphviz diagrams of a plan: component dependencies and entity relationships.

The DOT text is built here and reaches the page as the ``graphviz`` node of
:mod:`sphinx.ext.graphviz`, so every builder that extension serves draws it
(an HTML image, a LaTeX PDF figure, ``[graph: …]`` in text).
When the extension is not loaded or ``dot`` cannot be found, the collector
shows a note instead and its tables stand alone, and the build's output says
so at the collector's document (an info line: a project may choose to go
without diagrams, so it is no warning that ``-W`` would turn into an error).
"""

from __future__ import annotations

import re
import shutil
from typing import TYPE_CHECKING

from docutils import nodes

from sphinxcontrib_plan.model.graph import find_cycles
from sphinxcontrib_plan.render.nodes import note
from sphinxcontrib_plan.warnings import logger

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from sphinx.config import Config

    from sphinxcontrib_plan.model.records import ObjectRecord
    from sphinxcontrib_plan.model.sql import Table
    from sphinxcontrib_plan.render.collectors import Context

#: characters replaced by HTML entities in labels. Entities rather than
#: backslash escapes: the DOT lexer reads ``\\"`` at the end of a value as
#: an escaped quote, so a label ending in a backslash would swallow the rest
#: of the file. Graphviz decodes entities before it reads a label's own
#: escapes, hence a backslash is two entities (``\\`` → ``\``), which also
#: keeps ``\N``, ``\G`` and ``\l`` in user text from being expanded
_ENTITIES = {
    "&": "&amp;",
    '"': "&quot;",
    "\\": "&#92;&#92;",
    "<": "&lt;",
    ">": "&gt;",
    "{": "&#123;",
    "}": "&#125;",
    "|": "&#124;",
}
_SPECIAL = re.compile(r'[&"\\<>{}|]')
_NEWLINE = re.compile(r"\r\n|\r|\n")
#: DOT's line break that left-aligns the line before it (record rows)
_LEFT = r"\l"

#: shared look of both diagrams
_STYLE = (
    '  graph [fontname="Helvetica", fontsize=10, bgcolor="transparent"];\n'
    '  node [fontname="Helvetica", fontsize=10];\n'
    '  edge [fontname="Helvetica", fontsize=8, color="#4d4d4d", arrowsize=0.7];\n'
)


def escape(text: str, *, newline: str = r"\n") -> str:
    """*text* made safe inside a double-quoted DOT label, record labels included.

    Quotes, backslashes, ``&`` and the record-label metacharacters ``<>{}|``
    become entities, so the label draws exactly as written and cannot end the
    string, open a record field or name a port.

    :param text: user text
    :param newline: what a line break becomes: ``\\n`` (centred) or ``\\l``
        (left-aligned, for record rows)
    :return: the escaped text, without the surrounding quotes
    """
    out = _SPECIAL.sub(lambda m: _ENTITIES[m.group()], text)
    return _NEWLINE.sub(lambda _m: newline, out)


def _attrs(**values: str | None) -> str:
    """A DOT attribute list from values already escaped (``None`` left out)."""
    parts = [f'{k}="{v}"' for k, v in values.items() if v is not None]
    return f" [{', '.join(parts)}]" if parts else ""


def missing_graphviz(config: Config) -> str | None:
    """Why diagrams cannot be drawn in this build, or ``None`` when they can.

    :param config: the Sphinx configuration
    :return: a sentence for the reader, or ``None``
    """
    # graphviz_dot is registered by sphinx.ext.graphviz (or an extension that
    # loads it, like inheritance_diagram): its presence means the node has writers
    if "graphviz_dot" not in config:
        return "add 'sphinx.ext.graphviz' to the extensions in conf.py and install Graphviz"
    dot = config.graphviz_dot
    if not dot or shutil.which(dot) is None:
        return (
            f"the Graphviz program {dot!r} was not found; install Graphviz "
            "(e.g. 'apt-get install graphviz' or 'brew install graphviz') "
            "or set graphviz_dot in conf.py"
        )
    return None


def figure(ctx: Context, dot: str, *, what: str, caption: str) -> list[nodes.Node]:
    """The diagram as a captioned figure, or a note when Graphviz is missing.

    :param ctx: the collector context
    :param dot: the DOT source
    :param what: what the diagram shows, for the alt text and the note
    :param caption: the figure caption
    :return: nodes
    """
    reason = (
        missing_graphviz(ctx.sphinx_config)
        if ctx.sphinx_config is not None
        else ("no Sphinx configuration was given to the renderer")
    )
    if reason:
        text = f"The {what} is not drawn: it needs Graphviz; {reason}."
        logger.info(text, location=ctx.docname)
        return [note(text)]
    from sphinx.ext.graphviz import graphviz

    node = graphviz(code=dot, alt=what[:1].upper() + what[1:], classes=["plan-diagram"])
    # the options sphinx.ext.graphviz's directive gives its node: the document
    # is the working directory of dot and part of the image's cache key
    node["options"] = {"docname": ctx.docname}
    fig = nodes.figure("", node, classes=["plan-figure"])
    fig += nodes.caption(caption, caption)
    return [fig]


def component_graph(ctx: Context, components: Sequence[ObjectRecord]) -> str:
    """DOT of the components and their ``depends-on`` edges (an arrow points at the dependency).

    Components outside the selection that a selected one depends on are drawn
    dashed; edges on a dependency cycle are red.

    :param ctx: the collector context
    :param components: the selected components
    :return: the DOT source
    """
    ids = {c.id: f"c{i}" for i, c in enumerate(components)}
    lines = [
        "digraph components {",
        _STYLE,
        "  graph [rankdir=TB, nodesep=0.35, ranksep=0.5];\n"
        '  node [shape=box, style="rounded,filled", fillcolor="#e8f0fb", color="#4a6fa5"];',
    ]
    edges: list[tuple[str, str]] = []
    outside: dict[str, ObjectRecord] = {}
    for comp in components:
        for dep in comp.fields.get("depends-on", ()):
            target = ctx.index.by_id.get(dep)
            if target is None or target.type != "component":
                continue  # resolve.py already warned (plan.ref)
            if dep not in ids:
                outside[dep] = target
                ids[dep] = f"x{len(outside)}"
            edges.append((comp.id, dep))
    graph: dict[str, list[str]] = {}
    for a, b in edges:
        graph.setdefault(a, []).append(b)
    # the cycles resolve.py reports as plan.cycle, drawn in red
    on_cycle = {
        (a, b)
        for cycle in find_cycles(graph)
        for a, b in zip(cycle, cycle[1:] + cycle[:1], strict=True)
    }
    for record in [*components, *outside.values()]:
        label = record.title or record.id
        tech = record.fields.get("technology")
        text = escape(label) + (r"\n" + escape(f"({tech})") if tech else "")
        lines.append(
            f"  {ids[record.id]}"
            + _attrs(
                label=text,
                tooltip=escape(record.fields.get("responsibility") or label),
                style="rounded,dashed" if record.id in outside else None,
            )
            + ";"
        )
    for a, b in edges:
        extra = ' [color="#c0392b", penwidth=1.6]' if (a, b) in on_cycle else ""
        lines.append(f"  {ids[a]} -> {ids[b]}{extra};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _lookup(tables: Mapping[str, Table], name: str) -> Table | None:
    """The declared table a reference names: exact name, then without its schema."""
    key = name.lower()
    return tables.get(key) or tables.get(key.rsplit(".", 1)[-1])


def er_diagram(ctx: Context, schemas: Sequence[tuple[ObjectRecord, Table]]) -> str:
    """DOT of the tables (records with one field per column) and their foreign keys.

    Edges go from the referencing column to the referenced one, with crow's
    feet at the "many" end; referenced tables that are not declared are drawn
    as dashed boxes.

    :param ctx: the collector context
    :param schemas: ``(plan-table record, table)`` pairs of the selection
    :return: the DOT source
    """
    lines = [
        "digraph er {",
        _STYLE,
        "  graph [rankdir=LR, nodesep=0.3, ranksep=0.9];\n"
        '  node [shape=record, style=filled, fillcolor="#fdfdf6", color="#7a6a3a"];',
    ]
    names: dict[str, str] = {}
    declared: dict[str, Table] = {}
    for i, (_record, table) in enumerate(schemas):
        names[table.name.lower()] = f"t{i}"
        declared[table.name.lower()] = table
    for i, (record, table) in enumerate(schemas):
        fk_cols = {c for fk in table.foreign_keys for c in fk.columns}
        rows = [f"<h> {escape(table.name)}"]
        for j, col in enumerate(table.columns):
            keys = [
                k
                for k, on in (
                    ("PK", col.primary_key),
                    ("FK", col.name in fk_cols),
                    ("UQ", col.unique),
                )
                if on
            ]
            text = f"{col.name} : {col.type}" + (f"  [{', '.join(keys)}]" if keys else "")
            rows.append(f"<c{j}> {escape(text, newline=_LEFT)}{_LEFT}")
        lines.append(
            f"  t{i}"
            + _attrs(label="|".join(rows), tooltip=escape(record.title or table.name))
            + ";"
        )
    external: dict[str, str] = {}
    edges: list[str] = []
    for i, (_record, table) in enumerate(schemas):
        columns = [c.name for c in table.columns]
        for fk in table.foreign_keys:
            target = _lookup(declared, fk.ref_table)
            if target is None:
                key = fk.ref_table.lower()
                if key not in external:
                    external[key] = f"e{len(external)}"
                    lines.append(
                        f"  {external[key]}"
                        + _attrs(label=escape(fk.ref_table), shape="box", style="dashed")
                        + ";"
                    )
                head = external[key]
            else:
                node = names[target.name.lower()]
                ref_cols = fk.ref_columns or target.primary_key
                target_cols = [c.name for c in target.columns]
                head = (
                    f"{node}:c{target_cols.index(ref_cols[0])}"
                    if ref_cols and ref_cols[0] in target_cols
                    else f"{node}:h"
                )
            first = fk.columns[0]
            tail = f"t{i}:c{columns.index(first)}" if first in columns else f"t{i}:h"
            fk_col = table.columns[columns.index(first)] if first in columns else None
            single = len(fk.columns) == 1
            unique = single and (
                (fk_col is not None and (fk_col.unique or fk_col.primary_key))
                or any(u == fk.columns for u in table.uniques)
            )
            optional = any(c.nullable for c in table.columns if c.name in fk.columns)
            action = fk.on_delete and f"on delete {fk.on_delete.lower()}"
            edges.append(
                f"  {tail} -> {head}"
                + _attrs(
                    dir="both",
                    arrowtail="teeodot" if unique else "crowodot",
                    arrowhead="teeodot" if optional else "teetee",
                    label=escape(action) if action else None,
                    fontcolor="#6b6b6b",
                )
                + ";"
            )
    lines.extend(edges)
    lines.append("}")
    return "\n".join(lines) + "\n"

"""LaTeX-only layout of plan tables: column widths that fit the page, long tables, heat colours.

Sphinx lays out a table without given widths with ``tabulary``, which
squeezes wide registers until words are cut off, and cannot break a table
across pages. Here every plan table gets explicit, ragged-right column widths
measured from its text (never narrower than its longest unbreakable word),
a smaller font when the page is too narrow, ``longtable`` when it is long,
and the risk matrix and timeline get cell colours. Only standard nodes are
added (``tabular_col_spec`` and ``raw`` LaTeX), only for the LaTeX builder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sphinx.application import Sphinx

#: layouts tried in turn, roomiest first: font switch, average width of a
#: character in points at that size (a serif text font at 10pt), and
#: \tabcolsep in points (a column is padded by twice that)
LAYOUTS = (("", 4.5, 6), (r"\small", 4.1, 6), (r"\small", 4.1, 4),
           (r"\footnotesize", 3.6, 4), (r"\scriptsize", 3.2, 3))
#: the text width in points (A4 and letter with Sphinx's default margins)
TEXT_WIDTH = 450.0
#: tables with more body rows than this may break across pages
LONG_ROWS = 12
#: an unbreakable token longer than this is left to overflow rather than
#: widen its column beyond reason (TeX hyphenates most of them anyway)
MAX_TOKEN = 26

#: cell colours (light tints, legible in print and in greyscale)
HEAT = {"low": "CDEBD3", "medium": "FBE3A6", "high": "F4B4B0"}
BARS = {"done": "8FD19E", "in-progress": "9EC5F8", "planned": "D5D9DE"}

#: where LaTeX may break text: spaces, and after a hyphen that follows a
#: letter (not inside dates such as 2024-01-15; never after a slash)
_BREAK = re.compile(r"(?<=[^\W\d_]-)|\s+")


@dataclass
class _Column:
    #: the longest unbreakable piece of text, in characters
    token: int = 3
    #: the average length of the column's cells, in characters
    mean: float = 0.0


class LatexTablesTransform(SphinxPostTransform):
    """Fit every plan table to the page and colour the risk matrix and timeline."""

    # after the collectors (5) and reference resolution (10) built the tables
    default_priority = 300
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        """Lay out each plan table of the document."""
        for table in list(self.document.findall(nodes.table)):
            classes = table["classes"]
            if "plan-table" not in classes:
                continue
            if "plan-risk-matrix" in classes:
                self.heat_map(table)
            elif "plan-timeline" in classes:
                self.timeline(table)
            else:
                self.fit(table)
        for legend in self.document.findall(nodes.paragraph):
            if "plan-legend" in legend["classes"]:
                self.legend(legend)

    def fit(self, table: nodes.table) -> None:
        """Give *table* measured column widths and the largest font that fits.

        :param table: a plan table
        """
        columns = _measure(table)
        size, colsep, widths = _layout(columns)
        self.place(table, [(w, "raggedright") for w in widths], size,
                   colsep=None if colsep == 6 else f"{colsep}pt")

    def heat_map(self, table: nodes.table) -> None:
        """Colour each heat-map cell and give the three levels equal columns.

        :param table: the risk matrix
        """
        for entry in table.findall(nodes.entry):
            level = next((c.removeprefix("plan-heat-") for c in entry["classes"]
                          if c.removeprefix("plan-heat-") in HEAT), None)
            if level:
                # the strut gives empty cells a height: the colours read as a grid
                _prepend(entry, rf"\cellcolor[HTML]{{{HEAT[level]}}}\rule[-1.2em]{{0pt}}{{1em}}")
        self.place(table, [(22, "raggedright"), (26, "centering"), (26, "centering"),
                           (26, "centering")], "")

    def timeline(self, table: nodes.table) -> None:
        """Narrow week columns with coloured bars; rotated week numbers when many.

        :param table: a timeline
        """
        head = next(iter(table.findall(nodes.thead)), None)
        headers = [e.astext().strip() for e in head[0].children] if head and head.children else []
        weeks = [i for i, text in enumerate(headers) if re.fullmatch(r"W\d+", text)]
        many = len(weeks) > 12
        if many:
            # vertical week numbers keep a column as narrow as its bar
            for i in weeks:
                para = next(iter(head[0][i].findall(nodes.paragraph)), None)
                if para is not None:
                    para.insert(0, nodes.raw("", r"\rotatebox{90}{", format="latex"))
                    para += nodes.raw("", "}", format="latex")
        for entry in table.findall(nodes.entry):
            status = next((c.removeprefix("plan-bar-") for c in entry["classes"]
                           if c.removeprefix("plan-bar-") in BARS), None)
            if status and "plan-milestone" not in entry["classes"]:
                _prepend(entry, rf"\cellcolor[HTML]{{{BARS[status]}}}")
        week_width = 10.0 if many else 16.0
        rest = max(120.0, TEXT_WIDTH - week_width * len(weeks))
        share = {0: 0.42}
        others = [i for i in range(len(headers)) if i not in weeks and i != 0]
        for i in others:
            share[i] = 0.58 / len(others)
        spec = [(week_width, "centering") if i in weeks else (rest * share[i], "raggedright")
                for i in range(len(headers))]
        size = r"\small" if len(weeks) <= 12 else r"\footnotesize" if len(weeks) <= 20 else r"\scriptsize"
        self.place(table, spec, size, colsep="2pt" if many else "3pt")

    def legend(self, legend: nodes.paragraph) -> None:
        """Put the heat-map legend's levels on their cell colours.

        :param legend: the legend paragraph
        """
        for inline in list(legend.findall(nodes.inline)):
            level = next((c.removeprefix("plan-heat-") for c in inline["classes"]
                          if c.removeprefix("plan-heat-") in HEAT), None)
            if level:
                inline.insert(0, nodes.raw("", rf"\colorbox[HTML]{{{HEAT[level]}}}{{", format="latex"))
                inline += nodes.raw("", "}", format="latex")

    def place(
        self, table: nodes.table, spec: Sequence[tuple[float, str]], size: str,
        colsep: str | None = None,
    ) -> None:
        """Set the column spec of *table*, its font size, and longtable when long.

        :param table: the table
        :param spec: relative width and alignment (``raggedright`` or ``centering``) per column
        :param size: a font switch, or ``""`` for the body size
        :param colsep: a smaller ``\\tabcolsep``, if any
        """
        total = sum(w for w, _ in spec) or 1
        scale = 1000 / total
        columns = "".join(
            rf">{{\{align}\arraybackslash}}\X{{{max(1, round(w * scale))}}}{{1000}}"
            for w, align in spec)
        # Sphinx 9 wraps every cell in a varwidth box, which resets the
        # column's alignment: each cell says it again
        for part in (nodes.thead, nodes.tbody):
            for group in table.findall(part):
                for row in group.children:
                    for entry, (_, align) in zip(row.children, spec):
                        _prepend(entry, rf"\{align} ")
        rows = sum(len(body.children) for body in table.findall(nodes.tbody))
        if rows > LONG_ROWS and "longtable" not in table["classes"]:
            table["classes"].append("longtable")
        parent = table.parent
        index = parent.index(table)
        setup = size + (rf"\setlength{{\tabcolsep}}{{{colsep}}}" if colsep else "")
        before: list[nodes.Node] = []
        if setup:
            before.append(nodes.raw("", rf"\begingroup{setup}", format="latex"))
        before.append(addnodes.tabular_col_spec(spec=columns))
        for offset, node in enumerate(before):
            parent.insert(index + offset, node)
        if setup:
            parent.insert(index + len(before) + 1, nodes.raw("", r"\endgroup", format="latex"))


def _prepend(entry: nodes.entry, latex: str) -> None:
    """Put raw LaTeX at the start of a cell's first paragraph (or of the cell)."""
    para = next(iter(entry.findall(nodes.paragraph)), None)
    raw = nodes.raw("", latex, format="latex")
    if para is None:
        entry += nodes.paragraph("", "", raw)
    else:
        para.insert(0, raw)


def _measure(table: nodes.table) -> list[_Column]:
    """The longest unbreakable token and the mean text length of each column."""
    rows = [row for part in (nodes.thead, nodes.tbody) for group in table.findall(part)
            for row in group.children]
    count = max((len(r.children) for r in rows), default=0)
    columns = [_Column() for _ in range(count)]
    lengths: list[list[int]] = [[] for _ in range(count)]
    for row in rows:
        for i, entry in enumerate(row.children):
            columns[i].token = max(columns[i].token, _longest_token(entry))
            if not isinstance(row.parent, nodes.thead):
                lengths[i].append(len(entry.astext()))
    for column, values in zip(columns, lengths):
        column.mean = sum(values) / len(values) if values else float(column.token)
    return columns


def _longest_token(entry: nodes.Element) -> int:
    """Characters of the longest piece of *entry* that LaTeX cannot break.

    Text breaks at spaces and after hyphens; inline literals break at spaces
    only, and badges (enum values, HTTP methods) not at all.
    """
    longest = 0
    for node in entry.findall(nodes.Text):
        parent = node.parent
        if isinstance(parent, nodes.inline) and "plan-badge" in parent["classes"]:
            pieces = [str(node)]  # "Medium (4)" reads best on one line
        elif isinstance(parent, nodes.literal):
            pieces = str(node).split()
        else:
            pieces = _BREAK.split(str(node))
        longest = max(longest, *(len(p) for p in pieces if p), 0)
    if isinstance(entry.parent.parent, nodes.thead):
        longest = round(longest * 1.2)  # headers are set in bold sans serif
    return min(longest, MAX_TOKEN)


def _layout(columns: Sequence[_Column]) -> tuple[str, int, list[float]]:
    """Choose a font size and relative widths so that every token fits its column.

    :param columns: measured columns
    :return: the font switch, the ``\\tabcolsep`` in points, and a width per column
    """
    for size, char, colsep in LAYOUTS:
        # one character of slack for capitals and the bold sans serif header
        floor = [(c.token + 1) * char + 2 * colsep for c in columns]
        if sum(floor) <= TEXT_WIDTH:
            break
    # beyond the floors, share the room in proportion to how much text each column holds
    room = max(0.0, TEXT_WIDTH - sum(floor))
    want = [max(0.0, min(c.mean, 60) * char + 2 * colsep - f) for c, f in zip(columns, floor)]
    total = sum(want) or 1.0
    widths = [f + room * w / total for f, w in zip(floor, want)]
    return size, colsep, widths


def setup_latex(app: Sphinx) -> None:
    """Register the LaTeX-only post-transform.

    :param app: the Sphinx application
    """
    app.add_post_transform(LatexTablesTransform)

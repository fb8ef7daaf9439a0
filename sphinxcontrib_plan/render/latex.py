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
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from sphinxcontrib_plan.domain import plan_domain
from sphinxcontrib_plan.render.assets import has_plan_content

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: layouts tried in turn, roomiest first: font switch, average width of a
#: character in points at that size (a serif text font at 10pt), and
#: \tabcolsep in points (a column is padded by twice that)
LAYOUTS = (
    ("", 4.5, 6),
    (r"\small", 4.1, 6),
    (r"\small", 4.1, 4),
    (r"\footnotesize", 3.6, 4),
    (r"\scriptsize", 3.2, 3),
)
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
#: the weeks a phase may slip into: a faint tint beside its bar
SLACK = "EEF1F4"
#: classes of the timeline's mark glyphs and the macros of sphinxcontribplan.sty
MARKS = {"plan-mark-bar": "sphinxplanbar", "plan-mark-milestone": "sphinxplanmilestone"}

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
        if not has_plan_content(self.env, self.env.docname):
            return
        self.marks()
        for table in list(self.document.findall(nodes.table)):
            classes = table["classes"]
            if "plan-table" not in classes:
                continue
            if "plan-risk-matrix" in classes:
                self.heat_map(table)
            elif "plan-timeline" in classes:
                self.timeline(table)
            elif "plan-fields-table" in classes:
                fields_layout(table)
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
        place(
            table,
            [(w, "raggedright") for w in widths],
            size,
            colsep=None if colsep == 6 else f"{colsep}pt",
        )

    def heat_map(self, table: nodes.table) -> None:
        """Colour each heat-map cell and give the three levels equal columns.

        :param table: the risk matrix
        """
        for entry in table.findall(nodes.entry):
            level = next(
                (
                    c.removeprefix("plan-heat-")
                    for c in entry["classes"]
                    if c.removeprefix("plan-heat-") in HEAT
                ),
                None,
            )
            if level:
                # the strut gives empty cells a height: the colours read as a grid
                _prepend(entry, rf"\cellcolor[HTML]{{{HEAT[level]}}}\rule[-1.2em]{{0pt}}{{1em}}")
        place(
            table,
            [(22, "raggedright"), (26, "centering"), (26, "centering"), (26, "centering")],
            "",
        )

    def timeline(self, table: nodes.table) -> None:
        """Narrow time columns with coloured bars; labels turned upright when they
        would not fit across, so that none is ever clipped.

        :param table: a timeline
        """
        head = next(iter(table.findall(nodes.thead)), None)
        first_row = head[0] if head is not None and head.children else None
        cells = (
            [c for c in first_row.children if isinstance(c, nodes.entry)]
            if isinstance(first_row, nodes.row)
            else []
        )
        times = [i for i, entry in enumerate(cells) if "plan-time" in entry["classes"]]
        # a label set across needs its characters (bold sans serif at \small)
        # and the padding; when the columns cannot all be that wide, labels
        # are turned upright, so that none is ever clipped
        across = max((len(cells[i].astext()) for i in times), default=0) * 6.2 + 6
        upright = across * len(times) > TEXT_WIDTH - 170
        if upright:
            # a turned label keeps its column as narrow as a bar
            for i in times:
                para = next(iter(cells[i].findall(nodes.paragraph)), None)
                if para is not None:
                    para.insert(0, nodes.raw("", r"\rotatebox{90}{", format="latex"))
                    para += nodes.raw("", "}", format="latex")
        for entry in table.findall(nodes.entry):
            classes = entry["classes"]
            status = next(
                (
                    c.removeprefix("plan-bar-")
                    for c in classes
                    if c.removeprefix("plan-bar-") in BARS
                ),
                None,
            )
            if status and "plan-milestone" not in classes:
                _prepend(entry, rf"\cellcolor[HTML]{{{BARS[status]}}}")
            elif "plan-slack" in classes:
                _prepend(entry, rf"\cellcolor[HTML]{{{SLACK}}}")
        time_width = (9.0 if len(times) > 20 else 10.0) if upright else max(16.0, across)
        rest = max(130.0, TEXT_WIDTH - time_width * len(times))
        others = [i for i in range(len(cells)) if i not in times and i != 0]
        # the phase name takes 40%, the other columns share the rest by the text they hold
        measured = _measure(table)
        weight = {i: max(measured[i].token, min(measured[i].mean, 30.0)) for i in others}
        share = {0: 0.4, **{i: 0.6 * w / (sum(weight.values()) or 1) for i, w in weight.items()}}
        spec = [
            (time_width, "centering") if i in times else (rest * share[i], "raggedright")
            for i in range(len(cells))
        ]
        size = (
            r"\small"
            if len(times) <= 12
            else r"\footnotesize"
            if len(times) <= 20
            else r"\scriptsize"
        )
        place(table, spec, size, colsep="2pt" if upright else "3pt")

    def marks(self) -> None:
        """Swap the timeline's mark glyphs for the macros of ``sphinxcontribplan.sty``,
        which every engine sets (a glyph where the font has it, else drawn)."""
        for inline in list(self.document.findall(nodes.inline)):
            kind = next((MARKS[c] for c in inline["classes"] if c in MARKS), None)
            if kind is None:
                continue
            row = inline.parent
            while row is not None and not isinstance(row, nodes.row):
                row = row.parent
            latex = rf"\{kind}{{}}"
            if row is not None and "plan-critical" in row["classes"]:
                latex = rf"\sphinxplancritical{{{latex}}}"
            inline.replace_self(nodes.raw("", latex, format="latex"))

    def legend(self, legend: nodes.paragraph) -> None:
        """Put the heat-map legend's levels on their cell colours.

        :param legend: the legend paragraph
        """
        for inline in list(legend.findall(nodes.inline)):
            level = next(
                (
                    c.removeprefix("plan-heat-")
                    for c in inline["classes"]
                    if c.removeprefix("plan-heat-") in HEAT
                ),
                None,
            )
            if level:
                inline.insert(
                    0, nodes.raw("", rf"\colorbox[HTML]{{{HEAT[level]}}}{{", format="latex")
                )
                inline += nodes.raw("", "}", format="latex")


def place(
    table: nodes.table,
    spec: Sequence[tuple[float, str]],
    size: str,
    colsep: str | None = None,
    *,
    breakable: bool = True,
) -> None:
    """Set the column spec of *table*, its font size, and longtable when long.

    :param table: the table
    :param spec: relative width and alignment (``raggedright`` or ``centering``) per column
    :param size: a font switch, or ``""`` for the body size
    :param colsep: a smaller ``\\tabcolsep``, if any
    :param breakable: whether a long table may become a ``longtable`` (not inside a box)
    """
    total = sum(w for w, _ in spec) or 1
    scale = 1000 / total
    columns = "".join(
        rf">{{\{align}\arraybackslash}}\X{{{max(1, round(w * scale))}}}{{1000}}"
        for w, align in spec
    )
    # Sphinx 9 wraps every cell in a varwidth box, which resets the
    # column's alignment: each cell says it again. ``\arraybackslash`` gives
    # ``\\`` back its row-ending meaning: where a cell is not boxed (older
    # releases such as 7.4), a bare ``\raggedright`` would turn the row's end into a line
    # break inside the cell ("Extra alignment tab")
    for part in (nodes.thead, nodes.tbody):
        for group in table.findall(part):
            for row in group.children:
                entries = [c for c in row.children if isinstance(c, nodes.entry)]
                for entry, (_, align) in zip(entries, spec, strict=False):
                    _prepend(entry, rf"\{align}\arraybackslash ")
    rows = sum(len(body.children) for body in table.findall(nodes.tbody))
    if breakable and rows > LONG_ROWS and "longtable" not in table["classes"]:
        table["classes"].append("longtable")
    parent = table.parent
    index = parent.index(table)
    # ids in code may break after their hyphens, as the widths were measured
    setup = (
        r"\sphinxplanbreakablecode"
        + size
        + (rf"\setlength{{\tabcolsep}}{{{colsep}}}" if colsep else "")
    )
    before = [
        nodes.raw("", rf"\begingroup{setup}", format="latex"),
        addnodes.tabular_col_spec(spec=columns),
    ]
    for offset, node in enumerate(before):
        parent.insert(index + offset, node)
    parent.insert(index + len(before) + 1, nodes.raw("", r"\endgroup", format="latex"))


def fields_layout(table: nodes.table) -> None:
    """Lay out an object's fields table: labels as wide as their longest word, values the rest.

    :param table: a ``plan-fields-table``
    """
    label = min(130.0, max(70.0, (_measure(table)[0].token + 1) * 4.1 + 8))
    # a response is a list item: a longtable there would lose the indent; fields are few anyway
    boxed = any(
        isinstance(a, nodes.container) and "plan-response" in a["classes"]
        for a in _ancestors(table)
    )
    place(
        table,
        [(label, "raggedright"), (TEXT_WIDTH - label, "raggedright")],
        r"\small",
        colsep="4pt",
        breakable=not boxed,
    )


def _ancestors(node: nodes.Node) -> list[nodes.Node]:
    found = []
    while node.parent is not None:
        node = node.parent
        found.append(node)
    return found


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
    rows = [
        row
        for part in (nodes.thead, nodes.tbody)
        for group in table.findall(part)
        for row in group.children
    ]
    count = max((len(r.children) for r in rows), default=0)
    columns = [_Column() for _ in range(count)]
    lengths: list[list[int]] = [[] for _ in range(count)]
    for row in rows:
        entries = [c for c in row.children if isinstance(c, nodes.entry)]
        for i, entry in enumerate(entries):
            columns[i].token = max(columns[i].token, _longest_token(entry))
            if not isinstance(row.parent, nodes.thead):
                lengths[i].append(len(entry.astext()))
    for column, values in zip(columns, lengths, strict=True):
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
        # bold text (a compliance area) is wider than its characters count
        scale = 1.15 if isinstance(parent, nodes.strong) else 1.0
        longest = max(longest, *(round(len(p) * scale) for p in pieces if p), 0)
    if isinstance(entry.parent.parent, nodes.thead):
        longest = round(longest * 1.2)  # headers are set in bold sans serif
    return min(longest, MAX_TOKEN)


def _layout(columns: Sequence[_Column]) -> tuple[str, int, list[float]]:
    """Choose a font size and relative widths so that every token fits its column.

    :param columns: measured columns
    :return: the font switch, the ``\\tabcolsep`` in points, and a width per column
    """
    # the last layout tried is the one returned, when none fits
    for size, char, colsep in LAYOUTS:  # noqa: B007 - size is returned after the loop
        # one character of slack for capitals and the bold sans serif header
        floor = [(c.token + 1) * char + 2 * colsep for c in columns]
        if sum(floor) <= TEXT_WIDTH:
            break
    # beyond the floors, share the room in proportion to how much text each column holds
    room = max(0.0, TEXT_WIDTH - sum(floor))
    want = [
        max(0.0, min(c.mean, 60) * char + 2 * colsep - f)
        for c, f in zip(columns, floor, strict=True)
    ]
    total = sum(want) or 1.0
    widths = [f + room * w / total for f, w in zip(floor, want, strict=True)]
    return size, colsep, widths


#: the package of macros the LaTeX output uses, copied next to the .tex file
STY = Path(__file__).parent.parent / "static" / "sphinxcontribplan.sty"


def _use_sty(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Load the package, and copy it next to the .tex file, once the documents are
    read and only if one holds plan content: a project that does not use the
    extension gets the LaTeX it gets without it."""
    if app.builder.format == "latex" and plan_domain(env).has_any_content():
        app.add_latex_package("sphinxcontribplan")
        target = Path(app.builder.outdir, STY.name)
        # replaced whenever the package's copy changed (after an upgrade)
        if not target.exists() or target.read_bytes() != STY.read_bytes():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(STY, target)
    return []


def setup_latex(app: Sphinx) -> None:
    """Register the LaTeX-only post-transforms and the package they rely on.

    :param app: the Sphinx application
    """
    from sphinxcontrib_plan.render.latex_objects import LatexObjectsTransform

    app.add_post_transform(LatexObjectsTransform)
    app.add_post_transform(LatexTablesTransform)
    app.connect("env-updated", _use_sty)

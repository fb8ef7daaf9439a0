"""Interactive registers as built: which tables are marked, their sort values, the script's pages.

What the browser does with them is tested in ``test_browser.py``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import EPUB_CONF, plan_warnings

ROOT = "test-interactive"


def views(html: str) -> list[str]:
    """The keys of the interactive tables of a page, in page order."""
    return [key for key, _ in modes(html)]


def modes(html: str) -> list[tuple[str, str]]:
    """The keys and classes of the interactive tables of a page, in page order."""
    found = re.findall(
        r'<div class="plan-interactive ([^"]*) docutils container" '
        r'id="plan-view-([^"]+)"',
        html,
    )
    return [(key, classes) for classes, key in found]


def box(html: str, key: str) -> str:
    """The HTML of one interactive table's container, up to its table's end."""
    start = html.index(f'id="plan-view-{key}"')
    return html[start : html.index("</table>", start)]


SCRIPT = '<script type="application/json" class="plan-sort-values">'


def sort_values(html: str, key: str) -> list[list[str | None] | None] | None:
    """The sort values of one table's body rows, from the script element after it."""
    start = html.index(f'id="plan-view-{key}"')
    # the table's scroll box closes, then the script follows, inside the view's container
    after = html[html.index("</table>", start) :]
    found = re.match(r"</table>\n</div>\n" + re.escape(SCRIPT) + r"(.*?)</script></div>", after)
    return None if found is None else json.loads(found.group(1))


def column(html: str, key: str, index: int) -> list[str]:
    """The sort values (or ``""``) of one column of a table's body rows."""
    rows = sort_values(html, key) or []
    body = box(html, key)
    count = len(re.findall(r"<tr[^>]*>", body[body.index("<tbody>") :]))
    assert len(rows) == count, (rows, count)
    return [
        (row[index] if row and index < len(row) and row[index] is not None else "") for row in rows
    ]


@pytest.mark.sphinx("html", testroot="interactive")
def test_interactive_tables_are_marked_and_keyed(app) -> None:
    app.build()
    assert plan_warnings(app) == []
    html = (Path(app.outdir) / "registers.html").read_text(encoding="utf-8")
    # keyed by caption (or by kind when there is none), unique on the page
    assert modes(html) == [
        ("risk-register", "plan-interactive-sort"),
        ("open-risks", "plan-interactive-sort"),
        ("api-index", "plan-interactive-sort plan-grouped-lead"),
        ("technology-stack", "plan-interactive-sort plan-grouped-sections"),
        ("roles-permissions", "plan-interactive-filter"),
    ]
    # the heat map and the timeline are left as they were
    for static in ("plan-risk-matrix", "plan-timeline"):
        table = html.index(f"plan-table {static}")
        assert "plan-interactive" not in html[html.rindex("<div", 0, table) - 200 : table]
    # the script is linked from the page holding the tables and copied, from no other page
    assert re.search(
        r'<script defer="defer" src="_static/plan-tables\.js\?v=[0-9a-f]+"></script>', html
    )
    for other in ("index.html", "plain.html", "genindex.html"):
        assert "plan-tables.js" not in (Path(app.outdir) / other).read_text(encoding="utf-8"), other
    assert (Path(app.outdir) / "_static" / "plan-tables.js").read_text(encoding="utf-8") == (
        Path(__file__).parent.parent / "sphinxcontrib_plan" / "static" / "plan-tables.js"
    ).read_text(encoding="utf-8")


@pytest.mark.sphinx("html", testroot="interactive")
def test_sort_values_come_from_the_records(app) -> None:
    app.build()
    html = (Path(app.outdir) / "registers.html").read_text(encoding="utf-8")
    register = box(html, "risk-register")
    # columns: id, title, impact, severity, owner, status, review; rows by -severity, id
    assert re.findall(r'title="Risk: [^"]+"><span class="plan-xref">(RISK-\d+)', register) == [
        "RISK-2",
        "RISK-1",
        "RISK-3",
        "RISK-10",
    ]
    assert column(html, "risk-register", 0) == ["", "", "", ""]  # ids: by their text, naturally
    assert column(html, "risk-register", 2) == ["3", "2", "3", "1"]  # impact: low=1 … high=3
    assert column(html, "risk-register", 3) == ["9", "6", "3", "1"]  # severity scores
    assert column(html, "risk-register", 4) == ["", "", "", ""]  # free text
    assert column(html, "risk-register", 5) == ["1", "2", "4", "1"]  # open, mitigating, closed
    assert column(html, "risk-register", 6) == ["2024-03-01", "", "2025-01-15", "2024-11-02"]
    # one compact list per row, trailing cells without a value left out
    assert sort_values(html, "risk-register") == [
        [None, None, "3", "9", None, "1", "2024-03-01"],
        [None, None, "2", "6", None, "2"],
        [None, None, "3", "3", None, "4", "2025-01-15"],
        [None, None, "1", "1", None, "1", "2024-11-02"],
    ]
    # the cells render as they would without the script
    assert (
        '<td><p><span class="plan-badge plan-impact plan-impact-high">High</span></p></td>'
        in register
    )
    assert "<data" not in html
    # the API index: methods by their conventional order, the path cell of a group's
    # following rows left empty for the script to repeat
    api = box(html, "api-index")
    assert column(html, "api-index", 1) == ["1", "1", "2", "5"]
    assert "<td></td>" in api  # an empty cell: no empty paragraph in HTML
    # a filter-only matrix gets no sort values
    assert sort_values(html, "roles-permissions") is None
    # the stack's columns are all text: no script either
    assert sort_values(html, "technology-stack") is None
    assert html.count(SCRIPT) == 3


def test_sort_values_escape_markup() -> None:
    from docutils import nodes

    from sphinxcontrib_plan.render import interactive

    class Domain:
        """The two lookups add_sort_values makes, for one row of a made-up record."""

        class portfolio:
            by_id = {"X-1": type("R", (), {"type": "risk"})()}

            @staticmethod
            def view(record):
                return {"review": "</script><b>&"}

        registry = {
            "risk": type(
                "T",
                (),
                {
                    "field": staticmethod(
                        lambda name: type("F", (), {"kind": interactive.Kind.DATE})()
                    )
                },
            )()
        }

    table = nodes.table(plan_columns=["review"])
    body = nodes.tbody()
    body += nodes.row(plan_record="X-1")
    body[0] += nodes.entry()
    table += body
    raw = interactive.add_sort_values(Domain(), table)
    html = raw.astext()
    assert html.count("</script>") == 1 and html.endswith("</script>")
    assert "<b>" not in html and "&" not in html.removeprefix(SCRIPT).removesuffix("</script>")
    assert json.loads(html.removeprefix(SCRIPT).removesuffix("</script>")) == [["</script><b>&"]]


@pytest.mark.sphinx("html", testroot="interactive")
def test_user_text_in_cells_stays_escaped(app) -> None:
    app.build()
    html = (Path(app.outdir) / "registers.html").read_text(encoding="utf-8")
    assert "<b>closely</b>" not in html
    assert "Monitor &lt;b&gt;closely&lt;/b&gt;" in (Path(app.outdir) / "index.html").read_text(
        encoding="utf-8"
    )


@pytest.mark.sphinx("html", testroot="interactive", confoverrides={"plan_interactive": False})
def test_switched_off(app) -> None:
    app.build()
    assert plan_warnings(app) == []
    html = (Path(app.outdir) / "registers.html").read_text(encoding="utf-8")
    assert views(html) == []
    assert "plan-tables.js" not in html and "plan-sort" not in html


@pytest.mark.sphinx(
    "html", testroot="interactive", confoverrides={"plan_interactive": ["api-index", "rbac-matrix"]}
)
def test_chosen_collectors(app) -> None:
    app.build()
    html = (Path(app.outdir) / "registers.html").read_text(encoding="utf-8")
    assert views(html) == ["api-index", "roles-permissions"]


@pytest.mark.sphinx(
    "html", testroot="interactive", confoverrides={"plan_interactive": ["risk-registr"]}
)
def test_invalid_value_warns_and_uses_the_default(app) -> None:
    app.build()
    warnings = plan_warnings(app)
    assert len(warnings) == 1, warnings
    assert (
        "plan_interactive = ['risk-registr'] is invalid (bool | list of collector names)"
        in warnings[0]
    )
    assert "[plan.config]" in warnings[0]
    html = (Path(app.outdir) / "registers.html").read_text(encoding="utf-8")
    assert len(views(html)) == 5


@pytest.mark.parametrize("builder", ["latex", "text", "singlehtml", "epub"])
def test_other_builders_see_plain_tables(make_app, rootdir, tmp_path, builder) -> None:
    app = make_app(builder, srcdir=rootdir / ROOT, builddir=tmp_path, confoverrides=EPUB_CONF)
    app.build()
    assert plan_warnings(app) == []
    out = Path(app.outdir)
    text = "\n".join(
        p.read_text(encoding="utf-8")
        for p in out.rglob("*")
        if p.suffix in (".tex", ".txt", ".html", ".xhtml")
    )
    assert "Tenth risk" in text
    if builder == "singlehtml":
        # one page, every table keyed once
        keys = views(text)
        assert len(keys) == 5 and len(set(keys)) == 5
        assert "plan-tables.js" in text
    else:
        assert "plan-sort" not in text and "plan-view-" not in text
        assert "plan-tables.js" not in text


def test_the_reference_names_every_declared_table() -> None:
    from sphinxcontrib_plan.model.collectors import COLLECTORS

    reference = (Path(__file__).parent.parent / "docs" / "reference" / "collectors.md").read_text(
        encoding="utf-8"
    )
    section = reference[reference.index("## Sorting and filtering in the browser") :]
    for kind in COLLECTORS.values():
        klass, mode = f"plan-{kind.name}", kind.table
        row = next(
            line
            for line in section.splitlines()
            if line.startswith("|") and f"`{klass}`" in line.split("|")[1]
        )
        assert ("static" in row) == (mode is None), klass
        if mode is None:
            continue
        assert ("filter only" in row) == (not mode.sort), klass
        if mode.group == "sections":
            assert "within each layer" in row, klass

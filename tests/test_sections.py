"""The plan's sections: compliance, architecture, stack, data model, security, operations.

Objects and collectors in HTML (read back with ``html.parser``), MyST and
rST giving the same text, cycles and bad references, diagrams with and
without Graphviz, and the LaTeX and text builders.
"""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import build_warnings, has_tool

from sphinxcontrib_plan.render.diagrams import escape, missing_graphviz

needs_dot = pytest.mark.tools("dot")

SVG = "{http://www.w3.org/2000/svg}"


# -- reading HTML back -------------------------------------------------------


@dataclass
class Cell:
    """Text and link targets of one table cell."""

    text: str = ""
    hrefs: list[str] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)


@dataclass
class Table:
    """A table of a page: caption, header cells, body rows."""

    caption: str = ""
    classes: list[str] = field(default_factory=list)
    head: list[Cell] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)

    def column(self, name: str) -> list[Cell]:
        """The cells under the header *name* (rows as long as the header)."""
        i = [c.text for c in self.head].index(name)
        return [row[i] for row in self.rows if len(row) == len(self.head)]

    def texts(self) -> list[list[str]]:
        """Every row's cell texts."""
        return [[c.text for c in row] for row in self.rows]


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[Table] = []
        self.stack: list[Table] = []
        self.cell: Cell | None = None
        self.in_caption = False
        self.in_head = False
        self.row: list[Cell] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        classes = (attr.get("class") or "").split()
        if tag == "table":
            self.stack.append(Table(classes=classes))
        elif not self.stack:
            return
        elif tag == "caption":
            self.in_caption = True
        elif tag == "thead":
            self.in_head = True
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell = Cell(classes=classes)
        elif tag == "a" and self.cell is not None and attr.get("href"):
            self.cell.hrefs.append(attr["href"] or "")
        elif tag in ("br", "p") and self.cell is not None and self.cell.text:
            self.cell.text += " "

    def handle_endtag(self, tag: str) -> None:
        if not self.stack:
            return
        table = self.stack[-1]
        if tag == "table":
            self.tables.append(self.stack.pop())
        elif tag == "caption":
            self.in_caption = False
        elif tag == "thead":
            self.in_head = False
        elif tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.cell.text = " ".join(self.cell.text.split())
            self.row.append(self.cell)
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if self.in_head:
                table.head = self.row
            else:
                table.rows.append(self.row)
            self.row = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.text += data
        elif self.in_caption and self.stack:
            self.stack[-1].caption += data


def tables(app, page: str) -> list[Table]:
    """The tables of an HTML page, captions stripped of their numbers and permalinks."""
    parser = _Tables()
    parser.feed(html(app, page))
    for table in parser.tables:
        table.caption = re.sub(r"^Table \d+\s*", "", " ".join(table.caption.split())).strip(" ¶")
    return parser.tables


def table(app, page: str, caption: str, nth: int = 0) -> Table:
    """The *nth* table of *page* with this caption."""
    found = [t for t in tables(app, page) if t.caption == caption]
    assert len(found) > nth, (
        f"no table {caption!r} in {page}: {[t.caption for t in tables(app, page)]}"
    )
    return found[nth]


def html(app, page: str) -> str:
    return (Path(app.outdir) / f"{page}.html").read_text(encoding="utf-8")


def text(path: Path) -> str:
    return " ".join(path.read_text(encoding="utf-8").split())


def warnings(app) -> list[str]:
    return build_warnings(app)


# -- the objects --------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="sections")
def test_every_section_type_renders_with_its_body(app):
    app.build()
    assert warnings(app) == []
    pages = {p: html(app, p) for p in ("compliance", "architecture", "data", "api", "operations")}
    every = "".join(pages.values())
    for typ in (
        "check",
        "exemption",
        "component",
        "pattern",
        "tech",
        "service",
        "dependency",
        "table",
        "migration",
        "endpoint",
        "event",
        "role",
        "test",
        "metric",
        "alert",
    ):
        assert re.search(rf'class="[^"]*\bplan-object plan-{typ}\b', every), typ
    for marker in (
        "EXEMPTION-BODY-MARKER",
        "COMPONENT-BODY-MARKER",
        "TABLE-PROSE-MARKER",
        "MIGRATION-BODY-MARKER",
        "pm_abc123",
    ):
        assert marker in every, marker
    # checklists count MyST task-list items and plain "[x]" items alike
    compliance = pages["compliance"]
    assert compliance.count("2/3 done") == 2
    assert "1/2 done" in compliance and "2/2 done" in compliance
    assert 'id="check-042-quality-gates"' in compliance  # an untitled checklist


@pytest.mark.sphinx("html", testroot="sections")
def test_plan_table_shows_its_columns_below_the_sql(app):
    app.build()
    page = html(app, "data")
    sql = page.index("CREATE")
    columns = page.index("Columns of users")
    assert sql < columns < page.index("Columns of payment_methods")
    # the schema sits between the SQL block and the prose that follows it
    assert (
        page.index("idx_user_last_four")
        < page.index("Columns of payment_methods")
        < page.index("TABLE-PROSE-MARKER")
    )
    pm = table(app, "data", "Columns of payment_methods")
    assert [c.text for c in pm.head] == ["Column", "Type", "Nullable", "Default", "Key"]
    rows = {r[0]: r for r in pm.texts()}
    assert rows["id"] == ["id", "UUID", "no", "gen_random_uuid()", "PK"]
    assert rows["user_id"][4] == "FK → users.id"
    assert rows["metadata"][3] == "'{}'"
    assert rows["created_at"][1] == "TIMESTAMP WITH TIME ZONE"
    users = {r[0]: r for r in table(app, "data", "Columns of users").texts()}
    assert users["email"][4] == "UQ"
    # the inline INDEX form of the template, and CREATE INDEX ... WHERE
    assert "idx_created_at (created_at DESC)" in page
    assert "idx_user_last_four UNIQUE (user_id, last_four)" in page
    assert "idx_tx_user (user_id) WHERE amount_cents &gt; 1000" in page


# -- the collectors -------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="sections")
def test_compliance_groups_checks_by_area(app):
    app.build()
    main = table(app, "collectors", "Compliance by area")
    assert [c.text for c in main.head] == ["Area", "Area done", "Checklist", "Progress"]
    areas = [(r[0].text, r[1].text) for r in main.rows if r[0].text]
    assert areas == [
        ("Architecture", "2/3 done (67%)"),
        ("Quality Gates", "2/2 done (100%)"),
        ("Security", "1/3 done (33%)"),
        ("Testing", "2/3 done (67%)"),
        ("All areas", "7/11 done (64%)"),
    ]
    # the HTML polish drew a meter from the percentage kept on the figure's node
    assert "plan-area-progress" in main.rows[0][1].classes
    assert re.search(
        r'2/3 done \(67%\)</span><span class="plan-meter plan-meter-70">', html(app, "collectors")
    )
    assert "plan-area-complete" in main.rows[1][0].classes
    checklists = main.column("Checklist")
    assert checklists[0].text == "Architecture principles"
    assert checklists[0].hrefs == ["compliance.html#check-042-architecture-principles"]
    assert checklists[1].text == "042-quality-gates"
    security = table(app, "collectors", "Security only")
    assert [r[2].text for r in security.rows] == ["Data protection", "Security requirements"]
    exemptions = table(app, "collectors", "Exemptions")
    assert exemptions.texts() == [
        [
            "Redis streams instead of Kafka",
            "Volume below 100 events per second",
            "CTO",
            "2024-01-12",
        ]
    ]


@pytest.mark.sphinx("html", testroot="sections")
def test_tech_stack_groups_by_layer_with_services_and_dependencies(app):
    app.build()
    stack = table(app, "collectors", "Technology stack")
    groups = [r[0].text for r in stack.rows if "plan-group" in r[0].classes]
    assert groups == ["Frontend", "Backend", "Data", "Infrastructure"]
    assert [r[1].text for r in stack.rows][:3] == ["", "React", "Redux Toolkit"]
    react = stack.rows[1]
    assert react[1].hrefs == ["architecture.html#tech-042-react"]
    assert [c.text for c in react] == [
        "Framework",
        "React",
        "18.2",
        "Team expertise",
        "Vue, Angular",
    ]
    assert [r[0].text for r in table(app, "collectors", "Third-party services").rows] == [
        "SendGrid",
        "Stripe",
    ]
    deps = table(app, "collectors", "New dependencies")
    assert [(r[0].text, r[3].text) for r in deps.rows] == [
        ("stripe-python", "Approved"),
        ("tenacity", "Pending"),
    ]
    page = html(app, "collectors")
    assert "plan-approval-approved" in page and "plan-approval-pending" in page


@needs_dot
@pytest.mark.sphinx("html", testroot="sections")
def test_architecture_links_both_ways_and_draws_the_graph(app):
    app.build()
    comps = table(app, "collectors", "Components")
    assert [c.text for c in comps.head] == [
        "Component",
        "Responsibility",
        "Technology",
        "Depends on",
        "Used by",
    ]
    rows = {r[0].text: r for r in comps.rows}
    assert rows["API Gateway"][3].text == "Payment Service, Auth Service"
    assert rows["API Gateway"][3].hrefs == [
        "architecture.html#component-payments",
        "architecture.html#component-auth",
    ]
    assert rows["Payment Service"][4].text == "API Gateway"
    assert rows["Stripe Adapter"][4].hrefs == ["architecture.html#component-payments"]
    assert rows["Analytics Service"][4].text == ""
    custom = table(app, "collectors", "Who uses whom")
    assert [c.text for c in custom.head] == ["Component", "Depends on", "Used by"]
    assert custom.rows[0][0].text == "Stripe Adapter"  # :sort: -title
    assert [r[0].text for r in table(app, "collectors", "Design patterns").rows] == [
        "Factory",
        "Observer",
        "Repository",
    ]
    page = html(app, "collectors")
    images = re.findall(r'<object data="(_images/graphviz-[0-9a-f]+\.svg)"', page)
    assert len(images) == 3  # two architecture graphs, one ER diagram
    assert "Component dependencies" in page
    labels = svg_texts(Path(app.outdir) / images[0])
    assert {"API Gateway", "(Kong)", "Stripe Adapter", '(httpx "async" client)'} <= labels


@needs_dot
@pytest.mark.sphinx("html", testroot="sections")
def test_data_model_relationships_link_declared_tables(app):
    app.build()
    summary = table(app, "collectors", "Tables")
    assert summary.texts() == [["payment_methods", "7"], ["transactions", "5"], ["users", "3"]]
    page = html(app, "collectors")
    items = re.findall(r'<ul class="[^"]*plan-relationships[^"]*">(.*?)</ul>', page, re.S)[0]
    relations = [
        " ".join(re.sub(r"<[^>]+>", "", li).split())
        for li in re.findall(r"<li>(.*?)</li>", items, re.S)
    ]
    assert relations == [
        "payment_methods.user_id → users.id (ON DELETE CASCADE)",
        "transactions.user_id → users.id",
        "transactions.payment_method_id → payment_methods.id (ON DELETE SET NULL)",
        "transactions.tenant_id → tenants.id",
    ]
    first = re.findall(r"<li>(.*?)</li>", items, re.S)
    assert re.findall(r'href="([^"]+)"', first[0]) == [
        "data.html#table-042-payment-methods",
        "data.html#table-042-users",
    ]
    assert re.findall(r'href="([^"]+)"', first[3]) == ["data.html#table-042-transactions"]
    er = re.findall(r'<object data="(_images/graphviz-[0-9a-f]+\.svg)"', page)[-1]
    labels = svg_texts(Path(app.outdir) / er)
    assert {
        "payment_methods",
        "user_id : UUID [FK]",
        "id : UUID [PK]",
        "email : VARCHAR(255) [UQ]",
        "tenants",
        "on delete cascade",
    } <= labels


@pytest.mark.sphinx("html", testroot="sections")
def test_rbac_matrix_marks_grants_and_lists_endpoints(app):
    app.build()
    matrix = table(app, "collectors", "Roles × permissions")
    assert [c.text for c in matrix.head] == ["Permission", "Admin", "Support", "User", "Needed by"]
    assert matrix.head[1].hrefs == ["api.html#role-042-admin"]
    rows = {r[0].text: r for r in matrix.rows}
    assert [c.text for c in rows["read:all_users"][1:4]] == ["✓", "", ""]
    assert [c.text for c in rows["read:own_transactions"][1:4]] == ["", "✓", "✓"]
    assert rows["read:all_users"][4].text == "GET /api/v1/admin/users, DELETE /api/v1/users/{id}"
    assert len(rows["read:all_users"][4].hrefs) == 2
    assert rows["write:all_data"][4].text == ""
    narrowed = table(app, "collectors", "Without support")
    assert [c.text for c in narrowed.head] == ["Permission", "Admin", "User", "Needed by"]
    assert table(app, "collectors", "Roles").texts() == [
        ["Admin", "read:all_users, write:all_data, delete:users"],
        ["User", "read:own_payment_methods, write:own_payment_methods, read:own_transactions"],
    ]


@pytest.mark.sphinx("html", testroot="sections")
def test_observability_and_event_catalog(app):
    app.build()
    metrics = table(app, "collectors", "Metrics")
    assert metrics.texts()[1] == [
        "payment_api_latency_seconds",
        "Histogram",
        "endpoint, method",
        "0.05, 0.1, 0.25, 0.5, 1",
        "seconds",
    ]
    alerts = table(app, "collectors", "Alerts")
    assert [(r[0].text, r[1].text) for r in alerts.rows] == [
        ("High error rate", "Critical"),
        ("Slow responses", "Warning"),
        ("Low cache hit ratio", "Info"),
    ]
    assert [r[0].text for r in table(app, "collectors", "Histograms only").rows] == [
        "payment_api_latency_seconds"
    ]
    catalog = table(app, "collectors", "Event catalog")
    assert [c.text for c in catalog.head] == ["Published by", "Event", "Consumed by"]
    assert catalog.texts()[0] == [
        "Payment Service",
        "payment_method.created",
        "Notification Service, Analytics Service",
    ]
    assert catalog.rows[0][2].hrefs == [
        "architecture.html#component-notifications",
        "architecture.html#component-analytics",
    ]
    page = html(app, "collectors")
    for anchor in (
        "component-gateway",
        "table-042-users",
        "role-042-admin",
        "alert-042-high-error-rate",
        "metric-042-payment-api-latency-seconds",
        "tech-042-fastapi",
        "event-042-payment-method-created",
    ):
        assert f'#{anchor}"' in page, anchor


# -- syntaxes and builders ------------------------------------------------------


def test_myst_and_rst_give_the_same_text(make_app, rootdir, tmp_path):
    app = make_app("text", srcdir=rootdir / "test-sections", builddir=tmp_path / "myst")
    app.build()
    # the second application must not find the first one's nodes still registered
    app.cleanup()
    rst = make_app("text", srcdir=rootdir / "test-sections-rst", builddir=tmp_path / "rst")
    rst.build()
    assert warnings(app) == [] and warnings(rst) == []
    pages = sorted(p.name for p in Path(app.outdir).glob("*.txt"))
    assert pages == sorted(p.name for p in Path(rst.outdir).glob("*.txt"))
    assert len(pages) == 7
    for name in pages:
        assert (Path(app.outdir) / name).read_text(encoding="utf-8") == (
            Path(rst.outdir) / name
        ).read_text(encoding="utf-8"), name
    collectors = text(Path(app.outdir) / "collectors.txt")
    if has_tool("dot"):
        assert "[graph: Component dependency graph]" in collectors
    else:  # the note says why, in both syntaxes alike (compared above)
        assert "The component dependency graph is not drawn: it needs Graphviz" in collectors


@needs_dot
@pytest.mark.sphinx("latex", testroot="sections")
def test_latex_builds_with_diagrams_and_marks(app):
    app.build()
    assert warnings(app) == []
    tex = (Path(app.outdir) / "sections.tex").read_text(encoding="utf-8")
    assert tex.count(r"\sphinxincludegraphics[]{graphviz-") == 3
    assert r"\(\checkmark\)" in tex  # the ✓ of the RBAC matrix
    assert "Compliance by area" in tex and "Entity relationships" in tex
    assert len(list(Path(app.outdir).glob("graphviz-*.pdf"))) == 3


# -- without Graphviz -----------------------------------------------------------------


@pytest.mark.sphinx(
    "html",
    testroot="sections",
    srcdir="sections-no-dot",
    confoverrides={"graphviz_dot": "no-such-dot-binary"},
)
def test_without_dot_the_tables_stand_alone_with_a_note(app):
    app.build()
    assert warnings(app) == []
    page = html(app, "collectors")
    assert 'class="graphviz' not in page and "_images/graphviz" not in page
    assert not (Path(app.outdir) / "_images").exists()
    notes = re.findall(r'<p class="plan-note">(.*?)</p>', page, re.S)
    assert len([n for n in notes if "needs Graphviz" in n]) == 3
    assert "'no-such-dot-binary' was not found" in notes[-1]
    # the tables are all there
    assert len(table(app, "collectors", "Components").rows) == 6
    assert len(table(app, "collectors", "Tables").rows) == 3


@pytest.mark.sphinx(
    "text",
    testroot="sections",
    srcdir="sections-no-graphviz",
    confoverrides={"extensions": ["myst_parser", "sphinxcontrib_plan"]},
)
def test_without_the_graphviz_extension(app):
    app.build()
    assert warnings(app) == []
    collectors = text(Path(app.outdir) / "collectors.txt")
    assert "[graph:" not in collectors
    assert collectors.count("needs Graphviz; add 'sphinx.ext.graphviz' to the extensions") == 3
    assert "Payment Service" in collectors


# -- cycles and bad references ------------------------------------------------------


@pytest.mark.sphinx("html", testroot="cycles")
def test_cycles_and_bad_references_warn_at_their_lines(app):
    app.build()
    found = warnings(app)

    def one(subtype: str, where: str, *fragments: str) -> str:
        hits = [
            w
            for w in found
            if f"[plan.{subtype}]" in w
            and f"index.md:{where}:" in w
            and all(f in w for f in fragments)
        ]
        assert len(hits) == 1, f"{subtype} at {where} {fragments}:\n" + "\n".join(found)
        return hits[0]

    one("cycle", "8", "phase dependency cycle: pa → pb → pa")
    one("cycle", "20", "component dependency cycle: ca → cb → cc → ca")
    one("ref", "35", "depends-on names 'ghost', which is no object")
    one("ref", "40", "consumed-by names 'pa', which is a phase, not a component")
    one("ref", "40", "consumed-by names 'nobody', which is no object")
    one("sql", "46", "'broken_table'", "could not be read")
    one("sql", "54", "'no_sql'", "no sql code block")
    page = html(app, "index")
    assert re.search(r"<pre>(?:(?!</pre>).)*broken_table", page, re.S)  # the SQL is still shown
    assert "no columns could be read" in page
    catalog = table(app, "index", "Event catalog")
    # each field shows as on the object's page: a "component" that is a phase,
    # or nothing, stays as written
    assert catalog.texts() == [["Component D", "order.placed", "pa, nobody"]]
    assert catalog.rows[0][2].hrefs == []
    if has_tool("dot"):
        (svg,) = re.findall(r'<object data="(_images/graphviz-[0-9a-f]+\.svg)"', page)
        drawing = (Path(app.outdir) / svg).read_text(encoding="utf-8")
        # the three edges of the cycle ca → cb → cc → ca are red, cd → ca is not
        assert drawing.count('stroke="#c0392b"') == 6  # each edge: its line and its arrowhead


# -- the DOT text ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("plain text", "plain text"),
        ('say "hi"', "say &quot;hi&quot;"),
        ("back\\slash\\", "back&#92;&#92;slash&#92;&#92;"),
        ("a\nb\r\nc", r"a\nb\nc"),
        ("<port> {x} | y", "&lt;port&gt; &#123;x&#125; &#124; y"),
        ("R&D &amp;", "R&amp;D &amp;amp;"),
        (r"\N \G \l", r"&#92;&#92;N &#92;&#92;G &#92;&#92;l"),
    ],
)
def test_escape(raw, escaped):
    assert escape(raw) == escaped


def test_escape_left_aligned_lines():
    assert escape("a\nb", newline=r"\l") == r"a\lb"


def svg_texts(path: Path) -> set[str]:
    root = ET.parse(path).getroot()
    return {t.text or "" for t in root.iter(f"{SVG}text")}


@needs_dot
def test_escaped_labels_draw_exactly_as_written(tmp_path):
    nasty = 'a\\ "b" <c> {d}|e & f &amp; \\N \\G end\\'
    dot = (
        "digraph g {\n"
        f'  n [shape=record, label="<h> {escape(nasty)}|<c0> {escape(nasty, newline=chr(92) + "l")}\\l"];\n'
        f'  m [label="{escape(nasty)}"];\n'
        "  n:c0 -> m;\n}\n"
    )
    out = subprocess.run(
        ["dot", "-Tsvg", "-o", str(tmp_path / "g.svg")],
        input=dot.encode(),
        capture_output=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr.decode()
    texts = [t for t in svg_texts(tmp_path / "g.svg")]
    assert texts and all(t == nasty for t in texts), texts


class _Config:
    def __init__(self, **values: object) -> None:
        self.values = values

    def __contains__(self, name: str) -> bool:
        return name in self.values

    def __getattr__(self, name: str) -> object:
        return self.values[name]


def test_missing_graphviz_reasons():
    assert "sphinx.ext.graphviz" in missing_graphviz(_Config())
    assert "'nope-dot' was not found" in missing_graphviz(_Config(graphviz_dot="nope-dot"))
    if has_tool("dot"):
        assert missing_graphviz(_Config(graphviz_dot="dot")) is None


@pytest.mark.parametrize("builder", ["epub", "man"])
def test_epub_and_man_build_without_warnings(make_app, rootdir, tmp_path, builder):
    # epub finds graphviz's html visitors only if no extension registers
    # visitors under the name "epub"; man pages cannot span table cells
    app = make_app(
        builder,
        srcdir=rootdir / "test-sections",
        builddir=tmp_path,
        confoverrides={"copyright": "2024", "version": "1"},
    )
    app.build()
    assert warnings(app) == []


def test_a_diagram_without_graphviz_says_so_in_the_page_and_the_build_output(make_app, tmp_path):
    (tmp_path / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinxcontrib_plan"]\n'
        'myst_enable_extensions = ["colon_fence"]\n',
        encoding="utf-8",
    )
    (tmp_path / "index.md").write_text(
        "# Index\n\n:::{plan} P\n:id: 1\n:::\n\n:::{plan-component} A\n:id: a\n:depends-on: b\n"
        ":::\n\n:::{plan-component} B\n:id: b\n:::\n\n:::{plan-architecture}\n:::\n",
        encoding="utf-8",
    )
    app = make_app("html", srcdir=tmp_path)
    app.build()
    assert warnings(app) == []  # a project may go without diagrams: no warning for -W
    said = (
        "The component dependency graph is not drawn: it needs Graphviz; add "
        "'sphinx.ext.graphviz' to the extensions in conf.py and install Graphviz."
    )
    assert f"{tmp_path / 'index.md'}: {said}" in app.status.getvalue()
    assert said in html(app, "index")

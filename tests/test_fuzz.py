"""Property-based builds: random plans in MyST and reST never crash, never lose a body,
and every warning they give is a located ``plan.*`` warning or a parser's syntax warning.

``PLAN_FUZZ_EXAMPLES`` sets the number of random projects (default 25, for CI).
"""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_colors

from sphinxcontrib_plan.model.collectors import COLLECTORS
from sphinxcontrib_plan.model.types import BUILTIN_TYPES
from sphinxcontrib_plan.model.typespec import Kind

FUZZ = settings(
    max_examples=int(os.environ.get("PLAN_FUZZ_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)

TYPES = {t.name: t for t in BUILTIN_TYPES}
OBJECT_TYPES = sorted(n for n in TYPES if n not in ("plan", "response"))
ROLE_TYPES = sorted([t.name for t in BUILTIN_TYPES if t.role] + ["ref"])
IDS = ["001", "002", "R-1", "R-2", "P-1", "P-2", "C-1", "E-1", "x y", "é-1", "R-1 "]

#: pieces of text that mean something to one of the parsers or to us
TRICKY = [
    "",
    " ",
    "*",
    "**",
    "`",
    "``",
    "_",
    "__",
    "|",
    "\\",
    "\\\\",
    "[",
    "]",
    "{",
    "}",
    "<",
    ">",
    "&",
    "#",
    " #",
    "%",
    "$",
    "~",
    "^",
    "'",
    '"',
    ":",
    "::",
    ":x:",
    "-",
    "--",
    "- x",
    "* x",
    "1. x",
    "#. x",
    ".. x",
    "..",
    "é",
    "中文",
    "🚀",
    "a, b",
    ",",
    "high",
    "HIGH",
    "Medium",
    "In Review",
    "in_progress",
    "2024-01-15",
    "2024-13-45",
    "3-4",
    "4-2",
    "week 2",
    "0",
    "50%",
    "150",
    "-1",
    "1e3",
    "true",
    "no",
    "maybe",
    "GET /x",
    "post /items/{id}",
    "FETCH",
    "{plan:risk}`R-1`",
    ":plan:risk:`R-1`",
    "<script>alert(1)</script>",
    "&amp;",
    "R-1",
    "001",
    "x <R-1>",
    "http://example.com",
    "./other",
    "/b",
    "b.rst",
    "---",
    ":::",
    "```",
]
_chars = st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp"))
word = st.one_of(st.sampled_from(TRICKY), st.text(_chars, max_size=10))
#: one line of text: no line breaks, anything else goes
line = st.lists(word, max_size=4).map(" ".join)
ident = st.one_of(st.sampled_from(IDS), line)

SAMPLES = {
    Kind.TEXT: ["Some text"],
    Kind.DATE: ["2024-01-15", "2024-02-30"],
    Kind.WEEKS: ["2", "3-4"],
    Kind.LIST: ["a, b"],
    Kind.FLAG: ["", "true", "yes"],
    Kind.PERCENT: ["40", "40%"],
    Kind.NUMBER: ["3"],
    Kind.DOC: ["b", "index.md", "https://example.com/spec"],
}


def _value(spec) -> st.SearchStrategy[str]:
    if spec.kind is Kind.ENUM:
        good = st.sampled_from(list(spec.choices) + [c.upper() for c in spec.choices])
    elif spec.kind in (Kind.REF, Kind.REFS):
        good = st.lists(st.sampled_from(IDS), min_size=1, max_size=3).map(", ".join)
    else:
        good = st.sampled_from(SAMPLES[spec.kind])
    return st.one_of(good, line)


@st.composite
def options(draw, names: list[str], specs: dict) -> list[tuple[str, str]]:
    """Known options with good or random values, misspelled and random ones, repeats."""
    chosen = draw(
        st.lists(
            st.one_of(
                st.sampled_from(names),
                st.sampled_from(names).map(lambda n: n[:-1] or "x"),  # a typo
                st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True),
            ),
            max_size=5,
        )
    )
    out = []
    for name in chosen:
        value = draw(_value(specs[name])) if name in specs else draw(line)
        out.append((name, value))
    return out


@dataclass
class Block:
    """One directive (or paragraph) of a generated document."""

    #: directive name, or ``""`` for a paragraph
    name: str
    title: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    #: body paragraphs (text lines) and nested blocks
    body: list[str | Block] = field(default_factory=list)
    #: MyST only: options as a YAML block between ``---`` lines
    yaml: bool = False


class Markers:
    """Unique marker words, one per body."""

    def __init__(self) -> None:
        self.all: list[str] = []

    def new(self) -> str:
        marker = f"MARKER{len(self.all)}Q"
        self.all.append(marker)
        return marker


@st.composite
def body(draw, markers: Markers, nested: list[Block] | None = None) -> list[str | Block]:
    parts: list[str | Block] = [markers.new()]
    if draw(st.booleans()):
        # random inline text after a word, so it cannot open a block construct
        parts.append("Note " + draw(line))
    if draw(st.booleans()):
        parts.append(
            "\n".join(
                f"- [{draw(st.sampled_from([' ', 'x']))}] "
                f"{draw(st.sampled_from(['item', 'done', 'open']))}"
                for _ in range(draw(st.integers(1, 3)))
            )
        )
    parts.extend(nested or [])
    return parts


@st.composite
def plan_object(draw, markers: Markers, depth: int = 0) -> Block:
    typ = draw(st.sampled_from(OBJECT_TYPES + ["response"]))
    otype = TYPES[typ]
    specs = {f.name: f for f in otype.all_fields}
    if typ == "endpoint":
        title = draw(
            st.one_of(
                st.sampled_from(
                    ["GET /items", "POST /items/{id}", "ws /live", "DELETE /x/{a}/{b}"]
                ),
                line,
            )
        )
    elif typ == "response":
        title = draw(st.one_of(st.sampled_from(["200 OK", "404", "5XX", "default"]), line))
    else:
        title = draw(line)
    opts = draw(options(list(specs), specs))
    if draw(st.booleans()):
        opts.append(("id", draw(ident)))
    nested: list[Block] = []
    if typ == "endpoint" and depth == 0:
        for _ in range(draw(st.integers(0, 2))):
            response = draw(plan_object(markers, depth=1))
            response.name = "plan-response"
            response.title = draw(st.sampled_from(["200 OK", "201 Created", "404", "bad"]))
            nested.append(response)
    if typ == "table" and draw(st.booleans()):
        nested.append(
            "```sql\n"
            + draw(
                st.sampled_from(
                    [
                        "CREATE TABLE t (id INT PRIMARY KEY, b TEXT REFERENCES u(id));",
                        "CREATE TABLE t (id INT,",
                        "DROP TABLE t;",
                        "SELECT 1;",
                        "",
                    ]
                )
            )
            + "\n```"
        )
    return Block(f"plan-{typ}", title, opts, draw(body(markers, nested)), draw(st.booleans()))


FILTER_WORDS = [
    "impact",
    "status",
    "owner",
    "title",
    "id",
    "severity",
    "==",
    "!=",
    ">=",
    "<",
    "in",
    "and",
    "or",
    "not",
    "(",
    ")",
    "[",
    "]",
    ",",
    "'high'",
    '"x"',
    "high",
    "3",
    "__import__('os')",
    ";",
    "=",
    "&&",
]


@st.composite
def collector(draw) -> Block:
    kind = draw(st.sampled_from(sorted(COLLECTORS)))
    opts: list[tuple[str, str]] = []
    if kind == "query" or draw(st.booleans()):
        opts.append(("type", draw(st.one_of(st.sampled_from(OBJECT_TYPES), line))))
    if draw(st.booleans()):
        opts.append(("plan", draw(st.lists(st.sampled_from(IDS), max_size=3).map(", ".join))))
    if draw(st.booleans()):
        opts.append(
            (
                "filter",
                draw(
                    st.one_of(
                        st.lists(st.sampled_from(FILTER_WORDS), max_size=7).map(" ".join), line
                    )
                ),
            )
        )
    if draw(st.booleans()):
        opts.append(
            ("sort", draw(st.one_of(st.sampled_from(["-severity, id", "title", "-x"]), line)))
        )
    if draw(st.booleans()):
        opts.append(
            ("columns", draw(st.one_of(st.sampled_from(["id, title", "status, nope"]), line)))
        )
    if draw(st.booleans()):
        opts.append(("caption", draw(line)))
    if draw(st.booleans()):
        opts.append((draw(st.from_regex(r"[a-z][a-z-]{0,8}", fullmatch=True)), draw(line)))
    return Block(f"plan-{kind}", "", opts, [])


@st.composite
def plan_block(draw, markers: Markers) -> Block:
    specs = {f.name: f for f in TYPES["plan"].all_fields}
    opts = draw(options(list(specs), specs))
    if draw(st.integers(0, 4)):
        opts.insert(0, ("id", draw(ident)))
    return Block("plan", draw(line), opts, draw(body(markers)))


@st.composite
def paragraph(draw) -> Block:
    refs = draw(
        st.lists(
            st.tuples(
                st.sampled_from(ROLE_TYPES),
                st.one_of(
                    st.sampled_from(IDS + ["GET /items", "post  /items/{id}", "Title <R-1>"]),
                    st.text(
                        st.characters(
                            exclude_categories=("Cs", "Cc", "Zl", "Zp"), exclude_characters="`<>\\"
                        ),
                        min_size=1,
                        max_size=8,
                    ).filter(str.strip),
                ),
            ),
            min_size=1,
            max_size=3,
        )
    )
    return Block("", body=[("ref", r) for r in refs])  # type: ignore[misc]


@st.composite
def wrapped(draw, markers: Markers) -> Block:
    """An object or collector inside an ordinary directive (a nested parse)."""
    inner = draw(st.one_of(plan_object(markers), collector()))
    return Block("note", "", [], [markers.new(), inner])


@st.composite
def document(draw, markers: Markers) -> tuple[str | None, list[Block]]:
    meta = draw(st.one_of(st.none(), st.sampled_from(IDS[:3])))
    blocks = draw(
        st.lists(
            st.one_of(
                plan_block(markers),
                plan_object(markers),
                plan_object(markers),
                collector(),
                paragraph(),
                wrapped(markers),
            ),
            min_size=1,
            max_size=6,
        )
    )
    return meta, blocks


# -- rendering ------------------------------------------------------------------


def _depth(block: Block) -> int:
    return 1 + max((_depth(b) for b in block.body if isinstance(b, Block)), default=0)


def _ref(syntax: str, role: str, target: str) -> str:
    return f"{{plan:{role}}}`{target}`" if syntax == "md" else f":plan:{role}:`{target}`"


def render_md(block: Block) -> str:
    if not block.name:
        return "See " + ", ".join(_ref("md", *r[1]) for r in block.body) + ".\n"  # type: ignore[index]
    fence = ":" * (2 + _depth(block))
    lines = [f"{fence}{{{block.name}}} {block.title}".rstrip()]
    if block.yaml and block.options:
        lines += ["---", *(f"{name}: {value}".rstrip() for name, value in block.options), "---"]
    else:
        lines += [f":{name}: {value}".rstrip() for name, value in block.options]
    for part in block.body:
        lines += ["", render_md(part).rstrip("\n") if isinstance(part, Block) else part]
    lines.append(fence)
    return "\n".join(lines) + "\n"


def render_rst(block: Block, indent: str = "") -> str:
    if not block.name:
        return indent + "See " + ", ".join(_ref("rst", *r[1]) for r in block.body) + ".\n"  # type: ignore[index]
    inner = indent + "   "
    lines = [f"{indent}.. {block.name}:: {block.title}".rstrip()]
    lines += [f"{inner}:{name}: {value}".rstrip() for name, value in block.options]
    for part in block.body:
        if isinstance(part, Block):
            lines += ["", render_rst(part, inner).rstrip("\n")]
        elif part.startswith("```sql"):
            sql = part.splitlines()[1]
            lines += ["", f"{inner}.. code-block:: sql", "", f"{inner}   {sql}"]
        else:
            lines += [""] + [inner + text for text in part.splitlines()]
    return "\n".join(lines) + "\n"


# -- checking -------------------------------------------------------------------

_RECORD = re.compile(r"^(?P<location>\S.*?)?:? ?(?P<level>WARNING|ERROR|CRITICAL): ", re.M)
_LOCATED = re.compile(r"^.+\.(md|rst):\d+$")
_TYPE = re.compile(r"\[(?P<type>[\w.-]+)\]\s*$")
#: warning types of the parsers (syntax), besides our own plan.*
SYNTAX = re.compile(r"^(docutils|myst(\.[\w-]+)?)$")


def warning_records(text: str) -> list[tuple[str, str, str]]:
    """``(location, level, message)`` of each warning; messages may span lines."""
    text = strip_colors(text)
    starts = list(_RECORD.finditer(text))
    out = []
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        out.append((match["location"] or "", match["level"], text[match.end() : end].strip()))
    return out


def check_build(files: dict[str, str], markers: list[str]) -> None:
    """Build the project; assert the three properties."""
    for name, text in files.items():
        note(f"--- {name}\n{text}")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        for name, text in files.items():
            (src / name).write_text(text, encoding="utf-8")
        status, warning = io.StringIO(), io.StringIO()
        app = SphinxTestApp(
            "html", srcdir=src, builddir=Path(tmp) / "_build", status=status, warning=warning
        )
        try:
            app.build()  # (1) never raises
            html = "".join(p.read_text(encoding="utf-8") for p in Path(app.outdir).glob("*.html"))
            # plan.json is written when the project has objects (plan_json = "auto")
            exported = Path(app.outdir) / "plan.json"
            assert exported.exists() == any(app.env.get_domain("plan").objects.values())
            if exported.exists():
                json.loads(exported.read_text(encoding="utf-8"))
        finally:
            app.cleanup()
    missing = [m for m in markers if m not in html]
    assert not missing, f"bodies lost: {missing}"  # (2) every body is rendered
    for location, level, message in warning_records(warning.getvalue()):  # (3)
        kind = _TYPE.search(message)
        assert kind, f"untyped warning: {location}: {message}"
        assert "Traceback" not in message and "Exception" not in message, message
        if kind["type"].startswith("plan."):
            assert level == "WARNING", message
            assert _LOCATED.match(location), f"plan warning without file:line: {message}"
        else:
            assert SYNTAX.match(kind["type"]), f"unexpected warning: {location}: {message}"


@FUZZ
@given(st.data())
def test_random_projects_build_cleanly(data):
    markers = Markers()
    md = data.draw(document(markers), label="MyST document")
    rst = data.draw(document(markers), label="reST document")
    check_build(project_files(md, rst), markers.all)


def project_files(md, rst) -> dict[str, str]:
    """The project's files as texts (written by :func:`check_build`)."""
    conf = (
        'extensions = ["myst_parser", "sphinxcontrib_plan"]\n'
        'myst_enable_extensions = ["colon_fence"]\nshow_warning_types = True\n'
        'exclude_patterns = ["_build"]\n'
    )
    meta, blocks = md
    index = (f'---\nplan: "{meta}"\n---\n' if meta else "") + "# Index\n\n```{toctree}\nb\n```\n"
    index += "".join("\n" + render_md(b) for b in blocks)
    meta, blocks = rst
    other = (f":plan: {meta}\n\n" if meta else "") + "Other\n=====\n"
    other += "".join("\n" + render_rst(b) for b in blocks)
    return {"conf.py": conf, "index.md": index, "b.rst": other}

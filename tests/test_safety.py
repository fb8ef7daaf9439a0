"""Safety: user text is escaped in every output; filters and SQL are only parsed; no network."""

from __future__ import annotations

import ast
import json
import os
import socket
import subprocess
from pathlib import Path

import pytest
from conftest import load_plan_json, plan_warnings

PACKAGE = Path(__file__).parent.parent / "sphinxcontrib_plan"
SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
#: the LaTeX specials of the titles and fields of the safety root, as written
#: (after inline markup: ``\\`` is one backslash) and as LaTeX must spell them
TEX = {
    r"Specials 100% \ {x} $5 R&D #1 ^2 a_b ~3": r"Specials 100\% \textbackslash{} \{x\} \$5 R\&D \#1 \textasciicircum{}2 a\_b "
    r"\textasciitilde{}3",
    r"Owner 50% \ {y} $6 R&D#2 ^3 c_d ~4": r"Owner 50\% \textbackslash{} \{y\} \$6 R\&D\#2 \textasciicircum{}3 c\_d "
    r"\textasciitilde{}4",
    r"rST 100% \ {z} $7 R&D #3 ^4 e_f ~5": r"rST 100\% \textbackslash{} \{z\} \$7 R\&D \#3 \textasciicircum{}4 e\_f "
    r"\textasciitilde{}5",
}
BODIES = ["PLANBODY kept", "RISKBODY kept", "RSTBODY kept", "Response body kept", "Drop everything"]


def _pages(app, suffix: str) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in Path(app.outdir).glob(f"*{suffix}")}


@pytest.mark.sphinx("html", testroot="safety")
def test_html_escapes_user_text(app):
    app.build()
    pages = _pages(app, ".html")
    everything = "".join(pages.values())
    # titles, fields, tags, captions and link titles: never raw markup
    assert SCRIPT not in everything
    assert "<img src=x" not in everything
    assert 'onmouseover="alert(2)"' not in everything
    for name in ("index.html", "objects.html", "registers.html"):
        assert ESCAPED in pages[name], name
    # collector cells and link titles (attributes) are escaped too
    assert f'title="Risk: Script {ESCAPED} in title"' in pages["registers.html"]
    assert "Caption &lt;script&gt;" in pages["registers.html"]
    assert "R&amp;D" in pages["index.html"]
    for body in BODIES:
        assert body in everything, body


@pytest.mark.sphinx("latex", testroot="safety")
def test_latex_escapes_specials(app):
    app.build()
    tex = (Path(app.outdir) / "safety.tex").read_text(encoding="utf-8")
    for raw, escaped in TEX.items():
        assert escaped in tex, raw
        assert raw not in tex
    assert r"\textless{}script\textgreater{}alert(1)\textless{}/script\textgreater{}" in tex
    assert SCRIPT not in tex
    for body in BODIES:
        assert body in tex, body


@pytest.mark.sphinx("text", testroot="safety")
def test_text_keeps_user_text_intact(app):
    app.build()
    text = "".join(_pages(app, ".txt").values())
    assert SCRIPT in text
    for raw in TEX:
        assert raw in text, raw
    for body in BODIES:
        assert body in text, body


@pytest.mark.sphinx("html", testroot="safety")
def test_plan_json_is_valid_and_strings_intact(app):
    app.build()
    raw = (Path(app.outdir) / "plan.json").read_text(encoding="utf-8")
    json.loads(raw)  # valid JSON
    data = load_plan_json(app)
    objects = {o["id"]: o for o in data["objects"]}
    xss = objects["R-XSS"]
    assert xss["title"] == f"Script {SCRIPT} in title"
    assert xss["fields"]["owner"] == SCRIPT
    assert xss["fields"]["mitigation"] == 'x" onmouseover="alert(2)" & \'y\''
    assert xss["fields"]["tags"] == ["<img src=x onerror=alert(3)>"]
    # fields keep the text as written (markup is a rendering matter)
    assert objects["R-TEX"]["fields"]["owner"] == r"Owner 50% \\ {y} $6 R&D#2 ^3 c_d ~4"
    assert objects["R-RST"]["title"] == f'rST {SCRIPT} & "quoted"'
    plan = data["plans"][0]
    assert plan["title"] == f"Hostile {SCRIPT} & \"quoted\" 'plan'"
    assert plan["fields"]["owner"] == "R&D <b>team</b> \"quotes\" 'single'"


@pytest.fixture
def no_processes(monkeypatch):
    """Fail any attempt to run a program or open a connection."""
    calls: list[str] = []

    def forbidden(name):
        def call(*args, **kwargs):
            calls.append(name)
            raise AssertionError(f"{name} called during the build")

        return call

    monkeypatch.setattr(os, "system", forbidden("os.system"))
    monkeypatch.setattr(os, "popen", forbidden("os.popen"))
    monkeypatch.setattr(subprocess.Popen, "__init__", forbidden("subprocess.Popen"))
    monkeypatch.setattr(socket.socket, "connect", forbidden("socket.connect"))
    monkeypatch.setattr(socket, "create_connection", forbidden("socket.create_connection"))
    return calls


@pytest.mark.sphinx("html", testroot="safety")
def test_filters_are_never_evaluated(app, no_processes, monkeypatch):
    monkeypatch.chdir(app.srcdir)
    app.build()
    assert no_processes == []
    assert not (Path(app.srcdir) / "PWNED").exists()
    assert not Path("PWNED").exists()
    warnings = plan_warnings(app)
    # Python is not the filter language: a positioned error, an empty collector with a note
    assert any(
        "registers.md:9" in w and "[plan.filter]" in w and "column 17" in w for w in warnings
    ), warnings
    assert any(
        "registers.md:14" in w and "[plan.filter]" in w and "column 13" in w for w in warnings
    ), warnings
    html = (Path(app.outdir) / "registers.html").read_text(encoding="utf-8")
    assert html.count('class="plan-note"') >= 2
    # a string that looks like code is only compared: the first register matches by title
    assert "risk-r-xss" in html


@pytest.mark.sphinx("html", testroot="safety")
def test_sql_is_only_parsed(app, no_processes):
    app.build()
    assert no_processes == []
    table = next(o for o in load_plan_json(app)["objects"] if o["type"] == "table")
    [schema] = table["data"]["schema"]
    assert [c["name"] for c in schema["columns"]] == ["id", "name"]
    html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    assert "DROP" in html and "users" in html  # the code block is still shown


def _imports_and_calls(path: Path) -> tuple[set[str], set[str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imports: set[str] = set()
    calls: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imports.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imports.add(node.module)
            imports.update(f"{node.module}.{a.name}" for a in node.names)  # from x import mod
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            calls.add(node.func.id)
    return imports, calls


def test_package_has_no_eval_database_or_network_code():
    """What the build-time tests show for our inputs holds for every input."""
    forbidden_imports = {
        "sqlite3",
        "psycopg",
        "psycopg2",
        "pymysql",
        "socket",
        "requests",
        "urllib.request",
        "http.client",
        "httpx",
        "subprocess",
        "pickle",
        "sphinx.util.requests",
    }
    for path in PACKAGE.rglob("*.py"):
        if "cli" in path.relative_to(PACKAGE).parts:
            continue  # the command line may start processes of its own
        imports, calls = _imports_and_calls(path)
        # plan_external reads other projects' plan.json: one module, through Sphinx's
        # request helper (its TLS, proxy and user-agent settings), nothing else of the network
        allowed = (
            {"sphinx.util.requests"}
            if path.relative_to(PACKAGE).as_posix() == "fetch.py"
            else set()
        )
        # git and builds of other revisions: for the commands, and for a build only when
        # the project sets plan_baseline_builds (test_stale: no process starts without it)
        allowed |= (
            {"subprocess"} if path.relative_to(PACKAGE).as_posix() == "revisions.py" else set()
        )
        assert not (imports & forbidden_imports - allowed), (path, imports & forbidden_imports)
        assert not (calls & {"eval", "exec", "compile", "__import__"}), path

"""Plans across projects: a portfolio project over two real projects' plan.json,
one served over HTTP by a local server, one read from a path.

The two projects (``test-external-payments``, MyST; ``test-external-search``,
reST) are built once per module; each test builds the portfolio
(``test-portfolio``) over them with ``plan_external`` set.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import threading
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

import pytest
from conftest import load_plan_json, plan_warnings
from sphinx.cmd.build import build_main

if TYPE_CHECKING:
    from collections.abc import Iterator


class _Handler(SimpleHTTPRequestHandler):
    """Serves a directory quietly and counts the requests."""

    requests: list[str]

    def log_message(self, format: str, *args: object) -> None:
        type(self).requests.append(self.path)


@contextmanager
def serving(directory: Path) -> Iterator[tuple[str, list[str]]]:
    """Serve *directory* on 127.0.0.1 (an ephemeral port) until the block ends.

    :return: the base URL and the list of request paths served
    """
    handler = type("Handler", (_Handler,), {"requests": []})
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(directory))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", handler.requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture(scope="module")
def projects(rootdir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The HTML output of the two external projects, built once."""
    out = {}
    for name in ("payments", "search"):
        src = tmp_path_factory.mktemp(name) / "src"
        shutil.copytree(rootdir / f"test-external-{name}", src)
        assert build_main(["-b", "html", "-q", "-W", str(src), str(src.parent / "html")]) == 0
        out[name] = src.parent / "html"
    return out


def build(
    make_app, rootdir: Path, tmp_path: Path, external: dict, builder: str = "html", **conf: object
):
    """Build the portfolio (the same sources and output for every call of a test)."""
    src = tmp_path / "portfolio"
    if not src.exists():
        shutil.copytree(rootdir / "test-portfolio", src)
    app = make_app(
        builder,
        srcdir=src,
        builddir=tmp_path / "out",
        confoverrides={"plan_external": external, **conf},
    )
    app.build()
    return app


def _table(html: str, caption: str) -> str:
    start = html.index(f'<span class="caption-text">{caption}</span>')
    return html[start : html.index("</table>", start)]


def _ids(table: str) -> list[str]:
    """The ID column: the first link text of each body row."""
    body = table.split("<tbody>", 1)[1]
    return [
        re.search(r'<span class="plan-xref">([^<]*)</span>', row).group(1)
        for row in body.split("<tr")[1:]
    ]


def _target(url: str, served: str, projects: dict[str, Path]) -> tuple[Path, str]:
    """The HTML file and anchor a link into another project points at."""
    if url.startswith(served):
        page, _, anchor = url.removeprefix(served).partition("#")
        return projects["payments"] / page, anchor
    parts = urlsplit(url)
    assert parts.scheme == "file", url
    return Path(unquote(parts.path)), parts.fragment


def test_portfolio_over_two_projects(make_app, rootdir, tmp_path, projects):
    with serving(projects["payments"]) as (url, requests):
        external = {
            "payments": f"{url}plan.json",
            "search": (projects["search"] / "plan.json").as_posix(),
        }
        app = build(make_app, rootdir, tmp_path, external)
    assert plan_warnings(app) == []
    assert requests == ["/plan.json"]
    out = Path(app.outdir)
    html = (out / "registers.html").read_text(encoding="utf-8")

    assert _ids(_table(html, "Every plan")) == ["P0", "payments:001", "search:S1"]
    # severity first (the risk register's default sort), all sources mixed
    assert _ids(_table(html, "Combined risk register")) == [
        "payments:RISK-7",
        "search:RISK-7",
        "R-1",
        "payments:RISK-8",
        "search:RISK-9",
    ]
    # the filter reads the external objects' fields and derived severity
    assert _ids(_table(html, "Open high risks elsewhere")) == ["payments:RISK-7", "search:RISK-7"]
    api = _table(html, "Combined API index")
    assert re.findall(r'<span class="pre">([^<]*)</span>', api) == [
        "/payments",
        "/payments/{id}",
        "/search",
    ]
    # derived values recomputed over each project: the payments plan
    overview = _table(html, "Every plan")
    payments_row = overview.split("payments:001", 1)[1].split("</tr>", 1)[0]
    assert "1/2 (50%)" in payments_row and "plan-signoff-pending" in payments_row

    # rows of other projects are marked with their project, local rows are not
    assert (
        html.count('<tr class="plan-external plan-external-payments') == 1 + 2 + 1 + 2
    )  # overview, register, filtered, API
    assert '<span class="plan-badge plan-project plan-project-search">search</span>' in html
    local_row = _table(html, "Combined risk register").split("R-1</span>", 1)[0]
    assert local_row.rsplit("<tr", 1)[1].startswith(' class="row-')

    # every link into another project names a page and anchor that exist there
    links = set(
        re.findall(
            r'class="plan-external[^"]*reference external" href="([^"]+)"',
            html + (out / "links.html").read_text(encoding="utf-8"),
        )
    )
    assert len(links) == 5 + 4
    for link in links:
        page, anchor = _target(link, url, projects)
        assert f'id="{anchor}"' in page.read_text(encoding="utf-8"), link
    assert f'href="{url}risks.html#risk-risk-7"' in html
    search = (projects["search"] / "plan.html").as_uri()
    assert f'href="{search}#risk-risk-9"' in html

    # roles with the project prefix, endpoint signatures in any spelling
    links_html = (out / "links.html").read_text(encoding="utf-8")
    for href, text in (
        (f"{url}risks.html#risk-risk-7", "Provider outage"),
        (f"{search}#risk-risk-7", "Index lag"),
        (f"{url}api.html#endpoint-pay-create", "POST /payments"),
        ((projects["search"] / "index.html").as_uri() + "#plan-s1", "Search plan"),
    ):
        assert re.search(
            rf'href="{re.escape(href)}"[^>]*><span[^>]*>{re.escape(text)}</span>', links_html
        ), text

    # a collector without :source: is as before: local objects only
    local = (out / "local.html").read_text(encoding="utf-8")
    assert _ids(_table(local, "Local risks")) == ["R-1"] and "plan-external" not in local

    # plan.json: local objects only, and what was read from whom
    data = load_plan_json(app)
    assert [o["id"] for o in data["objects"]] == ["R-1"]
    assert [(e["name"], e["project"], e["plans"], e["objects"]) for e in data["external"]] == [
        ("payments", "Payments service", ["payments:001"], 9),
        ("search", "Search", ["search:S1"], 5),
    ]


def test_references_and_sources_that_name_nothing(make_app, rootdir, tmp_path, projects):
    src = tmp_path / "portfolio"
    shutil.copytree(rootdir / "test-portfolio", src)
    (src / "links.md").write_text(
        "# Links\n\nSee {plan:risk}`payments:RISK-77` and {plan:endpoint}`search:GET /serch`.\n\n"
        ":::{plan-risk-register}\n:source: paymnts, local\n:plan: payments:002\n:::\n",
        encoding="utf-8",
    )
    external = {
        "payments": (projects["payments"] / "plan.json").as_posix(),
        "search": (projects["search"] / "plan.json").as_posix(),
    }
    app = build(make_app, rootdir, tmp_path, external)
    warnings = sorted(w.split("portfolio/", 1)[1] for w in plan_warnings(app))
    assert warnings == [
        "links.md:3: WARNING: {plan:endpoint} names 'search:GET /serch', but the external "
        "project search has no endpoint with that id or name; did you mean 'search:GET /search'? "
        "[plan.ref]",
        "links.md:3: WARNING: {plan:risk} names 'payments:RISK-77', but the external project "
        "payments has no risk with that id; did you mean 'payments:RISK-7'? [plan.ref]",
        "links.md:6: WARNING: plan-risk-register: :source: names 'paymnts', which is neither "
        "local, external, all nor a project of plan_external; projects: payments, search; did "
        "you mean 'payments'? [plan.field]",
        "links.md:7: WARNING: plan-risk-register: :plan: names 'payments:002', but the "
        "external project payments has no plan with that id; did you mean 'payments:001'? "
        "[plan.ref]",
    ]


def test_unreachable_source_uses_the_cached_copy(make_app, rootdir, tmp_path, projects):
    with serving(projects["payments"]) as (url, requests):
        external = {
            "payments": f"{url}plan.json",
            "search": (projects["search"] / "plan.json").as_posix(),
        }
        first = build(make_app, rootdir, tmp_path, external)
        assert plan_warnings(first) == [] and requests == ["/plan.json"]
        # within the cache lifetime nothing is fetched, and nothing written again
        again = build(make_app, rootdir, tmp_path, external)
        assert requests == ["/plan.json"]
        assert "no targets are out of date" in again.status.getvalue()
    register = Path(first.outdir) / "registers.html"
    # the server is gone; a cache still fresh is used without asking
    quiet = build(make_app, rootdir, tmp_path, external)
    assert plan_warnings(quiet) == []
    # an expired cache asks, fails, warns and keeps the copy
    expired = build(make_app, rootdir, tmp_path, external, plan_external_cache_days=0)
    warnings = plan_warnings(expired)
    assert len(warnings) == 1, warnings
    assert re.fullmatch(
        rf"WARNING: plan_external\['payments'\]: {re.escape(url)}plan.json cannot be read "
        r"\(.+\); using the copy read on \d{4}-\d\d-\d\d \d\d:\d\d UTC \[plan.external\]",
        warnings[0],
    ), warnings[0]
    assert "payments:RISK-7" in register.read_text(encoding="utf-8")
    # without any copy, the objects are missing, and the register says so by omission
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    app = build(make_app, rootdir, fresh, external, plan_external_timeout=2)
    warnings = plan_warnings(app)
    assert [w.split("; ")[-1] for w in warnings if "[plan.external]" in w] == [
        "no copy was read before, so its objects are missing from this build [plan.external]"
    ]
    # the roles naming its objects say why they name nothing
    assert [w.split("WARNING: ")[1] for w in warnings if "[plan.ref]" in w] == [
        "{plan:risk} names 'payments:RISK-7', but the external project payments has no risk "
        "with that id; it has no risk at all (was its plan.json read?) [plan.ref]",
        "{plan:endpoint} names 'payments:post /payments', but the external project payments "
        "has no endpoint with that id or name; it has no endpoint at all (was its plan.json "
        "read?) [plan.ref]",
    ]
    assert "payments:" not in (Path(app.outdir) / "registers.html").read_text(encoding="utf-8")


def _valid(projects: dict[str, Path]) -> dict:
    return json.loads((projects["search"] / "plan.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        (
            "not-json",
            '{"plans": [',
            r"is not a valid plan.json: it is not valid JSON: Expecting value: "
            r"line 1 column 12 \(char 11\)",
        ),
        ("not-utf8", b"\xff\xfe{}", r"is not a valid plan.json: it is not UTF-8 text \(byte 0\)"),
        ("array", "[]", r"is not a valid plan.json: the top level is not a JSON object"),
        (
            "wrong-id",
            lambda d: d["objects"][1].update(id=7),
            r"is not a valid plan.json: objects\[1\].id is 7, not a string",
        ),
        (
            "no-anchor",
            lambda d: d["plans"][0].pop("anchor"),
            r"is not a valid plan.json: plans\[0\] has no 'anchor'",
        ),
        (
            "bad-field",
            lambda d: d["objects"][0]["fields"].update(impact="huge"),
            r"is not a valid plan.json: objects\[0\].fields.impact is \"huge\", not one of low, medium, "
            r"high",
        ),
        (
            "other-version",
            lambda d: d.update(schema_version=2),
            r"is not a valid plan.json: schema_version is 2, this version reads 1",
        ),
    ],
)
def test_invalid_source_warns_and_keeps_the_copy(
    make_app, rootdir, tmp_path, projects, name, content, problem
):
    source = tmp_path / "search.json"
    shutil.copyfile(projects["search"] / "plan.json", source)
    external = {
        "search": source.as_posix(),
        "payments": (projects["payments"] / "plan.json").as_posix(),
    }
    assert plan_warnings(build(make_app, rootdir, tmp_path, external)) == []
    if callable(content):
        data = _valid(projects)
        content(data)
        content = json.dumps(data)
    (source.write_bytes if isinstance(content, bytes) else source.write_text)(content)
    app = build(make_app, rootdir, tmp_path, external)
    warnings = plan_warnings(app)
    assert len(warnings) == 1, warnings
    assert re.fullmatch(
        rf"WARNING: plan_external\['search'\]: {re.escape(source.as_posix())} "
        rf"{problem}; using the copy read on .* UTC \[plan.external\]",
        warnings[0],
    ), warnings[0]
    html = (Path(app.outdir) / "registers.html").read_text(encoding="utf-8")
    assert "search:RISK-9" in html


def test_bad_configuration_values(make_app, rootdir, tmp_path, projects):
    app = build(
        make_app,
        rootdir,
        tmp_path,
        {
            "search": {"jsn": "x.json"},
            "bad name": "x.json",
            "all": "x.json",
            "payments": {"json": (projects["payments"] / "plan.json").as_posix(), "base": 3},
        },
        plan_external_timeout=0,
    )
    assert [w.removeprefix("WARNING: ") for w in plan_warnings(app) if "[plan.config]" in w] == [
        "plan_external_timeout = 0 is invalid (a positive number of seconds); using 10 "
        "[plan.config]",
        "plan_external['search']: unknown key 'jsn'; did you mean 'json'? Allowed: json, base "
        "[plan.config]",
        "plan_external['search']: give the URL or path of its plan.json as a string, or "
        "{'json': URL or path, 'base': URL}; got None [plan.config]",
        "plan_external['bad name']: a project name starts with a letter and has letters, "
        "digits, - and _ only (no ':'), and is not local, external or all [plan.config]",
        "plan_external['all']: a project name starts with a letter and has letters, "
        "digits, - and _ only (no ':'), and is not local, external or all [plan.config]",
        "plan_external['payments']: base must be a URL string, not 3 [plan.config]",
    ]


def test_latex_and_text_builders(make_app, rootdir, tmp_path, projects):
    with serving(projects["payments"]) as (url, _requests):
        external = {
            "payments": f"{url}plan.json",
            "search": {
                "json": (projects["search"] / "plan.json").as_posix(),
                "base": "https://search.example.org/docs",
            },
        }
        latex = build(make_app, rootdir, tmp_path / "latex", external, "latex")
        text = build(make_app, rootdir, tmp_path / "text", external, "text")
    assert plan_warnings(latex) == [] and plan_warnings(text) == []
    tex = next(Path(latex.outdir).glob("*.tex")).read_text(encoding="utf-8")
    assert rf"\sphinxhref{{{url}risks.html\#risk-risk-7}}" in tex
    assert r"\sphinxhref{https://search.example.org/docs/plan.html\#risk-risk-9}" in tex
    registers = (Path(text.outdir) / "registers.txt").read_text(encoding="utf-8")
    for row in ("payments:RISK-7 payments", "search:RISK-9 search", "search:S1 search"):
        assert row in registers


def test_changed_source_refreshes_exactly_the_pages_showing_it(
    make_app, rootdir, tmp_path, projects
):
    def _written(app) -> set[str]:
        """The pages the build wrote, from Sphinx's status output; Sphinx itself
        writes the toctree parent (index) of every page it writes."""
        found = re.findall(r"writing output\.\.\. \[\s*\d+%\] (\S+)", app.status.getvalue())
        return set(found) - {"index"}

    source = tmp_path / "search.json"
    shutil.copyfile(projects["search"] / "plan.json", source)
    external = {
        "search": source.as_posix(),
        "payments": (projects["payments"] / "plan.json").as_posix(),
    }
    build(make_app, rootdir, tmp_path, external)
    assert (
        "no targets are out of date"
        in build(make_app, rootdir, tmp_path, external).status.getvalue()
    )

    def edit(oid: str, **changes: object) -> None:
        data = json.loads(source.read_text(encoding="utf-8"))
        next(o for o in data["objects"] if o["id"] == oid).update(changes)
        source.write_text(json.dumps(data), encoding="utf-8")

    # an object no page links to: the page of the collectors showing search only
    edit("RISK-9", title="Ranking regressions")
    app = build(make_app, rootdir, tmp_path, external)
    assert _written(app) == {"registers"}
    assert "Ranking regressions" in (Path(app.outdir) / "registers.html").read_text("utf-8")
    # an object a role names: its page too
    edit("RISK-7", title="Indexing lag")
    app = build(make_app, rootdir, tmp_path, external)
    assert _written(app) == {"registers", "links"}
    assert "Indexing lag" in (Path(app.outdir) / "links.html").read_text("utf-8")
    # the same bytes again: nothing
    source.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    assert (
        "no targets are out of date"
        in build(make_app, rootdir, tmp_path, external).status.getvalue()
    )


@pytest.mark.parametrize("name", ["payments", "search"])
def test_the_how_to_reads_what_the_example_projects_write(projects, name):
    """docs/howto/portfolio/ holds the plan.json of the two example projects; after a
    change of plan.json's shape, copy them again from a build of tests/roots."""
    docs = Path(__file__).resolve().parents[1] / "docs" / "howto" / "portfolio"
    committed = json.loads((docs / f"{name}.plan.json").read_text(encoding="utf-8"))
    built = json.loads((projects[name] / "plan.json").read_text(encoding="utf-8"))
    committed.pop("generator"), built.pop("generator")
    assert committed == built

"""Another document's text is text: OpenAPI descriptions, summaries and names never become markup.

``plan-openapi FILE`` in a build and ``sphinx-plan import`` of the same
document: a description holding a ``{raw}`` directive, ``<script>``, a
``{literalinclude}`` of a file outside the project or a relative link shows
those characters as text; web links stay links; a ``javascript:`` link is
never one (MyST and reST alike).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import build_warnings, load_plan_json, plan_warnings

from sphinxcontrib_plan.cli import main

SECRET = "TOPSECRET-4711"
SPEC = """\
openapi: 3.0.3
info:
  title: Hostile
  version: '1'
  description: |
    Plan text {raw}`html` and <script>alert("info")</script>.

    ```{literalinclude} ../secret.txt
    ```
paths:
  /pets:
    get:
      operationId: listPets
      summary: List <b>pets</b>
      description: |
        See [the overview](/number-insight/overview#basic-apis) and
        [the docs](https://example.com/docs), not [this](javascript:alert(1)).

        ```{raw} html
        <script>alert("op")</script>
        ```

        .. raw:: html

           <script>alert("rst")</script>

        :::{literalinclude} ../secret.txt
        :::
      responses:
        '200':
          description: 'OK <img src=x onerror=alert(2)> {eval-rst}`x`'
  /files/{name}:
    get:
      summary: Fetch {download}`../secret.txt`
      parameters:
      - {name: name, in: path, required: true, schema: {type: string}}
      responses:
        '204': {description: Gone}
"""


def project(tmp_path: Path, suffix: str) -> Path:
    (tmp_path / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    src = tmp_path / "docs"
    src.mkdir()
    (src / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinxcontrib_plan"]\n'
        'myst_enable_extensions = ["colon_fence"]\nplan_openapi = True\n',
        encoding="utf-8",
    )
    (src / "spec.yaml").write_text(SPEC, encoding="utf-8")
    (src / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    return src


def assert_text_not_markup(html: str) -> None:
    html = html[html.index('<div class="body"') : html.index('<div class="sphinxsidebar"')]
    assert SECRET not in html
    assert "<script>" not in html and "<img" not in html and "<b>pets" not in html
    assert "javascript:" not in re.sub(r">[^<]*<", "><", html)  # never in an attribute
    assert '<a class="reference external" href="https://example.com/docs">the docs</a>' in html
    # the relative link is text, not a cross-reference attempt
    assert "the overview (/number-insight/overview#basic-apis)" in html
    assert "```{raw} html\n&lt;script&gt;alert(" in html
    assert "<p>:::{literalinclude} ../secret.txt\n:::</p>" in html


@pytest.mark.parametrize("suffix", ["md", "rst"])
def test_plan_openapi_shows_the_spec_text_as_text(make_app, tmp_path, suffix):
    src = project(tmp_path, suffix)
    if suffix == "md":
        page = "# API\n\n:::{plan} API\n:id: api\n:::\n\n:::{plan-openapi} spec.yaml\n:::\n"
    else:
        page = "API\n===\n\n.. plan:: API\n   :id: api\n\n.. plan-openapi:: spec.yaml\n"
    (src / f"index.{suffix}").write_text(page, encoding="utf-8")
    app = make_app("html", srcdir=src, freshenv=True)
    app.build()
    assert build_warnings(app) == []
    html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    assert_text_not_markup(html)
    assert "List &lt;b&gt;pets&lt;/b&gt;" in html
    # a role in a summary is text too: the file is not copied into the output
    assert "Fetch {download}`../secret.txt`" in html
    assert not (Path(app.outdir) / "_downloads").exists()


@pytest.mark.parametrize("fmt", ["myst", "rst"])
def test_imported_descriptions_stay_text(make_app, tmp_path, fmt, capsys):
    src = project(tmp_path, fmt)
    suffix = "md" if fmt == "myst" else "rst"
    assert (
        main(
            [
                "import",
                str(src / "spec.yaml"),
                "--id",
                "hostile",
                "--format",
                fmt,
                "-o",
                str(src / f"index.{suffix}"),
            ]
        )
        == 0
    )
    capsys.readouterr()
    app = make_app("html", srcdir=src, freshenv=True)
    app.build()
    assert build_warnings(app) == []
    html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    assert_text_not_markup(html)
    assert "Plan text {raw}`html` and &lt;script&gt;alert(" in html


#: descriptions holding what a MyST or reST parser would read as a directive, raw HTML
#: or an include
HOSTILE = """\
openapi: 3.0.3
info: {title: Hostile, version: '1'}
paths:
  /a:
    get:
      description: |
        Role {raw}`html <script>alert(1)</script>` here.

        ```{literalinclude} /etc/passwd
        ```

        .. raw:: html

           <script>alert(2)</script>

        .. include:: /etc/passwd

        <script>alert(3)</script>
      responses:
        '200':
          description: |
            .. include:: /etc/passwd
  /b:
    get:
      summary: No responses
"""
#: each hostile line as it must read in every output (the text of the description)
SHOWN = (
    "Role {raw}`html <script>alert(1)</script>` here.",
    "```{literalinclude} /etc/passwd",
    ".. raw:: html",
    "<script>alert(2)</script>",
    ".. include:: /etc/passwd",
    "<script>alert(3)</script>",
)


def hostile_project(tmp_path: Path, suffix: str) -> Path:
    src = project(tmp_path, suffix)
    (src / "spec.yaml").write_text(HOSTILE, encoding="utf-8")
    if suffix == "md":
        page = "# API\n\n:::{plan} API\n:id: api\n:::\n\n:::{plan-openapi} spec.yaml\n:::\n"
    else:
        page = "API\n===\n\n.. plan:: API\n   :id: api\n\n.. plan-openapi:: spec.yaml\n"
    (src / f"index.{suffix}").write_text(page, encoding="utf-8")
    return src


@pytest.mark.parametrize("suffix", ["md", "rst"])
def test_plan_openapi_text_is_text_in_every_builder(make_app, tmp_path, suffix):
    src = hostile_project(tmp_path, suffix)
    passwd = Path("/etc/passwd").read_text(encoding="utf-8").splitlines()[0]
    for builder, name in (("html", "index.html"), ("text", "index.txt"), ("latex", None)):
        app = make_app(builder, srcdir=src, freshenv=True)
        app.build()
        out = Path(app.outdir)
        text = (out / name if name else next(out.glob("*.tex"))).read_text(encoding="utf-8")
        assert passwd not in text, builder
        if builder == "html":
            body = text[text.index('<div class="body"') : text.index('<div class="sphinxsidebar"')]
            assert "<script>" not in body
            for line in SHOWN:
                assert line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in body
        elif builder == "text":
            for line in SHOWN:
                assert line in text, line
        else:
            assert "include::" in text and "literalinclude\\}" in text and "raw::" in text


@pytest.mark.parametrize("suffix", ["md", "rst"])
def test_plan_openapi_parses_no_source_text(make_app, tmp_path, suffix, monkeypatch):
    """The objects are made from the document's data: no parser reads generated text."""
    from sphinx.util.docutils import SphinxDirective

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("plan-openapi parsed source text")

    monkeypatch.setattr(SphinxDirective, "parse_text_to_nodes", refuse)
    monkeypatch.setattr(SphinxDirective, "parse_content_to_nodes", refuse)
    app = make_app("html", srcdir=hostile_project(tmp_path, suffix), freshenv=True)
    app.build()
    data = load_plan_json(app)
    endpoints = [o for o in data["objects"] if o["type"] == "endpoint"]
    assert [o["title"] for o in endpoints] == ["GET /a", "GET /b"]
    assert ".. include:: /etc/passwd" in endpoints[0]["body"]


@pytest.mark.parametrize("suffix", ["md", "rst"])
def test_plan_openapi_objects_are_at_the_directive_line(make_app, tmp_path, suffix):
    """An object of the document is located at the ``plan-openapi`` line (warnings and
    plan.json), not at a line of text the host document does not have."""
    app = make_app("html", srcdir=hostile_project(tmp_path, suffix), freshenv=True)
    app.build()
    line = 7  # the plan-openapi line, in both syntaxes
    assert [w.split(str(app.srcdir) + "/")[-1] for w in plan_warnings(app)] == [
        f"index.{suffix}:{line}: WARNING: endpoint 'GET /b' has no responses; nest at least "
        "one plan-response in it [responses] [plan.consistency]"
    ]
    assert {o["line"] for o in load_plan_json(app)["objects"] if o["type"] != "plan"} == {line}

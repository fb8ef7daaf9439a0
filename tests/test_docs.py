"""The documentation builds warning-free, its reference covers the registry, and
the tutorial's plan works as the tutorial says.

The docs build runs in-process with ``-W --keep-going``, exactly as ``make docs``.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import require_tool
from sphinx.cmd.build import build_main

from sphinxcontrib_plan.config import CONSISTENCY_CHECKS, PlanConfig
from sphinxcontrib_plan.model.collectors import COLLECTORS, COMMON_OPTIONS
from sphinxcontrib_plan.model.derived import DERIVED_FIELDS
from sphinxcontrib_plan.model.types import BUILTIN_TYPES
from sphinxcontrib_plan.model.typespec import COMMON_FIELDS
from sphinxcontrib_plan.warnings import PlanWarning

DOCS = Path(__file__).resolve().parent.parent / "docs"
TUTORIAL = DOCS / "tutorial.md"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The docs built to HTML with warnings as errors; the output directory.

    The docs draw diagrams (sphinx.ext.graphviz), which needs Graphviz's ``dot``.
    """
    require_tool("dot")
    out = tmp_path_factory.mktemp("docs-html")
    status = build_main(["-b", "html", "-W", "--keep-going", "-q", str(DOCS), str(out)])
    assert status == 0, "the docs build has warnings (see stderr above)"
    return out


def page(built: Path, name: str) -> str:
    return (built / f"{name}.html").read_text(encoding="utf-8")


class _Section(HTMLParser):
    """Collects the HTML of the ``<section id=...>`` with a given id."""

    def __init__(self, ident: str) -> None:
        super().__init__(convert_charrefs=False)
        self.ident, self.depth, self.parts = ident, 0, []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            self.parts.append(self.get_starttag_text() or "")
            self.depth += tag == "section"
        elif tag == "section" and dict(attrs).get("id") == self.ident:
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= tag == "section"
            self.parts.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def section(html: str, ident: str) -> str:
    """The inner HTML of one section (with its subsections)."""
    parser = _Section(ident)
    parser.feed(html)
    assert parser.parts, f"no <section id={ident!r}>"
    return "".join(parser.parts)


def literal(text: str) -> str:
    """How an inline literal appears in Sphinx HTML."""
    return f'<span class="pre">{text}</span>'


def directive(name: str) -> str:
    return "plan" if name == "plan" else f"plan-{name}"


# -- the build -------------------------------------------------------------------


def test_docs_build_without_warnings(built: Path) -> None:
    for name in (
        "index",
        "tutorial",
        "reference/objects",
        "reference/collectors",
        "examples/payment-methods",
        "examples/registers",
    ):
        assert (built / f"{name}.html").is_file()
    assert (built / "plan.json").is_file()
    assert (built / "openapi.json").is_file()


# -- the reference covers the registry -------------------------------------------


def test_every_type_has_a_section_with_every_option_and_a_rendered_example(built: Path) -> None:
    html = page(built, "reference/objects")
    for otype in BUILTIN_TYPES:
        name = directive(otype.name)
        text = section(html, f"directive-{name}")
        for spec in otype.fields:
            assert literal(f":{spec.name}:") in text, (name, spec.name)
        # the example is rendered live: an object container of the type
        assert re.search(rf'class="[^"]*\bplan-object plan-{otype.name}(?=[\s"])', text), name


def test_common_options_and_field_kinds(built: Path) -> None:
    html = page(built, "reference/objects")
    common = section(html, "common-options")
    for spec in COMMON_FIELDS:
        assert literal(f":{spec.name}:") in common
    kinds = section(html, "field-kinds")
    for spec in {f.kind for t in BUILTIN_TYPES for f in t.all_fields}:
        assert literal(spec.value) in kinds


def test_every_collector_and_option_is_documented_and_rendered(built: Path) -> None:
    html = page(built, "reference/collectors")
    for kind in COLLECTORS:
        text = section(html, f"directive-plan-{kind}")
        assert f"plan-collector-{kind}" in text, kind
    for option in (*COMMON_OPTIONS, "type"):
        assert literal(f":{option}:") in html
    for field in DERIVED_FIELDS:
        assert literal(field.name) in section(html, "derived-fields"), field.name
    registers = page(built, "examples/registers")
    for kind in COLLECTORS:
        assert f"plan-collector-{kind}" in registers, kind


def test_every_role_resolves_in_the_roles_table(built: Path) -> None:
    html = page(built, "reference/roles")
    roles = [t.name for t in BUILTIN_TYPES if t.role] + ["ref"]
    for role in roles:
        assert literal(f"plan:{role}") in html, role
    table = html[html.index('id="plan-docs-roles"') :]
    table = table[: table.index("</table>")]
    # one link per role, resolved by this build into the reference pages
    assert len(re.findall(r'<a class="reference internal" href="objects\.html#', table)) == len(
        roles
    )


def test_every_config_value_and_consistency_check(built: Path) -> None:
    html = page(built, "reference/config")
    for field in dataclasses.fields(PlanConfig):
        assert f'id="confval-plan-{field.name.replace("_", "-")}"' in html
        assert literal(f"plan_{field.name}") in html
    for name in CONSISTENCY_CHECKS:
        assert literal(name) in html


def test_every_warning_subtype(built: Path) -> None:
    html = page(built, "reference/warnings")
    for member in PlanWarning:
        assert f'id="warning-plan-{member.value}"' in html
        assert literal(member.code) in html


def test_cli_schema_and_exports_are_included(built: Path) -> None:
    cli = page(built, "reference/cli")
    for command in ("init", "new", "import", "check", "export"):
        assert f"usage: sphinx-plan {command}" in cli
    schema = page(built, "reference/plan-json")
    assert "json-schema.org/draft/2020-12/schema" in schema
    assert "risk-doc-risk" in schema  # the live plan.json excerpt
    assert "/api/v1/widgets/{id}" in page(built, "howto/export")  # the live OpenAPI excerpt


# -- the tutorial works as written -------------------------------------------------


def tutorial_project(root: Path) -> Path:
    """The tutorial's project, assembled from the blocks of tutorial.md."""
    src = TUTORIAL.read_text(encoding="utf-8")
    conf = re.search(r"Create `conf.py` with:\n\n```python\n(.*?)```", src, re.S)
    index = re.search(r"and an `index.md`.*?\n\n````markdown\n(.*?)````", src, re.S)
    assert conf and index
    files: dict[str, list[str]] = {}
    for _, caption, body in re.findall(
        r"^(`{4,})\{plan-example\}\n:caption: (.*?)\n(.*?)^\1$", src, re.S | re.M
    ):
        files.setdefault(caption.split()[0], []).append(body.strip("\n"))
    root.mkdir()
    (root / "conf.py").write_text(conf.group(1), encoding="utf-8")
    index_text = index.group(1) + "\n" + "\n\n".join(files.pop("any")) + "\n"
    (root / "index.md").write_text(index_text, encoding="utf-8")
    titles = {"invoice-export.md": "# Invoice Export", "registers.md": "# Registers"}
    for name, parts in files.items():
        (root / name).write_text("\n\n".join([titles[name], *parts]) + "\n", encoding="utf-8")
    return root


def test_tutorial_builds_and_warns_as_it_says(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tutorial_project(tmp_path / "plans")
    out = tmp_path / "html"
    assert build_main(["-b", "html", "-W", "--keep-going", "-q", str(root), str(out)]) == 0
    registers = (out / "registers.html").read_text(encoding="utf-8")
    assert "Large exports time out" in registers and "/api/v1/invoice-exports" in registers

    # step 8: the deliberate mistake gives exactly the warning the tutorial shows
    promised = re.search(
        r"^(invoice-export\.md:\d+: WARNING: .*)$", TUTORIAL.read_text(encoding="utf-8"), re.M
    )
    assert promised
    plan = root / "invoice-export.md"
    plan.write_text(
        plan.read_text(encoding="utf-8").replace(":likelihood: medium", ":likelihood: often", 1),
        encoding="utf-8",
    )
    shutil.rmtree(out)
    capsys.readouterr()
    build_main(["-b", "html", "-q", str(root), str(out)])
    warnings = capsys.readouterr().err
    assert f"{root.as_posix()}/{promised.group(1)}" in warnings.replace("\\", "/")

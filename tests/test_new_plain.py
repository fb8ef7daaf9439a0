"""``sphinx-plan new --plain``: the template's plain Markdown, which ``import`` turns into
the directive form that ``new`` writes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import build_warnings, load_plan_json

from sphinxcontrib_plan.cli import main

CONF = """\
extensions = ["myst_parser", "sphinxcontrib_plan"]
myst_enable_extensions = ["colon_fence", "tasklist"]
exclude_patterns = ["_build"]
"""
ARGS = ["Invoice Export", "--id", "042", "--owner", "Billing Team", "--date", "2024-03-01"]
#: object types of new's scaffold that the Markdown importer may not make yet (the
#: template's "Constitutional Exemptions" line and "Custom Metrics" block stayed prose)
IMPORTER_GAPS = {"exemption", "metric"}


def build(make_app, srcdir: Path):
    (srcdir / "conf.py").write_text(CONF, encoding="utf-8")
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()
    return app


def objects(app) -> dict[str, list[str]]:
    """Titles per object type, in document order."""
    found: dict[str, list[str]] = {}
    for record in load_plan_json(app)["objects"]:
        found.setdefault(record["type"], []).append(record["title"])
    return found


def test_plain_template_imports_to_the_directive_form_of_new(make_app, tmp_path, capsys):
    plain = tmp_path / "drafts" / "plan.md"
    assert main(["new", *ARGS, "--plain", "--output", str(plain)]) == 0
    out = capsys.readouterr().out
    assert f"'sphinx-plan import {plain} -o SOURCEDIR/' writes its directive form" in out
    text = plain.read_text(encoding="utf-8")
    assert ":::" not in text and "{plan" not in text  # plain Markdown, no directive
    assert text.startswith(
        "# Technical Implementation Plan: Invoice Export\n\n"
        "**Feature ID**: 042\n**Status**: Draft\n**Created**: 2024-03-01\n"
        "**Last Updated**: 2024-03-01\n**Owner**: Billing Team\n"
    )

    (tmp_path / "imported").mkdir()
    assert main(["import", str(plain), "-o", str(tmp_path / "imported" / "index.md"), "-q"]) == 0
    (tmp_path / "new").mkdir()
    assert main(["new", *ARGS, "--output", str(tmp_path / "new" / "index.md")]) == 0
    imported = build(make_app, tmp_path / "imported")
    assert build_warnings(imported) == []  # a draft: its placeholders are no warnings
    imported_plans, imported_objects = load_plan_json(imported)["plans"], objects(imported)
    scaffold = build(make_app, tmp_path / "new")
    assert build_warnings(scaffold) == []
    scaffold_plans, scaffold_objects = load_plan_json(scaffold)["plans"], objects(scaffold)

    # the same plan, with the same fields
    keys = ("id", "title", "fields")
    assert [{k: p[k] for k in keys} for p in imported_plans] == [
        {k: p[k] for k in keys} for p in scaffold_plans
    ]
    assert imported_plans[0]["fields"] == {
        "status": "draft",
        "owner": "Billing Team",
        "created": "2024-03-01",
        "updated": "2024-03-01",
    }
    # every kind of object of the scaffold, but those the importer does not make yet
    assert set(scaffold_objects) - set(imported_objects) <= IMPORTER_GAPS
    for kind in ("phase", "signoff"):
        assert imported_objects[kind] == scaffold_objects[kind], kind
    assert len(imported_objects["test"]) == len(scaffold_objects["test"]) == 5
    # the sign-off section points to approve in both forms
    for form in (text, (tmp_path / "new" / "index.md").read_text(encoding="utf-8")):
        assert 'sphinx-plan approve 042 --role "Tech Lead" --name "Your Name"' in form
        assert "set `:status: approved`" not in form


def test_plain_keeps_every_section_of_the_scaffold(tmp_path):
    assert main(["new", *ARGS, "--plain", "-o", str(tmp_path / "plain.md")]) == 0
    assert main(["new", *ARGS, "-o", str(tmp_path / "directives.md")]) == 0
    plain = (tmp_path / "plain.md").read_text(encoding="utf-8")
    sections = re.findall(
        r"^## (.+)$", (tmp_path / "directives.md").read_text(encoding="utf-8"), re.M
    )
    assert len(sections) > 10
    assert [s for s in sections if f"\n## {s}\n" not in plain] == []


def test_plain_into_a_folder_is_named_from_the_id(tmp_path, capsys):
    assert main(["new", "Billing", "--id", "004", "--plain", "-o", f"{tmp_path}/drafts/"]) == 0
    assert (tmp_path / "drafts" / "004-billing.md").is_file()
    assert "wrote" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--format", "rst"], "--plain writes Markdown; it cannot be --format rst"),
        (["-o", "plan.rst"], "--output 'plan.rst': --plain writes Markdown, give a .md file"),
    ],
)
def test_plain_is_markdown_only(tmp_path, monkeypatch, capsys, extra, message):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "Billing", "--id", "004", "--plain", *extra]) == 2
    assert capsys.readouterr().err == f"sphinx-plan new: error: {message}\n"
    assert list(tmp_path.iterdir()) == []

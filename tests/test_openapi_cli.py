"""sphinx-plan import of OpenAPI documents and sphinx-plan export --format asyncapi."""

from __future__ import annotations

import json
from pathlib import Path

from sphinxcontrib_plan.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "openapi"
ROOT = Path(__file__).parent / "roots" / "test-api-schemas"


def test_import_recognises_openapi_and_writes_myst(tmp_path, capsys):
    out = tmp_path / "plans"
    assert main(["import", str(FIXTURES / "petstore3.yaml"), "-o", f"{out}/", "--id", "pets"]) == 0
    report = capsys.readouterr().out
    assert f"-> {out / 'pets.md'}: plan pets (Swagger Petstore - OpenAPI 3.0), 48 objects" in report
    assert "plan-endpoint      12  lines 31, 66, 104" in report
    text = (out / "pets.md").read_text(encoding="utf-8")
    assert text.startswith("# Swagger Petstore - OpenAPI 3.0\n\n:::{plan} Swagger Petstore")
    assert "::::{plan-endpoint} GET /pet/{petId}\n:operation-id: getPetById\n" in text


def test_from_openapi_forces_the_kind_and_json_input(tmp_path, capsys):
    spec = tmp_path / "spec.txt"  # no telling suffix, JSON content
    spec.write_text(
        json.dumps(
            {
                "openapi": "3.1.0",
                "info": {"title": "Tiny", "version": "1"},
                "paths": {"/ping": {"get": {"responses": {"204": {"description": "pong"}}}}},
            }
        ),
        encoding="utf-8",
    )
    out = tmp_path / "tiny.rst"
    assert main(["import", str(spec), "--from", "openapi", "-o", str(out), "-q"]) == 0
    assert capsys.readouterr().out == ""
    assert (
        ".. plan-endpoint:: GET /ping\n\n   .. plan-response:: 204 No Content\n\n      pong\n"
        in out.read_text(encoding="utf-8")
    )


def test_bad_openapi_is_one_line_and_status_2(tmp_path, capsys):
    spec = tmp_path / "old.json"
    spec.write_text('{"swagger": "1.2", "info": {}}', encoding="utf-8")
    assert main(["import", str(spec), "-o", str(tmp_path / "x.md")]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"sphinx-plan import: error: {str(spec)!r}: /swagger: '1.2' is not Swagger "
        "2.0; 2.0, OpenAPI 3.0 and 3.1 are read\n"
    )
    markdown = tmp_path / "plan.md"
    markdown.write_text("# A plan\n\nText.\n", encoding="utf-8")
    assert main(["import", str(markdown), "--from", "openapi", "-o", str(tmp_path / "y.md")]) == 2
    assert "an OpenAPI document is a mapping" in capsys.readouterr().err


def test_export_asyncapi(tmp_path, capsys):
    out = tmp_path / "asyncapi.json"
    assert main(["export", str(ROOT), "--format", "asyncapi", "-o", str(out)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["asyncapi"] == "3.0.0" and "R-refund-created" in doc["channels"]
    assert "[plan.schema]" in capsys.readouterr().err  # the root's own warnings, on stderr
    assert main(["export", str(ROOT), "--format", "asyncapi", "--validate"]) == 2
    assert "--validate checks json and openapi" in capsys.readouterr().err

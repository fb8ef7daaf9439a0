"""``sphinx-plan diff --openapi``: a plan against an implemented OpenAPI document."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from conftest import plan_warnings
from diff_repo import CONF

from sphinxcontrib_plan.cli import main
from sphinxcontrib_plan.diff.drift import BREAKING
from sphinxcontrib_plan.diff.formats import DIFF_SCHEMA_PATH
from sphinxcontrib_plan.diff.operations import normalise_path, read_document

FIXTURES = Path(__file__).parent / "fixtures" / "openapi"
SCHEMA = json.loads(DIFF_SCHEMA_PATH.read_text(encoding="utf-8"))

PLAN = """\
# Users

:::{plan} Users
:id: U1
:::

::::{plan-endpoint} GET /api/v1/users/{id}
:auth: bearer

:::{plan-response} 200 OK
:::

:::{plan-response} 404 Not Found
:::
::::

::::{plan-endpoint} POST /api/v1/users
:auth: bearer

:::{plan-response} 201 Created
:::

:::{plan-response} 409 Conflict
:::
::::

::::{plan-endpoint} GET /api/v1/users?limit&cursor
:auth: bearer

:::{plan-response} 200 OK
:::
::::

::::{plan-endpoint} DELETE /api/v1/users/{id}
:auth: bearer

:::{plan-response} 204 No Content
:::
::::

::::{plan-endpoint} GET /api/v1/status
:auth: none

:::{plan-response} 200 OK
:::
::::

::::{plan-endpoint} WS /api/v1/stream
:auth: bearer
::::
"""

#: every difference between PLAN and fixtures/openapi/service.json, and nothing else
EXPECTED = [
    ("response-missing", "GET /api/v1/users/{id}", "response 404 planned, not implemented"),
    ("response-unplanned", "GET /api/v1/users/{id}", "response 422 implemented, not planned"),
    ("response-unplanned", "POST /api/v1/users", "response 422 implemented, not planned"),
    (
        "parameter-required",
        "POST /api/v1/users",
        "header parameter 'X-Request-Id' required by the service, not in the plan",
    ),
    # a path-level parameter applies to every method of the path
    (
        "parameter-unplanned",
        "POST /api/v1/users",
        "query parameter 'limit' implemented, not planned",
    ),
    ("response-unplanned", "GET /api/v1/users", "response 422 implemented, not planned"),
    ("parameter-missing", "GET /api/v1/users", "query parameter 'cursor' planned, not implemented"),
    (
        "parameter-unplanned",
        "GET /api/v1/users",
        "query parameter 'offset' implemented, not planned",
    ),
    ("not-implemented", "DELETE /api/v1/users/{id}", "planned, not implemented"),
    (
        "auth-added",
        "GET /api/v1/status",
        "the plan says no authentication; the service requires it",
    ),
    ("not-planned", "GET /api/v1/health", "implemented, not planned"),
]


@pytest.fixture(scope="module")
def plan_json(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("users")
    (root / "conf.py").write_text(CONF, encoding="utf-8")
    (root / "index.md").write_text(PLAN, encoding="utf-8")
    target = root / "plan.json"
    assert main(["export", str(root), "--format", "json", "-o", str(target)]) == 0
    return target


def drift(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["diff", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_reports_exactly_the_known_differences(plan_json, capsys):
    code, out, err = drift(
        capsys,
        str(plan_json),
        "--openapi",
        str(FIXTURES / "service.json"),
        "--format",
        "json",
        "--fail-on",
        "breaking",
    )
    assert (code, err) == (1, "")
    data = json.loads(out)
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    assert [(f["kind"], f["signature"], f["message"]) for f in data["findings"]] == EXPECTED
    assert data["summary"] == {"matched": 4, "findings": 11, "breaking": 5}
    first = data["findings"][0]
    assert (first["endpoint"], first["implemented_path"]) == (
        "U1-get-api-v1-users-id",
        "/api/v1/users/{user_id}",
    )


def test_text_and_markdown(plan_json, capsys):
    service = str(FIXTURES / "service.json")
    code, out, _ = drift(capsys, str(plan_json), "--openapi", service)
    assert code == 0
    assert f"against {service} (Users service 0.3.0)" in out.splitlines()[0]
    assert out.splitlines()[1] == (
        "1 planned but not implemented, 1 implemented but not "
        "planned, 9 other differences in 4 matched endpoints; 5 breaking"
    )
    assert (
        "Planned but not implemented:\n  DELETE /api/v1/users/{id}  "
        "(U1-delete-api-v1-users-id)  BREAKING\n" in out
    )
    assert (
        "  GET /api/v1/users/{id}  (U1-get-api-v1-users-id)\n"
        "    BREAKING: response 404 planned, not implemented\n"
        "    response 422 implemented, not planned\n" in out
    )
    code, out, _ = drift(
        capsys, str(plan_json), "--openapi", service, "--format", "markdown", "--fail-on", "any"
    )
    assert code == 1
    assert "### Implemented but not planned\n\n- `GET /api/v1/health`\n" in out


def test_server_path_prefix_and_no_drift(tmp_path, capsys):
    # the petstore's server is http://petstore.swagger.io/v1; its paths are /pets...
    plan = {
        "plans": [],
        "objects": [
            {"type": "endpoint", "id": "a", "title": "GET /v1/pets?limit", "fields": {}},
            {
                "type": "response",
                "id": "a-200",
                "title": "200 OK",
                "parent": "a",
                "data": {"code": "200"},
            },
            {"type": "endpoint", "id": "b", "title": "POST /v1/pets", "fields": {}},
            {"type": "response", "id": "b-201", "title": "201", "parent": "b", "fields": {}},
            {"type": "endpoint", "id": "c", "title": "GET /v1/pets/:id", "fields": {}},
            {"type": "response", "id": "c-200", "title": "200", "parent": "c", "fields": {}},
        ],
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    code, out, _ = drift(
        capsys, str(path), "--openapi", str(FIXTURES / "petstore.yaml"), "--fail-on", "any"
    )
    assert code == 0
    assert "No drift: 3 endpoints match." in out
    assert "(implemented paths read below the server path /v1)" in out


@pytest.mark.parametrize(
    ("name", "operations"),
    [
        ("petstore.yaml", ["GET /pets", "POST /pets", "GET /pets/{petId}"]),
        (
            "uspto.yaml",
            ["GET /", "GET /{dataset}/{version}/fields", "POST /{dataset}/{version}/records"],
        ),
        # webhooks, the calls the service makes, are read as webhooks (after the paths)
        ("webhook-example.yaml", ["GET /pets", "webhook POST newPet"]),
    ],
)
def test_public_documents(plan_json, capsys, name, operations):
    _, implemented = read_document(FIXTURES / name)
    assert [op.signature for op in implemented] == operations
    code, out, err = drift(
        capsys, str(plan_json), "--openapi", str(FIXTURES / name), "--format", "json"
    )
    assert (code, err) == (0, "")
    data = json.loads(out)
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    unplanned = [f["signature"] for f in data["findings"] if f["kind"] == "not-planned"]
    assert len(unplanned) == len(operations)


def test_refs_resolved_and_cycles_kept():
    _, implemented = read_document(FIXTURES / "service.json")
    post = implemented[2]
    assert post.parameters == {("query", "limit"): False, ("header", "X-Request-Id"): True}
    assert normalise_path("/users/{user_id}/") == normalise_path("/users/:id") == "/users/{}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{}", "is not an OpenAPI document: it has no 'openapi' key"),
        ("openapi: 4.0.0\npaths: {}\n", "is OpenAPI 4.0.0; 2.0, 3.0 and 3.1 are read"),
        (
            "openapi: [unclosed\n",
            "is not valid YAML: expected ',' or ']', but got '<stream end>' (line 2, column 1)",
        ),
    ],
)
def test_bad_openapi_documents(plan_json, tmp_path, capsys, text, message):
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    code, out, err = drift(capsys, str(plan_json), "--openapi", str(bad))
    assert (code, out) == (2, "")
    assert err == f"sphinx-plan diff: error: {str(bad)!r} {message}\n"


def test_openapi_takes_one_plan(plan_json, capsys):
    code, _, err = drift(
        capsys, str(plan_json), str(plan_json), "--openapi", str(FIXTURES / "service.json")
    )
    assert code == 2
    assert (
        err == "sphinx-plan diff: error: --openapi compares one plan with the service: "
        "give at most BASE\n"
    )


def test_webhooks_are_compared_with_webhooks(tmp_path, capsys):
    """A plan imported from a document with webhooks has no drift against it; a
    planned webhook the service no longer sends is ``not-implemented``, one it
    sends unplanned ``not-planned``, and neither matches a path of that name."""
    root = tmp_path / "docs"
    root.mkdir()
    (root / "conf.py").write_text(CONF, encoding="utf-8")
    (root / "index.md").write_text("# Pets\n\n```{toctree}\n:glob:\n\n*\n```\n", encoding="utf-8")
    document = FIXTURES / "webhook-example.yaml"
    assert main(["import", str(document), "-o", str(root / "pets.md"), "--id", "PETS"]) == 0
    assert ":webhook:" in (root / "pets.md").read_text(encoding="utf-8")
    capsys.readouterr()

    code, out, err = drift(
        capsys, "--openapi", str(document), "--source", str(root), "--fail-on", "any"
    )
    assert (code, err) == (0, "")
    assert "No drift: 2 endpoints match." in out

    # the service stops sending newPet and sends petAdopted; a path /newPet is no webhook
    changed = tmp_path / "implemented.yaml"
    changed.write_text(
        document.read_text(encoding="utf-8")
        .replace("  newPet:\n", "  petAdopted:\n")
        .replace(
            "paths:\n",
            "paths:\n  /newPet:\n    post:\n      responses:\n"
            "        '200':\n          description: ok\n",
            1,
        ),
        encoding="utf-8",
    )
    code, out, err = drift(
        capsys,
        "--openapi",
        str(changed),
        "--source",
        str(root),
        "--format",
        "json",
        "--fail-on",
        "breaking",
    )
    assert (code, err) == (1, "")
    data = json.loads(out)
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    assert [(f["kind"], f["signature"], f["breaking"]) for f in data["findings"]] == [
        ("not-implemented", "webhook POST newPet", True),
        ("not-planned", "POST /newPet", False),
        ("not-planned", "webhook POST petAdopted", False),
    ]
    assert data["summary"]["matched"] == 1


# ------------------------------------------------------------------ plan_drift: in the build


def drift_project(tmp_path: Path, implemented: str | None) -> Path:
    """PLAN in a project whose conf.py names the service's document, ../service/openapi.json."""
    src = tmp_path / "docs"
    src.mkdir()
    (src / "conf.py").write_text(
        CONF + 'plan_drift = "../service/openapi.json"\n', encoding="utf-8"
    )
    (src / "index.md").write_text(PLAN, encoding="utf-8")
    if implemented is not None:
        (tmp_path / "service").mkdir()
        (tmp_path / "service" / "openapi.json").write_text(implemented, encoding="utf-8")
    return src


def test_plan_drift_warns_in_the_build_as_the_command_reports(make_app, tmp_path):
    """``plan_drift``: the findings of ``diff --openapi`` (EXPECTED), each a
    ``plan.drift`` warning at the planned endpoint's line, or at the unplanned
    path's line of the document; an edited document is compared again by an
    incremental build, which reads no page."""
    service = (FIXTURES / "service.json").read_text(encoding="utf-8")
    src = drift_project(tmp_path, service)
    document = tmp_path / "service" / "openapi.json"
    app = make_app("html", srcdir=src, freshenv=True)
    app.build()
    warnings = plan_warnings(app)
    endpoints = {  # the line of each planned endpoint in PLAN, and its id
        "GET /api/v1/users/{id}": (7, "U1-get-api-v1-users-id"),
        "POST /api/v1/users": (17, "U1-post-api-v1-users"),
        "GET /api/v1/users": (27, "U1-get-api-v1-users-limit-cursor"),
        "DELETE /api/v1/users/{id}": (34, "U1-delete-api-v1-users-id"),
        "GET /api/v1/status": (41, "U1-get-api-v1-status"),
    }
    breaking = "; breaking: the service does not do what the plan promises its clients"
    name = "../service/openapi.json"
    assert warnings == [
        (
            f"{src / 'index.md'}:{endpoints[signature][0]}: WARNING: {signature}: {message} "
            f"(endpoint {endpoints[signature][1]}; service document {name})"
            if signature in endpoints
            else f"{document}:51: WARNING: {signature}: {message} (service document {name})"
        )
        + (breaking if kind in BREAKING else "")
        + " [plan.drift]"
        for kind, signature, message in EXPECTED
    ]

    # the service drops /api/v1/status: compared again, no page read again
    data = json.loads(service)
    del data["paths"]["/api/v1/status"]
    document.write_text(json.dumps(data, indent=2), encoding="utf-8")
    app = make_app("html", srcdir=src, freshenv=False)
    app.build()
    assert "0 added, 0 changed, 0 removed" in app.status.getvalue()
    after = plan_warnings(app)
    assert len(after) == len(warnings)  # the auth finding became a not-implemented one
    assert f"{src / 'index.md'}:41: WARNING: GET /api/v1/status: planned, not implemented" in (
        "\n".join(after)
    )


def test_plan_drift_unreadable_document_is_one_warning(make_app, tmp_path):
    src = drift_project(tmp_path, None)
    app = make_app("html", srcdir=src, freshenv=True)
    app.build()
    (warning,) = plan_warnings(app)
    assert warning.startswith(f"{src / 'conf.py'}:6: WARNING: plan_drift: cannot read ")
    assert warning.endswith("; nothing was compared [plan.drift]")

    # the document appears: the next build compares with it
    (tmp_path / "service").mkdir()
    (tmp_path / "service" / "openapi.json").write_text("openapi: [unclosed\n", encoding="utf-8")
    app = make_app("html", srcdir=src, freshenv=False)
    app.build()
    (warning,) = plan_warnings(app)
    assert "is not valid YAML" in warning


def test_plan_drift_through_check(tmp_path, capsys):
    """``sphinx-plan check`` reports the drift as plan problems (exit 1)."""
    src = drift_project(tmp_path, (FIXTURES / "service.json").read_text(encoding="utf-8"))
    assert main(["check", str(src), "--no-cache"]) == 1
    out = capsys.readouterr().out
    # the document and the service's OpenAPI file
    assert f"{len(EXPECTED)} plan problems in 2 documents ({len(EXPECTED)} plan.drift)" in out

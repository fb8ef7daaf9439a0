"""importers.openapi_plan: OpenAPI documents written as plan source (MyST and reST)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sphinxcontrib_plan.importers import IMPORTERS, ImporterError, detect
from sphinxcontrib_plan.importers.emit import write_myst, write_rst

FIXTURES = Path(__file__).parent.parent / "fixtures" / "openapi"


def _import(name: str, **kw):
    text = (FIXTURES / name).read_text(encoding="utf-8")
    assert detect(text, name) == "openapi"
    return IMPORTERS["openapi"].run(text, **kw)


def test_endpoint_with_security_parameters_body_and_responses():
    result = _import("petstore3.yaml", plan_id="pets")
    myst = write_myst(result.document)
    assert (
        """::::{plan-endpoint} DELETE /pet/{petId}
:operation-id: deletePet
:summary: Deletes a pet
:tags: pet
:auth: petstore_auth
:permissions: write:pets, read:pets
:path: petId:integer(int64) "Pet id to delete"
:header: api_key

:::{plan-response} 400 Bad Request

Invalid pet value
:::
::::"""
        in myst
    )
    assert ":auth: api_key or petstore_auth" in myst  # two alternatives, by scheme name
    assert ":::{plan-security} api_key\n:type: api-key\n:in: header\n:name: api_key\n:::" in myst
    assert (
        ":content-type: application/json, application/xml, "
        "application/x-www-form-urlencoded\n:schema: Pet\n" in myst
    )
    assert (
        ':headers: X-Rate-Limit:integer(int32) "calls per hour allowed by the user", '
        'X-Expires-After:string(date-time) "date in UTC when token expires"' in myst
    )
    assert result.report.counts() == {
        "api": 1,
        "server": 1,
        "tag": 3,
        "security": 2,
        "schema": 6,
        "endpoint": 12,
        "response": 23,
    }
    # what the plan does not carry is named, by JSON pointer (22.3)
    assert result.report.notes == [
        "/components/schemas/Pet/properties/tags/items: beside $ref, not carried (OpenAPI 3.0 "
        "ignores it): xml",
        "/info/termsOfService: not carried",
        "/info/contact: not carried",
        "/info/license: not carried",
        "/tags/0/externalDocs: not carried",
        "/tags/1/externalDocs: not carried",
        "/externalDocs: not carried",
    ]  # info.version, the servers, tags and security schemes are carried


def test_inline_schemas_are_marked_code_blocks_and_examples_follow():
    myst = write_myst(_import("uspto.yaml", plan_id="uspto").document)
    assert (
        "\n```yaml\n$schema: https://json-schema.org/draft/2020-12/schema\ntype: object\n"
        "properties:\n  criteria:\n" in myst
    )
    assert ':path: dataset=oa_citations "Name of the dataset.' in myst


def test_examples_become_code_blocks_after_the_schema():
    text = """openapi: 3.1.0
info: {title: Ex, version: "1"}
paths:
  /items:
    post:
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {n: {type: integer}}}
            examples:
              one: {value: {n: 1}}
              two: {value: {n: 2}}
      responses:
        "201":
          description: Made
          content:
            text/plain:
              example: made
"""
    myst = write_myst(IMPORTERS["openapi"].run(text, plan_id="ex").document)
    assert (
        "```yaml\n$schema: https://json-schema.org/draft/2020-12/schema\ntype: object\n"
        'properties:\n  n:\n    type: integer\n```\n\n```json\n{\n  "n": 1\n}\n```\n\n'
        '```json\n{\n  "n": 2\n}\n```' in myst
    )
    assert (
        ":::{plan-response} 201 Created\n:content-type: text/plain\n\nMade\n\n"
        "```text\nmade\n```\n:::" in myst
    )


def test_webhooks_and_default_plan_id():
    result = _import("webhook-example.yaml")
    myst = write_myst(result.document)
    assert (
        "::::{plan-endpoint} POST /newPet\n:webhook:\n:content-type: application/json\n"
        ":schema: Pet\n" in myst
    )
    assert result.report.plan_id == "webhook-example"
    assert result.report.notes == [
        "the plan id 'webhook-example' comes from info.title (give --id)",
    ]  # info.version is carried, by plan-api


def test_rest_output_has_the_same_directives():
    result = _import("petstore-expanded.yaml", plan_id="pets")
    rst = write_rst(result.document)
    assert (
        ".. plan-endpoint:: GET /pets\n   :operation-id: findPets\n"
        '   :query: tags:string[]{"style": "form"} "tags to filter by", limit:integer(int32) '
        '"maximum number of results to return"\n' in rst
    )
    assert (
        "   .. plan-response:: default\n      :content-type: application/json\n"
        "      :schema: Error\n" in rst
    )
    assert (
        ".. plan-schema:: Pet\n\n   .. code-block:: yaml\n\n      allOf:\n"
        "      - $ref: '#/components/schemas/NewPet'\n" in rst
    )


def test_not_openapi_is_one_clear_error():
    with pytest.raises(ImporterError, match="'1.2' is not Swagger 2.0"):
        IMPORTERS["openapi"].run('swagger: "1.2"\ninfo: {}\n')

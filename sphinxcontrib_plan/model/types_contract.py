"""The built-in types of the data model and the API contract: tables, migrations,
the API, its servers, tags and security schemes, endpoints, responses, events and
schemas (part of the registry in :mod:`~sphinxcontrib_plan.model.types`)."""

from __future__ import annotations

from sphinxcontrib_plan.model.typespec import Kind, ObjectType
from sphinxcontrib_plan.model.typespec import field_spec as _f

CONTRACT_TYPES: tuple[ObjectType, ...] = (
    ObjectType(
        "table",
        "Table",
        "database schema",
        columns=("id", "title", "columns"),
        named=True,
    ),
    ObjectType(
        "migration",
        "Migration",
        "data migration",
        fields=(
            _f("from", help="Current state."),
            _f("to", help="Desired state."),
            _f("duration", help="Estimated duration."),
            _f("downtime", help="Downtime required."),
            _f(
                "tables",
                Kind.REFS,
                target="table",
                reverse="Migrated by",
                help="Tables the migration creates or changes.",
            ),
        ),
        columns=("id", "title", "from", "to", "duration", "downtime"),
    ),
    ObjectType(
        "api",
        "API",
        "API contracts: the API as a whole (OpenAPI ``info``)",
        fields=(
            _f(
                "version",
                help="The API's version (OpenAPI ``info.version``); default: the "
                "project's release.",
            ),
        ),
        columns=("title", "version", "plan"),
        plural="APIs",
    ),
    ObjectType(
        "server",
        "Server",
        "API contracts: the servers the API is served from",
        fields=(
            _f(
                "variables",
                help="Variables of the URL's ``{braces}``, in the compact parameter "
                'notation: ``region:eu|us=eu "Data region"`` (the default is required).',
            ),
        ),
        columns=("title", "plan"),
        named=True,
    ),
    ObjectType(
        "tag",
        "Tag",
        "API contracts: the tags that group endpoints (their ``:tags:``)",
        columns=("title", "plan"),
        named=True,
    ),
    ObjectType(
        "security",
        "Security scheme",
        "security design: authentication schemes, named in endpoints' ``:auth:``",
        fields=(
            _f(
                "type",
                Kind.ENUM,
                "http",
                "api-key",
                "oauth2",
                "openid-connect",
                "mutual-tls",
                required=True,
                help="The OpenAPI scheme type (``apiKey``, ``openIdConnect`` and "
                "``mutualTLS`` are accepted as written in OpenAPI).",
            ),
            _f("scheme", help="The HTTP authentication scheme (type http): bearer, basic..."),
            _f("bearer-format", help="The format of a bearer token, e.g. JWT."),
            _f(
                "in",
                Kind.ENUM,
                "header",
                "query",
                "cookie",
                help="Where the API key is sent (type api-key).",
            ),
            _f("name", help="The name of the API key's header, query parameter or cookie."),
            _f(
                "flows",
                Kind.LIST,
                help="OAuth 2.0 flows (type oauth2): authorizationCode, "
                "clientCredentials, implicit, password.",
            ),
            _f("authorization-url", help="OAuth 2.0 authorization URL (implicit, code flows)."),
            _f("token-url", help="OAuth 2.0 token URL (password, client, code flows)."),
            _f("refresh-url", help="OAuth 2.0 refresh URL."),
            _f(
                "scopes",
                help="OAuth 2.0 scopes in the compact parameter notation: "
                '``"read:pets" "Read your pets", admin``.',
            ),
            _f("openid-url", help="OpenID Connect discovery URL (type openid-connect)."),
        ),
        columns=("title", "type", "scheme", "in", "name"),
        named=True,
    ),
    ObjectType(
        "endpoint",
        "Endpoint",
        "REST and WebSocket endpoints",
        fields=(
            _f("summary", help="One-line summary."),
            _f(
                "auth",
                help="Authentication: a plan-security name, or bearer, api-key, basic, "
                "oauth2, none...; ``A or B`` for alternatives, ``A and B`` for both.",
            ),
            _f("permissions", Kind.LIST, help="Permissions required (role permissions)."),
            _f("rate-limit", help="Rate limit, e.g. 10/minute per user."),
            _f("deprecated", Kind.FLAG, default=False, help="The endpoint is deprecated."),
            _f("phase", Kind.REF, target="phase", help="Phase that delivers it."),
            _f("operation-id", help="The OpenAPI operationId (default: the object's id)."),
            _f(
                "path",
                help="Path parameters, in the compact parameter notation "
                "(``id:integer``): exactly the names in the path's braces.",
                listed=False,
            ),
            _f(
                "query",
                help='Query parameters: ``limit:integer=20 "Page size", cursor``.',
                listed=False,
            ),
            _f(
                "header", help="Header parameters: ``Idempotency-Key*:string(uuid)``.", listed=False
            ),
            _f(
                "cookie", help="Cookie parameters, in the compact parameter notation.", listed=False
            ),
            _f(
                "schema",
                help="Schema of the request body: a plan-schema name "
                "(``Name[]`` for an array of it) or a .json/.yaml file.",
                listed=False,
            ),
            _f(
                "content-type",
                help="Media types of the request body, comma-separated (default application/json).",
            ),
            _f(
                "optional-body",
                Kind.FLAG,
                default=None,
                help="The request body may be left out (OpenAPI ``requestBody.required: "
                "false``); without it the body is required.",
            ),
            _f(
                "webhook",
                Kind.FLAG,
                default=False,
                help="The service calls this endpoint (an OpenAPI webhook named by the "
                "path without its leading /).",
            ),
        ),
        argument="signature",
        named=True,
        columns=("method", "path", "summary", "auth", "responses"),
        sort="path, method",
    ),
    ObjectType(
        "response",
        "Response",
        "responses of an endpoint",
        fields=(
            _f("content-type", help="Media types of the body, comma-separated."),
            _f(
                "schema",
                help="Schema of the body: a plan-schema name (``Name[]`` for an "
                "array of it) or a .json/.yaml file.",
                listed=False,
            ),
            _f(
                "headers", help="Response headers, in the compact parameter notation.", listed=False
            ),
        ),
        argument="response",
        role=False,
        parent="endpoint",
        columns=("endpoint", "code", "title"),
    ),
    ObjectType(
        "event",
        "Event",
        "event schemas",
        fields=(
            _f("published-by", Kind.REFS, target="component", help="Publishing components."),
            _f("consumed-by", Kind.REFS, target="component", help="Consuming components."),
            _f(
                "schema",
                help="Schema of the payload: a plan-schema name or a .json/.yaml file.",
                listed=False,
            ),
        ),
        columns=("title", "published-by", "consumed-by"),
        named=True,
    ),
    ObjectType(
        "schema",
        "Schema",
        "request, response and event schemas (JSON Schema)",
        fields=(
            _f(
                "file",
                help="A .json/.yaml file holding the schema, instead of a code "
                "block in the body (relative to the document).",
            ),
        ),
        columns=("title", "plan"),
        named=True,
    ),
)

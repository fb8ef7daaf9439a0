"""Read an OpenAPI document (JSON or YAML; Swagger 2.0, OpenAPI 3.0 or 3.1) into
:class:`ApiDocument`: the one OpenAPI reader of ``sphinx-plan import``, the
``plan-openapi`` directive and ``sphinx-plan diff --openapi``.

The text is read by :func:`~sphinxcontrib_plan.model.codedata.parse`, the
package's one JSON/YAML reader (JSON values only, bounded by
:mod:`~sphinxcontrib_plan.model.limits`). Swagger 2.0 is first rewritten in
OpenAPI 3.0's shape (:mod:`~sphinxcontrib_plan.importers.swagger`). Internal
references (``#/components/parameters/limit``, responses, request bodies,
headers, examples, path items) are resolved with ``referencing``; schema
references to ``#/components/schemas/NAME`` are kept as written, so
``allOf``/``oneOf`` stay as the author composed them. OpenAPI 3.0 schemas are
rewritten in 3.1's dialect (``nullable``, boolean ``exclusiveMaximum``,
``example``).

A malformed document never raises anything but :class:`OpenApiError` (a
document that cannot be read at all, or one past a limit); everything else
that is wrong is skipped and named, with its JSON pointer, in
:attr:`ApiDocument.problems`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.importers.openapi_model import (
    LOCATIONS,
    METHODS,
    PARAMETER_EXTRA,
    ApiDocument,
    Body,
    Media,
    OpenApiError,
    Operation,
    Parameter,
    Response,
    Server,
)
from sphinxcontrib_plan.importers.openapi_schema import SchemaReader, pointer
from sphinxcontrib_plan.model.codedata import DataError, parse, read_file
from sphinxcontrib_plan.model.references import References

if TYPE_CHECKING:
    import os

    from sphinxcontrib_plan.model.codedata import Parsed

__all__ = [
    "OpenApiError",
    "is_openapi",
    "load_document",
    "parse_document",
    "read_openapi",
    "read_openapi_file",
]


def parse_document(text: str) -> Parsed:
    """Parse the text of a JSON or YAML document, once, with the lines of its values.

    :param text: the file's content
    :return: the data and its lines
    :raises OpenApiError: when it is neither JSON nor YAML, or passes a limit
    """
    try:
        return parse(text)
    except DataError as err:
        where = (
            ""
            if err.line is None or "(line " in err.message
            else f" (line {err.line + 1})"
            if err.column is None
            else f" (line {err.line + 1}, column {err.column + 1})"
        )
        raise OpenApiError(f"{err.message}{where}") from None


def load_document(text: str) -> Any:
    """The data of a JSON or YAML document (see :func:`parse_document`).

    :param text: the file's content
    :return: the data
    :raises OpenApiError: when it is neither JSON nor YAML, or passes a limit
    """
    return parse_document(text).data


def read_openapi_file(path: str | os.PathLike[str]) -> tuple[Any, ApiDocument]:
    """Read an OpenAPI file: a regular file within the size limit, JSON or YAML.

    :param path: the file
    :return: its data and its reading
    :raises FileError: when the file is not read (the reason, to follow "cannot read FILE: ")
    :raises OpenApiError: with a message fitting "FILE is …"
    """
    data = load_document(read_file(path))
    return data, read_openapi(data)


def is_openapi(data: Any) -> bool:
    """Whether parsed data looks like an OpenAPI (or Swagger) document.

    :param data: parsed JSON or YAML
    :return: ``True`` when it has an ``openapi`` or ``swagger`` version
    """
    return isinstance(data, dict) and ("openapi" in data or "swagger" in data)


def read_openapi(data: Any) -> ApiDocument:
    """Read a parsed Swagger 2.0, OpenAPI 3.0 or 3.1 document.

    :param data: the parsed document
    :return: the neutral reading
    :raises OpenApiError: when *data* is not such a document, or passes a limit
    """
    if not isinstance(data, dict):
        raise OpenApiError("an OpenAPI document is a mapping with an 'openapi' version")
    if "swagger" in data and "openapi" not in data:
        if str(data.get("swagger")) != "2.0":
            raise OpenApiError(
                f"/swagger: {data.get('swagger')!r} is not Swagger 2.0; "
                "2.0, OpenAPI 3.0 and 3.1 are read"
            )
        from sphinxcontrib_plan.importers.swagger import upgrade

        return _Reader(upgrade(data), "2.0").read()
    version = str(data.get("openapi", ""))
    if not version.startswith("3."):
        raise OpenApiError(
            f"/openapi: {version or 'nothing'!r} is not an OpenAPI 3.0 or 3.1 version"
        )
    return _Reader(data, version).read()


class _Reader:
    def __init__(self, data: dict[str, Any], version: str) -> None:
        self.data = data
        self.problems: list[str] = []
        self.references = References(data)
        self.schemas = SchemaReader(
            data,
            legacy=not version.startswith("3.1"),
            problems=self.problems,
            references=self.references,
        )
        self.version = version

    def problem(self, path: tuple[Any, ...], message: str) -> None:
        self.problems.append(f"{pointer(path)}: {message}")

    def mapping(self, value: Any, path: tuple[Any, ...]) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem(path, f"expected a mapping, found {type(value).__name__}")
            return {}
        return value

    def deref(self, value: Any, path: tuple[Any, ...]) -> tuple[Any, tuple[Any, ...]]:
        """Follow ``$ref`` chains of a non-schema object; ``(None, path)`` if broken."""
        seen: set[str] = set()
        while isinstance(value, dict) and isinstance(value.get("$ref"), str):
            ref = value["$ref"]
            if ref in seen:
                self.problem(path, f"$ref {ref!r} refers to itself")
                return None, path
            seen.add(ref)
            found = self.references.lookup(ref)
            if found is None:
                self.problem(
                    path,
                    f"$ref {ref!r} points nowhere in the document"
                    if ref.startswith("#")
                    else f"$ref {ref!r} is outside the document and is not followed",
                )
                return None, path
            value, path = found
        return value, path

    def text(self, obj: dict[str, Any], key: str) -> str:
        value = obj.get(key)
        return value.strip() if isinstance(value, str) else ""

    def read(self) -> ApiDocument:
        data = self.data
        info = self.mapping(data.get("info"), ("info",))
        components = self.mapping(data.get("components"), ("components",))
        named = self.mapping(components.get("schemas"), ("components", "schemas"))
        schemas = {
            str(name): self.schemas.read(schema, ("components", "schemas", name))
            for name, schema in named.items()
        }
        servers = self.servers(data.get("servers"), ("servers",))
        default_security = self.security(data.get("security"), ("security",))
        operations: list[Operation] = []
        for key in ("paths", "webhooks"):
            for name, item in self.mapping(data.get(key), (key,)).items():
                operations += self.path_item(
                    str(name), item, (key, name), default_security, webhook=key == "webhooks"
                )
        return ApiDocument(
            openapi=self.version,
            title=self.text(info, "title"),
            version=str(info.get("version", "")),
            description=self.text(info, "description"),
            servers=servers,
            operations=tuple(operations),
            schemas=schemas,
            security_schemes={
                str(k): v
                for k, v in self.mapping(
                    components.get("securitySchemes"), ("components", "securitySchemes")
                ).items()
            },
            tags=tuple(
                (str(t.get("name")), self.text(t, "description"))
                for t in data.get("tags") or ()
                if isinstance(t, dict) and t.get("name")
            ),
            problems=tuple(self.problems),
        )

    def servers(self, value: Any, path: tuple[Any, ...]) -> tuple[Server, ...]:
        servers = []
        for i, server in enumerate(value if isinstance(value, list) else ()):
            if not isinstance(server, dict) or not isinstance(server.get("url"), str):
                self.problem((*path, i), "a server needs a 'url'")
                continue
            servers.append(
                Server(
                    server["url"],
                    self.text(server, "description"),
                    dict(self.mapping(server.get("variables"), (*path, i))),
                )
            )
        return tuple(servers)

    def security(
        self, value: Any, path: tuple[Any, ...]
    ) -> tuple[dict[str, tuple[str, ...]], ...] | None:
        if value is None:
            return None
        if not isinstance(value, list):
            self.problem(path, "security is a list of requirements")
            return None
        return tuple(
            {str(k): tuple(str(s) for s in (v or ())) for k, v in r.items()}
            for r in value
            if isinstance(r, dict)
        )

    def path_item(
        self,
        name: str,
        item: Any,
        path: tuple[Any, ...],
        default_security: tuple[dict[str, tuple[str, ...]], ...] | None,
        *,
        webhook: bool,
    ) -> list[Operation]:
        item, path = self.deref(item, path)
        item = self.mapping(item, path)
        shared = self.parameters(item.get("parameters"), (*path, "parameters"))
        operations = []
        for method in [k for k in item if k in METHODS]:  # in the document's order
            op_path = (*path, method)
            op = self.mapping(item[method], op_path)
            own = self.parameters(op.get("parameters"), (*op_path, "parameters"))
            keys = {(p.name, p.location) for p in own}
            parameters = [p for p in shared if (p.name, p.location) not in keys] + own
            security = self.security(op.get("security"), (*op_path, "security"))
            operations.append(
                Operation(
                    method=method.upper(),
                    path=name,
                    operation_id=self.text(op, "operationId"),
                    summary=self.text(op, "summary") or self.text(item, "summary"),
                    description=self.text(op, "description") or self.text(item, "description"),
                    tags=tuple(str(t) for t in op.get("tags") or () if isinstance(t, (str, int))),
                    security=default_security if security is None else security,
                    parameters=tuple(parameters),
                    request_body=self.body(op.get("requestBody"), (*op_path, "requestBody")),
                    responses=self.responses(op.get("responses"), (*op_path, "responses")),
                    deprecated=op.get("deprecated") is True,
                    webhook=name if webhook else None,
                )
            )
        return operations

    def parameters(self, value: Any, path: tuple[Any, ...]) -> list[Parameter]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(path, "parameters is a list")
            return []
        found = []
        for i, raw in enumerate(value):
            param, where = self.deref(raw, (*path, i))
            if param is None:
                continue
            if (
                not isinstance(param, dict)
                or not param.get("name")
                or param.get("in") not in LOCATIONS
            ):
                self.problem(where, f"a parameter needs a 'name' and 'in' ({', '.join(LOCATIONS)})")
                continue
            found.append(self.parameter(param, where, str(param["name"]), str(param["in"])))
        return found

    def parameter(
        self, param: dict[str, Any], path: tuple[Any, ...], name: str, location: str
    ) -> Parameter:
        schema = param.get("schema")
        if schema is None and isinstance(param.get("content"), dict):
            # a parameter with ``content``: its (single) media type's schema
            media = next(iter(param["content"].values()), None)
            schema = media.get("schema") if isinstance(media, dict) else None
        return Parameter(
            name=name,
            location=location,
            required=param.get("required") is True or location == "path",
            description=self.text(param, "description"),
            schema=None if schema is None else self.schemas.read(schema, (*path, "schema")),
            deprecated=param.get("deprecated") is True,
            example=param.get("example"),
            extra={k: param[k] for k in PARAMETER_EXTRA if k in param},
        )

    def content(self, value: Any, path: tuple[Any, ...]) -> tuple[Media, ...]:
        media = []
        for media_type, raw in self.mapping(value, path).items():
            where = (*path, media_type)
            entry = self.mapping(raw, where)
            schema = entry.get("schema")
            media.append(
                Media(
                    str(media_type),
                    None if schema is None else self.schemas.read(schema, (*where, "schema")),
                    self.examples(entry, where),
                )
            )
        return tuple(media)

    def examples(self, entry: dict[str, Any], path: tuple[Any, ...]) -> tuple[tuple[str, Any], ...]:
        found: list[tuple[str, Any]] = []
        if "example" in entry:
            found.append(("", entry["example"]))
        examples = entry.get("examples")
        if isinstance(examples, list):  # not OpenAPI, but written in the wild: keep the values
            found += [(str(i + 1), v) for i, v in enumerate(examples)]
        elif isinstance(examples, dict):
            for name, raw in examples.items():
                example, _ = self.deref(raw, (*path, "examples", name))
                if isinstance(example, dict) and "value" in example:
                    found.append((str(name), example["value"]))
        return tuple(found)

    def body(self, value: Any, path: tuple[Any, ...]) -> Body | None:
        if value is None:
            return None
        body, path = self.deref(value, path)
        if body is None:
            return None
        body = self.mapping(body, path)
        return Body(
            self.text(body, "description"),
            body.get("required") is True,
            self.content(body.get("content"), (*path, "content")),
        )

    def responses(self, value: Any, path: tuple[Any, ...]) -> tuple[Response, ...]:
        responses = []
        for code, raw in self.mapping(value, path).items():
            where = (*path, code)
            response, where = self.deref(raw, where)
            # a broken reference still names a code the operation answers with
            response = self.mapping(response, where)
            headers = []
            for name, header in self.mapping(response.get("headers"), (*where, "headers")).items():
                header, hpath = self.deref(header, (*where, "headers", name))
                if isinstance(header, dict):
                    headers.append(self.parameter(header, hpath, str(name), "header"))
            responses.append(
                Response(
                    str(code).upper() if str(code) != "default" else "default",
                    self.text(response, "description"),
                    self.content(response.get("content"), (*where, "content")),
                    tuple(headers),
                )
            )
        return tuple(responses)

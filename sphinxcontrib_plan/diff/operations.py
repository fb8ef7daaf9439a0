"""Operations of an API, from an implemented OpenAPI document and from a plan, in one shape.

An OpenAPI 3.0 or 3.1 document (JSON or YAML; Swagger 2.0 is read too) is
read by the package's one OpenAPI reader
(:mod:`sphinxcontrib_plan.importers.openapi`), its references resolved there.
Paths are compared with
templated segments normalised, so ``/users/{id}``, ``/users/{user_id}`` and
``/users/:id`` are one path; a trailing slash is ignored. Webhooks (OpenAPI
3.1's ``webhooks``, the calls the service makes; in a plan, endpoints with the
``webhook`` flag) are compared with webhooks only, by method and name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from sphinxcontrib_plan.diff import DiffError
from sphinxcontrib_plan.export.openapi import auth_schemes

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sphinxcontrib_plan.model.codedata import Parsed

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_TEMPLATE = re.compile(r"^(?:\{[^{}]*\}|:[A-Za-z_]\w*|<[^<>]*>)$")


def normalise_path(path: str) -> str:
    """A path with every templated segment written ``{}`` and no query or trailing slash.

    :param path: e.g. ``/users/{user_id}/``
    :return: e.g. ``/users/{}``
    """
    path = path.strip().partition("?")[0]
    segments = ["{}" if _TEMPLATE.match(s) else s for s in path.strip("/").split("/")]
    return "/" + "/".join(s for s in segments if s)


@dataclass
class ComparedOperation:
    """One method on one path, planned or implemented."""

    method: str
    #: the path as written
    path: str
    #: response codes as written (``200``, ``4XX``, ``default``)
    responses: set[str] = field(default_factory=set)
    #: ``(in, name)`` of query, header and cookie parameters, to whether they are required
    parameters: dict[tuple[str, str], bool] = field(default_factory=dict)
    #: whether the operation needs authentication (``None``: not stated)
    auth: bool | None = None
    #: plan object id, or operationId
    ident: str | None = None
    #: a webhook (a call the service makes); its path is the webhook's name
    webhook: bool = False

    @property
    def key(self) -> tuple[str, str, bool]:
        """``(METHOD, normalised path, webhook)``: how planned and implemented
        operations are matched (a webhook only with a webhook)."""
        return self.method.upper(), normalise_path(self.path), self.webhook

    @property
    def signature(self) -> str:
        """``METHOD /path`` as written; ``webhook METHOD name`` for a webhook."""
        if self.webhook:
            return f"webhook {self.method.upper()} {self.path.lstrip('/')}"
        return f"{self.method.upper()} {self.path}"


def read_document(path: Path) -> tuple[dict[str, Any], list[ComparedOperation]]:
    """Read an implemented OpenAPI document with the package's one OpenAPI reader.

    :param path: the file (JSON or YAML; Swagger 2.0, OpenAPI 3.0 or 3.1)
    :return: its data (for its servers and title) and its operations, in document order
        (paths, then webhooks)
    :raise DiffError: when it cannot be read, is not OpenAPI or passes a limit
    """
    parsed, operations = read_parsed(path)
    data: dict[str, Any] = parsed.data
    return data, operations


def read_parsed(path: Path) -> tuple[Parsed, list[ComparedOperation]]:
    """:func:`read_document`, with the document as read: its data and the lines of
    its keys (:meth:`~sphinxcontrib_plan.model.codedata.Parsed.line`).

    :param path: the file
    :return: the document as read, and its operations
    :raise DiffError: as :func:`read_document`
    """
    from sphinxcontrib_plan.importers.openapi import (
        OpenApiError,
        is_openapi,
        parse_document,
        read_openapi,
    )
    from sphinxcontrib_plan.model.codedata import FileError, read_file

    try:
        text = read_file(path)
    except FileError as err:
        raise DiffError(f"cannot read {str(path)!r}: {err.message}") from None
    try:
        parsed = parse_document(text)
        data = parsed.data
        if not is_openapi(data):
            raise DiffError(f"{str(path)!r} is not an OpenAPI document: it has no 'openapi' key")
        version = str(data.get("openapi") or data.get("swagger"))
        if not version.startswith(("3.0", "3.1", "2.")):
            raise DiffError(f"{str(path)!r} is OpenAPI {version}; 2.0, 3.0 and 3.1 are read")
        if not isinstance(data.get("paths", {}), dict):
            raise DiffError(f"{str(path)!r}: 'paths' is not a mapping")
        document = read_openapi(data)
    except OpenApiError as err:  # "/pointer: what" or what the document is
        joint = ":" if str(err).startswith("/") else " is"
        raise DiffError(f"{str(path)!r}{joint} {err}") from None
    return parsed, [
        ComparedOperation(
            op.method.lower(),
            op.path,
            {p.code for p in op.responses},
            {
                (p.location, p.name): p.required
                for p in op.parameters
                if p.location in ("query", "header", "cookie")
            },
            _needs_auth(op.security),
            op.operation_id or None,
            webhook=op.webhook is not None,
        )
        for op in document.operations
    ]


def _needs_auth(security: tuple[dict[str, tuple[str, ...]], ...] | None) -> bool | None:
    if security is None:
        return None
    # an empty requirement object allows anonymous calls
    return bool(security) and all(security)


def _parameters(items: Any) -> dict[tuple[str, str], bool]:
    params: dict[tuple[str, str], bool] = {}
    for param in items or ():
        if not isinstance(param, dict) or "name" not in param:
            continue
        where = str(param.get("in", "query"))
        if where in ("query", "header", "cookie"):
            params[(where, str(param["name"]))] = bool(param.get("required"))
    return params


def server_prefix(document: Mapping[str, Any]) -> str:
    """The path part of the first server URL (or Swagger's ``basePath``), ``""`` for none.

    :param document: the OpenAPI document
    :return: e.g. ``/api/v1``
    """
    servers = document.get("servers")
    url = (
        servers[0].get("url", "")
        if isinstance(servers, list) and servers and isinstance(servers[0], dict)
        else str(document.get("basePath") or "")
    )
    path = urlsplit(str(url)).path if "://" in str(url) else str(url)
    return path.rstrip("/") if path.startswith("/") else ""


def planned_operations(plan: Mapping[str, Any]) -> list[ComparedOperation]:
    """The HTTP endpoints of a ``plan.json`` document (WebSocket and external ones left out).

    :param plan: the plan.json data
    :return: one operation per endpoint, in document order
    """
    codes: dict[str, set[str]] = {}
    for obj in plan.get("objects", ()):
        if obj.get("type") == "response" and obj.get("parent"):
            code = (obj.get("data") or {}).get("code") or str(obj.get("title", "")).split(" ")[0]
            codes.setdefault(str(obj["parent"]), set()).add(str(code))
    operations = []
    for obj in plan.get("objects", ()):
        if obj.get("type") != "endpoint" or obj.get("external"):
            continue
        data = obj.get("data") or {}
        title_method, _, title_path = str(obj.get("title", "")).partition(" ")
        method = str(data.get("method") or title_method).lower()
        if method not in HTTP_METHODS:
            continue
        path = str(data.get("path") or title_path).strip()
        params = {
            ("query", name.split("=", 1)[0]): False
            for name in path.partition("?")[2].split("&")
            if name.split("=", 1)[0]
        }
        params.update(_parameters(data.get("parameters")))
        auth = (obj.get("fields") or {}).get("auth")
        schemes = auth_schemes(str(auth)) if auth else None
        needs_auth = None if not auth else not (schemes and ["none"] in schemes)
        operations.append(
            ComparedOperation(
                method,
                path.partition("?")[0],
                codes.get(obj["id"], set()),
                params,
                needs_auth,
                str(obj["id"]),
                webhook=bool((obj.get("fields") or {}).get("webhook")),
            )
        )
    return operations

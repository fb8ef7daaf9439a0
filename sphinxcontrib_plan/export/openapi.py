"""OpenAPI 3.1 document built from the plan's endpoints (completed in its own issue)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.config import Config

    from sphinxcontrib_plan.resolve import ResolvedIndex


def openapi_document(index: ResolvedIndex, config: Config) -> dict[str, Any]:
    """The OpenAPI document of every HTTP endpoint.

    :param index: the resolved index
    :param config: the Sphinx configuration
    :return: JSON-able data
    """
    paths: dict[str, Any] = {}
    for endpoint in sorted(index.of_type("endpoint"), key=lambda r: r.title):
        method = endpoint.extra.get("method", "GET").lower()
        if method in ("ws", "wss"):
            continue
        responses = {
            r.extra.get("code", "default"): {"description": r.extra.get("reason") or r.title}
            for r in index.children.get(endpoint.id, ())
        } or {"default": {"description": "No response documented"}}
        operation: dict[str, Any] = {"operationId": endpoint.id, "responses": responses}
        if endpoint.fields.get("summary"):
            operation["summary"] = endpoint.fields["summary"]
        paths.setdefault(endpoint.extra.get("path", "/"), {})[method] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": config.project, "version": config.version or "0"},
        "paths": paths,
    }

"""Write the exports at ``build-finished``, atomically."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.export.json import plan_document

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from sphinxcontrib_plan.domain import PlanDomain
    from sphinxcontrib_plan.model.records import ObjectRecord


def write_json(path: Path, data: Any) -> None:
    """Write *data* as sorted, indented JSON, replacing *path* atomically.

    :param path: destination
    :param data: JSON-able data
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as stream:
        json.dump(data, stream, indent=2, ensure_ascii=False, sort_keys=False)
        stream.write("\n")
    os.replace(tmp, path)


def _url_maker(app: Sphinx) -> Any:
    builder = app.builder
    if builder.format != "html" or builder.name in ("singlehtml",):
        if builder.name == "singlehtml":
            return lambda r: f"{builder.get_target_uri(builder.config.root_doc)}#{r.anchor}"
        return lambda r: None

    def url(record: ObjectRecord) -> str | None:
        return f"{builder.get_target_uri(record.docname)}#{record.anchor}"

    return url


def on_build_finished(app: Sphinx, exception: BaseException | None) -> None:
    """Write ``plan.json`` and, when configured, the OpenAPI document.

    :param app: the Sphinx application
    :param exception: the build's exception, if it failed
    """
    if exception is not None:
        return
    domain: PlanDomain = app.env.get_domain("plan")  # type: ignore[assignment]
    outdir = Path(app.builder.outdir)
    if domain.config.json:
        write_json(outdir / "plan.json",
                   plan_document(domain.index, app.config.project, _url_maker(app)))
    if domain.config.openapi:
        from sphinxcontrib_plan.export.openapi import openapi_document

        name = domain.config.openapi if isinstance(domain.config.openapi, str) else "openapi.json"
        write_json(outdir / name, openapi_document(domain.index, app.config))


def setup_export(app: Sphinx) -> None:
    """Connect the export writer.

    :param app: the Sphinx application
    """
    app.connect("build-finished", on_build_finished)

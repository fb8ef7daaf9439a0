"""Write the exports at ``build-finished``, atomically.

The functions turning an application into export data are shared with the
``sphinx-plan export`` command, which runs a dummy build in-process.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.export.json import dumps, plan_document

if TYPE_CHECKING:
    from collections.abc import Callable

    from sphinx.application import Sphinx
    from sphinx.builders import Builder

    from sphinxcontrib_plan.domain import PlanDomain
    from sphinxcontrib_plan.model.records import ObjectRecord


def write_text(path: Path, text: str) -> None:
    """Replace *path* with *text* atomically: readers never see half a file.

    :param path: destination
    :param text: the content
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        # mkstemp creates the file private (0600); an output file is for everyone
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: Path, data: Any) -> None:
    """Write *data* as sorted, indented JSON, replacing *path* atomically.

    :param path: destination
    :param data: JSON-able data
    """
    write_text(path, dumps(data))


def url_maker(builder: Builder) -> Callable[[ObjectRecord], str | None]:
    """How a record's URL is made by *builder*, relative to its output directory.

    :param builder: the builder of this build
    :return: record to URL (``None`` for builders without HTML pages)
    """
    if builder.format != "html":
        return lambda record: None
    from sphinx.builders.singlehtml import SingleFileHTMLBuilder

    if isinstance(builder, SingleFileHTMLBuilder):
        # one page; get_target_uri gives a fragment (#document-x), not the page
        page = f"{builder.config.root_doc}{builder.out_suffix}"
        return lambda record: f"{page}#{record.anchor}"
    return lambda record: f"{builder.get_target_uri(record.docname)}#{record.anchor}"


def _version(app: Sphinx) -> str | None:
    return str(app.config.release or app.config.version or "") or None


def json_export(app: Sphinx) -> dict[str, Any]:
    """The ``plan.json`` data of a finished build.

    :param app: the Sphinx application
    :return: JSON-able data
    """
    domain: PlanDomain = app.env.get_domain("plan")  # type: ignore[assignment]
    env = app.env

    def source_of(docname: str) -> str | None:
        try:
            return Path(env.doc2path(docname, False)).as_posix()
        except Exception:  # a docname the project does not know (removed meanwhile)
            return None

    return plan_document(domain.index, app.config.project, url_maker(app.builder),
                         source_of=source_of, version=_version(app),
                         external=[plan.summary() for plan in domain.external.values()])


def openapi_export(app: Sphinx) -> dict[str, Any]:
    """The OpenAPI data of a finished build.

    :param app: the Sphinx application
    :return: JSON-able data
    """
    from sphinxcontrib_plan.export.openapi import openapi_document

    domain: PlanDomain = app.env.get_domain("plan")  # type: ignore[assignment]
    return openapi_document(domain.index, title=app.config.project,
                            version=_version(app) or "0.0.0",
                            servers=domain.config.openapi_servers)


def export_filename(value: bool | str, default: str = "openapi.json") -> str | None:
    """The file name a ``plan_openapi``/``plan_asyncapi`` value asks for.

    :param value: the validated configuration value
    :param default: the name ``True`` stands for
    :return: a file name, or ``None`` when no file is wanted
    """
    if value is True:
        return default
    return value.strip() if isinstance(value, str) and value.strip() else None


#: the former name of :func:`export_filename`
openapi_filename = export_filename


def asyncapi_export(app: Sphinx) -> dict[str, Any]:
    """The AsyncAPI data of a finished build.

    :param app: the Sphinx application
    :return: JSON-able data
    """
    from sphinxcontrib_plan.export.asyncapi import asyncapi_document, channels_of

    domain: PlanDomain = app.env.get_domain("plan")  # type: ignore[assignment]
    channels, schemas = channels_of(domain.index)
    return asyncapi_document(channels, title=app.config.project,
                             version=_version(app) or "0.0.0", schemas=schemas)


def on_build_finished(app: Sphinx, exception: BaseException | None) -> None:
    """Write ``plan.json`` and, when configured, the OpenAPI and AsyncAPI documents.

    :param app: the Sphinx application
    :param exception: the build's exception, if it failed
    """
    if exception is not None:
        return
    domain: PlanDomain = app.env.get_domain("plan")  # type: ignore[assignment]
    outdir = Path(app.builder.outdir)
    if domain.config.json:
        write_json(outdir / "plan.json", json_export(app))
    name = export_filename(domain.config.openapi)
    if name:
        write_json(outdir / name, openapi_export(app))
    name = export_filename(domain.config.asyncapi, "asyncapi.json")
    if name:
        write_json(outdir / name, asyncapi_export(app))


def setup_export(app: Sphinx) -> None:
    """Connect the export writer.

    :param app: the Sphinx application
    """
    app.connect("build-finished", on_build_finished)

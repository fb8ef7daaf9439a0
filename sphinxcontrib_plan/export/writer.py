"""Write the exports at ``build-finished``, atomically.

The functions turning an application into export data are shared with the
``sphinx-plan export`` command, which runs a dummy build in-process.
"""

from __future__ import annotations

import filecmp
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.domain import plan_domain
from sphinxcontrib_plan.export.json import PLAN_JSON_LEVELS, plan_document
from sphinxcontrib_plan.export.json import write as write_layout
from sphinxcontrib_plan.model.gcpolicy import held_collector
from sphinxcontrib_plan.render.assets import replace_file

#: the file in the doctree directory recording each export's input digest and file state
LEDGER = "plan-exports.json"

if TYPE_CHECKING:
    from collections.abc import Callable

    from sphinx.application import Sphinx
    from sphinx.builders import Builder

    from sphinxcontrib_plan.model.records import ObjectRecord


def write_text(path: Path, text: str) -> None:
    """Replace *path* with *text* atomically: readers never see half a file.

    :param path: destination
    :param text: the content
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_file(path, text.encode("utf-8"))


def write_json(path: Path, data: Any, levels: int | None = None) -> bool:
    """Write *data*, streamed to a temporary file (the text of a big export is
    never held whole in memory), which replaces *path* only when its content
    differs: an unchanged export keeps its modification time.

    :param path: destination
    :param data: JSON-able data
    :param levels: the levels laid out an item per line, ``None`` for all
        (see :func:`.export.json.chunks`)
    :return: whether *path* was written
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as stream:
            write_layout(data, stream, levels)
        if path.is_file() and filecmp.cmp(tmp, path, shallow=False):
            Path(tmp).unlink()
            return False
        os.chmod(tmp, 0o644)  # mkstemp makes it private; an output file is for everyone
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


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
    pages: dict[str, str] = {}  # a page's URI once per page, not once per record

    def url(record: ObjectRecord) -> str:
        page = pages.get(record.docname)
        if page is None:
            page = pages[record.docname] = builder.get_target_uri(record.docname)
        return f"{page}#{record.anchor}"

    return url


def _version(app: Sphinx) -> str | None:
    return str(app.config.release or app.config.version or "") or None


def json_export(app: Sphinx, *, lazy: bool = False) -> dict[str, Any]:
    """The ``plan.json`` data of a finished build.

    :param app: the Sphinx application
    :param lazy: objects made as they are written (see :func:`.export.json.plan_document`)
    :return: JSON-able data
    """
    domain = plan_domain(app.env)
    env = app.env

    sources: dict[str, str | None] = {}  # once per document, not once per record

    def source_of(docname: str) -> str | None:
        if docname in sources:
            return sources[docname]
        try:
            found: str | None = Path(env.doc2path(docname, False)).as_posix()
        except Exception:  # a docname the project does not know (removed meanwhile)
            found = None
        sources[docname] = found
        return found

    return plan_document(
        domain.index,
        app.config.project,
        url_maker(app.builder),
        source_of=source_of,
        version=_version(app),
        external=[plan.summary() for plan in domain.external.values()],
        lazy=lazy,
    )


def openapi_export(app: Sphinx) -> dict[str, Any]:
    """The OpenAPI data of a finished build.

    :param app: the Sphinx application
    :return: JSON-able data
    """
    from sphinxcontrib_plan.export.openapi import openapi_document

    domain = plan_domain(app.env)
    return openapi_document(
        domain.index,
        title=app.config.project,
        version=_version(app) or "0.0.0",
        servers=domain.config.openapi_servers,
    )


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

    domain = plan_domain(app.env)
    channels, schemas = channels_of(domain.index)
    return asyncapi_document(
        channels, title=app.config.project, version=_version(app) or "0.0.0", schemas=schemas
    )


def export_files(app: Sphinx) -> dict[str, Callable[[Sphinx], dict[str, Any]]]:
    """The exports this build writes: output file name to the function making its data.

    ``plan.json`` is written when ``plan_json`` is ``True``, or ``"auto"`` and the
    project holds plan objects; the OpenAPI and AsyncAPI documents when
    ``plan_openapi`` and ``plan_asyncapi`` name one.

    :param app: the Sphinx application
    :return: file names relative to the output directory, in writing order
    """
    domain = plan_domain(app.env)
    files: dict[str, Callable[[Sphinx], dict[str, Any]]] = {}
    wanted = domain.config.json
    if wanted is True or (wanted == "auto" and any(domain.objects.values())):
        files["plan.json"] = json_export
    name = export_filename(domain.config.openapi)
    if name:
        files[name] = openapi_export
    name = export_filename(domain.config.asyncapi, "asyncapi.json")
    if name:
        files[name] = asyncapi_export
    return files


def export_levels(make: Callable[[Sphinx], dict[str, Any]]) -> int | None:
    """How the export that *make* makes is laid out: ``plan.json`` a record
    per line (:data:`.export.json.PLAN_JSON_LEVELS`), the OpenAPI and AsyncAPI
    documents indented throughout, for the people who read them.

    :param make: a function of :func:`export_files`
    :return: the ``levels`` of :func:`.export.json.chunks`
    """
    return PLAN_JSON_LEVELS if make is json_export else None


def warn_shipped_exports(app: Sphinx) -> None:
    """Warn about each export file the project ships itself (``html_extra_path``).

    :param app: the Sphinx application
    """
    from sphinxcontrib_plan.render.assets import shipped_by_project
    from sphinxcontrib_plan.warnings import PlanWarning, warn

    domain = plan_domain(app.env)
    names = ["plan.json"] if domain.config.json is not False else []
    names += [
        n
        for n in (
            export_filename(domain.config.openapi),
            export_filename(domain.config.asyncapi, "asyncapi.json"),
        )
        if n
    ]
    for name, source in shipped_by_project(app, names).items():
        setting = "plan_json = False" if name == "plan.json" else "another file name"
        warn(
            PlanWarning.CONFIG,
            f"the project's own {source.name} becomes {name} through its html_extra_path; it "
            f"is kept, and the extension does not write its {name} (set {setting} to say so)",
            location=f"{source}:1",
        )


def export_key(app: Sphinx, name: str) -> str:
    """What the export *name* of this build is a function of, as one digest.

    :param app: the Sphinx application
    :param name: the file name
    :return: a hex digest; ``""`` when unknown (the export is then always made)
    """
    domain = plan_domain(app.env)
    resolved = domain.state.key
    if not resolved:
        return ""
    builder = app.builder
    parts = (
        resolved,
        name,
        builder.name,
        getattr(builder, "out_suffix", ""),
        getattr(builder, "link_suffix", ""),
        app.config.root_doc,
        app.config.project,
        _version(app),
        str(Path(builder.outdir).resolve()),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _stat(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def on_build_finished(app: Sphinx, exception: BaseException | None) -> None:
    """Write ``plan.json`` and, when configured, the OpenAPI and AsyncAPI documents.

    An export whose inputs did not change since it was written (the same
    digest of the records, configuration and builder, recorded in the doctree
    directory) and whose file is still the one written is neither computed nor
    written again; one whose data came out the same is not written either, so
    its modification time only moves when its content does.

    :param app: the Sphinx application
    :param exception: the build's exception, if it failed
    """
    if exception is not None:
        return
    from sphinxcontrib_plan.render.assets import shipped_by_project

    outdir = Path(app.builder.outdir)
    files = export_files(app)
    shipped = shipped_by_project(app, list(files))
    ledger_path = Path(app.doctreedir) / LEDGER
    try:
        ledger = json.loads(ledger_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        ledger = {}
    before = dict(ledger)
    for name, make in files.items():
        path = outdir / name
        key = export_key(app, name)
        seen = ledger.get(str(path))
        if name in shipped or (key and seen == {"key": key, "stat": _stat(path)}):
            continue
        try:
            # the data stays alive until written: a collection meanwhile frees
            # nothing, and 100,000 records start many (2.0 of 3.8 s at that size)
            with held_collector():
                # plan.json's objects are made as they are written: a big
                # project's export is never held whole (the -j 2 build's peak)
                data = json_export(app, lazy=True) if make is json_export else make(app)
                write_json(path, data, export_levels(make))
        except Exception as err:  # an export never takes the build down
            _not_written(name, err)
            ledger.pop(str(path), None)
            continue
        ledger[str(path)] = {"key": key, "stat": _stat(path)}
    if ledger != before:
        try:
            write_text(ledger_path, json.dumps(ledger, indent=1, sort_keys=True))
        except OSError as err:
            _not_written(LEDGER, err)


def _not_written(name: str, err: BaseException) -> None:
    from sphinxcontrib_plan.warnings import PlanWarning, warn

    reason = getattr(err, "strerror", None) or str(err) or type(err).__name__
    warn(
        PlanWarning.CONFIG,
        f"the export {name} could not be written ({reason}); the rest of the build is complete",
        location=None,
    )


def setup_export(app: Sphinx) -> None:
    """Connect the export writer.

    :param app: the Sphinx application
    """
    app.connect("build-finished", on_build_finished)

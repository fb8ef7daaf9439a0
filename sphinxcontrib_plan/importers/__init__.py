"""Importers: other documents turned into plan sources, one registry entry per kind.

``sphinx-plan import`` picks an importer by ``--from`` or by looking at the
content; adding a kind (an OpenAPI document, say) is adding an
:class:`Importer` to :data:`IMPORTERS` with :func:`register`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sphinxcontrib_plan.importers.base import ImporterError, ImportResult, Input, Report

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from sphinxcontrib_plan.model.codedata import Parsed

__all__ = [
    "IMPORTERS",
    "Importer",
    "ImportResult",
    "ImporterError",
    "Input",
    "Report",
    "detect",
    "recognise",
    "register",
]


@dataclass(frozen=True)
class Importer:
    """One kind of input ``sphinx-plan import`` reads."""

    #: the ``--from`` name
    name: str
    #: one line for ``--help``
    help: str
    #: whether an input looks like this kind, from its whole structure
    detect: Callable[[Input], bool]
    #: the import itself: ``(text, plan_id=..., parsed=..., output_dir=...) ->
    #: ImportResult``, where *parsed* is the text's reading as data when
    #: :func:`recognise` made one and *output_dir* the folder the result goes to
    #: (relative links are checked against it)
    run: Callable[..., ImportResult]
    #: for kinds that are not one text file (a workbook, a directory): whether a path
    #: is of this kind, seen before any text is read; such a kind edits the sources
    #: of an existing project instead of writing a new document
    claims: Callable[[Path], bool] | None = None


#: the registered importers, by name: the kinds ``--from`` names
IMPORTERS: dict[str, Importer] = {}


def register(importer: Importer) -> None:
    """Add an importer (or replace the one of the same name).

    :param importer: the importer
    """
    IMPORTERS[importer.name] = importer


def recognise(text: str, filename: str) -> tuple[str, Input]:
    """The kind of an input: the first registered importer that recognises it,
    else ``markdown`` (which takes any text, so it is asked last).

    :param text: the input
    :param filename: its file name
    :return: a kind name, and the input (with its reading as data, if one was made)
    """
    source = Input(text, filename)
    for importer in IMPORTERS.values():
        if importer.name != "markdown" and importer.detect(source):
            return importer.name, source
    return "markdown", source


def detect(text: str, filename: str) -> str:
    """The kind of an input (see :func:`recognise`).

    :param text: the input
    :param filename: its file name
    :return: a kind name
    """
    return recognise(text, filename)[0]


def _looks_openapi(source: Input) -> bool:
    """An OpenAPI document: data whose top level has ``openapi`` or ``swagger``, wherever
    in the text the key is; a ``.json``/``.yaml`` file that cannot be read is taken for
    one too, so its reading's error is what the user sees."""
    from sphinxcontrib_plan.importers.openapi import is_openapi

    if source.markdown_name:
        return False
    parsed = source.parsed
    return is_openapi(parsed.data) if parsed is not None else source.data_name


def _markdown_detect(source: Input) -> bool:
    return True


def _markdown_run(
    text: str,
    *,
    plan_id: str | None = None,
    parsed: Parsed | None = None,
    output_dir: Path | None = None,
) -> ImportResult:
    from sphinxcontrib_plan.importers.markdown import import_markdown

    return import_markdown(text, plan_id=plan_id, output_dir=output_dir)


def _openapi_run(
    text: str,
    *,
    plan_id: str | None = None,
    parsed: Parsed | None = None,
    output_dir: Path | None = None,
) -> ImportResult:
    from sphinxcontrib_plan.importers.openapi_plan import import_openapi

    return import_openapi(text, plan_id=plan_id, parsed=parsed)


def _sheets_claims(path: Path) -> bool:
    from sphinxcontrib_plan.export.sheets import META_SHEET

    return path.suffix.lower() == ".xlsx" or (path / f"{META_SHEET}.csv").is_file()


def _sheets_run(
    text: str, *, plan_id: str | None = None, parsed: Parsed | None = None
) -> ImportResult:
    raise ImporterError("a workbook is imported from its path: sphinx-plan import BOOK.xlsx")


register(
    Importer(
        "sheets",
        "a workbook or CSV directory of 'export --format xlsx|csv', "
        "its edits applied to the sources",
        lambda source: False,
        _sheets_run,
        _sheets_claims,
    )
)
register(
    Importer(
        "markdown",
        "a plain-Markdown plan in the shape of the plan template",
        _markdown_detect,
        _markdown_run,
    )
)
register(
    Importer(
        "openapi",
        "a Swagger 2.0, OpenAPI 3.0 or 3.1 document, JSON or YAML",
        _looks_openapi,
        _openapi_run,
    )
)

"""Importers: other documents turned into plan sources, one registry entry per kind.

``sphinx-plan import`` picks an importer by ``--from`` or by looking at the
content; adding a kind (an OpenAPI document, say) is adding an
:class:`Importer` to :data:`IMPORTERS` with :func:`register`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sphinxcontrib_plan.importers.base import ImporterError, ImportResult, Report

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["IMPORTERS", "Importer", "ImportResult", "ImporterError", "Report",
           "detect", "register"]


@dataclass(frozen=True)
class Importer:
    """One kind of input ``sphinx-plan import`` reads."""

    #: the ``--from`` name
    name: str
    #: one line for ``--help``
    help: str
    #: whether a text (and its file name) looks like this kind
    detect: Callable[[str, str], bool]
    #: the import itself: ``(text, plan_id=...) -> ImportResult``
    run: Callable[..., ImportResult]


#: the registered importers, by name: the kinds ``--from`` names
IMPORTERS: dict[str, Importer] = {}


def register(importer: Importer) -> None:
    """Add an importer (or replace the one of the same name).

    :param importer: the importer
    """
    IMPORTERS[importer.name] = importer


def detect(text: str, filename: str) -> str:
    """The kind of an input: the first registered importer that recognises it,
    else ``markdown`` (which takes any text, so it is asked last).

    :param text: the input
    :param filename: its file name
    :return: a kind name
    """
    for importer in IMPORTERS.values():
        if importer.name != "markdown" and importer.detect(text, filename):
            return importer.name
    return "markdown"


_OPENAPI = re.compile(r"""^\s*["']?(?:openapi|swagger)["']?\s*:\s*["']?\d""", re.MULTILINE)


_OPENAPI_JSON = re.compile(r'"(?:openapi|swagger)"\s*:\s*"\d')


def _looks_openapi(text: str, filename: str) -> bool:
    head = text[:4096]
    # JSON may hold the version anywhere on its (first) line: {"openapi": "3.1.0", ...}
    return bool(_OPENAPI.search(head)) or (
        head.lstrip().startswith("{") and bool(_OPENAPI_JSON.search(head)))


def _markdown_detect(text: str, filename: str) -> bool:
    return filename.lower().endswith((".md", ".markdown")) or not _looks_openapi(text, filename)


def _markdown_run(text: str, *, plan_id: str | None = None) -> ImportResult:
    from sphinxcontrib_plan.importers.markdown import import_markdown

    return import_markdown(text, plan_id=plan_id)


def _openapi_run(text: str, *, plan_id: str | None = None) -> ImportResult:
    from sphinxcontrib_plan.importers.openapi_plan import import_openapi

    return import_openapi(text, plan_id=plan_id)


register(Importer("markdown", "a plain-Markdown plan in the shape of the plan template",
                  _markdown_detect, _markdown_run))
register(Importer("openapi", "an OpenAPI 3.0 or 3.1 document, JSON or YAML",
                  _looks_openapi, _openapi_run))

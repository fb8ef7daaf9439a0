"""The language server: pygls features over a warm :class:`~.project.Project`.

pygls and lsprotocol are the optional extra ``lsp``; this module imports them
and is itself imported only by ``sphinx-plan lsp``.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from sphinxcontrib_plan._version import __version__
from sphinxcontrib_plan.cli.build import BuildError
from sphinxcontrib_plan.lsp import language
from sphinxcontrib_plan.lsp.project import Project, find_confdir
from sphinxcontrib_plan.model.types import BUILTIN

if TYPE_CHECKING:
    from sphinxcontrib_plan.model.records import ObjectRecord
    from sphinxcontrib_plan.model.typespec import Registry

#: seconds an edit waits for the next before the project is built again
DEBOUNCE = 0.2
SUGGESTION_RE = re.compile(r"did you mean '([^']+)'")
KINDS = {
    "class": lsp.CompletionItemKind.Class,
    "module": lsp.CompletionItemKind.Module,
    "property": lsp.CompletionItemKind.Property,
    "enum": lsp.CompletionItemKind.EnumMember,
    "reference": lsp.CompletionItemKind.Reference,
    "field": lsp.CompletionItemKind.Field,
}


class PlanServer(LanguageServer):
    """The server, with its project found on the first document opened."""

    def __init__(self) -> None:
        super().__init__("sphinx-plan", __version__)
        self.project: Project | None = None
        #: configured ``sourceDir`` / ``confDir`` (initialization options)
        self.settings: dict[str, str] = {}
        #: the error that keeps the project from building, by the uri it is shown at
        self.failure: tuple[str, str] | None = None
        self.published: set[str] = set()
        self._pending: asyncio.Task[None] | None = None

    # -- the project --------------------------------------------------------

    def project_for(self, path: Path) -> Project | None:
        """The project of *path*, made on the first call."""
        if self.project is None:
            # configured folders are relative to the workspace's root folder
            root = Path(to_fs_path(self.workspace.root_uri or "") or Path.cwd())
            source, conf = self.settings.get("sourceDir"), self.settings.get("confDir")
            folder = root / source if source else find_confdir(path)
            if folder is None:
                return None
            self.project = Project(folder, root / conf if conf else None)
        return self.project

    def rebuild(self, uri: str) -> None:
        """Build again and publish the diagnostics of every document."""
        project = self.project
        if project is None:
            return
        try:
            warnings = project.build()
        except BuildError as err:
            conf = from_fs_path(str(project.confdir / "conf.py")) or uri
            self.failure = (uri, str(err))
            self.publish(
                {
                    uri: [_diagnostic(0, f"the project cannot be built: {err}", "sphinx")],
                    conf: [_diagnostic(0, str(err), "sphinx")],
                }
                if conf != uri
                else {uri: [_diagnostic(0, str(err), "sphinx")]}
            )
            return
        self.failure = None
        # the edited document always gets its list, empty when it has no warning
        by_uri: dict[str, list[lsp.Diagnostic]] = {uri: []}
        for warning in warnings:
            target = from_fs_path(warning.path) if warning.path else None
            if target is None:
                continue
            by_uri.setdefault(target, []).append(
                _diagnostic(
                    (warning.line or 1) - 1,
                    warning.message,
                    warning.code or "sphinx",
                    warning.level,
                )
            )
        self.publish(by_uri)
        project.settle()

    def publish(self, by_uri: dict[str, list[lsp.Diagnostic]]) -> None:
        """Publish *by_uri*, and empty lists for documents whose warnings went."""
        for uri in sorted(self.published - set(by_uri)):
            self.text_document_publish_diagnostics(
                lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[])
            )
        for uri, diagnostics in by_uri.items():
            self.text_document_publish_diagnostics(
                lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics)
            )
        self.published = set(by_uri)

    def changed(self, uri: str, text: str | None, *, wait: float = 0.0) -> None:
        """Note the text of *uri* and build (after *wait* seconds without another edit).

        :param uri: the document
        :param text: its text in the editor, ``None`` when it was closed
        :param wait: seconds to wait for another edit first
        """
        path = Path(to_fs_path(uri) or "")
        project = self.project_for(path)
        if project is None:
            self.publish_one(
                uri,
                "not in a Sphinx project: no conf.py in this folder or "
                "above it (set the initialization option sourceDir)",
            )
            return
        docname = project.docname(path)
        if docname is None:
            if path == project.confdir / "conf.py":
                self.schedule(uri, wait)
            elif text is not None:
                self.publish_one(
                    uri,
                    f"not a document of the Sphinx project in "
                    f"{str(project.sourcedir)!r}: it is not checked",
                )
            return
        project.edit(docname, text)
        self.schedule(uri, wait)

    def publish_one(self, uri: str, message: str) -> None:
        """Publish one note about *uri*, at its first line."""
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(
                uri=uri, diagnostics=[_diagnostic(0, message, "sphinx-plan", "INFO")]
            )
        )

    def schedule(self, uri: str, wait: float) -> None:
        """Build now, or after *wait* seconds unless another edit comes first."""
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        if wait <= 0:
            self.rebuild(uri)
            return

        async def later() -> None:
            await asyncio.sleep(wait)
            self._pending = None
            self.rebuild(uri)

        self._pending = asyncio.ensure_future(later())

    # -- lookups --------------------------------------------------------------

    def records(self) -> list[ObjectRecord]:
        """Every object of the last build."""
        domain = self.project.domain if self.project else None
        return list(domain.records()) if domain is not None else []

    def registry(self) -> Registry:
        """The types of the build (the built-ins before the first build)."""
        domain = self.project.domain if self.project else None
        return domain.registry if domain is not None else BUILTIN

    def record(self, uri: str, position: lsp.Position) -> ObjectRecord | None:
        """The object whose id is under *position*, or ``None``."""
        lines = self.workspace.get_text_document(uri).lines
        if position.line >= len(lines):
            return None
        word = language.word_at(lines[position.line], position.character)
        return next((r for r in self.records() if r.id == word), None)

    def location(self, record: ObjectRecord) -> lsp.Location | None:
        """Where *record*'s directive is."""
        if self.project is None:
            return None
        uri = from_fs_path(str(self.project.path(record.docname)))
        line = max(record.lineno - 1, 0)
        return lsp.Location(uri=uri or "", range=_line_range(line))


def _line_range(line: int) -> lsp.Range:
    return lsp.Range(
        start=lsp.Position(line=line, character=0), end=lsp.Position(line=line + 1, character=0)
    )


def _diagnostic(line: int, message: str, code: str, level: str = "WARNING") -> lsp.Diagnostic:
    severity = {
        "INFO": lsp.DiagnosticSeverity.Information,
        "WARNING": lsp.DiagnosticSeverity.Warning,
    }.get(level, lsp.DiagnosticSeverity.Error)
    return lsp.Diagnostic(
        range=_line_range(max(line, 0)),
        message=message,
        code=code,
        source="sphinx-plan",
        severity=severity,
    )

"""The LSP requests and notifications :class:`~.server.PlanServer` answers."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types as lsp
from pygls.uris import from_fs_path, to_fs_path

from sphinxcontrib_plan.lsp import language
from sphinxcontrib_plan.lsp.server import DEBOUNCE, KINDS, SUGGESTION_RE, PlanServer

if TYPE_CHECKING:
    from sphinxcontrib_plan.model.records import ObjectRecord


def make_server() -> PlanServer:
    """A server with every feature registered.

    :return: the server, not started
    """
    server = PlanServer()

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: PlanServer, params: lsp.InitializeParams) -> None:
        options = params.initialization_options
        if isinstance(options, dict):
            ls.settings = {k: str(v) for k, v in options.items() if k in ("sourceDir", "confDir")}

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: PlanServer, params: lsp.DidOpenTextDocumentParams) -> None:
        ls.changed(params.text_document.uri, params.text_document.text)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: PlanServer, params: lsp.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.changed(uri, ls.workspace.get_text_document(uri).source, wait=DEBOUNCE)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: PlanServer, params: lsp.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.changed(uri, ls.workspace.get_text_document(uri).source)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: PlanServer, params: lsp.DidCloseTextDocumentParams) -> None:
        ls.changed(params.text_document.uri, None)

    @server.feature(
        lsp.TEXT_DOCUMENT_COMPLETION,
        lsp.CompletionOptions(trigger_characters=["{", ":", "`", " ", ","]),
    )
    def completion(ls: PlanServer, params: lsp.CompletionParams) -> lsp.CompletionList:
        lines = ls.workspace.get_text_document(params.text_document.uri).lines
        items = language.complete(
            [line.rstrip("\r\n") for line in lines],
            params.position.line,
            params.position.character,
            ls.registry(),
            ls.records(),
        )
        return lsp.CompletionList(
            is_incomplete=False,
            items=[
                lsp.CompletionItem(label=i.label, kind=KINDS.get(i.kind), detail=i.detail or None)
                for i in items
            ],
        )

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(ls: PlanServer, params: lsp.HoverParams) -> lsp.Hover | None:
        record = ls.record(params.text_document.uri, params.position)
        if record is None:
            return None
        return lsp.Hover(
            contents=lsp.MarkupContent(
                kind=lsp.MarkupKind.Markdown, value=language.hover(record, ls.registry())
            )
        )

    @server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: PlanServer, params: lsp.DefinitionParams) -> lsp.Location | None:
        record = ls.record(params.text_document.uri, params.position)
        return ls.location(record) if record is not None else None

    @server.feature(lsp.TEXT_DOCUMENT_REFERENCES)
    def references(ls: PlanServer, params: lsp.ReferenceParams) -> list[lsp.Location]:
        record = ls.record(params.text_document.uri, params.position)
        project = ls.project
        if record is None or project is None or project.app is None:
            return []
        word = re.compile(rf"(?<![\w-]){re.escape(record.id)}(?![\w-])")
        found: list[lsp.Location] = []
        for docname in sorted(project.app.env.found_docs):
            path = project.path(docname)
            text = project.buffers.get(docname)
            if text is None:
                try:
                    text = path.read_text(encoding="utf-8")
                except (OSError, UnicodeError):
                    continue
            for number, line in enumerate(text.splitlines()):
                for match in word.finditer(line):
                    found.append(
                        lsp.Location(
                            uri=from_fs_path(str(path)) or "",
                            range=lsp.Range(
                                start=lsp.Position(line=number, character=match.start()),
                                end=lsp.Position(line=number, character=match.end()),
                            ),
                        )
                    )
        return found

    @server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbols(
        ls: PlanServer, params: lsp.DocumentSymbolParams
    ) -> list[lsp.SymbolInformation]:
        project = ls.project
        path = Path(to_fs_path(params.text_document.uri) or "")
        docname = project.docname(path) if project else None
        return [_symbol(ls, r) for r in ls.records() if r.docname == docname]

    @server.feature(lsp.WORKSPACE_SYMBOL)
    def workspace_symbols(
        ls: PlanServer, params: lsp.WorkspaceSymbolParams
    ) -> list[lsp.SymbolInformation]:
        query = params.query.lower()
        return [
            _symbol(ls, r)
            for r in ls.records()
            if query in r.id.lower() or query in r.title.lower()
        ]

    @server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION)
    def code_actions(ls: PlanServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        uri = params.text_document.uri
        lines = ls.workspace.get_text_document(uri).lines
        actions: list[lsp.CodeAction] = []
        for diagnostic in params.context.diagnostics:
            suggestion = SUGGESTION_RE.search(diagnostic.message)
            wrong = re.search(r"'([^']+)'", diagnostic.message)
            if not suggestion or not wrong:
                continue
            # the build names a paragraph's first line: the word may be further down it
            line, column = diagnostic.range.start.line, -1
            while line < len(lines) and lines[line].strip():
                column = lines[line].find(wrong.group(1))
                if column >= 0:
                    break
                line += 1
            if column < 0:
                continue
            edit = lsp.TextEdit(
                range=lsp.Range(
                    start=lsp.Position(line=line, character=column),
                    end=lsp.Position(line=line, character=column + len(wrong.group(1))),
                ),
                new_text=suggestion.group(1),
            )
            actions.append(
                lsp.CodeAction(
                    title=f"Replace {wrong.group(1)!r} with {suggestion.group(1)!r}",
                    kind=lsp.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    edit=lsp.WorkspaceEdit(changes={uri: [edit]}),
                    is_preferred=True,
                )
            )
        return actions

    return server


def _symbol(ls: PlanServer, record: ObjectRecord) -> lsp.SymbolInformation:
    location = ls.location(record)
    assert location is not None
    return lsp.SymbolInformation(
        name=f"{record.id}: {record.title}",
        kind=lsp.SymbolKind.Object,
        location=location,
        container_name=record.type,
    )


def serve() -> int:
    """Serve over stdio until the client exits.

    :return: the exit status
    """
    # the protocol gets its own copy of stdout; file descriptor 1 and sys.stdout go
    # to stderr, so that nothing the build prints (Sphinx, conf.py, an extension)
    # can break the stream of messages
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    make_server().start_io(sys.stdin.buffer, channel)
    return 0

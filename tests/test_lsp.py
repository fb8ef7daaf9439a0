"""``sphinx-plan lsp`` driven by a real LSP client over stdio (pytest-lsp).

The server is started with the command of the Helix how-to snippet
(``docs/howto/editors/helix-languages.toml``), so that the documented
settings are the ones tested.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pygls")
pytest_lsp = pytest.importorskip("pytest_lsp")

from lsprotocol import types as lsp  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient  # noqa: E402

ROOTS = Path(__file__).parent / "roots"
#: seconds a test waits for the server's diagnostics (a build takes well under one)
WAIT = 30
SNIPPETS = Path(__file__).parents[1] / "docs" / "howto" / "editors"


def _command() -> list[str]:
    server = tomllib.loads((SNIPPETS / "helix-languages.toml").read_text())
    spec = server["language-server"]["sphinx-plan"]
    return [str(Path(sys.executable).parent / spec["command"]), *spec["args"]]


@pytest_lsp.fixture(config=ClientServerConfig(server_command=_command()))
async def client(lsp_client: LanguageClient) -> AsyncIterator[LanguageClient]:
    await lsp_client.initialize_session(lsp.InitializeParams(capabilities=lsp.ClientCapabilities()))
    yield lsp_client
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=ClientServerConfig(server_command=_command()))
async def bare(lsp_client: LanguageClient) -> AsyncIterator[LanguageClient]:
    """A client that has not initialized the session yet (the test does)."""
    yield lsp_client


def _copy(tmp_path: Path, root: str) -> Path:
    return Path(shutil.copytree(ROOTS / root, tmp_path / root))


async def _open(client: LanguageClient, path: Path, language: str = "markdown") -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(
                uri=uri, language_id=language, version=1, text=path.read_text()
            )
        )
    )
    await _diagnostics(client, uri)
    return uri


async def _diagnostics(client: LanguageClient, uri: str) -> list[lsp.Diagnostic]:
    """The next diagnostics published for *uri* (taken: the next call waits for new ones).

    The client keeps the last list of each document; waiting for the next
    notification instead would miss one that came in the same read as another.
    """
    async with asyncio.timeout(WAIT):
        while uri not in client.diagnostics:
            await asyncio.sleep(0.01)
    return list(client.diagnostics.pop(uri))


def _edit(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def _at(uri: str, line: int, character: int) -> dict[str, Any]:
    return {
        "text_document": lsp.TextDocumentIdentifier(uri=uri),
        "position": lsp.Position(line=line, character=character),
    }


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("root", "suffix", "language", "role"),
    [
        ("test-basic", ".md", "markdown", "{plan:risk}`"),
        ("test-basic-rst", ".rst", "restructuredtext", ":plan:risk:`"),
    ],
)
async def test_edit_diagnostics_and_lookups(
    client: LanguageClient, tmp_path: Path, root: str, suffix: str, language: str, role: str
) -> None:
    project = _copy(tmp_path, root)
    guide = project / f"guide{suffix}"
    uri = await _open(client, guide, language)
    text = guide.read_text()
    line = next(i for i, t in enumerate(text.splitlines()) if f"{role}R-DB`" in t)
    # an edit breaks a reference: the build's plan.ref warning at its line, with a quick fix
    broken = text.replace(f"{role}R-DB`", f"{role}R-DBX`", 1)
    _edit(client, uri, 2, broken)
    diagnostics = await _diagnostics(client, uri)
    # the build's line: the first of the paragraph holding the role (as `sphinx-plan check`)
    lines = text.splitlines()
    paragraph = next(i for i in range(line, -1, -1) if i == 0 or not lines[i - 1].strip())
    assert [(d.range.start.line, d.code) for d in diagnostics] == [(paragraph, "plan.ref")]
    assert "'R-DBX', but no risk has that id; did you mean 'R-DB'?" in diagnostics[0].message
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=diagnostics[0].range,
            context=lsp.CodeActionContext(diagnostics=diagnostics),
        )
    )
    assert actions is not None
    [action] = actions
    assert isinstance(action, lsp.CodeAction) and action.edit and action.edit.changes
    assert [e.new_text for e in action.edit.changes[uri]] == ["R-DB"]
    # saving the fixed text clears it
    _edit(client, uri, 3, text)
    client.text_document_did_save(
        lsp.DidSaveTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
    )
    assert await _diagnostics(client, uri) == []
    # hover and definition on the id
    column = text.splitlines()[line].index(f"{role}R-DB`") + len(role) + 1
    hover = await client.text_document_hover_async(lsp.HoverParams(**_at(uri, line, column)))
    assert hover is not None and isinstance(hover.contents, lsp.MarkupContent)
    assert hover.contents.value.startswith("**Risk** `R-DB`: Database performance degradation")
    assert "- status: mitigating" in hover.contents.value
    target = await client.text_document_definition_async(
        lsp.DefinitionParams(**_at(uri, line, column))
    )
    assert isinstance(target, lsp.Location)
    index = project / f"index{suffix}"
    assert target.uri == index.as_uri()
    assert "plan-risk" in index.read_text().splitlines()[target.range.start.line]
    # completion of the role's target: the risks' ids with their titles
    typed = text.splitlines()[line][: column - 1]
    completed = await _complete(client, uri, text, line, typed)
    assert ("R-DB", "risk: Database performance degradation") in completed
    assert all(detail.startswith("risk: ") for _, detail in completed)
    # directive names, after the opening of a MyST fence or of a reST directive
    opening = ":::{plan-" if suffix == ".md" else ".. plan-"
    names = {label for label, _ in await _complete(client, uri, text, line, opening)}
    assert {"plan-risk", "plan-risk-register", "plan"} <= names


async def _complete(
    client: LanguageClient, uri: str, text: str, line: int, typed: str
) -> list[tuple[str, str]]:
    lines = text.splitlines()
    lines[line] = typed
    _edit(client, uri, 10, "\n".join(lines) + "\n")
    result = await client.text_document_completion_async(
        lsp.CompletionParams(**_at(uri, line, len(typed)))
    )
    items = result.items if isinstance(result, lsp.CompletionList) else result or []
    return [(i.label, i.detail or "") for i in items]


@pytest.mark.asyncio
async def test_completion_from_the_registry(client: LanguageClient, tmp_path: Path) -> None:
    project = _copy(tmp_path, "test-basic")
    index = project / "index.md"
    uri = await _open(client, index)
    text = index.read_text()
    lines = text.splitlines()
    risk = lines.index(":id: R-DB")
    directive = [label for label, _ in await _complete(client, uri, text, risk - 1, ":::{plan-")]
    assert {"plan-risk", "plan-endpoint", "plan-risk-register", "plan-query"} <= set(directive)
    options = [label for label, _ in await _complete(client, uri, text, risk, ":")]
    assert {"impact", "likelihood", "mitigation", "status"} <= set(options)
    values = await _complete(client, uri, text, risk, ":impact: ")
    assert [label for label, _ in values] == ["low", "medium", "high"]
    # in a collector: its options, the fields of its rows' type, enum values in a filter
    text += "\n:::{plan-risk-register}\n:filter: x\n:::\n"
    option = len(text.splitlines()) - 2
    options = [label for label, _ in await _complete(client, uri, text, option, ":")]
    assert {"filter", "sort", "columns", "caption"} <= set(options)
    assert "impact" not in options
    fields = await _complete(client, uri, text, option, ":filter: impact >= high and sta")
    assert {"status", "impact", "severity"} <= {label for label, _ in fields}
    assert "method" not in {label for label, _ in fields}
    values = await _complete(client, uri, text, option, ":filter: impact >= me")
    assert [label for label, _ in values] == ["low", "medium", "high"]
    # a reference option: the ids of its target type, with their titles
    api = project / "api.md"
    api_uri = await _open(client, api)
    api_text = api.read_text()
    opening = api_text.splitlines().index("::::{plan-endpoint} POST /api/v1/payment-methods")
    phases = await _complete(client, api_uri, api_text, opening + 1, ":phase: ")
    assert ("001-foundation", "phase: Foundation") in phases
    assert all(detail.startswith("phase: ") for _, detail in phases)


@pytest.mark.asyncio
async def test_bad_input_never_crashes(client: LanguageClient, tmp_path: Path) -> None:
    project = _copy(tmp_path, "test-basic")
    conf = project / "conf.py"
    good = conf.read_text()
    # what the build prints on stdout must not reach the protocol's stream
    conf.write_text(good + "\nprint('conf.py talks on stdout', flush=True)\n")
    index = project / "index.md"
    uri = await _open(client, index)
    # a half-typed directive (no closing fence, an enum value cut short): the
    # build's warning, and the server still answers
    _edit(client, uri, 2, index.read_text() + "\n:::{plan-risk} Half\n:impact: hig\n")
    half = await _diagnostics(client, uri)
    assert any(d.code == "plan.field" and "'hig'" in d.message for d in half), half
    # a file outside any project: one note, no crash
    outside = tmp_path / "outside" / "notes.md"
    outside.parent.mkdir()
    outside.write_text("# Notes\n")
    notes = await _open(client, outside)
    assert notes
    # an invalid conf.py: the error as a diagnostic
    (project / "conf.py").write_text("extensions = [\n")
    client.text_document_did_save(
        lsp.DidSaveTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
    )
    [error] = await _diagnostics(client, uri)
    assert error.message.startswith("the project cannot be built")
    hover = await client.text_document_hover_async(lsp.HoverParams(**_at(uri, 0, 0)))
    assert hover is None
    # conf.py mended: the project builds again
    conf.write_text(good)
    client.text_document_did_save(
        lsp.DidSaveTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
    )
    assert [d.message for d in await _diagnostics(client, uri)] == [d.message for d in half]


def _frame(message: dict[str, Any]) -> bytes:
    body = json.dumps({"jsonrpc": "2.0", **message}).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def test_stdout_holds_only_the_protocol(tmp_path: Path) -> None:
    """What the build prints (here conf.py, on stdout, flushed) goes to stderr: the
    server's stdout is nothing but framed messages, as strict clients require."""
    project = _copy(tmp_path, "test-basic")
    conf = project / "conf.py"
    conf.write_text(conf.read_text() + "\nprint('conf.py talks on stdout', flush=True)\n")
    index = project / "index.md"
    document = {"uri": index.as_uri(), "languageId": "markdown", "version": 1}
    messages = [
        {"id": 1, "method": "initialize", "params": {"capabilities": {}}},
        {"method": "initialized", "params": {}},
        {
            "method": "textDocument/didOpen",
            "params": {"textDocument": {**document, "text": index.read_text()}},
        },
        {"id": 2, "method": "shutdown"},
        {"method": "exit"},
    ]
    done = subprocess.run(
        _command(),
        input=b"".join(map(_frame, messages)),
        capture_output=True,
        timeout=WAIT,
        check=False,
    )
    assert b"conf.py talks on stdout" in done.stderr
    out, answers = done.stdout, []
    while out:
        head, sep, rest = out.partition(b"\r\n\r\n")
        headers = dict(line.split(b": ", 1) for line in head.split(b"\r\n"))
        assert sep and set(headers) <= {b"Content-Length", b"Content-Type"}, out[:80]
        size = int(headers[b"Content-Length"])
        answers.append(json.loads(rest[:size]))
        out = rest[size:]
    assert [a.get("id") for a in answers if "id" in a] == [1, 2]
    assert any(a.get("method") == "textDocument/publishDiagnostics" for a in answers)


def _snippet_commands() -> dict[str, list[str]]:
    helix = tomllib.loads((SNIPPETS / "helix-languages.toml").read_text())
    spec = helix["language-server"]["sphinx-plan"]
    vscode = json.loads((SNIPPETS / "vscode-settings.json").read_text())
    lua = (SNIPPETS / "neovim.lua").read_text()
    cmd = re.search(r"cmd = \{([^}]*)\}", lua)
    assert cmd
    return {
        "helix": [spec["command"], *spec["args"]],
        "vscode": [vscode["glspc.server.command"], *vscode["glspc.server.commandArguments"]],
        "neovim": re.findall(r'"([^"]*)"', cmd.group(1)),
    }


def test_editor_snippets_start_the_tested_server() -> None:
    """The how-to's three snippets start the server these tests start."""
    commands = _snippet_commands()
    assert commands == dict.fromkeys(commands, ["sphinx-plan", "lsp"])
    assert _command()[0] == str(Path(sys.executable).parent / "sphinx-plan")


@pytest.mark.asyncio
async def test_configured_source_and_conf_dirs(bare: LanguageClient, tmp_path: Path) -> None:
    """sourceDir and confDir (initialization options, relative to the workspace's
    root) find a project whose conf.py is in no folder above the documents."""
    workspace = tmp_path / "workspace"
    docs = Path(shutil.copytree(ROOTS / "test-basic", workspace / "docs"))
    (workspace / "config").mkdir()
    (docs / "conf.py").rename(workspace / "config" / "conf.py")
    await bare.initialize_session(
        lsp.InitializeParams(
            capabilities=lsp.ClientCapabilities(),
            root_uri=workspace.as_uri(),
            initialization_options={"sourceDir": "docs", "confDir": "config"},
        )
    )
    index = docs / "index.md"
    uri = await _open(bare, index)
    text = index.read_text()
    line = next(i for i, t in enumerate(text.splitlines()) if t == ":id: R-DB")
    hover = await bare.text_document_hover_async(lsp.HoverParams(**_at(uri, line, 6)))
    assert hover is not None and isinstance(hover.contents, lsp.MarkupContent)
    assert "`R-DB`" in hover.contents.value
    await bare.shutdown_session()


def test_missing_extra_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without the extra, the command says which extra to install, exit 2."""
    from sphinxcontrib_plan.cli import main

    for name in ("lsprotocol", "pygls"):
        monkeypatch.setitem(sys.modules, name, None)
    for name in ("features", "server"):
        monkeypatch.delitem(sys.modules, f"sphinxcontrib_plan.lsp.{name}", raising=False)
    assert main(["lsp"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "sphinx-plan lsp: error: lsprotocol is missing: install the extra 'lsp' "
        "(pip install 'sphinxcontrib-plan[lsp]')\n"
    )


@pytest.mark.asyncio
async def test_references_and_symbols(client: LanguageClient, tmp_path: Path) -> None:
    """Find references of an id (every mention in the project), the objects of a
    document and of the workspace."""
    project = _copy(tmp_path, "test-basic")
    index, guide = project / "index.md", project / "guide.md"
    uri = await _open(client, index)
    line = index.read_text().splitlines().index(":id: R-DB")
    found = await client.text_document_references_async(
        lsp.ReferenceParams(
            **_at(uri, line, 6), context=lsp.ReferenceContext(include_declaration=True)
        )
    )
    places = sorted((Path(f.uri[len("file://") :]).name, f.range.start.line) for f in found or [])
    mentions = [
        (path.name, number)
        for path in (guide, index)
        for number, text in enumerate(path.read_text().splitlines())
        for _ in re.finditer(r"(?<![\w-])R-DB(?![\w-])", text)
    ]
    assert places == sorted(mentions) == [("guide.md", 4), ("guide.md", 6), ("index.md", line)]
    symbols = await client.text_document_document_symbol_async(
        lsp.DocumentSymbolParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
    )
    names = [s.name for s in symbols or []]
    assert "R-DB: Database performance degradation" in names
    assert all(s.location.uri == uri for s in symbols or [] if isinstance(s, lsp.SymbolInformation))
    everywhere = await client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="database"))
    assert [s.name for s in everywhere or []] == ["R-DB: Database performance degradation"]


@pytest.mark.asyncio
async def test_an_edit_reports_what_it_breaks_elsewhere(
    client: LanguageClient, tmp_path: Path
) -> None:
    """Renaming a risk in index.md gives guide.md (not open) its plan.ref warnings,
    at the build's lines; renaming it back clears them."""
    project = _copy(tmp_path, "test-basic")
    index, guide = project / "index.md", project / "guide.md"
    uri = await _open(client, index)
    text = index.read_text()
    _edit(client, uri, 2, text.replace(":id: R-DB\n", ":id: R-DB2\n"))
    assert await _diagnostics(client, uri) == []
    elsewhere = await _diagnostics(client, guide.as_uri())
    assert [(d.range.start.line, d.code) for d in elsewhere] == [(2, "plan.ref")] * len(elsewhere)
    assert any("'R-DB'" in d.message and "'R-DB2'" in d.message for d in elsewhere)
    _edit(client, uri, 3, text)
    assert await _diagnostics(client, uri) == []
    assert await _diagnostics(client, guide.as_uri()) == []

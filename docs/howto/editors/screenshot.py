"""Make ``docs/_static/lsp-editor.png``: the language server's real answers, drawn.

Starts ``sphinx-plan lsp`` over stdio (pygls's client) on a copy of the test
project ``tests/roots/test-basic`` with a misspelt ``:impact:``, and takes its
diagnostics, the quick fix it offers and the completions it gives inside a
role being typed. These answers are drawn as a small HTML mock of an editor
(not a real editor) and photographed with headless Chromium (Playwright).

Run from the repository root: ``.venv/bin/python docs/howto/editors/screenshot.py``.
"""

from __future__ import annotations

import asyncio
import html
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parents[3]
TARGET = ROOT / "docs" / "_static" / "lsp-editor.png"


async def answers(project: Path) -> tuple[list[str], Any, Any, list[str], int, Any]:
    """The server's diagnostics and quick fix for index.md, completions in guide.md."""
    client = LanguageClient("screenshot", "1")
    published: dict[str, list[lsp.Diagnostic]] = {}

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def publish(params: lsp.PublishDiagnosticsParams) -> None:
        published[params.uri] = list(params.diagnostics)

    await client.start_io(str(Path(sys.executable).parent / "sphinx-plan"), "lsp")
    await client.initialize_async(lsp.InitializeParams(capabilities=lsp.ClientCapabilities()))
    client.initialized(lsp.InitializedParams())
    index = project / "index.md"
    text = index.read_text().replace(
        ":impact: high\n:likelihood: medium", ":impact: hihg\n:likelihood: medium", 1
    )
    uri = index.as_uri()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(
                uri=uri, language_id="markdown", version=1, text=text
            )
        )
    )
    while uri not in published:
        await asyncio.sleep(0.05)
    [diagnostic] = published[uri]
    fixes = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=diagnostic.range,
            context=lsp.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    guide = project / "guide.md"
    lines = guide.read_text().splitlines()
    typed = "The worst risk is {plan:risk}`"
    lines[4] = typed
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(
                uri=guide.as_uri(), language_id="markdown", version=1, text="\n".join(lines)
            )
        )
    )
    completion = await client.text_document_completion_async(
        lsp.CompletionParams(
            text_document=lsp.TextDocumentIdentifier(uri=guide.as_uri()),
            position=lsp.Position(line=4, character=len(typed)),
        )
    )
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return text.splitlines(), diagnostic, (fixes or [None])[0], lines, 4, completion


def editor(name: str, lines: list[str], first: int, last: int, marks: dict[int, str]) -> str:
    """One editor pane: numbered lines, *marks* (HTML) after the lines they follow."""
    rows = []
    for number in range(first, last):
        rows.append(
            f'<div class="line"><span class="no">{number + 1}</span>'
            f"<span>{marks.get(-number - 1, '') or html.escape(lines[number]) or '&nbsp;'}</span></div>"
        )
        rows.append(marks.get(number, ""))
    return f'<div class="pane"><div class="tab">{name}</div>{"".join(rows)}</div>'


def page(data: tuple[list[str], Any, Any, list[str], int, Any]) -> str:
    """The HTML of the mock."""
    index, diagnostic, fix, guide, at, completion = data
    line = diagnostic.range.start.line
    wrong = index[line]
    squiggled = wrong.replace("hihg", '<span class="squiggle">hihg</span>')
    fix_title = html.escape(fix.title) if fix is not None else ""
    tip = (
        f'<div class="tip"><b>{html.escape(str(diagnostic.code))}</b> '
        f"{html.escape(diagnostic.message)}<div class='fix'>Quick fix: {fix_title}</div></div>"
    )
    items = completion.items if isinstance(completion, lsp.CompletionList) else completion
    menu = "".join(
        f'<div class="item"><span class="label">{html.escape(i.label)}</span>'
        f'<span class="detail">{html.escape(i.detail or "")}</span></div>'
        for i in items[:6]
    )
    cursor = html.escape(guide[at]) + '<span class="cursor"></span>'
    return f"""<!doctype html><html><head><meta charset="utf-8"><style>
body {{ margin: 0; background: #1e1e1e; font: 13px/1.6 'DejaVu Sans Mono', monospace; color: #d4d4d4; }}
.wrap {{ display: flex; gap: 12px; padding: 12px; }}
.pane {{ background: #252526; border: 1px solid #3c3c3c; width: 500px; padding-bottom: 8px; overflow: hidden; }}
.tab {{ background: #2d2d2d; color: #fff; padding: 4px 10px; font-family: sans-serif; }}
.line {{ white-space: pre; }} .no {{ display: inline-block; width: 32px; color: #858585; text-align: right; margin-right: 10px; }}
.squiggle {{ text-decoration: underline wavy #f0c000; }}
.tip {{ margin: 2px 10px 4px 42px; background: #2d2d30; border: 1px solid #454545; padding: 6px 8px; font-family: sans-serif; white-space: normal; }}
.tip b {{ color: #f0c000; }} .fix {{ color: #3794ff; margin-top: 4px; }}
.menu {{ width: max-content; margin: 0 10px 4px 60px; background: #252526; border: 1px solid #454545; font-family: sans-serif; }}
.item {{ white-space: nowrap; display: flex; justify-content: space-between; gap: 16px; padding: 1px 8px; }}
.item:first-child {{ background: #04395e; }} .detail {{ color: #9d9d9d; }}
.cursor {{ border-left: 2px solid #aeafad; }}
.caption {{ color: #9d9d9d; font-family: sans-serif; padding: 0 12px 10px; }}
</style></head><body><div class="wrap">
{editor("index.md", index, line - 5, line + 4, {-line - 1: squiggled, line: tip})}
{editor("guide.md", guide, 0, at + 3, {-at - 1: cursor, at: f'<div class="menu">{menu}</div>'})}
</div><div class="caption">The answers of sphinx-plan lsp (diagnostic, quick fix,
completion), drawn as a mock editor: not a screenshot of a real editor.</div></body></html>"""


def main() -> None:
    """Ask the server, draw, photograph."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        project = Path(shutil.copytree(ROOT / "tests" / "roots" / "test-basic", Path(tmp) / "p"))
        data = asyncio.run(answers(project))
        mock = Path(tmp) / "mock.html"
        mock.write_text(page(data), encoding="utf-8")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=shutil.which("chromium") or None, args=["--no-sandbox"]
            )
            view = browser.new_page(viewport={"width": 1040, "height": 360})
            view.goto(mock.as_uri())
            view.screenshot(path=str(TARGET), full_page=True)
            browser.close()
    print(f"wrote {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

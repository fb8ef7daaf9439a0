"""``python -m bench --lsp``: how soon ``sphinx-plan lsp`` publishes diagnostics after an edit.

Writes the plan flavour of the corpus (D documents × K objects, default
50×20 and 500×20: 1,000 and 10,000 objects), starts the server as an editor
does (``sphinx-plan lsp`` over stdio, with pygls's client), opens a
document in the middle of the corpus and times, N times over, an edit that
misspells one risk's ``:impact:`` (a ``plan.field`` diagnostic must appear)
and the edit that mends it (the diagnostics must empty again), then an edit
that renames a risk another document references (that document must get its
``plan.ref``). Edits are sent as ``didSave`` (built at once); a ``didChange``
adds the server's debounce (:data:`~sphinxcontrib_plan.lsp.server.DEBOUNCE`).
The time is from sending the edit to receiving the diagnostics; the server's
memory (resident set) is read after the first and after the last edit.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from bench.build import subprocess_env
from bench.corpus import generate
from bench.flavours import sources, write

OUT = Path(__file__).parent / "out" / "lsp"
#: the targets of issue 28, seconds, by corpus size in objects
TARGETS = {1_000: 0.3, 10_000: 1.0}


def _rss(pid: int) -> float:
    """The resident set of process *pid* in MB (0 where ``/proc`` is missing)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    found = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else 0.0


class Session:
    """A client of the server, timing the diagnostics of one document at a time."""

    def __init__(self) -> None:
        from lsprotocol import types as lsp
        from pygls.lsp.client import LanguageClient

        self.lsp = lsp
        self.client = LanguageClient("bench", "1")
        self.published: dict[str, asyncio.Queue[list[Any]]] = {}

        @self.client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def publish(params: Any) -> None:
            self.queue(params.uri).put_nowait(list(params.diagnostics))

    def queue(self, uri: str) -> asyncio.Queue[list[Any]]:
        """The diagnostics published for *uri*, in order."""
        return self.published.setdefault(uri, asyncio.Queue())

    async def start(self, srcdir: Path) -> int:
        """Start the server in *srcdir*; its process id."""
        sphinx_plan = str(Path(sys.executable).parent / "sphinx-plan")
        await self.client.start_io(sphinx_plan, "lsp", env=subprocess_env())
        await self.client.initialize_async(
            self.lsp.InitializeParams(
                capabilities=self.lsp.ClientCapabilities(), root_uri=srcdir.as_uri()
            )
        )
        self.client.initialized(self.lsp.InitializedParams())
        server = self.client._server  # the process pygls started
        return server.pid if server is not None else 0

    async def open(self, path: Path) -> tuple[float, list[Any]]:
        """Open *path*: seconds until its diagnostics, and them."""
        item = self.lsp.TextDocumentItem(
            uri=path.as_uri(), language_id="markdown", version=1, text=path.read_text()
        )
        start = time.perf_counter()
        self.client.text_document_did_open(self.lsp.DidOpenTextDocumentParams(text_document=item))
        found = await asyncio.wait_for(self.queue(item.uri).get(), 600)
        return time.perf_counter() - start, found

    async def edit(self, path: Path, text: str, version: int, watch: Path) -> tuple[float, list]:
        """Give *path* the text *text* and save: seconds until *watch*'s diagnostics."""
        uri, lsp = path.as_uri(), self.lsp
        queue = self.queue(watch.as_uri())
        while not queue.empty():
            queue.get_nowait()
        start = time.perf_counter()
        self.client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        self.client.text_document_did_save(
            lsp.DidSaveTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
        )
        found = await asyncio.wait_for(queue.get(), 600)
        return time.perf_counter() - start, found

    async def stop(self) -> None:
        """End the session and the server."""
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()


async def _measure(docs: int, objects: int, runs: int) -> bool:
    """Measure one corpus; whether a diagnostic was not the expected one."""
    corpus = generate(docs, objects)
    srcdir = OUT / f"{docs}x{objects}" / "src"
    write(sources(corpus, "plan"), srcdir, clean=True)
    count = len(corpus.all_objects())
    # the document edited holds a risk (with an explicit id) that a document references
    watched, rid, path = _reference(srcdir, [d.name for d in corpus.docs])
    text = path.read_text()
    impact = re.search(r"^:impact: (\w+)$", text, re.M)
    assert impact, "the document holds a risk"
    misspelt = f"{text[: impact.start()]}:impact: hihg{text[impact.end() :]}"
    renamed = text.replace(f"\n:id: {rid}\n", f"\n:id: {rid}-renamed\n", 1)
    session = Session()
    pid = await session.start(srcdir)
    cold, found = await session.open(path)
    failed = bool(found)
    print(
        f"corpus {docs}×{objects}: {count} objects; opened {path.name}, first build "
        f"{cold:.2f} s, server {_rss(pid):.0f} MB",
        flush=True,
    )
    times, memory = [], []
    for _ in range(runs):
        for text_now, expect in ((misspelt, True), (text, False)):
            seconds, found = await session.edit(path, text_now, 2 + len(times), path)
            times.append(seconds)
            failed |= bool(found) != expect or (expect and found[0].code != "plan.field")
        memory.append(_rss(pid))
    # a renamed risk that another document references: that document's plan.ref
    seconds, found = await session.edit(path, renamed, 1000, watched)
    failed |= [d.code for d in found] != ["plan.ref"]
    seconds_back, found = await session.edit(path, text, 1001, watched)
    failed |= bool(found)
    await session.stop()
    median, worst = statistics.median(times), max(times)
    target = TARGETS.get(round(count, -3))
    verdict = "PASS" if target and median <= target else "FAIL"
    print(
        f"  edit to diagnostics (save), median of {len(times)}: {median * 1000:.0f} ms, "
        f"max {worst * 1000:.0f} ms"
        + (f"; target {target * 1000:.0f} ms: {verdict}" if target else ""),
    )
    print(f"  each edit, in order: {', '.join(f'{t * 1000:.0f}' for t in times)} ms")
    print(
        f"  a risk renamed: the plan.ref in {watched.name} after {seconds * 1000:.0f} ms, "
        f"gone after {seconds_back * 1000:.0f} ms"
    )
    print(
        f"  server memory after edit 2: {memory[0]:.0f} MB, after edit {len(times)}: "
        f"{memory[-1]:.0f} MB",
        flush=True,
    )
    return failed


def _reference(srcdir: Path, docs: list[str]) -> tuple[Path, str, Path]:
    """A document from the middle on, a risk it references by id, the risk's document."""
    texts = {p: p.read_text() for p in srcdir.glob("*.md")}
    owners = {
        m.group(1): p for p, t in texts.items() for m in re.finditer(r"^:id: (\S+)$", t, re.M)
    }
    for name in docs[len(docs) // 2 :] + docs:
        watched = srcdir / f"{name}.md"
        for found in re.finditer(r"\{plan:risk\}`([^`<]+)`", texts[watched]):
            owner = owners.get(found.group(1))
            if owner is not None and owner != watched:
                return watched, found.group(1), owner
    raise SystemExit("no risk of the corpus is referenced by an explicit id")


def main(argv: list[str] | None = None) -> int:
    """Measure every size, print the figures.

    :param argv: ``--sizes DxK,… --runs N``
    :return: 0, or 1 when the server gave other diagnostics than expected
    """
    parser = argparse.ArgumentParser(prog="python -m bench --lsp")
    parser.add_argument(
        "--sizes",
        default="50x20,500x20",
        help="corpora DxK (default 50x20,500x20: 1,000 and 10,000 objects)",
    )
    parser.add_argument("--runs", type=int, default=5, help="misspell-and-mend pairs (5)")
    args = parser.parse_args(argv)
    print(f"load average {os.getloadavg()[0]:.1f}", flush=True)
    failed = False
    for size in args.sizes.split(","):
        docs, _, objects = size.partition("x")
        failed |= asyncio.run(_measure(int(docs), int(objects), args.runs))
        shutil.rmtree(OUT / size, ignore_errors=True)
    print("PASS every edit gave the expected diagnostics" if not failed else "FAIL see above")
    return 1 if failed else 0

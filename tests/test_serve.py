"""``sphinx-plan serve``: the live preview, run as a user runs it (a subprocess on loopback)."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from sphinxcontrib_plan.cli import main

ROOTS = Path(__file__).parent / "roots"
#: seconds a build of the small test project may take on a busy machine
WAIT = 120


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _page(url: str, ready: Callable[[str], bool], proc: subprocess.Popen[bytes]) -> str:
    """The page at *url* once *ready* says so (the server rebuilds meanwhile)."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        assert proc.poll() is None, "serve stopped"
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                text: str = answer.read().decode()
            if ready(text):
                return text
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} never became ready")


def test_serve_shows_the_warnings_on_their_page(tmp_path: Path) -> None:
    pytest.importorskip("sphinx_autobuild")
    project = Path(shutil.copytree(ROOTS / "test-basic", tmp_path / "src"))
    port = _free_port()
    command = [str(Path(sys.executable).parent / "sphinx-plan"), "serve", str(project)]
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        proc = subprocess.Popen(
            [*command, "-o", str(tmp_path / "out"), "--port", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/guide.html"
    try:
        page = _page(url, lambda text: "<h1>Guide" in text, proc)
        assert "plan-page-warnings" not in page
        # the preview reloads itself: sphinx-autobuild's script is in the page
        assert "websocket-reload" in page
        guide = project / "guide.md"
        text = guide.read_text()
        guide.write_text(text.replace("{plan:risk}`R-DB`", "{plan:risk}`R-DBX`", 1))
        page = _page(url, lambda text: "plan-page-warnings" in text, proc)
        assert "1 plan warning on this page" in page
        assert "R-DBX" in page and "[plan.ref]" in page
        # the other pages show nothing
        index = _page(f"http://127.0.0.1:{port}/index.html", lambda text: True, proc)
        assert "plan-page-warnings" not in index
        # mended: the box goes
        guide.write_text(text)
        _page(url, lambda text: "plan-page-warnings" not in text, proc)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
        print(log.read_text())
    assert proc.returncode == 0


def test_serve_without_the_extra_or_a_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """One line and exit 2: no conf.py; sphinx-autobuild missing (the extra named)."""
    assert main(["serve", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"sphinx-plan serve: error: there is no conf.py in {str(tmp_path)!r} "
        "(give its directory with -c CONFDIR)\n"
    )
    monkeypatch.setitem(sys.modules, "sphinx_autobuild", None)
    monkeypatch.delitem(sys.modules, "sphinx_autobuild.__main__", raising=False)
    assert main(["serve", str(ROOTS / "test-basic")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("sphinx-plan serve: error: sphinx_autobuild")
    assert err.endswith("install the extra 'serve' (pip install 'sphinxcontrib-plan[serve]')\n")

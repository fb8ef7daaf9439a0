"""Another project's data is data: no script in our pages, bounded fetching, a fallback.

Over the portfolio of ``test_external`` (its two example projects built once
per module), with the search project's ``plan.json`` made hostile.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import ssl
import subprocess
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import pytest
from conftest import plan_warnings, require_tool
from test_external import build, projects, serving  # noqa: F401 - the module's fixture

if TYPE_CHECKING:
    from collections.abc import Iterator


def _search(projects: dict[str, Path]) -> dict:  # noqa: F811
    return json.loads((projects["search"] / "plan.json").read_text(encoding="utf-8"))


PAGE = """\
# Hostile

The plan {plan:ref}`search:S1`, the risks {plan:risk}`search:RISK-7`,
{plan:risk}`search:RISK-9` and {plan:risk}`payments:RISK-7`.

:::{plan-overview}
:source: all
:columns: id, spec, constitution
:caption: Specs
:::
"""


def _links(html: str) -> dict[str, str]:
    """Link text → href of every link in *html*'s body."""
    body = html.split('role="main"', 1)[1] if 'role="main"' in html else html
    return {
        re.sub(r"<[^>]+>", "", text).strip(): href
        for href, text in re.findall(r'<a [^>]*href="([^"]*)"[^>]*>(.*?)</a>', body, re.S)
    }


def test_urls_from_data_are_links_only_for_http_https_mailto_and_relative(
    make_app,
    rootdir,
    tmp_path,
    projects,  # noqa: F811
):
    data = _search(projects)
    by_id = {o["id"]: o for o in [*data["plans"], *data["objects"]]}
    by_id["S1"]["url"] = "data:text/html,<script>alert(2)</script>"
    by_id["S1"]["fields"]["spec"] = "javascript://alert(5)"
    by_id["S1"]["fields"]["constitution"] = "https://example.org/constitution"
    by_id["RISK-7"]["url"] = " JavaScript:alert(3)"
    source = tmp_path / "search.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    src = tmp_path / "portfolio"
    shutil.copytree(rootdir / "test-portfolio", src)
    index = src / "index.md"
    index.write_text(
        index.read_text(encoding="utf-8")
        .replace("local\n```", "local\nhostile\n```")
        .replace(
            ":owner: Platform Team\n",
            ":owner: Platform Team\n"
            ":spec: vbscript://msgbox(6)\n:constitution: https://example.org/local\n",
        ),
        encoding="utf-8",
    )
    (src / "hostile.md").write_text(PAGE, encoding="utf-8")
    app = build(
        make_app,
        rootdir,
        tmp_path,
        {"search": source.as_posix(), "payments": (projects["payments"] / "plan.json").as_posix()},
    )
    assert plan_warnings(app) == []
    html = (Path(app.outdir) / "hostile.html").read_text(encoding="utf-8")
    links = _links(html)
    # the same project's other urls, and the other project's, stay links
    assert links["Relevance regressions"] == (tmp_path / "plan.html").as_uri() + "#risk-risk-9"
    assert links["Provider outage"].endswith("/risks.html#risk-risk-7")
    assert links["https://example.org/constitution"] == "https://example.org/constitution"
    assert links["https://example.org/local"] == "https://example.org/local"
    # the others are text where the link would have been
    for text in ("Search relaunch", "Index lag", "javascript://alert(5)", "vbscript://msgbox(6)"):
        assert text in html and text not in links, text
    assert not [
        h
        for h in re.findall(r'href="([^"]*)"', html)
        if re.match(r"\s*(javascript|data|vbscript):", h, re.I)
    ]


class _Slow(BaseHTTPRequestHandler):
    """Promises 1,000 bytes and sends one a second: each read is quick, the whole is not."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "1000")
        self.end_headers()
        try:
            for _ in range(60):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(1)
        except OSError:
            pass  # the client went away

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def _server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_the_timeout_is_a_deadline_for_the_whole_download(make_app, rootdir, tmp_path, projects):  # noqa: F811
    with _server(_Slow) as url:
        start = time.monotonic()
        app = build(
            make_app,
            rootdir,
            tmp_path,
            {
                "payments": f"{url}plan.json",
                "search": (projects["search"] / "plan.json").as_posix(),
            },
            plan_external_timeout=2,
        )
        elapsed = time.monotonic() - start
    warnings = [w for w in plan_warnings(app) if "[plan.external]" in w]
    assert warnings == [
        f"WARNING: plan_external['payments']: {url}plan.json cannot be read (no complete answer "
        "within plan_external_timeout (2 s)); no copy was read before, so its objects are "
        "missing from this build [plan.external]"
    ]
    assert elapsed < 9, elapsed  # the build itself takes a few seconds; the server, a minute


def _recording(body: bytes) -> type[BaseHTTPRequestHandler]:
    class Recording(BaseHTTPRequestHandler):
        seen: ClassVar[list[tuple[str, str]]] = []

        def do_GET(self) -> None:
            type(self).seen.append((self.path, self.headers.get("User-Agent", "")))
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Recording


def test_sphinx_user_agent_and_proxy_settings_are_used(
    make_app,
    rootdir,
    tmp_path,
    projects,  # noqa: F811
    monkeypatch,
):
    handler = _recording((projects["payments"] / "plan.json").read_bytes())
    with _server(handler) as proxy:
        for name in ("no_proxy", "NO_PROXY", "all_proxy", "ALL_PROXY"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("http_proxy", proxy)
        app = build(
            make_app,
            rootdir,
            tmp_path,
            {
                "payments": "http://plans.example.invalid/payments/plan.json",
                "search": (projects["search"] / "plan.json").as_posix(),
            },
            user_agent="PlanTest/1.0 (+https://example.org)",
        )
    assert [w for w in plan_warnings(app) if "[plan.external]" in w] == []
    # asked through the proxy (an absolute URL), with the configured user agent
    assert handler.seen == [
        ("http://plans.example.invalid/payments/plan.json", "PlanTest/1.0 (+https://example.org)")
    ]
    assert "payments:RISK-7" in (Path(app.outdir) / "registers.html").read_text(encoding="utf-8")


def _huge_integer(data: dict) -> bytes:
    text = json.dumps(data)
    return text.replace('"line": ', '"line": ' + "9" * 4400 + ', "x": ', 1).encode()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (
            lambda d: b"[" * 100_000 + b"]" * 100_000,
            "is not a valid plan.json: it nests arrays and objects 100000 levels deep; at most 200 are "
            "read",
        ),
        (_huge_integer, "is not a valid plan.json: it holds an integer of more than 4300 digits"),
        (
            lambda d: json.dumps(
                {**d, "objects": [{**d["objects"][0], "fields": "impact"}]}
            ).encode(),
            'is not a valid plan.json: objects[0].fields is "impact", not an object',
        ),
    ],
    ids=["nested", "integer", "shape"],
)
def test_a_remote_plan_json_that_cannot_be_used_keeps_the_cached_copy(
    make_app,
    rootdir,
    tmp_path,
    projects,  # noqa: F811
    content,
    problem,
):
    served = tmp_path / "served"
    served.mkdir()
    good = (projects["payments"] / "plan.json").read_bytes()
    (served / "plan.json").write_bytes(good)
    with serving(served) as (url, _):
        external = {
            "payments": f"{url}plan.json",
            "search": (projects["search"] / "plan.json").as_posix(),
        }
        assert plan_warnings(build(make_app, rootdir, tmp_path, external)) == []
        (served / "plan.json").write_bytes(content(json.loads(good)))
        start = time.monotonic()
        app = build(make_app, rootdir, tmp_path, external, plan_external_cache_days=0)
        elapsed = time.monotonic() - start
    warnings = plan_warnings(app)
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith(
        f"WARNING: plan_external['payments']: {url}plan.json {problem}; using the copy read on "
    ), warnings[0]
    assert "payments:RISK-7" in (Path(app.outdir) / "registers.html").read_text(encoding="utf-8")
    assert elapsed < 10, elapsed


@pytest.fixture
def https_source(tmp_path, projects) -> Iterator[tuple[str, Path]]:  # noqa: F811
    """The payments plan.json over HTTPS on 127.0.0.1, with a self-signed certificate."""
    require_tool("openssl")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(projects["payments"]))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/plan.json", cert
    finally:
        server.shutdown()
        server.server_close()


def test_sphinx_tls_settings_are_used(
    make_app,
    rootdir,
    tmp_path,
    projects,  # noqa: F811
    https_source,
    monkeypatch,
):
    url, cert = https_source
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "https_proxy", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    external = {"payments": url, "search": (projects["search"] / "plan.json").as_posix()}
    # the certificate is not trusted: the source cannot be read
    app = build(make_app, rootdir, tmp_path / "untrusted", external)
    warnings = [w for w in plan_warnings(app) if "[plan.external]" in w]
    assert len(warnings) == 1 and "CERTIFICATE_VERIFY_FAILED" in warnings[0], warnings
    # trusted through tls_cacerts, or not verified with tls_verify = False
    for name, conf in (
        ("cacerts", {"tls_cacerts": str(cert)}),
        ("noverify", {"tls_verify": False}),
    ):
        app = build(make_app, rootdir, tmp_path / name, external, **conf)
        assert [w for w in plan_warnings(app) if "[plan.external]" in w] == [], name
        html = (Path(app.outdir) / "registers.html").read_text(encoding="utf-8")
        assert "payments:RISK-7" in html, name

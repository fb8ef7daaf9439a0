"""Real OpenAPI documents, imported, built with -W, exported, validated and compared.

The corpus (listed with sources and licences in ``tests/corpus/openapi/SOURCES.json``;
the documents themselves are not committed, see ``corpus_tools.PLACES``)
holds public documents of well-known providers, OpenAPI 3.0, 3.1 and Swagger
2.0. Each OpenAPI 3 document goes through ``sphinx-plan import``; the imported
plans are built by ``sphinx-build -W`` (several plans to a project when their
paths and schema names do not meet, two builds at a time); the build's
``openapi.json`` must validate and give back, for each plan, the source's
operations, parameters, response codes, media types and request bodies, and
at least 99 % of its constraint keywords, every other one named by JSON
pointer in the import report; ``diff --openapi`` of each document against its
built plan finds nothing. Every document (Swagger 2.0 too) is also rendered by
``plan-openapi`` in a build of its own, whose only warnings are the import's
notes of what is not carried. Swagger 2.0 documents are read by
``diff --openapi``. ``CORPUS_TABLE`` (an environment variable naming a file)
records the per-document table.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from corpus_tools import DOCUMENTS, SOURCES, load, operations, read_source, reported, summary, tally

from sphinxcontrib_plan.cli import main

pytestmark = pytest.mark.skipif(
    DOCUMENTS is None,
    reason="the OpenAPI corpus documents (third-party files listed with their sources in "
    "tests/corpus/openapi/SOURCES.json) are not in the repository: put them in "
    "../shared/corpus/openapi or name their folder in PLAN_OPENAPI_CORPUS",
)

OPENAPI3 = [row["file"] for row in SOURCES if not row["version"].startswith("2")]
SWAGGER2 = [row["file"] for row in SOURCES if row["version"].startswith("2")]
CONF = (
    'extensions = ["myst_parser", "sphinxcontrib_plan"]\n'
    'myst_enable_extensions = ["colon_fence"]\n'
    'plan_openapi = True\nproject = "corpus"\n'
)
#: the most source text one project builds (bytes): two builds run at a time
GROUP_SIZE = 700_000


@dataclass
class Imported:
    """One document's way through import and build."""

    name: str
    plan: str
    source: dict[str, Any]
    size: int = 0
    report: str = ""
    group: int = -1
    warnings: list[str] = field(default_factory=list)
    export: dict[str, Any] | None = None
    #: the whole export of the plan's project (servers, tags and schemes are shared)
    project_export: dict[str, Any] | None = None
    #: the plan's objects in the project's plan.json
    objects: list[dict[str, Any]] = field(default_factory=list)
    #: the document as imported (decompressed) and the built project's plan.json
    source_file: Path | None = None
    plan_json: Path | None = None


def plan_id(name: str) -> str:
    return "c-" + "".join(c if c.isalnum() else "-" for c in name.split(".y")[0].split(".j")[0])


def keys(doc: dict[str, Any]) -> set[tuple[str, ...]]:
    """What two plans in one project must not share: schema names, security scheme
    names, operations, operation ids."""
    components = doc.get("components") or {}
    out: set[tuple[str, ...]] = {("schema", n) for n in (components.get("schemas") or {})}
    out |= {("scheme", n) for n in (components.get("securitySchemes") or {})}
    for (group, path, method), (op, _, _) in operations(doc).items():
        out.add((group, path, method))
        if op.get("operationId"):
            out.add(("id", op["operationId"]))
    return out


def import_all(tmp: Path) -> dict[str, Imported]:
    results: dict[str, Imported] = {}
    for name in OPENAPI3:
        text = read_source(name)
        source_file = tmp / "sources" / name.removesuffix(".gz")
        source_file.parent.mkdir(parents=True, exist_ok=True)
        source_file.write_text(text, encoding="utf-8")
        item = Imported(name, plan_id(name), load(text), len(text), source_file=source_file)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main(
                [
                    "import",
                    str(source_file),
                    "--id",
                    item.plan,
                    "-o",
                    str(tmp / "imported" / f"{item.plan}.md"),
                ]
            )
        assert code == 0, f"{name}: sphinx-plan import exited {code}: {out.getvalue()}"
        item.report = out.getvalue()
        results[name] = item
    return results


def group(results: dict[str, Imported]) -> list[list[Imported]]:
    groups: list[tuple[set[tuple[str, ...]], int, list[Imported]]] = []
    for item in sorted(results.values(), key=lambda i: -i.size):
        mine, size = keys(item.source), item.size
        for taken, total, members in groups:
            if not taken & mine and total + size <= GROUP_SIZE:
                taken |= mine
                members.append(item)
                groups[groups.index((taken, total, members))] = (taken, total + size, members)
                break
        else:
            groups.append((set(mine), size, [item]))
    return [members for _, _, members in groups]


def build(tmp: Path, number: int, members: list[Imported]) -> tuple[int, str]:
    src = tmp / f"project-{number}"
    src.mkdir()
    (src / "conf.py").write_text(CONF, encoding="utf-8")
    names = []
    for item in members:
        item.group = number
        (src / f"{item.plan}.md").write_text(
            (tmp / "imported" / f"{item.plan}.md").read_text(encoding="utf-8"), encoding="utf-8"
        )
        names.append(item.plan)
    (src / "index.md").write_text(
        "# Corpus\n\n```{toctree}\n" + "\n".join(names) + "\n```\n", encoding="utf-8"
    )
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-q",
            "-b",
            "html",
            str(src),
            str(src / "_build"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return run.returncode, run.stderr


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Imported]:
    tmp = tmp_path_factory.mktemp("corpus")
    results = import_all(tmp)
    groups = group(results)
    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(lambda g: build(tmp, *g), enumerate(groups)))
    for number, (members, (_, stderr)) in enumerate(zip(groups, outcomes, strict=True)):
        exported = tmp / f"project-{number}" / "_build" / "openapi.json"
        document = json.loads(exported.read_text(encoding="utf-8")) if exported.is_file() else None
        plan_json = tmp / f"project-{number}" / "_build" / "plan.json"
        objects = json.loads(plan_json.read_text(encoding="utf-8"))["objects"]
        for item in members:
            item.warnings = [
                line
                for line in stderr.splitlines()
                if f"{item.plan}.md" in line
                or "index.md" in line
                or ".md" not in line
                and line.strip()
            ]
            item.objects = [o for o in objects if o.get("plan") == item.plan]
            item.plan_json = plan_json
            if document is not None:
                item.export = of_plan(document, item.plan, item.source)
                item.project_export = document
    return results


def of_plan(document: dict[str, Any], plan: str, source: dict[str, Any]) -> dict[str, Any]:
    """The part of a project's export that one plan made."""
    mine: dict[str, Any] = {"openapi": document["openapi"], "info": document["info"]}
    for group in ("paths", "webhooks"):
        for path, item in (document.get(group) or {}).items():
            for method, op in item.items():
                if op.get("x-plan") == plan:
                    mine.setdefault(group, {}).setdefault(path, {})[method] = op
    names = (source.get("components") or {}).get("schemas") or {}
    schemas = (document.get("components") or {}).get("schemas") or {}
    mine["components"] = {"schemas": {n: s for n, s in schemas.items() if n in names}}
    return mine


@pytest.mark.parametrize("name", OPENAPI3)
def test_real_document_round_trip(corpus: dict[str, Imported], name: str) -> None:
    validator = pytest.importorskip("openapi_spec_validator")
    item = corpus[name]
    assert item.warnings == []  # sphinx-build -W: not one warning
    assert item.export is not None
    try:
        validator.validate(item.source)
    except Exception:
        pass  # the source breaks the specification itself (a default outside its enum...)
    else:
        validator.validate(item.export)
    expected, found = summary(item.source), summary(item.export)
    assert found.keys() == expected.keys()
    for key, op in expected.items():
        assert found[key] == op, key
    counted = tally(item.source, item.export)
    record(name, len(expected), counted.kept, counted.total)
    unreported = [p for p in counted.lost if not reported(p, item.report)]
    assert unreported == [], f"{len(unreported)} keywords lost and not in the report"
    assert counted.kept >= 0.99 * counted.total, counted.lost[:20]


def _words(text: Any) -> str:
    return " ".join(str(text or "").split())


@pytest.mark.parametrize("name", OPENAPI3)
def test_real_document_api_as_a_whole(corpus: dict[str, Imported], name: str) -> None:
    """``info.version``, servers, tags and security schemes come back in ``plan.json``
    and the OpenAPI export, or are named in the report."""
    item = corpus[name]
    assert item.project_export is not None
    source = item.source
    info = source.get("info") or {}
    (api,) = [o for o in item.objects if o["type"] == "api"]
    assert _words(api["title"]) == (_words(info.get("title")) or "API")
    if info.get("version") is not None:
        assert api["fields"]["version"] == str(info["version"])
    exported_servers = {s["url"]: s for s in item.project_export.get("servers", ())}
    for i, server in enumerate(source.get("servers") or ()):
        if reported(f"/servers/{i}", item.report):
            continue
        found = exported_servers[server["url"]]
        assert found.get("variables", {}) == {
            k: {
                **v,
                "default": str(v["default"]),
                **({"enum": [str(e) for e in v["enum"]]} if "enum" in v else {}),
            }
            | ({"description": _words(v["description"])} if v.get("description") else {})
            for k, v in (server.get("variables") or {}).items()
        }, server["url"]
        assert bool(found.get("description")) == bool(_words(server.get("description")))
    exported_tags = {t["name"]: t for t in item.project_export.get("tags", ())}
    for tag in source.get("tags") or ():
        assert tag["name"] in exported_tags
        assert bool(exported_tags[tag["name"]].get("description")) == bool(
            _words(tag.get("description"))
        ), tag["name"]
    exported_schemes = (item.project_export.get("components") or {}).get("securitySchemes", {})
    for scheme_name, scheme in (
        (source.get("components") or {}).get("securitySchemes") or {}
    ).items():
        at = f"/components/securitySchemes/{scheme_name}"
        if f"{at}:" in item.report or f"{at}/" in item.report:
            continue  # named in the report, as a whole or in part
        found = dict(exported_schemes[scheme_name])
        assert bool(found.pop("description", "")) == bool(_words(scheme.get("description")))
        expected = {k: v for k, v in scheme.items() if k != "description"}
        assert found == expected, scheme_name


@pytest.mark.parametrize("name", OPENAPI3)
def test_real_document_has_no_drift_from_its_plan(
    corpus: dict[str, Imported], name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``diff --openapi`` of the document against the built plan imported from it:
    every operation (paths and webhooks) matched, not one finding."""
    item = corpus[name]
    assert item.plan_json is not None and item.source_file is not None
    capsys.readouterr()
    code = main(
        [
            "diff",
            str(item.plan_json),
            "--openapi",
            str(item.source_file),
            "--plan",
            item.plan,
            "--format",
            "json",
            "--fail-on",
            "any",
        ]
    )
    out = capsys.readouterr()
    assert (code, out.err) == (0, "")
    report = json.loads(out.out)
    assert report["findings"] == []
    assert report["summary"]["matched"] == len(summary(item.source))


@pytest.mark.parametrize("name", OPENAPI3 + SWAGGER2)
def test_real_document_embedded_by_plan_openapi(
    make_app: Any, tmp_path: Path, corpus: dict[str, Imported], name: str
) -> None:
    """``plan-openapi FILE`` renders the document in a build: its only warnings are
    the import's own notes of what is not carried (the same reader says the same
    thing on both paths), and the operations are the document's."""
    from conftest import build_warnings, load_plan_json

    src = tmp_path / "src"
    src.mkdir()
    document = name.removesuffix(".gz")
    (src / document).write_text(read_source(name), encoding="utf-8")
    (src / "conf.py").write_text(CONF + "show_warning_types = True\n", encoding="utf-8")
    (src / "index.md").write_text(
        f"# API\n\n:::{{plan}} API\n:id: api\n:::\n\n:::{{plan-openapi}} {document}\n:::\n",
        encoding="utf-8",
    )
    app = make_app("html", srcdir=src, freshenv=True)
    app.build()
    prefix = f"plan-openapi: {document!r}: "
    warned = [w.split(prefix, 1)[1].removesuffix(" [plan.schema]") for w in build_warnings(app)]
    if name in corpus:
        notes = [
            line.removeprefix("note: ")
            for line in corpus[name].report.splitlines()
            if "not carried (OpenAPI 3.0 ignores it)" in line
        ]
        assert warned == notes
    else:
        assert warned == []
    endpoints = [o for o in load_plan_json(app)["objects"] if o["type"] == "endpoint"]
    assert len(endpoints) == len(operations(load(read_source(name))))


def record(name: str, operations: int, kept: int, total: int) -> None:
    target = os.environ.get("CORPUS_TABLE")
    if target:
        row = next(r for r in SOURCES if r["file"] == name)
        with open(target, "a", encoding="utf-8") as stream:
            stream.write(
                f"| {name} | {row['licence']} | {row['version']} | {operations} | "
                f"{kept}/{total} |\n"
            )


#: Swagger 2.0 documents with an OpenAPI 3.0 version of the same API in the corpus
EQUIVALENT = {
    "oai-v2.0-petstore-expanded.yaml": "oai-v3.0-petstore-expanded.yaml",
    "oai-v2.0-api-with-examples.yaml": "oai-v3.0-api-with-examples.yaml",
}


def drift(
    tmp_path: Path, implemented: str, planned: str, capsys: pytest.CaptureFixture[str]
) -> dict[str, Any]:
    """``diff --openapi`` of *implemented* against a plan imported from *planned*."""
    source = tmp_path / implemented
    source.write_text(read_source(implemented), encoding="utf-8")
    plan = tmp_path / f"plan-{planned}"
    plan.write_text(read_source(planned), encoding="utf-8")
    project = tmp_path / f"docs-{planned}"
    assert main(["import", str(plan), "--id", "api", "-o", str(project / "index.md")]) == 0
    (project / "conf.py").write_text(CONF, encoding="utf-8")
    capsys.readouterr()
    code = main(["diff", "--openapi", str(source), "--source", str(project), "--format", "json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    report: dict[str, Any] = json.loads(out.out)
    return report


@pytest.mark.parametrize("name", SWAGGER2)
def test_swagger2_is_read_and_its_plan_has_no_drift(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = load(read_source(name))
    count = sum(
        1
        for item in spec["paths"].values()
        for m in item
        if m in ("get", "put", "post", "delete", "patch", "head", "options")
    )
    for planned in (name, EQUIVALENT.get(name)):
        if planned is None:
            continue
        report = drift(tmp_path, name, planned, capsys)
        assert report["findings"] == [], planned
        assert report["summary"]["matched"] == count


def test_the_report_names_what_the_plan_does_not_carry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "museum.yaml"
    text = read_source("redocly-museum.yaml")
    source.write_text(text, encoding="utf-8")
    assert main(["import", str(source), "--id", "m", "-o", str(tmp_path / "m.md")]) == 0
    report = capsys.readouterr().out
    assert "note: /info/license: not carried" in report
    for carried in ("/info/version", "/servers", "/tags/0", "/components/securitySchemes"):
        assert f"note: {carried}" not in report  # plan-api, plan-server, plan-tag, plan-security
    imported = (tmp_path / "m.md").read_text(encoding="utf-8")
    assert ":::{plan-api} Redocly Museum API\n:version: 1.2.1\n" in imported
    assert ":::{plan-server} https://redocly.com/_mock/docs/openapi/museum-api\n" in imported
    # each response at its own line: those of GET /museum-hours
    lines = text.split("\n")
    start = lines.index("  /museum-hours:")
    codes = [
        start + 1 + i
        for i, line in enumerate(lines[start : start + 30])
        if line.strip() in ('"200":', '"400":', '"404":')
    ]
    assert f"plan-response      26  lines {', '.join(map(str, codes))}, " in report

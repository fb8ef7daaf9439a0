"""``plan.json`` is written a record per line, and read once for both sides of a diff
(issue 29.5: a 50,000-object project's file written in about a second, and
diffed without parsing an unchanged record twice).

Through real builds: the layout of the built file, the CLI export writing the
same text, a one-object edit diffed from two builds. The reader's sharing is
checked against the standard library's reading of the same text, for good and
for hostile texts: the same value or the same one-line error, always.
"""

from __future__ import annotations

import json
import shutil
import tracemalloc
from pathlib import Path

import pytest
from conftest import ROOTS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sphinxcontrib_plan.cli import main
from sphinxcontrib_plan.domain import plan_domain
from sphinxcontrib_plan.export.json import PLAN_JSON_LEVELS, dumps
from sphinxcontrib_plan.model import planjson
from sphinxcontrib_plan.model.limits import read_at_most

ROOT = "test-export-api"


def build(make_app, srcdir: Path):
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()
    return app


@pytest.fixture
def project(tmp_path: Path) -> Path:
    srcdir = tmp_path / ROOT
    shutil.copytree(ROOTS / ROOT, srcdir)
    return srcdir


def test_the_built_plan_json_has_a_record_per_line(make_app, project):
    app = build(make_app, project)
    text = (Path(app.outdir) / "plan.json").read_text(encoding="utf-8")
    document = json.loads(text)
    lines = text.split("\n")
    assert lines[0] == "{" and lines[-2:] == ["}", ""]
    records = [*document["objects"], *document["plans"]]  # keys in sorted order
    assert len(records) > 10
    record_lines = [ln for ln in lines if ln.startswith('    {"anchor":')]
    assert len(record_lines) == len(records)
    for line, record in zip(record_lines, records, strict=True):
        assert json.loads(line.strip().rstrip(",")) == record
    # the top level stays indented: one key per line, in sorted order
    keys = [ln.split('"')[1] for ln in lines if ln.startswith('  "')]
    assert keys == sorted(document)
    assert text == dumps(document, PLAN_JSON_LEVELS)


def test_the_cli_export_writes_the_text_of_the_build(make_app, project, tmp_path):
    app = build(make_app, project)
    out = tmp_path / "exported.json"
    assert main(["export", str(project), "--format", "json", "-o", str(out)]) == 0
    built = json.loads((Path(app.outdir) / "plan.json").read_text(encoding="utf-8"))
    exported = out.read_text(encoding="utf-8")
    assert exported == dumps(json.loads(exported), PLAN_JSON_LEVELS)  # the same layout

    def without_urls(document):  # the CLI builds no pages: its records have no URL
        for record in (*document["plans"], *document["objects"]):
            record["url"] = None
        return document

    assert without_urls(json.loads(exported)) == without_urls(built)


def test_openapi_stays_indented_throughout(make_app, project):
    (project / "conf.py").write_text(
        (project / "conf.py").read_text(encoding="utf-8") + "\nplan_openapi = True\n",
        encoding="utf-8",
    )
    app = build(make_app, project)
    text = (Path(app.outdir) / "openapi.json").read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_a_one_object_edit_diffs_from_two_builds(make_app, project, tmp_path, capsys):
    app = build(make_app, project)
    before = tmp_path / "before.json"
    shutil.copyfile(Path(app.outdir) / "plan.json", before)
    risks = project / "risks.md"
    risks.write_text(
        risks.read_text(encoding="utf-8").replace(":owner: SRE", ":owner: Platform team"),
        encoding="utf-8",
    )
    again = build(make_app, project)
    capsys.readouterr()
    after = Path(again.outdir) / "plan.json"
    assert main(["diff", str(before), str(after), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["summary"]["changed"] == 1
    (change,) = report["changes"]
    assert change["id"] == "R-PAY"
    assert change["fields"] == [
        {"after": "Platform team", "before": "SRE", "label": "owner", "name": "owner"}
    ]
    # an old file, indented throughout, against the new layout: the same diff
    old = tmp_path / "old-layout.json"
    old.write_text(
        json.dumps(json.loads(before.read_text(encoding="utf-8")), indent=2), encoding="utf-8"
    )
    assert main(["diff", str(old), str(after), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["changes"] == report["changes"]


def test_both_sides_share_the_records_that_did_not_change(make_app, project, tmp_path):
    app = build(make_app, project)
    path = Path(app.outdir) / "plan.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    document["objects"][0]["title"] += " (renamed)"
    head = tmp_path / "head.json"
    head.write_text(dumps(document, PLAN_JSON_LEVELS), encoding="utf-8")
    shared = planjson.Shared()
    base = planjson.read(path, shared=shared)
    changed = planjson.read(head, shared=shared)
    assert base == json.loads(path.read_text(encoding="utf-8"))
    assert changed == document
    assert base["objects"][0] is not changed["objects"][0]
    assert all(a is b for a, b in zip(base["objects"][1:], changed["objects"][1:], strict=True))
    assert all(a is b for a, b in zip(base["plans"], changed["plans"], strict=True))


def test_of_type_by_plan_gives_what_a_scan_gives(make_app, project):
    app = build(make_app, project)
    index = plan_domain(app.env).index
    plans = [p.id for p in index.of_type("plan")]
    assert len(plans) >= 2
    for typ in sorted(index.by_type):
        every = index.of_type(typ)
        for plan in [*plans, "no-such-plan"]:
            scanned = [r for r in every if (r.id if typ == "plan" else r.plan) == plan]
            assert index.of_type(typ, [plan]) == scanned, (typ, plan)
        assert index.of_type(typ, plans[:2]) == [
            r for r in every if (r.id if typ == "plan" else r.plan) in plans[:2]
        ]


# -- the reader against the standard library, on good and hostile texts ------

_RECORD = {
    "type": "risk",
    "id": "R-1",
    "title": "Outage",
    "plan": None,
    "parent": None,
    "fields": {"impact": "high"},
    "checks": None,
    "derived": {},
    "data": {},
    "body": "",
    "docname": "risks",
    "source": "risks.md",
    "line": 3,
    "anchor": "risk-r-1",
    "url": None,
}


def _document(count: int) -> dict:
    return {
        "schema_version": 1,
        "project": "P",
        "version": None,
        "plans": [],
        "objects": [{**_RECORD, "id": f"R-{i}", "anchor": f"r-{i}"} for i in range(count)],
        "external": [],
        "generator": {"name": "sphinxcontrib-plan", "version": "1"},
    }


def _outcome(text: bytes, shared: planjson.Shared | None):
    """What decoding gives (the parsed value or the message), then what checking gives."""
    try:
        decoded = ("value", planjson.decode(text, shared))
    except planjson.PlanJsonError as err:
        return ("error", str(err)), None
    try:
        return decoded, ("value", planjson.validate(decoded[1], shared=shared))
    except planjson.PlanJsonError as err:
        return decoded, ("error", str(err))


def _same_as_alone(text: bytes) -> None:
    alone = _outcome(text, None)
    shared = planjson.Shared()
    _outcome(dumps(_document(4), PLAN_JSON_LEVELS).encode(), shared)  # lines seen before
    assert _outcome(text, shared) == alone
    assert _outcome(text, shared) == alone  # and again, every line known


@pytest.mark.parametrize(
    "text",
    [
        # lines that are not a value each, though the whole is JSON: read whole
        '{\n  "objects": [\n    {"a":[{"b":1}\n    ,{"c":2}]},\n    {"d":3},{"e":4}\n  ]\n}\n',
        '{\n  "objects": [\n    1,2,\n    [3,\n    4]\n  ],\n  "plans": []\n}\n',
        # a missing comma, a comma too many, a key twice
        '{\n  "objects": [\n    {"id":"a"}\n    {"id":"b"}\n  ]\n}\n',
        '{\n  "objects": [\n    {"id":"a"},\n  ],\n}\n',
        '{\n  "project": "a",\n  "project": "b",\n  "objects": [],\n  "plans": []\n}\n',
        # not UTF-8, a constant, too many digits, too deep
        '{\n  "objects": [\n    {"id":"\xff"}\n  ]\n}\n',
        '{\n  "objects": [\n    {"id":NaN}\n  ]\n}\n',
        '{\n  "objects": [\n    {"id":' + "9" * 5000 + "}\n  ]\n}\n",
        '{\n  "objects": [\n    ' + "[" * 300 + "]" * 300 + "\n  ]\n}\n",
        '{\n  "objects": [\n    ' + "[" * 199 + "]" * 199 + "\n  ]\n}\n",
        '{\n  "objects": [\n    ' + "]" * 250 + "\n  ]\n}\n",
    ],
)
def test_a_hostile_layout_reads_as_the_whole_text_does(text):
    data = text.encode("latin-1") if "\xff" in text else text.encode("utf-8")
    _same_as_alone(data)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    document=st.dictionaries(st.sampled_from(["objects", "plans", "project", "x"]), _json),
    levels=st.integers(0, 3),
    cut=st.integers(0, 400),
    insert=st.sampled_from(["", ",", "\n", "\n    ", "]", "{", '"', "\n  ],"]),
)
def test_any_text_reads_as_the_whole_text_does(document, levels, cut, insert):
    text = dumps(document, levels)
    assert json.loads(text) == document
    _same_as_alone(text.encode("utf-8"))
    cut = min(cut, len(text))
    _same_as_alone((text[:cut] + insert + text[cut:]).encode("utf-8"))


def test_a_small_file_is_read_without_setting_the_limit_aside(tmp_path):
    small = tmp_path / "small.json"
    small.write_bytes(b"{}")
    tracemalloc.start()
    try:
        with small.open("rb") as stream:
            assert read_at_most(stream, planjson.MAX_BYTES) == b"{}"
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2**21, peak  # stream.read(limit + 1) sets aside 256 MiB
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * (3 * 2**20 + 5))
    with big.open("rb") as stream:
        assert len(read_at_most(stream, 3 * 2**20)) == 3 * 2**20 + 1
    with big.open("rb") as stream:
        assert len(read_at_most(stream, 4 * 2**20)) == 3 * 2**20 + 5

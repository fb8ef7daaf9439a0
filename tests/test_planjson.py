"""The one ``plan.json`` reader (:mod:`sphinxcontrib_plan.model.planjson`), through the CLI.

A file of the wrong shape, too deep or with numbers Python refuses is a
one-line error with exit status 2 in ``diff`` and ``diff --openapi`` (never a
traceback, never 1, which ``--fail-on`` reads as "breaking"); what the
published JSON Schema accepts, the fast check accepts too.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest

from sphinxcontrib_plan.cli import main
from sphinxcontrib_plan.export.json import SCHEMA_PATH
from sphinxcontrib_plan.model import planjson

EXAMPLE = Path(__file__).parents[1] / "example_project"
OPENAPI = Path(__file__).parent / "fixtures" / "openapi"


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> dict:
    """plan.json of example_project, as ``sphinx-plan export`` writes it."""
    target = tmp_path_factory.mktemp("example") / "plan.json"
    assert main(["export", str(EXAMPLE), "--format", "json", "-o", str(target)]) == 0
    return json.loads(target.read_text(encoding="utf-8"))


def _first(document: dict, typ: str) -> dict:
    return next(o for o in document["objects"] if o["type"] == typ)


def _set(path: str, value: object):
    """A change of *document*: the first object of a type gets *value* at *path*."""

    def change(document: dict) -> None:
        typ, *keys = path.split(".")
        target = _first(document, typ)
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return change


#: edits that make a plan.json of the wrong shape, and the problem reported
WRONG_SHAPES = [
    (_set("risk.fields", "impact high"), 'objects[{i}].fields is "impact high", not an object'),
    (_set("risk.title", ["a", "b"]), 'objects[{i}].title is ["a", "b"], not a string'),
    (_set("risk.fields.impact", ["high"]), 'objects[{i}].fields.impact is ["high"], not a string'),
    (
        _set("phase.fields.weeks", "3-4"),
        'objects[{i}].fields.weeks is "3-4", not [first week, last week]',
    ),
    (
        _set("endpoint.data.parameters", [{"name": 1, "in": "query"}]),
        "objects[{i}].data.parameters[0].name is 1, not a string",
    ),
    (
        _set("endpoint.data.method", "FETCH"),
        'objects[{i}].data.method is "FETCH", not one of GET, POST, PUT, PATCH, DELETE',
    ),
    (
        _set("response.checks", {"done": "1", "total": 2}),
        'objects[{i}].checks.done is "1", not an integer',
    ),
    (lambda d: d.update(objects={"a": 1}), "it has no 'objects' array"),
    (
        lambda d: d["objects"].append(d["plans"][0]),
        'objects[{n}].type is "plan", not another type than plan',
    ),
]


@pytest.mark.parametrize(("edit", "problem"), WRONG_SHAPES)
def test_wrong_shape_is_one_line_and_exit_2(example, tmp_path, capsys, edit, problem):
    document = copy.deepcopy(example)
    before = copy.deepcopy(document)
    edit(document)
    changed = next(
        (
            i
            for i, (a, b) in enumerate(zip(before["objects"], document["objects"], strict=False))
            if a != b
        ),
        None,
    )
    problem = problem.format(i=changed, n=len(before["objects"]))
    bad, good = tmp_path / "bad.json", tmp_path / "good.json"
    bad.write_text(json.dumps(document), encoding="utf-8")
    good.write_text(json.dumps(example), encoding="utf-8")
    for argv in (
        ["diff", str(good), str(bad), "--fail-on", "breaking"],
        ["diff", "--openapi", str(OPENAPI / "petstore3.yaml"), str(bad)],
    ):
        assert main(argv) == 2
        out, err = capsys.readouterr()
        assert out == ""
        assert err.startswith("sphinx-plan diff: error: "), err
        assert err.count("\n") == 1
        assert f"{str(bad)!r} is not a plan.json: {problem}" in err
    # the published schema refuses each of them too
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def _last(document: dict, typ: str) -> tuple[int, dict]:
    return max((i, o) for i, o in enumerate(document["objects"]) if o["type"] == typ)


#: values of the same JSON type as the good ones (so a record of the same shape,
#: key names and value types, was checked before), wrong inside
SAME_SHAPE_WRONG = [
    ("phase", "weeks", [3, -1], "[3, -1], not [first week, last week]"),
    ("phase", "depends-on", ["P1", 2], "... [1] is 2, not a string"),
    ("risk", "impact", "severe", '"severe", not one of low, medium, high'),
    ("test", "share", 150, "150, not a number from 0 to 100"),
]


@pytest.mark.parametrize(("typ", "name", "value", "problem"), SAME_SHAPE_WRONG)
def test_records_of_a_checked_shape_are_still_checked_inside(example, typ, name, value, problem):
    """The checks of a record and of its fields that follow from key names and value
    types run once per shape; what looks inside a value runs for every record."""
    document = copy.deepcopy(example)
    good = next(o for o in document["objects"] if o["type"] == typ and name in o["fields"])
    i, last = _last(document, typ)
    if last is good:  # a second record of the shape after the first
        last = copy.deepcopy(good)
        last["id"] = f"{good['id']}-copy"
        document["objects"].append(last)
        i = len(document["objects"]) - 1
    last["fields"] = {**good["fields"], name: value}
    where = f"objects[{i}].fields.{name}"
    expected = f"{where}{problem[4:]}" if problem.startswith("... ") else f"{where} is {problem}"
    text = json.dumps(document)
    with pytest.raises(planjson.PlanJsonError) as caught:
        planjson.loads(text, complete=True)
    assert str(caught.value) == expected
    # a record after it with the good values of the shape is read
    last["fields"] = dict(good["fields"])
    assert planjson.loads(json.dumps(document), complete=True)["objects"][i] == last


def test_what_the_published_schema_accepts_is_read(example):
    jsonschema.validate(example, json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    assert planjson.validate(example, complete=True) is example


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "[" * 100_000 + "]" * 100_000,
            "it nests arrays and objects 100000 levels deep; at most 200 are read",
        ),
        (
            '{"objects": [{"type": "risk", "id": "R", "line": ' + "9" * 5000 + "}]}",
            "it holds an integer of more than 4300 digits",
        ),
        ('{"objects": [], "project": NaN}', "it is not valid JSON: NaN is not a JSON value"),
        ('{"objects": [], "s": "' + "[" * 1000 + '"}', None),  # brackets in a string are text
        (b"\xff\xfe{}", "it is not UTF-8 text (byte 0)"),
    ],
)
def test_hostile_text_is_one_line_and_exit_2(example, tmp_path, text, problem):
    bad, good = tmp_path / "bad.json", tmp_path / "good.json"
    if isinstance(text, bytes):
        bad.write_bytes(text)
    else:
        bad.write_text(text, encoding="utf-8")
    good.write_text(json.dumps(example), encoding="utf-8")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinxcontrib_plan",
            "diff",
            str(bad),
            str(good),
            "--fail-on",
            "any",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if problem is None:
        assert run.returncode == 1 and run.stderr == ""  # read: every object is new
        return
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr == f"sphinx-plan diff: error: {str(bad)!r} is not a plan.json: {problem}\n"


def test_unreadable_file_is_one_line(tmp_path):
    with pytest.raises(planjson.PlanJsonError, match=r"^cannot read '.*missing.json': No such"):
        planjson.read(tmp_path / "missing.json")
    with (tmp_path / "huge.json").open("wb") as huge:  # sparse: no disk written
        huge.truncate(planjson.MAX_BYTES + 1)
    with pytest.raises(
        planjson.PlanJsonError, match="is not a plan.json: it is larger than 256 MiB"
    ):
        planjson.read(tmp_path / "huge.json")


def test_two_hundred_thousand_objects_in_a_few_seconds(example):
    """Linear: 200,000 objects (about 60 MB) are parsed and checked in a few seconds
    (a JSON Schema run over the published schema takes minutes)."""
    risk = _first(example, "risk")
    risk = {
        **risk,
        "fields": {k: risk["fields"][k] for k in ("impact", "likelihood", "owner")},
        "body": "",
        "derived": {},
        "data": {},
        "title": "Outage",
        "docname": "risks",
        "source": "risks.md",
    }
    document = {
        **example,
        "objects": [{**risk, "id": f"R-{i}", "anchor": f"r-{i}"} for i in range(200_000)],
    }
    text = json.dumps(document)
    assert len(text) < planjson.MAX_BYTES
    started = time.perf_counter()
    read = planjson.loads(text, complete=True)
    elapsed = time.perf_counter() - started
    assert len(read["objects"]) == 200_000
    assert elapsed < 15, elapsed  # about 3 s on an idle machine

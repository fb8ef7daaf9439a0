"""The records pickle lean (issue 29.3) and load back equal.

A real build pickles its environment; loading ``environment.pickle`` must give
records equal to those the build held, while the pickle holds no field names,
no default anchor and no response description that the body already holds.
"""

from __future__ import annotations

import json
import pickle
import shutil
import string
from pathlib import Path

from conftest import ROOTS
from docutils import nodes
from hypothesis import given, settings
from hypothesis import strategies as st

from sphinxcontrib_plan.domain import plan_domain
from sphinxcontrib_plan.model.records import ObjectRecord, ResponseData, default_anchor


def build(make_app, tmp_path: Path, root: str = "test-export-api"):
    srcdir = tmp_path / root
    shutil.copytree(ROOTS / root, srcdir)
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()
    return app


def test_records_load_back_equal_from_a_lean_pickle(make_app, tmp_path):
    app = build(make_app, tmp_path)
    held = plan_domain(app.env).data["objects"]
    records = [r for doc in held.values() for r in doc]
    assert {r.type for r in records} >= {"endpoint", "response", "risk", "phase", "plan"}
    with open(Path(app.doctreedir) / "environment.pickle", "rb") as stream:
        env = pickle.load(stream)
    assert env.domaindata["plan"]["objects"] == held
    blob = pickle.dumps(held, pickle.HIGHEST_PROTOCOL)
    for name in ("docname", "lineno", "anchor", "placeholders", "description"):
        assert name.encode() not in blob, name  # values in order, no field names
    for record in records:
        if record.anchor == f"{record.type}-{record.id}".lower():
            assert record.anchor.encode() not in blob, record.anchor  # made again on loading
    described = [
        r
        for r in records
        if isinstance(r.data, ResponseData) and r.data.description and r.data.description == r.body
    ]
    assert described
    for response in described:
        # the description is the body: pickled once
        assert blob.count(response.body.encode()) == sum(
            1 for r in records if response.body in (r.body, r.title)
        )


def test_an_edit_after_loading_gives_the_plan_json_of_a_fresh_build(make_app, tmp_path):
    app = build(make_app, tmp_path)
    source = Path(app.srcdir) / "risks.md"
    source.write_text(source.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    again = make_app("html", srcdir=Path(app.srcdir))  # loads the pickled environment
    again.build()
    incremental = (Path(again.outdir) / "plan.json").read_text(encoding="utf-8")
    fresh = build(make_app, tmp_path / "fresh")
    assert incremental == (Path(fresh.outdir) / "plan.json").read_text(encoding="utf-8")
    assert json.loads(incremental)["objects"]


def test_a_record_pickles_with_its_derived_values_restored():
    from sphinxcontrib_plan.model.records import EndpointData

    endpoint = ObjectRecord(
        "endpoint",
        "P-get-items-id",
        "GET /items/{id}",
        "P",
        "doc",
        3,
        "endpoint-p-get-items-id",
        {"summary": "Read"},
        data=EndpointData("GET", "/items/{id}", ("id",), description="Read one item."),
        body="Read one item.\n\n{}",
    )
    moved = ObjectRecord("risk", "R1", "Risk", "P", "doc", 9, "risk-r1-2", {}, body="Text", order=1)
    for record in (endpoint, moved):
        assert pickle.loads(pickle.dumps(record)) == record


@settings(max_examples=500, deadline=None)
@given(
    typ=st.sampled_from(["risk", "endpoint", "response", "plan", "x"]),
    oid=st.text(alphabet=string.ascii_letters + string.digits + "-_. ÄéØ–/\t", max_size=16),
)
def test_the_default_anchor_is_what_make_id_gives(typ, oid):
    """Its shortcut for plain ids (made on every loading of every record) gives
    what docutils gives."""
    assert default_anchor(typ, oid) == (nodes.make_id(f"{typ}-{oid}") or f"plan-{typ}")

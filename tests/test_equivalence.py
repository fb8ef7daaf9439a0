"""Serial, parallel and incremental builds of the same sources give the same collector
pages, the same plan.json and the same set of plan warnings.

One project (``test-equivalence``: two plans over six documents, the collectors on
their own page, references across documents) goes through a sequence of edits; after
each, an incremental build of the edited project is compared with clean serial and
``-j 2`` builds of a copy of the same sources.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from conftest import plan_warnings

from sphinxcontrib_plan.cli import main
from sphinxcontrib_plan.model.fingerprint import plan_fingerprint

if TYPE_CHECKING:
    from collections.abc import Callable

#: pages compared whole (collectors), and pages whose body is compared (references)
COLLECTOR_PAGES = ("registers",)
LINKING_PAGES = ("guide", "p1-api", "p2")


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def _cut(path: Path, start: str) -> str:
    """Remove the MyST object starting with *start* from *path*; return its text."""
    text = path.read_text(encoding="utf-8")
    begin = text.index(start)
    end = text.index("\n:::\n", begin) + len("\n:::\n")
    path.write_text(text[:begin] + text[end:], encoding="utf-8")
    return text[begin:end]


def change_field(src: Path) -> None:
    _replace(src / "p1-risks.md", ":id: R-2\n:impact: low", ":id: R-2\n:impact: high")


def delete_object(src: Path) -> None:
    _cut(src / "p1-risks.md", ":::{plan-risk} Chargeback storm")


def move_object(src: Path) -> None:
    block = _cut(src / "p1-risks.md", ":::{plan-phase} Integration")
    api = src / "p1-api.md"
    api.write_text(api.read_text(encoding="utf-8") + "\n" + block, encoding="utf-8")


def rename_referenced_id(src: Path) -> None:
    # guide.md and p1-api.md still name R-1: their references now dangle
    _replace(src / "p1-risks.md", ":id: R-1\n", ":id: R-1A\n")


def delete_document(src: Path) -> None:
    (src / "p2-more.rst").unlink()
    _replace(src / "index.md", "p2-more\n", "")


def edit_title_elsewhere(src: Path) -> None:
    # the link text of {plan:component} in the guide comes from this title
    _replace(src / "p2.rst", ".. plan-component:: Indexer", ".. plan-component:: Crawler")


def add_document_repeating_an_id(src: Path) -> None:
    (src / "p3.md").write_text(
        '---\nplan: "002"\n---\n# Late additions\n\n'
        ":::{plan-risk} Same id, other risk\n:id: R-2\n:impact: low\n:likelihood: low\n:::\n\n"
        ":::{plan-risk} Fresh risk\n:id: R-30\n:impact: medium\n:likelihood: low\n:::\n",
        encoding="utf-8",
    )
    _replace(src / "index.md", "registers\n", "p3\nregisters\n")


def add_endpoint_with_a_taken_signature(src: Path) -> None:
    # the guide's {plan:endpoint}`GET /api/v1/search` now names two endpoints: the
    # warning is found with the index, so builds that do not write the guide give it too
    api = src / "p1-api.md"
    api.write_text(
        api.read_text(encoding="utf-8")
        + "\n::::{plan-endpoint} GET /api/v1/search\n:id: P1-SEARCH\n"
        ":::{plan-response} 200 OK\n:::\n::::\n",
        encoding="utf-8",
    )


def approve_the_plan(src: Path) -> None:
    # what sphinx-plan approve records: the fingerprint of the plan's current content
    target = src.parent / "approve.json"
    assert main(["export", str(src), "--format", "json", "-o", str(target)]) == 0
    data = json.loads(target.read_text(encoding="utf-8"))
    target.unlink()
    fingerprint = plan_fingerprint("001", [*data["plans"], *data["objects"]])
    _replace(
        src / "p1-risks.md",
        ":name: Carol\n",
        f":name: Carol\n:date: 2023-12-20\n:fingerprint: {fingerprint}\n",
    )


def edit_makes_the_signoff_stale(src: Path) -> None:
    # another document of plan 001: the sign-off in p1-risks.md goes stale
    _replace(src / "p1-api.md", ":summary: Add a payment method", ":summary: Add a card")


def a_review_date_passes(src: Path) -> None:
    # no source changes: the build's date moves past R-2's review date (2024-02-01)
    os.environ["SOURCE_DATE_EPOCH"] = "1709251200"  # 2024-03-01


STEPS: list[tuple[str, Callable[[Path], None]]] = [
    ("change a field", change_field),
    ("approve the plan", approve_the_plan),
    ("an edit elsewhere makes the sign-off stale", edit_makes_the_signoff_stale),
    ("a review date passes", a_review_date_passes),
    ("delete an object", delete_object),
    ("move an object to another document", move_object),
    ("rename an id another page references", rename_referenced_id),
    ("change a title another page shows", edit_title_elsewhere),
    ("add a document repeating an id", add_document_repeating_an_id),
    ("add an endpoint with a signature another plan has", add_endpoint_with_a_taken_signature),
    ("delete a document", delete_document),
]


def _body(html: str) -> str:
    match = re.search(r'<div class="body" role="main">(.*?)<div class="sphinxsidebar"', html, re.S)
    return match.group(1) if match else html


def _known_changes(warning: str) -> str:
    """A ``plan.stale`` warning without the objects it names: by design, an incremental
    build names them from the approved version an earlier build of the same environment
    saw, where a clean build can only say that the content changed."""
    return re.sub(
        r"and the plan's (changed since: .*?|content changed since approval "
        r"\(now sha256:\w+\)); ",
        "and the plan's content changed; ",
        warning,
    )


def _outcome(
    app,
    src: Path,
    collector_pages: tuple[str, ...] = COLLECTOR_PAGES,
    linking_pages: tuple[str, ...] = LINKING_PAGES,
) -> dict[str, object]:
    """What must be equal: collector pages, linking page bodies, plan.json, plan warnings."""
    out = Path(app.outdir)
    # absolute paths are the only thing allowed to differ between the builds
    norm = lambda text: text.replace(str(src), "SRC").replace(str(app.outdir), "OUT")  # noqa: E731
    result: dict[str, object] = {
        "plan.json": (out / "plan.json").read_text(encoding="utf-8"),
        "warnings": sorted({_known_changes(norm(w)) for w in plan_warnings(app)}),
    }
    for page in collector_pages:
        result[page] = norm((out / f"{page}.html").read_text(encoding="utf-8"))
    for page in linking_pages:
        result[page] = norm(_body((out / f"{page}.html").read_text(encoding="utf-8")))
    return result


def _clean(
    make_app,
    src: Path,
    dest: Path,
    parallel: int,
    conf: dict | None = None,
    pages: tuple[tuple[str, ...], ...] = (),
) -> dict[str, object]:
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(src, dest / "src")
    app = make_app(
        "html",
        srcdir=dest / "src",
        builddir=dest / "out",
        parallel=parallel,
        confoverrides=conf or {},
    )
    app.build()
    return _outcome(app, dest / "src", *pages)


def _diff(name: str, expected: dict[str, object], got: dict[str, object]) -> list[str]:
    return [f"{name}: {key} differs" for key in expected if expected[key] != got[key]]


def test_builds_are_equivalent_after_every_edit(make_app, rootdir, tmp_path):
    src = tmp_path / "work" / "src"
    shutil.copytree(rootdir / "test-equivalence", src)
    out = tmp_path / "work" / "out"
    first = make_app("html", srcdir=src, builddir=out)
    first.build()
    baseline = _outcome(first, src)
    # the project has two problems: a misspelled option (found while reading p2.rst,
    # repeated by builds that do not read it again) and a pending sign-off
    warnings = baseline["warnings"]
    assert len(warnings) == 2, warnings  # type: ignore[arg-type]
    assert any("SRC/p2.rst:17:" in w and "'technolgy'" in w for w in warnings)  # type: ignore[union-attr]
    problems = _diff("initial -j 2", baseline, _clean(make_app, src, tmp_path / "j2", 2))

    for name, edit in STEPS:
        edit(src)
        incremental = make_app("html", srcdir=src, builddir=out)
        incremental.build()
        got = _outcome(incremental, src)
        serial = _clean(make_app, src, tmp_path / "clean", 1)
        problems += _diff(f"{name} (incremental)", serial, got)
        problems += _diff(f"{name} (-j 2)", serial, _clean(make_app, src, tmp_path / "j2", 2))
        if edit is edit_makes_the_signoff_stale:
            assert any("[plan.stale]" in w for w in got["warnings"]), got["warnings"]  # type: ignore[union-attr]
            assert 'plan-signoff-stale">Stale<' in got["registers"]  # type: ignore[operator]
        if edit is a_review_date_passes:
            assert any("[plan.overdue]" in w and "'R-2'" in w for w in got["warnings"])  # type: ignore[union-attr]
            assert 'plan-mark-overdue">Overdue<' in got["registers"]  # type: ignore[operator]
        if edit is add_endpoint_with_a_taken_signature:
            ambiguous = [w for w in got["warnings"] if "names several objects" in w]  # type: ignore[union-attr]
            # (MyST gives an inline role the line of its paragraph)
            assert len(ambiguous) == 1 and "SRC/guide.md:3:" in ambiguous[0], got["warnings"]
    assert problems == []


@pytest.mark.parametrize("name", [name for name, _ in STEPS])
def test_each_edit_is_visible(make_app, rootdir, tmp_path, name):
    """The edits really change what the compared pages and warnings show."""
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-equivalence", src)
    before = _clean(make_app, src, tmp_path / "before", 1)
    dict(STEPS)[name](src)
    after = _clean(make_app, src, tmp_path / "after", 1)
    assert before["plan.json"] != after["plan.json"]
    assert before["registers"] != after["registers"] or before["guide"] != after["guide"]


# -- a portfolio over two projects' plan.json (plan_external) --------------------------


def _edit_plan_json(path: Path, oid: str, change: Callable[[dict], None] | None) -> None:
    """Change (or, with ``None``, remove) the object *oid* of a plan.json."""
    data = json.loads(path.read_text(encoding="utf-8"))
    found = next(o for o in data["objects"] if o["id"] == oid)
    if change is None:
        data["objects"].remove(found)
    else:
        change(found)
    path.write_text(json.dumps(data), encoding="utf-8")


PORTFOLIO_STEPS: list[tuple[str, str, str, Callable[[dict], None] | None]] = [
    ("change an external field", "search", "RISK-9", lambda o: o["fields"].update(impact="high")),
    (
        "retitle an external object a page links to",
        "payments",
        "RISK-7",
        lambda o: o.update(title="Provider down"),
    ),
    ("remove an external object a page links to", "search", "RISK-7", None),
]


def test_portfolio_builds_are_equivalent_after_every_source_change(make_app, rootdir, tmp_path):
    sources = tmp_path / "external"
    sources.mkdir()
    for name in ("payments", "search"):
        app = make_app(
            "html", srcdir=rootdir / f"test-external-{name}", builddir=tmp_path / f"{name}-out"
        )
        app.build()
        shutil.copyfile(Path(app.outdir) / "plan.json", sources / f"{name}.json")
    conf = {
        "plan_external": {
            name: (sources / f"{name}.json").as_posix() for name in ("payments", "search")
        }
    }
    pages = (("registers", "local"), ("links",))
    src = tmp_path / "work" / "src"
    shutil.copytree(rootdir / "test-portfolio", src)
    out = tmp_path / "work" / "out"
    first = make_app("html", srcdir=src, builddir=out, confoverrides=conf)
    first.build()
    baseline = _outcome(first, src, *pages)
    assert baseline["warnings"] == []
    problems = _diff(
        "initial -j 2", baseline, _clean(make_app, src, tmp_path / "j2", 2, conf, pages)
    )
    for name, project, oid, change in PORTFOLIO_STEPS:
        _edit_plan_json(sources / f"{project}.json", oid, change)
        incremental = make_app("html", srcdir=src, builddir=out, confoverrides=conf)
        incremental.build()
        got = _outcome(incremental, src, *pages)
        serial = _clean(make_app, src, tmp_path / "clean", 1, conf, pages)
        problems += _diff(f"{name} (incremental)", serial, got)
        problems += _diff(
            f"{name} (-j 2)", serial, _clean(make_app, src, tmp_path / "j2", 2, conf, pages)
        )
        assert got != baseline, name  # the change shows
        baseline = got
    # the removed object's role now names nothing, in every kind of build
    assert [
        re.sub(r"\x1b\[[0-9;]*m", "", w.split("WARNING: ")[1]) for w in baseline["warnings"]
    ] == [  # type: ignore[union-attr]
        "{plan:risk} names 'search:RISK-7', but the external project search has no risk with "
        "that id; did you mean 'search:RISK-9'? [plan.ref]"
    ]
    assert problems == []

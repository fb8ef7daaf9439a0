"""A parallel build gives the same pages, plan.json and warnings as a serial one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import plan_warnings


def _project(root: Path, dest: Path) -> Path:
    shutil.copytree(root, dest)
    # enough documents that the parallel reader really splits them across workers
    for i in range(12):
        (dest / f"extra{i}.md").write_text(
            f'---\nplan: "001"\n---\n# Extra {i}\n\n'
            f":::{{plan-risk}} Extra risk {i}\n:impact: {['low', 'medium', 'high'][i % 3]}\n"
            f":likelihood: medium\n:owner: Team {i}\n:mitigation: Watch it\n:::\n\n"
            # the same id in two documents: the duplicate warning must not depend
            # on how documents were split across workers
            + (
                ":::{plan-risk} Twin\n:id: TWIN\n:impact: low\n:likelihood: low\n:::\n"
                if i in (3, 9)
                else ""
            ),
            encoding="utf-8",
        )
    toc = dest / "index.md"
    toc.write_text(
        toc.read_text().replace(
            "guide\n```", "guide\n" + "\n".join(f"extra{i}" for i in range(12)) + "\n```"
        ),
        encoding="utf-8",
    )
    return dest


@pytest.mark.parametrize("builder", ["html", "latex"])
def test_parallel_equals_serial(make_app, rootdir, tmp_path, builder):
    results = {}
    for jobs in (1, 2):
        src = _project(rootdir / "test-basic", tmp_path / f"src{jobs}")
        app = make_app(builder, srcdir=src, builddir=tmp_path / f"out{jobs}", parallel=jobs)
        app.build()
        out = Path(app.outdir)
        pages = {}
        if builder == "html":
            for name in ("registers", "guide", "index", "extra5"):
                pages[name] = (out / f"{name}.html").read_text(encoding="utf-8")
        else:
            pages["tex"] = next(out.glob("*.tex")).read_text(encoding="utf-8")
        warnings = {w.replace(str(src), "SRC") for w in plan_warnings(app)}
        results[jobs] = (pages, (out / "plan.json").read_bytes(), warnings)
    assert results[1][0] == results[2][0]
    assert results[1][1] == results[2][1]  # byte-identical plan.json
    assert results[1][2] == results[2][2]
    duplicate = [w for w in results[2][2] if "[plan.duplicate]" in w]
    assert len(duplicate) == 1 and "SRC/extra9.md:" in duplicate[0] and "extra3.md:" in duplicate[0]
    assert "Extra risk 11" in results[1][0]["registers" if builder == "html" else "tex"]


#: conf.py lines recording, in every process other than the main one, how many
#: objects the garbage collector holds frozen when a worker reads a document
#: (source-read) and writes a page (html-page-context)
_RECORDER = """
import gc as _gc, os as _os
_MAIN = _os.getpid()
def _note(phase):
    def handler(app, *args):
        if _os.getpid() != _MAIN:
            with open(_os.path.join(app.outdir, "..", f"worker-{phase}-{_os.getpid()}"), "w") as f:
                f.write(str(_gc.get_freeze_count()))
    return handler
def setup(app):
    app.connect("source-read", _note("read"))
    app.connect("html-page-context", _note("write"))
"""


def _workers(out: Path) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {"read": [], "write": []}
    for path in out.parent.glob("worker-*"):
        found[path.name.split("-")[1]].append(int(path.read_text()))
    return found


@pytest.mark.parametrize("freeze", [True, False])
def test_workers_freeze_what_they_inherit(make_app, rootdir, tmp_path, freeze):
    src = _project(rootdir / "test-basic", tmp_path / "src")
    with (src / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(_RECORDER)
    overrides = {} if freeze else {"plan_parallel_freeze": False}
    app = make_app(
        "html", srcdir=src, builddir=tmp_path / "out", parallel=2, confoverrides=overrides
    )
    app.build()
    # the project's one warning (the twin id), nothing about workers
    assert [w for w in plan_warnings(app) if "[plan.duplicate]" not in w] == []
    workers = _workers(Path(app.outdir))
    # Sphinx really forked readers and writers
    assert workers["read"] and workers["write"]
    for counts in workers.values():
        if freeze:
            # each worker froze the main process's objects: thousands of them
            assert all(count > 1000 for count in counts), counts
        else:
            assert counts == [0] * len(counts)
    # the main process is never frozen, and a later fork of it is not either
    import gc
    import os

    from sphinxcontrib_plan import workers

    assert gc.get_freeze_count() == 0 and id(app) not in workers._BUILDS
    pid = os.fork()
    if pid == 0:
        os._exit(0 if gc.get_freeze_count() == 0 else 1)
    assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0


def test_serial_build_freezes_nothing(make_app, rootdir, tmp_path):
    src = _project(rootdir / "test-basic", tmp_path / "src")
    app = make_app("html", srcdir=src, builddir=tmp_path / "out")
    app.build()
    import gc

    from sphinxcontrib_plan import workers

    assert gc.get_freeze_count() == 0 and id(app) not in workers._BUILDS

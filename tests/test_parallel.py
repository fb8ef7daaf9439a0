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
            f"---\nplan: \"001\"\n---\n# Extra {i}\n\n"
            f":::{{plan-risk}} Extra risk {i}\n:impact: {['low', 'medium', 'high'][i % 3]}\n"
            f":likelihood: medium\n:owner: Team {i}\n:mitigation: Watch it\n:::\n\n"
            # the same id in two documents: the duplicate warning must not depend
            # on how documents were split across workers
            + (":::{plan-risk} Twin\n:id: TWIN\n:impact: low\n:likelihood: low\n:::\n"
               if i in (3, 9) else ""),
            encoding="utf-8")
    toc = dest / "index.md"
    toc.write_text(toc.read_text().replace("guide\n```", "guide\n" + "\n".join(
        f"extra{i}" for i in range(12)) + "\n```"), encoding="utf-8")
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

"""``python -m bench --sheets``: time ``export --format xlsx`` and a 100-cell ``import``.

Writes one MyST project of D documents (one plan each) with K risks per plan
(default 250 × 20 = 5,000 risks), exports it as a workbook, edits N cells
(``owner``, spread over the rows), imports the workbook and checks that
exactly those N option lines changed. Prints the seconds of each step; each
includes its in-process build, which is most of it.
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

OUT = Path(__file__).parent / "out" / "sheets"
_LEVELS = ("low", "medium", "high")


def write_project(src: Path, docs: int, risks: int) -> None:
    """The generated project: ``index.md`` and *docs* plans of *risks* risks each.

    :param src: the source directory (replaced)
    :param docs: plans
    :param risks: risks per plan
    """
    shutil.rmtree(src, ignore_errors=True)
    (src / "plans").mkdir(parents=True)
    (src / "conf.py").write_text(
        'project = "bench"\nextensions = ["myst_parser", '
        '"sphinxcontrib_plan"]\nmyst_enable_extensions = '
        '["colon_fence"]\n',
        encoding="utf-8",
    )
    (src / "index.md").write_text(
        "# Bench\n\n```{toctree}\n:glob:\n\nplans/*\n```\n", encoding="utf-8"
    )
    for d in range(docs):
        out = [
            f"# Plan {d}",
            "",
            ":::{plan} Plan {d}".replace("{d}", str(d)),
            f":id: P{d:04d}",
            ":status: draft",
            ":::",
            "",
        ]
        for k in range(risks):
            out += [
                f":::{{plan-risk}} Risk {d}-{k}",
                f":id: R{d:04d}-{k:03d}",
                f":impact: {_LEVELS[k % 3]}",
                f":likelihood: {_LEVELS[(k + d) % 3]}",
                f":owner: Team {k % 7}",
                ":review: 2024-02-09",
                "",
                "Body text.",
                ":::",
                "",
            ]
        (src / "plans" / f"p{d:04d}.md").write_text("\n".join(out), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Run the measurement.

    :param argv: ``--docs D --objects K --cells N``
    :return: 0, or 1 when the import changed other lines than the edited ones
    """
    import openpyxl

    from sphinxcontrib_plan.cli import main as cli

    parser = argparse.ArgumentParser(prog="python -m bench --sheets")
    parser.add_argument("--docs", type=int, default=250)
    parser.add_argument("--objects", type=int, default=20)
    parser.add_argument("--cells", type=int, default=100)
    args = parser.parse_args(argv)
    src, book = OUT / "src", OUT / "plan.xlsx"
    write_project(src, args.docs, args.objects)
    before = {p: p.read_text(encoding="utf-8") for p in (src / "plans").iterdir()}
    started = time.perf_counter()
    assert cli(["export", str(src), "--format", "xlsx", "-o", str(book), "--type", "risk"]) == 0
    exported = time.perf_counter() - started
    workbook = openpyxl.load_workbook(book)
    sheet = workbook["risk"]
    column = [c.value for c in sheet[1]].index("owner") + 1
    step = max(1, (sheet.max_row - 1) // args.cells)
    rows = list(range(2, sheet.max_row + 1, step))[: args.cells]
    for row in rows:
        sheet.cell(row, column).value = "Edited owner"
    workbook.save(OUT / "edited.xlsx")
    started = time.perf_counter()
    status = cli(["import", str(OUT / "edited.xlsx")])
    imported = time.perf_counter() - started
    changed = sum(
        sum(
            a != b
            for a, b in zip(
                before[p].splitlines(), p.read_text(encoding="utf-8").splitlines(), strict=True
            )
        )
        for p in before
    )
    objects = args.docs * args.objects
    print(
        f"{objects} risks in {args.docs} documents: export {exported:.2f} s "
        f"({book.stat().st_size // 1024} KiB), import of {len(rows)} edited cells "
        f"{imported:.2f} s, {changed} lines changed"
    )
    return 0 if status == 0 and changed == len(rows) else 1

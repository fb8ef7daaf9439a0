"""``python -m bench --sheets``: time ``export --format xlsx`` and a 100-cell ``import``.

Writes one MyST project of D documents (one plan each) with K risks per plan
(default 250 × 20 = 5,000 risks), exports it as a workbook, edits N cells
(``owner``, spread over the rows), imports the workbook and checks that
exactly those N option lines changed. Prints the seconds of each step; each
includes its in-process build: cold (no kept build, as a project's first
export), warm (the build ``check`` and ``export`` keep, nothing changed) and
after the import (the edited documents read again). ``--overdue`` makes every
document give a warning, which a warm build writes again to repeat it.
"""

from __future__ import annotations

import argparse
import datetime
import shutil
import time
from pathlib import Path

OUT = Path(__file__).parent / "out" / "sheets"
_LEVELS = ("low", "medium", "high")


def write_project(src: Path, docs: int, risks: int, *, overdue: bool = False) -> None:
    """The generated project: ``index.md`` and *docs* plans of *risks* risks each.

    :param src: the source directory (replaced)
    :param docs: plans
    :param risks: risks per plan
    :param overdue: every risk's review date in the past (a ``plan.overdue``
        warning each, so every document is written again by a warm build);
        else a year from today, and every risk has a mitigation (no warning)
    """
    review = (
        "2024-02-09" if overdue else (datetime.date.today() + datetime.timedelta(365)).isoformat()
    )
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
                f":review: {review}",
                *(() if overdue else (":mitigation: Retry, then queue.",)),
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
    parser.add_argument(
        "--overdue",
        action="store_true",
        help="every risk overdue for review: every document warns and is written again",
    )
    args = parser.parse_args(argv)
    src, book, cache = OUT / "src", OUT / "plan.xlsx", OUT / "cache"
    write_project(src, args.docs, args.objects, overdue=args.overdue)
    shutil.rmtree(cache, ignore_errors=True)
    before = {p: p.read_text(encoding="utf-8") for p in (src / "plans").iterdir()}
    export = ["export", str(src), "--format", "xlsx", "-o", str(book), "--type", "risk"]

    def timed(command: list[str]) -> float:
        started = time.perf_counter()
        if cli(command) != 0:
            raise SystemExit(f"sphinx-plan {command[0]} failed")
        return time.perf_counter() - started

    # cold: no kept build (as the first export of a project); warm: the build
    # a check or an export kept, nothing changed since
    cold = timed([*export, "--cache-dir", str(cache)])
    warm = timed([*export, "--cache-dir", str(cache)])
    workbook = openpyxl.load_workbook(book)
    sheet = workbook["risk"]
    column = [c.value for c in sheet[1]].index("owner") + 1
    step = max(1, (sheet.max_row - 1) // args.cells)
    rows = list(range(2, sheet.max_row + 1, step))[: args.cells]
    for row in rows:
        sheet.cell(row, column).value = "Edited owner"
    workbook.save(OUT / "edited.xlsx")
    edited = str(OUT / "edited.xlsx")
    dry_cold = timed(["import", edited, "--dry-run", "--no-cache"])
    imported = timed(["import", edited, "--cache-dir", str(cache)])
    changed = sum(
        sum(
            a != b
            for a, b in zip(
                before[p].splitlines(), p.read_text(encoding="utf-8").splitlines(), strict=True
            )
        )
        for p in before
    )
    # the export after an import: the edited documents are read again
    after = timed([*export, "--cache-dir", str(cache)])
    objects = args.docs * args.objects
    print(
        f"{objects} risks in {args.docs} documents, workbook "
        f"{book.stat().st_size // 1024} KiB:\n"
        f"  export        cold {cold:6.2f} s   warm {warm:6.2f} s   "
        f"after the import {after:6.2f} s\n"
        f"  import of {len(rows)} edited cells   cold (--no-cache, --dry-run) "
        f"{dry_cold:6.2f} s   warm {imported:6.2f} s, {changed} lines changed"
    )
    return 0 if changed == len(rows) else 1

"""``python -m bench``: measure, print the table and the targets, exit 1 on a correctness failure."""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import time
from pathlib import Path

from bench import report
from bench.build import byte_compile, parse_size, run_meta
from bench.runner import SizeResult, measure

#: where corpora, builds and results go (gitignored)
OUT = Path(__file__).parent / "out"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Benchmark sphinxcontrib-plan against plain Sphinx."
    )
    parser.add_argument(
        "--sizes",
        type=lambda t: [parse_size(s) for s in t.split(",") if s],
        default=[(50, 20), (250, 20)],
        help="sizes DxK measured in every mode (default 50x20,250x20: 1,000 and 5,000 objects)",
    )
    parser.add_argument(
        "--full-sizes",
        type=lambda t: [parse_size(s) for s in t.split(",") if s],
        default=[(500, 20)],
        help="sizes measured with full builds only (default 500x20: 10,000 objects; '' for none)",
    )
    parser.add_argument(
        "--docs",
        type=int,
        default=None,
        help="measure D documents only (with --objects), instead of --sizes",
    )
    parser.add_argument(
        "--objects", type=int, default=20, help="objects per document K (default 20)"
    )
    parser.add_argument("--runs", type=int, default=3, help="runs of every measurement (default 3)")
    parser.add_argument(
        "--floor",
        choices=("plain", "fieldlist", "both"),
        default="both",
        help="what plan is compared with: plain (the mixed corpus written as headings, "
        "targets, field lists and {ref}s), fieldlist (the lean corpus of risks, endpoints "
        "and phases written as a heading, a field list and a bullet list each), or both "
        "(default)",
    )
    parser.add_argument(
        "--scale",
        type=int,
        default=1,
        help="with --docs: also measure D×SCALE documents, full builds only",
    )
    parser.add_argument(
        "--runs-large",
        type=int,
        default=None,
        help="runs at the full-build-only sizes (default: --runs)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="a small smoke run: 20×10 and 40×10, one run each"
    )
    parser.add_argument(
        "--report",
        action="store_true",
        help="print the report of the last measurement of these sizes again",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile one full plan build instead (see bench/profile.py)",
    )
    parser.add_argument(
        "--import",
        dest="importing",
        action="store_true",
        help="time 'sphinx-plan import' over generated Markdown plans instead "
        "(see bench/importing.py; --docs plans, --objects rows per table)",
    )
    parser.add_argument(
        "--check",
        dest="checking",
        action="store_true",
        help="time a cold and warm 'sphinx-plan check' against the no-change "
        "HTML rebuild instead (see bench/checking.py; default 250x20)",
    )
    parser.add_argument(
        "--diff",
        dest="diffing",
        action="store_true",
        help="time 'sphinx-plan diff' of two generated plan.json files instead "
        "(see bench/diff.py; 10,000 objects, --quick 1,000)",
    )
    parser.add_argument(
        "--coverage",
        action="store_true",
        help="time the coverage rules over a generated index of 10,000 "
        "objects instead (see bench/coverage.py; --quick 1,000)",
    )
    parser.add_argument(
        "--sheets",
        action="store_true",
        help="time 'export --format xlsx' and a 100-cell 'import' of the "
        "workbook instead (see bench/sheets.py; 250x20 = 5,000 risks)",
    )
    parser.add_argument(
        "--lsp",
        action="store_true",
        help="time 'sphinx-plan lsp' from an edit to its diagnostics instead "
        "(see bench/lsp.py; 1,000 and 10,000 objects, --quick 1,000 only)",
    )
    parser.add_argument(
        "--scale-run",
        metavar="DxK",
        default=None,
        help="one run of each measurement of issue 29's scale item on one lean corpus "
        "(2500x20: 50,000 objects) against 250x20 (see bench/scale.py; with --quick: 2x5 against 1x5)",
    )
    parser.add_argument(
        "--no-global-toc",
        action="store_true",
        help="with --scale-run: both flavours without the theme's global table of contents",
    )
    parser.add_argument(
        "--commands",
        action="store_true",
        help="the three command modes one after the other: --check, --import, "
        "--diff (each with its defaults, or --quick)",
    )
    return parser


def _sizes(args: argparse.Namespace) -> list[tuple[int, int, int, bool]]:
    """``(docs, objects, runs, full_only)`` of every size to measure."""
    if args.quick:
        return [(20, 10, 1, False), (40, 10, 1, False)]
    if args.docs is not None:
        sizes = [(args.docs, args.objects, args.runs, False)]
        if args.scale > 1:
            sizes.append((args.docs * args.scale, args.objects, args.runs_large or args.runs, True))
        return sizes
    return [(d, k, args.runs, False) for d, k in args.sizes] + [
        (d, k, args.runs_large or args.runs, True) for d, k in args.full_sizes
    ]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark.

    :param argv: arguments (default: the command line)
    :return: 0, or 1 when a correctness check failed
    """
    args = _parser().parse_args(argv)
    if args.profile:
        from bench.profile import main as profile_main

        return profile_main(["--docs", str(args.docs or 250), "--objects", str(args.objects)])
    if args.commands:
        statuses = []
        for mode in ("--check", "--import", "--diff"):
            print(f"\n== python -m bench {mode}{' --quick' * args.quick} ==", flush=True)
            statuses.append(main([mode, *(["--quick"] if args.quick else [])]))
        return max(statuses)
    if args.scale_run:
        from bench.scale import main as scale_main

        return scale_main(
            (["--quick"] if args.quick else ["--size", args.scale_run])
            + (["--no-global-toc"] if args.no_global_toc else [])
        )
    if args.coverage:
        from bench.coverage import main as coverage_main

        return coverage_main(
            [
                "--objects",
                "1000" if args.quick else "10000",
                "--runs",
                "1" if args.quick else str(args.runs),
            ]
        )
    if args.lsp:
        from bench.lsp import main as lsp_main

        return lsp_main(
            ["--sizes", "50x20", "--runs", "2"]
            if args.quick
            else [
                "--sizes",
                ",".join(f"{d}x{k}" for d, k in [*args.sizes[:1], *args.full_sizes]),
                "--runs",
                str(args.runs),
            ]
        )
    if args.sheets:
        from bench.sheets import main as sheets_main

        return sheets_main(
            ["--docs", str(20 if args.quick else args.docs or 250), "--objects", str(args.objects)]
        )
    if args.diffing:
        from bench.diff import main as diff_main

        return diff_main(
            [
                "--objects",
                "1000" if args.quick else "10000",
                "--runs",
                "1" if args.quick else str(args.runs),
            ]
        )
    if args.importing:
        from bench.importing import main as import_main

        quick = ["--plans", "20", "--rows", "12", "--runs", "1"] if args.quick else []
        return import_main(
            quick
            or [
                "--plans",
                str(args.docs or 250),
                "--rows",
                str(args.objects),
                "--runs",
                str(args.runs),
            ]
        )
    if args.checking:
        from bench.checking import main as check_main

        quick = ["--docs", "20", "--objects", "10", "--runs", "1"] if args.quick else []
        return check_main(
            quick
            or [
                "--docs",
                str(args.docs or 250),
                "--objects",
                str(args.objects),
                "--runs",
                str(args.runs),
            ]
        )
    sizes = _sizes(args)
    if args.report:
        results = [
            SizeResult.from_json(json.loads((_root(d, k, floor) / "results.json").read_text()))
            for floor in _floors(args)
            for d, k, _, _ in sizes
        ]
        return _print(results)
    results = []
    meta = run_meta()
    print(
        f"commit {meta['commit']}"
        + (" (sphinxcontrib_plan has uncommitted changes)" if meta["package_edited"] else "")
        + f", Sphinx {meta['sphinx']}, Python {meta['python']}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    print(
        f"byte-compiled the {byte_compile()} modules of sphinxcontrib_plan, as an install does",
        flush=True,
    )
    started = time.perf_counter()
    for floor in _floors(args):
        for docs, objects, runs, full_only in sizes:
            root = _root(docs, objects, floor)
            result = measure(
                docs,
                objects,
                runs,
                root,
                log=lambda s: print(s, flush=True),
                full_only=full_only,
                floor=floor,
            )
            results.append(result)
            (root / "results.json").write_text(
                json.dumps({"meta": meta, **result.to_json()}, indent=2) + "\n"
            )
    print(
        f"\nmeasured in {(time.perf_counter() - started) / 60:.1f} min, load average "
        f"{os.getloadavg()[0]:.1f} at the end\n"
    )
    return _print(results)


def _floors(args: argparse.Namespace) -> list[str]:
    return ["plain", "fieldlist"] if args.floor == "both" else [args.floor]


def _root(docs: int, objects: int, floor: str) -> Path:
    """Where one size against one floor is built (plain keeps its old place)."""
    return OUT / (f"{docs}x{objects}" + ("" if floor == "plain" else f"-{floor}"))


def _print(results: list[SizeResult]) -> int:
    """Print tables, verdicts and checks; 1 when a correctness check failed."""
    failed = False
    for result in results:
        print(report.table(result))
        print("targets:")
        print(report.verdicts(report.targets(result)))
        for flavour, pages in result.edit_pages.items():
            print(f"  one-object edit rewrote ({flavour}): {', '.join(pages)}")
        bad = [c for c in result.checks if not c.ok]
        print(f"correctness: {len(result.checks) - len(bad)}/{len(result.checks)} checks passed")
        for check in bad:
            print(f"  FAIL  {check.name}: {check.detail}")
        failed |= bool(bad)
        print()
    if len(results) > 1:
        print("scaling:")
        for small, large in itertools.pairwise(results):
            if small.floor == large.floor:
                print(report.verdicts(report.scaling(small, large)))
    if failed:
        print("\ncorrectness FAILED (timing targets never fail the run)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

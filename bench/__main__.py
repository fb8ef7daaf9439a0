"""``python -m bench``: measure, print the table and the targets, exit 1 on a correctness failure."""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

from bench import report
from bench.runner import SizeResult, measure

#: where corpora, builds and results go (gitignored)
OUT = Path(__file__).parent / "out"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Benchmark sphinxcontrib-plan against plain Sphinx.")
    parser.add_argument("--docs", type=int, default=250, help="documents D (default 250)")
    parser.add_argument("--objects", type=int, default=20, help="objects per document K (default 20)")
    parser.add_argument("--runs", type=int, default=3, help="runs of every measurement (default 3)")
    parser.add_argument("--scale", type=int, default=2,
                        help="also measure D×SCALE documents for the scaling target; 1 skips it "
                             "(default 2: 250×20 and 500×20)")
    parser.add_argument("--runs-large", type=int, default=None,
                        help="runs at the scaled size (default: --runs)")
    parser.add_argument("--quick", action="store_true",
                        help="a small smoke run: 20×10 and 40×10, one run each")
    parser.add_argument("--report", action="store_true",
                        help="print the report of the last measurement of these sizes again")
    parser.add_argument("--profile", action="store_true",
                        help="profile one full plan build instead (see bench/profile.py)")
    parser.add_argument("--import", dest="importing", action="store_true",
                        help="time 'sphinx-plan import' over generated Markdown plans instead "
                             "(see bench/importing.py; --docs plans, --objects rows per table)")
    return parser


def _meta() -> dict[str, str]:
    """What was measured: the commit (and whether the package was edited), versions."""
    import sphinx

    def git(*args: str) -> str:
        run = subprocess.run(["git", *args], capture_output=True, text=True, check=False,
                             cwd=Path(__file__).parent)
        return run.stdout.strip()

    return {"commit": git("rev-parse", "--short", "HEAD"),
            "package_edited": git("status", "--short", "sphinxcontrib_plan"),
            "sphinx": sphinx.__version__, "python": platform.python_version(),
            "date": time.strftime("%Y-%m-%d %H:%M:%S")}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark.

    :param argv: arguments (default: the command line)
    :return: 0, or 1 when a correctness check failed
    """
    args = _parser().parse_args(argv)
    if args.profile:
        from bench.profile import main as profile_main

        return profile_main(["--docs", str(args.docs), "--objects", str(args.objects)])
    if args.importing:
        from bench.importing import main as import_main

        quick = ["--plans", "20", "--rows", "12", "--runs", "1"] if args.quick else []
        return import_main(quick or ["--plans", str(args.docs), "--rows", str(args.objects),
                                     "--runs", str(args.runs)])
    if args.quick:
        args.docs, args.objects, args.runs = 20, 10, 1
    sizes = [(args.docs, args.objects, args.runs)]
    if args.scale > 1:
        sizes.append((args.docs * args.scale, args.objects, args.runs_large or args.runs))
    if args.report:
        results = [SizeResult.from_json(json.loads((OUT / f"{d}x{k}" / "results.json").read_text()))
                   for d, k, _ in sizes]
        return _print(results)
    results = []
    meta = _meta()
    print(f"commit {meta['commit']}" + (" (sphinxcontrib_plan has uncommitted changes)"
                                        if meta["package_edited"] else "")
          + f", Sphinx {meta['sphinx']}, Python {meta['python']}", flush=True)
    started = time.perf_counter()
    for docs, objects, runs in sizes:
        root = OUT / f"{docs}x{objects}"
        result = measure(docs, objects, runs, root, log=lambda s: print(s, flush=True))
        results.append(result)
        (root / "results.json").write_text(
            json.dumps({"meta": meta, **result.to_json()}, indent=2) + "\n")
    print(f"\nmeasured in {(time.perf_counter() - started) / 60:.1f} min\n")
    return _print(results)


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
        print(report.verdicts(report.scaling(results[0], results[-1])))
    if failed:
        print("\ncorrectness FAILED (timing targets never fail the run)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

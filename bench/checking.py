"""``python -m bench --check``: time a second ``sphinx-plan check`` on an unchanged tree.

Writes the plan flavour of the corpus (D documents × K objects), runs
``sphinx-plan check`` with a new cache directory (cold: it reads and resolves
everything) and then N times more (warm: the tree is unchanged), and, for
comparison, the no-change HTML rebuild of the same corpus (``sphinx-build -b
html -q`` twice, the second timed). Every check must report the corpus
warning-free, and the warm ones exactly what the cold one did.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.build import sphinx_build, subprocess_env
from bench.corpus import generate
from bench.flavours import sources, write

OUT = Path(__file__).parent / "out" / "check"


def _check(srcdir: Path, cache: Path) -> tuple[float, int, str]:
    """One ``sphinx-plan check`` in a subprocess: seconds, exit status, report."""
    env = subprocess_env()
    start = time.perf_counter()
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinxcontrib_plan",
            "check",
            str(srcdir),
            "--cache-dir",
            str(cache),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    return time.perf_counter() - start, run.returncode, run.stdout


def main(argv: list[str] | None = None) -> int:
    """Generate, check cold and warm, rebuild, print the figures.

    :param argv: ``--docs D --objects K --runs N``
    :return: 0, or 1 when a check is not clean or a warm report differs
    """
    parser = argparse.ArgumentParser(prog="python -m bench --check")
    parser.add_argument("--docs", type=int, default=250, help="documents D (default 250)")
    parser.add_argument("--objects", type=int, default=20, help="objects per document K (20)")
    parser.add_argument("--runs", type=int, default=3, help="warm checks and rebuilds (3)")
    args = parser.parse_args(argv)
    root = OUT / f"{args.docs}x{args.objects}"
    srcdir, cache, html = root / "src", root / "cache", root / "_build"
    corpus = generate(args.docs, args.objects)
    write(sources(corpus, "plan"), srcdir, clean=True)
    shutil.rmtree(cache, ignore_errors=True)
    print(
        f"corpus {args.docs}×{args.objects}: {len(corpus.all_objects())} objects, "
        f"load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    cold, status, report = _check(srcdir, cache)
    failed = status != 0 or not report.startswith("No plan problems")
    warm = []
    for _ in range(args.runs):
        seconds, status, again = _check(srcdir, cache)
        warm.append(seconds)
        failed |= status != 0 or again != report
    build = sphinx_build(srcdir, html, fresh=True)
    rebuilds = []
    for _ in range(args.runs):
        rebuild = sphinx_build(srcdir, html, fresh=False)
        failed |= rebuild.returncode != 0 or bool(rebuild.warnings)
        rebuilds.append(rebuild.seconds)
    failed |= build.returncode != 0
    ratio = statistics.median(warm) / statistics.median(rebuilds)
    print(f"  check, cold (new cache)     {cold:7.2f} s")
    print(
        f"  check, warm (median of {args.runs})   {statistics.median(warm):7.2f} s  "
        f"(runs: {', '.join(f'{s:.2f}' for s in warm)})"
    )
    print(
        f"  html no-change rebuild      {statistics.median(rebuilds):7.2f} s  "
        f"(runs: {', '.join(f'{s:.2f}' for s in rebuilds)})"
    )
    print(f"  warm check / no-change build: {ratio:.2f}")
    print(
        "PASS every check reports the corpus clean, the warm ones as the cold one"
        if not failed
        else f"FAIL a check or build was not clean; report:\n{report}"
    )
    return 1 if failed else 0

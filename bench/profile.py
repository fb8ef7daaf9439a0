"""Profile one full plan-flavour build under cProfile; show where the extension's time goes.

Run as ``python -m bench.profile`` (or ``python -m bench --profile``) from the
repository root: a script run as ``python bench/profile.py`` would shadow the
standard library's ``profile`` module that ``cProfile`` imports.
"""

from __future__ import annotations

import argparse
import pstats
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.corpus import generate
from bench.flavours import sources, write

OUT = Path(__file__).parent / "out"
PACKAGE = "sphinxcontrib_plan"


def profile_build(docs: int, objects: int, *, rebuild: bool = False) -> Path:
    """Write the plan corpus and build it once under ``python -m cProfile -o``.

    :param docs: documents D
    :param objects: objects per document K
    :param rebuild: profile a rebuild with no change instead (after an unprofiled
        full build)
    :return: the profile file
    """
    root = OUT / f"profile-{docs}x{objects}"
    src, out = root / "src", root / "_build"
    prof = root / ("rebuild.prof" if rebuild else "build.prof")
    write(sources(generate(docs, objects), "plan"), src, clean=True)
    if out.exists():
        shutil.rmtree(out)
    sphinx = ["-m", "sphinx", "-b", "html", "-q", str(src), str(out)]
    if rebuild:
        subprocess.run([sys.executable, *sphinx], check=True, cwd=root)
    cmd = [sys.executable, "-m", "cProfile", "-o", str(prof), *sphinx]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=root)
    print(
        f"profiled {'no-change rebuild' if rebuild else 'build'} of {docs}×{objects} took "
        f"{time.perf_counter() - start:.1f} s (profiling overhead included); profile: {prof}"
    )
    return prof


def report(prof: Path, top: int = 30) -> None:
    """Print the extension's entries: top cumulative, top own time, and its total.

    :param prof: a cProfile output file
    :param top: rows per list
    """
    stats = pstats.Stats(str(prof))
    raw = stats.stats  # type: ignore[attr-defined]
    total = stats.total_tt  # type: ignore[attr-defined]
    ours = {k: v for k, v in raw.items() if PACKAGE in k[0]}
    own = sum(v[2] for v in ours.values())
    calls = sum(v[1] for v in raw.values())
    print(
        f"total {total:.1f} s, {calls:,} function calls; own time (tottime) inside "
        f"{PACKAGE}: {own:.1f} s ({100 * own / total:.1f} %), "
        f"{sum(v[1] for v in ours.values()):,} calls"
    )
    nodes = sum(
        v[1] for k, v in raw.items() if k[0].endswith("docutils/nodes.py") and k[2] == "__init__"
    )
    print(
        f"docutils node __init__ calls: {nodes:,} (deterministic: compare these "
        "counts between two profiles; times include the garbage collector's pauses)"
    )

    def show(title: str, index: int, count: int) -> None:
        print(f"\n{title}")
        print(f"{'ncalls':>10} {'tottime':>9} {'cumtime':>9}  function")
        rows = sorted(ours.items(), key=lambda kv: kv[1][index], reverse=True)[:count]
        for (path, line, func), (_, ncalls, tt, ct, _) in rows:
            name = path[path.rfind(PACKAGE) :]
            print(f"{ncalls:>10} {tt:9.3f} {ct:9.3f}  {name}:{line}({func})")

    show(f"top {top} by cumulative time, filtered to {PACKAGE}", 3, top)
    show(f"top {top // 2} by own time, filtered to {PACKAGE}", 2, top // 2)


def main(argv: list[str] | None = None) -> int:
    """Profile and report.

    :param argv: arguments (default: the command line)
    :return: 0
    """
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("--docs", type=int, default=250)
    parser.add_argument("--objects", type=int, default=20)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="profile a rebuild with no change (after a full build)",
    )
    parser.add_argument(
        "--report-only",
        type=Path,
        metavar="PROF",
        help="only print the report of an existing profile file",
    )
    args = parser.parse_args(argv)
    from bench.build import byte_compile

    byte_compile()  # as installed: the profile must not show the package being compiled
    report(
        args.report_only or profile_build(args.docs, args.objects, rebuild=args.rebuild), args.top
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

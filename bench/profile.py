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


def profile_build(docs: int, objects: int) -> Path:
    """Write the plan corpus and build it once under ``python -m cProfile -o``.

    :param docs: documents D
    :param objects: objects per document K
    :return: the profile file
    """
    root = OUT / f"profile-{docs}x{objects}"
    src, out, prof = root / "src", root / "_build", root / "build.prof"
    write(sources(generate(docs, objects), "plan"), src, clean=True)
    if out.exists():
        shutil.rmtree(out)
    cmd = [sys.executable, "-m", "cProfile", "-o", str(prof),
           "-m", "sphinx", "-b", "html", "-E", "-q", str(src), str(out)]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=root)
    print(f"profiled build of {docs}×{objects} took {time.perf_counter() - start:.1f} s "
          f"(profiling overhead included); profile: {prof}")
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
    print(f"total {total:.1f} s; own time (tottime) inside {PACKAGE}: {own:.1f} s "
          f"({100 * own / total:.1f} %)")

    def show(title: str, index: int, count: int) -> None:
        print(f"\n{title}")
        print(f"{'ncalls':>10} {'tottime':>9} {'cumtime':>9}  function")
        rows = sorted(ours.items(), key=lambda kv: kv[1][index], reverse=True)[:count]
        for (path, line, func), (_, ncalls, tt, ct, _) in rows:
            name = path[path.rfind(PACKAGE):]
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
    parser.add_argument("--report-only", type=Path, metavar="PROF",
                        help="only print the report of an existing profile file")
    args = parser.parse_args(argv)
    report(args.report_only or profile_build(args.docs, args.objects), args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())

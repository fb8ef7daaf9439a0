"""``python -m bench --scale-run DxK``: one run of each measurement on one big lean corpus.

Issue 29, item 5: the lean corpus (``bench/corpus.py``, shape ``lean``) of
D documents × K objects (default 2,500 × 20: 50,000 objects), written in the
plan flavour and the field-list floor (``bench/fieldlist.py``), built once per
measurement — one run each at this size, a full build takes minutes:

- the full serial HTML build of both: time, time per object, peak memory,
  and the seconds of plan's export writer inside that build (making and
  writing ``plan.json``, timed by :mod:`bench.exporttime`);
- the one-object edit of ``bench/flavours.py`` rebuilt incrementally, as a
  fraction of the full build;
- ``sphinx-plan diff`` of the ``plan.json`` before and after the edit, and of
  the generated pair of :mod:`bench.diff` at the same object count;
- the full ``-j 2`` build of both;
- ``sphinx-plan check`` cold (new cache) and warm (:mod:`bench.checking`);
- before all of them, the full serial builds of a smaller size of the same
  corpus (``--compare``, default 250 × 20), for the time per object.

With ``--no-global-toc`` both flavours leave alabaster's global table of
contents out of the sidebar (:data:`bench.flavours.NO_GLOBAL_TOC`): it
resolves the whole toctree on every page, a cost that grows with the square
of the page count whatever the pages hold.

Every figure goes to ``bench/out/scale/<D>x<K>/results.json`` as soon as it
is measured, so an interrupted run keeps what it had.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.build import Build, byte_compile, parse_size, run_meta, sphinx_build
from bench.checking import _check
from bench.corpus import generate
from bench.diff import run_diff, write_pair
from bench.flavours import REGISTERS, edited_sources, sources, write

OUT = Path(__file__).parent / "out" / "scale"
FLAVOURS = ("plan", "fieldlist")

#: issue 29's targets at this size
PER_OBJECT = 1.10
EDIT = 0.10
CHECK_WARM = 5.0
EXPORT = 2.0
DIFF = 2.0


class Run:
    """The figures of one scale run, saved after each one is added."""

    def __init__(self, path: Path, meta: dict[str, Any]) -> None:
        self.path = path
        self.data: dict[str, Any] = {"meta": meta, "figures": {}, "failures": []}

    def add(self, name: str, **values: Any) -> None:
        """Record one measurement and print it."""
        self.data["figures"][name] = values
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.data, indent=2) + "\n", encoding="utf-8")
        shown = ", ".join(f"{k} {_fmt(v)}" for k, v in values.items())
        print(f"  {name:28} {shown}", flush=True)

    def fail(self, what: str) -> None:
        """Record a correctness failure (exit status 1)."""
        self.data["failures"].append(what)
        self.path.write_text(json.dumps(self.data, indent=2) + "\n", encoding="utf-8")
        print(f"  FAIL {what}", flush=True)

    def build(self, name: str, build: Build, count: int, **extra: Any) -> None:
        """Record one build; a build that failed or warned is a failure."""
        if build.returncode or build.warnings:
            self.fail(f"{name}: exit {build.returncode}, warnings {list(build.warnings[:3])}")
        self.add(
            name,
            seconds=build.seconds,
            cpu=build.cpu_seconds,
            ms_per_object=build.seconds / count * 1000,
            memory_mib=build.maxrss_kib / 1024,
            load=build.load,
            **extra,
        )

    def value(self, name: str, key: str) -> float:
        """A figure recorded before."""
        return float(self.data["figures"][name][key])


def _fmt(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def _root(docs: int, objects: int, global_toc: bool) -> Path:
    return OUT / f"{docs}x{objects}{'' if global_toc else '-no-global-toc'}"


def _full_builds(
    run: Run, docs: int, objects: int, label: str, *, export: bool, global_toc: bool
) -> Path:
    """Write both flavours of the lean corpus and build each once, serially."""
    corpus = generate(docs, objects, shape="lean")
    n = len(corpus.all_objects())
    root = _root(docs, objects, global_toc)
    print(f"lean corpus {docs}×{objects}: {n} objects, under {root}", flush=True)
    for f in FLAVOURS:
        write(sources(corpus, f, global_toc=global_toc), root / f / "src", clean=True)
    for f in FLAVOURS:
        times = root / f / "export-seconds.json"
        times.unlink(missing_ok=True)
        b = sphinx_build(
            root / f / "src",
            root / f / "_build",
            fresh=True,
            export_times=times if export and f == "plan" else None,
        )
        extra = {"objects": n}
        if times.exists():
            extra["export_s"] = json.loads(times.read_text())["seconds"]
            extra["plan_json_mib"] = (root / f / "_build" / "plan.json").stat().st_size / 2**20
        run.build(f"{label} {f} full", b, n, **extra)
    return root


def measure(
    run: Run,
    docs: int,
    objects: int,
    compare: tuple[int, int] | None,
    *,
    global_toc: bool = True,
) -> None:
    """Every measurement of the scale run, in the order of the module's docstring."""
    if compare:
        _full_builds(run, *compare, "small", export=False, global_toc=global_toc)
    root = _full_builds(run, docs, objects, "large", export=True, global_toc=global_toc)
    corpus = generate(docs, objects, shape="lean")
    n = len(corpus.all_objects())
    target = corpus.edit_target
    original = str(target.get("owner"))
    before = root / "plan-before-edit.json"
    shutil.copyfile(root / "plan" / "_build" / "plan.json", before)
    for f in FLAVOURS:
        value = f"{original} edited"
        write(edited_sources(corpus, f, target, value), root / f / "src")
        b = sphinx_build(root / f / "src", root / f / "_build", fresh=False)
        shown = value in (root / f / "_build" / f"{REGISTERS}.html").read_text(encoding="utf-8")
        if not shown:
            run.fail(f"{f}: the edited value is not in {REGISTERS}.html")
        full = run.value(f"large {f} full", "seconds")
        run.build(f"large {f} edit", b, n, of_full=b.seconds / full)
        write(edited_sources(corpus, f, target, original), root / f / "src")
    after = root / "plan" / "_build" / "plan.json"
    seconds, status, output = run_diff(before, after)
    summary = json.loads(output)["summary"] if status == 0 else output
    if status or summary.get("changed") != 1:
        run.fail(f"diff of the edit: exit {status}, {summary}")
    run.add("diff, built plan.json", seconds=seconds, summary=summary)
    with tempfile.TemporaryDirectory(prefix="bench-scale-diff-") as tmp:
        base, head, expected = write_pair(Path(tmp), max(n, 1000))
        seconds, status, output = run_diff(base, head)
        summary = json.loads(output)["summary"] if status == 0 else output
        if summary != expected:
            run.fail(f"diff of the generated pair: {summary}, expected {expected}")
        run.add("diff, generated pair", seconds=seconds, objects=max(n, 1000))
    for f in FLAVOURS:
        b = sphinx_build(root / f / "src", root / f / "_build_j2", fresh=True, jobs=2)
        run.build(f"large {f} -j 2", b, n)
    cache = root / "check-cache"
    shutil.rmtree(cache, ignore_errors=True)
    for what in ("cold", "warm"):
        load = os.getloadavg()[0]
        seconds, status, report = _check(root / "plan" / "src", cache)
        if status or not report.startswith("No plan problems"):
            run.fail(f"check {what}: exit {status}, {report[:200]}")
        run.add(f"check {what}", seconds=seconds, load=load)


def verdicts(run: Run) -> list[str]:
    """PASS/FAIL lines of issue 29's targets, for what was measured."""
    figures = run.data["figures"]
    lines = []

    def line(ok: bool, text: str) -> None:
        lines.append(f"{'PASS' if ok else 'FAIL'}  {text}")

    def get(name: str, key: str) -> float | None:
        return figures.get(name, {}).get(key)

    for f in FLAVOURS:
        small, large = (
            get(f"small {f} full", "ms_per_object"),
            get(f"large {f} full", "ms_per_object"),
        )
        if small and large:
            line(
                large <= small * PER_OBJECT,
                f"{f}: time per object {large:.2f} ms against "
                f"{small:.2f} ms at the smaller size ({large / small:.2f}, target ≤ {PER_OBJECT})",
            )
    for mode, key in (("full", "full"), ("-j 2", "-j 2")):
        plan, floor = (
            get(f"large plan {key}", "memory_mib"),
            get(f"large fieldlist {key}", "memory_mib"),
        )
        if plan and floor:
            line(
                plan <= floor,
                f"peak memory, {mode}: {plan:.0f} MiB against the floor's {floor:.0f}",
            )
    edit = get("large plan edit", "of_full")
    if edit is not None:
        line(edit < EDIT, f"one-object edit: {edit:.1%} of the full build (target < {EDIT:.0%})")
    export = get("large plan full", "export_s")
    if export is not None:
        line(export < EXPORT, f"plan.json written in {export:.2f} s (target < {EXPORT:g} s)")
    for name in ("diff, built plan.json", "diff, generated pair"):
        seconds = get(name, "seconds")
        if seconds is not None:
            line(seconds < DIFF, f"{name}: {seconds:.2f} s (target < {DIFF:g} s)")
    warm = get("check warm", "seconds")
    if warm is not None:
        line(
            warm < CHECK_WARM, f"sphinx-plan check, warm: {warm:.2f} s (target < {CHECK_WARM:g} s)"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    """Measure, print the targets.

    :param argv: ``--size DxK --compare DxK`` or ``--quick``
    :return: 0, or 1 when a build warned or failed, or a result was wrong
    """

    parser = argparse.ArgumentParser(prog="python -m bench --scale-run")
    parser.add_argument("--size", type=parse_size, default=(2500, 20), help="D×K (2500x20)")
    parser.add_argument(
        "--compare", default="250x20", help="the smaller size for time per object ('' for none)"
    )
    parser.add_argument("--quick", action="store_true", help="2×5 against 1×5: a smoke run")
    parser.add_argument(
        "--no-global-toc",
        action="store_true",
        help="leave the theme's global table of contents out of the sidebar (both flavours)",
    )
    args = parser.parse_args(argv)
    size = (2, 5) if args.quick else args.size
    compare = (1, 5) if args.quick else (parse_size(args.compare) if args.compare else None)
    global_toc = not args.no_global_toc
    run = Run(_root(*size, global_toc) / "results.json", {**run_meta(), "global_toc": global_toc})
    print(
        f"scale run {size[0]}×{size[1]}"
        f"{'' if global_toc else ', without the global table of contents'}"
        f", one run each at this size; commit "
        f"{run.data['meta']['commit']}, {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.1f}",
        flush=True,
    )
    byte_compile()
    started = time.perf_counter()
    measure(run, *size, compare, global_toc=global_toc)
    print(
        f"\nmeasured in {(time.perf_counter() - started) / 60:.1f} min, load average "
        f"{os.getloadavg()[0]:.1f} at the end; one run each at this size"
    )
    print("\n".join(verdicts(run)))
    return 1 if run.data["failures"] else 0

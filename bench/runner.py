"""Measure one corpus size: alternating plan and floor (plain or field-list) builds, with correctness checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bench.build import html_mtimes, output_mtimes, pickle_size, rewritten, sphinx_build
from bench.corpus import generate
from bench.flavours import FLOORS, REGISTERS, edited_sources, sources, write
from bench.weight import count_nodes, html_bytes

if TYPE_CHECKING:
    from pathlib import Path

    from bench.build import Build

#: pages Sphinx (9.x) writes at the end of every build, even one with nothing
#: to do: ``finish()`` always writes the general index and the search page
ALWAYS = {"genindex.html", "search.html"}
#: the root document: Sphinx rewrites the page holding a toctree whenever a page
#: the toctree lists is written (``env.files_to_rebuild``), in both flavours
ROOT = "index.html"
#: the other files Sphinx writes at the end of every build, in both flavours
#: (Sphinx 9 copies the theme's static files every time too)
SPHINX_FILES = {"searchindex.js", "objects.inv", ".buildinfo"}
#: the extension's static files
OWN_STATIC = {"_static/plan.css", "_static/plan-tables.js"}


def sphinx_own(path: str) -> bool:
    """Whether *path* is a file Sphinx itself writes in every build, even one with nothing to do."""
    return path in ALWAYS | SPHINX_FILES or (path.startswith("_static/") and path not in OWN_STATIC)


@dataclass
class Check:
    """One correctness check; a failure makes the runner exit non-zero."""

    #: what was checked
    name: str
    #: whether it held
    ok: bool
    #: what was seen
    detail: str = ""


@dataclass
class SizeResult:
    """Everything measured at one corpus size."""

    docs: int
    objects: int
    runs: int
    #: flavour -> metric -> one value per run
    samples: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    #: flavour -> pages the one-object edit rewrote (last run)
    edit_pages: dict[str, list[str]] = field(default_factory=dict)
    #: the pages the edit should rewrite, besides Sphinx's global pages
    edit_expected: list[str] = field(default_factory=list)
    #: only full serial builds were measured (the largest size)
    full_only: bool = False
    #: the flavour plan is compared with: ``plain`` (mixed corpus) or ``fieldlist`` (lean)
    floor: str = "plain"

    @property
    def flavours(self) -> tuple[str, str]:
        """The two flavours measured, plan first."""
        return ("plan", self.floor)

    def add(self, flavour: str, metric: str, value: float) -> None:
        """Record one sample."""
        self.samples.setdefault(flavour, {}).setdefault(metric, []).append(value)

    def add_build(self, flavour: str, metric: str, build: Build) -> None:
        """Record the wall time, CPU time and starting load of one build."""
        self.add(flavour, metric, build.seconds)
        self.add(flavour, f"{metric}_cpu", build.cpu_seconds)
        self.add(flavour, f"{metric}_load", build.load)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SizeResult:
        """Read back what :meth:`to_json` wrote."""
        return cls(
            data["docs"],
            data["objects"],
            data["runs"],
            data["samples"],
            [Check(**c) for c in data["checks"]],
            data["edit_pages"],
            data["edit_expected"],
            data.get("full_only", False),
            data.get("floor", "plain"),
        )

    def to_json(self) -> dict[str, Any]:
        """A JSON-able form."""
        return {
            "docs": self.docs,
            "objects": self.objects,
            "runs": self.runs,
            "samples": self.samples,
            "edit_pages": self.edit_pages,
            "edit_expected": self.edit_expected,
            "full_only": self.full_only,
            "floor": self.floor,
            "checks": [c.__dict__ for c in self.checks],
        }


def _check_build(result: SizeResult, what: str, flavour: str, build: Build) -> None:
    ok = build.returncode == 0 and not build.warnings
    detail = f"exit {build.returncode}, {len(build.warnings)} warning(s)"
    if build.warnings:
        detail += ": " + " | ".join(build.warnings[:3])
    elif build.returncode:
        detail += ": " + build.stderr.strip().splitlines()[-1:][0] if build.stderr.strip() else ""
    result.checks.append(Check(f"{flavour}: {what} builds with zero warnings", ok, detail))


def measure(
    docs: int,
    objects: int,
    runs: int,
    root: Path,
    log: Any = print,
    *,
    full_only: bool = False,
    floor: str = "plain",
) -> SizeResult:
    """Build both flavours *runs* times and check the incremental behaviour.

    Each measurement alternates the flavours (plan, floor, plan, floor...), so
    that drift in the machine's speed hits both alike.

    :param docs: documents D
    :param objects: objects per document K
    :param runs: repetitions of every measurement
    :param root: where corpora and outputs go
    :param log: progress printer
    :param full_only: measure the full serial build only (no rebuilds, no ``-j 2``)
    :param floor: ``plain`` (on the mixed corpus) or ``fieldlist`` (on the lean one)
    :return: the samples and checks
    """
    shape = next(s for s, f in FLOORS.items() if f == floor)
    corpus = generate(docs, objects, shape=shape)
    result = SizeResult(docs, objects, runs, full_only=full_only, floor=floor)
    flavours = result.flavours
    src = {f: root / f / "src" for f in flavours}
    out = {f: root / f / "_build" for f in flavours}
    for f in flavours:
        write(sources(corpus, f), src[f], clean=True)
    log(
        f"{shape} corpus {docs}×{objects}: {len(corpus.all_objects())} objects "
        f"(+{sum(len(o.responses) for o in corpus.of_type('endpoint'))} responses), "
        f"{len(corpus.plans)} plans, under {root}" + (" (full builds only)" if full_only else "")
    )
    n = len(corpus.all_objects())
    for run in range(1, runs + 1):
        for f in flavours:
            b = sphinx_build(src[f], out[f], fresh=True)
            _check_build(result, f"full build (run {run})", f, b)
            result.add_build(f, "full", b)
            result.add(f, "memory", b.maxrss_kib / 1024)
            result.add(f, "pickle", pickle_size(out[f]) / 2**20)
            result.add(f, "html_kib", html_bytes(out[f]) / n / 1024)
            log(
                f"  run {run} {f:5} full       {b.seconds:7.1f} s  cpu {b.cpu_seconds:6.1f} s  "
                f"{b.maxrss_kib / 1024:6.0f} MiB  load {b.load:.1f}"
            )
        if not full_only:
            _rebuilds(result, corpus, run, src, out, root, log)
    if not full_only:
        # page weight, counted in one untimed build of each flavour (bench/weight.py)
        for f in flavours:
            result.add(f, "nodes", count_nodes(src[f], root / f / "_build_nodes") / n)
        log(
            "  resolved docutils nodes per object: "
            + ", ".join(f"{f} {result.samples[f]['nodes'][0]:.1f}" for f in flavours)
        )
    return result


def _rebuild(
    result: SizeResult,
    what: str,
    metric: str,
    run: int,
    flavour: str,
    src: Path,
    out: Path,
    snapshot: Any,
) -> tuple[Build, list[str]]:
    """One incremental build: timed, checked for warnings, its peak memory and the
    files it wrote (by *snapshot*, before and after) recorded."""
    before = snapshot(out)
    b = sphinx_build(src, out, fresh=False)
    written = rewritten(before, snapshot(out))
    _check_build(result, f"{what} (run {run})", flavour, b)
    result.add_build(flavour, metric, b)
    result.add(flavour, f"memory_{metric}", b.maxrss_kib / 1024)
    return b, written


def _rebuilds(
    result: SizeResult,
    corpus: Any,
    run: int,
    src: dict[str, Path],
    out: dict[str, Path],
    root: Path,
    log: Any,
) -> None:
    """One run of the no-change rebuild, the one-object edit and the ``-j 2`` build."""
    flavours = result.flavours
    target = corpus.edit_target
    original = str(target.get("owner"))
    result.edit_expected = sorted({f"{target.doc}.html", f"{REGISTERS}.html"})
    for f in flavours:
        b, written = _rebuild(
            result, "no-change rebuild", "nochange", run, f, src[f], out[f], output_mtimes
        )
        result.checks.append(
            Check(
                f"{f}: no-change rebuild writes no page, no export and none of the extension's "
                f"static files, besides Sphinx's own (run {run})",
                all(sphinx_own(p) for p in written),
                ", ".join(written) or "none written",
            )
        )
        log(
            f"  run {run} {f:5} no change  {b.seconds:7.1f} s  cpu {b.cpu_seconds:6.1f} s  "
            f"{b.maxrss_kib / 1024:6.0f} MiB  {len(written)} file(s) written: {', '.join(written)}"
        )
    for f in flavours:
        value = f"{original} edited in run {run}"
        write(edited_sources(corpus, f, target, value), src[f])
        b, written = _rebuild(
            result, "one-object edit rebuild", "edit", run, f, src[f], out[f], html_mtimes
        )
        result.edit_pages[f] = written
        page = out[f] / f"{REGISTERS}.html"
        shown = page.exists() and value in page.read_text(encoding="utf-8")
        result.checks.append(
            Check(f"{f}: edited value shown in {REGISTERS}.html (run {run})", shown, repr(value))
        )
        if f == "plan":
            exported = (out[f] / "plan.json").read_text(encoding="utf-8")
            result.checks.append(
                Check(
                    f"plan: edited value in plan.json (run {run})", value in exported, repr(value)
                )
            )
        pages = sorted(set(written) - ALWAYS - {ROOT})
        result.checks.append(
            Check(
                f"{f}: edit rewrote the edited page and the register page, nothing else "
                f"besides Sphinx's own {sorted(ALWAYS | {ROOT})} (run {run})",
                pages == result.edit_expected,
                ", ".join(written),
            )
        )
        write(edited_sources(corpus, f, target, original), src[f])
        log(
            f"  run {run} {f:5} edit       {b.seconds:7.1f} s  cpu {b.cpu_seconds:6.1f} s  "
            f"{b.maxrss_kib / 1024:6.0f} MiB  {len(written)} page(s) written: {', '.join(written)}"
        )
    for f in flavours:
        b = sphinx_build(src[f], root / f / "_build_j2", fresh=True, jobs=2)
        _check_build(result, f"-j 2 full build (run {run})", f, b)
        result.add_build(f, "full_j2", b)
        result.add(f, "memory_j2", b.maxrss_kib / 1024)
        log(
            f"  run {run} {f:5} full -j 2  {b.seconds:7.1f} s  cpu {b.cpu_seconds:6.1f} s  "
            f"load {b.load:.1f}"
        )
    # the extension's own cost under -j 2: its workers as Sphinx starts them, not frozen
    # (sphinxcontrib_plan/workers.py), compared below with plain's -j 2 build
    b = sphinx_build(
        src["plan"],
        root / "plan" / "_build_j2_nofreeze",
        fresh=True,
        jobs=2,
        define={"plan_parallel_freeze": "0"},
    )
    _check_build(result, f"-j 2 full build, workers not frozen (run {run})", "plan", b)
    result.add_build("plan", "full_j2_nofreeze", b)
    result.add("plan", "memory_j2_nofreeze", b.maxrss_kib / 1024)
    log(
        f"  run {run} plan  -j 2, plan_parallel_freeze = False  {b.seconds:7.1f} s  "
        f"cpu {b.cpu_seconds:6.1f} s  {b.maxrss_kib / 1024:6.0f} MiB  load {b.load:.1f}"
    )

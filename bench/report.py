"""The table of medians and ratios, and the PASS/FAIL verdict of each target."""

from __future__ import annotations

from statistics import median
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from bench.runner import SizeResult

#: metric, label, unit
METRICS = (
    ("full", "full HTML build", "s"),
    ("full_j2", "full HTML build -j 2", "s"),
    ("nochange", "rebuild, no change", "s"),
    ("edit", "rebuild, one-object edit", "s"),
    ("full_cpu", "  CPU time of the full build", "s"),
    ("full_j2_cpu", "  CPU time of the -j 2 build", "s"),
    ("nochange_cpu", "  CPU time, no-change rebuild", "s"),
    ("edit_cpu", "  CPU time, one-object edit", "s"),
    ("memory", "peak memory, full build", "MiB"),
    ("memory_j2", "peak memory, -j 2 (largest process)", "MiB"),
    ("memory_nochange", "peak memory, no-change rebuild", "MiB"),
    ("memory_edit", "peak memory, one-object edit", "MiB"),
    ("pickle", "environment.pickle", "MiB"),
    ("html_kib", "HTML pages per object", "KiB"),
    ("nodes", "resolved nodes per object", "n"),
)
#: the metrics of a size measured with full builds only
FULL_ONLY = ("full", "full_cpu", "memory", "pickle", "html_kib")
#: the peak memory of every mode
MEMORY = ("memory", "memory_j2", "memory_nochange", "memory_edit")

#: slack allowed on the scaling target: two medians of noisy timings are never equal
SCALING_TOLERANCE = 0.02


def med(result: SizeResult, flavour: str, metric: str) -> float:
    """Median of one metric."""
    return median(result.samples[flavour][metric])


def ratio(result: SizeResult, metric: str, plain_metric: str | None = None) -> float:
    """plan / plain: the median of the ratios of each run's pair (the flavours
    alternate, so a pair was measured under the same load).

    :param result: the samples
    :param metric: the metric
    :param plain_metric: plain's metric to compare with, when it is not *metric*
    :return: the ratio
    """
    pairs = [
        p / q
        for p, q in zip(
            result.samples["plan"][metric],
            result.samples[result.floor][plain_metric or metric],
            strict=True,
        )
        if q
    ]
    return median(pairs) if pairs else float("inf")


def speedup(result: SizeResult, flavour: str, parallel: str = "full_j2") -> float:
    """Serial over ``-j 2`` wall time of one flavour, median of the runs."""
    return median(
        s / p
        for s, p in zip(
            result.samples[flavour]["full"], result.samples[flavour][parallel], strict=True
        )
        if p
    )


#: plan's -j 2 build with ``plan_parallel_freeze = False`` (its workers as Sphinx
#: starts them), against plain's -j 2 build: the extension's own cost in parallel
UNFROZEN = (
    ("full_j2_nofreeze", "full_j2", "-j 2, workers not frozen", "s"),
    ("memory_j2_nofreeze", "memory_j2", "  peak memory of it", "MiB"),
)


def unfrozen(result: SizeResult) -> bool:
    """Whether this size measured the -j 2 build with the workers not frozen."""
    return "full_j2_nofreeze" in result.samples.get("plan", {})


def metrics(result: SizeResult) -> list[tuple[str, str, str]]:
    """The metrics measured at this size."""
    return [
        m
        for m in METRICS
        if (not result.full_only or m[0] in FULL_ONLY) and m[0] in result.samples["plan"]
    ]


def table(result: SizeResult) -> str:
    """The table of medians and ratios of one size.

    :param result: the samples
    :return: printable text
    """
    n = result.docs * result.objects
    lines = [
        f"== {result.docs} documents × {result.objects} objects = {n:,} objects, "
        f"median of {result.runs} run(s) ==",
        f"{'measure':38} {'plan':>10} {result.floor:>10} {'plan/' + result.floor:>14}",
    ]
    for metric, label, unit in metrics(result):
        plan, plain = med(result, "plan", metric), med(result, result.floor, metric)
        lines.append(
            f"{label + ' (' + unit + ')':38} {plan:10.2f} {plain:10.2f} "
            f"{ratio(result, metric):14.3f}"
        )
    if not result.full_only:
        lines.append(
            f"{'-j 2 speed-up over serial (×)':38} {speedup(result, 'plan'):10.2f} "
            f"{speedup(result, result.floor):10.2f}"
        )
    if unfrozen(result):
        lines.append(
            f"plan with plan_parallel_freeze = False, against {result.floor}'s -j 2 build:"
        )
        for metric, theirs, label, unit in UNFROZEN:
            plan, plain = med(result, "plan", metric), med(result, result.floor, theirs)
            lines.append(
                f"{label + ' (' + unit + ')':38} {plan:10.2f} {plain:10.2f} "
                f"{ratio(result, metric, theirs):14.3f}"
            )
        lines.append(
            f"{'  -j 2 speed-up over serial (×)':38} "
            f"{speedup(result, 'plan', 'full_j2_nofreeze'):10.2f} "
            f"{speedup(result, result.floor):10.2f}"
        )
    loads = [
        v
        for f in ("plan", result.floor)
        for k, vs in result.samples[f].items()
        if k.endswith("_load")
        for v in vs
    ]
    if loads:
        lines.append(f"load average at the builds' start: {min(loads):.1f} to {max(loads):.1f}")
    return "\n".join(lines)


#: per floor, the limits of its targets (plan / floor): against plain the earlier
#: rounds' targets, against the field-list floor issue 29's (item 4)
LIMITS: dict[str, dict[str, float]] = {
    "plain": {"full": 1.00, "full_5000": 0.95, "nochange": 1.05, "edit": 1.10, "memory": 1.1},
    "fieldlist": {"full": 1.00, "full_5000": 1.00, "nochange": 1.00, "edit": 1.05, "memory": 1.05},
}


def full_limit(result: SizeResult) -> float:
    """The full build's target: against plain ≤ 1.00 at 1,000 objects and ≤ 0.95
    from 5,000 on; against the field-list floor ≤ 1.00 at every size."""
    big = result.docs * result.objects >= 5000
    return LIMITS[result.floor]["full_5000" if big else "full"]


def targets(result: SizeResult) -> list[tuple[str, bool, str]]:
    """The targets of the issue, each ``(name, passed, measured)``.

    :param result: the samples of one size
    :return: the verdicts
    """

    def under(metric: str, limit: float) -> tuple[bool, str]:
        r = ratio(result, metric)
        return r <= limit, f"ratio {r:.3f} (limit {limit})"

    lim = LIMITS[result.floor]
    nochange, edit, memory = lim["nochange"], lim["edit"], lim["memory"]
    limit = full_limit(result)
    rows: list[tuple[str, Callable[[], tuple[bool, str]]]] = [
        (f"full HTML build ≤ {limit:.2f} × {result.floor}", lambda: under("full", limit))
    ]
    if not result.full_only:
        quiet = [c for c in result.checks if "no-change rebuild writes" in c.name]
        # what the no-change rebuilds wrote, Sphinx's own files included
        seen = sorted({c.detail for c in quiet if c.name.startswith("plan")})
        rows += [
            (
                f"-j 2: plan's speed-up over serial ≥ {result.floor}'s",
                lambda: (
                    speedup(result, "plan") >= speedup(result, result.floor),
                    f"{speedup(result, 'plan'):.2f}× vs {speedup(result, result.floor):.2f}×",
                ),
            ),
            (
                f"no-change rebuild writes no page, no export, and ≤ {nochange:.2f} × {result.floor}",
                lambda: (
                    all(c.ok for c in quiet) and under("nochange", nochange)[0],
                    (
                        "nothing of ours written (Sphinx wrote: "
                        if all(c.ok for c in quiet)
                        else "PAGES OR EXPORTS WRITTEN: "
                    )
                    + "; ".join(seen)
                    + "), "
                    + under("nochange", nochange)[1],
                ),
            ),
            (
                f"one-object edit ≤ {edit:.2f} × {result.floor}'s incremental",
                lambda: under("edit", edit),
            ),
        ]
    rows += [
        (
            f"peak memory ({m.removeprefix('memory').strip('_') or 'full'}) "
            f"≤ {memory} × {result.floor}",
            lambda m=m: under(m, memory),
        )
        for m in MEMORY
        if m in result.samples.get("plan", {})
    ]
    rows.append((f"environment.pickle ≤ 1.3 × {result.floor}", lambda: under("pickle", 1.3)))
    if unfrozen(result):
        # the same two targets without the worker freeze, which speeds up a project
        # without plan content as much: what the extension's own work costs
        rows += [
            (
                f"-j 2, workers not frozen: plan's speed-up over serial ≥ {result.floor}'s",
                lambda: (
                    speedup(result, "plan", "full_j2_nofreeze") >= speedup(result, result.floor),
                    f"{speedup(result, 'plan', 'full_j2_nofreeze'):.2f}× vs "
                    f"{speedup(result, result.floor):.2f}×",
                ),
            ),
            (
                f"-j 2, workers not frozen: peak memory ≤ {memory} × {result.floor}'s -j 2",
                lambda: (
                    ratio(result, "memory_j2_nofreeze", "memory_j2") <= memory,
                    f"ratio {ratio(result, 'memory_j2_nofreeze', 'memory_j2'):.3f} "
                    f"(limit {memory})",
                ),
            ),
        ]
    return [(name, *fn()) for name, fn in rows]


def scaling(small: SizeResult, large: SizeResult) -> list[tuple[str, bool, str]]:
    """The ratio at the larger size must be no higher than at the smaller.

    :param small: the smaller corpus
    :param large: the larger corpus
    :return: one verdict per metric both measured (the wall time of the full build
        is the issue's target; CPU times are steadier on a shared machine)
    """
    out = []
    for metric in (
        "full",
        "full_cpu",
        "full_j2",
        "full_j2_cpu",
        "edit",
        "edit_cpu",
        "memory",
        "pickle",
    ):
        if metric not in large.samples["plan"] or metric not in small.samples["plan"]:
            continue
        a, b = ratio(small, metric), ratio(large, metric)
        out.append(
            (
                f"{metric} ratio at {large.docs * large.objects:,} objects ≤ at "
                f"{small.docs * small.objects:,} (+{SCALING_TOLERANCE})",
                b <= a + SCALING_TOLERANCE,
                f"{b:.3f} vs {a:.3f}",
            )
        )
    return out


def verdicts(rows: list[tuple[str, bool, str]]) -> str:
    """PASS/FAIL lines.

    :param rows: ``(name, passed, measured)``
    :return: printable text
    """
    return "\n".join(f"  {'PASS' if ok else 'FAIL'}  {name}: {text}" for name, ok, text in rows)

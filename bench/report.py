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
    ("memory", "peak memory (full build)", "MiB"),
    ("memory_j2", "peak memory (-j 2, largest process)", "MiB"),
    ("pickle", "environment.pickle", "MiB"),
)

#: slack allowed on the scaling target: two medians of noisy timings are never equal
SCALING_TOLERANCE = 0.02


def med(result: SizeResult, flavour: str, metric: str) -> float:
    """Median of one metric."""
    return median(result.samples[flavour][metric])


def ratio(result: SizeResult, metric: str) -> float:
    """plan / plain of the medians of one metric."""
    plain = med(result, "plain", metric)
    return med(result, "plan", metric) / plain if plain else float("inf")


def table(result: SizeResult) -> str:
    """The table of medians and ratios of one size.

    :param result: the samples
    :return: printable text
    """
    n = result.docs * result.objects
    lines = [f"== {result.docs} documents × {result.objects} objects = {n} objects, "
             f"median of {result.runs} run(s) ==",
             f"{'measure':38} {'plan':>10} {'plain':>10} {'plan/plain':>11}"]
    for metric, label, unit in METRICS:
        plan, plain = med(result, "plan", metric), med(result, "plain", metric)
        lines.append(f"{label + ' (' + unit + ')':38} {plan:10.2f} {plain:10.2f} "
                     f"{ratio(result, metric):11.3f}")
    return "\n".join(lines)


def targets(result: SizeResult) -> list[tuple[str, bool, str]]:
    """The targets of the issue, each ``(name, passed, measured)``.

    :param result: the samples of one size
    :return: the verdicts
    """
    def under(metric: str, limit: float) -> tuple[bool, str]:
        r = ratio(result, metric)
        return r <= limit, f"ratio {r:.3f} (limit {limit})"

    serial, j2 = med(result, "plan", "full"), med(result, "plan", "full_j2")
    nochange_quiet = all(c.ok for c in result.checks if "no-change rebuild writes" in c.name)
    # what the no-change rebuilds wrote, Sphinx's own pages included
    seen = sorted({c.detail for c in result.checks if "no-change rebuild writes" in c.name})
    nochange_ok, nochange_text = under("nochange", 1.1)
    rows: list[tuple[str, Callable[[], tuple[bool, str]]]] = [
        ("full HTML build ≤ 1.10 × plain", lambda: under("full", 1.10)),
        ("-j 2 full build faster than serial (plan)",
         lambda: (j2 < serial, f"{j2:.1f} s vs {serial:.1f} s "
                  f"(plain: {med(result, 'plain', 'full_j2'):.1f} s vs "
                  f"{med(result, 'plain', 'full'):.1f} s)")),
        ("no-change rebuild writes no page and ≤ 1.1 × plain",
         lambda: (nochange_quiet and nochange_ok,
                  ("no document page written (Sphinx wrote: " + "; ".join(seen) + "), "
                   if nochange_quiet else "DOCUMENT PAGES WRITTEN: " + "; ".join(seen) + ", ")
                  + nochange_text)),
        ("one-object edit ≤ 1.5 × plain's incremental", lambda: under("edit", 1.5)),
        ("peak memory ≤ 1.2 × plain", lambda: under("memory", 1.2)),
        ("environment.pickle ≤ 2 × plain", lambda: under("pickle", 2.0)),
    ]
    return [(name, *fn()) for name, fn in rows]


def scaling(small: SizeResult, large: SizeResult) -> list[tuple[str, bool, str]]:
    """The ratio at the larger size must be no higher than at the smaller.

    :param small: the smaller corpus
    :param large: the larger corpus
    :return: one verdict per metric (the wall time of the full build is the issue's
        target; CPU times are steadier on a shared machine)
    """
    out = []
    for metric in ("full", "full_cpu", "full_j2", "full_j2_cpu", "edit", "edit_cpu",
                   "memory", "pickle"):
        a, b = ratio(small, metric), ratio(large, metric)
        out.append((f"{metric} ratio at {large.docs * large.objects} objects ≤ at "
                    f"{small.docs * small.objects} (+{SCALING_TOLERANCE})",
                    b <= a + SCALING_TOLERANCE, f"{b:.3f} vs {a:.3f}"))
    return out


def verdicts(rows: list[tuple[str, bool, str]]) -> str:
    """PASS/FAIL lines.

    :param rows: ``(name, passed, measured)``
    :return: printable text
    """
    return "\n".join(f"  {'PASS' if ok else 'FAIL'}  {name}: {text}" for name, ok, text in rows)

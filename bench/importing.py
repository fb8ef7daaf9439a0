"""``python -m bench --import``: time ``sphinx-plan import`` over generated Markdown plans.

Writes P plain-Markdown plans in the template's shape (seeded: the same
arguments give the same files), each with R rows in every register table, R/4
phases, endpoints and checklists, then imports each one in-process through
``sphinx-plan import`` (MyST and reST) and checks that the report counts
exactly the objects generated. Prints plans/s, objects/s and MB/s.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import shutil
import statistics
import time
from pathlib import Path

OUT = Path(__file__).parent / "out" / "import"
_IMPACT = ("High", "Medium", "Low")


def plan_markdown(n: int, rows: int, rng: random.Random) -> tuple[str, int]:
    """One generated plan and the number of objects it should give.

    :param n: the plan's number
    :param rows: rows per register table
    :param rng: the seeded random source
    :return: the Markdown and its object count
    """
    out = [
        f"# Technical Implementation Plan: Feature {n}",
        "",
        f"**Feature ID**: F{n:04d}",
        "**Status**: Draft",
        "**Created**: 2024-01-10",
        "**Owner**: Team Zürich",
        "",
        "A generated plan, with non-ASCII text: naïve café, 数据.",
        "",
        "## Technology Choices",
        "",
        "| Layer | Technology | Version | Rationale | Alternatives Considered |",
        "|---|---|---|---|---|",
    ]
    count = 1
    for layer in ("Frontend", "Backend", "Data"):
        out.append(f"| **{layer}** | | | | |")
        for k in range(rows // 3):
            out.append(
                f"| Part {k} | Tool {n}-{layer}-{k} | {k}.{rng.randint(0, 9)} | "
                f"Fits > {rng.randint(50, 99)}% of cases | Other {k} |"
            )
            count += 1
    out += [
        "",
        "## Risks & Mitigation",
        "",
        "| Risk | Impact | Likelihood | Mitigation | Owner |",
        "|---|---|---|---|---|",
    ]
    for k in range(rows):
        out.append(
            f"| **Risk {k} of plan {n}** | {rng.choice(_IMPACT)} | {rng.choice(_IMPACT)} | "
            f"Retry with backoff #{k} | Lead {k % 5} |"
        )
        count += 1
    out += [
        "",
        "## Monitoring",
        "",
        "### Alerts",
        "",
        "| Alert | Condition | Severity | Notification | Action |",
        "|---|---|---|---|---|",
    ]
    for k in range(rows):
        out.append(f"| Alert {k} | p95 > {k}00ms | Warning | Slack #team-{k} | Investigate |")
        count += 1
    out += ["", "## API Contracts", ""]
    for k in range(max(1, rows // 4)):
        out += [
            f"#### Endpoint: Operation {k}",
            "",
            "```",
            f"POST /api/v1/f{n}/items{k}",
            "```",
            "",
            "**Authentication**: bearer",
            "",
            "**Response (201 Created)**:",
            "```json",
            '{"id": "x"}',
            "```",
            "",
            "**Error Responses**:",
            "- `400 Bad Request`: Invalid input",
            "",
            "---",
            "",
        ]
        count += 3
    out += ["## Implementation Phases", ""]
    for k in range(1, max(2, rows // 4) + 1):
        out += [
            f"### Phase {k}: Step {k} (Week {k})",
            "",
            "**Deliverables**:",
            "- [x] Done thing",
            "- [ ] Open thing",
            "",
            f"**Dependencies**: {'None' if k == 1 else f'Phase {k - 1} complete'}",
            "",
        ]
        count += 1
    out += [
        "## Documentation",
        "",
        "- [ ] API reference",
        "- [x] Runbook",
        "",
        "## Sign-off",
        "",
        "- [x] Tech Lead: Ana Lima - 2024-01-12",
        "- [ ] Security: Jörg Müller",
        "",
    ]
    return "\n".join(out), count + 3


def main(argv: list[str] | None = None) -> int:
    """Generate, import, check and print the figures.

    :param argv: ``--plans P --rows R --runs N``
    :return: 0, or 1 when an import's report does not count what was generated
    """
    from sphinxcontrib_plan.cli import main as cli

    parser = argparse.ArgumentParser(prog="python -m bench --import")
    parser.add_argument("--plans", type=int, default=200, help="plans P (default 200)")
    parser.add_argument("--rows", type=int, default=24, help="rows per table R (default 24)")
    parser.add_argument("--runs", type=int, default=3, help="runs (default 3)")
    args = parser.parse_args(argv)
    shutil.rmtree(OUT, ignore_errors=True)
    (OUT / "src").mkdir(parents=True)
    rng = random.Random(20240115)
    expected, size = {}, 0
    for n in range(args.plans):
        text, count = plan_markdown(n, args.rows, rng)
        path = OUT / "src" / f"plan{n:04d}.md"
        path.write_text(text, encoding="utf-8")
        expected[path], size = count, size + len(text.encode())
    failed, samples = 0, []
    for run in range(args.runs):
        for fmt in ("myst", "rst"):
            dest = OUT / f"{fmt}-{run}"
            shutil.rmtree(dest, ignore_errors=True)
            started = time.perf_counter()
            for path, count in expected.items():
                report = io.StringIO()
                with contextlib.redirect_stdout(report):
                    status = cli(["import", str(path), "-o", f"{dest}/", "--format", fmt])
                if status != 0 or f", {count} objects" not in report.getvalue().split("\n", 1)[0]:
                    failed += 1
                    print(f"FAIL {path.name} ({fmt}): {report.getvalue().splitlines()[:1]}")
            samples.append((fmt, time.perf_counter() - started))
    objects = sum(expected.values())
    print(
        f"{args.plans} plans, {objects} objects, {size / 1e6:.1f} MB of Markdown, {args.runs} runs"
    )
    for fmt in ("myst", "rst"):
        median = statistics.median(s for f, s in samples if f == fmt)
        print(
            f"  {fmt:<5} median {median:6.2f} s  {args.plans / median:7.1f} plans/s  "
            f"{objects / median:8.0f} objects/s  {size / 1e6 / median:5.2f} MB/s"
        )
    print(
        "PASS every report counts the objects generated" if not failed else f"FAIL {failed} imports"
    )
    return 1 if failed else 0

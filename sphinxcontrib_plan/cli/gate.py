"""``sphinx-plan gate``: what a plan lacks to stand at its stage, or to move to another."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinxcontrib_plan.domain import PlanDomain

HELP = "explain what a plan lacks for its stage (plan_stages), or for a move to another"
DESCRIPTION = """\
Build the project (as 'check' does, nothing is written to it) and list the
criteria of plan_stages that PLAN does not meet: for the stage its status
is, or with --to for STAGE, whether the move from its status is allowed and
what STAGE asks. A stage's criteria include those of the stages before it.
Without plan_stages in conf.py, the default stages (plan_stages = True) are
used.

exit status: 0 the plan meets the gate (and the move is allowed), 1 it does
not, 2 usage error, no such plan or stage, or a failed build."""
EPILOG = """\
examples:
  sphinx-plan gate 001
  sphinx-plan gate 001 --to approved
  sphinx-plan gate 002 --to completed --source docs"""


class GateError(Exception):
    """The gate cannot be checked; the message is one line."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``gate``.

    :param parser: the subcommand's parser
    """
    parser.add_argument("plan", metavar="PLAN", help="the plan's id")
    parser.add_argument(
        "--to",
        metavar="STAGE",
        help="the stage to move to (default: the stage the plan's status is)",
    )
    parser.add_argument(
        "--source",
        metavar="DIR",
        type=Path,
        help="the Sphinx source directory (default: ., docs, doc or source, "
        "whichever holds conf.py)",
    )


def explain(domain: PlanDomain, plan_id: str, to: str | None) -> tuple[list[str], bool]:
    """The report of one plan's gate.

    :param domain: the plan domain of a finished build
    :param plan_id: the plan
    :param to: the stage to move to, or ``None`` for the plan's own
    :return: the lines to print, and whether the plan meets the gate
    :raise GateError: on an unknown plan or stage
    """
    from sphinxcontrib_plan.model.names import did_you_mean
    from sphinxcontrib_plan.model.stages import DEFAULT_STAGES, move_problem, parse_stages, unmet

    index, registry = domain.index, domain.registry
    plans = [p.id for p in index.of_type("plan")]
    plan = index.by_id.get(plan_id)
    if plan is None or plan.type != "plan":
        raise GateError(
            f"no plan {plan_id!r}; plans: {', '.join(plans) or 'none'}"
            + did_you_mean(plan_id, plans)
        )
    stages = domain.config.gates(registry)
    lines = []
    if not stages:
        status = registry["plan"].field("status")
        statuses = status.choices if status is not None else ()
        stages = parse_stages(list(DEFAULT_STAGES), statuses)[0]
        lines.append("note: conf.py sets no plan_stages; the default stages are used")
    names = [s.name for s in stages]
    status = plan.fields.get("status")
    target = to or status
    if target not in names:
        raise GateError(
            f"{target!r} is not a stage; stages: {', '.join(names)}"
            + did_you_mean(str(target), names)
        )
    missing = unmet(index, registry, plan, stages, str(target))
    move = move_problem(stages, status, str(target)) if to else None
    title = f"plan {plan.id} ({plan.title}) is {status}"
    if move:
        missing.insert(0, f"the move is not allowed: {move}")
    if not missing:
        lines.append(
            f"{title}: it meets the gate of {target}"
            if not to or to == status
            else f"{title}: it may move to {target}, which it meets"
        )
        return lines, True
    what = f"the gate of {target}" if not to or to == status else f"a move to {target}"
    lines.append(f"{title}; {what} lacks {len(missing)}:")
    lines += [f"  - {text}" for text in missing]
    return lines, False


def run(args: argparse.Namespace) -> int:
    """Run ``gate``.

    :param args: parsed arguments
    :return: the exit status
    """
    from sphinxcontrib_plan.cli.build import BuildError, dummy_build
    from sphinxcontrib_plan.cli.sources import find_source
    from sphinxcontrib_plan.diff import DiffError
    from sphinxcontrib_plan.domain import plan_domain  # the domain loads Sphinx: not for -h

    try:
        source = find_source(args.source)
        build = argparse.Namespace(sourcedir=source, confdir=None, define=[], jobs=1, verbose=0)
        failure: GateError | None = None
        with dummy_build(build) as result:
            domain = plan_domain(result.app.env)
            try:
                lines, met = explain(domain, args.plan, args.to)
            except GateError as err:
                # raised after the build's context closes, which reports its own errors
                failure = err
        if failure is not None:
            raise failure
    except (GateError, BuildError, DiffError) as err:
        print(f"sphinx-plan gate: error: {err}", file=sys.stderr)
        return 2
    print("\n".join(lines))
    return 0 if met else 1

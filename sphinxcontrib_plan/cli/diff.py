"""``sphinx-plan diff``: plan changes between two versions, or drift against an OpenAPI document."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import argparse

HELP = "changes of the plans between two versions, or drift against the service's OpenAPI"
DESCRIPTION = """\
Compare the plans of two versions of the project. BASE and HEAD are each a
git revision of the project (a branch, tag or commit) or a plan.json file;
without HEAD the working tree is compared. A revision is exported to a
temporary directory and built there with this installed extension: the
working tree and the repository are only read. Run it in the project like
git, or give the Sphinx source directory with --source.

Objects are matched by id. The report lists added, removed and changed
objects with each changed value (before → after) and a short diff of changed
bodies (a reflowed paragraph is no change), grouped by plan and type, and
names breaking API changes, slipped phases, risks whose severity rose and
status transitions.

With --openapi FILE the planned endpoints (of the working tree, or of BASE)
are compared with an OpenAPI 3.0/3.1 document of the service as built
(JSON or YAML): endpoints planned but not implemented, implemented but not
planned, responses, parameters and authentication that differ.

The report also lists the sign-offs the change makes stale: approved, with
a fingerprint that matched their plan in BASE and no longer does in HEAD.
With --plan ID (repeatable) only those plans and their objects are compared,
in both modes.

exit status: 0 no changes that --fail-on names (always 0 without it),
1 breaking changes (--fail-on breaking), sign-offs made stale (--fail-on
stale), status moves that skip a stage or miss its gate (--fail-on gate)
or any change (--fail-on any), 2 usage error, unreadable input or a
build that failed."""
EPILOG = """\
examples:
  sphinx-plan diff origin/main
  sphinx-plan diff v1.0 v1.1 --source docs --format markdown
  sphinx-plan diff origin/main --format markdown --fail-on breaking
  sphinx-plan diff origin/main --plan 001 --fail-on stale
  sphinx-plan diff old/plan.json new/plan.json --format json
  sphinx-plan diff --openapi openapi.json --plan 002 --fail-on breaking"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``diff``.

    :param parser: the subcommand's parser
    """
    parser.add_argument(
        "base",
        metavar="BASE",
        nargs="?",
        help="git revision or plan.json of the older version "
        "(with --openapi: the plan to check, default the working tree)",
    )
    parser.add_argument(
        "head",
        metavar="HEAD",
        nargs="?",
        help="git revision or plan.json of the newer version (default: the working tree)",
    )
    parser.add_argument(
        "--source",
        metavar="DIR",
        type=Path,
        help="the Sphinx source directory (default: ., docs, doc or source, "
        "whichever holds conf.py)",
    )
    parser.add_argument(
        "--format",
        choices=("text", "markdown", "json"),
        default="text",
        help="text (default), markdown for a pull-request comment, json",
    )
    parser.add_argument(
        "--fail-on",
        choices=("breaking", "stale", "gate", "any"),
        help="exit 1 on breaking changes, on sign-offs the change makes "
        "stale, on status moves that skip a stage or miss its gate, or "
        "on any change",
    )
    parser.add_argument(
        "--plan",
        metavar="ID",
        action="append",
        dest="plans",
        help="compare only this plan and its objects (repeatable)",
    )
    parser.add_argument(
        "--openapi",
        metavar="FILE",
        type=Path,
        help="compare the planned endpoints with this implemented OpenAPI document instead",
    )


def _finish(
    args: argparse.Namespace,
    text: str | dict[str, Any],
    breaking: bool,
    changed: bool,
    stale: bool = False,
    gate: bool = False,
) -> int:
    """Write the report; the exit status ``--fail-on`` asks for."""
    from sphinxcontrib_plan.export.json import dumps

    sys.stdout.write(text if isinstance(text, str) else dumps(text))
    failing = {"breaking": breaking, "stale": stale, "gate": gate, "any": changed}
    return 1 if args.fail_on and failing[args.fail_on] else 0


def _scoped(args: argparse.Namespace, *documents: dict[str, Any]) -> list[dict[str, Any]]:
    """The documents cut to the plans of ``--plan``; an unknown plan id is an error."""
    from sphinxcontrib_plan.diff import DiffError
    from sphinxcontrib_plan.diff.changeset import of_plans

    if not args.plans:
        return list(documents)
    known = sorted({str(p.get("id")) for d in documents for p in d.get("plans", ())})
    unknown = [p for p in args.plans if p not in known]
    if unknown:
        raise DiffError(
            f"--plan {unknown[0]}: no such plan; the plans are {', '.join(known) or 'none'}"
        )
    return [of_plans(d, args.plans) for d in documents]


def _run_diff(args: argparse.Namespace) -> int:
    from sphinxcontrib_plan.cli.sources import SideLoader
    from sphinxcontrib_plan.diff.classify import classify
    from sphinxcontrib_plan.diff.compare import compare
    from sphinxcontrib_plan.diff.formats import to_json, to_markdown, to_text
    from sphinxcontrib_plan.model.gcpolicy import held_collector

    # both documents stay alive to the end: a collection while they are read
    # frees nothing (4.4 s instead of 5.8 s for two 50,000-object files)
    with held_collector(), SideLoader(args.source) as loader:
        base_ticket, base_side = loader.add(args.base)
        head_ticket, head_side = loader.add(args.head)
        base, head = _scoped(args, loader.get(base_ticket), loader.get(head_ticket))
        diff = compare(base, head, base_side=base_side, head_side=head_side)
        classify(diff, *diff.objects)
    report = (
        to_json(diff)
        if args.format == "json"
        else to_markdown(diff)
        if args.format == "markdown"
        else to_text(diff)
    )
    gate = any(f.kind == "gate" for c in diff.local for f in c.findings)
    return _finish(args, report, bool(diff.breaking), bool(diff.local), bool(diff.stale), gate)


def _run_drift(args: argparse.Namespace) -> int:
    from sphinxcontrib_plan.cli.sources import SideLoader
    from sphinxcontrib_plan.diff import DiffError
    from sphinxcontrib_plan.diff.drift import compare_api, drift_json, drift_markdown, drift_text
    from sphinxcontrib_plan.diff.operations import planned_operations, read_document

    if args.head is not None:
        raise DiffError("--openapi compares one plan with the service: give at most BASE")
    document, implemented = read_document(args.openapi)
    with SideLoader(args.source) as loader:
        ticket, side = loader.add(args.base)
        (plan,) = _scoped(args, loader.get(ticket))
    info: dict[str, Any] = document.get("info") or {}
    if not isinstance(info, dict):
        info = {}
    label = str(args.openapi)
    if info.get("title"):
        label += f" ({info['title']}" + (f" {info['version']}" if info.get("version") else "") + ")"
    drift = compare_api(
        planned_operations(plan),
        implemented,
        document,
        plan_label=side.label,
        implemented_label=label,
    )
    report = (
        drift_json(drift)
        if args.format == "json"
        else drift_markdown(drift)
        if args.format == "markdown"
        else drift_text(drift)
    )
    return _finish(args, report, bool(drift.breaking), bool(drift.findings))


def run(args: argparse.Namespace) -> int:
    """Run ``diff``.

    :param args: parsed arguments
    :return: the exit status
    """
    from sphinxcontrib_plan.diff import DiffError

    try:
        if args.openapi is not None:
            return _run_drift(args)
        if args.base is None:
            raise DiffError("give BASE: a git revision or a plan.json (or --openapi FILE)")
        return _run_diff(args)
    except DiffError as err:
        print(f"sphinx-plan diff: error: {err}", file=sys.stderr)
        return 2

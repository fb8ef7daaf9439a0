"""``sphinx-plan import``: an existing document turned into a structured plan."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

HELP = "turn an existing plan (plain Markdown) into a structured plan document"
DESCRIPTION = """\
Read an existing plan and write it with plan directives: a plain-Markdown
plan in the shape of the implementation-plan template (header fields, tables
of technologies, services, dependencies, patterns, roles, alerts and risks,
checklists, Table/Endpoint/Event/Phase sections, the sign-off list). What
cannot be mapped stays as written, in place. A report lists the objects made
per type with their source lines, and what stayed prose and why.

The kind of input is recognised from its content; --from forces it. The
output is MyST Markdown (default) or reStructuredText; an existing file is
never overwritten.

A workbook (.xlsx) or CSV directory written by 'sphinx-plan export --format
xlsx|csv' is different: its edited cells are applied to the sources of the
project it was exported from, one option line each, after every cell was
checked; a field edited in the source since the export and in the sheet is a
conflict (exit 1, nothing written). The project is built as check and export
build it: kept between runs (--cache-dir, --no-cache, --fresh as for check).

exit status: 0 written, 1 the output exists, 2 unreadable or unusable input."""
EPILOG = """\
examples:
  sphinx-plan import plan.md
      writes <plan id>.md in the current directory
  sphinx-plan import legacy/payments.md -o docs/plans/ --id 001
  sphinx-plan import plan.md --format rst -o docs/plans/payments.rst
  sphinx-plan import risks.xlsx --dry-run
      lists the edits made in a workbook of 'sphinx-plan export --format xlsx'
  sphinx-plan import risks.xlsx
      applies them to the MyST and reST sources (exit 1: conflicts, nothing written)"""

SUFFIXES = {"myst": ".md", "rst": ".rst"}


class CliError(Exception):
    """One line for the user, and the exit status."""

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(message)
        self.status = status


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``import``.

    :param parser: the subcommand's parser
    """
    from sphinxcontrib_plan.cli.kept_build import add_cache_arguments
    from sphinxcontrib_plan.importers import IMPORTERS

    parser.add_argument("source", metavar="FILE", type=Path, help="the document to import")
    parser.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="file, or folder (ending in '/' or existing; created) to write to "
        "(default: ./<plan id>.<suffix>)",
    )
    parser.add_argument(
        "--format",
        choices=tuple(SUFFIXES),
        help="myst (default) or rst; default: from the --output suffix, else myst",
    )
    parser.add_argument(
        "--id",
        dest="plan_id",
        metavar="ID",
        help="the plan id, when the source has none or to override it",
    )
    parser.add_argument(
        "--from",
        dest="kind",
        choices=tuple(IMPORTERS),
        help="the kind of input (default: recognised from the content)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print no report")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="workbook or CSV directory: list the edits, write nothing",
    )
    parser.add_argument(
        "--allow-delete",
        action="store_true",
        help="workbook or CSV directory: remove from the sources the objects "
        "whose rows were deleted (default: report them only)",
    )
    # a workbook's project is built as check and export build it, kept between runs
    add_cache_arguments(parser)


def read_source(path: Path) -> str:
    """The input's text, UTF-8 (a BOM is allowed): a regular file within the size limit.

    :param path: the file
    :return: its text
    :raise CliError: when it cannot be read
    """
    from sphinxcontrib_plan.model.codedata import FileError, read_file

    if not path.exists():
        raise CliError(f"{str(path)!r} does not exist")
    if path.is_dir():
        raise CliError(f"{str(path)!r} is a directory; give a file")
    try:
        text = read_file(path)
    except FileError as err:
        if err.message.startswith(("not ", "larger ")):  # what the file is, not an OS error
            raise CliError(f"{str(path)!r} is {err.message}") from None
        raise CliError(f"cannot read {str(path)!r}: {err.message}") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def output_dir(output: str | None) -> Path:
    """The folder ``-o`` writes to: itself when it is one (or ends in a slash, or is
    not given: the current folder), else the folder of the file it names.

    :param output: ``-o`` as given
    :return: the folder
    """
    path = Path(output or "")
    return path if _is_folder(output) else path.parent


def _is_folder(output: str | None) -> bool:
    return not output or Path(output).is_dir() or output.endswith(("/", "\\"))


def output_path(output: str | None, fmt: str | None, plan_id: str) -> tuple[Path, str]:
    """Where to write, and in which format.

    :param output: ``-o`` as given
    :param fmt: ``--format`` as given
    :param plan_id: the imported plan's id, naming the file in a folder
    :return: the file and ``myst`` or ``rst``
    :raise CliError: when ``-o`` and ``--format`` disagree
    """
    path = Path(output or "")
    folder = _is_folder(output)
    by_suffix = None if folder else {v: k for k, v in SUFFIXES.items()}.get(path.suffix)
    if by_suffix and fmt and by_suffix != fmt:
        raise CliError(f"-o {output!r} has the suffix {path.suffix!r} but --format is {fmt}")
    fmt = fmt or by_suffix or "myst"
    if folder:
        return path / f"{plan_id}{SUFFIXES[fmt]}", fmt
    return path, fmt


def run(args: argparse.Namespace) -> int:
    """Run ``import``.

    :param args: parsed arguments
    :return: the exit status
    """
    import time

    from sphinxcontrib_plan.importers import IMPORTERS, ImporterError, recognise
    from sphinxcontrib_plan.importers.emit import WRITERS

    started = time.perf_counter()
    claimed = [i for i in IMPORTERS.values() if i.claims is not None and i.claims(args.source)]
    if args.kind == "sheets" or (not args.kind and claimed):
        return _import_sheets(args)
    try:
        text = read_source(args.source)
        kind, given = recognise(text, args.source.name) if not args.kind else (args.kind, None)
        importer = IMPORTERS[kind]
        try:
            result = importer.run(
                text,
                plan_id=args.plan_id,
                parsed=given.parsed if given is not None else None,
                output_dir=output_dir(args.output),
            )
        except ImporterError as err:
            raise CliError(f"{str(args.source)!r}: {err}") from None
        path, fmt = output_path(args.output, args.format, result.report.plan_id)
        source = WRITERS[fmt](result.document)
        _write(path, source)
    except CliError as err:
        print(f"sphinx-plan import: error: {err}", file=sys.stderr)
        return err.status
    if not args.quiet:
        print(result.report.format(str(args.source), str(path)))
        print(
            f"imported in {time.perf_counter() - started:.2f} s; next: add {path} to a toctree, "
            "then run 'sphinx-plan check SOURCEDIR'"
        )
    return 0


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # "x": created only if absent, atomically: an existing file is never touched
        with open(path, "x", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
    except FileExistsError:
        raise CliError(
            f"{str(path)!r} exists; an import never overwrites a file (choose another -o)", status=1
        ) from None
    except OSError as err:
        raise CliError(f"cannot write {str(path)!r}: {err.strerror or err}") from None


def _import_sheets(args: argparse.Namespace) -> int:
    """Apply the edits of a workbook or CSV directory to its project's sources.

    :param args: parsed arguments
    :return: 0 applied (or nothing to apply), 1 conflicts, 2 bad input
    """
    import argparse as argparse_

    from sphinxcontrib_plan.cli.build import BuildError, add_build_arguments
    from sphinxcontrib_plan.cli.kept_build import project_build
    from sphinxcontrib_plan.domain import plan_domain  # the domain loads Sphinx: not for -h
    from sphinxcontrib_plan.export.writer import json_export
    from sphinxcontrib_plan.importers import sheets

    def fail(message: str, status: int = 2) -> int:
        print(f"sphinx-plan import: error: {message}", file=sys.stderr)
        return status

    try:
        meta, tables = sheets.read_tables(args.source)
        sourcedir = Path(meta.get("sourcedir", ""))
        parser = argparse_.ArgumentParser()
        add_build_arguments(parser)
        build = parser.parse_args([str(sourcedir)])
        build.cache_dir, build.no_cache, build.fresh = args.cache_dir, args.no_cache, args.fresh
        with project_build(build, lambda message: None, rewrite=False) as result:
            data = json_export(result.app)
            registry = plan_domain(result.app.env).registry
        plans = tuple(p for p in meta.get("plans", "").split(",") if p)
        plan = sheets.compare(tables, data, registry, plans)
    except (sheets.SheetInputError, BuildError, OSError) as err:
        return fail(str(err))
    if plan.errors:
        for error in plan.errors:
            print(f"sphinx-plan import: error: {error}", file=sys.stderr)
        return fail(f"{len(plan.errors)} bad cell(s); nothing written")
    if plan.conflicts:
        for conflict in plan.conflicts:
            print(f"sphinx-plan import: conflict: {conflict}", file=sys.stderr)
        return fail(
            f"{len(plan.conflicts)} conflict(s): edited in the source since the "
            "export and in the sheet; nothing written",
            1,
        )
    for change in plan.changes:
        for cell in change.cells:
            print(
                f"{change.obj.get('source')}:{change.obj.get('line')}: "
                f"{change.obj.get('id')}: {cell}"
            )
    for new in plan.new:
        print(f"{new.document}: new {new.type} {new.title!r}")
    delete = args.allow_delete and bool(plan.deleted)
    for obj in plan.deleted:
        print(
            f"{obj.get('source')}:{obj.get('line')}: {obj.get('type')} {obj.get('id')}: "
            + (
                "row deleted: removed"
                if args.allow_delete
                else "row deleted: kept (--allow-delete removes it)"
            )
        )
    if args.dry_run or not (plan.changes or plan.new or delete):
        print(
            f"{len(plan.changes)} object(s) to change, {len(plan.new)} to add; nothing written"
            + (" (--dry-run)" if args.dry_run else "")
        )
        return 0
    try:
        written = sheets.apply(plan, sourcedir, delete=args.allow_delete)
    except (sheets.SheetInputError, OSError, UnicodeDecodeError) as err:
        return fail(str(err))
    print(
        f"changed {len(plan.changes)} object(s), added {len(plan.new)}, removed "
        f"{len(plan.deleted) if delete else 0}, in {len(written)} file(s)"
    )
    return 0

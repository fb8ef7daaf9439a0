"""``sphinx-plan export``: plan.json or OpenAPI from an in-process build."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.cli.build import BuildError, add_build_arguments
from sphinxcontrib_plan.cli.kept_build import add_cache_arguments, project_build

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

HELP = "write plan.json, an OpenAPI 3.1 or an AsyncAPI 3.0 document"
DESCRIPTION = """\
Build the project and write its
plan.json (--format json), the OpenAPI 3.1 document of its endpoints
(--format openapi) or the AsyncAPI 3.0 document of its events and WebSocket
endpoints (--format asyncapi) to FILE, or to standard output. The data is the same as
the files a normal build writes to its output directory, except that objects
have no URL (they have pages only in HTML builds). Plan warnings go to stderr.
The build is the one check keeps between runs (see sphinx-plan check --help):
an export after a check, or another export, reads again only the documents
that changed. --no-cache builds in a temporary directory instead.

exit status: 0 written, 1 invalid output (--validate), 2 usage or build error."""
EPILOG = """\
examples:
  sphinx-plan export docs --format json -o plan.json
  sphinx-plan export docs --format openapi > openapi.json
  sphinx-plan export docs --format openapi --validate -o api/openapi.json
  sphinx-plan export docs --format asyncapi -o api/asyncapi.json
  sphinx-plan export docs --format xlsx --type risk -o risks.xlsx
  sphinx-plan export docs --format csv --plan checkout -o checkout-csv"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``export``.

    :param parser: the subcommand's parser
    """
    add_build_arguments(parser)
    add_cache_arguments(parser)
    parser.add_argument(
        "--format",
        required=True,
        choices=("json", "openapi", "asyncapi", "xlsx", "csv"),
        help="json: plan.json; openapi: OpenAPI 3.1 of the endpoints; "
        "asyncapi: AsyncAPI 3.0 of the events and WebSocket endpoints; "
        "xlsx: a workbook, one sheet per type (needs "
        "sphinxcontrib-plan[sheets]); csv: a directory, one file per type",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        type=Path,
        help="file to write (replaced atomically); default or '-': stdout; "
        "xlsx: default plan.xlsx; csv: the directory, default plan-csv",
    )
    parser.add_argument(
        "--type",
        dest="types",
        action="append",
        default=[],
        metavar="T",
        help="xlsx and csv: export objects of type T only (repeatable)",
    )
    parser.add_argument(
        "--plan",
        dest="plans",
        action="append",
        default=[],
        metavar="ID",
        help="xlsx and csv: export objects of plan ID only (repeatable)",
    )
    parser.add_argument(
        "--validate",
        action="store_true",
        help="check the output against its schema first (json and openapi; "
        "openapi needs sphinxcontrib-plan[openapi])",
    )


def validation_errors(kind: str, data: dict[str, Any]) -> list[str]:
    """Problems of *data* against its schema (the validators are optional extras).

    :param kind: ``json`` or ``openapi``
    :param data: the export
    :return: one message per problem
    :raise BuildError: when the validator is not installed
    """
    if kind == "asyncapi":
        raise BuildError(
            "--validate checks json and openapi; no AsyncAPI validator is "
            "installed with sphinxcontrib-plan"
        )
    if kind == "json":
        import json

        try:
            import jsonschema
        except ImportError:
            raise BuildError("--validate needs jsonschema: pip install jsonschema") from None
        from sphinxcontrib_plan.export.json import SCHEMA_PATH

        schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
        validator = jsonschema.Draft202012Validator(schema)
        return [
            f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
            for e in validator.iter_errors(data)
        ]
    try:
        from openapi_spec_validator import validate
    except ImportError:
        raise BuildError(
            "--validate needs openapi-spec-validator: pip install 'sphinxcontrib-plan[openapi]'"
        ) from None
    try:
        validate(data)
    except Exception as err:  # the validator's own error types vary between versions
        return [" ".join(str(err).split())[:500]]
    return []


def run(args: argparse.Namespace) -> int:
    """Run ``export``.

    :param args: parsed arguments
    :return: the exit status
    """
    from sphinxcontrib_plan.export.json import dumps
    from sphinxcontrib_plan.export.writer import (
        asyncapi_export,
        export_levels,
        json_export,
        openapi_export,
        write_text,
    )

    exporters = {"json": json_export, "openapi": openapi_export, "asyncapi": asyncapi_export}
    if args.format in ("xlsx", "csv"):
        return _sheets(args)

    try:
        with project_build(args, lambda message: _note(args, message), rewrite=False) as result:
            data = exporters[args.format](result.app)
            warnings = result.plan_warnings
        for warning in warnings:
            print(warning.format(), file=sys.stderr)
        errors = validation_errors(args.format, data) if args.validate else []
    except BuildError as err:
        print(f"sphinx-plan export: error: {err}", file=sys.stderr)
        return 2
    if errors:
        for error in errors:
            print(f"sphinx-plan export: invalid {args.format}: {error}", file=sys.stderr)
        return 1
    text = dumps(data, export_levels(exporters[args.format]))
    if args.output is None or str(args.output) == "-":
        sys.stdout.write(text)
        return 0
    return _written(args.output, lambda: write_text(args.output, text))


def _note(args: argparse.Namespace, message: str) -> None:
    if args.verbose:
        print(f"sphinx-plan export: {message}", file=sys.stderr)


def _written(output: Path, write: Callable[[], object]) -> int:
    """Run *write*, then say what was written, or that it could not be.

    :param output: the file or directory written
    :param write: the writing
    :return: the exit status
    """
    try:
        write()
    except OSError as err:
        print(
            f"sphinx-plan export: error: cannot write {str(output)!r}: {err.strerror or err}",
            file=sys.stderr,
        )
        return 2
    print(f"wrote {output}", file=sys.stderr)
    return 0


def _sheets(args: argparse.Namespace) -> int:
    """``--format xlsx|csv``: the registers as a workbook or a directory of CSV files.

    :param args: parsed arguments
    :return: the exit status
    """
    from sphinxcontrib_plan.domain import plan_domain  # the domain loads Sphinx: not for -h
    from sphinxcontrib_plan.export import sheets
    from sphinxcontrib_plan.export.writer import json_export

    default = "plan.xlsx" if args.format == "xlsx" else "plan-csv"
    output = Path(default) if args.output is None or str(args.output) == "-" else args.output
    try:
        with project_build(args, lambda message: _note(args, message), rewrite=False) as result:
            data = json_export(result.app)
            registry = plan_domain(result.app.env).registry
            warnings = result.plan_warnings
        for warning in warnings:
            print(warning.format(), file=sys.stderr)
        selected = sheets.select(data, registry, args.types, args.plans)
        writer = sheets.write_xlsx if args.format == "xlsx" else sheets.write_csv
        return _written(
            output, lambda: writer(output, selected, registry, args.sourcedir, args.plans)
        )
    except (BuildError, sheets.SheetsError) as err:
        print(f"sphinx-plan export: error: {err}", file=sys.stderr)
        return 2

"""``sphinx-plan new``: a new plan document from the Jinja2 templates."""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sphinxcontrib_plan.model.ids import slug

if TYPE_CHECKING:
    import argparse

    import jinja2

#: the package's own templates, one per format
TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "new"
FORMATS = {"md": ".md", "rst": ".rst"}
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")

HELP = "write a new plan document with every section of the template"
DESCRIPTION = """\
Write a new plan: every section of the implementation-plan template as plan
directives with TODO placeholders, in MyST Markdown (md, the default) or
reStructuredText (rst). With --plain, the template's plain Markdown instead
(headings, tables and checklists, no directives): the shape 'sphinx-plan
import' reads, for a team that writes the plan first and imports it later.
The file is rendered from the Jinja2 template plan.md.jinja, plan.rst.jinja
or plan.plain.md.jinja (variables: title, id, today, owner); give
--templates DIR to use your own. An existing file is never overwritten.

exit status: 0 written, 1 the file exists, 2 usage or template error."""
EPILOG = """\
examples:
  sphinx-plan new "Payment Methods" --id 001
      writes 001-payment-methods.md
  sphinx-plan new "Audit Log" --id 002 --format rst --output docs/plans/
      writes docs/plans/002-audit-log.rst (docs/plans/ is created if missing)
  sphinx-plan new "Search" --id 003 --owner "Search Team" --templates _templates/plan
  sphinx-plan new "Billing" --id 004 --plain -o drafts/
      writes drafts/004-billing.md in plain Markdown; 'sphinx-plan import
      drafts/004-billing.md -o docs/plans/' turns it into directives"""


class NewError(Exception):
    """A usage or template problem (exit status 2)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``new``.

    :param parser: the subcommand's parser
    """
    parser.add_argument("title", metavar="TITLE", help="the plan's title, e.g. 'Payment Methods'")
    parser.add_argument(
        "--id",
        required=True,
        dest="plan_id",
        metavar="ID",
        help="the plan id, unique in the project, e.g. 001",
    )
    parser.add_argument(
        "--format",
        choices=tuple(FORMATS),
        help="md (MyST Markdown, default) or rst; default: from the --output suffix, else md",
    )
    # kept as text: a Path would drop the trailing "/" that says "a folder"
    parser.add_argument(
        "--output",
        "-o",
        metavar="PATH",
        help="file (.md or .rst) or folder to write to: a path ending in '/' "
        "or naming an existing folder is a folder, created if missing, "
        "and gets <id>-<slug of title>.<format> (default: ./)",
    )
    parser.add_argument(
        "--plain",
        action="store_true",
        help="write the template's plain Markdown (what 'sphinx-plan import' "
        "reads) instead of directives; implies --format md",
    )
    parser.add_argument("--owner", metavar="NAME", help="the plan's owner (default: TODO)")
    parser.add_argument(
        "--templates",
        metavar="DIR",
        type=Path,
        help="directory with your own plan.md.jinja / plan.rst.jinja",
    )
    parser.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        type=_date,
        default=dt.date.today().isoformat(),
        help="the created/updated date (default: today)",
    )


def _date(value: str) -> str:
    import argparse

    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date YYYY-MM-DD") from None


def checked_title(title: str, plan_id: str, option: str = "TITLE") -> str:
    """A plan's title without surrounding space, once it and the plan id are found good.

    :param title: the title as given
    :param plan_id: the plan id as given
    :param option: how the user gave the title, for the message
    :return: the stripped title
    :raise NewError: when the title is not one non-empty line or the id has other characters
    """
    if not title.strip() or "\n" in title:
        raise NewError(f"{option} must be one non-empty line")
    if not _ID.fullmatch(plan_id):
        raise NewError(
            f"--id {plan_id!r}: use letters, digits, '.', '_' and '-', "
            "starting with a letter or digit (e.g. 001 or PAY-1)"
        )
    return title.strip()


def output_path(args: argparse.Namespace) -> tuple[Path, str]:
    """Where to write, and in which format.

    ``--output`` names a folder when it ends in ``/`` or is an existing
    folder; the file inside is named from the plan id and title. Otherwise
    it names the file, whose suffix gives the format.

    :param args: parsed arguments
    :return: the file and ``md`` or ``rst``
    :raise NewError: when ``--output`` has no known suffix or disagrees with ``--format``
    """
    text = str(args.output or "")
    output = Path(text) if text else None
    if output is None or text.endswith(("/", "\\")) or output.is_dir():
        fmt = args.format or "md"
        name = f"{args.plan_id}-{slug(args.title) or 'plan'}{FORMATS[fmt]}"
        return (output or Path()) / name, fmt
    suffix_format = {v: k for k, v in FORMATS.items()}.get(output.suffix)
    if suffix_format is None:
        raise NewError(
            f"--output {text!r} is neither a .md or .rst file nor a folder; "
            f"write {text.rstrip('.')}/ for a folder, or {text.rstrip('.')}.md"
        )
    if getattr(args, "plain", False) and suffix_format != "md":
        raise NewError(f"--output {text!r}: --plain writes Markdown, give a .md file")
    if args.format and suffix_format != args.format:
        raise NewError(
            f"--output {text!r} has the suffix {output.suffix!r} but --format is {args.format}"
        )
    return output, suffix_format


def environment(directory: Path) -> jinja2.Environment:
    """The Jinja environment of the templates in *directory* (``new``'s, ``init``'s
    or a ``--templates`` directory): text, not HTML, so nothing is escaped; a
    value the template names but is not given is an error; the last newline kept.

    :param directory: where the templates are
    :return: the environment
    """
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(directory),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def render(args: argparse.Namespace, fmt: str) -> str:
    """The new document's text.

    :param args: parsed arguments
    :param fmt: ``md`` or ``rst``
    :return: the rendered template
    :raise NewError: on a missing or failing template
    """
    import jinja2

    directory = args.templates if args.templates is not None else TEMPLATES
    name = "plan.plain.md.jinja" if getattr(args, "plain", False) else f"plan.{fmt}.jinja"
    if not (directory / name).is_file():
        where = "--templates directory" if args.templates is not None else "package"
        raise NewError(f"the {where} {str(directory)!r} has no {name}")
    env = environment(directory)
    try:
        return env.get_template(name).render(
            title=args.title, id=args.plan_id, today=args.date, owner=args.owner
        )
    except jinja2.TemplateSyntaxError as err:
        raise NewError(f"{err.filename or name}:{err.lineno}: {err.message}") from None
    except jinja2.TemplateError as err:
        raise NewError(f"{directory / name}: {err}") from None


def run(args: argparse.Namespace) -> int:
    """Run ``new``.

    :param args: parsed arguments
    :return: the exit status
    """
    try:
        title = args.title = checked_title(args.title, args.plan_id)
        if args.plain and args.format == "rst":
            raise NewError("--plain writes Markdown; it cannot be --format rst")
        path, fmt = output_path(args)
        text = render(args, fmt)
    except NewError as err:
        print(f"sphinx-plan new: error: {err}", file=sys.stderr)
        return 2
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        # FileExistsError here: a file stands where a folder should be
        reason = "a file of that name exists" if isinstance(err, FileExistsError) else err.strerror
        print(
            f"sphinx-plan new: error: cannot create the folder {str(path.parent)!r}: "
            f"{reason or err}",
            file=sys.stderr,
        )
        return 2
    try:
        # "x": created only if absent, atomically: an existing file is never touched
        with open(path, "x", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
    except FileExistsError:
        print(
            f"sphinx-plan new: {str(path)!r} exists; a plan is never overwritten "
            "(choose another --output or --id)",
            file=sys.stderr,
        )
        return 1
    except OSError as err:
        print(
            f"sphinx-plan new: error: cannot write {str(path)!r}: {err.strerror or err}",
            file=sys.stderr,
        )
        return 2
    print(f"wrote {path} (plan {args.plan_id}: {title})")
    if args.plain:
        print(
            f"next: fill it in, then 'sphinx-plan import {path} -o SOURCEDIR/' writes "
            "its directive form"
        )
    else:
        print("next: add it to a toctree, then run 'sphinx-plan check SOURCEDIR'")
    return 0

"""``sphinx-plan init``: a new Sphinx project of plans, ready to build and to check in CI."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sphinxcontrib_plan._version import __version__
from sphinxcontrib_plan.cli import new
from sphinxcontrib_plan.model.ids import slug

#: the package's templates of the project's files
TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "init"
#: the first plan's folder, relative to the project
PLANS = "plans"
#: the CI workflow, relative to the repository's root
WORKFLOW = PurePosixPath(".github/workflows/plans.yml")

HELP = "create a Sphinx project of plans: conf.py, index, registers, a first plan, a CI workflow"
DESCRIPTION = """\
Create a Sphinx project for implementation plans in DIR (default: the current
directory, created if missing), ready to build with 'sphinx-build -W':

  conf.py           MyST, sphinx.ext.graphviz, the extension, LaTeX settings
  index.md          the start page, with a toctree of the plans
  registers.md      risk register, API index, timeline, sign-offs and more,
                    collected from every plan
  plans/ID-SLUG.md  a first plan with every section of the template (as 'new')
  requirements.txt  what CI installs
  .gitignore
  .github/workflows/plans.yml
                    GitHub Actions: 'sphinx-plan check --strict' on every push,
                    and on pull requests 'sphinx-plan diff BASE --format markdown
                    --fail-on breaking' posted as a comment

When DIR is inside a git repository whose root is elsewhere, the workflow is
written under the repository's root and names DIR as the source. Nothing is
ever overwritten: if one of the files exists, init writes none.

exit status: 0 written, 2 a file exists, a usage or write error."""
EPILOG = """\
examples:
  sphinx-plan init docs --project "Acme Payments" --author "Acme Engineering"
  sphinx-plan init . --plan "Payment Methods" --id 001"""


class InitError(Exception):
    """The project cannot be created; the message is one line."""


@dataclass(frozen=True)
class Project:
    """Where the project goes and what its files say."""

    #: the Sphinx source directory
    directory: Path
    #: the repository's root, where the CI workflow goes
    root: Path
    project: str
    author: str
    plan_title: str
    plan_id: str
    today: str


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``init``.

    :param parser: the subcommand's parser
    """
    parser.add_argument(
        "directory",
        metavar="DIR",
        nargs="?",
        default=".",
        type=Path,
        help="the project's source directory (default: .)",
    )
    parser.add_argument(
        "--project", metavar="NAME", help="the project's name (default: DIR's name, capitalised)"
    )
    parser.add_argument(
        "--author",
        metavar="NAME",
        default="The authors",
        help="the author, for the PDF and the copyright line (default: 'The authors')",
    )
    parser.add_argument(
        "--plan",
        metavar="TITLE",
        default="First Plan",
        dest="plan_title",
        help="the first plan's title (default: 'First Plan')",
    )
    parser.add_argument(
        "--id",
        metavar="ID",
        default="001",
        dest="plan_id",
        help="the first plan's id (default: 001)",
    )


def repository_root(directory: Path) -> Path:
    """The root of the git work tree holding *directory*, else *directory* itself.

    :param directory: an absolute directory, which may not exist yet
    :return: an absolute directory
    """
    existing = next((d for d in (directory, *directory.parents) if d.is_dir()), directory)
    try:
        proc = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=existing,
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return directory
    top = Path(proc.stdout.strip()) if proc.returncode == 0 and proc.stdout.strip() else None
    if top is None or not directory.is_relative_to(top.resolve()):
        return directory
    return top.resolve()


def render_files(project: Project) -> dict[Path, str]:
    """Every file of the new project and its text.

    :param project: what to create
    :return: absolute path → text, in the order they are written
    :raise InitError: on a failing template
    """
    import jinja2

    directory = project.directory
    plan_args = argparse.Namespace(
        title=project.plan_title,
        plan_id=project.plan_id,
        templates=None,
        date=project.today,
        owner=None,
    )
    plan_name = f"{project.plan_id}-{slug(project.plan_title) or 'plan'}"
    try:
        plan_text = new.render(plan_args, "md")
    except new.NewError as err:
        raise InitError(str(err)) from None
    source = Path(os.path.relpath(directory, project.root)).as_posix()
    env = new.environment(TEMPLATES)
    env.filters["pyrepr"] = repr
    values = {
        "project": project.project,
        "author": project.author,
        "year": project.today[:4],
        "slug": slug(project.project) or "plans",
        "plan_doc": f"{PLANS}/{plan_name}",
        "source": source,
        "version": __version__,
    }
    files = {
        directory / "conf.py": "conf.py.jinja",
        directory / "index.md": "index.md.jinja",
        directory / "registers.md": "registers.md.jinja",
        directory / "requirements.txt": "requirements.txt.jinja",
        directory / ".gitignore": "gitignore.jinja",
        project.root / WORKFLOW: "plans.yml.jinja",
    }
    try:
        texts = {path: env.get_template(name).render(values) for path, name in files.items()}
    except jinja2.TemplateError as err:
        raise InitError(f"{TEMPLATES}: {err}") from None
    texts[directory / PLANS / f"{plan_name}.md"] = plan_text
    return texts


def write_files(texts: dict[Path, str]) -> None:
    """Write every file, none if one exists already.

    :param texts: absolute path → text
    :raise InitError: when a file exists or cannot be written
    """
    existing = [path for path in texts if path.exists() or path.is_symlink()]
    if existing:
        names = ", ".join(str(path) for path in existing)
        raise InitError(
            f"{len(existing)} of its files exist, nothing was written "
            f"(init never overwrites a file): {names}"
        )
    for path, text in texts.items():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # "x": created only if absent, atomically
            with open(path, "x", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
        except OSError as err:
            raise InitError(f"cannot write {str(path)!r}: {err.strerror or err}") from None


def run(args: argparse.Namespace) -> int:
    """Run ``init``.

    :param args: parsed arguments
    :return: the exit status
    """
    try:
        directory = args.directory.resolve()
        if directory.exists() and not directory.is_dir():
            raise InitError(f"{str(args.directory)!r} is a file, not a directory")
        name = args.project or directory.name.replace("-", " ").replace("_", " ").strip() or "Plans"
        if args.project is None:
            name = name[:1].upper() + name[1:]
        for option, value in (("--project", name), ("--author", args.author)):
            if not value.strip() or "\n" in value:
                raise InitError(f"{option} must be one non-empty line")
        try:
            plan_title = new.checked_title(args.plan_title, args.plan_id, "--plan")
        except new.NewError as err:
            raise InitError(str(err)) from None
        project = Project(
            directory=directory,
            root=repository_root(directory),
            project=name.strip(),
            author=args.author.strip(),
            plan_title=plan_title,
            plan_id=args.plan_id,
            today=dt.date.today().isoformat(),
        )
        texts = render_files(project)
        write_files(texts)
    except InitError as err:
        print(f"sphinx-plan init: error: {err}", file=sys.stderr)
        return 2
    shown = args.directory
    for path in texts:
        print(f"wrote {os.path.relpath(path)}")
    print(
        f"next: sphinx-build -b html -W {shown} {shown / '_build' / 'html'}   "
        f"(and 'sphinx-plan check {shown} --strict')"
    )
    return 0

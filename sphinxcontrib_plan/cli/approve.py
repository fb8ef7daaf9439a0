"""``sphinx-plan approve``: record a sign-off bound to the plan's current content."""

from __future__ import annotations

import difflib
import os
import re
import shlex
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import argparse

HELP = "approve a plan: set a sign-off's status, date, name and content fingerprint"
DESCRIPTION = """\
Build the project (as 'check' does, nothing is written to it), compute the
fingerprint of PLAN's content, and edit the source of the plan-signoff of
each ROLE in that plan: status approved, date (today, or the date of
SOURCE_DATE_EPOCH, or --date), name (default: git's user.name),
fingerprint and, when the project is in git, approved-at (the commit checked
out). The file is edited in place: the same file, its permissions and links
kept, a symlink's target edited; a read-only file is refused. Every other
byte of the file stays as it was. The fingerprint covers ids, titles, typed field values and
body text of the plan's objects; formatting, reflowed paragraphs, option
order, line numbers and the sign-offs themselves do not change it.

exit status: 0 approved, 2 usage error, no such plan or role, an ambiguous
role, no name, a failed build, a read-only source file, or a source file changed
while the project was built."""
EPILOG = """\
examples:
  sphinx-plan approve 001 --role "Tech Lead" --name "Priya Raman"
  sphinx-plan approve 002 --role Security --name "Marcus Oyelaran" --source docs
  sphinx-plan approve 003 --role "Tech Lead" --role DevOps
  SOURCE_DATE_EPOCH=1718000000 sphinx-plan approve 001 --role DevOps --name "Lena Fischer\""""
_DIRECTIVE_NAMES = ("plan-signoff", "plan:signoff")
_SOURCE_SUFFIXES = (".md", ".rst", ".txt", ".markdown")


class ApproveError(Exception):
    """The approval cannot be recorded; the message is one line."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``approve``.

    :param parser: the subcommand's parser
    """
    parser.add_argument("plan", metavar="PLAN", help="the plan's id")
    parser.add_argument(
        "--role",
        required=True,
        action="append",
        help="the sign-off's role, e.g. 'Tech Lead'; repeat it to approve "
        "several roles in one edit",
    )
    parser.add_argument("--name", help="who approves (default: git's user.name)")
    parser.add_argument(
        "--date",
        type=_iso_date,
        help="date of the approval, YYYY-MM-DD (default: today, or SOURCE_DATE_EPOCH's date)",
    )
    parser.add_argument(
        "--source",
        metavar="DIR",
        type=Path,
        help="the Sphinx source directory (default: ., docs, doc or source, "
        "whichever holds conf.py)",
    )


def _iso_date(value: str) -> str:
    import argparse

    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date YYYY-MM-DD") from None


def approval_date(given: str | None) -> str:
    """The approval's date: *given*, else ``SOURCE_DATE_EPOCH``'s (UTC), else today.

    :param given: ``--date``
    :return: ``YYYY-MM-DD``
    :raise ApproveError: on a malformed ``SOURCE_DATE_EPOCH``
    """
    if given:
        return given
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC).date().isoformat()
        except (ValueError, OverflowError, OSError):
            raise ApproveError(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds") from None
    return date.today().isoformat()


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def find_signoff(data: dict[str, Any], plan_id: str, role: str) -> dict[str, Any]:
    """The one local sign-off of *role* in plan *plan_id*.

    :param data: the project's plan.json data
    :param plan_id: the plan's id
    :param role: the role, compared case- and space-insensitively
    :return: the sign-off object
    :raise ApproveError: no such plan, no such role, or more than one
    """
    plans = [str(p["id"]) for p in data.get("plans", ()) if not p.get("external")]
    if plan_id not in plans:
        near = difflib.get_close_matches(plan_id, plans, n=1, cutoff=0.5)
        hint = f"; did you mean {near[0]!r}?" if near else f"; plans: {', '.join(plans) or 'none'}"
        raise ApproveError(f"no plan {plan_id!r}{hint}")
    signoffs: list[dict[str, Any]] = [
        o
        for o in data.get("objects", ())
        if o.get("type") == "signoff" and o.get("plan") == plan_id and not o.get("external")
    ]
    found = [o for o in signoffs if _same(str(o.get("title", "")), role)]
    if not found:
        roles = [str(o.get("title")) for o in signoffs]
        near = difflib.get_close_matches(role, roles, n=1)
        hint = (
            f"; did you mean {near[0]!r}?"
            if near
            else f"; its sign-offs: {', '.join(roles)}"
            if roles
            else "; it has no sign-offs"
        )
        raise ApproveError(f"plan {plan_id} has no sign-off for the role {role!r}{hint}")
    if len(found) > 1:
        where = ", ".join(f"{o.get('source')}:{o.get('line')}" for o in found)
        raise ApproveError(
            f"plan {plan_id} has {len(found)} sign-offs for the role {role!r} "
            f"({where}); give each role once"
        )
    return found[0]


def _snapshot(source: Path) -> dict[Path, tuple[int, int]]:
    # stat of every source file before the build, to notice edits made while it runs
    return {
        p.resolve(): (p.stat().st_mtime_ns, p.stat().st_size)
        for p in source.rglob("*")
        if p.suffix in _SOURCE_SUFFIXES and p.is_file()
    }


def _git(source: Path, *argv: str) -> str | None:
    try:
        run = subprocess.run(["git", *argv], cwd=source, capture_output=True, check=False)
    except OSError:
        return None
    return run.stdout.decode("utf-8", "replace") if run.returncode == 0 else None


def approver(given: str | None, source: Path) -> str:
    """Who approves: ``--name``, else git's ``user.name`` where *source* is.

    :param given: ``--name``
    :param source: the Sphinx source directory
    :return: the name on one line, spaces collapsed
    :raise ApproveError: when there is none, or it spans lines
    """
    name = given if given is not None else (_git(source, "config", "user.name") or "").strip()
    if given is None and not name:
        raise ApproveError(
            'no --name given and git\'s user.name is not set; give --name "Your Name"'
        )
    if not name.strip() or "\n" in name:
        raise ApproveError("--name must be a non-empty single line")
    return " ".join(name.split())


#: an option line ``approve`` writes, as a field or a YAML key
_OWN_OPTION = re.compile(r"\s*:?(status|date|name|fingerprint|approved-at):(\s.*)?")


def _only_signoff_edits(diff: str) -> bool:
    # every changed line of a zero-context diff is an option approve itself writes
    changed = [
        line[1:]
        for line in diff.split("\n")
        if line[:1] in ("+", "-") and not line.startswith(("+++", "---"))
    ]
    return all(_OWN_OPTION.fullmatch(line) for line in changed)


def _git_note(source: Path) -> tuple[str | None, str | None]:
    from sphinxcontrib_plan.cli.sources import head_revision

    revision = head_revision(source)
    if revision is None:
        return None, None
    # new source files (not in build output such as _build/), and edits other than
    # earlier approvals (``approve`` run once per role), are what the commit lacks
    untracked = [
        Path(line)
        for line in (
            _git(source, "ls-files", "--others", "--exclude-standard", "--", ".") or ""
        ).splitlines()
    ]
    new = [
        p
        for p in untracked
        if p.suffix in _SOURCE_SUFFIXES and not any(part.startswith(("_", ".")) for part in p.parts)
    ]
    diff = _git(source, "diff", "--no-color", "--no-ext-diff", "-U0", "HEAD", "--", ".")
    dirty = bool(new) or diff is None or not _only_signoff_edits(diff)
    note = (
        (
            f"note: {str(source)!r} has uncommitted changes; approved-at names the commit "
            f"{revision[:12]}, which does not hold them: commit the plan first"
        )
        if dirty
        else None
    )
    return revision, note


def _write_in_place(path: Path, before: bytes, text: str) -> None:
    """Write *text* over *path*'s content: the same file (inode, permissions, links)."""
    with path.open("r+b") as stream:  # follows a symlink; fails on a file not writable
        if stream.read() != before:
            raise ApproveError(f"{path} changed while the project was built; run approve again")
        stream.seek(0)
        stream.write(text.encode("utf-8"))
        stream.truncate()
        stream.flush()
        os.fsync(stream.fileno())


def _check_writable(path: Path) -> None:
    mode = path.stat().st_mode
    if not mode & 0o222 or not os.access(path, os.W_OK):  # root may write a read-only file
        raise ApproveError(
            f"{path} is read-only; make it writable to approve (chmod u+w {shlex.quote(str(path))})"
        )


def _edit_file(path: Path, signoffs: list[dict[str, Any]], values: dict[str, str]) -> None:
    from sphinxcontrib_plan.importers.source_edit import EditError, set_options

    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
        # bottom up: an edit adds lines, the lines above it keep their numbers
        for signoff in sorted(signoffs, key=lambda o: -int(o["line"])):
            try:
                text = set_options(
                    text,
                    int(signoff["line"]),
                    _DIRECTIVE_NAMES,
                    str(signoff.get("title", "")),
                    values,
                )
            except EditError as err:
                raise ApproveError(f"{path}:{signoff['line']}: {err}") from None
    except UnicodeDecodeError as err:
        raise ApproveError(f"{path}: {err}") from None
    _write_in_place(path, raw, text)


def approve(args: argparse.Namespace) -> list[str]:
    """Record the approvals; the report lines, one per role.

    :param args: parsed arguments
    :return: what was done
    :raise ApproveError: on any problem
    """
    from sphinxcontrib_plan.cli.sources import SideLoader, find_source
    from sphinxcontrib_plan.diff import DiffError
    from sphinxcontrib_plan.model.fingerprint import plan_fingerprint

    when = approval_date(args.date)
    try:
        source = find_source(args.source)
    except DiffError as err:
        raise ApproveError(str(err)) from None
    name = approver(args.name, source)
    revision, note = _git_note(source)
    try:
        before = _snapshot(source)
        with SideLoader(source) as loader:
            ticket, _ = loader.add(None)
            data = loader.get(ticket)
    except DiffError as err:
        raise ApproveError(str(err)) from None
    # one edit per sign-off, however often its role is given
    signoffs = list(
        {s["id"]: s for s in (find_signoff(data, args.plan, role) for role in args.role)}.values()
    )
    files: dict[Path, list[dict[str, Any]]] = {}
    for signoff in signoffs:
        if not signoff.get("source") or not signoff.get("line"):
            raise ApproveError(f"the build gave no source line for the sign-off {signoff['id']!r}")
        path = source / str(signoff["source"])
        files.setdefault(path, []).append(signoff)
    for path in files:
        stat = path.stat()
        if before.get(path.resolve()) != (stat.st_mtime_ns, stat.st_size):
            raise ApproveError(f"{path} changed while the project was built; run approve again")
        _check_writable(path)
    fingerprint = plan_fingerprint(args.plan, [*data.get("plans", ()), *data.get("objects", ())])
    values = {"status": "approved", "date": when, "name": name, "fingerprint": fingerprint}
    if revision:
        values["approved-at"] = revision
    for path, in_file in files.items():
        _edit_file(path, in_file, values)
    if note:
        print(f"sphinx-plan approve: {note}", file=sys.stderr)
    at = f", approved-at {revision[:12]}" if revision else ""
    return [
        f"approved plan {args.plan} for {signoff.get('title')} "
        f"({source / str(signoff['source'])}:{signoff['line']}): {name}, {when}, "
        f"{fingerprint}{at}"
        for signoff in signoffs
    ]


def run(args: argparse.Namespace) -> int:
    """Run ``approve``.

    :param args: parsed arguments
    :return: the exit status
    """
    try:
        print("\n".join(approve(args)))
    except ApproveError as err:
        print(f"sphinx-plan approve: error: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        print(
            f"sphinx-plan approve: error: {err.strerror or err}: {err.filename or ''}",
            file=sys.stderr,
        )
        return 2
    return 0

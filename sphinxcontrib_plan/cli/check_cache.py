"""The build directory a cached ``sphinx-plan check`` keeps between runs.

An ordinary incremental Sphinx build: Sphinx's pickled environment
(``doctrees``) and the output of the ``pseudoxml`` builder (``out``), which
writes only the documents read again. Sphinx gives a warning only when it
reads or writes its document, so the documents that warned are kept in
``check.json`` and read again by the next check (``env-get-outdated``); those
with only ``plan.*`` warnings, which the extension repeats for documents it
does not read, are written again (``env-get-updated``). Nothing is replayed.
When a document was edited, added or removed, every document is written
again (a reference may resolve otherwise now).

The directory is marked with a ``CACHEDIR.TAG`` file; one that holds files
and no such mark is refused, never emptied. Only one check uses a directory
at a time (``flock``); one in use or unwritable is not used (the check
builds in a temporary directory). What cannot be read, or was kept by other
versions, is thrown away.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import shutil
import time
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from sphinxcontrib_plan._version import __version__
from sphinxcontrib_plan.cli.build import BuildError

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from sphinxcontrib_plan.cli.records import BuildWarning

#: the layout of ``check.json``; a change makes every kept directory stale
FORMAT = 2
STATE = "check.json"
#: what the directory holds besides the lock and the mark; ``--fresh`` removes these
CONTENTS = ("doctrees", "out", STATE)
#: the mark of a directory the check made (https://bford.info/cachedir/)
MARK = "CACHEDIR.TAG"
MARK_TEXT = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This directory is a cache of sphinx-plan check: it may be deleted.\n"
)


class CacheUnavailable(Exception):
    """The cache directory cannot be used for this run (locked, unwritable)."""


def default_dir(sourcedir: Path, confdir: Path) -> Path:
    """The cache directory of a project: ``$XDG_CACHE_HOME`` (or ``~/.cache``)
    ``/sphinx-plan/check/<digest of the absolute source and conf dirs>``.

    :param sourcedir: the source directory
    :param confdir: the directory of ``conf.py``
    :return: the directory (not created)
    """
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    key = f"{sourcedir.resolve()}\0{confdir.resolve()}".encode()
    return Path(base) / "sphinx-plan" / "check" / hashlib.sha256(key).hexdigest()[:16]


def versions() -> dict[str, str]:
    """The versions an environment and its warnings depend on."""
    found = {"sphinxcontrib-plan": __version__, "python": platform.python_version()}
    for name in ("sphinx", "docutils", "myst-parser"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            found[name] = metadata.version(name)
    return found


def _stable(value: object) -> object:
    # a value as plain data; objects such as functions by their name, not
    # their address (which changes every run)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, dict):
        return sorted((repr(_stable(k)), _stable(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [_stable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(repr(_stable(v)) for v in value)
    kind = type(value)
    name = getattr(value, "__qualname__", None) or getattr(value, "__name__", None)
    return f"<{kind.__module__}.{kind.__qualname__} {name or ''}>"


def config_digest(app: Sphinx) -> str:
    """A digest of every configuration value, ``-D`` overrides included.

    Sphinx reads every document again when a value that affects the
    environment changes, but not for values such as ``suppress_warnings`` or
    ``nitpicky``, which change the warnings all the same.

    :param app: the application, its configuration read
    :return: a hex digest
    """
    values = sorted((item.name, _stable(item.value)) for item in app.config)
    return hashlib.sha256(repr(values).encode()).hexdigest()


@dataclass
class Kept:
    """What a check keeps for the next one."""

    #: the digest of the configuration (:func:`config_digest`)
    config: str = ""
    #: documents to read again: they gave warnings that only reading gives
    reread: list[str] = field(default_factory=list)
    #: documents to write again: they gave only the extension's warnings
    rewrite: list[str] = field(default_factory=list)


@dataclass
class Cache:
    """A cache directory (:attr:`path`), marked as the check's and locked for this run."""

    path: Path

    def clear(self) -> None:
        """Remove the environment and what was kept (the lock and the mark stay)."""
        for name in CONTENTS:
            target = self.path / name
            if target.is_dir():
                shutil.rmtree(target)
            else:
                target.unlink(missing_ok=True)

    def load(self) -> Kept | None:
        """What the last check kept; taken out of the directory, so that a check
        that does not finish leaves nothing to trust.

        :return: ``None`` when there is nothing, it cannot be read, or it comes
            from other versions
        """
        state = self.path / STATE
        try:
            data = json.loads(state.read_text(encoding="utf-8"))
            state.unlink()
            if data["format"] != FORMAT or data["versions"] != versions():
                return None
            return Kept(
                str(data["config"]), [*map(str, data["reread"])], [*map(str, data["rewrite"])]
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save(self, kept: Kept) -> None:
        """Keep *kept* for the next check (written atomically).

        :param kept: the state
        """
        data = {"format": FORMAT, "versions": versions(), **asdict(kept)}
        target = self.path / STATE
        temporary = target.with_suffix(".tmp")
        temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        temporary.replace(target)


def claim(path: Path, *, adopt: bool = False) -> None:
    """Make sure *path* is the check's: mark it when it is new or empty, refuse it
    when it holds files and no mark.

    :param path: the directory
    :param adopt: mark an unmarked directory anyway (the default directory, which
        only the check uses, kept by versions that did not mark it)
    :raise BuildError: when *path* is not a directory the check may empty
    """
    mark = path / MARK
    try:
        if mark.read_text(encoding="utf-8") == MARK_TEXT:
            return
    except (OSError, UnicodeDecodeError):
        pass
    try:
        used = path.exists() and (not path.is_dir() or any(path.iterdir()))
    except OSError:
        return  # unreadable: locked() says why it cannot be used
    if used and not adopt:
        raise BuildError(
            f"the cache directory {str(path)!r} holds files the check did not "
            f"write (it has no {MARK} of sphinx-plan check): give a new or empty "
            "directory with --cache-dir DIR"
        )
    with contextlib.suppress(OSError):  # an unwritable directory: locked() says so
        path.mkdir(parents=True, exist_ok=True)
        mark.write_text(MARK_TEXT, encoding="utf-8")


@contextlib.contextmanager
def locked(path: Path) -> Iterator[Cache]:
    """The cache directory *path*, created and locked for this run.

    :param path: the directory
    :return: a context giving the cache; the lock is released on leaving it
    :raise CacheUnavailable: when another check holds the lock, the directory
        cannot be created or written, or the platform has no ``fcntl``
    """
    try:
        import fcntl
    except ImportError:
        raise CacheUnavailable("file locks are not available on this platform") from None
    try:
        path.mkdir(parents=True, exist_ok=True)
        handle = open(path / "lock", "a+b")
    except OSError as err:
        raise CacheUnavailable(f"cannot write in {str(path)!r}: {err.strerror or err}") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise CacheUnavailable(f"{str(path)!r} is in use by another check") from None
        try:
            yield Cache(path)
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class WarmBuild:
    """What one cached check reads and writes again, through Sphinx's events.

    :param kept: what the last check kept
    :param rewrite: write again what a check writes again; ``False`` (an export,
        whose data is the environment's): write only what was read, and leave
        the rest to the next check
    """

    def __init__(self, kept: Kept, *, rewrite: bool = True) -> None:
        self.kept = kept
        self.rewrite = rewrite
        #: when reading started (``time.time_ns()``)
        self.started = 0
        #: the configuration's digest; read and write every document when it changed
        self.config, self.everything = "", False
        #: a document was edited, added or removed (not only read again by rule)
        self.changed = False
        #: what the build read and wrote
        self.read: set[str] = set()
        self.written: set[str] = set()

    def connect(self, app: Sphinx) -> None:
        """Join *app*'s events (before it builds).

        :param app: the check's application
        """
        self.config = config_digest(app)
        # suppress_warnings, nitpicky...: warnings may change where no document did
        self.everything = bool(self.kept.config) and self.config != self.kept.config
        app.connect("env-get-outdated", self._outdated)
        app.connect("env-before-read-docs", self._before_read)
        app.connect("env-get-updated", self._updated, priority=900)
        app.connect("doctree-resolved", self._resolved)

    def _outdated(
        self,
        app: Sphinx,
        env: BuildEnvironment,
        added: set[str],
        changed: set[str],
        removed: set[str],
    ) -> list[str]:
        if self.everything:
            self.changed = True
            return sorted(env.found_docs)
        # Sphinx reads some documents on every build (an error in them, a toctree
        # naming a missing document): that alone changes nothing for the others
        self.changed = bool(
            added
            or removed
            or any(doc not in env.reread_always or _edited(env, doc) for doc in changed)
        )
        return sorted(set(self.kept.reread) & env.found_docs)

    def _before_read(self, app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
        self.read, self.started = set(docnames), time.time_ns()

    def _updated(self, app: Sphinx, env: BuildEnvironment) -> list[str]:
        # Sphinx writes again only what was read: a link or a toctree in an
        # unchanged document may now resolve otherwise, so write them all
        if not self.rewrite:
            return []
        if self.changed:
            return sorted(env.found_docs)
        return sorted(set(self.kept.rewrite) & env.found_docs)

    def _resolved(self, app: Sphinx, doctree: object, docname: str) -> None:
        self.written.add(docname)

    def keep(self, env: BuildEnvironment, warnings: Iterable[BuildWarning]) -> Kept:
        """What the next check reads and writes again: the documents that warned,
        and those changed while this check ran.

        :param env: the finished build's environment
        :param warnings: every warning of the build
        :return: the state to keep
        """
        srcdir = Path(env.srcdir).resolve()
        readers: dict[Path, set[str]] = {}
        for doc, deps in env.dependencies.items():
            for dep in deps:
                readers.setdefault((srcdir / dep).resolve(), set()).add(doc)
        reread: set[str] = set()
        rewrite: set[str] = set()
        for warning in warnings:
            if not warning.path:
                continue  # given by every build (the configuration's) or by none
            found = env.path2doc(warning.path)
            docs = {found} if found else readers.get(Path(warning.path).resolve(), set())
            (rewrite if warning.is_plan else reread).update(docs)
        # Sphinx notes when it read a document after reading it: a file changed in
        # between (reverted by its author) would look read; a file changed before
        # reading started was read as it is
        reread |= {
            doc for doc in self.read & env.found_docs if _edited(env, doc, since=self.started)
        }
        if not self.rewrite:
            # what this build did not write, the next check writes (all of it
            # when a document changed)
            unwritten = env.found_docs - self.written
            rewrite |= unwritten if self.changed else unwritten & set(self.kept.rewrite)
        rewrite -= reread
        return Kept(self.config, sorted(reread & env.found_docs), sorted(rewrite & env.found_docs))

    def carry_on(self, env: BuildEnvironment, warnings: Iterable[BuildWarning]) -> None:
        """Get ready for the next build of the same application (the language
        server's, kept in memory): keep what it reads and writes again.

        :param env: the finished build's environment
        :param warnings: every warning of the build
        """
        self.kept = self.keep(env, warnings)
        self.read, self.written, self.changed = set(), set(), False


def _edited(env: BuildEnvironment, docname: str, since: int | None = None) -> bool:
    """Whether *docname* or a file it depends on changed since it was last read
    (or since *since*, in nanoseconds).

    :param env: the environment
    :param docname: the document
    :param since: a time, instead of when the document was read
    :return: ``True`` when it did, or a file is gone
    """
    srcdir = Path(env.srcdir)
    # in microseconds, as Sphinx compares them
    after = since // 1_000 if since is not None else env.all_docs.get(docname, 0)
    try:
        return any(
            path.stat().st_mtime_ns // 1_000 > after
            for path in (
                Path(env.doc2path(docname)),
                *(srcdir / dep for dep in env.dependencies.get(docname, ())),
            )
        )
    except OSError:  # a dependency gone
        return True

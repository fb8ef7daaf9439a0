"""The directory a cached ``sphinx-plan check`` keeps its environment and warnings in.

One directory per project (by default under the user's cache directory,
named after a digest of the absolute source and configuration directories),
holding Sphinx's environment (``doctrees``), the empty output of the dummy
builder (``out``), the warnings of the last check by phase and document
(``warnings.json``) and a ``lock`` file. Only one check uses a directory at a
time (an exclusive ``flock``); a directory in use, unwritable or from another
platform without ``fcntl`` is not used (the check builds in a temporary
directory). What cannot be read, or was written by another version of the
package or its dependencies, is thrown away and built again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan._version import __version__

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sphinx.application import Sphinx

    from sphinxcontrib_plan.cli.replay import Kept

#: the layout of ``warnings.json``; a change makes every kept directory stale
FORMAT = 1
STATE = "warnings.json"
#: what the directory holds besides the lock; ``--fresh`` removes these only
CONTENTS = ("doctrees", "out", STATE)


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
    import docutils
    import sphinx

    try:
        import myst_parser
        myst = myst_parser.__version__
    except ImportError:
        myst = ""
    return {"sphinxcontrib-plan": __version__, "sphinx": sphinx.__version__,
            "docutils": docutils.__version__, "myst-parser": myst,
            "python": platform.python_version()}


def _stable(value: Any) -> Any:
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
class Cache:
    """A cache directory locked for this run.

    :param path: the directory
    """

    #: also where the build's ``doctrees`` and ``out`` go
    path: Path

    def clear(self) -> None:
        """Remove the environment and the kept warnings (the lock stays)."""
        for name in CONTENTS:
            target = self.path / name
            if target.is_dir():
                shutil.rmtree(target)
            else:
                target.unlink(missing_ok=True)

    def load(self) -> tuple[Kept, str] | None:
        """The warnings the last check kept, and its configuration digest; taken out
        of the directory, so that a check that does not finish leaves none.

        :return: ``None`` when there are none, they cannot be read, or they
            come from other versions or an unattributed warning
        """
        from sphinxcontrib_plan.cli.records import BuildWarning
        from sphinxcontrib_plan.cli.replay import Kept

        state = self.path / STATE
        try:
            data = json.loads(state.read_text(encoding="utf-8"))
            state.unlink()
            if (data["format"] != FORMAT or data["versions"] != versions()
                    or not data["trusted"]):
                return None

            def warnings(rows: list[list[Any]]) -> list[BuildWarning]:
                return [BuildWarning(*row) for row in rows]

            return Kept(read={d: warnings(r) for d, r in data["read"].items()},
                        write={d: warnings(r) for d, r in data["write"].items()},
                        consistency=warnings(data["consistency"])), str(data["config"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save(self, kept: Kept, config: str) -> None:
        """Keep the warnings of this check (written atomically).

        :param kept: the warnings by phase and document
        :param config: the configuration digest of this check
        """
        from dataclasses import astuple

        def rows(warnings: list[Any]) -> list[list[Any]]:
            return [list(astuple(w)) for w in warnings]

        data = {"format": FORMAT, "versions": versions(), "config": config,
                "trusted": kept.trusted,
                "read": {d: rows(w) for d, w in kept.read.items()},
                "write": {d: rows(w) for d, w in kept.write.items()},
                "consistency": rows(kept.consistency)}
        target = self.path / STATE
        temporary = target.with_suffix(".tmp")
        temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        temporary.replace(target)


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
        handle = open(path / "lock", "a+b")  # noqa: SIM115 (held until the end)
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

"""A Sphinx project kept warm in memory, built again with the editor's buffers.

The build is ``sphinx-plan check``'s (:mod:`~sphinxcontrib_plan.cli.check`):
the same builder and highlighting, its warnings recorded by
:func:`~sphinxcontrib_plan.cli.build.open_app`, and a
:class:`~sphinxcontrib_plan.cli.check_cache.WarmBuild` deciding what is read
and resolved again. The application and its environment live as long as the
server, so that each build reads again only the documents whose buffer
changed (a ``source-read`` handler gives Sphinx the buffer instead of the
file, which is never written) and those the warm build asks for; when a
document changed every document is resolved again, so that the warnings an
edit causes elsewhere (a broken reference) are reported. A changed
``conf.py`` makes a new application.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.cli.build import build_errors, open_app
from sphinxcontrib_plan.cli.check_cache import Kept, WarmBuild
from sphinxcontrib_plan.cli.kept_build import BUILDER, highlight_as_html

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from sphinxcontrib_plan.cli.records import BuildWarning, RecordingHandler
    from sphinxcontrib_plan.domain import PlanDomain


#: builds after which the heap is collected and frozen again (cyclic garbage left
#: among frozen objects, such as the records an edit replaced, is freed then)
REFREEZE = 100
#: configuration the server builds with over the project's
NO_EXPORT = {"plan_json": False}


def find_confdir(path: Path) -> Path | None:
    """The nearest directory holding ``conf.py``, from *path* upward.

    :param path: a file or directory of the project
    :return: the directory, or ``None`` when there is none
    """
    for folder in (path if path.is_dir() else path.parent, *path.parents):
        if (folder / "conf.py").is_file():
            return folder
    return None


class Project:
    """One Sphinx project, its application kept between builds.

    :param sourcedir: the source directory
    :param confdir: the directory of ``conf.py``, if not *sourcedir*
    """

    def __init__(self, sourcedir: Path, confdir: Path | None = None) -> None:
        self.sourcedir = sourcedir.resolve()
        self.confdir = (confdir or sourcedir).resolve()
        #: the editor's text of each open document, by docname
        self.buffers: dict[str, str] = {}
        #: documents whose buffer changed since the last build
        self.dirty: set[str] = set()
        #: every warning of the last build, sorted
        self.warnings: list[BuildWarning] = []
        #: seconds the last build took, and the documents it read
        self.elapsed = 0.0
        self.read: set[str] = set()
        self._stack = contextlib.ExitStack()
        self._tmp = tempfile.TemporaryDirectory(prefix="sphinx-plan-lsp-")
        self._app: Sphinx | None = None
        self._handler: RecordingHandler | None = None
        self._warm: WarmBuild | None = None
        self._conf_mtime = 0
        #: builds since the heap was last collected and frozen (:meth:`settle`)
        self._unsettled: int | None = None

    # -- the application ----------------------------------------------------

    def _start(self) -> Sphinx:
        args = argparse.Namespace(
            sourcedir=self.sourcedir, confdir=self.confdir, define=[], jobs=1, verbose=0
        )
        self._conf_mtime = self._conf_stamp()
        app, self._handler = self._stack.enter_context(
            # plan.json is for readers of the output: the server has none
            open_app(args, Path(self._tmp.name), buildername=BUILDER, settings=NO_EXPORT)
        )
        highlight_as_html(app)
        self._warm = WarmBuild(Kept())
        self._warm.connect(app)
        app.connect("source-read", self._source_read)
        # before the extension's (500), which asks to write again the pages whose
        # collectors list what changed: rendering them gives no warning, and
        # writing the register page was most of an edit's time (1,000 objects)
        app.connect("env-get-updated", self._no_refresh, priority=400)
        # after the warm build's (500): an edited buffer is an edited document
        app.connect("env-get-outdated", self._outdated, priority=600)
        return app

    def _conf_stamp(self) -> int:
        try:
            return (self.confdir / "conf.py").stat().st_mtime_ns
        except OSError:
            return 0

    def _source_read(self, app: Sphinx, docname: str, source: list[str]) -> None:
        if docname in self.buffers:
            source[0] = self.buffers[docname]

    def _outdated(
        self,
        app: Sphinx,
        env: BuildEnvironment,
        added: set[str],
        changed: set[str],
        removed: set[str],
    ) -> list[str]:
        # as in an incremental sphinx-build: the edited document is read and
        # written, the plan's references of every document are checked (at
        # env-updated), the pages whose collectors list what changed are written
        # (the extension's env-get-updated), and the warm build's documents
        dirty, self.dirty = self.dirty & env.found_docs, set()
        return sorted(dirty - added - changed)

    def _no_refresh(self, app: Sphinx, env: BuildEnvironment) -> list[str]:
        from sphinxcontrib_plan.domain import plan_domain

        plan_domain(env).state.take_refresh()
        return []

    @property
    def app(self) -> Sphinx | None:
        """The application, once a build has made it."""
        return self._app

    @property
    def domain(self) -> PlanDomain | None:
        """The ``plan`` domain of the last build."""
        if self._app is None:
            return None
        from sphinxcontrib_plan.domain import plan_domain

        return plan_domain(self._app.env)

    # -- documents ------------------------------------------------------------

    def docname(self, path: Path) -> str | None:
        """The docname of the source file *path*, ``None`` outside the project."""
        try:
            rel = path.resolve().relative_to(self.sourcedir)
        except ValueError:
            return None
        if self._app is not None:
            return self._app.env.path2doc(str(self.sourcedir / rel))
        return rel.with_suffix("").as_posix() if path.suffix in (".md", ".rst") else None

    def path(self, docname: str) -> Path:
        """The source file of *docname*."""
        if self._app is None:
            return self.sourcedir / docname
        return Path(self._app.env.doc2path(docname))

    def edit(self, docname: str, text: str | None) -> None:
        """Give the editor's text of *docname* (``None``: the file's again).

        :param docname: the document
        :param text: its text in the editor
        """
        if text is None:
            self.buffers.pop(docname, None)
        elif self.buffers.get(docname) == text:
            return
        else:
            self.buffers[docname] = text
        self.dirty.add(docname)

    # -- building ---------------------------------------------------------------

    def build(self) -> list[BuildWarning]:
        """Build again: read the changed documents, resolve them all if one changed.

        :return: every warning, sorted by file and line
        :raise BuildError: when the project cannot be built (its conf.py fails...)
        """
        start = time.perf_counter()
        if self._app is not None and self._conf_stamp() != self._conf_mtime:
            self.close()
        try:
            with build_errors():
                if self._app is None:
                    self._app = self._start()
                    self.dirty.clear()
                    self._unsettled = None
                self._build(self._app)
        except Exception:
            self.close()
            raise
        self.elapsed = time.perf_counter() - start
        self._unsettled = None if self._unsettled is None else self._unsettled + 1
        return self.warnings

    def settle(self) -> None:
        """Keep the garbage collector off the warm project, once the diagnostics are out.

        The application, its environment and the index stay alive as long as the
        server: a full collection walks them all (2 s at 10,000 objects, a fifth of
        the edits measured). After the first build, and after every
        :data:`REFREEZE` builds, the heap is collected once and frozen
        (:func:`gc.freeze`): later collections look only at what the edits made.
        """
        if self._unsettled is not None and self._unsettled < REFREEZE:
            return
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self._unsettled = 0

    def _build(self, app: Sphinx) -> None:
        assert self._handler is not None and self._warm is not None
        self._handler.records.clear()
        app.build(force_all=False)
        self.warnings = self._handler.warnings()
        self.read = set(self._warm.read)
        self._warm.carry_on(app.env, self.warnings)

    def close(self) -> None:
        """Forget the application (the next build makes a new one, reading every
        document)."""
        self._stack.close()
        self._stack = contextlib.ExitStack()
        self._app = self._handler = self._warm = None

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
        self._tmp.cleanup()

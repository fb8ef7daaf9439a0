"""The extension's files in an HTML build's ``_static``: which pages link them,
when they are copied, and what happens when the project ships a file of the
same name.

The extension stays out of the way of a project that does not use it: a page
without plan content links no stylesheet, a project without plan content gets
no file in ``_static``, and a file the project provides itself (through
``html_static_path`` or ``html_extra_path``) is never replaced. When the
project's file takes a name the extension writes, the project's file is kept,
a ``plan.config`` warning says so, and the extension's file is written under
a name of its own (:data:`FALLBACK`).
"""

from __future__ import annotations

import os
import tempfile
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.domain import plan_domain

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


#: the package's static files
STATIC = Path(__file__).parent.parent / "static"
#: the stylesheet and the interactive tables' script, by their name in ``static/``
STYLESHEET = "plan.css"
SCRIPT = "plan-tables.js"
#: the name each file takes in ``_static`` when the project ships one of the same name
FALLBACK = {STYLESHEET: "sphinxcontrib-plan.css", SCRIPT: "sphinxcontrib-plan-tables.js"}
#: builders that write one page per document; the others (singlehtml, latex…)
#: assemble several documents into one tree, so a page's own document tells
#: nothing about what the tree holds
PER_DOCUMENT = frozenset(
    {"html", "dirhtml", "epub", "text", "xml", "pseudoxml", "json", "pickle", "dummy"}
)


def shipped_by_project(app: Sphinx, names: list[str]) -> dict[str, Path]:
    """Which of *names* (paths relative to the output directory, e.g.
    ``_static/plan.css``, ``plan.json``) the project's own ``html_static_path``
    and ``html_extra_path`` put into the output.

    Only the exact candidate paths are looked at: no directory is walked.

    :param app: the Sphinx application
    :param names: output paths the extension would write
    :return: output path to the project's file providing it
    """
    if app.builder.format != "html":
        return {}
    confdir = Path(app.confdir)
    found: dict[str, Path] = {}
    for setting, prefix in (("html_extra_path", ""), ("html_static_path", "_static/")):
        for entry in getattr(app.config, setting, None) or ():
            root = confdir / entry
            for name in names:
                if not name.startswith(prefix):
                    continue
                inner = name.removeprefix(prefix)
                # an entry is a folder whose content is copied, or a single file
                candidate = root / inner if root.is_dir() else root
                if (
                    candidate.is_file()
                    and (root.is_dir() or root.name == inner)
                    and name not in found
                ):
                    found[name] = candidate
    return found


#: the package's static files that each application's project ships itself
_SHIPPED: weakref.WeakKeyDictionary[Sphinx, set[str]] = weakref.WeakKeyDictionary()


def asset_name(app: Sphinx, name: str) -> str:
    """The name the package's static file *name* takes in ``_static`` this build.

    :param app: the Sphinx application
    :param name: :data:`STYLESHEET` or :data:`SCRIPT`
    :return: the name itself, or its :data:`FALLBACK` when the project ships a file so named
    """
    shipped = _SHIPPED.get(app)
    if shipped is None:
        shipped = _SHIPPED[app] = set(shipped_by_project(app, [f"_static/{n}" for n in FALLBACK]))
    return FALLBACK[name] if f"_static/{name}" in shipped else name


def warn_shipped(app: Sphinx) -> None:
    """Warn about each of the extension's static files that the project ships itself.

    :param app: the Sphinx application
    """
    from sphinxcontrib_plan.warnings import PlanWarning, warn

    for name, source in shipped_by_project(app, [f"_static/{n}" for n in FALLBACK]).items():
        own = FALLBACK[name.removeprefix("_static/")]
        warn(
            PlanWarning.CONFIG,
            f"the project's own {source.name} becomes {name} through its html_static_path or "
            f"html_extra_path; it is kept, and the extension's file is written as "
            f"_static/{own} instead (rename the project's file to use the default name)",
            location=f"{source}:1",
        )


def has_plan_content(env: BuildEnvironment, docname: str, *holding: str) -> bool:
    """Whether the tree written for *docname* may hold plan content.

    :param env: the environment
    :param docname: the document (or the root of an assembled tree)
    :param holding: only content of these kinds (some of :data:`~sphinxcontrib_plan.domain.HOLDS`)
    :return: ``False`` only when there is certainly nothing of the extension's (of those kinds)
    """
    domain = plan_domain(env)
    # Sphinx 8.1+ keeps the builder's class on the environment; 7.4 has env.app
    builder = getattr(env, "_builder_cls", None) or env.app.builder
    one = builder.name in PER_DOCUMENT
    if holding:
        return domain.holds(docname if one else None, *holding)
    return domain.has_content(docname) if one else domain.has_any_content()


def copy_static(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Copy the static files into ``_static`` once the documents are read, if any
    document holds plan content (before any page is written: Sphinx adds a
    file's checksum to its link only when the file exists).

    Copied rather than added to ``html_static_path``: changing that value would
    make every following build look like a configuration change.

    :param app: the Sphinx application
    :param env: the environment
    :return: no documents to add
    """
    domain = plan_domain(env)
    if app.builder.format != "html" or not domain.has_any_content():
        return []
    static = Path(app.builder.outdir, "_static")
    static.mkdir(parents=True, exist_ok=True)
    for name in FALLBACK:
        source, target = STATIC / name, static / asset_name(app, name)
        content = source.read_bytes()
        # replaced whenever the package's file changed (an upgrade), left
        # untouched otherwise; Sphinx's copy_asset_file would refuse and warn
        if not target.is_file() or target.read_bytes() != content:
            replace_file(target, content)
    return []


def replace_file(target: Path, content: bytes) -> None:
    """Replace *target* with *content* atomically: readers never see half a file.

    :param target: destination (its folder exists)
    :param content: the bytes
    """
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(content)
        # mkstemp creates the file private (0600); an output file is for everyone
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def link_stylesheet(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    """Link the stylesheet from the pages holding plan content, and from no other.

    :param app: the Sphinx application
    :param pagename: the page
    :param templatename: its template
    :param context: the template context
    :param doctree: the page's tree (``None`` for generated pages: index, search)
    """
    if doctree is not None and has_plan_content(app.env, pagename):
        app.add_css_file(asset_name(app, STYLESHEET))


def setup_assets(app: Sphinx) -> None:
    """Connect the static files' handlers.

    :param app: the Sphinx application
    """
    app.connect("env-updated", copy_static)
    app.connect("html-page-context", link_stylesheet)

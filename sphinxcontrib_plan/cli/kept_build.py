"""The build that ``check``, ``export`` and ``import`` share, kept between runs.

One incremental Sphinx build per project, in its cache directory
(:mod:`~sphinxcontrib_plan.cli.check_cache`): the first command reads every
document, the next ones only what changed since and what gave warnings. Every
command that builds the project through it gives the warnings and the data a
fresh build gives; ``--no-cache`` builds in a temporary directory instead.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from sphinxcontrib_plan.cli.build import BuildError, check_paths, sphinx_build
from sphinxcontrib_plan.cli.check_cache import (
    CacheUnavailable,
    Kept,
    WarmBuild,
    claim,
    default_dir,
    locked,
)

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Iterator

    from sphinx.application import Sphinx

    from sphinxcontrib_plan.cli.build import BuildResult
    from sphinxcontrib_plan.cli.check_cache import Cache

#: the builder of every kept build: it writes only the documents read or asked
#: for again (its output goes to the cache directory, or a temporary one)
BUILDER = "pseudoxml"


def add_cache_arguments(parser: argparse.ArgumentParser) -> None:
    """The options that choose where the build is kept: ``--cache-dir``,
    ``--no-cache`` and ``--fresh``.

    :param parser: the subcommand's parser
    """
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--cache-dir",
        metavar="DIR",
        type=Path,
        help="keep the environment in DIR (outside SOURCEDIR) instead of the "
        "user's cache directory",
    )
    where.add_argument(
        "--no-cache",
        action="store_true",
        help="build a fresh environment in a temporary directory, kept nowhere",
    )
    parser.add_argument(
        "--fresh",
        "-E",
        action="store_true",
        help="throw the kept environment away first (-E: as sphinx-build)",
    )


def highlight_as_html(app: Sphinx) -> None:
    """Highlight every code block of the documents written, as the HTML builder
    does, so that the build gives the warnings ``sphinx-build -W`` gives for
    them (an unknown lexer, code that does not lex); the output is thrown away.
    Then, the last of every ``doctree-resolved`` handler, empty the resolved
    tree: the output is nothing but a mark that the document was written (the
    builder then copies and writes nothing of it).

    :param app: the application, before it builds
    """
    from docutils import nodes
    from sphinx.highlighting import PygmentsBridge

    bridge = PygmentsBridge("html")

    def highlight(app: Sphinx, doctree: nodes.document, docname: str) -> None:
        for node in doctree.findall(nodes.literal_block):
            if node.rawsource != node.astext():
                continue  # a parsed literal: the HTML builder does not highlight it either
            lang = node.get("language", "default")
            bridge.highlight_block(
                node.rawsource,
                lang,
                opts=app.config.highlight_options.get(lang, {}),
                linenos=node.get("linenos", False),
                location=node,
                **{**node.get("highlight_args", {}), "force": node.get("force", False)},
            )
        del doctree[:]

    app.connect("doctree-resolved", highlight, priority=1000)


@contextlib.contextmanager
def project_build(
    args: argparse.Namespace, note: Callable[[str], None], *, rewrite: bool = True
) -> Iterator[BuildResult]:
    """Build the project of *args* in its kept directory (or a temporary one).

    :param args: parsed arguments of :func:`~sphinxcontrib_plan.cli.build.add_build_arguments`
        and :func:`add_cache_arguments`
    :param note: called with what the cache did (for ``-v``)
    :param rewrite: write again what a check writes again, for its warnings;
        ``False`` when the environment's data is what is wanted (export,
        import): only the documents read are written (their warnings, and the
        plan warnings the extension repeats for every document, are given), and
        the next check writes the others
    :return: a context giving the finished build; what the next run reads
        again is kept when the context is left without an error
    :raise BuildError: when the project cannot be built, or the cache directory
        holds files that the commands did not write
    """
    if args.no_cache:
        with _fresh(args) as result:
            yield result
        return
    confdir = check_paths(args.sourcedir, args.confdir)
    path = (args.cache_dir or default_dir(args.sourcedir, confdir)).resolve()
    if path.is_relative_to(args.sourcedir.resolve()):
        raise BuildError(
            f"the cache directory {str(path)!r} is inside SOURCEDIR: choose one "
            f"outside it with --cache-dir DIR (nothing is written in SOURCEDIR)"
        )
    claim(path, adopt=args.cache_dir is None)
    with contextlib.ExitStack() as stack:
        try:
            cache = stack.enter_context(locked(path))
        except CacheUnavailable as err:
            note(f"{err}: building in a temporary directory")
            cache = None
        if cache is None:
            yield stack.enter_context(_fresh(args))
            return
        kept = None if args.fresh else cache.load()
        if kept is None:
            cache.clear()
        warm = WarmBuild(kept or Kept(), rewrite=rewrite)
        try:
            result = stack.enter_context(_update(args, cache, warm, fresh=kept is None))
        except BuildError:
            if kept is None:
                raise
            # a doctree of the kept environment missing or unreadable: once more from scratch
            cache.clear()
            warm = WarmBuild(Kept(), rewrite=rewrite)
            result = stack.enter_context(_update(args, cache, warm, fresh=True))
        yield result
        cache.save(warm.keep(result.app.env, result.warnings))
        note(
            f"cache {str(cache.path)!r}: {_plural(len(warm.read), 'document')} read, "
            f"{len(warm.written)} resolved"
        )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


@contextlib.contextmanager
def _fresh(args: argparse.Namespace) -> Iterator[BuildResult]:
    """A build in a temporary directory, keeping nothing."""
    with (
        tempfile.TemporaryDirectory(prefix="sphinx-plan-") as tmp,
        sphinx_build(args, Path(tmp), buildername=BUILDER, prepare=highlight_as_html) as result,
    ):
        yield result


def _update(
    args: argparse.Namespace, cache: Cache, warm: WarmBuild, *, fresh: bool
) -> contextlib.AbstractContextManager[BuildResult]:
    """One incremental build in the cache directory."""

    def prepare(app: Sphinx) -> None:
        highlight_as_html(app)
        warm.connect(app)

    return sphinx_build(args, cache.path, freshenv=fresh, buildername=BUILDER, prepare=prepare)

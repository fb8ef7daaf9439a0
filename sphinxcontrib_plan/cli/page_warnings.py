"""The plan warnings of a page in a box at its top (``plan_page_warnings``).

``sphinx-plan serve`` sets the value for its live preview: the author sees
what the build says about the page being edited without reading the
terminal. The warnings are the build's own, kept as records by the
:class:`~.records.RecordingHandler` of the commands;
the extension repeats the plan warnings of the documents it does not read
again, so an incremental build knows them all once it has read. Pages that
warn, or warned at the last build, are written again (their box changes);
the list of the last build is kept in the doctree directory. HTML builders
only. It sits with the commands, whose warning records it shows; the
extension's setup connects it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

    from sphinxcontrib_plan.cli.records import BuildWarning, RecordingHandler

#: the pages that showed warnings at the last build, in the doctree directory
STATE = "plan-page-warnings.json"
#: the class of the box, for themes and tests
CLASS = "plan-page-warnings"


class PageWarnings:
    """The warnings of one build, shown on their pages.

    :param app: the application, its configuration read
    """

    def __init__(self, app: Sphinx) -> None:
        from sphinxcontrib_plan.cli.records import RecordingHandler

        self.handler: RecordingHandler = RecordingHandler()
        self.handler.attach(app)
        app.connect("env-get-updated", self.pages, priority=900)
        app.connect("doctree-resolved", self.show, priority=900)
        app.connect("build-finished", lambda app, exc: self.handler.detach())

    def by_page(self, env: BuildEnvironment) -> dict[str, list[BuildWarning]]:
        """The plan warnings given so far, by the document they concern."""
        from sphinxcontrib_plan.cli.records import BuildWarning

        pages: dict[str, list[BuildWarning]] = {}
        for warning in sorted(
            map(BuildWarning.from_record, self.handler.records), key=BuildWarning.sort_key
        ):
            docname = env.path2doc(warning.path) if warning.is_plan and warning.path else None
            if docname is not None and warning not in pages.get(docname, []):
                pages.setdefault(docname, []).append(warning)
        return pages

    def pages(self, app: Sphinx, env: BuildEnvironment) -> list[str]:
        """The pages to write again: those that warn now or warned at the last build."""
        state = Path(app.doctreedir) / STATE
        try:
            before = set(json.loads(state.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            before = set()
        now = set(self.by_page(env))
        state.write_text(json.dumps(sorted(now)), encoding="utf-8")
        return sorted((now | before) & env.found_docs)

    def show(self, app: Sphinx, doctree: nodes.document, docname: str) -> None:
        """Put the box of *docname*'s warnings at the top of its page."""
        if app.builder.format != "html":
            return
        warnings = self.by_page(app.env).get(docname)
        if not warnings:
            return
        box = nodes.admonition(classes=[CLASS, "warning"])
        count = len(warnings)
        box += nodes.title(text=f"{count} plan warning{'s' * (count != 1)} on this page")
        items = nodes.bullet_list()
        for warning in warnings:
            where = f"line {warning.line}: " if warning.line else ""
            text = f"{where}{warning.message} [{warning.code}]"
            items += nodes.list_item("", nodes.paragraph(text=text))
        box += items
        box += nodes.paragraph(text="Shown by sphinx-plan serve (plan_page_warnings).")
        section = next(iter(doctree.findall(nodes.section)), None)
        if section is None:
            doctree.insert(0, box)
        else:
            section.insert(
                1 if section.children and isinstance(section[0], nodes.title) else 0, box
            )


def _config_inited(app: Sphinx, config: Config) -> None:
    if config.plan_page_warnings is True:
        PageWarnings(app)


def setup_page_warnings(app: Sphinx) -> None:
    """Show the warnings on their pages when ``plan_page_warnings`` is set.

    :param app: the Sphinx application
    """
    app.connect("config-inited", _config_inited, priority=800)

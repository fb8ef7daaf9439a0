"""Docs-only: what the docs show, recorded per page (the ``planref`` domain),
``plan-example`` (a user example shown as source, then rendered live), and the
check that every built-in type, option and collector has a rendered example."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.domains import Domain
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from sphinxcontrib_plan.model.collectors import COLLECTORS, COMMON_OPTIONS
from sphinxcontrib_plan.model.types import BUILTIN_TYPES
from sphinxcontrib_plan.model.typespec import COMMON_FIELDS

if TYPE_CHECKING:
    from collections.abc import Set

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


from plan_ref_nodes import directive_name, para

logger = logging.getLogger(__name__)

#: collector options have no help text in the code: written here, and a new
#: option without an entry is reported by the coverage check
COLLECTOR_OPTION_HELP: dict[str, tuple[str, str]] = {
    "plan": (
        "comma list of plan ids",
        "Only objects of these plans (for ``plan-overview``: only these plans). "
        "Default: every plan.",
    ),
    "filter": (
        "filter expression",
        "Only the rows for which the expression holds; see the filter language.",
    ),
    "sort": (
        "comma list of fields, ``-`` for descending",
        "Row order, e.g. ``-severity, id``. Enums sort by rank, ids naturally "
        "(``R2`` before ``R10``), missing values last. Default: the type's sort.",
    ),
    "columns": (
        "comma list of field and derived names",
        "Which columns a table shows, in order. Default: the type's columns.",
    ),
    "caption": ("text", "Caption of the rendered table or figure."),
    "source": (
        "``local``, ``external``, ``all`` or project names, comma list",
        "Whose objects: this project's (``local``, the default), every "
        "``plan_external`` project's (``external``), both (``all``), or the named "
        "projects (``payments, local``). Other projects' rows link to their pages.",
    ),
    "type": (
        "an object type name",
        "``plan-query`` only, and required there: the type listed, e.g. ``risk``.",
    ),
}


_MYST_OPEN = re.compile(r"^\s*(?::{3,}|`{3,})\{(plan(?:-[\w-]+)?)\}")
_RST_OPEN = re.compile(r"^\s*\.\.\s+(plan(?:-[\w-]+)?)::")
_OPTION = re.compile(r"^\s*:([\w-]+):")


# -- the record of what the docs show -------------------------------------------


class PlanRefDomain(Domain):
    """Per-document record of reference sections and rendered examples."""

    name = "planref"
    label = "plan reference (docs)"
    data_version = 1
    initial_data: ClassVar[dict[str, Any]] = {
        "types": {},  # docname -> type names with a plan-ref-type section
        "examples": {},  # docname -> [(directive, [options])]
        "exports": {},  # docname -> [[json|openapi, key]] of its export excerpts
        "digests": {},  # main process only: digest of each page's excerpts
        "texts": {},  # main process only: "<what> <key>" -> excerpt text of this build
    }

    def clear_doc(self, docname: str) -> None:
        """Forget what *docname* showed."""
        for key in ("types", "examples", "exports"):
            self.data[key].pop(docname, None)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        """Take the entries of *docnames* from a parallel worker."""
        for key in ("types", "examples", "exports"):
            for docname, value in otherdata[key].items():
                if docname in docnames:
                    self.data[key][docname] = value

    def resolve_any_xref(self, *args: Any) -> list[tuple[str, nodes.Element]]:
        """Nothing to resolve."""
        return []


def ref_domain(env: BuildEnvironment) -> PlanRefDomain:
    return env.get_domain("planref")  # type: ignore[return-value]


class ExampleDirective(SphinxDirective):
    """``plan-example``: show the user example as source, then render it live."""

    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {"caption": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        text = "\n".join(self.content)
        language = "markdown" if self.env.doc2path(self.env.docname).suffix == ".md" else "rst"
        self._record(text)
        caption = self.options.get("caption", "Source")
        source = nodes.container(classes=["plan-docs-source"])
        source += para(nodes.strong(caption, caption))
        block = nodes.literal_block(text, text, language=language)
        self.set_source_info(block)
        source += block
        rendered = nodes.container(classes=["plan-docs-rendered"])
        rendered += para(nodes.strong("Rendered", "Rendered"))
        rendered.extend(self.parse_content_to_nodes())
        return [nodes.container("", source, rendered, classes=["plan-docs-example"])]

    def _record(self, text: str) -> None:
        uses: list[tuple[str, list[str]]] = []
        current: list[str] | None = None
        for line in text.splitlines():
            match = _MYST_OPEN.match(line) or _RST_OPEN.match(line)
            if match:
                current = []
                uses.append((match.group(1), current))
                continue
            option = _OPTION.match(line) if current is not None else None
            if option and current is not None:
                current.append(option.group(1))
            else:
                current = None
        ref_domain(self.env).data["examples"].setdefault(self.env.docname, []).extend(uses)


# -- coverage -------------------------------------------------------------------------


def check_coverage(app: Sphinx, env: BuildEnvironment) -> None:
    """Warn about anything in the registry that the docs do not show.

    :param app: the Sphinx application
    :param env: the environment
    """
    data = ref_domain(env).data
    sections = {t for names in data["types"].values() for t in names}
    shown: dict[str, set[str]] = {}
    for uses in data["examples"].values():
        for directive, options in uses:
            shown.setdefault(directive, set()).update(options)
    every_option = {o for options in shown.values() for o in options}

    def missing(what: str) -> None:
        logger.warning("reference coverage: %s", what, type="plan-docs", subtype="coverage")

    for otype in BUILTIN_TYPES:
        name = directive_name(otype)
        if otype.name not in sections:
            missing(f"no `plan-ref-type {otype.name}` section")
        if name not in shown:
            missing(f"no rendered `plan-example` uses {name}")
            continue
        for spec in otype.fields:
            if spec.name not in shown[name]:
                missing(f"no rendered example of {name} :{spec.name}:")
    for spec in COMMON_FIELDS:
        if spec.name not in every_option:
            missing(f"no rendered example uses the common option :{spec.name}:")
    collector_options: set[str] = set()
    for kind in COLLECTORS:
        name = f"plan-{kind}"
        if name not in shown:
            missing(f"no rendered `plan-example` uses {name}")
        collector_options |= shown.get(name, set())
    for option in (*COMMON_OPTIONS, "type"):
        if option not in COLLECTOR_OPTION_HELP:
            missing(f"collector option :{option}: has no entry in COLLECTOR_OPTION_HELP")
        if option not in collector_options:
            missing(f"no rendered collector example uses :{option}:")

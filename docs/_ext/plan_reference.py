"""Docs-only extension: the reference pages, generated from sphinxcontrib-plan's own data.

Every directive here builds docutils nodes (tables, field lists, definition
lists, literal blocks) straight from the registry of object types, the
collector table, the ``PlanConfig`` dataclass, the ``PlanWarning`` enum and
``DERIVED_FIELDS``; nothing is generated as markup text and parsed again, so the
reference cannot drift from the code and reads the same in every builder.

``plan-example`` is the one directive that parses text: the user example it
is given, shown first as source and then rendered live. The examples it sees
are recorded, and at ``env-check-consistency`` every built-in type, every
option, every collector and every collector option must have been shown in a
rendered example, or the build warns (``plan-docs.coverage``), which ``-W``
turns into a failure.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import os
import re
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.domains import Domain
from sphinx.errors import NoUri
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from sphinxcontrib_plan import warnings as plan_warnings
from sphinxcontrib_plan.config import CONSISTENCY_CHECKS, PlanConfig
from sphinxcontrib_plan.model.collectors import COLLECTORS, COMMON_OPTIONS
from sphinxcontrib_plan.model.derived import DERIVED_FIELDS, derived_for
from sphinxcontrib_plan.model.fields import allowed
from sphinxcontrib_plan.model.ids import METHODS
from sphinxcontrib_plan.model.types import BUILTIN_TYPES
from sphinxcontrib_plan.model.typespec import COMMON_FIELDS, FieldSpec, Kind
from sphinxcontrib_plan.render import nodes as render_nodes
from sphinxcontrib_plan.render.nodes import joined
from sphinxcontrib_plan.warnings import PlanWarning

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence, Set

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

    from sphinxcontrib_plan.model.typespec import ObjectType

logger = logging.getLogger(__name__)

#: the plan holding the reference examples; role examples link to ``DOC-<type>``
DOC_PLAN = "DOC"

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


_INLINE = re.compile(r"``(.+?)``|`([^`]+)`")
_MYST_OPEN = re.compile(r"^\s*(?::{3,}|`{3,})\{(plan(?:-[\w-]+)?)\}")
_RST_OPEN = re.compile(r"^\s*\.\.\s+(plan(?:-[\w-]+)?)::")
_OPTION = re.compile(r"^\s*:([\w-]+):")


# -- node factories ------------------------------------------------------------


def inline_nodes(text: str) -> list[nodes.Node]:
    """Help text from the code as nodes: ````x```` and ```x``` become literals.

    :param text: a help string or docstring
    :return: Text and literal nodes
    """
    result: list[nodes.Node] = []
    pos = 0
    for match in _INLINE.finditer(text):
        if match.start() > pos:
            result.append(nodes.Text(text[pos : match.start()]))
        code = match.group(1) or match.group(2)
        result.append(nodes.literal(code, code))
        pos = match.end()
    if pos < len(text):
        result.append(nodes.Text(text[pos:]))
    return result


def para(*items: str | nodes.Node) -> nodes.paragraph:
    """A paragraph of help strings (see :func:`inline_nodes`) and nodes."""
    node = nodes.paragraph()
    for item in items:
        node.extend(inline_nodes(item) if isinstance(item, str) else [item])
    return node


def lit(text: str) -> nodes.literal:
    """An inline literal."""
    return nodes.literal(text, text)


def label_ref(label: str, content: nodes.Node) -> addnodes.pending_xref:
    """A link to a ``(label)=`` of the docs; an unknown label fails the build."""
    node = addnodes.pending_xref(
        "", refdomain="std", reftype="ref", reftarget=label, refexplicit=True, refwarn=True
    )
    node += content
    return node


def plan_ref(role: str, target: str) -> addnodes.pending_xref:
    """A ``{plan:<role>}`` reference, resolved by the plan domain like the role's."""
    node = addnodes.pending_xref(
        "", refdomain="plan", reftype=role, reftarget=target, refexplicit=False, refwarn=True
    )
    node += nodes.inline(target, target)
    return node


def cell(content: Any) -> list[nodes.Node]:
    """A table cell or field body: help strings (see :func:`inline_nodes`) and nodes.

    :param content: a string, a node, or a list of them
    :return: body nodes
    """
    items = content if isinstance(content, (list, tuple)) else [content]
    if any(isinstance(i, nodes.Body) for i in items):
        return list(items)
    return [para(*[i for i in items if i is not None and i != ""])]


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    widths: Sequence[int] | None = None,
    ident: str = "",
) -> nodes.table:
    """The package's table (:func:`sphinxcontrib_plan.render.nodes.table`) of help strings.

    :param headers: column titles
    :param rows: cells per row, see :func:`cell`
    :param widths: relative column widths (default: equal)
    :param ident: an id for the table (collector pages give theirs one too)
    :return: the table node
    """
    tbl = render_nodes.table(
        headers,
        [[cell(c) for c in cells] for cells in rows],
        classes=["plan-docs-table"],
        widths=widths or [1] * len(headers),
    )
    if widths:
        tbl["classes"].append("colwidths-given")
    if ident:
        tbl["ids"].append(ident)
    return tbl


def field_list(rows: Iterable[tuple[str, Any]]) -> nodes.field_list:
    """A field list of ``(name, content)`` rows, see :func:`cell`."""
    flist = nodes.field_list()
    for name, content in rows:
        flist += nodes.field("", nodes.field_name(name, name), nodes.field_body("", *cell(content)))
    return flist


def directive_name(otype: ObjectType) -> str:
    """``plan`` for plans, ``plan-<name>`` for every other type."""
    return "plan" if otype.name == "plan" else f"plan-{otype.name}"


def _default(spec: FieldSpec) -> list[nodes.Node] | str:
    if spec.default is None:
        return "—"
    if spec.kind is Kind.FLAG:
        return "absent" if spec.default is False else "present"
    return [lit(str(spec.default))]


def _argument(otype: ObjectType) -> list[str | nodes.Node]:
    if otype.argument == "signature":
        return [
            "The signature ``METHOD /path``; methods: ",
            *joined(lit(m) for m in METHODS),
            ". Path parameters are written ``{name}``.",
        ]
    if otype.argument == "response":
        return [
            "``CODE [reason]``, e.g. ``201 Created``; also ``4XX``-style ranges and ``default``."
        ]
    if otype.argument == "optional":
        return ["An optional title (the type label is shown without one)."]
    return ["The title (required)."]


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


def _domain(env: BuildEnvironment) -> PlanRefDomain:
    return env.get_domain("planref")  # type: ignore[return-value]


# -- directives ---------------------------------------------------------------------


class RefTypesDirective(SphinxDirective):
    """``plan-ref-types``: one row per built-in type, linking to its section."""

    def run(self) -> list[nodes.Node]:
        rows = []
        for otype in BUILTIN_TYPES:
            name = directive_name(otype)
            rows.append(
                [
                    label_ref(f"directive-{name}", lit(name)),
                    otype.section,
                    lit(f"{{plan:{otype.name}}}") if otype.role else "—",
                    ", ".join(f.name for f in otype.fields) or "—",
                ]
            )
        return [
            table(
                ["directive", "template section", "role", "options (besides the common ones)"],
                rows,
                widths=[18, 27, 15, 40],
                ident="plan-docs-types",
            )
        ]


class RefTypeDirective(SphinxDirective):
    """``plan-ref-type <name>``: everything the registry says about one type."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        types = {t.name: t for t in BUILTIN_TYPES}
        otype = types.get(self.arguments[0])
        if otype is None:
            logger.warning(
                "plan-ref-type: no built-in type %r",
                self.arguments[0],
                type="plan-docs",
                subtype="unknown",
                location=self.get_location(),
            )
            return []
        _domain(self.env).data["types"].setdefault(self.env.docname, []).append(otype.name)
        derived = [d.name for d in derived_for(otype)]
        facts: list[tuple[str, Any]] = [
            ("Directive", [lit(directive_name(otype))]),
            ("Template section", otype.section),
            ("Argument", _argument(otype)),
            (
                "Role",
                [lit(f"{{plan:{otype.name}}}`id`")]
                if otype.role
                else "none: link to the enclosing object instead",
            ),
        ]
        if otype.parent:
            facts.append(("Only inside", [lit(f"plan-{otype.parent}")]))
        if otype.checklist:
            facts.append(
                (
                    "Checklist",
                    "``[ ]`` and ``[x]`` list items of the body are counted "
                    "(``done``, ``total``, ``progress``).",
                )
            )
        facts += [
            ("Default columns", joined(lit(c) for c in otype.columns)),
            ("Default sort", [lit(otype.sort)]),
            ("Derived fields", joined(label_ref("derived-fields", lit(d)) for d in derived)),
        ]
        result: list[nodes.Node] = [field_list(facts)]
        if otype.fields:
            result.append(_fields_table(otype.fields, f"plan-docs-options-{otype.name}"))
        common = para(
            "Also accepts the ",
            label_ref("common-options", nodes.inline("", "common options")),
            " ",
            *joined(lit(f":{f.name}:") for f in COMMON_FIELDS),
            ".",
        )
        result.append(common)
        return result


def _fields_table(fields: Sequence[FieldSpec], ident: str) -> nodes.table:
    rows = []
    for spec in fields:
        rows.append(
            [
                lit(f":{spec.name}:"),
                spec.kind.value + (" (required)" if spec.required else ""),
                allowed(spec),
                _default(spec),
                spec.help,
            ]
        )
    return table(
        ["option", "kind", "accepts", "default", "meaning"],
        rows,
        widths=[16, 10, 26, 10, 38],
        ident=ident,
    )


class RefCommonDirective(SphinxDirective):
    """``plan-ref-common``: the options every object accepts."""

    def run(self) -> list[nodes.Node]:
        return [_fields_table(COMMON_FIELDS, "plan-docs-common-options")]


class RefKindsDirective(SphinxDirective):
    """``plan-ref-kinds``: how each field kind is read and stored."""

    def run(self) -> list[nodes.Node]:
        from sphinxcontrib_plan.export.plan_schema import KIND_SCHEMAS

        rows = []
        for kind in Kind:
            spec = FieldSpec(
                "x",
                kind,
                ("low", "medium", "high") if kind is Kind.ENUM else (),
                target="phase" if kind in (Kind.REF, Kind.REFS) else None,
            )
            json_type = KIND_SCHEMAS[kind].get("type", "string")
            used = sorted(
                {
                    f"{directive_name(t)} :{f.name}:"
                    for t in BUILTIN_TYPES
                    for f in t.all_fields
                    if f.kind is kind and f not in COMMON_FIELDS
                }
            )
            rows.append(
                [
                    lit(kind.value),
                    allowed(spec),
                    lit(str(json_type)),
                    joined(lit(u) for u in used[:4])
                    + ([nodes.Text(" …")] if len(used) > 4 else []),
                ]
            )
        return [
            table(
                ["kind", "accepts (example)", "in plan.json", "used by"],
                rows,
                widths=[12, 30, 12, 46],
                ident="plan-docs-kinds",
            )
        ]


class RefCollectorsDirective(SphinxDirective):
    """``plan-ref-collectors``: every collector directive."""

    def run(self) -> list[nodes.Node]:
        rows = []
        for kind in COLLECTORS.values():
            name = f"plan-{kind.name}"
            rows.append(
                [
                    label_ref(f"directive-{name}", lit(name)),
                    lit(kind.main) if kind.main else "the ``:type:`` given",
                    kind.help,
                    joined(lit(d) for d in kind.depends) or "the ``:type:`` given",
                ]
            )
        return [
            table(
                ["directive", "rows are", "renders", "refreshed when these change"],
                rows,
                widths=[22, 12, 44, 22],
                ident="plan-docs-collectors",
            )
        ]


class RefCollectorOptionsDirective(SphinxDirective):
    """``plan-ref-collector-options``: the options of the collectors."""

    def run(self) -> list[nodes.Node]:
        rows = []
        for name in (*COMMON_OPTIONS, "type"):
            accepts, help_text = COLLECTOR_OPTION_HELP.get(name, ("?", ""))
            rows.append([lit(f":{name}:"), accepts, help_text])
        return [
            table(
                ["option", "accepts", "meaning"],
                rows,
                widths=[14, 30, 56],
                ident="plan-docs-collector-options",
            )
        ]


class RefDerivedDirective(SphinxDirective):
    """``plan-ref-derived``: the derived fields filters, sorts and columns may name."""

    def run(self) -> list[nodes.Node]:
        rows = []
        for field in DERIVED_FIELDS:
            scope = [
                "every type" if s == "*" else "every checklist type" if s.startswith("+") else s
                for s in field.scope
            ]
            rows.append([lit(field.name), ", ".join(scope), field.help])
        return [
            table(["name", "of", "value"], rows, widths=[18, 14, 68], ident="plan-docs-derived")
        ]


class RefRolesDirective(SphinxDirective):
    """``plan-ref-roles``: every role, with an example resolved by this very build."""

    def run(self) -> list[nodes.Node]:
        rows = []
        for otype in BUILTIN_TYPES:
            if not otype.role:
                continue
            target = DOC_PLAN if otype.name == "plan" else f"{DOC_PLAN}-{otype.name}"
            rows.append(
                [
                    lit(f"plan:{otype.name}"),
                    f"a {otype.label.lower()}",
                    lit(f"{{plan:{otype.name}}}`{target}`"),
                    plan_ref(otype.name, target),
                ]
            )
        rows.append(
            [
                lit("plan:ref"),
                "any object",
                lit(f"{{plan:ref}}`{DOC_PLAN}-risk`"),
                plan_ref("ref", f"{DOC_PLAN}-risk"),
            ]
        )
        return [
            table(
                ["role", "links to", "example", "renders as"],
                rows,
                widths=[16, 18, 36, 30],
                ident="plan-docs-roles",
            )
        ]


class RefConfigDirective(SphinxDirective):
    """``plan-ref-config``: every ``plan_*`` value from the ``PlanConfig`` dataclass."""

    def run(self) -> list[nodes.Node]:
        items = nodes.definition_list()
        for f in dataclasses.fields(PlanConfig):
            default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
            current = getattr(self.config, f"plan_{f.name}", default)
            term = nodes.term("", "", lit(f"plan_{f.name}"))
            term["ids"].append(f"confval-plan-{f.name.replace('_', '-')}")
            self.state.document.note_explicit_target(term)
            definition = nodes.definition()
            definition += para(f.metadata["help"])
            shown = repr(current)
            if len(shown) > 60:
                shown = f"{type(current).__name__} with {len(current)} entries"
            definition += field_list(
                [
                    ("Type", [lit(f.metadata["types"])]),
                    ("Default", [lit(repr(default))]),
                    (
                        "Rebuild",
                        "a full re-read of every document (``env``)"
                        if f.metadata["rebuild"]
                        else "nothing: only the outputs written at the end of a build change",
                    ),
                    ("In these docs", [lit(f"plan_{f.name} = {shown}")]),
                ]
            )
            items += nodes.definition_list_item("", term, definition)
        return [items]


class RefLimitsDirective(SphinxDirective):
    """``plan-ref-limits``: the readers' limits, from ``model/limits.py`` (values and comments)."""

    def run(self) -> list[nodes.Node]:
        from sphinx.pycode import ModuleAnalyzer

        from sphinxcontrib_plan.model import limits

        analyzer = ModuleAnalyzer.for_module(limits.__name__)
        rows = []
        for (_, name), lines in analyzer.find_attr_docs().items():
            value = getattr(limits, name)
            shown = limits.megabytes(value) if name.endswith("_BYTES") else f"{value:,}"
            rows.append((" ".join(lines).strip(), shown, f"``{name}``"))
        return [table(["What", "Limit", "Name in model/limits.py"], rows, widths=[6, 2, 3])]


class RefRuleKeysDirective(SphinxDirective):
    """``plan-ref-rule-keys``: the keys of a coverage rule, and the presets."""

    def run(self) -> list[nodes.Node]:
        from sphinxcontrib_plan.model.coverage import PRESETS, RULE_KEYS

        keys = [[lit(name), text] for name, text in RULE_KEYS.items()]
        presets = [[lit(name), spec["help"]] for name, spec in PRESETS.items()]
        return [
            table(["key", "meaning"], keys, widths=[20, 80], ident="plan-docs-rule-keys"),
            table(
                ["preset", "asks that"], presets, widths=[25, 75], ident="plan-docs-rule-presets"
            ),
        ]


class RefStageKeysDirective(SphinxDirective):
    """``plan-ref-stage-keys``: the keys of a stage table of ``plan_stages``."""

    def run(self) -> list[nodes.Node]:
        from sphinxcontrib_plan.model.stages import STAGE_KEYS

        keys = [[lit(name), text] for name, text in STAGE_KEYS.items()]
        return [table(["key", "meaning"], keys, widths=[20, 80], ident="plan-docs-stage-keys")]


class RefConsistencyDirective(SphinxDirective):
    """``plan-ref-consistency``: the checks ``plan_consistency_checks`` switches."""

    def run(self) -> list[nodes.Node]:
        rows = [[lit(name), text] for name, text in CONSISTENCY_CHECKS.items()]
        return [
            table(["check", "warns when"], rows, widths=[20, 80], ident="plan-docs-consistency")
        ]


class RefWarningsDirective(SphinxDirective):
    """``plan-ref-warnings``: every subtype, its meaning, and a bad input with its fix."""

    def run(self) -> list[nodes.Node]:
        examples: dict[PlanWarning, tuple[str, str]] = getattr(plan_warnings, "EXAMPLES", {})
        items = nodes.definition_list()
        for member in PlanWarning:
            term = nodes.term("", "", lit(member.code))
            term["ids"].append(f"warning-plan-{member.value}")
            self.state.document.note_explicit_target(term)
            definition = nodes.definition()
            definition += para(" ".join((member.__doc__ or "").split()))
            if member in examples:
                bad, fix = examples[member]
                for caption, text in (("Triggers it:", bad), ("Fixed:", fix)):
                    definition += para(caption)
                    # "# conf.py ... # example.md ...": the configuration, then the document
                    conf, _, document = text.partition("\n# example.md\n")
                    if text.startswith("# conf.py"):
                        definition += nodes.literal_block(conf, conf, language="python")
                    if document or not text.startswith("# conf.py"):
                        body = document or text
                        definition += nodes.literal_block(body, body, language="markdown")
            definition += para(
                "Silence it with ", lit(f'suppress_warnings = ["{member.code}"]'), "."
            )
            items += nodes.definition_list_item("", term, definition)
        return [items]


class RefCssDirective(SphinxDirective):
    """``plan-ref-css``: the custom properties and classes of the package's ``plan.css``."""

    def run(self) -> list[nodes.Node]:
        from sphinxcontrib_plan.render.assets import STATIC

        css = (STATIC / "plan.css").read_text(encoding="utf-8")
        css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
        # the palette: the first declaration of each variable (the light one)
        variables: dict[str, str] = {}
        for name, value in re.findall(r"(--plan-[\w-]+)\s*:\s*([^;]+);", css):
            variables.setdefault(name, " ".join(value.split()))
        classes = sorted(set(re.findall(r"\.(plan-[\w-]+)", css)))
        families: dict[str, list[str]] = {}
        for cls in classes:
            parts = cls.split("-")
            family = "-".join(parts[:2]) if len(parts) > 2 else cls
            families.setdefault(family, []).append(cls)
        var_rows = [[lit(name), lit(value)] for name, value in variables.items()]
        class_rows = [
            [lit(family), joined(lit(c) for c in members)] for family, members in families.items()
        ]
        return [
            para("Custom properties (override them on ``body``):"),
            table(
                ["property", "default (light)"],
                var_rows,
                widths=[30, 70],
                ident="plan-docs-css-variables",
            ),
            para("Classes styled by ``plan.css``, by family:"),
            table(
                ["family", "classes"], class_rows, widths=[22, 78], ident="plan-docs-css-classes"
            ),
        ]


class RefCliDirective(SphinxDirective):
    """``plan-ref-cli``: the ``--help`` text of ``sphinx-plan`` and each subcommand."""

    option_spec: ClassVar[dict[str, Any]] = {"commands": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        try:
            from sphinxcontrib_plan.cli import main
        except ImportError:
            return [para("The ``sphinx-plan`` command is not part of this installation.")]
        result: list[nodes.Node] = []
        commands = (self.options.get("commands") or "").split()
        for argv in ([], *([c] for c in commands)):
            text = _help_text(main, [*argv, "--help"])
            block = nodes.literal_block(text, text, language="text")
            result += [para(lit(" ".join(["sphinx-plan", *argv, "--help"]))), block]
        return result


def _help_text(main: Any, argv: list[str]) -> str:
    out = io.StringIO()
    # argparse wraps at the terminal width; the page must not depend on it
    with _environ(COLUMNS="80"), contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        main(argv)
    return out.getvalue().rstrip()


@contextlib.contextmanager
def _environ(**values: str) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class RefExportDirective(SphinxDirective):
    """``plan-ref-json <id>`` / ``plan-ref-openapi <path>``: a live excerpt of an export.

    The directive leaves an empty literal block; :class:`ExportExcerptTransform`
    fills it once every document is read, from the same functions that write
    ``plan.json`` and the OpenAPI document.
    """

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        what = self.name.removeprefix("plan-ref-")
        block = nodes.literal_block("", "", language="text" if what == "inventory" else "json")
        block["plan_export"] = (what, self.arguments[0])
        self.set_source_info(block)
        _domain(self.env).data["exports"].setdefault(self.env.docname, []).append(
            list(block["plan_export"])
        )
        return [block]


def export_excerpt(app: Sphinx, what: str, key: str) -> str | None:
    """One object of ``plan.json``, one path of the OpenAPI export, or the
    ``objects.inv`` entries of one plan, as this build exports them.

    :param app: the Sphinx application
    :param what: ``json``, ``openapi`` or ``inventory``
    :param key: an object id, an OpenAPI path, or a plan id
    :return: the text, or ``None`` when there is no such object, path or plan
    """
    from sphinxcontrib_plan.export.json import dumps, record_data
    from sphinxcontrib_plan.export.openapi import openapi_document
    from sphinxcontrib_plan.export.writer import url_maker

    domain = app.env.get_domain("plan")
    index = domain.index  # type: ignore[attr-defined]
    if what == "inventory":
        return _inventory(app, domain, index, key)
    if what == "json":
        record = index.by_id.get(key)
        if record is None:
            return None
        source = str(app.env.doc2path(record.docname, False))
        data = record_data(index, record, url=url_maker(app.builder)(record), source=source)
    else:
        document = openapi_document(index, title=app.config.project, version=app.config.release)
        if key not in document.get("paths", {}):
            return None
        data = {"paths": {key: document["paths"][key]}}
    return dumps(data).rstrip()


def _inventory(app: Sphinx, domain: Domain, index: Any, plan: str) -> str | None:
    """Lines like ``python -m sphinx.ext.intersphinx objects.inv`` prints them."""
    by_type: dict[str, list[str]] = {}
    for name, _disp, typ, docname, anchor, _prio in domain.get_objects():
        record = index.lookup(name, None)
        owner = (
            record.id
            if record is not None and record.type == "plan"
            else (record.plan if record is not None else None)
        )
        if owner != plan:
            continue
        try:
            page = app.builder.get_target_uri(docname)
        except NoUri:  # builders without pages: show what an HTML build writes
            page = f"{docname}.html"
        uri = f"{page}#{anchor}"
        by_type.setdefault(f"plan:{typ}", []).append(f"    {name:<40} {uri}")
    if not by_type:
        return None
    return "\n".join(line for typ in sorted(by_type) for line in (typ, *by_type[typ]))


class ExportExcerptTransform(SphinxPostTransform):
    """Fill the blocks of ``plan-ref-json``, ``plan-ref-openapi`` and ``plan-ref-inventory``.

    The texts were computed at ``env-get-updated`` (see :func:`refresh_export_pages`),
    where the builder is at hand.
    """

    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        texts = _domain(self.env).data["texts"]
        for block in list(self.document.findall(nodes.literal_block)):
            if "plan_export" not in block:
                continue
            what, key = block["plan_export"]
            text = texts.get(f"{what} {key}")
            if text is None:
                logger.warning(
                    "plan-ref-%s: nothing exported under %r",
                    what,
                    key,
                    type="plan-docs",
                    subtype="unknown",
                    location=block,
                )
                text = ""
            new = nodes.literal_block(text, text, language=block["language"])
            new.source, new.line = block.source, block.line
            block.replace_self(new)


def refresh_export_pages(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Rewrite the pages showing an export excerpt when the excerpt changed.

    Like the extension's collectors, the excerpts show objects of other
    documents, so an incremental build must rewrite their pages.

    :param app: the Sphinx application
    :param env: the environment
    :return: the documents to rewrite
    """
    data = _domain(env).data
    data["texts"] = {}
    changed = []
    for docname, keys in sorted(data["exports"].items()):
        texts = []
        for what, key in keys:
            text = export_excerpt(app, what, key)
            if text is not None:
                data["texts"][f"{what} {key}"] = text
            texts.append(text or "")
        digest = hashlib.sha256("\0".join(texts).encode()).hexdigest()
        if data["digests"].get(docname) != digest:
            data["digests"][docname] = digest
            changed.append(docname)
    return changed


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
        _domain(self.env).data["examples"].setdefault(self.env.docname, []).extend(uses)


# -- coverage -------------------------------------------------------------------------


def check_coverage(app: Sphinx, env: BuildEnvironment) -> None:
    """Warn about anything in the registry that the docs do not show.

    :param app: the Sphinx application
    :param env: the environment
    """
    data = _domain(env).data
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


#: the extension's own files: the reference pages print what they hold
PACKAGE = os.path.dirname(os.path.abspath(plan_warnings.__file__))
CODE = sorted(
    os.path.join(folder, name)
    for folder, _dirs, names in os.walk(PACKAGE)
    for name in names
    if name.endswith((".py", ".css", ".js", ".sty"))
)


def _reads_the_code(cls: type[SphinxDirective]) -> type[SphinxDirective]:
    """*cls*, noting the extension's files as dependencies of the page it is on: a
    page generated from the code is read again when the code changes, as a page
    including a file is when the file does (an incremental build kept showing a
    configuration value's old entry)."""

    class ReadsTheCode(cls):  # type: ignore[valid-type,misc]
        def run(self) -> list[nodes.Node]:
            for path in CODE:
                self.env.note_dependency(path)
            return super().run()

    ReadsTheCode.__name__ = ReadsTheCode.__qualname__ = cls.__name__
    return ReadsTheCode


def setup(app: Sphinx) -> ExtensionMetadata:
    """Register the reference directives, the example directive and the coverage check.

    :param app: the Sphinx application
    :return: the extension metadata
    """
    app.add_domain(PlanRefDomain)
    for name, cls in {
        "plan-ref-types": RefTypesDirective,
        "plan-ref-type": RefTypeDirective,
        "plan-ref-common": RefCommonDirective,
        "plan-ref-kinds": RefKindsDirective,
        "plan-ref-collectors": RefCollectorsDirective,
        "plan-ref-collector-options": RefCollectorOptionsDirective,
        "plan-ref-derived": RefDerivedDirective,
        "plan-ref-roles": RefRolesDirective,
        "plan-ref-config": RefConfigDirective,
        "plan-ref-consistency": RefConsistencyDirective,
        "plan-ref-rule-keys": RefRuleKeysDirective,
        "plan-ref-stage-keys": RefStageKeysDirective,
        "plan-ref-limits": RefLimitsDirective,
        "plan-ref-warnings": RefWarningsDirective,
        "plan-ref-cli": RefCliDirective,
        "plan-ref-css": RefCssDirective,
        "plan-ref-json": RefExportDirective,
        "plan-ref-openapi": RefExportDirective,
        "plan-ref-inventory": RefExportDirective,
        "plan-example": ExampleDirective,
    }.items():
        app.add_directive(name, cls if cls is ExampleDirective else _reads_the_code(cls))
    app.add_post_transform(ExportExcerptTransform)
    app.connect("env-check-consistency", check_coverage)
    app.connect("env-get-updated", refresh_export_pages)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

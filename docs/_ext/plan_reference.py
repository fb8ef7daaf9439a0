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

import os
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from sphinxcontrib_plan import warnings as plan_warnings
from sphinxcontrib_plan.model.collectors import COLLECTORS, COMMON_OPTIONS
from sphinxcontrib_plan.model.derived import DERIVED_FIELDS, derived_for
from sphinxcontrib_plan.model.fields import allowed
from sphinxcontrib_plan.model.types import BUILTIN_TYPES
from sphinxcontrib_plan.model.typespec import COMMON_FIELDS, FieldSpec, Kind
from sphinxcontrib_plan.render.nodes import joined

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata


from plan_ref_examples import (
    COLLECTOR_OPTION_HELP,
    ExampleDirective,
    PlanRefDomain,
    check_coverage,
    ref_domain,
)
from plan_ref_exports import ExportExcerptTransform, RefExportDirective, refresh_export_pages
from plan_ref_nodes import (
    argument_text,
    default_text,
    directive_name,
    field_list,
    label_ref,
    lit,
    para,
    plan_ref,
    table,
)
from plan_ref_settings import (
    RefCliDirective,
    RefConfigDirective,
    RefConsistencyDirective,
    RefCssDirective,
    RefLimitsDirective,
    RefRuleKeysDirective,
    RefStageKeysDirective,
    RefWarningsDirective,
)

logger = logging.getLogger(__name__)

#: the plan holding the reference examples; role examples link to ``DOC-<type>``
DOC_PLAN = "DOC"

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
        ref_domain(self.env).data["types"].setdefault(self.env.docname, []).append(otype.name)
        derived = [d.name for d in derived_for(otype)]
        facts: list[tuple[str, Any]] = [
            ("Directive", [lit(directive_name(otype))]),
            ("Template section", otype.section),
            ("Argument", argument_text(otype)),
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
                default_text(spec),
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

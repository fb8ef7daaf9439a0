"""Docs-only: the reference of the settings and outputs around the plan language:
configuration values, limits, coverage and stage keys, consistency checks,
warnings, CSS classes and the command line, each generated from the code."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
import re
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from sphinxcontrib_plan import warnings as plan_warnings
from sphinxcontrib_plan.config import CONSISTENCY_CHECKS, PlanConfig
from sphinxcontrib_plan.render.nodes import joined
from sphinxcontrib_plan.warnings import PlanWarning

if TYPE_CHECKING:
    from collections.abc import Iterator


from plan_ref_nodes import (
    field_list,
    lit,
    para,
    table,
)


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

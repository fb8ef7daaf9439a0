"""The plain-Markdown plan importer: a template-shaped plan to a structured one.

Walks the sections in order, keeps every heading, turns what a heading, a
table, a checklist or a labelled line stands for into objects
(:mod:`.md_objects`), resolves the references between them, gives ids where
titles would collide, and keeps everything else as written, in place.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sphinxcontrib_plan.importers import md_rules as rules
from sphinxcontrib_plan.importers.base import ImporterError, ImportResult, Report
from sphinxcontrib_plan.importers.emit import (
    Block,
    Directive,
    Document,
    Heading,
    Levels,
    Option,
    Prose,
    ThematicBreak,
)
from sphinxcontrib_plan.importers.md_code import exemption, exemption_entries, metric_objects
from sphinxcontrib_plan.importers.md_objects import (
    EMPTY_CELLS,
    Made,
    add_field,
    block_signature,
    checklist,
    endpoint_run,
    kind_of,
    risk_items,
    section_object,
    signoffs,
    table_rows,
    table_type,
    technologies,
)
from sphinxcontrib_plan.importers.md_source import (
    FieldLine,
    Section,
    extra_cells,
    field_lines,
    items,
    read,
    split_front_matter,
    strip_emphasis,
    table,
    unwrap_link,
)
from sphinxcontrib_plan.model.fields import is_url
from sphinxcontrib_plan.model.ids import derive_id, slug
from sphinxcontrib_plan.model.typespec import Kind

if TYPE_CHECKING:
    from pathlib import Path

    from sphinxcontrib_plan.importers.md_source import Block as MdBlock

VALID_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_NONE = re.compile(r"^\s*(?:none|n/?a|-|—|nothing|no)\b\.?\s*$", re.IGNORECASE)


class HeadingLevels(Levels):
    """The writers' heading levels (:class:`~.emit.Levels`), and why one differs from
    the source's: the import keeps every level but those a build would warn about."""

    def __init__(self) -> None:
        super().__init__()
        #: source level minus written level of each heading of the stack
        self.shifts: list[int] = []

    def change(self, level: int) -> str | None:
        """Take the next heading; say why its level is written otherwise, if it is.

        :param level: its level in the source
        :return: the reason, for the import report, or ``None`` when it is kept
            (or moves with its parent heading)
        """
        depth = self.depth(level)
        del self.shifts[len(self.stack) - 1 :]
        parent = self.shifts[-1] if self.shifts else 0
        self.shifts.append(level - depth)
        if level - depth == parent:
            return None
        if len(self.stack) == 1:
            return (
                f"is a top heading of level {level}: written as level {depth} "
                "(MyST warns when a document's headings start below level 1)"
            )
        return (
            f"is a level-{level} heading right under a level-{self.stack[-2]} one: written "
            f"as level {depth} (a skipped level is a MyST warning, 'Non-consecutive header "
            "level increase', and impossible in reST)"
        )


class _Run:
    """One import: the sections read, the objects made, the report kept."""

    def __init__(self, text: str, plan_id: str | None, output_dir: Path | None = None) -> None:
        #: the folder the result goes to: a relative link in a document field (the
        #: spec) becomes the field only when it names a file there
        self.output_dir = output_dir
        self.front, text = split_front_matter(text)
        self.sections = read(text)
        self.override = plan_id
        self.made: list[Made] = []
        self.report = Report()
        self.plan: Made | None = None
        #: the id written in the header, when it is one
        self.source_id: str | None = None
        #: whether the title says the document is a plan ("Implementation Plan: X")
        self.titled = False

    # ------------------------------------------------------------ sections

    def run(self) -> Document:
        blocks: list[Block] = []
        header = next((s for s in self.sections if s.level), None)
        levels = HeadingLevels()
        for section in self.sections:
            if section.level:
                blocks.append(Heading(section.level, section.title))
                why = levels.change(section.level)
                if why:
                    self.report.notes.append(f"line {section.start + 1}: {section.plain!r} {why}")
            if section is header or (header is None and section.level == 0):
                blocks += self.header(section)
                continue
            blocks += self.section(section)
        if self.plan is None:
            blocks[:0] = self.header(None)
        self.finish()
        return Document(blocks, front_matter=self.front.text if self.front else None)

    def rule_of(self, section: Section) -> tuple[rules.SectionRule | None, str]:
        for heading in (section.plain, *reversed(section.parents)):
            found = rules.match_section(heading)
            if found and (heading == section.plain or found[0].strategy != "section"):
                return found
        return None, ""

    def section(self, section: Section) -> list[Block]:
        rule, title = self.rule_of(section)
        if rule and rule.strategy == "section" and rules.match_section(section.plain):
            made, after = section_object(
                rule.type, title, section.plain, section.blocks, section.start + 1
            )
            if made is not None:
                return [self.add(made), *after]
            self.report.prose_note(
                section.start + 1,
                section.blocks,
                f"'{section.plain}' has no METHOD /path code block",
            )
            return [self.prose(b, "") for b in section.blocks]
        return self.flow(section, rule)

    def flow(self, section: Section, rule: rules.SectionRule | None) -> list[Block]:
        out: list[Block] = []
        blocks = section.blocks
        i = 0
        while i < len(blocks):
            block = blocks[i]
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            if block.kind == "table":
                header, rows = table(block)
                for line, extra in extra_cells(block, len(header)):
                    self.report.notes.append(
                        f"line {line}: {len(extra)} cell(s) beyond the table's {len(header)} "
                        f"columns, not kept: {' | '.join(extra)} (add a column to keep them)"
                    )
                type_name = table_type(rule.type if rule else None, header)
                made = table_rows(type_name, header, rows) if type_name else []
                for line, cells in rows if made else ():
                    if all(strip_emphasis(c) in EMPTY_CELLS for c in cells):
                        self.report.notes.append(
                            f"line {line + 1}: a row with no value "
                            f"(| {' | '.join(cells)} |), not kept"
                        )
                if made:
                    out += [self.add(m) for m in made]
                elif type_name:
                    out.append(self.prose(block, f"the {type_name} table has no rows filled in"))
                else:
                    out.append(
                        self.prose(
                            block,
                            f"a table with columns {', '.join(header)} matches no object type",
                        )
                    )
            elif (
                block.kind == "list"
                and rule
                and rule.strategy == "items"
                and (s := signoffs(block))
            ):
                out += [self.add(m) for m in s]
            elif block.kind == "list" and any(it.checked is not None for it in items(block)):
                out.append(
                    self.add(
                        checklist(section.plain or "Checklist", self.area(section, rule), block)
                    )
                )
            elif (
                block.kind == "paragraph"
                and nxt is not None
                and nxt.kind == "list"
                and any(it.checked is not None for it in items(nxt))
                and not (rule and rule.strategy == "items")
                and (label := _only_label(block))
            ):
                out.append(self.add(checklist(label, self.area(section, rule), nxt)))
                i += 1
            elif (
                block.kind == "list"
                and rule
                and rule.type == "risk"
                and rule.strategy == "table"
                and (risks := risk_items(block))
            ):
                out += [self.add(m) for m in risks]
            elif block.kind == "fence" and (metrics := metric_objects(block))[0]:
                if not metrics[1]:  # code besides the declarations stays as written
                    out.append(self.prose(block, ""))
                out += [self.add(m) for m in metrics[0]]
            elif (entries := exemption_entries(block, nxt)) is not None:
                out.append(Prose(block.text.split("\n", 1)[0]))
                made = [exemption(line, text) for line, text in entries]
                if (
                    len(block.text.strip().split("\n")) == 1
                    and made
                    and nxt is not None
                    and nxt.kind == "list"
                ):
                    i += 1  # the entries were its items
                elif not made and "\n" in block.text.strip():
                    out.append(self.prose(block, "the exemptions are a placeholder"))
                    out.pop(-2)
                out += [self.add(m) for m in made]
            elif (
                rule
                and rule.strategy == "fields"
                and block.kind == "paragraph"
                and any(isinstance(x, FieldLine) for x in field_lines(block))
            ):
                made_blocks, took_next = self.context(section, block, nxt)
                out += made_blocks
                i += took_next
            elif rule and rule.strategy == "endpoints" and (sig := block_signature(block)):
                j = i + 1
                while j < len(blocks) and blocks[j].kind != "hr" and not block_signature(blocks[j]):
                    j += 1
                out.append(self.add(endpoint_run(sig, blocks[i + 1 : j], block.line)))
                i = j
                continue
            elif block.kind == "hr":
                out.append(ThematicBreak())
            else:
                out.append(self.prose(block, self.why(section, rule)))
            i += 1
        return out

    def context(
        self, section: Section, block: MdBlock, nxt: MdBlock | None
    ) -> tuple[list[Block], bool]:
        """A paragraph of a technical context: a technology per labelled value
        (:func:`~.md_objects.technologies`), the other lines kept in place. A
        label without a value takes the list after it, an item each
        (``Frontend: Node.js 18+`` is the layer and the technology).

        :return: the blocks, and whether the list after the paragraph was taken
        """
        out: list[Block] = []
        kept: list[str] = []
        labels: list[str] = []
        took_next = False
        written = field_lines(block)

        def keep(source: str, label: str | None = None) -> None:
            kept.append(source)
            if label:
                labels.append(label)

        def flush() -> None:
            if any(x.strip() for x in kept):
                out.append(Prose("\n".join(kept)))
            kept.clear()

        for line in written:
            if not isinstance(line, FieldLine):
                keep(line)
                continue
            made = technologies(line.label, line.value, line.line + 1)
            if (
                not line.value
                and line is written[-1]
                and nxt is not None
                and nxt.kind == "list"
                and rules.TECH_LABEL.search(line.label)
            ):
                took_next = True
                listed: list[Made] = []
                rest: list[str] = []
                for item in items(nxt):
                    layer, sep, value = item.text.partition(":")
                    one = (
                        technologies(line.label, value, item.line + 1, strip_emphasis(layer))
                        if sep and len(layer.split()) <= 3 and not value.startswith("//")
                        else technologies(line.label, item.text, item.line + 1)
                    )
                    if one:
                        listed += one
                    else:
                        rest.append(item.source)
                if rest:
                    keep(line.source, line.label)
                    kept.extend(rest)
                    flush()
                elif listed:
                    flush()
                    out.append(Prose(line.source))
                out += [self.add(m) for m in listed]
                continue
            if made:
                flush()
                out += [self.add(m) for m in made]
            else:
                keep(line.source, line.label)
        flush()
        if labels:
            self.report.prose.append(
                (
                    block.line,
                    nxt.end if took_next and nxt is not None else block.end,
                    f"'{section.plain}': {', '.join(map(repr, labels))} name no technology",
                )
            )
        return out, took_next

    def area(self, section: Section, rule: rules.SectionRule | None) -> str | None:
        if rule and rule.area:
            return rule.area
        top = section.parents[1:2] or (section.plain,)
        return slug(top[0]) or None

    def why(self, section: Section, rule: rules.SectionRule | None) -> str:
        where = f"'{section.plain}'" if section.level else "text before the first heading"
        if rule is None:
            return f"{where}: no object type for this section"
        if rule.strategy == "area":
            return f"{where}: only its checklists become objects ({rule.area} checks)"
        if rule.strategy == "endpoints":
            return f"{where}: not an endpoint (no METHOD /path code block)"
        article = "an" if rule.type[:1] in "aeiou" else "a"
        return f"{where}: not {article} {rule.type} table, checklist or item"

    def prose(self, block: MdBlock, reason: str) -> Block:
        if reason and block.kind != "hr":
            last = self.report.prose[-1] if self.report.prose else None
            if last and last[2] == reason and block.start - last[1] <= 2:
                self.report.prose[-1] = (last[0], block.end, reason)  # one entry per run
            else:
                self.report.prose.append((block.line, block.end, reason))
        return ThematicBreak() if block.kind == "hr" else Prose(block.text)

    # -------------------------------------------------------------- header

    def header(self, section: Section | None) -> list[Block]:
        title = section.plain if section else ""
        match = rules.PLAN_TITLE.match(title)
        self.titled = match is not None
        made = Made(
            Directive("plan"),
            "plan",
            match.group("title") if match else title,
            section.start + 1 if section else 1,
        )
        self.plan = made
        if self.front is not None:
            self.front_fields(made)
        kept: list[Block] = []
        blocks = section.blocks if section else []
        i = 0
        while i < len(blocks):
            block = blocks[i]
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            if block.kind == "table" and (rows := self.header_table(block)) is not None:
                kept += rows
                i += 1
                continue
            if block.kind != "paragraph":
                kept.append(self.prose(block, "header: not a field line"))
                i += 1
                continue
            lines, written = [], field_lines(block)
            if not any(isinstance(x, FieldLine) for x in written):
                made.directive.body.append(Prose(block.text))  # the plan's summary
                i += 1
                continue
            for line in written:
                if (
                    isinstance(line, FieldLine)
                    and not line.value
                    and nxt is not None
                    and nxt.kind == "list"
                    and line is written[-1]
                ):
                    rest = [it.source for it in items(nxt) if not self.sub_field(it.text)]
                    if rest:
                        lines += [line.source, *rest]
                    i += 1
                elif not (isinstance(line, FieldLine) and self.header_field(line)):
                    lines.append(line.source if isinstance(line, FieldLine) else line)
            if any(x.strip() for x in lines):
                kept.append(Prose("\n".join(lines)))
                labels = [
                    x.label for x in written if isinstance(x, FieldLine) and x.source in lines
                ]
                # a label naming a field whose value the field does not take says so
                unnamed = [x for x in labels if not rules.field_for("plan", x)]
                refused = [
                    _refused_value(x.label, x.value)
                    for x in written
                    if isinstance(x, FieldLine) and x.source in lines and x.label not in unnamed
                ]
                why = "; ".join(
                    [f"{', '.join(map(repr, unnamed))} name no plan field"] * bool(unnamed)
                    + refused
                )
                self.report.prose.append(
                    (block.line, block.end, "header: " + (why or "not field lines"))
                )
            i += 1
        made.directive.argument = made.title
        plan_id = self.override or self.source_id
        if not plan_id:
            plan_id = slug(made.title)[:40].strip("-") or "plan"
            self.report.notes.append(
                f"no usable plan id in the source; used {plan_id!r} (give --id)"
            )
        made.directive.options.insert(0, _opt("id", plan_id))
        self.report.plan_id, self.report.title = plan_id, made.title
        return [self.add(made), *kept]

    def front_fields(self, made: Made) -> None:
        """The plan fields the front matter's keys name (``status``, ``owner``,
        ``date``…); its ``title`` when the plan has no title of its own. The front
        matter itself is written back as it was."""
        assert self.front is not None
        mapped = []
        for key, value in self.front.data.items():
            if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                continue
            text = str(value)
            if key == "title" and not made.title.strip():
                match = rules.PLAN_TITLE.match(text)
                made.title = match.group("title") if match else text
                mapped.append(key)
            elif self.header_field(FieldLine(str(key), text, 0, f"{key}: {text}")):
                mapped.append(key)
        self.report.notes.append(
            f"lines 1-{self.front.lines}: the front matter is kept as written"
            + (f"; {', '.join(map(repr, mapped))} also set the plan's fields" if mapped else "")
        )

    def header_table(self, block: MdBlock) -> list[Block] | None:
        """A two-column table of the header (``| Field | Value |``): its rows naming
        plan fields set them; the other rows stay, as a table of their own.

        :return: what stays, or ``None`` when no row names a plan field (the
            table is then kept as written)
        """
        header, rows = table(block)
        if len(header) != 2 or not rows:
            return None
        rest = [
            (line, cells)
            for line, cells in rows
            if not self.header_field(
                FieldLine(strip_emphasis(cells[0]), cells[1] if len(cells) > 1 else "", line, "")
            )
        ]
        if len(rest) == len(rows):
            return None
        if not rest:
            return []
        labels = ", ".join(repr(strip_emphasis(cells[0])) for _, cells in rest)
        self.report.prose.append(
            (rest[0][0] + 1, rest[-1][0] + 1, f"header: {labels} name no plan field")
        )
        text = "\n".join(
            [f"| {header[0]} | {header[1]} |", "|---|---|"]
            + [f"| {' | '.join(cells)} |" for _, cells in rest]
        )
        return [Prose(text)]

    def header_field(self, line: FieldLine) -> bool:
        name = rules.field_for("plan", line.label)
        if name == "id":
            value = line.value.strip()
            if self.source_id is None and VALID_ID.fullmatch(value):
                self.source_id = value
                return True
            if self.source_id is None and not self.override:
                self.report.notes.append(
                    f"the plan id {value!r} is not an id (letters, digits, "
                    "'.', '_', '-'); the line is kept"
                )
            return bool(self.override)
        if not name or self.plan is None:
            return False
        if self.output_dir is not None and kind_of("plan", name) is Kind.DOC:
            target = strip_emphasis(unwrap_link(line.value)).partition("#")[0]
            if target and not is_url(target) and not (self.output_dir / target).exists():
                self.report.notes.append(
                    f"line {line.line + 1}: {line.label} links {target!r}, which is not "
                    f"beside the output ({self.output_dir}): kept as a link; the plan's "
                    f"{name} once the document is there"
                )
                return False
        return add_field(self.plan, name, line.value)

    def sub_field(self, text: str) -> bool:
        label, _, value = text.partition(":")
        return bool(value.strip()) and self.header_field(
            FieldLine(label.strip(), value.strip(), 0, text)
        )

    # ------------------------------------------------------------- objects

    def add(self, made: Made) -> Directive:
        self.made.append(made)
        return made.directive

    def finish(self) -> None:
        plan_id = self.report.plan_id
        taken: set[str] = set()
        for made in self.made:
            self.report.objects.setdefault(made.type, []).append(made.line)
            for block in made.directive.body:  # nested responses, each at its own line
                if isinstance(block, Directive):
                    self.report.objects.setdefault(block.name.removeprefix("plan-"), []).append(
                        block.line or made.line
                    )
            if made.type == "plan":
                continue
            derived = derive_id(plan_id, made.title)
            ident, n = derived, 1
            if ident in taken:
                ident = f"{plan_id}-{made.type}-{slug(made.title) or 'untitled'}"
            while ident in taken:
                n += 1
                ident = f"{plan_id}-{made.type}-{slug(made.title) or 'untitled'}-{n}"
            taken.add(ident)
            made.id = ident
            if ident != derived or made.type in ("phase", "component"):
                made.directive.options.insert(0, _opt("id", ident))
        for made in self.made:
            for name, text in made.refs:
                self.link_references(made, name, text)

    def link_references(self, made: Made, name: str, text: str) -> None:
        from sphinxcontrib_plan.model.types import BUILTIN

        spec = BUILTIN[made.type].field(name)
        target = spec.target if spec else None
        if _NONE.match(text):
            return
        candidates = [m for m in self.made if m.type == target]
        ids: list[str] = []
        for number in re.findall(
            r"\d+",
            " ".join(re.findall(rf"(?i)\b{target}s?\s+(\d+(?:\s*(?:,|and|&|\+)\s*\d+)*)", text)),
        ):
            ids += [m.id for m in candidates if m.number == number]
        for part in re.split(r"\s*(?:,|;|&|\band\b)\s*", text):
            ids += [m.id for m in candidates if m.title.lower() == part.strip().strip("*").lower()]
        ids = [i for k, i in enumerate(ids) if i not in ids[:k] and i != made.id]
        if ids:
            made.directive.option(name, ", ".join(ids))
        else:
            self.report.notes.append(
                f"line {made.line}: {name}: {text!r} names no {target}; kept as text in the body"
            )


def _refused_value(label: str, value: str) -> str:
    """Why a header line naming a plan field stayed prose: its value, and what the
    field takes when it is a choice."""
    from sphinxcontrib_plan.model.types import BUILTIN

    name = rules.field_for("plan", label) or ""
    spec = BUILTIN["plan"].field(name)
    short = value if len(value) <= 40 else value[:39] + "…"
    allowed = f" (one of {', '.join(spec.choices)})" if spec and spec.choices else ""
    return f"{label!r}: {short!r} is not a value of the plan's {name}{allowed}"


def _only_label(block: MdBlock) -> str | None:
    lines = field_lines(block)
    if len(lines) == 1 and isinstance(lines[0], FieldLine) and not lines[0].value:
        return lines[0].label
    return None


def _opt(name: str, value: str) -> Option:
    return Option(name, value)


def import_markdown(
    text: str, *, plan_id: str | None = None, output_dir: Path | None = None
) -> ImportResult:
    """Import a plain-Markdown plan.

    :param text: the Markdown source
    :param plan_id: the plan id to use (``--id``), overriding the source's
    :param output_dir: the folder the result is written to; a header link to a
        document (the spec, the constitution) that is not there stays a link
        (without it, every such link becomes the field)
    :return: the document and the report
    :raise ImporterError: when the text holds no plan
    """
    if not text.strip():
        raise ImporterError("the file is empty")
    run = _Run(text, plan_id, output_dir)
    document = run.run()
    if not any(m.type != "plan" for m in run.made) and not (
        run.plan and run.plan.directive.options[1:]
    ):
        if not run.titled:
            raise ImporterError(
                "no plan found: no header fields (**Status**: …), plan tables, "
                "checklists or plan sections (Phase, Endpoint, Table…)"
            )
        # a plan by its title ("Implementation Plan: X") written in no shape the
        # import knows: the plan, and every section as written, for the author
        run.report.notes.append(
            "no object found in the sections: the plan holds them as written; "
            "turn what should be checked into directives (see 'kept as prose')"
        )
    return ImportResult(document, run.report)

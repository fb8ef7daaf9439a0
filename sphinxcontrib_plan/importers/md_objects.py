"""Markdown blocks to plan objects: table rows, labelled sections, endpoints,
checklists and sign-off items, each a :class:`~.emit.Directive`.

Which type and field a heading, a label or a column stands for comes from
:mod:`.md_rules`; what is not mapped goes into the object's body as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sphinxcontrib_plan.importers import md_rules as rules
from sphinxcontrib_plan.importers.emit import Block, Code, Directive, Prose, ThematicBreak
from sphinxcontrib_plan.importers.md_source import (
    Block as MdBlock,
)
from sphinxcontrib_plan.importers.md_source import (
    FieldLine,
    diagram_start,
    field_lines,
    items,
    strip_emphasis,
    unwrap_link,
)
from sphinxcontrib_plan.model.fields import is_url, parse_options
from sphinxcontrib_plan.model.ids import METHODS, parse_signature
from sphinxcontrib_plan.model.placeholders import find_placeholder
from sphinxcontrib_plan.model.types import BUILTIN
from sphinxcontrib_plan.model.typespec import Kind

#: types a table's rows may become
TABLE_TYPES = (
    "tech",
    "service",
    "dependency",
    "pattern",
    "role",
    "alert",
    "risk",
    "metric",
    "exemption",
    "test",
    "component",
    "signoff",
)
#: cells that hold no value
EMPTY_CELLS = frozenset(("", "-", "–", "—", "n/a", "N/A"))


@dataclass
class Made:
    """An object made by the importer, with what is needed to finish it."""

    directive: Directive
    type: str
    title: str
    #: 1-based source line
    line: int
    #: the number in its heading ("Phase 2: …"), for references by number
    number: str | None = None
    #: the id given once every object is known
    id: str = ""
    #: reference fields still to resolve: (field, text as written)
    refs: list[tuple[str, str]] = field(default_factory=list)


def kind_of(type_name: str, name: str) -> Kind | None:
    """The kind of field *name* of a type, ``None`` when unknown."""
    spec = BUILTIN[type_name].field(name)
    return spec.kind if spec else None


def add_field(made: Made, name: str, value: str) -> bool:
    """Set a field from Markdown text; references wait for :func:`resolve`.

    :return: whether the field was taken (a field is set once)
    """
    kind = kind_of(made.type, name)
    if kind is None or any(o.name == name for o in made.directive.options) or not value.strip():
        return False
    if kind in (Kind.REF, Kind.REFS):
        made.refs.append((name, value))
        return False  # the text stays in the body: it says more than the ids
    text = value.strip() if kind is Kind.TEXT else strip_emphasis(unwrap_link(value))
    if kind is Kind.WEEKS:
        text = re.sub(r"\s*[–—-]\s*", "-", text)
    if kind is Kind.DOC and not (is_url(text) or "/" in text or text.endswith((".md", ".rst"))):
        return False  # a ticket or runbook number (RB-12) names no document: prose
    if (
        kind is not Kind.TEXT
        and find_placeholder(text) is None
        and any(
            p.subtype != "placeholder"
            for p in parse_options(BUILTIN[made.type], {name: text}, made.type)[1]
        )
    ):
        return False  # not a value of the field's kind (a link where a date goes): prose
    made.directive.option(name, text, markup=kind is Kind.TEXT)
    return True


def block_signature(block: MdBlock) -> str | None:
    """The ``METHOD /path`` a code block holds alone, if it does."""
    if block.kind != "fence":
        return None
    content = block.tokens[0].content.strip()
    parts = parse_signature(content) if "\n" not in content else None
    return f"{parts[0]} {parts[1]}" if parts and parts[0] in METHODS else None


def _kept(lines: list[str]) -> list[Block]:
    text = "\n".join(lines).strip("\n")
    return [Prose(text)] if text.strip() else []


def fields_and_body(made: Made, blocks: list[MdBlock]) -> list[Block]:
    """Read ``**Label**: value`` lines and items into fields; the rest is the body.

    :param made: the object being made
    :param blocks: the section's blocks
    :return: the body blocks
    """
    body: list[Block] = []
    for block in blocks:
        if block.kind == "paragraph":
            kept = []
            for line in field_lines(block):
                if isinstance(line, FieldLine) and _take(made, line.label, line.value):
                    continue
                kept.append(line.source if isinstance(line, FieldLine) else line)
            body += _kept(kept)
        elif block.kind == "list" and any(_label(it.text) for it in items(block)):
            kept = [
                it.source
                for it in items(block)
                if not ((lv := _label(it.text)) and _take(made, *lv))
            ]
            body += _kept(kept)
        elif block.kind == "hr":
            body.append(ThematicBreak())
        else:
            body.append(Prose(block.text))
    return body


_ITEM_LABEL = re.compile(
    r"^(\*\*|__)(?P<label>[^*_\n]+?)(?::\1|\1\s*:)\s*(?P<value>.*)$", re.DOTALL
)


def _label(text: str) -> tuple[str, str] | None:
    match = _ITEM_LABEL.match(text.strip())
    return (match.group("label").strip(), match.group("value").strip()) if match else None


def _take(made: Made, label: str, value: str) -> bool:
    name = rules.field_for(made.type, label)
    if not name:
        return False
    return (
        name not in ("title", "id") and "\n" not in value.strip() and add_field(made, name, value)
    )


#: an item starting with a bold phrase: ``**Unschedulable pods.** The scheduler…``
_BOLD_START = re.compile(r"^(\*\*|__)(?P<title>[^*_\n]+?)\1\s*[.:]?\s*(?P<rest>.*)$", re.DOTALL)
#: a nested item's marker
_MARKER = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


def risk_items(block: MdBlock) -> list[Made] | None:
    """The risks of a list in a risks section, one per item: ``**Risk**: title``
    with nested ``**Mitigation**: …`` items, or a bold phrase first (``**Data
    loss.** text``), the rest of the item its body.

    :param block: a list block
    :return: the risks, or ``None`` when an item is not in either shape (the list
        then stays as written)
    """
    out = []
    for item in items(block):
        text = item.text.strip()
        first, _, more = text.partition("\n")
        labelled = _label(first)
        name = rules.field_for("risk", labelled[0]) if labelled else None
        if labelled and name == "title":
            title, rest = labelled[1], more
        elif labelled and name:
            return None  # "**Owner**: …" items describe one risk, they are not risks
        elif match := _BOLD_START.match(text):
            title, rest = match.group("title").strip().rstrip(".:"), match.group("rest")
        else:
            return None
        title = strip_emphasis(title)
        if not title:
            return None
        made = Made(Directive("plan-risk", title), "risk", title, item.line + 1)
        kept = [rest.strip()] if rest.strip() else []
        # what follows the item's first paragraph: nested items may be fields
        lines = item.source.split("\n")[text.count("\n") + 1 :]
        for line in lines:
            labelled = _label(_MARKER.sub("", line, count=1))
            if labelled and _MARKER.match(line) and _take(made, *labelled):
                continue
            kept.append(line)
        made.directive.body = _kept(kept)
        out.append(made)
    return out or None


def section_object(
    type_name: str, title: str, heading: str, blocks: list[MdBlock], line: int
) -> tuple[Made | None, list[Block]]:
    """A section that is one object (``#### Endpoint: …``, ``### Phase 2: …``).

    :param type_name: object type
    :param title: title from the heading
    :param heading: the heading's plain text
    :param blocks: the section's blocks
    :param line: 1-based line of the heading
    :return: the object (``None`` when it cannot be made) and blocks to write after it
    """
    number = re.search(r"\d+", heading.split(":", 1)[0])
    made = Made(
        Directive(f"plan-{type_name}"), type_name, title, line, number.group(0) if number else None
    )
    after: list[Block] = []
    while blocks and blocks[-1].kind == "hr":  # a closing rule ends the section, not the object
        after.insert(0, ThematicBreak())
        blocks = blocks[:-1]
    if type_name == "phase":
        weeks = rules.WEEKS.search(title)
        if weeks:
            made.title = title[: weeks.start()].strip()
            add_field(made, "weeks", weeks.group("weeks"))
    if type_name == "endpoint":
        sig = next((s for b in blocks if (s := block_signature(b))), None)
        if sig is None:
            return None, after
        made.title = sig
        blocks = [b for b in blocks if block_signature(b) != sig]
        made.directive.body = endpoint_body(made, blocks)
        add_field(made, "summary", title)
    else:
        start = diagram_start(blocks) if type_name == "component" else None
        if start is not None:  # a diagram after the fields is the section's, not the object's
            after[:0] = [
                Prose(b.text) if b.kind != "hr" else ThematicBreak() for b in blocks[start:]
            ]
            blocks = blocks[:start]
        made.directive.body = fields_and_body(made, blocks)
    made.directive.argument = made.title
    return made, after


def endpoint_body(made: Made, blocks: list[MdBlock]) -> list[Block]:
    """An endpoint's body: fields, responses as nested ``plan-response``, the rest as written.

    :param made: the endpoint being made
    :param blocks: its blocks, without the signature
    :return: the body
    """
    body: list[Block] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        lines = field_lines(block) if block.kind == "paragraph" else []
        only = lines[0] if len(lines) == 1 and isinstance(lines[0], FieldLine) else None
        match = rules.RESPONSE.match(only.label) if only else None
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        if only and match:
            response = Directive(
                "plan-response",
                " ".join(filter(None, match.group("code", "reason"))),
                line=block.line,
            )
            if only.value:
                response.body.append(Prose(only.value))
            if nxt is not None and nxt.kind == "fence":
                lang = (nxt.tokens[0].info or "").strip().split(" ")[0]
                if lang.lower() in rules.MEDIA_TYPES:
                    response.option("content-type", rules.MEDIA_TYPES[lang.lower()])
                response.body.append(Code(nxt.tokens[0].content, lang))
                i += 1
            body.append(response)
        elif block.kind == "list" and all(
            rules.RESPONSE_ITEM.match(it.text) for it in items(block)
        ):
            for it in items(block):
                m = rules.RESPONSE_ITEM.match(it.text)
                if m is None:  # pragma: no cover - every item matched just above
                    continue
                response = Directive(
                    "plan-response",
                    " ".join(filter(None, m.group("code", "reason"))),
                    line=it.line + 1,
                )
                if m.group("text").strip():
                    response.body.append(Prose(m.group("text").strip()))
                body.append(response)
        else:
            body += fields_and_body(made, [block])
        i += 1
    return body


def table_type(context: str | None, header: list[str]) -> str | None:
    """The type a table's rows become: the section's type when the columns fit it,
    else a type whose title column and most other columns the header names.

    :param context: the type the section (or an enclosing one) stands for
    :param header: the header cells
    :return: a type name, or ``None`` (the table stays as written)
    """
    best, best_score = None, 0
    for type_name in TABLE_TYPES:
        mapped = [rules.field_for(type_name, strip_emphasis(h)) for h in header]
        fields = sum(1 for m in mapped if m and m != "title")
        titled = "title" in mapped
        if type_name == context and (titled or fields) and fields + titled >= min(2, len(header)):
            return type_name
        if titled and fields >= 2 and 2 * (fields + 1) >= len(header) and fields > best_score:
            best, best_score = type_name, fields
    return best


def table_rows(type_name: str, header: list[str], rows: list[tuple[int, list[str]]]) -> list[Made]:
    """One object per table row; columns without a field go into the body.

    :param type_name: the rows' type
    :param header: header cells
    :param rows: ``(0-based line, cells)`` per row
    :return: the objects
    """
    names = [rules.field_for(type_name, strip_emphasis(h)) for h in header]
    title_col = names.index("title") if "title" in names else 0
    group = rules.GROUP_FIELDS.get(type_name)
    grouped = group is not None and any(
        c[0].strip() and all(x.strip() in EMPTY_CELLS for x in c[1:]) for _, c in rows
    )
    current = None
    out: list[Made] = []
    for line, cells in rows:
        cells = cells + [""] * (len(header) - len(cells))
        if all(strip_emphasis(c) in EMPTY_CELLS for c in cells):
            continue  # | N/A | N/A |: a template's row left empty
        if grouped and cells[0].strip() and all(x.strip() in EMPTY_CELLS for x in cells[1:]):
            current = strip_emphasis(cells[0])
            continue
        title = strip_emphasis(cells[title_col]) or next(
            (strip_emphasis(c) for c in cells if c.strip()), ""
        )
        if not title:
            continue
        made = Made(Directive(f"plan-{type_name}", title), type_name, title, line + 1)
        if current and group:
            add_field(made, group[0], current)
        extra: list[str] = []
        for k, cell in enumerate(cells):
            name = names[k]
            if k == title_col and strip_emphasis(cell) == title or cell.strip() in EMPTY_CELLS:
                continue
            if grouped and group and name == group[0]:
                name = group[1]
            split = rules.SPLITS.get((type_name, name or ""))
            parts = split.match(cell.strip()) if split else None
            if parts and all(kind_of(type_name, n.replace("_", "-")) for n in parts.groupdict()):
                for n, v in parts.groupdict().items():
                    if v:
                        add_field(made, n.replace("_", "-"), v)
            elif not (name and name != "title" and add_field(made, name, cell)):
                extra.append(
                    f"**{strip_emphasis(header[k]) or 'Column ' + str(k + 1)}**: {cell.strip()}"
                )
        made.directive.body = _kept(["\n\n".join(extra)])
        if type_name == "signoff":
            _signoff_status(made)
        out.append(made)
    return out


def _top_level_parts(text: str) -> list[str]:
    """*text* split at the commas and semicolons outside brackets and code."""
    parts, depth, code, start = [], 0, False, 0
    for k, char in enumerate(text):
        if char == "`":
            code = not code
        elif not code and char in "([{":
            depth += 1
        elif not code and char in ")]}":
            depth = max(0, depth - 1)
        elif not code and depth == 0 and char in ",;":
            parts.append(text[start:k])
            start = k + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def technologies(label: str, value: str, line: int, layer: str | None = None) -> list[Made]:
    """The technologies a ``**Label**: value`` line of a technical context names.

    The label is their category; a list label ("Primary Dependencies") gives one
    technology per comma when every part is short (else the value is one), and
    ``Python 3.11`` is the technology ``Python`` at version ``3.11``.

    :param label: the label as written, e.g. ``Language/Version``
    :param value: the value as written
    :param line: its 1-based source line
    :param layer: the layer an enclosing item names (``Frontend: Next.js``)
    :return: the technologies; none when the label names no technology or the
        value none yet (``N/A``, ``NEEDS CLARIFICATION``, a placeholder)
    """
    value = value.strip()
    if (
        not rules.TECH_LABEL.search(label)
        or strip_emphasis(value).lower().rstrip(".") in EMPTY_CELLS | {"none", "no"}
        or rules.UNKNOWN.search(value)
        or find_placeholder(value) is not None
    ):
        return []
    parts = _top_level_parts(value) if rules.TECH_LIST_LABEL.search(label) else [value]
    if len(parts) > 1 and any(len(p.split()) > 8 for p in parts):
        parts = [value]
    out = []
    for part in parts:
        title, version = strip_emphasis(part), None
        if match := rules.TECH_VERSION.match(title):
            title, version = match.group("title").strip(), match.group("version")
        made = Made(Directive("plan-tech", title), "tech", title, line)
        if layer:
            add_field(made, "layer", layer)
        add_field(made, "category", label)
        if version:
            add_field(made, "version", version)
        out.append(made)
    return out


def _signoff_status(made: Made) -> None:
    status = next((o for o in made.directive.options if o.name == "status"), None)
    if (
        status
        and status.value
        and status.value.strip().lower() in ("done", "yes", "signed", "✓", "✅")
    ):
        status.value = "approved"


def checklist(title: str, area: str | None, block: MdBlock) -> Made:
    """A ``plan-check`` holding a task list as written."""
    made = Made(Directive("plan-check", title), "check", title, block.line)
    if area:
        made.directive.option("area", area)
    made.directive.body = [Prose(block.text)]
    return made


def signoffs(block: MdBlock) -> list[Made] | None:
    """``- [x] Tech Lead: Ana Lima - 2024-03-01`` items as sign-offs; ``None`` if
    an item has another shape."""
    out = []
    for item in items(block):
        match = (
            rules.SIGNOFF_ITEM.match(item.text.strip()) if "\n" not in item.text.strip() else None
        )
        if not match:
            return None
        title = strip_emphasis(match.group("title"))
        made = Made(Directive("plan-signoff", title), "signoff", title, item.line + 1)
        add_field(made, "name", match.group("name"))
        if match.group("date"):
            add_field(made, "date", match.group("date"))
        if item.checked is not None:
            add_field(made, "status", "approved" if item.checked else "pending")
        out.append(made)
    return out


def endpoint_run(sig: str, blocks: list[MdBlock], line: int) -> Made:
    """An endpoint given by a signature code block and the blocks after it."""
    made = Made(Directive("plan-endpoint", sig), "endpoint", sig, line)
    made.directive.body = endpoint_body(made, blocks)
    return made

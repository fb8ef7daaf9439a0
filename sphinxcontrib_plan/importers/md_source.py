"""A plain-Markdown plan read into sections and blocks, with their source lines.

markdown-it-py (MyST-Parser's own parser) gives the structure: ATX and Setext
headings, GFM tables, lists and task items, fences of any length. Every block
keeps its source text, so what the importer does not map is written back
word for word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.importers.mdrst import parser

if TYPE_CHECKING:
    from markdown_it.token import Token

#: ``**Label**: value``, ``**Label:** value``, ``**Label** (note): value``
_FIELD = re.compile(
    r"^(?P<m>\*\*|__)(?P<label>[^*_\n]+?)(?::(?P=m)|(?P=m)(?P<note>\s*\([^)\n]*\))?\s*:)[ \t]*(?P<value>.*)$"
)
#: the separator of fields written on one line: `` | **Label**:``
_PIPED = re.compile(r"\s+\|\s+(?=(?:\*\*|__)[^*_\n|]+?(?::(?:\*\*|__)|(?:\*\*|__)\s*:))")
_TASK = re.compile(r"^\[(?P<mark>[ xX])\]\s+")
_LINK = re.compile(r"^\[(?P<text>[^\]]*)\]\((?P<href>[^)\s]+)(?:\s+\"[^\"]*\")?\)$")


@dataclass
class Block:
    """One top-level Markdown block of a section."""

    #: ``paragraph``, ``list``, ``table``, ``fence``, ``hr``, ``quote``, ``html``
    kind: str
    #: first source line, 0-based
    start: int
    #: line after the last, 0-based
    end: int
    #: the block's source text
    text: str
    #: the block's tokens
    tokens: list[Token] = field(repr=False, default_factory=list)

    @property
    def line(self) -> int:
        """First line, 1-based (for reports)."""
        return self.start + 1


@dataclass
class Section:
    """A heading and the blocks up to the next heading."""

    #: heading level, 0 for the text before the first heading
    level: int
    #: heading as inline Markdown
    title: str
    #: heading as plain text
    plain: str
    #: 0-based line of the heading
    start: int
    blocks: list[Block] = field(default_factory=list)
    #: enclosing sections' plain titles, outermost first
    parents: tuple[str, ...] = ()


@dataclass
class FieldLine:
    """A ``**Label**: value`` line."""

    label: str
    #: the value as inline Markdown (may be empty)
    value: str
    #: 0-based source line
    line: int
    #: the whole line as written
    source: str


@dataclass
class Item:
    """One list item."""

    #: item text as Markdown (the first paragraph, task marker removed)
    text: str
    #: ``None`` (no task marker), ``False`` (``[ ]``) or ``True`` (``[x]``)
    checked: bool | None
    #: 0-based source line
    line: int
    #: the item's whole source
    source: str


_KINDS = {
    "paragraph_open": "paragraph",
    "bullet_list_open": "list",
    "ordered_list_open": "list",
    "table_open": "table",
    "blockquote_open": "quote",
    "fence": "fence",
    "code_block": "fence",
    "hr": "hr",
    "html_block": "html",
}


def plain_text(tokens: list[Token]) -> str:
    """The text of inline tokens without their markup.

    :param tokens: inline children
    :return: the plain text
    """
    return "".join(
        t.content
        if t.type in ("text", "code_inline", "html_inline")
        else " "
        if t.type in ("softbreak", "hardbreak")
        else plain_text(t.children or [])
        for t in tokens
    )


#: a YAML front matter block: ``---`` on the first line, ``---`` (or ``...``) closing it
_FRONT_MATTER = re.compile(r"\A(\ufeff?---[ \t]*\n(?:.*?\n)??(?:---|\.\.\.)[ \t]*)(?:\n|\Z)", re.S)


@dataclass
class FrontMatter:
    """The YAML front matter of a Markdown file (Jekyll, Hugo, MyST and others write it)."""

    #: the block as written, its fences included
    text: str
    #: its data: a mapping
    data: dict[str, Any]
    #: how many lines it takes
    lines: int


def split_front_matter(text: str) -> tuple[FrontMatter | None, str]:
    """The front matter of *text*, and the text with its lines left empty (so that
    every line keeps its number). Only a block whose content is a YAML mapping is
    front matter; anything else (a thematic break, then text) is Markdown.

    :param text: the Markdown source
    :return: the front matter or ``None``, and the text to read as Markdown
    """
    from sphinxcontrib_plan.model.codedata import DataError, load_data

    match = _FRONT_MATTER.match(text)
    if match is None:
        return None, text
    block = match.group(1)
    body = block.split("\n", 1)[1].rsplit("\n", 1)[0] if block.count("\n") >= 2 else ""
    try:
        data = load_data(body, "yaml") if body.strip() else {}
    except DataError:
        return None, text
    if not isinstance(data, dict):
        return None, text
    lines = block.count("\n") + 1
    return FrontMatter(block.lstrip("\ufeff"), data, lines), "\n" * (lines - 1) + text[
        match.end(1) :
    ]


def read(text: str) -> list[Section]:
    """The document's sections in order, each with its top-level blocks.

    :param text: the Markdown source
    :return: sections; the first has level 0 and holds what precedes the first heading
    """
    lines = text.split("\n")
    tokens = parser().parse(text)
    sections = [Section(0, "", "", 0)]
    stack: list[Section] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        depth: int = tok.nesting
        j = i + 1
        while depth > 0:
            depth += tokens[j].nesting
            j += 1
        start, end = tok.map or (0, 0)
        if tok.type == "heading_open":
            level = int(tok.tag[1])
            while stack and stack[-1].level >= level:
                stack.pop()
            inline = tokens[i + 1]
            section = Section(
                level,
                inline.content.strip(),
                plain_text(inline.children or []).strip(),
                start,
                parents=tuple(s.plain for s in stack),
            )
            sections.append(section)
            stack.append(section)
        elif tok.type in _KINDS:
            sections[-1].blocks.append(
                Block(_KINDS[tok.type], start, end, "\n".join(lines[start:end]), tokens[i:j])
            )
        i = j
    return sections


def field_lines(block: Block) -> list[FieldLine | str]:
    """The lines of a paragraph: :class:`FieldLine` for ``**Label**: value`` lines,
    the source text for others. A line of several fields separated by ``|``
    (``**Branch**: x | **Date**: 2024-01-02``) gives one :class:`FieldLine` each.

    :param block: a paragraph block
    :return: one entry per field or other source line
    """
    out: list[FieldLine | str] = []
    for k, line in enumerate(block.text.split("\n")):
        # several fields on one line: **Branch**: x | **Date**: 2024-01-02
        parts = _PIPED.split(line) if _FIELD.match(line.strip()) else [line]
        for source in parts:
            match = _FIELD.match(source.strip())
            if match is None:
                out.append(source)
                continue
            label = match.group("label").strip().rstrip(":")
            value = match.group("value").strip().removesuffix("  ").strip()
            out.append(FieldLine(label, value, block.start + k, source))
    return out


def items(block: Block) -> list[Item]:
    """The items of a list block, outermost level only.

    :param block: a list block
    :return: its items
    """
    lines = block.text.split("\n")
    out: list[Item] = []
    toks = block.tokens
    level = 0
    opened: list[int] = []
    for k, tok in enumerate(toks):
        if tok.type == "list_item_open":
            level += 1
            if level == 1:
                opened.append(k)
        elif tok.type == "list_item_close":
            level -= 1
    for n, k in enumerate(opened):
        tok = toks[k]
        start = tok.map[0] if tok.map else block.start
        following = toks[opened[n + 1]].map if n + 1 < len(opened) else None
        end = following[0] if following else block.end
        inline = next((t for t in toks[k:] if t.type == "inline"), None)
        text = inline.content if inline is not None and (inline.map or [0])[0] == start else ""
        first = text.split("\n", 1)
        task = _TASK.match(first[0])
        checked = None if task is None else task.group("mark") != " "
        if task:
            text = text[task.end() :]
        source = "\n".join(lines[start - block.start : end - block.start]).rstrip()
        out.append(Item(text, checked, start, source))
    return out


def table(block: Block) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header cells and rows of a table block, as inline Markdown.

    :param block: a table block
    :return: header cells, and ``(0-based line, cells)`` per body row
    """
    header: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    current: list[str] | None = None
    in_head = False
    for tok in block.tokens:
        if tok.type == "thead_open":
            in_head = True
        elif tok.type == "thead_close":
            in_head = False
        elif tok.type == "tr_open":
            current = header if in_head else []
            if not in_head:
                rows.append(((tok.map or [block.start])[0], current))
        elif tok.type == "inline" and current is not None:
            current.append(tok.content.strip())
    return header, rows


def _cells(line: str) -> list[str]:
    """The cells of a table row's source line (``|`` in code spans and after ``\\`` kept)."""
    cells: list[str] = []
    current: list[str] = []
    code = escaped = False
    for char in line.strip():
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "`":
            code = not code
        elif char == "|" and not code:
            cells.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    cells.append("".join(current).strip())
    if line.strip().startswith("|"):
        cells = cells[1:]
    if line.strip().endswith("|") and cells:
        cells = cells[:-1]
    return cells


def extra_cells(block: Block, width: int) -> list[tuple[int, list[str]]]:
    """Cells beyond a table's header in its rows, which GFM tables drop.

    :param block: a table block
    :param width: the number of header cells
    :return: ``(1-based line, extra cells)`` per row that has some
    """
    out = []
    for offset, line in enumerate(block.text.split("\n")[2:], start=2):
        extra = _cells(line)[width:]
        if line.strip() and extra:
            out.append((block.start + offset + 1, extra))
    return out


def unwrap_link(value: str) -> str:
    """The target of a value that is one Markdown link, else the value.

    :param value: inline Markdown
    :return: the link's URL or path, or *value*
    """
    match = _LINK.match(value.strip())
    return match.group("href") if match else value


def strip_emphasis(value: str) -> str:
    """A cell without the bold, italic or code markup wrapping all of it.

    :param value: inline Markdown, e.g. ``**Stripe API downtime**``
    :return: ``Stripe API downtime``
    """
    match = re.fullmatch(r"(\*\*|__|\*|_|`)(?P<inner>[^*`]+?)\1", value.strip())
    return match.group("inner").strip() if match else value.strip()


#: languages of code blocks that are diagrams
DIAGRAM_LANGUAGES = frozenset(
    {
        "",
        "text",
        "txt",
        "ascii",
        "mermaid",
        "plantuml",
        "puml",
        "dot",
        "graphviz",
        "ditaa",
        "svgbob",
        "d2",
    }
)


def diagram_start(blocks: list[Block]) -> int | None:
    """Where a diagram starts among an object's blocks (after its fields), if one does.

    :param blocks: the blocks of the object's section
    :return: the index of the diagram (or of the label line before it), ``None``
    """
    for i, block in enumerate(blocks):
        if i == 0 or block.kind != "fence":
            continue
        language = (
            (block.tokens[0].info or "").strip().split(" ")[0].lower() if block.tokens else ""
        )
        if language in DIAGRAM_LANGUAGES:
            before = blocks[i - 1]
            label = (
                before.kind == "paragraph"
                and "\n" not in before.text.strip()
                and before.text.strip().rstrip("*_").endswith(":")
            )
            return i - 1 if label and i > 1 else i
    return None

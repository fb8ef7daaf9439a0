"""A neutral model of an imported plan document, and its MyST and reST writers.

Importers build :class:`Document` values (headings, prose, code blocks, rules
and ``plan-*`` directives with options and nested bodies); the writers turn
them into source text, quoting option values and choosing fence lengths so
that what was read comes back as written. Prose and text-field values are
CommonMark: MyST keeps them as they are, reST gets them converted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sphinxcontrib_plan.importers import literal, mdrst


@dataclass
class Option:
    """One ``:name: value`` line of a directive."""

    #: option name
    name: str
    #: its value, ``None`` for a flag
    value: str | None = None
    #: whether the value is inline Markdown (a text field) rather than a literal
    markup: bool = False


@dataclass
class Directive:
    """A directive: ``plan-risk`` with its argument, options and body."""

    #: directive name, e.g. ``plan-risk``
    name: str
    #: the argument (a title or a signature), one line
    argument: str = ""
    #: options in writing order
    options: list[Option] = field(default_factory=list)
    #: body blocks, nested directives included
    body: list[Block] = field(default_factory=list)
    #: the 1-based line of the input it was made from (0: unknown), for the import report
    line: int = 0

    def option(self, name: str, value: str | None, *, markup: bool = False) -> None:
        """Append an option.

        :param name: option name
        :param value: its value
        :param markup: whether the value is inline Markdown
        """
        self.options.append(Option(name, value, markup))


@dataclass
class Heading:
    """A section heading; its text is inline Markdown."""

    level: int
    text: str


@dataclass
class Prose:
    """CommonMark block text, kept as the author wrote it."""

    text: str


@dataclass
class Text:
    """Another document's plain text (an OpenAPI description): written so that it
    reads back as the same characters, never as markup; web links stay links."""

    text: str


@dataclass
class Code:
    """A fenced code block."""

    text: str
    language: str = ""


@dataclass
class ThematicBreak:
    """A thematic break (``---``)."""


Block = Directive | Heading | Prose | Text | Code | ThematicBreak


@dataclass
class Document:
    """A whole output document."""

    blocks: list[Block] = field(default_factory=list)
    #: the source's YAML front matter as written (fences included), kept at the top
    front_matter: str | None = None


# --------------------------------------------------------------------- MyST

_COLONS = re.compile(r"^\s*(:{3,})", re.MULTILINE)
_TICKS = re.compile(r"^\s*(`{3,}|~{3,})", re.MULTILINE)
#: first characters MyST's option parser reads as syntax (quotes, block scalars, comments)
_UNSAFE_START = frozenset("'\"|>#")
#: a prose line MyST would read as syntax of its own: a comment, a target, a block break
_MYST_LINE = re.compile(r"^(\s{0,3})(%|\([^)\s]*\)=\s*$|\+\+\+)")


def myst_value(value: str) -> str:
    """An option value as MyST's option parser reads it back unchanged.

    MyST reads option lines as a YAML subset: a leading quote, ``|`` or ``>``,
    `` #`` and line breaks change the value. Such values are written
    double-quoted with YAML escapes; every other value as it is.

    :param value: the value
    :return: the text to write after ``:name:``
    """
    if (
        value
        and value[0] not in _UNSAFE_START
        and value == value.strip()
        and " #" not in value
        and "\t" not in value
        and "\n" not in value
    ):
        return value
    escaped = (
        value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    )
    return f'"{escaped}"'


def _myst_prose(text: str) -> str:
    lines, fence = [], None
    for line in text.split("\n"):
        mark = _TICKS.match(line)
        if fence is None and mark:
            fence = mark.group(1)
        elif (
            fence is not None
            and mark
            and mark.group(1).startswith(fence[0] * len(fence))
            and line.strip() == mark.group(1)
        ):
            fence = None
        elif fence is None:
            line = _MYST_LINE.sub(r"\1\\\2", line)
        lines.append(line)
    return "\n".join(lines)


def _fence(char: str, text: str, pattern: re.Pattern[str]) -> str:
    runs = [len(m.group(1)) for m in pattern.finditer(text) if m.group(1)[0] == char]
    return char * max(3, max(runs, default=0) + 1)


class Levels:
    """Section depths without gaps: a level-4 heading right under a level-2 one
    is written as level 3 (Sphinx warns on skipped levels; reST cannot have them)."""

    def __init__(self) -> None:
        self.stack: list[int] = []

    def depth(self, level: int) -> int:
        """The depth (1 for the outermost) of a heading of *level* at this point."""
        while self.stack and self.stack[-1] >= level:
            self.stack.pop()
        self.stack.append(level)
        return len(self.stack)


def _myst_block(block: Block, levels: Levels) -> str:
    if isinstance(block, Heading):
        return f"{'#' * levels.depth(block.level)} {block.text}"
    if isinstance(block, Prose):
        return _myst_prose(block.text.strip("\n"))
    if isinstance(block, Text):
        return literal.myst(block.text)
    if isinstance(block, Code):
        fence = _fence("`", block.text, _TICKS)
        return f"{fence}{block.language}\n{block.text.rstrip(chr(10))}\n{fence}"
    if isinstance(block, ThematicBreak):
        return "---"
    body = "\n\n".join(_myst_block(b, levels) for b in block.body)
    fence = _fence(":", body, _COLONS)
    lines = [f"{fence}{{{block.name}}}" + (f" {block.argument}" if block.argument else "")]
    for opt in block.options:
        lines.append(f":{opt.name}:" + ("" if opt.value is None else f" {myst_value(opt.value)}"))
    if body:
        lines += ["", body]
    lines.append(fence)
    return "\n".join(lines)


def write_myst(document: Document) -> str:
    """The document as MyST Markdown with colon fences.

    :param document: the document
    :return: its source text, ending in one newline
    """
    levels = Levels()
    body = "\n\n".join(_myst_block(b, levels) for b in document.blocks).rstrip() + "\n"
    return f"{document.front_matter}\n\n{body}" if document.front_matter else body


# --------------------------------------------------------------------- reST

_UNDERLINES = "=-~^\"'`"


def rst_value(value: str, markup: bool) -> str:
    """An option value for reST: Markdown converted, line breaks as continuation lines.

    :param value: the value
    :param markup: whether it is inline Markdown
    :return: the text to write after ``:name:``
    """
    text = mdrst.inline(value) if markup else value
    return text.replace("\n", "\n   ")


def _indent(text: str, prefix: str = "   ") -> str:
    return "\n".join(prefix + line if line.strip() else "" for line in text.split("\n"))


class _RstWriter:
    """reST writer: keeps the section levels consistent as it goes."""

    def __init__(self) -> None:
        self.levels = Levels()

    def heading(self, block: Heading) -> str:
        text = mdrst.inline(block.text).replace("\n", " ")
        depth = min(self.levels.depth(block.level), len(_UNDERLINES)) - 1
        line = _UNDERLINES[depth] * (mdrst.width(text) + 2)
        return f"{line}\n{text}\n{line}" if depth == 0 else f"{text}\n{line}"

    def blocks(self, blocks: list[Block], nested: bool) -> str:
        out: list[str] = []
        for i, block in enumerate(blocks):
            if isinstance(block, ThematicBreak):
                # reST allows transitions only between body elements of a section
                nxt = blocks[i + 1] if i + 1 < len(blocks) else None
                if (
                    nested
                    or not out
                    or isinstance(blocks[i - 1], (Heading, ThematicBreak))
                    or nxt is None
                    or isinstance(nxt, ThematicBreak)
                ):
                    continue
                out.append("----------")
            elif isinstance(block, Heading):
                out.append(self.heading(block))
            elif isinstance(block, Prose):
                text = mdrst.blocks(block.text)
                if text:
                    out.append(text)
            elif isinstance(block, Text):
                text = literal.rst(block.text)
                if text:
                    out.append(text)
            elif isinstance(block, Code):
                out.append(mdrst.code(block.text, block.language))
            else:
                out.append(self.directive(block))
        return "\n\n".join(out)

    def directive(self, block: Directive) -> str:
        lines = [
            f".. {block.name}::" + (f" {mdrst.inline(block.argument)}" if block.argument else "")
        ]
        for opt in block.options:
            value = "" if opt.value is None else " " + rst_value(opt.value, opt.markup)
            lines.append(f"   :{opt.name}:{value}")
        body = self.blocks(block.body, nested=True)
        if body:
            lines += ["", _indent(body)]
        return "\n".join(lines)


def write_rst(document: Document) -> str:
    """The document as reStructuredText.

    :param document: the document
    :return: its source text, ending in one newline
    """
    body = _RstWriter().blocks(document.blocks, nested=False).rstrip() + "\n"
    if not document.front_matter:
        return body
    # reStructuredText has no front matter: a comment keeps it, as written
    kept = "\n".join(f"   {line}" if line else "" for line in document.front_matter.split("\n"))
    return f"..\n   The source's front matter, as written:\n\n{kept}\n\n{body}"


#: writers by ``--format`` name
WRITERS = {"myst": write_myst, "rst": write_rst}
#: file suffix of each format
SUFFIXES = {"myst": ".md", "rst": ".rst"}

"""Directive options read from the directive's own lines, as the author wrote them.

A plan directive declares no ``option_spec``: docutils and MyST-Parser then
leave its option lines to it, untouched (reST inside the argument block, MyST
as the first lines of the body), and :class:`OwnOptions` reads them here with
reST's rules, in both syntaxes: ``:name: value``, the value as written (``>``,
``#``, ``%`` and quotes included). This is public behaviour of both parsers:

- docutils keeps a whole directive when its options are odd (a repeated
  option, a stray line, a name of several words) instead of dropping it,
  body included; each problem is one ``plan.option`` warning at its line;
- MyST does not read the values as YAML (where ``#`` starts a comment and
  ``>`` a folded block); its ``---`` YAML option block is read as YAML, and a
  ``:name:`` value quoted as a whole means its content, as MyST reads it;
- a value goes on on the lines indented deeper than its option, in MyST as
  in reST (MyST-Parser itself ends its option block at such a line, and the
  options below it would become body text);
- every option keeps its exact source line, for warnings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import ClassVar

import yaml
from docutils.parsers.rst.states import Body
from docutils.statemachine import StateMachine, StringList
from sphinx.util.docutils import SphinxDirective

from sphinxcontrib_plan.directives.myst_lines import blank_line_added
from sphinxcontrib_plan.warnings import PlanWarning, warn

#: docutils' own pattern of a field (option) marker, ``:name:`` then a space or the end
_MARKER = re.compile(Body.patterns["field_marker"])


@dataclass
class OptionBlock:
    """The options of a directive, read from its lines."""

    #: option name to its text (``None`` for a flag without value)
    values: dict[str, str | None] = field(default_factory=dict)
    #: option name to its line, numbered as the directive's state machine numbers them
    lines: dict[str, int] = field(default_factory=dict)
    #: ``(line, message)`` of each problem
    problems: list[tuple[int, str]] = field(default_factory=list)
    #: lines of the option block that are no option, with their lines
    stray: list[tuple[str, int]] = field(default_factory=list)


def _field(line: str) -> tuple[str, str] | None:
    """``(name, value)`` of a ``:name: value`` line, else ``None``."""
    match = _MARKER.match(line)
    if match is None:
        return None
    name = re.sub(r"\\(.)", r"\1", line[1 : match.end()].rstrip()[:-1])
    return name, line[match.end() :].strip()


def _note(block: OptionBlock, directive: str, name: str, value: str | None, line: int) -> None:
    """Add one option to *block*, with the problems of its name."""
    key = name.lower()
    if len(key.split()) > 1:
        # docutils rejects a name of several words; "rate limit" means rate-limit
        new = "-".join(key.split())
        block.problems.append(
            (line, f"{directive}: the option name {key!r} has spaces; it is read as {new!r}")
        )
        key = new
    if key in block.values:
        block.problems.append(
            (
                line,
                f"{directive}: the option {key!r} is given more than once; the last value is used",
            )
        )
    block.values[key] = value or None
    block.lines[key] = line


def read_rst_block(lines: list[str], first: int, directive: str) -> OptionBlock:
    """Read a reST option block: ``:name: value`` lines, indented lines going on.

    :param lines: the block's lines (no blank line among them), dedented
    :param first: the line number of its first line
    :param directive: the directive name, for messages
    :return: the options, and the lines that are none
    """
    block = OptionBlock()
    current: tuple[str, list[str], int] | None = None

    def close() -> None:
        if current is not None:
            name, parts, line = current
            _note(block, directive, name, "\n".join(p for p in parts if p) or None, line)

    for offset, line in enumerate(lines):
        found = _field(line) if not line[:1].isspace() else None
        if found is not None:
            close()
            current = (found[0], [found[1]], first + offset)
        elif current is not None and line[:1].isspace():
            current[1].append(line.strip())  # the value goes on on a deeper indented line
        else:
            close()
            current = None
            block.stray.append((line.strip(), first + offset))
    close()
    return block


def read_myst_block(lines: list[str], first: int, directive: str) -> tuple[OptionBlock, int]:
    """Read MyST's option block at the head of a body: ``:name: value`` lines, or
    a YAML mapping between ``---`` lines.

    :param lines: the body's lines
    :param first: the line number of its first line
    :param directive: the directive name, for messages
    :return: the options, and how many lines they take
    """
    block = OptionBlock()
    if lines and lines[0].strip() == "---":
        end = next((i for i, line in enumerate(lines[1:], 1) if line.startswith("---")), len(lines))
        _read_yaml("\n".join(lines[1:end]), first + 1, directive, block)
        return block, min(end + 1, len(lines))
    # name, value lines and line of each option; a line indented deeper than the
    # option above it goes on with its value, as in reST (MyST itself would end
    # the options there and read the rest as the body, options included)
    options: list[tuple[str, list[str], int]] = []
    indent: int | None = None
    used = 0
    for used, line in enumerate(lines):
        stripped = line.lstrip()
        depth = len(line) - len(stripped)
        if indent is not None and stripped and depth > indent:
            options[-1][1].append(stripped.rstrip())
            continue
        if not stripped.startswith(":") or stripped.startswith(":::"):
            break  # MyST's option block: the lines that open with one colon
        found = _field(stripped)
        if found is None:
            indent = None
            block.problems.append(
                (
                    first + used,
                    f"{directive}: {stripped!r} is not an option (':name: value'); it is ignored",
                )
            )
            continue
        options.append((found[0], [found[1]], first + used))
        indent = depth
    else:
        used = len(lines)
    for name, parts, at in options:
        value = parts[0] if len(parts) == 1 else "\n".join(p for p in parts if p)
        _note(block, directive, name, _unquoted(value), at)
    return block, used


def _unquoted(value: str) -> str:
    """A value quoted as a whole (``"Ops"``) means its content, as YAML reads it."""
    if value[:1] in ("'", '"'):
        try:
            text = yaml.safe_load(value)
        except yaml.YAMLError:
            return value  # '"x" in path': the quote is part of the text
        if isinstance(text, str):
            return text
    return value


def _read_yaml(text: str, first: int, directive: str, block: OptionBlock) -> None:
    """Read a ``---`` option block: a YAML mapping, each scalar the text as written."""
    try:
        root = yaml.compose(text, Loader=yaml.BaseLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        block.problems.append(
            (
                first + (mark.line if mark else 0),
                f"{directive}: the YAML option block cannot be read "
                f"({getattr(err, 'problem', None) or err}); its options are "
                "ignored",
            )
        )
        return
    if root is None:
        return
    if not isinstance(root, yaml.MappingNode):
        block.problems.append(
            (
                first,
                f"{directive}: the YAML option block is no mapping "
                "('name: value' lines); it is ignored",
            )
        )
        return
    for key, value in root.value:
        line = first + key.start_mark.line
        if not isinstance(value, yaml.ScalarNode) or not isinstance(key, yaml.ScalarNode):
            block.problems.append(
                (
                    line,
                    f"{directive}: the option {key.value!r} is a YAML "
                    "list or mapping; write its value as text",
                )
            )
            continue
        _note(block, directive, str(key.value), str(value.value), line)


class OwnOptions(SphinxDirective):
    """A directive reading its own options (see the module's description).

    Subclasses call :meth:`read_options` first in ``run``; then ``arguments``
    hold the title only, ``content`` the body only, and :meth:`option_location`
    gives each option's line.
    """

    option_spec = None  # the parsers hand over the option lines untouched
    has_content = True  # in MyST, the option lines are the body's first lines
    #: whether the directive has a body; without one, text below its options is ignored
    takes_body: ClassVar[bool] = True

    _lines: dict[str, int]

    @property
    def is_myst(self) -> bool:
        """Whether the directive is in a MyST document (MyST mocks docutils' state machine)."""
        return not isinstance(self.state_machine, StateMachine)

    def read_options(self) -> dict[str, str | None]:
        """Read the options, take them out of the title and body, warn about problems.

        :return: option name to its text (``None`` for a flag); also set as ``options``
        """
        if self.is_myst:
            if (
                self.content
                and self.content[0].lstrip().startswith(":::")
                and self.content_offset > 0
                and blank_line_added(self)
            ):
                self.content_offset -= 1  # MyST-Parser's own line, see .myst_lines
            block, used = read_myst_block(list(self.content), self._content_line(0), self.name)
            if used < len(self.content) and not self.content[used].strip():
                used += 1  # the blank line between the options and the body
            self._drop_head(used)
        else:
            block = self._rst_block()
        for line, message in block.problems:
            warn(PlanWarning.OPTION, message, location=self.line_location(line), env=self.env)
        if block.stray or (self.content and not self.takes_body):
            self._stray(block.stray)
        self.options = block.values
        self._lines = block.lines
        return block.values

    def _rst_block(self) -> OptionBlock:
        """reST: the options are the argument block's lines from the first ``:name:`` on
        (directives with a title), or the body's first lines up to a blank line."""
        if self.optional_arguments or self.required_arguments:
            if not self.arguments:
                return OptionBlock()
            lines = self.arguments[-1].split("\n")
            start = next((i for i, line in enumerate(lines) if _field(line)), len(lines))
            # the title starts on the directive's line, or on the one below it
            first = self.lineno + (
                0 if self.block_text.split("\n", 1)[0].partition("::")[2].strip() else 1
            )
            title = "\n".join(lines[:start]).strip()
            self.arguments[-1:] = [title] if title else []
            if len(self.arguments) < self.required_arguments:
                raise self.error(
                    f'Error in "{self.name}" directive: '
                    f"{self.required_arguments} argument(s) required, 0 supplied"
                )
            return read_rst_block(lines[start:], first + start, self.name)
        head = next(
            (i for i, line in enumerate(self.content) if not line.strip()), len(self.content)
        )
        if not head or _field(self.content[0]) is None:
            return OptionBlock()
        block = read_rst_block(list(self.content[:head]), self._content_line(0), self.name)
        self._drop_head(head)
        return block

    def _content_line(self, index: int) -> int:
        """The line number of the body's line *index*, as the state machine numbers it."""
        if self.is_myst:
            # MyST renders the body from the line below the directive's own line
            return self.lineno + 1 + self.content_offset + index
        return self.content_offset + 1 + index

    def _drop_head(self, count: int) -> None:
        """Take the first *count* lines (the options) out of the body."""
        self.content = self.content[count:]
        self.content_offset += count
        while self.content and not self.content[0].strip():
            self.content = self.content[1:]
            self.content_offset += 1

    def _stray(self, stray: list[tuple[str, int]]) -> None:
        """Warn about lines that are no option; keep them in the body, if there is one."""
        where = "kept as text of the body" if self.takes_body else "ignored"
        for text, line in stray:
            word, colon, value = text.partition(":")
            hint = (
                f"; did you mean ':{word}: {value.strip()}'?"
                if colon and re.fullmatch(r"[\w-]+", word)
                else ""
            )
            warn(
                PlanWarning.OPTION,
                f"{self.name}: {text!r} is not an option (':name: value'); it is {where}{hint}",
                location=self.line_location(line),
                env=self.env,
            )
        if not self.takes_body:
            if self.content:
                warn(
                    PlanWarning.OPTION,
                    f"{self.name} has no body; the text below its options is ignored",
                    location=self.line_location(self._content_line(0)),
                    env=self.env,
                )
            self.content = StringList()
            return
        # stray lines go first in the body, then a blank line, located where they were
        items: list[tuple[str, int]] = []
        for _, line in stray:
            source, number = self.state_machine.get_source_and_line(line)
            items.append((source or "", (number or 1) - 1))
        kept = StringList([text for text, _ in stray] + [""], items=[*items, items[-1]])
        kept.extend(self.content)
        self.content = kept
        self.content_offset = stray[0][1] - 1

    def line_location(self, line: int) -> str:
        """``source:line`` of a line numbered as the state machine numbers it."""
        source, number = self.state_machine.get_source_and_line(line)
        return f"{source}:{number}" if source and number else self.get_location()

    def option_location(self, option: str | None) -> str:
        """``source:line`` of an option, or of the directive when it has none.

        :param option: the option name, ``None`` for the directive
        :return: the location
        """
        line = self._option_lines().get(option) if option else None
        return self.line_location(line) if line is not None else self.get_location()

    def option_line(self, option: str) -> int:
        """The source line of an option (the directive's own line when it has none)."""
        line = self._option_lines().get(option)
        if line is None:
            return self.lineno
        number = self.state_machine.get_source_and_line(line)[1]
        return number or self.lineno

    def _option_lines(self) -> dict[str, int]:
        """Each option's line (none before :meth:`read_options` ran)."""
        return getattr(self, "_lines", {})

    def body_line(self, text: str, near: int) -> int | None:
        """The source line of the first body line reading *text* (stripped), at or
        after source line *near*: a code block's first line of code.

        :param text: the line's text
        :param near: a source line at or before it (a code block's fence)
        :return: the line, or ``None`` when no body line reads so
        """
        wanted = text.strip()
        for index, line in enumerate(self.content):
            if line.strip() != wanted:
                continue
            number = self.state_machine.get_source_and_line(self._content_line(index))[1]
            if number is not None and number >= near:
                return int(number)
        return None

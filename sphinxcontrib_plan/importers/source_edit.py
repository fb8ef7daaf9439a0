"""Set options of one directive in a MyST or reStructuredText source, changing nothing else.

The directive is found at its recorded line (a few lines of slack, since
parsers count nested lines slightly differently) and checked by name and
argument. Lines are counted as the parser of the directive's syntax counts
them (never with :meth:`str.splitlines`, which also splits at form feeds and
Unicode separators): MyST at ``\n``, ``\r\n`` and ``\r`` only; docutils
also at the separators :meth:`str.splitlines` knows, except the vertical tab
and form feed it turns into spaces first. Its options may be ``:name: value`` lines (both syntaxes) or a MyST
YAML block between ``---`` lines. An option that exists gets its new value in
place (its continuation lines dropped); a new one is added after the last
option with the same indentation (or, when asked, before the first: a pinned
``id`` goes where people write it). Many edits to one file
(:func:`edit_source`) cut it into lines once and are made bottom up, each
changing only its directive's lines. Line endings and every other byte stay as
they were.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

#: lines searched around the recorded line
SLACK = 3
_MYST = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>:{3,}|`{3,})\{(?P<name>[\w:.-]+)\}[ \t]*(?P<arg>.*?)\s*$"
)
_RST = re.compile(r"^(?P<indent>[ \t]*)\.\.[ \t]+(?P<name>[\w:.-]+)::[ \t]*(?P<arg>.*?)\s*$")
_OPTION = re.compile(r"^(?P<indent>[ \t]*):(?P<key>[^:\s][^:]*):(?:[ \t]+(?P<value>.*?))?\s*$")
_YAML_KEY = re.compile(r"^(?P<indent>[ \t]*)(?P<key>[\w-]+):(?:[ \t]+(?P<value>.*?))?\s*$")


#: line breaks as MyST-Parser (markdown-it) and docutils (``string2lines``) count them
_BREAKS = {
    "myst": re.compile(r"\r\n|\r|\n"),
    "rst": re.compile("\r\n|[\r\n\x1c\x1d\x1e\x85\u2028\u2029]"),
}


class EditError(Exception):
    """The directive is not where the build saw it, or cannot be edited safely."""

    #: the recorded line of the directive whose edit failed (set by :func:`edit_source`)
    lineno: int | None = None


@dataclass
class _Block:
    #: index of the line after the last option (new options go before it)
    insert_at: int
    #: index of the first option line (or where it would be)
    first_at: int
    #: indentation of option lines
    indent: str
    #: ``field`` (``:key: value``) or ``yaml``
    style: str
    #: option name (lower case) to (first line index, line after its last line)
    options: dict[str, tuple[int, int]]


def split_lines(text: str, syntax: str) -> list[str]:
    """*text* cut into lines, each with its line break, as *syntax*'s parser counts them.

    :param text: a source file's text
    :param syntax: ``myst`` or ``rst``
    :return: the lines; joined, they give *text* back
    """
    lines: list[str] = []
    start = 0
    for match in _BREAKS[syntax].finditer(text):
        lines.append(text[start : match.end()])
        start = match.end()
    if start < len(text):
        lines.append(text[start:])
    return lines


_BREAK_CHARS = "\r\n\x1c\x1d\x1e\x85\u2028\u2029"
#: the line breaks docutils counts and MyST does not
_RST_ONLY = re.compile("[\x1c\x1d\x1e\x85\u2028\u2029]")


def _ending(line: str) -> str:
    return line[len(line.rstrip(_BREAK_CHARS)) :]


def _indent(line: str) -> str:
    """The spaces and tabs *line* starts with."""
    return line[: len(line) - len(line.lstrip(" \t"))]


def _text(line: str) -> str:
    return line.rstrip(_BREAK_CHARS)


def _cut(text: str) -> dict[str, list[str]]:
    """*text* in lines as each syntax counts them (one list when they agree)."""
    myst = split_lines(text, "myst")
    return {"myst": myst, "rst": myst if not _RST_ONLY.search(text) else split_lines(text, "rst")}


def _find(
    cut: Mapping[str, list[str]], lineno: int, names: tuple[str, ...], argument: str
) -> tuple[int, str]:
    """The index of the directive's line near *lineno*, and its syntax."""
    wanted = " ".join(argument.split()).casefold()
    for distance in range(SLACK + 1):
        for syntax, pattern in (("myst", _MYST), ("rst", _RST)):
            lines = cut[syntax]
            for i in dict.fromkeys((lineno - 1 - distance, lineno - 1 + distance)):
                match = pattern.match(_text(lines[i])) if 0 <= i < len(lines) else None
                if (
                    match
                    and match.group("name") in names
                    and " ".join(match.group("arg").split()).casefold() == wanted
                ):
                    return i, syntax
    raise EditError(
        f"line {lineno} no longer holds the {names[0]} directive {argument!r} "
        "(was the file changed meanwhile?)"
    )


def _field_block(lines: list[str], start: int, myst: bool) -> _Block:
    directive_indent = _indent(lines[start])
    options: dict[str, tuple[int, int]] = {}
    indent: str | None = None
    i = start + 1
    while i < len(lines):
        text = _text(lines[i])
        match = _OPTION.match(text)
        if not match or (not myst and len(match.group("indent")) <= len(directive_indent)):
            break
        indent = indent if indent is not None else match.group("indent")
        first = i
        i += 1
        # reST option values continue on lines indented deeper than the option
        while (
            not myst
            and i < len(lines)
            and lines[i].strip()
            and not _OPTION.match(_text(lines[i]))
            and len(lines[i]) - len(lines[i].lstrip()) > len(indent)
        ):
            i += 1
        options.setdefault(match.group("key").strip().lower(), (first, i))
    if indent is None:
        indent = directive_indent if myst else directive_indent + "   "
    return _Block(i, start + 1, indent, "field", options)


def _yaml_block(lines: list[str], start: int) -> _Block:
    options: dict[str, tuple[int, int]] = {}
    indent = _indent(lines[start + 1])
    i = start + 2
    while i < len(lines) and lines[i].strip() != "---":
        match = _YAML_KEY.match(_text(lines[i]))
        if match and match.group("indent") == indent:
            options.setdefault(match.group("key").lower(), (i, i + 1))
        elif options and lines[i].strip():
            first, _ = options[list(options)[-1]]
            options[list(options)[-1]] = (first, i + 1)  # a value continued on the next line
        i += 1
    if i >= len(lines):
        raise EditError(f"the option block opened at line {start + 2} is not closed with '---'")
    return _Block(i, start + 2, indent, "yaml", options)


def _yaml_value(value: str) -> str:
    # a JSON string is a YAML string: quote whenever plain YAML could read something else
    plain = re.fullmatch(r"[A-Za-z0-9_.][\w .@/+-]*", value) and not re.fullmatch(
        r"(?i)(true|false|yes|no|on|off|null|~|[\d.eE+-]+|\d{4}-\d\d-\d\d)", value
    )
    return value if plain else json.dumps(value, ensure_ascii=False)


@dataclass
class Edit:
    """One directive's edit: options set (``None`` removes one) and its title, or,
    with ``values=None``, the directive removed."""

    #: the directive's line (1-based) as the build recorded it
    lineno: int
    #: the directive's accepted names, e.g. ``("plan-signoff", "plan:signoff")``
    names: tuple[str, ...]
    #: the directive's argument, to check the right directive is edited
    argument: str
    #: option name to new value (one line each), in the order new ones are added;
    #: ``None`` (the whole mapping): remove the directive
    values: Mapping[str, str | None] | None
    #: a new argument for the directive (its title), one line
    title: str | None = None
    #: the options that, when added, go before the first option rather than after the last
    on_top: Collection[str] = ()


def edit_source(text: str, edits: Iterable[Edit]) -> str:
    """Apply *edits* to one file, cut into lines once: bottom up, each changes
    only its directive's lines, so those above keep their numbers.

    :param text: the whole source file
    :param edits: the edits, in any order (two on one directive: not allowed)
    :return: the new text
    :raise EditError: when a directive is not found, a value spans lines, or a
        MyST fence to remove is not closed
    """
    ordered = sorted(edits, key=lambda e: -e.lineno)
    for edit in ordered:
        for key, value in [*(edit.values or {}).items(), ("title", edit.title)]:
            if value is not None and ("\n" in value or "\r" in value):
                raise EditError(f"the value of {key!r} must be one line")
    cut = _cut(text)
    for edit in ordered:
        if cut["rst"] is not cut["myst"]:
            # the syntaxes count lines differently here: one edit at a time, cut again
            cut = _cut("".join(cut["myst"]))
        try:
            start, syntax = _find(cut, edit.lineno, edit.names, edit.argument)
            _edited(cut[syntax], start, syntax, edit)
        except EditError as err:
            err.lineno = edit.lineno
            raise
        if cut["rst"] is not cut["myst"]:
            cut["myst"] = cut[syntax]  # the list edited, whichever it was
    return "".join(cut["myst"])


def _edited(lines: list[str], start: int, syntax: str, edit: Edit) -> list[str]:
    """*lines* with *edit* made to the directive at *start* (changed in place)."""
    if edit.values is None:
        first, end = _directive_span(lines, start, syntax)
        del lines[first:end]
    else:
        _set_at(lines, start, syntax, edit)
    return lines


def set_options(
    text: str,
    lineno: int,
    names: tuple[str, ...],
    argument: str,
    values: Mapping[str, str | None],
    *,
    title: str | None = None,
    on_top: Collection[str] = (),
) -> str:
    """Set *values* as options of the directive at *lineno*; ``None`` removes one.

    :param text: the whole source file
    :param lineno: the directive's line (1-based) as the build recorded it
    :param names: the directive's accepted names, e.g. ``("plan-signoff", "plan:signoff")``
    :param argument: the directive's argument, to check the right directive is edited
    :param values: option name to new value (one line each), in the order new ones are
        added; ``None`` removes the option's lines (nothing when it has none)
    :param title: a new argument for the directive (its title), one line
    :param on_top: the options that, when added, go before the first option
        rather than after the last
    :return: the new text
    :raise EditError: when the directive is not found or a value spans lines
    """
    return edit_source(text, [Edit(lineno, names, argument, values, title, on_top)])


def _set_at(lines: list[str], start: int, syntax: str, edit: Edit) -> None:
    """Set the options and title of *edit* on the directive at *start*, changing
    only the lines from its own to its last option."""
    values, title = edit.values or {}, edit.title
    if title is not None:
        line = lines[start]
        match = (_MYST if syntax == "myst" else _RST).match(_text(line))
        if match is None or not title.strip():  # pragma: no cover - _find matched it
            raise EditError("the directive's title cannot be set")
        body = _text(line)
        sep = "" if match.group("arg") else " "
        lines[start] = (
            body[: match.start("arg")]
            + sep
            + title.strip()
            + body[match.end("arg") :]
            + line[len(body) :]
        )
    eol = _ending(lines[start]) or "\n"
    if syntax == "myst" and start + 1 < len(lines) and lines[start + 1].strip() == "---":
        block = _yaml_block(lines, start)
    else:
        block = _field_block(lines, start, syntax == "myst")
    missing_eol = not _ending(lines[-1])
    if missing_eol:
        lines[-1] += eol  # appending after a last line without newline must not join lines

    def render(key: str, value: str) -> str:
        if block.style == "yaml":
            return f"{block.indent}{key}: {_yaml_value(value)}{eol}"
        return f"{block.indent}:{key}: {value}{eol}".replace(f": {eol}", f":{eol}")

    replaced: dict[int, tuple[int, str]] = {}
    added: list[str] = []
    leading: list[str] = []
    for key, value in values.items():
        span = block.options.get(key.lower())
        if value is None:
            if span is not None:
                replaced[span[0]] = (span[1], "")
        elif span is None:
            (leading if key in edit.on_top else added).append(render(key, value))
        else:
            first, end = span
            old = _OPTION.match(_text(lines[first])) or _YAML_KEY.match(_text(lines[first]))
            spelled = old.group("key").strip() if old else key
            replaced[first] = (end, render(spelled, value))
    # only the option block changes: the lines from the directive's to its last option
    low, high = start + 1, block.insert_at
    out: list[str] = []
    i = low
    while i < high:
        if i == block.first_at:
            out += leading
        if i in replaced:
            end, line = replaced[i]
            if line:
                out.append(line)
            i = end
            continue
        out.append(lines[i])
        i += 1
    if block.first_at >= high:
        out += leading
    out += added
    last = lines[-1]
    lines[low:high] = out
    if missing_eol and lines[-1] is last:
        lines[-1] = last[: -len(eol)]  # the untouched last line keeps having no newline


def remove_directive(text: str, lineno: int, names: tuple[str, ...], argument: str) -> str:
    """Remove the directive at *lineno*, its options and body, and one blank line around it.

    :param text: the whole source file
    :param lineno: the directive's line (1-based) as the build recorded it
    :param names: the directive's accepted names
    :param argument: the directive's argument, to check the right directive is removed
    :return: the new text
    :raise EditError: when the directive is not found or its MyST fence is not closed
    """
    return edit_source(text, [Edit(lineno, names, argument, None)])


def _directive_span(lines: list[str], start: int, syntax: str) -> tuple[int, int]:
    """The lines the directive at *start* spans, with one blank line around it."""
    if syntax == "myst":
        opening = _MYST.match(_text(lines[start]))
        if opening is None:  # _find said MyST: it matched this line
            raise EditError(f"line {start + 1} opens no MyST directive")
        fence = opening.group("fence")
        end = next(
            (i + 1 for i in range(start + 1, len(lines)) if _text(lines[i]).strip() == fence), None
        )
        if end is None:
            raise EditError(f"the fence {fence} opened at line {start + 1} is not closed")
    else:
        indent = len(lines[start]) - len(lines[start].lstrip())
        end = start + 1
        while end < len(lines) and (
            not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent
        ):
            end += 1
        while end > start + 1 and not lines[end - 1].strip():
            end -= 1  # the blank lines after the body separate what follows
    if end < len(lines) and not lines[end].strip() and (start == 0 or not lines[start - 1].strip()):
        end += 1  # one blank line, not two, where the directive was
    return start, end

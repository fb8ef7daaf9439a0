"""The one reader of JSON and YAML: code blocks, schema files, OpenAPI documents.

JSON may carry ``//`` and ``/* */`` comments, as the plan template's
examples do; they are blanked (line structure kept) before reading. YAML is
read with a safe loader that gives JSON data only (:class:`JsonLoader`).
Every reading is bounded by :mod:`sphinxcontrib_plan.model.limits`. Pure:
no Sphinx, no docutils.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from sphinxcontrib_plan.model.limits import MAX_DEPTH, MAX_FILE_BYTES, megabytes, read_at_most
from sphinxcontrib_plan.model.yamldata import JsonLoader, Refused, node_key_lines, node_line

if TYPE_CHECKING:
    from collections.abc import Sequence

JSON_LANGUAGES = frozenset({"json", "json5", "jsonc", "javascript", "js"})
YAML_LANGUAGES = frozenset({"yaml", "yml"})


class DataError(ValueError):
    """A text is not valid JSON or YAML, or passes a limit."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        #: what the parser said
        self.message = message
        #: 0-based line inside the text, when known
        self.line = line
        #: 0-based column, when known
        self.column = column


class FileError(DataError):
    """A file is not read: missing, not a regular file, too large or not UTF-8 (the reason)."""


@dataclass(frozen=True)
class Parsed:
    """A text read as data, with what tells the lines of its values."""

    #: the JSON data
    data: Any
    #: the text read (comments blanked)
    text: str
    #: the composed YAML node, when the text was YAML
    node: yaml.Node | None = None
    #: the lines of the keys found so far, by depth (each depth is indexed once)
    _lines: dict[int, dict[tuple[str | int, ...], int]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def line(self, path: Sequence[str | int]) -> int | None:
        """The 0-based line of the key (or array item) at *path*.

        The keys down to the depth of *path* are indexed in one pass on the
        first call, so looking up every operation of a document is linear.

        :param path: keys and indices
        :return: the line, ``None`` when it cannot be told
        """
        depth = len(path)
        if depth not in self._lines:
            self._lines[depth] = (
                json_key_lines(self.text, depth)
                if self.node is None
                else node_key_lines(self.node, depth)
            )
        return self._lines[depth].get(tuple(path))


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[][{},]')


def json_key_lines(text: str, depth: int) -> dict[tuple[str | int, ...], int]:
    """The 0-based line of every key of a JSON text down to *depth* levels, in one scan.

    :param text: valid JSON
    :param depth: how many levels of keys to record
    :return: path of keys and indices → line of the key (or of the array item)
    """
    lines: dict[tuple[str | int, ...], int] = {}
    stack: list[list[Any]] = []  # [is object, current key or index, expecting a key]
    line, last = 0, 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        if len(stack) > depth and token[0] == '"':
            continue
        line += text.count("\n", last, match.start())
        last = match.start()
        if token in "{[":
            if stack and not stack[-1][0] and len(stack) <= depth:
                lines[tuple(level[1] for level in stack)] = line
            stack.append([token == "{", 0, token == "{"])
        elif token in "}]":
            stack.pop() if stack else None
        elif token == ",":
            if stack:
                top = stack[-1]
                top[1], top[2] = (top[1], True) if top[0] else (top[1] + 1, False)
        elif stack and stack[-1][0] and stack[-1][2]:
            stack[-1][1], stack[-1][2] = json.loads(token), False
            if len(stack) <= depth:
                lines[tuple(level[1] for level in stack)] = line
    return lines


def strip_comments(text: str) -> str:
    """Blank out ``//`` and ``/* */`` comments outside JSON strings, keeping every line.

    :param text: JSON, perhaps with comments
    :return: the same text with each comment character replaced by a space
    """
    out: list[str] = []
    i, n = 0, len(text)
    in_string = False
    while i < n:
        char = text[i]
        if in_string:
            out.append(char)
            if char == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
            out.append(char)
        elif text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            out.append(" " * (end - i))
            i = end
            continue
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(re.sub(r"[^\n]", " ", text[i:end]))
            i = end
            continue
        else:
            out.append(char)
        i += 1
    return "".join(out)


def is_yaml(language: str) -> bool:
    """Whether a code block's language names YAML.

    :param language: e.g. ``yaml``, ``JSON``, ``""``
    :return: ``True`` for ``yaml`` and ``yml``
    """
    return language.strip().lower() in YAML_LANGUAGES


def load_data(text: str, language: str = "json") -> Any:
    """Read a code block's text as data.

    :param text: the code
    :param language: its language; ``yaml``/``yml`` read YAML, anything else JSON
        (with comments)
    :return: JSON data only (see :func:`parse`)
    :raises DataError: with the parser's message and line, or the limit passed
    """
    return parse(text, language).data


def load_any(text: str) -> Any:
    """Read a document's text as JSON when it starts with ``{`` or ``[``, else as YAML.

    :param text: the document
    :return: JSON data only (see :func:`parse`)
    :raises DataError: with the parser's message and line, or the limit passed
    """
    return parse(text).data


def parse(text: str, language: str | None = None) -> Parsed:
    """Read JSON or YAML text into JSON data, within :mod:`~sphinxcontrib_plan.model.limits`.

    YAML's values without a JSON form of their own are read as JSON: a
    timestamp or date stays the text written (``2024-03-20T09:12:28Z``),
    ``!!binary`` is its base64 text, a mapping key is its text (``200:`` is
    ``"200"``, ``NO:`` is ``"NO"``), an ordered map is a mapping and
    ``!!pairs`` a list of ``[key, value]`` lists. What has no JSON form at
    all (``.nan``, ``.inf``, a key that is a list, an alias inside the value it
    names) is refused. Aliases share their anchor's value and may add at most
    :data:`~.limits.MAX_ALIAS_VALUES` values; nesting is at most
    :data:`~.limits.MAX_DEPTH` levels. The text is read once.

    :param text: the text
    :param language: ``yaml``/``yml`` for YAML, another name for JSON with
        comments; ``None``: JSON when the text starts with ``{`` or ``[``, else YAML
    :return: the data, and the lines of its values
    :raises DataError: with the parser's message and line, or the limit passed
    """
    if language is None:
        language = "json" if text.lstrip()[:1] in ("{", "[") else "yaml"
        source = text
    else:
        source = text if is_yaml(language) else strip_comments(text)
    if is_yaml(language):
        return _parse_yaml(source)
    try:
        data = json.loads(source, parse_constant=_no_constant, parse_float=_finite)
    except json.JSONDecodeError as err:
        raise DataError(
            f"not valid JSON: {err.msg} (line {err.lineno}, column {err.colno})", err.lineno - 1
        ) from None
    except RecursionError:
        raise DataError(f"nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as err:  # NaN, or an integer Python will not read
        reason = "an integer has more digits than Python reads" if "digits" in str(err) else err
        raise DataError(f"not JSON data: {reason}") from None
    _check_depth(data)
    return Parsed(data, source)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} has no JSON form")


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"{text} is too large for a number")
    return value


def _check_depth(data: Any) -> None:
    """Refuse JSON data nested deeper than the limit (iterative: any depth is safe)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        children = (
            value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        )
        for child in children:
            if isinstance(child, (dict, list)):
                if depth >= MAX_DEPTH:
                    raise DataError(f"nested more than {MAX_DEPTH} levels deep")
                stack.append((child, depth + 1))


def _parse_yaml(text: str) -> Parsed:
    loader: JsonLoader | None = None
    try:
        loader = JsonLoader(text)  # refuses a control character at once
        node = loader.get_single_node()
        data = None if node is None else loader.construct_document(node)
    except Refused as err:
        mark = err.problem_mark
        raise DataError(
            str(err.problem), mark.line if mark else None, mark.column if mark else None
        ) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise DataError(
            f"not valid YAML: {problem}", mark.line if mark else None, mark.column if mark else None
        ) from None
    except RecursionError:  # a guard: the composer refuses deep nesting before this
        raise DataError(f"nested more than {MAX_DEPTH} levels deep") from None
    finally:
        if loader is not None:
            loader.dispose()
    return Parsed(data, text, node)


def read_file(path: str | os.PathLike[str], *, limit: int = MAX_FILE_BYTES) -> str:
    """The text of a regular file of at most *limit* bytes (UTF-8, a BOM allowed).

    A device, a pipe or a directory is refused before it is opened, so
    ``/dev/zero`` or a FIFO can neither exhaust memory nor block.

    :param path: the file
    :param limit: the largest size accepted
    :return: its text, line ends as written
    :raises FileError: with the reason, to follow "cannot read FILE: "
    """
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise FileError("not a regular file (a device, pipe or directory is not read)")
        with open(path, "rb") as stream:
            data = read_at_most(stream, limit)
    except OSError as err:
        raise FileError(str(err.strerror or err)) from None
    if len(data) > limit:
        raise FileError(f"larger than {megabytes(limit)}, the largest file read")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise FileError(
            f"not UTF-8 text (byte {err.start}: {data[err.start : err.start + 1]!r}); "
            "convert it to UTF-8 first"
        ) from None


def locate(text: str, language: str, path: Sequence[str | int]) -> int | None:
    """The 0-based line of the value at *path* inside *text*.

    JSON is read as YAML here (JSON is, in practice, YAML's flow style), which
    gives each value its line; comments are blanked first.

    :param text: the code block's text
    :param language: its language
    :param path: keys and indices down to the value
    :return: the line, or ``None`` when it cannot be told
    """
    source = text if is_yaml(language) else strip_comments(text).replace("\t", " ")
    try:
        return node_line(JsonLoader(source).get_single_node(), path)
    except (yaml.YAMLError, RecursionError):
        return None

"""The data of a ``json`` or ``yaml`` code block: read it, and find a value's line.

JSON may carry ``//`` and ``/* */`` comments, as the plan template's
examples do; they are blanked (line structure kept) before reading. YAML is
read with the safe loader only. Pure: no Sphinx, no docutils.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

JSON_LANGUAGES = frozenset({"json", "json5", "jsonc", "javascript", "js"})
YAML_LANGUAGES = frozenset({"yaml", "yml"})


class DataError(ValueError):
    """A code block's text is not valid JSON or YAML."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        #: what the parser said
        self.message = message
        #: 0-based line inside the text, when known
        self.line = line


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
    :return: the data
    :raises DataError: with the parser's message and line
    """
    if is_yaml(language):
        import yaml

        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            problem = getattr(err, "problem", None) or str(err).splitlines()[0]
            return _raise(f"not valid YAML: {problem}", mark.line if mark else None)
    try:
        return json.loads(strip_comments(text))
    except json.JSONDecodeError as err:
        return _raise(f"not valid JSON: {err.msg} (line {err.lineno}, column {err.colno})",
                      err.lineno - 1)
    except RecursionError:
        return _raise("not valid JSON: nested too deeply")


def _raise(message: str, line: int | None = None) -> Any:
    raise DataError(message, line)


def locate(text: str, language: str, path: Sequence[str | int]) -> int | None:
    """The 0-based line of the value at *path* inside *text*.

    JSON is read as YAML here (JSON is, in practice, YAML's flow style), which
    gives each value its line; comments are blanked first.

    :param text: the code block's text
    :param language: its language
    :param path: keys and indices down to the value
    :return: the line, or ``None`` when it cannot be told
    """
    import yaml

    source = text if is_yaml(language) else strip_comments(text).replace("\t", " ")
    try:
        node = yaml.compose(source, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return None
    for step in path:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if str(k.value) == str(step)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) \
                and 0 <= step < len(node.value):
            node = node.value[step]
        else:
            node = None
        if node is None:
            return None
    return node.start_mark.line if node is not None else None

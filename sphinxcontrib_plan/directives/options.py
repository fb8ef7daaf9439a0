"""Directive options as the author wrote them, and where each one stands."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.util.docutils import SphinxDirective

_FENCE = re.compile(r"\s*(:{3,}|`{3,}|~{3,})")
OPTION_LINE = re.compile(r":([A-Za-z0-9_][A-Za-z0-9_ .-]*?):(?:[ \t]+(.*?))?[ \t]*$")


class AnyOptions(dict):  # type: ignore[type-arg]
    """An option spec accepting every option and keeping its raw text.

    A strict spec makes docutils drop the whole directive on an unknown option
    in reST (content lost) while MyST only drops the option; accepting all and
    validating in the model gives one behaviour and our own warnings.
    """

    def __contains__(self, key: object) -> bool:
        return True

    def __getitem__(self, key: str) -> Any:
        return _raw

    def get(self, key: str, default: Any = None) -> Any:
        return _raw

    def __bool__(self) -> bool:
        return True


def _raw(text: str | None) -> str | None:
    return text


def option_offset(block_text: str, name: str) -> int | None:
    """Which line of a directive gives option *name*, counted from its first line.

    Both parsers hand over the directive's source lines as ``block_text``:
    reST and MyST ``:name: value`` lines up to the first blank line, or MyST's
    YAML block between ``---`` lines.

    :param block_text: the directive's text, its first line first
    :param name: the option name
    :return: the offset (1 for the line below the directive), or ``None``
    """
    body = block_text.splitlines()[1:]
    if body and body[0].strip() == "---":
        end = next((i for i, line in enumerate(body[1:], 1) if line.strip() == "---"), len(body))
        start, pattern = 1, rf"\s*{re.escape(name)}\s*:"
    else:
        end = next((i for i, line in enumerate(body) if not line.strip()), len(body))
        start, pattern = 0, rf"\s*:{re.escape(name)}:(\s|$)"
    for i in range(start, end):
        if re.match(pattern, body[i], re.IGNORECASE):
            return i + 1
    return None


def directive_text(directive: SphinxDirective) -> str:
    """The directive's source lines, its first line first, for :func:`option_offset`.

    MyST-Parser before 5.0 hands over only the body as ``block_text``; the
    option lines are then read from the source file, from the directive on.

    :param directive: the running directive
    :return: its text
    """
    text = directive.block_text or ""
    if directive.name in text.split("\n", 1)[0]:
        return text
    lines = _source_lines(directive)
    if not lines:
        return text
    # the header, its options and the body: enough for every option line
    start = directive.lineno - 1
    return "\n".join(lines[start:start + len(text.splitlines()) + 100])


def raw_options(directive: SphinxDirective) -> dict[str, str | None]:
    """The directive's options, with what MyST lost read again from their lines.

    MyST reads ``:name: value`` lines as YAML: ``escalate #ops`` loses
    ``#ops`` as a comment, and a value that opens with a quote but goes on
    after it (``"x" in path``) makes MyST drop every option. Those values are
    read again as written, as reST reads them; everything MyST read whole
    stays as MyST read it, and ``---`` YAML option blocks are left to MyST.

    :param directive: the running directive
    :return: option name to raw text (``None`` for a flag without value)
    """
    options = dict(directive.options)
    text = directive_text(directive)
    if not _FENCE.match(text):
        return options  # reST: docutils already kept the text as written
    raw: dict[str, str | None] = {}
    last = None
    for line in text.splitlines()[1:]:
        match = OPTION_LINE.match(line)
        if match:
            last = match.group(1)
            raw[last] = match.group(2) or None
        elif last is not None and line[:1] in (" ", "\t") and line.strip():
            # an indented line continues the value above it
            raw[last] = f"{raw[last] or ''} {line.strip()}".strip()
        else:
            break
    for name, value in raw.items():
        parsed = options.get(name)
        # MyST's reading stands where it lost nothing: a value the author
        # quoted on purpose ('"a" in b') means its content, as in YAML
        lost = name not in options or (
            value is not None and " #" in value and (parsed or "") != value
            and value.startswith((parsed or "").rstrip()))
        if lost:
            options[name] = value
    return options


def myst_body_offset(directive: SphinxDirective) -> int | None:
    """The offset of a MyST directive's first body line, counted from the line
    below the directive line, for the nested parse of the body.

    MyST-Parser places the body one line low when it follows the directive
    line directly (no options, no blank line), and with it every nested
    directive's warnings and ``plan.json`` lines. The offset is recomputed
    from the directive's own text, and only used when it lands on the body's
    first line.

    :param directive: the running directive
    :return: the offset, or ``None`` to keep MyST's
    """
    if not directive.content or not _FENCE.match(directive.block_text or ""):
        return None
    # MyST's block_text is normalised (a blank line is added after the
    # directive line), so the real lines come from the source file
    source = _source_lines(directive)
    start = directive.lineno - 1
    if not 0 <= start < len(source) or directive.name not in source[start]:
        return None
    # indices into the source rather than a copy of its rest, per directive
    first = i = start + 1
    end = len(source)
    if i < end and source[i].strip() == "---":
        i = next((k + 1 for k in range(i + 1, end) if source[k].strip() == "---"), first)
    else:
        while i < end and OPTION_LINE.match(source[i]):
            i += 1
    while i < end and not source[i].strip():
        i += 1
    if i >= end or source[i].strip() != directive.content[0].strip():
        return None
    return i - first


def _source_lines(directive: SphinxDirective) -> list[str]:
    """The lines of the document's source file, read once per document."""
    temp = directive.state.document.settings.env.temp_data
    source = directive.state.document.get("source")
    cached = temp.get("plan:source-lines")
    if cached is None or cached[0] != source:
        try:
            lines = Path(source).read_text(encoding="utf-8").splitlines()
        except (OSError, TypeError, UnicodeDecodeError):
            lines = []
        cached = temp["plan:source-lines"] = (source, lines)
    return cached[1]

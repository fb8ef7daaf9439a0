"""Plan option values in MyST documents, handed to MyST as the text they are.

MyST reads a directive's ``:name: value`` lines with a subset of YAML:
``> 90% of auth/mfa`` opens a folded block and fails, ``Slack #identity``
loses ``#identity`` as a comment (with a warning), a value opening with a
quote must end with it. A plan option's value is plain text, read as
written, as in reST. So before MyST reads a Markdown document, each option
line of a plan directive gets its value as one single-quoted YAML string of
exactly that text, on the same line: MyST reads the text itself and has
nothing to warn about. A value quoted as a whole (``"Ops"``) is left to
MyST, which reads its content, as YAML does.

Only plan directives' option blocks change: other directives keep MyST's
reading and its warnings, code blocks and literal directives (where a plan
directive may be shown as an example) are skipped, and the file on disk is
untouched.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util.docutils import is_directive_registered

from sphinxcontrib_plan.directives.options import OPTION_LINE

if TYPE_CHECKING:
    from sphinx.application import Sphinx

_FENCE = re.compile(r"[ \t]*(?P<fence>`{3,}|~{3,}|:{3,})(?P<info>.*)$")
_NAME = re.compile(r"\{(?P<name>[^}\s]+)\}")
_QUOTED = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"\\]|\\.)*\"")

#: directives whose body is not Markdown: a plan directive there is an example
LITERAL = frozenset({
    "code-block", "code", "sourcecode", "code-cell", "literalinclude", "parsed-literal",
    "raw", "math", "eval-rst", "mermaid", "graphviz", "digraph", "graph", "csv-table",
})


def is_plan_directive(name: str) -> bool:
    """Whether *name* is a plan directive (``plan``, ``plan-risk``, a user type...)."""
    return (name == "plan" or name.startswith("plan-")) and is_directive_registered(name)


def quote_value(value: str) -> str:
    """The value as a YAML string of exactly its text, unless it is quoted as a whole.

    :param value: the text after ``:name:``
    :return: ``'text'`` (quotes in it doubled), or the value as it was
    """
    if _QUOTED.fullmatch(value):
        return value
    return "'" + value.replace("'", "''") + "'"


def quote_plan_options(text: str, *, colon_fence: bool = True) -> str:
    """The Markdown *text* with the option values of its plan directives quoted.

    Fences are followed as CommonMark nests them: a bare fence closes the
    outermost open fence it matches; inside a code block or a literal
    directive nothing opens.

    :param text: a MyST document
    :param colon_fence: whether ``:::`` fences are directives (MyST's ``colon_fence``)
    :return: the text, every line where it was
    """
    lines = text.split("\n")
    stack: list[tuple[str, int, bool]] = []  # fence character, length, Markdown inside
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        i += 1
        if match is None or (match["fence"][0] == ":" and not colon_fence):
            continue
        fence, info = match["fence"], match["info"].strip()
        if not info:
            closed = next((k for k, (char, length, _) in enumerate(stack)
                           if fence[0] == char and len(fence) >= length), None)
            if closed is not None:
                del stack[closed:]
                continue
        if stack and not stack[-1][2]:
            continue  # the text of a code block
        name = _NAME.match(info)
        stack.append((fence[0], len(fence), bool(name) and name["name"] not in LITERAL))
        if name and is_plan_directive(name["name"]):
            i = _quote_block(lines, i)
    return "\n".join(lines)


def _quote_block(lines: list[str], start: int) -> int:
    """Quote the option lines from *start* on (MyST's option block); return the next line."""
    i = start
    while i < len(lines):
        stripped = lines[i].lstrip()
        if not stripped.startswith(":") or stripped.startswith(":::"):
            break
        match = OPTION_LINE.match(stripped)
        if match and match.group(2):
            indent = lines[i][:len(lines[i]) - len(stripped)]
            value = match.group(2)
            head = stripped[:match.start(2)]
            lines[i] = f"{indent}{head}{quote_value(value)}"
        i += 1
    return i


def _markdown(app: Sphinx, path: str | Path) -> bool:
    name = str(path)
    suffixes = app.config.source_suffix
    return any(name.endswith(suffix) and kind == "markdown" for suffix, kind in suffixes.items())


def _colon_fence(app: Sphinx) -> bool:
    return "colon_fence" in getattr(app.config, "myst_enable_extensions", ())


def _source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    if _markdown(app, app.env.doc2path(docname)):
        source[0] = quote_plan_options(source[0], colon_fence=_colon_fence(app))


def _include_read(app: Sphinx, relative_path: Path, parent_docname: str,
                  content: list[str]) -> None:
    if _markdown(app, relative_path):
        content[0] = quote_plan_options(content[0], colon_fence=_colon_fence(app))


def setup_myst_values(app: Sphinx) -> None:
    """Quote plan option values of Markdown documents and their includes before MyST reads them.

    :param app: the Sphinx application
    """
    app.connect("source-read", _source_read)
    app.connect("include-read", _include_read)

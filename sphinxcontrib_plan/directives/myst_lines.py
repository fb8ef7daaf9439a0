"""What MyST-Parser does not hand over, taken from the text Sphinx read.

Two facts of a Markdown document reach no public interface of MyST-Parser
(4 or 5); everything else the plan directives read from their own lines
(:mod:`.options`) and from the doctree:

- whether a colon-fence directive's body starts on the line below it. When
  the body opens with a nested ``:::`` fence, MyST adds a blank line before
  it (to tell it from an option line), so the body, and every warning and
  ``plan.json`` line of a directive nested in it, is one line low;
- a front-matter value as written: MyST reads front matter as typed YAML,
  and ``plan: 001`` reaches the docinfo as ``1``.

The text is the one Sphinx read and hands to ``source-read``: no file is
read again and nothing is rewritten; it is kept for the document being read
only (``env.temp_data``, emptied after each document).

What was tried first, and why it does not serve (checked against MyST-Parser
4.0.1 and 5.2.0): the front matter is read by ``DocutilsRenderer.
render_front_matter``, which calls ``yaml.safe_load`` and offers no hook; a
renderer of our own would mean replacing MyST's Sphinx parser class, which
other extensions (myst-nb) replace too. The colon fence's body is handed to
the directive after MyST's own ``parse_directive_text``, which adds the blank
line and keeps no record of doing so. When MyST-Parser exposes either, this
module goes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.docutils import SphinxDirective

#: ``env.temp_data`` key of the document's lines, for Markdown documents only
LINES = "plan:markdown-lines"


def blank_line_added(directive: SphinxDirective) -> bool:
    """Whether MyST added the blank line that opens the directive's body.

    :param directive: a MyST directive whose body starts with a ``:::`` fence
    :return: ``True`` when that fence is on the line below the directive's own
    """
    lines: list[str] | None = directive.env.temp_data.get(LINES)
    if lines is None or directive.state.document.get("source") != str(
        directive.env.doc2path(directive.env.docname)
    ):
        return False
    index = directive.lineno  # the line below the directive's (0-based)
    return (
        0 < index < len(lines)
        and directive.name in lines[index - 1]
        and bool(directive.content)
        and lines[index].strip() == directive.content[0].strip()
    )


def front_matter_text(env: BuildEnvironment, key: str) -> str | None:
    """A front-matter value of the document being read, as written (YAML scalars as text).

    :param env: the environment
    :param key: the key
    :return: the text, or ``None`` (no front matter, no such key, not text)
    """
    lines: list[str] | None = env.temp_data.get(LINES)
    if not lines or lines[0].rstrip() != "---":
        return None
    end = next((i for i, line in enumerate(lines[1:], 1) if line.rstrip() == "---"), None)
    if end is None:
        return None
    try:
        front = yaml.load("\n".join(lines[1:end]), Loader=yaml.BaseLoader)
    except yaml.YAMLError:
        return None
    value = front.get(key) if isinstance(front, dict) else None
    return value.strip() if isinstance(value, str) else None


def _source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    path = str(app.env.doc2path(docname))
    if any(
        path.endswith(suffix) and kind == "markdown"
        for suffix, kind in app.config.source_suffix.items()
    ):
        app.env.temp_data[LINES] = source[0].split("\n")


def setup_myst_lines(app: Sphinx) -> None:
    """Keep the lines of each Markdown document while it is read.

    :param app: the Sphinx application
    """
    app.connect("source-read", _source_read)

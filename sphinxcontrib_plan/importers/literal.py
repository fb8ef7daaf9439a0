"""Text that stays text: another document's prose written so that no parser reads markup in it.

An OpenAPI description is someone else's text. Written into a plan as MyST or
reST, its characters would be read as markup: ``{raw}`` or ``.. raw::`` as a
directive, ``<script>`` as HTML, ``[x](/path#frag)`` as a cross-reference.
:func:`myst` and :func:`rst` write it so that every character reads back as
written; only its links to ``http``, ``https`` and ``mailto`` targets stay
links (a relative or other target is shown as text after its label).
Paragraphs (blank-line separated) and line breaks are kept.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sphinxcontrib_plan.model.fields import SCHEME, link_target

if TYPE_CHECKING:
    from collections.abc import Callable

    from docutils import nodes

#: a Markdown link ``[label](target "title")``, an autolink ``<scheme:...>``, a bare web URL
_LINK = re.compile(
    r"\[(?P<label>(?:[^\[\]\\]|\\.){1,500})\]\(\s*<?(?P<target>[^\s()<>]*(?:\([^\s()<>]*\)"
    r"[^\s()<>]*)*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
    r"|<(?P<auto>[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*)>"
    r"|(?P<bare>\b(?:https?://|mailto:)[^\s<>\"'`]+[^\s<>\"'`.,;:!?)\]])"
)
#: characters MyST reads as inline markup anywhere (after a backslash: the character)
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>!|~$&])")
#: a line opening MyST reads as a block: heading, quote, list, rule, fence, target, comment
_MD_LINE = re.compile(r"(?m)^([#>+\-=:%(]|\d{1,9}(?=[.)]))")
#: reST: inline markup characters, and colons (a URI scheme, a field, ``::`` before a literal block)
_RST_SPECIAL = re.compile(r"([\\*`|_<>\[\]:])")


def safe_link(target: str) -> bool:
    """Whether *target* is written as a link: an absolute address that
    :func:`~sphinxcontrib_plan.model.fields.link_target` lets a page link to
    (``http``, ``https``, ``mailto``); a relative one is relative to another site.

    :param target: a link target
    :return: whether it is a web link
    """
    return link_target(target) is not None and bool(SCHEME.match(target)) and "\\" not in target


def _quote(url: str) -> str:
    """A URL with the characters that would end it in markup percent-encoded."""
    return re.sub(r"[\s<>`\\()\[\]\"']", lambda m: f"%{ord(m.group()):02X}", url)


def _pieces(text: str) -> list[tuple[str, str | None]]:
    """*text* cut into ``(text, None)`` and ``(label, url)`` pieces."""
    out: list[tuple[str, str | None]] = []
    last = 0
    for match in _LINK.finditer(text):
        out.append((text[last : match.start()], None))
        last = match.end()
        if match["label"] is not None:
            label = re.sub(r"\\(.)", r"\1", match["label"])
            target = match["target"]
            if safe_link(target):
                out.append((label, target))
            else:  # a relative or other target: the label, then the target as text
                out.append((f"{label} ({target})" if target else label, None))
        else:
            url = match["auto"] or match["bare"]
            out.append((url, url) if safe_link(url) else (f"<{url}>", None))
    out.append((text[last:], None))
    return out


def _paragraphs(text: str) -> list[list[tuple[str, str | None]]]:
    """The pieces of each paragraph (blank-line separated, lines stripped) of *text*."""
    out = []
    for paragraph in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n")):
        lines = [line.strip() for line in paragraph.split("\n") if line.strip()]
        if lines:
            out.append(_pieces("\n".join(lines)))
    return out


def _write(text: str, plain: Callable[[str], str], link: Callable[[str, str], str]) -> str:
    return "\n\n".join(
        "".join(plain(piece) if url is None else link(piece, url) for piece, url in pieces)
        for pieces in _paragraphs(text)
    )


def text_nodes(text: str) -> list[nodes.paragraph]:
    """*text* as docutils paragraphs of text, its web links as references: what
    :func:`myst` and :func:`rst` read back as, built without a parser.

    :param text: plain text, as written in another document
    :return: one paragraph per paragraph of the text
    """
    from docutils import nodes  # only a build needs it: the import command does not

    out = []
    for pieces in _paragraphs(text):
        paragraph = nodes.paragraph()
        for piece, url in pieces:
            if url is not None:
                paragraph += nodes.reference(piece, piece, refuri=_quote(url))
            elif piece:
                paragraph += nodes.Text(piece)
        out.append(paragraph)
    return out


def myst(text: str) -> str:
    """*text* as MyST Markdown that reads back as the same text, its web links as links.

    :param text: plain text, as written in another document
    :return: Markdown paragraphs
    """

    def plain(piece: str) -> str:
        return _MD_LINE.sub(
            lambda m: "\\" + m.group(1) if not m.group(1).isdigit() else m.group(1) + "\\",
            _MD_SPECIAL.sub(r"\\\1", piece),
        )

    def link(label: str, url: str) -> str:
        return f"[{plain(label)}](<{_quote(url)}>)"

    return _write(text, plain, link)


def rst(text: str) -> str:
    """*text* as reStructuredText that reads back as the same text, its web links as links.

    :param text: plain text, as written in another document
    :return: reST paragraphs
    """

    def plain(piece: str) -> str:
        escaped = _RST_SPECIAL.sub(r"\\\1", piece)
        # a line that reST would read as a list, comment, field, table or title
        return re.sub(r"(?m)^(?=[-+*#=~^.:!'\"/0-9(])", r"\\", escaped)

    def link(label: str, url: str) -> str:
        text = _RST_SPECIAL.sub(r"\\\1", label)
        return f"\\ `{text} <{_quote(url)}>`__\\ "

    return _write(text, plain, link)

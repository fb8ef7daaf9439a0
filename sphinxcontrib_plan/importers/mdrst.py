"""CommonMark to reStructuredText, for imported prose and text-field values.

Walks markdown-it-py's token stream (the parser MyST-Parser uses) and writes
the reST equivalent of each block and inline element, escaping the author's
text so that reST reads every character back as written. reST cannot nest
inline markup; markup inside markup keeps its words as plain text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

from sphinxcontrib_plan.model.fields import link_target

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

#: characters reST reads as inline markup
_SPECIAL = re.compile(r"([\\*`|])")
#: what may precede an inline markup start-string, or follow an end-string
_BEFORE = frozenset(" \n\t-:/'\"<([{")
_AFTER = frozenset(" \n\t-.,:;!?\\/'\")]}>")
#: a paragraph opening that reST would read as a list, field, comment, table…
_BLOCK_START = re.compile(
    r"^(?:[-+*•‣⁃]\s|[-+*]$|\(?[0-9A-Za-z#]+[.)]\s|\.\.(?:\s|$)|::|:[^:\s][^:]*:(?:\s|$)|"
    r"-{1,2}\w|>>>|\||([=\-`:'\"~^_*+#<>.])\1{3,}\s*$)"
)
_URL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
#: a URI scheme and its colon, as docutils finds standalone links
_SCHEME = re.compile(r"(?<![\w+.\-])[A-Za-z][A-Za-z0-9+.\-]*:(?=[^\s:])")


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """The shared CommonMark parser, with GFM tables.

    :return: a markdown-it parser
    """
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable("table")


def width(text: str) -> int:
    """Display width of *text*: East Asian wide characters count two columns.

    :param text: one line
    :return: its width, as docutils measures title underlines
    """
    return sum(
        2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1
        for c in text
    )


def escape(text: str) -> str:
    """Plain text as reST reads it back: markup characters and word-final ``_`` escaped.

    :param text: plain text
    :return: the escaped text
    """
    text = _SPECIAL.sub(r"\\\1", text)
    # ``javascript:x`` would be a standalone link in reST: only web schemes may be (24.4)
    text = _SCHEME.sub(
        lambda m: m.group() if link_target(m.group()) is not None else m.group()[:-1] + "\\:", text
    )
    # ``word_`` is a reference, ``_word`` after whitespace may start a target
    return re.sub(r"(?<=\w)_(?=\W|$)|(?<![\w\\])_(?=`)", r"\\_", text)


class _Inline:
    """Joins text and markup pieces, inserting ``\\ `` where reST needs a boundary."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.after_markup = False

    def text(self, text: str) -> None:
        if self.after_markup and text and text[0] not in _AFTER:
            self.out.append("\\ ")
        self.out.append(text)
        self.after_markup = False

    def markup(self, text: str) -> None:
        last = "".join(self.out[-1:])[-1:]
        if last and last not in _BEFORE:
            self.out.append("\\ ")
        elif self.after_markup:
            self.out.append("\\ ")
        self.out.append(text)
        self.after_markup = True

    def result(self) -> str:
        return "".join(self.out)


def _plain(tokens: list[Token]) -> str:
    return "".join(
        t.content
        if t.type in ("text", "code_inline", "html_inline")
        else " "
        if t.type in ("softbreak", "hardbreak")
        else _plain(t.children or [])
        for t in tokens
    )


def _render_inline(tokens: list[Token]) -> str:
    out = _Inline()
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type in ("strong_open", "em_open", "link_open", "s_open"):
            close = tok.type.replace("_open", "_close")
            depth, j = 1, i + 1
            while j < len(tokens) and depth:
                depth += (tokens[j].type == tok.type) - (tokens[j].type == close)
                j += 1
            inner = _plain(tokens[i + 1 : j - 1])
            if tok.type == "link_open":
                href = str(tok.attrs.get("href", ""))
                if link_target(href) is None:  # ftp:, foo:... are text (24.4)
                    out.text(escape(f"{inner} ({href})" if inner != href else href))
                elif inner == href or inner == href.removeprefix("mailto:"):
                    out.markup(href)
                else:
                    label = escape(inner).replace("<", "\\<") or escape(href)
                    out.markup(f"`{label} <{href}>`__")
            elif tok.type == "s_open" or not inner.strip():
                out.text(escape(inner))
            else:
                mark = "**" if tok.type == "strong_open" else "*"
                out.markup(f"{mark}{escape(inner.strip())}{mark}")
            i = j
            continue
        if tok.type == "code_inline":
            code = tok.content
            if "``" in code or code != code.strip() or code.endswith("`") or not code:
                out.text(escape(code))
            else:
                out.markup(f"``{code}``")
        elif tok.type == "image":
            src = str(tok.attrs.get("src", ""))
            out.markup(f"`{escape(_plain(tok.children or []) or src)} <{src}>`__")
        elif tok.type in ("softbreak", "hardbreak"):
            out.text(" ")
        else:  # text, html_inline: the author's characters, escaped
            out.text(escape(tok.content))
        i += 1
    return out.result().strip()


def inline(markdown: str) -> str:
    """One line of inline Markdown as reST inline text.

    :param markdown: e.g. ``Use **retries** and `backoff```
    :return: e.g. ``Use **retries** and ``backoff````
    """
    tokens = parser().parseInline(markdown)
    return _render_inline(tokens[0].children or []) if tokens else ""


def _paragraph(text: str) -> str:
    if _BLOCK_START.match(text):
        text = "\\" + text
    if text.endswith("::"):
        text = text[:-1] + "\\:"
    return text


def code(text: str, language: str = "") -> str:
    """A ``code-block`` directive, or a comment when the block is empty.

    :param text: the code
    :param language: its language, or empty for the project's default
    :return: the directive text
    """
    if not text.strip():
        return ".."
    body = "\n".join("   " + line if line.strip() else "" for line in text.rstrip("\n").split("\n"))
    return f".. code-block::{' ' + language if language else ''}\n\n{body}"


def _table(tokens: list[Token]) -> str:
    rows: list[list[str]] = []
    header = 0
    for tok in tokens:
        if tok.type == "tr_open":
            rows.append([])
        elif tok.type == "inline" and rows:
            rows[-1].append(_render_inline(tok.children or []))
        elif tok.type == "thead_close":
            header = len(rows)
    lines = [".. list-table::", f"   :header-rows: {header}", ""]
    for row in rows:
        for k, cell in enumerate(row):
            lines.append(("   * - " if k == 0 else "     - ") + cell)
    return "\n".join(line.rstrip() for line in lines)


def _indent(text: str, width: int) -> str:
    pad = " " * width
    return "\n".join(pad + line if line.strip() else "" for line in text.split("\n"))


def _item(content: str, marker: str) -> str:
    indented = _indent(content, len(marker) + 1)
    return marker + (indented[len(marker) :] if indented.strip() else "")


def _render(tokens: list[Token]) -> list[str]:
    """The reST blocks of a token run (one nesting level)."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.nesting == 1:
            depth, j = 1, i + 1
            while depth:
                depth += tokens[j].nesting
                j += 1
            inner = tokens[i + 1 : j - 1]
            if tok.type == "paragraph_open":
                out.append(_paragraph(_render_inline(inner[0].children or [])))
            elif tok.type == "heading_open":  # a heading inside prose: keep it as a strong line
                out.append(f"**{escape(_plain(inner[0].children or []))}**")
            elif tok.type in ("bullet_list_open", "ordered_list_open"):
                out.append(_list(tok, inner))
            elif tok.type == "blockquote_open":
                # the empty comment keeps the quote from joining a list above it
                out.append("..\n\n" + _indent("\n\n".join(_render(inner)), 3))
            elif tok.type == "table_open":
                out.append(_table(inner))
            i = j
            continue
        if tok.type in ("fence", "code_block"):
            out.append(code(tok.content, tok.info.strip().split(" ")[0] if tok.info else ""))
        elif tok.type == "html_block":
            out.append(".. raw:: html\n\n" + _indent(tok.content.rstrip("\n"), 3))
        elif tok.type == "hr":
            out.append("----------")
        elif tok.type == "inline":  # a tight list item's text
            out.append(_paragraph(_render_inline(tok.children or [])))
        i += 1
    return out


def _list(tok: Token, inner: list[Token]) -> str:
    ordered = tok.type == "ordered_list_open"
    number = int(tok.attrs.get("start", 1) or 1) if ordered else 0
    items: list[str] = []
    i = 0
    while i < len(inner):
        depth, j = 1, i + 1
        while depth:
            depth += inner[j].nesting
            j += 1
        content = "\n\n".join(_render([t for t in inner[i + 1 : j - 1]]))
        marker = f"{number}." if ordered else "-"
        items.append(_item(content, marker))
        number += 1
        i = j
    return "\n".join(items) if not any("\n\n" in it for it in items) else "\n\n".join(items)


def blocks(markdown: str) -> str:
    """Markdown blocks (paragraphs, lists, tables, code, quotes) as reST.

    :param markdown: CommonMark text
    :return: the reST text, blocks separated by blank lines
    """
    tokens = parser().parse(markdown)
    # markdown-it marks tight list paragraphs hidden: their inline is the item text
    flat = [t for t in tokens if not (t.type in ("paragraph_open", "paragraph_close") and t.hidden)]
    return "\n\n".join(b for b in _render(flat) if b)

"""Placeholders left in a plan: ``TODO``, ``TBD``, ``[Name]``, ``[YYYY-MM-DD]``,
``[e.g., React]``; the marks of a template not yet filled in."""

from __future__ import annotations

import re

#: words that stand for text still to be written
_WORDS = re.compile(r"\b(?:TODO|TBD|TBA|TBC|FIXME|XXX)\b")
#: a bracketed text that is not a link, a footnote, a checkbox or a role target:
#: ``[Name]``, ``[YYYY-MM-DD]``, ``[e.g., PostgreSQL]``
_BRACKETS = re.compile(r"(?<![\]!\w])\[(?![ xX]?\])(?!\^)[^\[\]\n]{1,80}\](?![(\[:])")


def find_placeholder(text: str) -> str | None:
    """The first placeholder in *text*.

    :param text: a title or field value as written
    :return: the placeholder, or ``None``
    """
    found = [m for m in (_WORDS.search(text), _BRACKETS.search(text)) if m]
    return min(found, key=lambda m: m.start()).group(0) if found else None

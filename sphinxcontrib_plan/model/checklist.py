"""Count and normalise ``[ ]``/``[x]`` checklist items in a parsed body.

Two spellings reach us: plain list items whose text starts with ``[ ]`` or
``[x]`` (reST, and MyST without ``tasklist``), and MyST's ``tasklist`` items,
which carry an HTML-only ``<input type="checkbox">`` raw node. Both become
one standard form, an ``inline`` box with a text fallback, so the state of an
item survives in LaTeX, text and man output too.
"""

from __future__ import annotations

import re

from docutils import nodes

_PLAIN = re.compile(r"\s*\[([ xX✓✔])\]\s?")


def _box(done: bool) -> nodes.inline:
    classes = ["plan-checkbox", "plan-checkbox-done" if done else "plan-checkbox-open"]
    return nodes.inline("", "[x] " if done else "[ ] ", classes=classes)


def _normalise(item: nodes.list_item) -> bool | None:
    """Turn one list item into the standard form; its state, or ``None``."""
    para = item.children[0] if item.children else None
    if not isinstance(para, nodes.paragraph) or not para.children:
        return None
    first = para.children[0]
    if isinstance(first, nodes.raw) and "task-list-item-checkbox" in first.astext():
        done = "checked" in first.astext()
        para.replace(first, _box(done))
        if len(para.children) > 1 and isinstance(para.children[1], nodes.Text):
            para.replace(para.children[1], nodes.Text(str(para.children[1]).lstrip()))
    elif isinstance(first, nodes.Text) and (match := _PLAIN.match(str(first))):
        done = match.group(1) != " "
        rest = str(first)[match.end() :]
        para.replace(first, _box(done))
        if rest:
            para.insert(1, nodes.Text(rest))
    else:
        return None
    item["classes"] = [*item["classes"], "plan-check-item"]
    return done


def count_checks(body: list[nodes.Node]) -> tuple[int, int]:
    """Normalise every checklist item under *body* and count them.

    :param body: nodes parsed from a directive's content
    :return: ``(done, total)``
    """
    done = total = 0
    for root in body:
        if not isinstance(root, nodes.Element):
            continue
        for item in root.findall(nodes.list_item):
            state = _normalise(item)
            if state is not None:
                total += 1
                done += state
    return done, total

"""The field-list floor: what a team writes for the ``lean`` corpus shape
(:data:`bench.corpus.SHAPES`) without the extension, as light as a page gets.

Each object is a ``(label)=`` target (so that the hand-written registers can
link to it), a heading, a field list and a bullet list: an endpoint's
responses, a phase's deliverables, a risk's mitigation; its paragraphs and
its JSON request example follow. The registers are the plain flavour's
hand-written tables (:func:`bench.flavours.plain_registers`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.corpus import Corpus, Doc, FieldValue, Obj


def _value(value: FieldValue) -> str:
    # another object is named by its title, as text
    return value if isinstance(value, str) else ", ".join(o.title for o in value)


def _bullets(obj: Obj) -> list[str]:
    if obj.type == "endpoint":
        return [f"- {r.title}: {r.body[0][1]}" for r in obj.responses if r.body]
    if obj.type == "phase":
        return [
            f"- {text}{' (done)' if done else ''}"
            for block in obj.body
            if block[0] == "checks"
            for done, text in block[1]
        ]
    mitigation = obj.get("mitigation")
    return [f"- Mitigation: {mitigation}"] if mitigation else []


def fieldlist_object(obj: Obj) -> list[str]:
    """One object: target, heading, field list, bullet list, paragraphs and code."""
    lines = [f"({obj.label})=", f"## {obj.title}", "", f":ID: {obj.id}"]
    lines += [
        f":{name.replace('-', ' ').capitalize()}: {_value(value)}"
        for name, value in obj.fields
        if name != "mitigation"
    ]
    lines += ["", *_bullets(obj), ""]
    for block in obj.body:
        if block[0] == "p":
            lines += [block[1], ""]
        elif block[0] == "code":
            lines += [f"```{block[1]}", block[2], "```", ""]
    return lines


def fieldlist_doc(corpus: Corpus, doc: Doc) -> str:
    """The field-list source of one document."""
    lines = [f"# {doc.title}", ""]
    for obj in doc.objects:
        lines += fieldlist_object(obj)
    return "\n".join(lines)

"""The other end of a reference field: an object's page lists the objects naming it.

A field declared with a :attr:`~sphinxcontrib_plan.model.types.FieldSpec.reverse`
label (``covers`` → "Covered by") adds a row to the field list of every object
it names, filled when the page is written, from the resolved index.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes

from sphinxcontrib_plan.model.links import reverse_rows
from sphinxcontrib_plan.render.nodes import field_list, joined, xref

if TYPE_CHECKING:
    from sphinxcontrib_plan.model.index import ResolvedIndex
    from sphinxcontrib_plan.model.types import Registry


def add_reverse_rows(
    document: nodes.document, docname: str, index: ResolvedIndex, registry: Registry
) -> None:
    """Add the reverse links to the field list of each object of the page.

    :param document: the page's tree
    :param docname: its document
    :param index: the index
    :param registry: the object types
    """
    named = (index.by_id[t] for t in index.backlinks)
    records = {r.order: r for r in named if r.docname == docname}
    if not records:
        return
    for slot in list(document.findall(nodes.inline)):
        record = records.get(slot.get("plan_order", -1))
        header = slot.parent
        container = header.parent if header is not None else None
        if record is None or container is None:
            continue
        rows = [(label, joined([xref(s, "ref", docname, field=True) for s in ids]))
                for label, ids in reverse_rows(index, registry, record)]
        if not rows:
            continue
        existing = next((c for c in container.children if isinstance(c, nodes.field_list)), None)
        added = field_list(rows, classes=[f"plan-{record.type}-fields", "plan-reverse"])
        if existing is not None:
            existing.extend(added.children)
        else:
            container.insert(container.index(header) + 1, added)

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
    from sphinxcontrib_plan.model.typespec import Registry


def add_reverse_rows(
    document: nodes.document, docname: str, index: ResolvedIndex, registry: Registry
) -> None:
    """Add the reverse links to the field list of each object of the tree.

    Objects are found by their anchor (the target the object block starts
    with), which is unique in the project: a tree assembled from several
    documents (LaTeX, singlehtml) gets the rows of every object it holds.

    :param document: the tree being written
    :param docname: its document (the root of an assembled tree)
    :param index: the index
    :param registry: the object types
    """
    by_anchor = {index.by_id[t].anchor: index.by_id[t] for t in index.backlinks}
    for container in list(document.findall(nodes.container)):
        if "plan-object" not in container["classes"] or not container.children:
            continue
        target = container.children[0]
        ids = target["ids"] if isinstance(target, nodes.target) else []
        record = next((by_anchor[i] for i in ids if i in by_anchor), None)
        if record is None:
            continue
        rows = [
            (label, joined([xref(s, "ref", docname, field=True) for s in sources]))
            for label, sources in reverse_rows(index, registry, record)
        ]
        if not rows:
            continue
        existing = next((c for c in container.children if isinstance(c, nodes.field_list)), None)
        added = field_list(rows, classes=[f"plan-{record.type}-fields", "plan-reverse"])
        if existing is not None:
            existing.extend(added.children)
        else:
            header = next(c for c in container.children if isinstance(c, nodes.paragraph))
            container.insert(container.index(header) + 1, added)

"""Reverse links: the objects naming an object in a reference field, by the label
the field declares for the named end (``covers`` → "Covered by")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sphinxcontrib_plan.model.ids import reference_key
from sphinxcontrib_plan.model.typespec import Kind

if TYPE_CHECKING:
    from sphinxcontrib_plan.model.index import ResolvedIndex
    from sphinxcontrib_plan.model.records import ObjectRecord
    from sphinxcontrib_plan.model.typespec import Registry


def reverse_rows(
    index: ResolvedIndex, registry: Registry, record: ObjectRecord
) -> list[tuple[str, list[str]]]:
    """The reverse links of one object: ``(label, ids of the objects naming it)``,
    one row per label, in the order the labels first appear.

    :param index: the index
    :param registry: the object types
    :param record: the named object
    :return: the rows, empty when nothing names it through a field with a label
    """
    rows: dict[str, list[str]] = {}
    for name, source in index.backlinks.get(record.id, ()):
        otype = registry.get(index.by_id[source].type)
        spec = otype.field(name) if otype is not None else None
        if spec is not None and spec.reverse:
            ids = rows.setdefault(spec.reverse, [])
            if source not in ids:
                ids.append(source)
    return list(rows.items())


def incoming(index: ResolvedIndex, registry: Registry) -> dict[str, list[object]]:
    """What the reverse rows of each document show, for incremental builds: a
    page is written again when a row changes (a test added, retitled or moved).

    :param index: the index
    :param registry: the object types
    :return: the rows' content by document
    """
    shown: dict[str, list[object]] = {}
    for target in index.backlinks:
        record = index.by_id[target]
        rows = reverse_rows(index, registry, record)
        if rows:
            shown.setdefault(record.docname, []).append(
                (
                    target,
                    [
                        (
                            label,
                            [
                                (
                                    s,
                                    index.by_id[s].title,
                                    index.by_id[s].docname,
                                    index.by_id[s].anchor,
                                )
                                for s in ids
                            ],
                        )
                        for label, ids in rows
                    ],
                )
            )
    return shown


def backlinks(index: ResolvedIndex, registry: Registry) -> dict[str, list[tuple[str, str]]]:
    """The objects naming each object in a reference field (of any type), as
    ``(field, source id)`` in document order; names that resolve to nothing, or
    to a type the field does not take, are left out (they are ``plan.ref``).

    :param index: the index (records and ids known)
    :param registry: the object types
    :return: ``(field, source id)`` pairs by named id
    """
    found: dict[str, list[tuple[str, str]]] = {}
    for record in index.records:
        otype = registry.get(record.type)
        if otype is None or index.by_id.get(record.id) is not record:
            continue
        for spec in otype.fields:
            if spec.kind not in (Kind.REF, Kind.REFS) or spec.name not in record.fields:
                continue
            value = record.fields[spec.name]
            for target in [value] if spec.kind is Kind.REF else value:
                named = index.lookup(reference_key(str(target)), None)
                if named is not None and spec.names_type(named.type):
                    found.setdefault(named.id, []).append((spec.name, record.id))
    return found

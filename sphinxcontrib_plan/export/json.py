"""``plan.json``: the resolved index as plain, deterministic data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan import __version__

if TYPE_CHECKING:
    from collections.abc import Callable

    from sphinxcontrib_plan.model.records import ObjectRecord
    from sphinxcontrib_plan.resolve import ResolvedIndex

#: bump on any incompatible change of the document's shape
SCHEMA_VERSION = 1
SCHEMA_ID = "https://sphinxcontrib-plan.readthedocs.io/schema/plan-1.json"


def record_data(record: ObjectRecord, url: str | None) -> dict[str, Any]:
    """One object as JSON data.

    :param record: the record
    :param url: its page URL and anchor (HTML builders), else ``None``
    :return: the data
    """
    data: dict[str, Any] = {
        "type": record.type,
        "id": record.id,
        "title": record.title,
        "plan": record.plan,
        "fields": record.fields,
        "docname": record.docname,
        "line": record.lineno,
        "anchor": record.anchor,
    }
    if record.checks is not None:
        data["checks"] = {"done": record.checks[0], "total": record.checks[1]}
    if record.parent:
        data["parent"] = record.parent
    if record.extra:
        data["data"] = record.extra
    if url is not None:
        data["url"] = url
    return data


def plan_document(
    index: ResolvedIndex, project: str, url_of: Callable[[ObjectRecord], str | None]
) -> dict[str, Any]:
    """The whole ``plan.json`` document.

    :param index: the resolved index
    :param project: the Sphinx project name
    :param url_of: the URL of a record, or ``None`` for builders without pages
    :return: JSON-able data with sorted, stable content
    """
    plans = []
    for plan in sorted(index.of_type("plan"), key=lambda r: r.id):
        data = record_data(plan, url_of(plan))
        view = index.view(plan)
        data["summary"] = {k: view.get(k) for k in
                           ("progress", "done", "total", "open-high-risks", "endpoints", "signoff")}
        plans.append(data)
    objects = [record_data(r, url_of(r)) for r in
               sorted((r for r in index.records if r.type != "plan"), key=lambda r: r.id)]
    return {
        "$schema": SCHEMA_ID,
        "schema_version": SCHEMA_VERSION,
        "generator": {"name": "sphinxcontrib-plan", "version": __version__},
        "project": project,
        "plans": plans,
        "objects": objects,
    }

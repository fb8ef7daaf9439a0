"""``plan_drift``: the build compares its planned endpoints with the service's OpenAPI document.

The reading and the comparison are those of ``sphinx-plan diff --openapi``
(:func:`~.operations.read_document`, :func:`~.operations.planned_operations`,
:func:`~.drift.compare_api`); the planned side is this build's index, as
``plan.json`` would hold it. Each finding is a ``plan.drift`` warning at the
planned endpoint's directive, or, for an operation the plan lacks, at its
line in the implemented document.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from sphinxcontrib_plan.model.index import Finding

if TYPE_CHECKING:
    from sphinxcontrib_plan.diff.drift import DriftFinding
    from sphinxcontrib_plan.model.index import ResolvedIndex

#: the subtype of every finding (``PlanWarning.DRIFT``)
SUBTYPE = "drift"


def implemented_digest(root: Path, name: str) -> str:
    """What the build's findings depend on: the implemented document's bytes.

    :param root: the source directory (*name* is relative to it)
    :param name: the value of ``plan_drift``
    :return: a digest of the file, or a mark that it cannot be read (so that
        its appearing later is a change)
    """
    try:
        return hashlib.sha256((root / name).read_bytes()).hexdigest()
    except OSError as err:
        return f"unreadable: {err.strerror or err}"


def drift_findings(index: ResolvedIndex, root: Path, name: str) -> list[Finding]:
    """The differences between the planned endpoints and the implemented document.

    :param index: this build's index
    :param root: the source directory (*name* is relative to it)
    :param name: the value of ``plan_drift``
    :return: ``plan.drift`` findings; one for a document that cannot be read
    """
    from sphinxcontrib_plan.diff import DiffError
    from sphinxcontrib_plan.diff.drift import compare_api
    from sphinxcontrib_plan.diff.operations import planned_operations, read_parsed
    from sphinxcontrib_plan.export.json import record_data

    path = Path(os.path.normpath(root / name))
    try:
        parsed, implemented = read_parsed(path)
    except DiffError as err:
        return [Finding(SUBTYPE, f"plan_drift: {err}; nothing was compared", "conf.py")]
    plan = {
        "objects": [
            record_data(index, r, url=None, source=None)
            for r in index.records
            if r.type in ("endpoint", "response")
        ]
    }
    drift = compare_api(
        planned_operations(plan), implemented, parsed.data, plan_label="", implemented_label=name
    )
    out = []
    for finding in drift.findings:
        record = index.by_id.get(finding.endpoint or "")
        where: tuple[str, int] | str
        if record is not None:
            where = record.location
        else:
            # the line of its path (or webhook name) as a key of the document
            key = finding.implemented or ""
            line = parsed.line(("paths", key))
            line = parsed.line(("webhooks", key)) if line is None else line
            where = f"{path}:{line + 1}" if line is not None else str(path)
        out.append(Finding(SUBTYPE, _message(finding, name, drift.prefix), where))
    return out


def _message(finding: DriftFinding, name: str, prefix: str) -> str:
    """``SIGNATURE: what differs (endpoint ID; service document NAME); breaking: …``."""
    where = [f"endpoint {finding.endpoint}"] if finding.endpoint else []
    where.append(f"service document {name}")
    if prefix:
        where[-1] += f", its paths read below the server path {prefix}"
    breaking = "; breaking: the service does not do what the plan promises its clients"
    return f"{finding.signature}: {finding.message} ({'; '.join(where)})" + (
        breaking if finding.breaking else ""
    )

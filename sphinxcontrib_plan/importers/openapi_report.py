"""What an OpenAPI document says that its plan does not: the import report's notes.

:mod:`~sphinxcontrib_plan.importers.openapi_plan` carries operations,
parameters, bodies, responses, schemas and examples, and
:mod:`~sphinxcontrib_plan.importers.openapi_info` the API's title, version,
description, servers, tags and security schemes (and names what of those it
cannot say); the document's other parts have no place in a plan. Each is named here by its JSON pointer, with
what becomes of it, so that nothing is lost without a word.
"""

from __future__ import annotations

from typing import Any

from sphinxcontrib_plan.importers.openapi_model import METHODS
from sphinxcontrib_plan.importers.openapi_schema import pointer

#: parts of ``info`` a plan has no field for
_INFO = ("summary", "termsOfService", "contact", "license")
#: parts of an operation a plan has no field for
_OPERATION = ("servers", "callbacks", "externalDocs")


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def not_carried(data: Any) -> list[str]:
    """One note per part of *data* (an OpenAPI document) that the plan does not carry.

    :param data: the parsed document
    :return: ``/pointer: what becomes of it`` lines
    """
    root = _mapping(data)
    info = _mapping(root.get("info"))
    notes = [f"{pointer(('info', key))}: not carried" for key in _INFO if key in info]
    for i, tag in enumerate(root.get("tags") or ()):
        if isinstance(tag, dict) and tag.get("externalDocs"):
            notes.append(f"{pointer(('tags', i, 'externalDocs'))}: not carried")
    if "externalDocs" in root:
        notes.append("/externalDocs: not carried")
    for group in ("paths", "webhooks"):
        for path, item in _mapping(root.get(group)).items():
            for method, operation in _mapping(item).items():
                if method not in METHODS:
                    continue
                for key in _OPERATION:
                    if key in _mapping(operation):
                        notes.append(f"{pointer((group, path, method, key))}: not carried")
                for code, response in _mapping(_mapping(operation).get("responses")).items():
                    if "links" in _mapping(response):
                        notes.append(
                            f"{pointer((group, path, method, 'responses', code, 'links'))}"
                            ": not carried"
                        )
    return notes

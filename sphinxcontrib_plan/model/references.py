"""``$ref`` resolution inside one JSON document, through ``referencing``.

The one resolver of internal references (``#/a/b``, JSON pointers of RFC 6901)
for the package: the OpenAPI reader (:mod:`~sphinxcontrib_plan.importers.openapi`)
replaces a document's references with it, and ``sphinx-plan diff``
(:mod:`~sphinxcontrib_plan.diff.contract`) follows a schema's ones with it.
Each reference is looked up once per document (the answers are kept), so the
work stays linear in the number of references; the callers cut cycles and
apply the limits of :mod:`~sphinxcontrib_plan.model.limits`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote


class References:
    """The internal references (``#/a/b``) of one document, resolved with ``referencing``.

    :param data: the whole document
    """

    def __init__(self, data: Any) -> None:
        from referencing import Registry, Resource

        uri = "urn:sphinxcontrib-plan:document"
        # opaque: a schema's $id inside the document does not move its references
        self._resolver = Registry().with_resource(uri, Resource.opaque(data)).resolver(uri)
        self._found: dict[str, tuple[Any, tuple[Any, ...]] | None] = {}

    def lookup(self, ref: str) -> tuple[Any, tuple[Any, ...]] | None:
        """What an internal reference points to.

        :param ref: the reference
        :return: ``(value, path)``, or ``None`` when it points nowhere or outside
        """
        if ref not in self._found:
            self._found[ref] = self._lookup(ref)
        return self._found[ref]

    def _lookup(self, ref: str) -> tuple[Any, tuple[Any, ...]] | None:
        from referencing.exceptions import Unresolvable

        if not ref.startswith("#/") and ref != "#":
            return None
        try:
            found = self._resolver.lookup(ref).contents
        except (Unresolvable, LookupError, ValueError, TypeError):
            return None
        steps = unquote(ref[2:]).split("/") if len(ref) > 1 else []
        return found, tuple(s.replace("~1", "/").replace("~0", "~") for s in steps)

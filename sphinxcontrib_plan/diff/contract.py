"""What a schema change means for a client: two JSON Schemas compared, by direction.

A request schema is what a client sends: a new required property, a type that
accepts less or an enum that lost a value refuse requests that were valid, so
they break the client. A response schema is what a client reads: a property
removed (or renamed), no longer required, or of another type breaks the
client; a new property or a new enum value does not. ``$ref`` s are followed
(by :class:`~sphinxcontrib_plan.model.references.References`, the package's
one resolver) to the version's ``plan-schema`` objects
(``#/components/schemas/Name``) and inside the schema (``#/$defs/X``), each pair of references compared once, so
a recursive schema ends and the work stays linear in the schemas' size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.model.references import References
from sphinxcontrib_plan.model.schema import COMPONENTS

if TYPE_CHECKING:
    from collections.abc import Mapping

#: deepest nesting of properties compared (a guard; plan schemas nest a few levels)
MAX_DEPTH = 32


@dataclass(frozen=True)
class SchemaChange:
    """One difference between two versions of a schema."""

    #: dotted place in the instance, e.g. ``card.number``; empty for the root
    path: str
    #: what changed, e.g. ``required field added``; ``{of}`` stands for `` of PATH``
    message: str
    #: whether a client written against the old schema may fail
    breaking: bool

    def text(self) -> str:
        """``required field added: card.number``, ``type of amount changed: string → integer``."""
        if "{of}" in self.message:  # replaced, not format(): values may hold braces
            return self.message.replace("{of}", f" of {self.path}" if self.path else "", 1)
        return f"{self.message}: {self.path}" if self.path else self.message


class Schemas:
    """The named schemas of one version (``plan-schema`` by title) and ``$ref`` resolution."""

    def __init__(self, named: Mapping[str, Any]) -> None:
        self.named = dict(named)
        self._documents: dict[int, tuple[Any, References]] = {}

    @classmethod
    def of(cls, objects: Mapping[str, Mapping[str, Any]]) -> Schemas:
        """The ``plan-schema`` objects of a version by title (and by id).

        :param objects: the version's objects by id
        :return: the set
        """
        named: dict[str, Any] = {}
        for obj in objects.values():
            if obj.get("type") == "schema":
                schema = (obj.get("data") or {}).get("schema")
                named.setdefault(str(obj.get("title")), schema)
                named.setdefault(str(obj.get("id")), schema)
        return cls(named)

    def follow_ref(self, schema: Any, root: Any) -> tuple[Any, Any, str | None]:
        """Follow the ``$ref`` of *schema*, if it has one.

        :param schema: a (sub)schema
        :param root: the schema document it belongs to (for ``#/...`` pointers)
        :return: the target, the document the target belongs to, and the reference
        """
        if not isinstance(schema, dict) or not isinstance(schema.get("$ref"), str):
            return schema, root, None
        ref = schema["$ref"]
        if ref.startswith(COMPONENTS):
            name, _, rest = ref[len(COMPONENTS) :].partition("/")
            target = self.named.get(name)
            return self._lookup(target, f"#/{rest}" if rest else "#"), target, ref
        if ref.startswith("#"):
            return self._lookup(root, ref), root, ref
        return {}, root, ref

    def _lookup(self, document: Any, ref: str) -> Any:
        """What *ref* points to in *document* (``None`` when nowhere), through the
        package's one resolver, :class:`~sphinxcontrib_plan.model.references.References`."""
        if document is None:
            return None
        # documents stay alive through the comparison: their id is a stable key
        kept = self._documents.get(id(document))
        if kept is None:
            kept = self._documents[id(document)] = (document, References(document))
        found = kept[1].lookup(ref)
        return None if found is None else found[0]


def _types(schema: dict[str, Any]) -> frozenset[str]:
    value = schema.get("type")
    if isinstance(value, str):
        return frozenset({value})
    if isinstance(value, list):
        return frozenset(str(v) for v in value)
    return frozenset()


def _properties(schema: dict[str, Any]) -> dict[str, Any]:
    value = schema.get("properties")
    return value if isinstance(value, dict) else {}


def _required(schema: dict[str, Any]) -> list[str]:
    value = schema.get("required")
    return [r for r in value if isinstance(r, str)] if isinstance(value, list) else []


def _flat(
    schema: Any, schemas: Schemas, root: Any, seen: frozenset[str] = frozenset()
) -> tuple[dict[str, Any], Any]:
    """*schema* with its ``$ref`` followed and its ``allOf`` parts merged (properties,
    required), and the document it belongs to."""
    schema, root, ref = schemas.follow_ref(schema, root)
    if ref is not None and ref in seen or not isinstance(schema, dict):
        return {}, root
    if ref is not None:
        return _flat(schema, schemas, root, seen | {ref})
    parts = schema.get("allOf")
    if not isinstance(parts, list):
        return schema, root
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    properties, required = _properties(merged), _required(merged)
    for part in parts:
        flat, _ = _flat(part, schemas, root, seen)
        properties = {**properties, **_properties(flat)}
        required += [r for r in _required(flat) if r not in required]
        for key, value in flat.items():
            merged.setdefault(key, value)
    merged["properties"], merged["required"] = properties, required
    return merged, root


def _words(values: Any) -> str:
    return ", ".join(sorted(map(str, values)))


class _Comparison:
    def __init__(self, base: Schemas, head: Schemas, request: bool) -> None:
        self.base, self.head, self.request = base, head, request
        self.found: list[SchemaChange] = []
        self.compared: set[tuple[int, int]] = set()

    def add(self, path: str, message: str, breaking: bool) -> None:
        self.found.append(SchemaChange(path, message, breaking))

    def run(self, old: Any, new: Any, old_root: Any, new_root: Any, path: str, depth: int) -> None:
        # the inputs are nodes of the documents (alive throughout): a pair met again
        # through a recursive $ref is compared once
        key = (id(old), id(new))
        if key in self.compared or depth > MAX_DEPTH:
            return
        self.compared.add(key)
        old, old_root = _flat(old, self.base, old_root)
        new, new_root = _flat(new, self.head, new_root)
        if not old or not new:
            return
        self.types(old, new, path)
        self.enum(old, new, path)
        self.properties(old, new, old_root, new_root, path, depth)
        if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
            self.run(old["items"], new["items"], old_root, new_root, f"{path}[]", depth + 1)

    def types(self, old: dict[str, Any], new: dict[str, Any], path: str) -> None:
        before, after = _types(old), _types(new)
        if not before or not after or before == after:
            return
        if "number" in after and "integer" in before:
            after = after | {"integer"}  # a number accepts every integer
        lost = before - after if self.request else after - before
        self.add(
            path, f"type{{of}} changed: {_words(_types(old))} → {_words(_types(new))}", bool(lost)
        )

    def enum(self, old: dict[str, Any], new: dict[str, Any], path: str) -> None:
        before, after = old.get("enum"), new.get("enum")
        if not isinstance(before, list) or not isinstance(after, list):
            return
        removed = [v for v in before if v not in after]
        added = [v for v in after if v not in before]
        if removed:
            self.add(path, f"enum{{of}} narrowed: {_words(removed)} removed", self.request)
        if added:
            self.add(path, f"enum{{of}} widened: {_words(added)} added", False)

    def properties(
        self,
        old: dict[str, Any],
        new: dict[str, Any],
        old_root: Any,
        new_root: Any,
        path: str,
        depth: int,
    ) -> None:
        before, after = _properties(old), _properties(new)
        old_required, new_required = set(_required(old)), set(_required(new))
        prefix = f"{path}." if path else ""
        removed = sorted(set(before) - set(after))
        added = sorted(set(after) - set(before))
        if self.request:
            for name in sorted(new_required - old_required):
                what = "required field added" if name not in before else "field now required"
                self.add(f"{prefix}{name}", what, True)
            for name in added:
                if name not in new_required:
                    self.add(f"{prefix}{name}", "optional field added", False)
            for name in removed:
                self.add(
                    f"{prefix}{name}", "field removed", new.get("additionalProperties") is False
                )
        else:
            if len(removed) == 1 and len(added) == 1:
                self.add(f"{prefix}{removed[0]}", f"property{{of}} renamed to {added[0]}", True)
                removed, added = [], []
            for name in removed:
                self.add(f"{prefix}{name}", "property removed", True)
            for name in added:
                self.add(f"{prefix}{name}", "property added", False)
            for name in sorted((old_required - new_required) & set(after)):
                self.add(f"{prefix}{name}", "property no longer always present", True)
        for name in sorted(set(before) & set(after)):
            self.run(before[name], after[name], old_root, new_root, f"{prefix}{name}", depth + 1)


def compare_schemas(
    old: Any, new: Any, base: Schemas, head: Schemas, *, request: bool
) -> list[SchemaChange]:
    """The differences between two versions of a schema that matter to a client.

    :param old: the base version's schema (may be a ``$ref``)
    :param new: the head version's schema
    :param base: the base version's named schemas
    :param head: the head version's named schemas
    :param request: whether clients send it (a request body or parameter) or read it
    :return: the changes, in the schema's order
    """
    comparison = _Comparison(base, head, request)
    comparison.run(old, new, old, new, "", 0)
    return comparison.found

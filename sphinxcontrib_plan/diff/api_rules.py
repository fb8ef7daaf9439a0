"""The API contract rules of a diff: what changed for a client of an endpoint
(auth, method and path, parameters, request and response bodies, media types)
and which endpoints a changed named schema or security scheme reaches. Both versions are read as
``plan.json`` holds them (:class:`Versions`); the rules are listed in
:data:`~sphinxcontrib_plan.diff.classify.RULES`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.diff.compare import ChangeFinding, ObjectChange
from sphinxcontrib_plan.diff.contract import Schemas, compare_schemas
from sphinxcontrib_plan.export.openapi import auth_schemes
from sphinxcontrib_plan.model.api_info import scheme_object
from sphinxcontrib_plan.model.schema import COMPONENTS, references

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

Objects = dict[str, "Mapping[str, Any]"]


@dataclass
class Versions:
    """Both versions' objects by id, their named schemas and each endpoint's responses.

    Records that did not change are one object in both versions (read once for
    both, :class:`.planjson.Shared`): what is made of them is made once, and
    each endpoint's responses only when a rule asks for them.
    """

    base: Objects
    head: Objects
    base_schemas: Schemas = field(init=False)
    head_schemas: Schemas = field(init=False)
    #: titles of the endpoints naming each schema, directly or not (made when needed)
    schema_users: dict[str, set[str]] | None = None
    #: whether both versions name the same schemas
    same_schemas: bool = field(init=False)
    #: the ids whose record is not the same object in both versions (added,
    #: removed or read apart)
    differing: set[str] = field(init=False)

    def __post_init__(self) -> None:
        base, head = self.base, self.head
        self.differing = {oid for oid, obj in head.items() if base.get(oid) is not obj}
        self.differing.update(oid for oid in base if oid not in head)
        self.base_schemas, self.head_schemas = Schemas.of(base), Schemas.of(head)
        self.same_schemas = self.base_schemas.named == self.head_schemas.named

    @cached_property
    def base_responses(self) -> dict[str, dict[str, Mapping[str, Any]]]:
        """The base version's responses by endpoint id and status code."""
        return responses_by_endpoint(self.base)

    @cached_property
    def head_responses(self) -> dict[str, dict[str, Mapping[str, Any]]]:
        """The head version's responses by endpoint id and status code."""
        return responses_by_endpoint(self.head)

    def contract_candidates(self) -> list[str]:
        """The endpoints of both versions whose contract may differ: every endpoint
        when the named schemas differ, else those whose record or one of whose
        responses is not the same object in both versions.

        :return: ids of endpoints in both versions
        """
        base, head = self.base, self.head
        if not self.same_schemas:
            candidates: Iterable[str] = head
        else:
            touched = set()
            for oid in self.differing:
                for obj in (base.get(oid), head.get(oid)):
                    if obj is None:
                        continue
                    if obj.get("type") == "endpoint":
                        touched.add(oid)
                    elif obj.get("type") == "response":
                        touched.add(str(obj.get("parent")))
            candidates = sorted(touched)
        return [
            oid
            for oid in candidates
            if oid in base and oid in head and head[oid].get("type") == "endpoint"
        ]

    def same_contract(self, endpoint: str) -> bool:
        """Whether nothing an endpoint's contract is made of can differ: the same
        record in both versions (read once for both, :class:`.planjson.Shared`),
        the same response records, the same named schemas.

        :param endpoint: the endpoint's id
        :return: ``True`` when :func:`endpoint_contract` would find nothing
        """
        if self.base.get(endpoint) is not self.head.get(endpoint) or not self.same_schemas:
            return False
        old, new = self.base_responses.get(endpoint, {}), self.head_responses.get(endpoint, {})
        return old.keys() == new.keys() and all(old[code] is new[code] for code in old)


def split_signature(title: str) -> tuple[str, str]:
    """``METHOD /path`` split into upper-case method and path.

    :param title: an endpoint title
    :return: ``(method, path)``
    """
    method, _, path = title.strip().partition(" ")
    return method.upper(), path.strip()


def _alternatives(value: Any) -> set[frozenset[str]] | None:
    text = str(value or "").strip()
    if not text:
        return {frozenset({"none"})}
    read = auth_schemes(text, names=True)  # a plan-security's name is a word of its own
    return None if read is None else {frozenset(words) for words in read}


def auth_tightened(before: Any, after: Any) -> bool:
    """Whether a client that could call with *before*'s auth may be refused with *after*'s.

    :param before: base ``auth`` value (``None``: not stated, read as no auth)
    :param after: head ``auth`` value
    :return: ``True`` when an alternative of the base is gone
    """
    old, new = _alternatives(before), _alternatives(after)
    if new is not None and frozenset({"none"}) in new:
        return False  # anonymous calls allowed: every client still gets in
    if old is None or new is None:
        return str(before or "") != str(after or "")
    return not old <= new


def object_data(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    data = obj.get("data")
    return data if isinstance(data, dict) else {}


def _body(obj: Mapping[str, Any]) -> Mapping[str, Any] | None:
    body = object_data(obj).get("body")
    return body if isinstance(body, dict) else None


def _parameters(obj: Mapping[str, Any]) -> dict[tuple[str, str], Mapping[str, Any]]:
    return {
        (str(p.get("in", "query")), str(p.get("name"))): p
        for p in object_data(obj).get("parameters") or ()
        if isinstance(p, dict)
    }


def responses_by_endpoint(objects: Objects) -> dict[str, dict[str, Mapping[str, Any]]]:
    """The responses of each endpoint by status code.

    :param objects: a version's objects by id
    :return: endpoint id → code → response object
    """
    found: dict[str, dict[str, Mapping[str, Any]]] = {}
    for obj in objects.values():
        if obj.get("type") == "response":
            code = str(object_data(obj).get("code") or obj.get("title"))
            found.setdefault(str(obj.get("parent")), {})[code] = obj
    return found


def _finding(breaking: bool, message: str, covers: tuple[str, ...]) -> ChangeFinding:
    return ChangeFinding("breaking" if breaking else "api", message, covers=covers)


def _body_findings(
    where: str,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    versions: Versions,
    *,
    request: bool,
    covers: tuple[str, ...],
) -> list[ChangeFinding]:
    if old is None or new is None:
        return []
    found = [
        _finding(True, f"{where}: media type {media} removed", covers)
        for media in old.get("media_types") or ()
        if media not in (new.get("media_types") or ())
    ]
    if old.get("schema") is not None and new.get("schema") is not None:
        found += [
            _finding(change.breaking, f"{where}: {change.text()}", covers)
            for change in compare_schemas(
                old["schema"],
                new["schema"],
                versions.base_schemas,
                versions.head_schemas,
                request=request,
            )
        ]
    return found


def endpoint_contract(
    old: Mapping[str, Any], new: Mapping[str, Any], versions: Versions
) -> list[ChangeFinding]:
    """What changed in an endpoint's request, parameters and responses' bodies.

    :param old: the base version of the endpoint
    :param new: the head version
    :param versions: both versions
    :return: the findings
    """
    found = _body_findings(
        "request body", _body(old), _body(new), versions, request=True, covers=("data.body",)
    )
    before, after = _parameters(old), _parameters(new)
    added = sorted(
        k
        for k, p in after.items()
        if p.get("required") and not (before.get(k) or {}).get("required")
    )
    if added:
        found.append(
            ChangeFinding(
                "breaking",
                "required parameter added: "
                + ", ".join(f"{name} ({where})" for where, name in added),
                covers=("data.parameters",),
            )
        )
    for key in sorted(before.keys() & after.keys()):
        schema_old, schema_new = before[key].get("schema"), after[key].get("schema")
        if schema_old is not None and schema_new is not None:
            found += [
                _finding(
                    c.breaking, f"parameter {key[1]} ({key[0]}): {c.text()}", ("data.parameters",)
                )
                for c in compare_schemas(
                    schema_old,
                    schema_new,
                    versions.base_schemas,
                    versions.head_schemas,
                    request=True,
                )
            ]
    old_responses = versions.base_responses.get(str(old.get("id")), {})
    new_responses = versions.head_responses.get(str(new.get("id")), {})
    for code in sorted(old_responses.keys() & new_responses.keys()):
        found += _body_findings(
            f"response {code}",
            _body(old_responses[code]),
            _body(new_responses[code]),
            versions,
            request=False,
            covers=(),
        )
    return found


def endpoint_changes(
    change: ObjectChange, old: Mapping[str, Any], new: Mapping[str, Any], versions: Versions
) -> list[ChangeFinding]:
    found: list[ChangeFinding] = []
    (m1, p1), (m2, p2) = (
        split_signature(str(old.get("title", ""))),
        split_signature(str(new.get("title", ""))),
    )
    if m1 != m2:
        found.append(ChangeFinding("breaking", f"method changed: {m1} → {m2}", covers=("title",)))
    if p1 != p2:
        found.append(ChangeFinding("breaking", f"path changed: {p1} → {p2}", covers=("title",)))
    f1, f2 = old.get("fields") or {}, new.get("fields") or {}
    if f1.get("auth") != f2.get("auth"):
        tightened = auth_tightened(f1.get("auth"), f2.get("auth"))
        found.append(
            _finding(
                tightened,
                f"auth {'tightened' if tightened else 'changed'}: "
                f"{f1.get('auth') or 'none'} → {f2.get('auth') or 'none'}",
                ("auth",),
            )
        )
    added = [p for p in f2.get("permissions") or () if p not in (f1.get("permissions") or ())]
    if added:
        found.append(
            ChangeFinding(
                "breaking",
                f"permissions tightened: {', '.join(added)} now required",
                covers=("permissions",),
            )
        )
    if f2.get("deprecated") and not f1.get("deprecated"):
        found.append(ChangeFinding("api", "deprecated", covers=("deprecated",)))
    return found + endpoint_contract(old, new, versions)


def schema_used_by(
    change: ObjectChange,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    versions: Versions,
) -> list[ChangeFinding]:
    if change.type != "schema" or change.kind != "changed":
        return []
    if versions.schema_users is None:  # once per diff, on the first changed schema
        versions.schema_users = {}
        for endpoint in versions.head.values():
            if endpoint.get("type") == "endpoint":
                for name in _affected_by(endpoint, versions):
                    versions.schema_users.setdefault(name, set()).add(str(endpoint.get("title")))
    users = sorted(
        versions.schema_users.get(change.title, set()) | versions.schema_users.get(change.id, set())
    )
    return [ChangeFinding("api", f"used by {', '.join(users)}")] if users else []


def _affected_by(endpoint: Mapping[str, Any], versions: Versions) -> set[str]:
    """Names of the ``plan-schema`` objects an endpoint's request, parameters or
    responses name, directly or through another named schema."""
    pending = [
        _body(endpoint),
        *[p.get("schema") for p in _parameters(endpoint).values()],
        *[_body(r) for r in versions.head_responses.get(str(endpoint.get("id")), {}).values()],
    ]
    found: set[str] = set()
    while pending:
        schema = pending.pop()
        if isinstance(schema, dict) and "media_types" in schema:
            schema = schema.get("schema")
        for _, ref in references(schema):
            name = (
                ref.removeprefix(COMPONENTS).split("/", 1)[0]
                if ref.startswith(COMPONENTS)
                else None
            )
            if name is not None and name not in found:
                found.add(name)
                pending.append(versions.head_schemas.named.get(name))
    return found


def scheme_changed(
    change: ObjectChange,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    versions: Versions,
) -> list[ChangeFinding]:
    """A changed ``plan-security``: what a client must change, and who calls with it.

    Every change of how a client authenticates (the type, the HTTP scheme, where
    and under which name an API key goes, the OAuth flows and URLs, the OpenID
    URL, a scope removed) is breaking; a new scope or a new description is not.
    The endpoints whose ``:auth:`` names the scheme, in either version, are listed.
    """
    if change.type != "security" or change.kind != "changed" or old is None or new is None:
        return []
    before = scheme_object(old.get("fields") or {})[0] or {}
    after = scheme_object(new.get("fields") or {})[0] or {}
    found = []
    for key in sorted(set(before) | set(after)):
        if key != "flows" and before.get(key) != after.get(key):
            found.append(
                _finding(True, f"{key} changed: {before.get(key)} → {after.get(key)}", (key,))
            )
    old_flows, new_flows = before.get("flows") or {}, after.get("flows") or {}
    for name in sorted(set(old_flows) | set(new_flows)):
        was, now = old_flows.get(name) or {}, new_flows.get(name) or {}
        if not now:
            found.append(_finding(True, f"flow removed: {name}", ("flows",)))
            continue
        for key in sorted(k for k in set(was) | set(now) if k != "scopes"):
            if was and was.get(key) != now.get(key):
                found.append(_finding(True, f"{name} {key} changed", ("flows",)))
        lost = [s for s in was.get("scopes") or {} if s not in (now.get("scopes") or {})]
        if lost:
            found.append(_finding(True, f"scope removed: {', '.join(lost)}", ("scopes",)))
    users = sorted(
        {
            str(e.get("title"))
            for e in (*versions.base.values(), *versions.head.values())
            if e.get("type") == "endpoint"
            and any(
                change.title in words
                for words in auth_schemes(
                    str((e.get("fields") or {}).get("auth") or ""), names=True
                )
                or ()
            )
        }
    )
    if found and users:
        found.append(ChangeFinding("api", f"used by {', '.join(users)}"))
    return found

"""Plan references resolved late: every ``{plan:…}`` role and collector ``:plan:``
that names nothing, or one of several objects sharing a name, checked against
the merged index (:mod:`~sphinxcontrib_plan.resolve`) once every document is read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.model.ids import reference_key
from sphinxcontrib_plan.model.index import Finding, ResolvedIndex
from sphinxcontrib_plan.model.names import did_you_mean

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from sphinxcontrib_plan.model.typespec import Registry

    #: ``(source, reftype, target, location)`` of one reference
    Reference = tuple[str, str, str, Any]


def check_references(
    refs: Mapping[str, list[Reference]],
    index: ResolvedIndex,
    registry: Registry,
    resolvable: Callable[[str], bool],
) -> list[Finding]:
    """Every plan reference and collector ``:plan:`` that names nothing, or names
    one of several objects sharing a name.

    :param refs: references by document
    :param index: the index
    :param registry: the object types
    :param resolvable: whether another resolver (intersphinx) takes a target
    :return: findings at the references' locations
    """
    findings = []
    for docname in sorted(refs):
        for source, typ, target, location in refs[docname]:
            key = reference_key(target)
            role_type = None if typ == "ref" else typ
            if index.lookup(key, role_type) is not None:
                same = index.ambiguity(key, role_type) if source == "role" else []
                if same:
                    findings.append(
                        Finding(
                            "ref",
                            f"{{plan:{typ}}} {target!r} names several objects "
                            f"({', '.join(same)}); linking to {same[0]!r}: link by id instead",
                            location,
                        )
                    )
                continue
            if resolvable(target) or resolvable(key):
                continue
            findings.append(
                Finding("ref", reference_message(source, typ, target, index, registry), location)
            )
    return findings


def reference_message(
    source: str, typ: str, target: str, index: ResolvedIndex, registry: Registry
) -> str:
    """What is wrong with a reference that names nothing.

    :param source: ``role``, or the collector directive naming a plan
    :param typ: the role's type
    :param target: the target as written
    :param index: the index
    :param registry: the object types
    :return: the message
    """
    if source != "role":
        plans = sorted(r.id for r in index.by_type.get("plan", ()))
        return (
            f"{source}: :plan: names {target!r}, which no plan directive declares; "
            f"plans: {', '.join(plans) or 'none'}" + did_you_mean(target, plans)
        )
    what = "object" if typ == "ref" else typ
    found = index.lookup(target, None)
    if found is not None:
        otype = registry.get(found.type)
        role = found.type if otype is not None and otype.role else "ref"
        return (
            f"{{plan:{typ}}} names {target!r}, which is a {found.type}, not a {typ}; "
            f"write {{plan:{role}}} instead"
        )
    known = [r.id for r in index.records if typ == "ref" or r.type == typ]
    named = typ in index.named_types or typ == "ref"
    return (
        f"{{plan:{typ}}} names {target!r}, but no {what} has that id"
        + (" or name" if named else "")
        + did_you_mean(target, known)
    )

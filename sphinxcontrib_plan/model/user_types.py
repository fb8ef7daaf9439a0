"""User types: the ``plan_types`` configuration value read into object types,
one more entry each in the registry (:func:`~sphinxcontrib_plan.model.types.build_registry`).
"""

from __future__ import annotations

from typing import Any

from sphinxcontrib_plan.model.types import build_registry
from sphinxcontrib_plan.model.typespec import FieldSpec, Kind, ObjectType


def user_types_from_config(spec: dict[str, Any]) -> tuple[tuple[ObjectType, ...], list[str]]:
    """Turn ``plan_types`` into object types.

    :param spec: the configuration value
    :return: the types that could be read and a list of problems
    """
    types: list[ObjectType] = []
    problems: list[str] = []
    kinds = {k.value: k for k in Kind}
    builtin = {t.name for t in build_registry()}
    for name, decl in sorted(spec.items()):
        if not isinstance(name, str) or not name.isidentifier() or name in builtin:
            problems.append(
                f"plan_types: {name!r} is not a valid new type name "
                "(letters, digits, _; not a built-in type)"
            )
            continue
        decl = decl if isinstance(decl, dict) else {}
        fields: list[FieldSpec] = []
        for fname, fdecl in (decl.get("fields") or {}).items():
            fdecl = {"kind": fdecl} if isinstance(fdecl, str) else dict(fdecl or {})
            kind = kinds.get(str(fdecl.get("kind", "text")))
            if kind is None:
                problems.append(
                    f"plan_types: {name}.{fname}: kind {fdecl.get('kind')!r} is not "
                    f"one of {', '.join(kinds)}"
                )
                kind = Kind.TEXT
            fields.append(
                FieldSpec(
                    str(fname),
                    kind,
                    tuple(str(c).lower() for c in fdecl.get("choices", ())),
                    default=fdecl.get("default"),
                    required=bool(fdecl.get("required", False)),
                    target=fdecl.get("target"),
                    help=str(fdecl.get("help", "")),
                )
            )
        label = str(decl.get("label", name.replace("_", " ").capitalize()))
        types.append(
            ObjectType(
                name,
                label,
                str(decl.get("section", "user-defined")),
                tuple(fields),
                argument="optional" if decl.get("argument") == "optional" else "title",
                checklist=bool(decl.get("checklist", False)),
                columns=tuple(decl.get("columns", ("id", "title", *[f.name for f in fields][:4]))),
                plural=str(decl.get("plural", "")),
                builtin=False,
                sort="plan, id",
            )
        )
    return tuple(types), problems

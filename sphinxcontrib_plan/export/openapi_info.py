"""The top of the OpenAPI export: ``info``, ``servers``, ``tags`` and the declared
security schemes, from ``plan-api``, ``plan-server``, ``plan-tag`` and ``plan-security``.

What a project does not declare comes from its configuration, as before:
``info`` from ``project`` and ``release``, ``servers`` from
``plan_openapi_servers``, a tag's description from the plan it names. A
project with several ``plan-api`` objects exports the first (in document
order) as ``info``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.model.api_info import scheme_object, server_object

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from sphinxcontrib_plan.model.index import ResolvedIndex


def info_object(index: ResolvedIndex, *, title: str, version: str) -> dict[str, Any]:
    """The Info Object: the first ``plan-api``'s title, version and description.

    :param index: the resolved index
    :param title: the project's name (used when no ``plan-api`` is declared)
    :param version: the project's release or version (used when the API gives none)
    :return: ``{title, version[, description]}``
    """
    api = next(iter(index.of_type("api")), None)
    if api is None:
        return {"title": title or "API", "version": version or "0.0.0"}
    out = {
        "title": api.title or title or "API",
        "version": str(api.fields.get("version") or version or "0.0.0"),
    }
    if api.body:
        out["description"] = api.body
    return out


def server_objects(
    index: ResolvedIndex, configured: Sequence[str | dict[str, str]] = ()
) -> list[dict[str, Any]]:
    """``plan_openapi_servers``, then every valid ``plan-server`` not already listed.

    :param index: the resolved index
    :param configured: ``plan_openapi_servers``: URLs or ``{url, description}`` mappings
    :return: Server Objects
    """
    out = [{"url": s} if isinstance(s, str) else dict(s) for s in configured]
    urls = {s.get("url") for s in out}
    for record in index.of_type("server"):
        server = server_object(record.title, record.fields, record.body)[0]
        if server is not None and record.title not in urls:  # an invalid one was warned about
            urls.add(record.title)
            out.append(server)
    return out


def tag_objects(index: ResolvedIndex, used: Iterable[str]) -> list[dict[str, str]]:
    """Every declared ``plan-tag`` (in document order), then the other tags the
    operations use (sorted); a tag naming a plan is described as that plan.

    :param index: the resolved index
    :param used: the tags of the exported operations
    :return: Tag Objects
    """
    out: dict[str, dict[str, str]] = {}
    for record in index.of_type("tag"):
        if record.title and record.title not in out:
            out[record.title] = {"name": record.title}
            if record.body:
                out[record.title]["description"] = record.body
    for name in sorted(set(used) - set(out)):
        plan = index.by_id.get(name)
        if plan is not None and plan.type == "plan":
            out[name] = {"name": name, "description": f"Plan {name}: {plan.title}"}
        else:
            out[name] = {"name": name}
    return list(out.values())


def declared_schemes(index: ResolvedIndex) -> dict[str, dict[str, Any]]:
    """The Security Scheme Objects of every valid ``plan-security``, by name (its title).

    :param index: the resolved index
    :return: name to scheme, in document order (the first of a name wins)
    """
    out: dict[str, dict[str, Any]] = {}
    for record in index.of_type("security"):
        if record.title and record.title not in out and record.fields.get("type"):
            scheme = scheme_object(record.fields, record.body)[0]
            if scheme is not None:  # an invalid one was warned about; its users get x-auth
                out[record.title] = scheme
    return out

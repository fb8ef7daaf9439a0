"""Other projects' plans: the ``plan_external`` value, the records read from
another project's ``plan.json``, and the portfolio index that adds them to the
local one.

Pure data and functions: fetching and caching live in
:mod:`sphinxcontrib_plan.fetch`. An external record keeps its type (a risk
stays a risk, with its fields, filters and sorts), but its id, plan, parent
and the ids its reference fields name are prefixed with the project's name
(``payments:RISK-7``), so they can never clash with local ids.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from sphinxcontrib_plan.model.derived import view_of
from sphinxcontrib_plan.model.fields import link_target
from sphinxcontrib_plan.model.ids import normalise_signature
from sphinxcontrib_plan.model.index import Finding, ResolvedIndex
from sphinxcontrib_plan.model.names import did_you_mean
from sphinxcontrib_plan.model.records import EndpointData, Example, ObjectRecord, ResponseData
from sphinxcontrib_plan.model.typespec import Kind

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from sphinxcontrib_plan.model.typespec import Registry

#: a project name: what ids are prefixed with, so no ``:``
NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
#: the words of ``:source:`` besides project names
SOURCE_WORDS = ("local", "external", "all")
#: the fingerprint key of one project's data, as collectors showing it depend on it
DEPENDENCY = "external:{}"


@dataclass(frozen=True)
class ExternalSource:
    """One entry of ``plan_external``."""

    #: the short project name, the prefix of its ids
    name: str
    #: where its ``plan.json`` is: a URL, or a path (relative to the conf directory)
    location: str
    #: the URL its objects' ``url`` values are relative to; ``None``: the
    #: folder holding the ``plan.json``
    base: str | None = None

    @property
    def is_url(self) -> bool:
        """Whether :attr:`location` is a URL (``http``, ``https``, ``file``)."""
        return re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", self.location) is not None


def parse_sources(value: object) -> tuple[dict[str, ExternalSource], list[str]]:
    """Read ``plan_external``: ``{name: location}`` or ``{name: {"json": location,
    "base": url}}``.

    :param value: the configuration value
    :return: the sources by name, and a message per entry that could not be read
    """
    sources: dict[str, ExternalSource] = {}
    problems: list[str] = []
    if not isinstance(value, dict):
        return sources, [
            "plan_external must be a dict of project name to the location of its plan.json"
        ]
    for name, entry in value.items():
        where = f"plan_external[{name!r}]"
        if not isinstance(name, str) or not NAME.match(name) or name in SOURCE_WORDS:
            problems.append(
                f"{where}: a project name starts with a letter and has letters, "
                "digits, - and _ only (no ':'), and is not local, external or all"
            )
            continue
        base = None
        if isinstance(entry, dict):
            unknown = sorted(set(entry) - {"json", "base"})
            if unknown:
                problems.append(
                    f"{where}: unknown key {unknown[0]!r}"
                    f"{did_you_mean(str(unknown[0]), ('json', 'base')) or '.'} "
                    "Allowed: json, base"
                )
            base, entry = entry.get("base"), entry.get("json")
            if base is not None and (not isinstance(base, str) or not base.strip()):
                problems.append(f"{where}: base must be a URL string, not {base!r}")
                continue
        if not isinstance(entry, str) or not entry.strip():
            problems.append(
                f"{where}: give the URL or path of its plan.json as a string, "
                f"or {{'json': URL or path, 'base': URL}}; got {entry!r}"
            )
            continue
        sources[name] = ExternalSource(name, entry.strip(), base.strip() if base else None)
    return sources, problems


def parse_source_option(text: str, projects: Sequence[str]) -> tuple[frozenset[str], list[str]]:
    """Read a collector's ``:source:``: ``local``, ``external``, ``all`` or project
    names, comma-separated.

    :param text: the option as written (empty: ``local``)
    :param projects: the configured project names
    :return: the selection (``local`` and project names), and the names not known
    """
    chosen: set[str] = set()
    unknown: list[str] = []
    for word in [w.strip() for w in text.split(",") if w.strip()] or ["local"]:
        if word in ("all", "local"):
            chosen.add("local")
        if word in ("all", "external"):
            chosen.update(projects)
        elif word in projects:
            chosen.add(word)
        elif word != "local":
            unknown.append(word)
    return frozenset(chosen), unknown


@dataclass(frozen=True)
class ExternalRecord(ObjectRecord):
    """An object of another project, read from its ``plan.json``."""

    #: the project's name in ``plan_external``
    project: str = ""
    #: the absolute URL of the object on the other project's pages, if it has one
    url: str | None = None
    #: the derived values its ``plan.json`` gives (shown where they cannot be
    #: recomputed here, e.g. for a type only the other project defines)
    given: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ExternalPlan:
    """The last valid ``plan.json`` read for one project, as cached in the environment."""

    #: the configuration entry it was read for (a changed entry is read again)
    source: ExternalSource
    #: the URL the objects' ``url`` values are relative to (ends with ``/``)
    base: str
    #: SHA-256 of the file's bytes: the fingerprint of the project's data
    sha256: str
    #: when it was last read or found unchanged (seconds since the epoch)
    checked: float
    #: the parsed, validated ``plan.json``
    document: dict[str, Any]

    def records(self, registry: Registry) -> list[ExternalRecord]:
        """The project's records (see :func:`records_from_json`).

        :param registry: this build's types
        :return: the records
        """
        return records_from_json(self.source.name, self.document, self.base, registry)

    def summary(self) -> dict[str, Any]:
        """What ``plan.json`` says about this project: deterministic, no times or paths.

        :return: JSON-able data
        """
        name = self.source.name
        return {
            "name": name,
            "project": str(self.document.get("project") or ""),
            "version": self.document.get("version") or None,
            "sha256": self.sha256,
            "plans": [f"{name}:{p['id']}" for p in self.document["plans"]],
            "objects": len(self.document["objects"]),
        }


def _examples(items: object) -> tuple[Example, ...]:
    return (
        tuple(
            Example(str(e.get("language", "")), str(e.get("code", "")))
            for e in items or ()
            if isinstance(e, dict)
        )
        if isinstance(items, list)
        else ()
    )


def _data(typ: str, data: dict[str, Any]) -> EndpointData | ResponseData | None:
    if typ == "endpoint" and isinstance(data.get("method"), str):
        return EndpointData(
            data["method"],
            str(data.get("path", "")),
            tuple(map(str, data.get("params") or ())),
            _examples(data.get("examples")),
            str(data.get("description", "")),
        )
    if typ == "response" and isinstance(data.get("code"), str):
        return ResponseData(
            data["code"],
            str(data.get("reason", "")),
            _examples(data.get("examples")),
            str(data.get("description", "")),
        )
    return None


def records_from_json(
    name: str, document: dict[str, Any], base: str, registry: Registry
) -> list[ExternalRecord]:
    """The records of another project's ``plan.json`` (validated beforehand).

    :param name: the project's name in ``plan_external``
    :param document: the parsed ``plan.json``
    :param base: the URL the objects' ``url`` values are relative to
    :param registry: this build's types (whose reference fields get the prefix)
    :return: plans first, then objects, in the file's order
    """

    def ns(value: Any) -> Any:
        return f"{name}:{value}" if isinstance(value, str) and value else value

    pages: dict[str, str] = {}

    def joined(url: str) -> str:
        # thousands of objects share a few pages: each page is joined to the base once
        page, hash_, anchor = url.partition("#")
        if page not in pages:
            pages[page] = urljoin(base, page)
        return f"{pages[page]}{hash_}{anchor}"

    records = []
    for order, item in enumerate([*document["plans"], *document["objects"]]):
        otype = registry.get(item["type"])
        fields = dict(item.get("fields") or {})
        for spec in otype.fields if otype is not None else ():
            if spec.kind is Kind.REF and spec.name in fields:
                fields[spec.name] = ns(fields[spec.name])
            elif spec.kind is Kind.REFS and isinstance(fields.get(spec.name), list):
                fields[spec.name] = [ns(v) for v in fields[spec.name]]
        checks = item.get("checks")
        # the project's url only as a link target (never javascript:, data:...),
        # joined to the base this project configured
        url = link_target(item["url"]) if isinstance(item.get("url"), str) else None
        records.append(
            ExternalRecord(
                type=item["type"],
                id=ns(item["id"]),
                title=item["title"],
                plan=ns(item.get("plan")),
                docname=f"{name}:{item.get('docname', '')}",
                lineno=int(item.get("line") or 0),
                anchor=str(item.get("anchor") or ""),
                fields=fields,
                checks=(int(checks["done"]), int(checks["total"]))
                if isinstance(checks, dict)
                else None,
                parent=ns(item.get("parent")),
                order=order,
                data=_data(item["type"], item.get("data") or {}),
                body=str(item.get("body") or ""),
                project=name,
                url=joined(url) if url else None,
                given={k: v for k, v in (item.get("derived") or {}).items() if v is not None},
            )
        )
    return records


def combine(
    local: ResolvedIndex, external: Iterable[ExternalRecord], registry: Registry
) -> ResolvedIndex:
    """The portfolio: the local index plus the external records.

    Local records, their views and names stay as they are; external records
    are looked up by their prefixed ids and prefixed names
    (``payments:GET /items``), and their derived values are computed over
    their own project's records, the values their ``plan.json`` gives winning.

    :param local: the local index
    :param external: the records of every external project
    :param registry: the object types
    :return: a new index (the local one is not changed)
    """
    index = ResolvedIndex(
        records=list(local.records),
        by_id=dict(local.by_id),
        by_type=defaultdict(list, {t: list(rs) for t, rs in local.by_type.items()}),
        by_name=dict(local.by_name),
        ambiguous=local.ambiguous,
        named_types=local.named_types,
        children=defaultdict(list, {p: list(rs) for p, rs in local.children.items()}),
        views=dict(local.views),
        docs=local.docs,
        fingerprints=local.fingerprints,
        today=local.today,
        plan_fingerprints=local.plan_fingerprints,
        changes=local.changes,
        backlinks=local.backlinks,
        coverage=local.coverage,
        results=local.results,
        test_summaries=local.test_summaries,
        gates=local.gates,
    )
    added = list(external)
    for record in added:
        index.records.append(record)
        index.by_id.setdefault(record.id, record)
        index.by_type[record.type].append(record)
        otype = registry.get(record.type)
        if otype is not None and otype.named:
            index.by_name.setdefault((record.type, f"{record.project}:{record.title}"), record)
        if record.parent:
            index.children[record.parent].append(record)
    for record in added:
        index.views[record.sort_key] = {
            **view_of(index, record, registry.get(record.type)),
            **record.given,
        }
    return index


def external_key(target: str, projects: Iterable[str]) -> tuple[str, str] | None:
    """``(project, lookup key)`` of a reference target naming an external object.

    :param target: the target as written, e.g. ``payments:get /items``
    :param projects: the configured project names
    :return: the project and the key (``payments:GET /items``), or ``None``
    """
    project, sep, rest = target.strip().partition(":")
    if not sep or project not in projects:
        return None
    rest = rest.strip()
    return project, f"{project}:{normalise_signature(rest) if ' ' in rest else rest}"


def check_external_refs(
    refs: Mapping[str, list[tuple[str, str, str, Any]]],
    portfolio: ResolvedIndex,
    projects: Sequence[str],
) -> tuple[dict[str, list[tuple[str, str, str, Any]]], list[Finding]]:
    """Check the references that name another project's objects.

    :param refs: ``(source, reftype, target, location)`` by document
    :param portfolio: the index with the external records
    :param projects: the configured project names
    :return: the other references (for the local check), and findings for the
        external ones that name nothing
    """
    local: dict[str, list[tuple[str, str, str, Any]]] = {}
    findings: list[Finding] = []
    for docname in sorted(refs):
        for ref in refs[docname]:
            source, typ, target, location = ref
            found = external_key(target, projects)
            if found is None:
                local.setdefault(docname, []).append(ref)
                continue
            project, key = found
            wanted = None if typ == "ref" else typ
            if portfolio.lookup(key, wanted) is not None:
                continue
            theirs = [
                r
                for r in portfolio.records
                if isinstance(r, ExternalRecord)
                and r.project == project
                and (wanted is None or r.type == wanted)
            ]
            named = wanted in portfolio.named_types if wanted else bool(portfolio.named_types)
            # endpoints and other named types are also looked up by name
            same = [r.id for r in theirs] + [
                f"{project}:{r.title}" for r in theirs if named and r.type in portfolio.named_types
            ]
            what = "object" if wanted is None else wanted
            hint = (
                did_you_mean(key, same)
                if same
                else f"; it has no {what} at all (was its plan.json read?)"
            )
            lead = f"{{plan:{typ}}}" if source == "role" else f"{source}: :plan:"
            findings.append(
                Finding(
                    "ref",
                    f"{lead} names {target!r}, but the external project "
                    f"{project} has no {what} with that id"
                    f"{' or name' if named else ''}{hint}",
                    location,
                )
            )
    return local, findings

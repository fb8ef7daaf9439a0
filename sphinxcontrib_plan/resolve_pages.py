"""What changed since the last resolution: the pages an incremental build must
write again because data shown on them changed elsewhere, and the sign-offs
gone stale (with the object digests of approved plan versions, kept across
builds to name what changed).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.build_state import PageInputs
from sphinxcontrib_plan.model.approval import (
    current_digests,
    current_fingerprint,
    stale_pages,
    stale_signoffs,
)
from sphinxcontrib_plan.model.derived import DERIVED_FIELDS
from sphinxcontrib_plan.model.index import Finding, ResolvedIndex
from sphinxcontrib_plan.model.links import incoming

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sphinxcontrib_plan.model.records import ObjectRecord
    from sphinxcontrib_plan.model.typespec import Registry


def stale_findings(
    index: ResolvedIndex, approved: Mapping[str, Mapping[str, str]]
) -> list[Finding]:
    """A ``plan.stale`` finding at each stale sign-off, naming the objects changed
    since the approval when the approved version's object digests are known.

    :param index: the index
    :param approved: object digests of approved versions, by plan fingerprint
    :return: the findings, in document order
    """
    findings = []
    for stale in stale_signoffs(index, approved):
        at = f" at {stale.revision[:12]}" if stale.revision else ""
        see = f"see sphinx-plan diff {stale.revision[:12]}, then " if stale.revision else ""
        findings.append(
            Finding(
                "stale",
                f"the sign-off of {stale.signoff.title!r} is stale: it approved plan "
                f"{stale.signoff.plan!r} as {stale.approved}{at}, and the plan's {stale.what}; "
                f"{see}approve it again",
                stale.signoff.location,
            )
        )
    return findings


def approved_digests(index: ResolvedIndex) -> dict[str, dict[str, str]]:
    """Object digests of every plan whose content one of its sign-offs approved as it
    is now: kept across builds, they name what changed once the sign-off goes stale.

    :param index: the index
    :return: object digests by plan fingerprint
    """
    found: dict[str, dict[str, str]] = {}
    for signoff in index.of_type("signoff"):
        given = str(signoff.fields.get("fingerprint") or "").strip()
        if (
            given
            and signoff.plan
            and given not in found
            and given == current_fingerprint(index, signoff.plan)
        ):
            found[given] = current_digests(index, signoff.plan)
    return found


def link_digest(record: ObjectRecord) -> int:
    """Where a link to *record* points (its document and anchor), as a 64-bit digest:
    the state kept for the next build compares it, and needs no more."""
    where = f"{record.docname}#{record.anchor}".encode()
    return int.from_bytes(hashlib.blake2b(where, digest_size=8).digest(), "big")


def pages_to_refresh(
    last: PageInputs,
    index: ResolvedIndex,
    collectors: Mapping[str, list[str]],
    xrefs: Mapping[str, list[str]],
    baselines: Mapping[str, list[tuple[str, Any]]] | None = None,
    registry: Registry | None = None,
    approved: Mapping[str, Mapping[str, str]] | None = None,
) -> tuple[set[str], PageInputs]:
    """The documents whose pages show data that changed elsewhere.

    :param last: what the pages showed at the last resolution (empty at first)
    :param index: this build's index
    :param collectors: types each document's collectors show
    :param xrefs: targets each document's plan references name
    :param baselines: ``(since spec, location)`` of each document's ``plan-changes``
    :param registry: the object types (the labels of reverse links)
    :param approved: object digests of approved plan versions (what stale approvals name)
    :return: the documents, and what the pages show now
    """
    changed = {t for t, h in index.fingerprints.items() if last.fingerprints.get(t) != h}
    # values that depend on other types or on the date (stale, overdue) change
    # without a change of their own type's records
    volatile = _volatile_prints(index)
    changed |= {
        t for t in set(volatile) | set(last.volatile) if volatile.get(t) != last.volatile.get(t)
    }
    # a link shows the object's title and points at its page and anchor: a page
    # linking to an object that was retitled, moved or removed is written again
    old_links = last.links
    links = {r.id: (r.title, link_digest(r)) for r in index.by_id.values()}
    relinked = {i for i in set(old_links) | set(links) if old_links.get(i) != links.get(i)}
    # endpoints (and named types) are also referenced by their title
    relinked |= {
        link[0] for i in list(relinked) for link in (old_links.get(i), links.get(i)) if link
    }
    refresh = {doc for doc, deps in collectors.items() if changed.intersection(deps)}
    refresh |= {doc for doc, targets in xrefs.items() if relinked.intersection(targets)}
    if last.docs is not None and last.docs != index.docs:
        # document paths in fields (spec, constitution) resolve to a document now
        # added or removed; they are the targets that name no object
        refresh |= {
            doc
            for doc, targets in xrefs.items()
            if any(t not in links and t not in old_links for t in targets)
        }
    # a page whose object took another id (or got its derived one back) shows the new one
    refresh |= {
        doc
        for doc in set(last.renamed) | set(index.renamed)
        if last.renamed.get(doc) != index.renamed.get(doc)
    }
    # a plan-changes page shows rows computed from a baseline and the whole plan
    changes = {spec: found.digest for spec, found in index.changes.items()}
    refresh |= {
        doc
        for doc, entries in (baselines or {}).items()
        if any(last.changes.get(spec) != changes.get(spec) for spec, _ in entries)
    }
    # a page lists the objects naming its objects (covered by...): written again when they change
    shown = (
        {
            doc: hashlib.sha256(repr(rows).encode()).hexdigest()
            for doc, rows in incoming(index, registry).items()
        }
        if registry
        else {}
    )
    refresh |= {
        doc for doc in set(shown) | set(last.incoming) if shown.get(doc) != last.incoming.get(doc)
    }
    # a page says which of its sign-offs are stale and what changed since their approval
    stale = {
        doc: hashlib.sha256(repr(lines).encode()).hexdigest()
        for doc, lines in stale_pages(index, stale_signoffs(index, approved or {})).items()
    }
    refresh |= {
        doc for doc in set(stale) | set(last.stale) if stale.get(doc) != last.stale.get(doc)
    }
    return refresh, PageInputs(
        dict(index.fingerprints),
        links,
        index.docs,
        dict(index.renamed),
        volatile,
        changes,
        shown,
        stale,
    )


def _volatile_prints(index: ResolvedIndex) -> dict[str, str]:
    """A digest per type of its volatile derived values (:attr:`.DerivedField.volatile`)."""
    names = {d.name for d in DERIVED_FIELDS if d.volatile}
    values: dict[str, list[object]] = {}
    for record in index.records:
        view = index.view(record)
        shown = sorted((n, view[n]) for n in names if n in view and n not in record.fields)
        if shown:
            values.setdefault(record.type, []).append((record.id, shown))
    return {t: hashlib.sha256(repr(v).encode()).hexdigest() for t, v in values.items()}

"""The ``plan`` domain: storage of per-document records, what a reference names,
and the inventory. The roles and the nodes a reference resolves to are
:mod:`~sphinxcontrib_plan.domain_refs`.

It stores and answers; it drives nothing. What fills it (the directives and
:mod:`sphinxcontrib_plan.directives.finish`) and what is computed from it
(:mod:`sphinxcontrib_plan.resolve`) are wired by :mod:`sphinxcontrib_plan._setup`.
"""

from __future__ import annotations

import hashlib
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from sphinx import addnodes
from sphinx.domains import Domain, ObjType

from sphinxcontrib_plan.build_state import BuildState
from sphinxcontrib_plan.config import PlanConfig
from sphinxcontrib_plan.domain_refs import (
    PlanXRefRole,
    doc_refnode,
    external_refnode,
    object_refnode,
)
from sphinxcontrib_plan.model.external import ExternalRecord, combine, external_key
from sphinxcontrib_plan.model.ids import normalise_signature
from sphinxcontrib_plan.model.records import TableData

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence, Set

    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

    from sphinxcontrib_plan.model.external import ExternalPlan
    from sphinxcontrib_plan.model.index import ResolvedIndex
    from sphinxcontrib_plan.model.records import ObjectRecord
    from sphinxcontrib_plan.model.typespec import Registry


HOLDS = ("collectors", "tables", "folds")


class PlanDomain(Domain):
    """Stores plan records per document and resolves references to them."""

    name = "plan"
    label = "Plan"
    #: bump when the shape of :attr:`data` changes
    data_version = 6
    initial_data: ClassVar[dict[str, Any]] = {
        "objects": {},  # docname -> [ObjectRecord] in document order
        "collectors": {},  # docname -> sorted types its collectors depend on
        "xrefs": {},  # docname -> sorted targets of its plan references
        "refs": {},  # docname -> [(source, reftype, target, location)] checked at env-updated
        "warnings": {},  # docname -> [(subtype, message, location)] given while reading it
        "baselines": {},  # docname -> [(since spec, location)] of its plan-changes collectors
        "digests": {},  # docname -> digest of what it declares (records, refs, ...)
        "holds": {},  # docname -> sorted kinds of nodes the write-time transforms work on
        "state": BuildState(),  # main process only: what the last build resolved
        "external": {},  # main process only: project name -> ExternalPlan (the cache)
    }
    #: the stores keyed by document
    _DOC_STORES = (
        "objects",
        "collectors",
        "xrefs",
        "refs",
        "warnings",
        "baselines",
        "digests",
        "holds",
    )
    #: builds the index from the domain when it is needed before ``env-updated``
    #: installed it (set by the extension's setup, which knows the resolver)
    index_factory: Callable[[PlanDomain], ResolvedIndex] | None = None

    def __init__(self, env: BuildEnvironment) -> None:
        super().__init__(env)
        self._index: ResolvedIndex | None = None
        self._portfolio: ResolvedIndex | None = None
        #: the tables of the documents cleared this build, by the digest of their SQL:
        #: a document read again for another change skips the SQL parser (and its import)
        self.sql_read: dict[str, TableData] = {}
        #: documents read by this build (the others' warnings are replayed)
        self.read_docs: set[str] = set()

    def add_user_types(self) -> None:
        """Give each ``plan_types`` type an ObjType like the built-ins.

        Called at ``builder-inited``: the domain is created before the
        environment takes the new configuration, so it cannot read it earlier.
        """
        for otype in self.registry:
            if otype.name not in self.object_types and otype.role:
                # add_object_type also updates the role <-> type tables that
                # intersphinx and {any} consult
                self.add_object_type(otype.name, ObjType(otype.label, otype.name, "ref"))

    @cached_property
    def config(self) -> PlanConfig:
        """The validated ``plan_*`` configuration."""
        return PlanConfig.from_sphinx(self.env.config)

    @cached_property
    def registry(self) -> Registry:
        """The object types of this build."""
        return self.config.registry()

    # -- typed accessors ---------------------------------------------------

    @property
    def objects(self) -> dict[str, list[ObjectRecord]]:
        """Records by document."""
        objects: dict[str, list[ObjectRecord]] = self.data["objects"]
        return objects

    @property
    def collectors(self) -> dict[str, list[str]]:
        """Types that the collectors of each document depend on."""
        collectors: dict[str, list[str]] = self.data["collectors"]
        return collectors

    @property
    def xrefs(self) -> dict[str, list[str]]:
        """Targets of plan references, by document."""
        xrefs: dict[str, list[str]] = self.data["xrefs"]
        return xrefs

    @property
    def refs(self) -> dict[str, list[tuple[str, str, str, Any]]]:
        """References to check once every document is read, by document."""
        refs: dict[str, list[tuple[str, str, str, Any]]] = self.data["refs"]
        return refs

    @property
    def warnings(self) -> dict[str, list[tuple[str, str, Any]]]:
        """Warnings each document gave while it was read."""
        warnings: dict[str, list[tuple[str, str, Any]]] = self.data["warnings"]
        return warnings

    @property
    def baselines(self) -> dict[str, list[tuple[str, Any]]]:
        """``(since spec, location)`` of each ``plan-changes`` collector, by document."""
        baselines: dict[str, list[tuple[str, Any]]] = self.data["baselines"]
        return baselines

    @property
    def state(self) -> BuildState:
        """What the previous build kept for this one (main process only)."""
        state: BuildState = self.data["state"]
        return state

    @property
    def external(self) -> dict[str, ExternalPlan]:
        """The last valid ``plan.json`` of each ``plan_external`` project."""
        external: dict[str, ExternalPlan] = self.data["external"]
        return external

    def records(self) -> Iterator[ObjectRecord]:
        """Every record, in document order."""
        for docname in sorted(self.objects):
            yield from self.objects[docname]

    def note_document(
        self,
        docname: str,
        records: list[ObjectRecord],
        collectors: Set[str],
        xrefs: Set[str],
        refs: Sequence[tuple[str, str, str, Any]] = (),
        warnings: Sequence[tuple[str, str, Any]] = (),
        baselines: Sequence[tuple[str, Any]] = (),
        *,
        content: bool = False,
        holds: Set[str] = frozenset(),
    ) -> None:
        """Store what one document declares (replacing what it declared before).

        :param docname: the document
        :param records: its objects in document order
        :param collectors: types its collectors depend on
        :param xrefs: targets of its plan references
        :param refs: references to check at ``env-updated``
        :param warnings: the warnings given while reading it
        :param baselines: ``(since spec, location)`` of its ``plan-changes`` collectors
        :param content: it holds plan content even if it declares nothing (a
            collector whose query failed)
        :param holds: the kinds of nodes the write-time transforms look for that its
            tree holds (:data:`HOLDS`)
        """
        self._forget(docname)
        self.read_docs.add(docname)
        for key, value in (
            ("objects", records),
            ("refs", list(refs)),
            ("warnings", list(warnings)),
            ("collectors", sorted(collectors)),
            ("baselines", list(baselines)),
            ("xrefs", sorted(xrefs)),
            ("holds", sorted(holds)),
        ):
            if value:
                self.data[key][docname] = value
        if records or refs or collectors or content:
            # what resolve reads from this document, as one digest: the index and
            # the exports are reused while no document's digest changes
            declared = (records, sorted(collectors), sorted(xrefs), list(refs), list(baselines))
            self.data["digests"][docname] = hashlib.sha256(repr(declared).encode()).hexdigest()

    def has_content(self, docname: str) -> bool:
        """Whether *docname* holds plan objects, collectors or plan references
        (the others are left alone by every transform and get no stylesheet).

        :param docname: the document
        :return: ``True`` when it declares anything
        """
        return docname in self.data["digests"]

    def has_any_content(self) -> bool:
        """Whether any document holds plan content."""
        return bool(self.data["digests"])

    def holds(self, docname: str | None, *kinds: str) -> bool:
        """Whether the tree of *docname* (of any document when ``None``) holds
        nodes of any of *kinds*, so that a write-time transform must walk it.

        :param docname: the document, or ``None`` for the whole project
        :param kinds: some of :data:`HOLDS`
        :return: ``True`` when it does
        """
        held = (
            self.data["holds"].values()
            if docname is None
            else [self.data["holds"].get(docname, ())]
        )
        return any(kind in doc_kinds for doc_kinds in held for kind in kinds)

    def fingerprint(self) -> str:
        """One digest of everything every document declares (not their warnings).

        :return: a hex digest, equal between builds whose merged records are equal
        """
        digest = hashlib.sha256()
        for docname, value in sorted(self.data["digests"].items()):
            digest.update(f"{docname}\0{value}\n".encode())
        return digest.hexdigest()

    def _forget(self, docname: str) -> None:
        self._index = self._portfolio = None
        for record in self.data["objects"].get(docname, ()):
            if isinstance(record.data, TableData) and record.data.sql_digest:
                # the document is read again: its unchanged SQL is taken from here
                self.sql_read[record.data.sql_digest] = record.data
        for key in self._DOC_STORES:
            self.data[key].pop(docname, None)

    def clear_doc(self, docname: str) -> None:
        """Forget everything *docname* declared."""
        self._forget(docname)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        """Take the records of *docnames* read by a parallel worker."""
        self._index = self._portfolio = None
        self.read_docs.update(docnames)
        for key in self._DOC_STORES:
            for docname, value in otherdata[key].items():
                if docname in docnames:
                    self.data[key][docname] = value

    # -- the resolved index --------------------------------------------------

    @property
    def index(self) -> ResolvedIndex:
        """The cross-document index, built once per build from the merged data."""
        if self._index is None:
            factory = type(self).index_factory
            if factory is None:
                msg = "the plan index is read before the extension set it up"
                raise RuntimeError(msg)
            self._index = factory(self)
        return self._index

    def set_index(self, index: ResolvedIndex) -> None:
        """Install the index built (with its warnings) at ``env-updated``.

        :param index: the index
        """
        self._index = index
        self._portfolio = None

    @property
    def portfolio(self) -> ResolvedIndex:
        """The index plus the objects of the ``plan_external`` projects."""
        if self._portfolio is None:
            records = [
                r
                for name in sorted(self.external)
                for r in self.external[name].records(self.registry)
            ]
            self._portfolio = combine(self.index, records, self.registry) if records else self.index
        return self._portfolio

    # -- references ------------------------------------------------------------

    def _refnode(
        self,
        builder: Builder,
        fromdocname: str,
        record: ObjectRecord,
        node: Element,
        contnode: Element,
    ) -> Element:
        label = self.registry[record.type].label
        return object_refnode(builder, fromdocname, record, label, node, contnode)

    # Sphinx 8+ declares nodes.reference, but its resolver takes any node: an
    # external object without a page resolves to plain text (its contnode)
    def resolve_xref(  # type: ignore[override]
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        typ: str,
        target: str,
        node: addnodes.pending_xref,
        contnode: Element,
    ) -> Element | None:
        """Resolve ``{plan:<typ>}`` to the object's anchor."""
        if typ == "doc":
            return self._resolve_doc(builder, fromdocname, target, node, contnode)
        if external_key(target, self.external):
            return self._resolve_external(target, None if typ == "ref" else typ, node, contnode)
        # an ambiguous name was reported with the index, at the reference
        record = self.index.lookup(target, None if typ == "ref" else typ)
        if record is None:
            return None
        return self._refnode(builder, fromdocname, record, node, contnode)

    def _resolve_external(
        self, target: str, typ: str | None, node: Element, contnode: Element
    ) -> Element | None:
        # checked at env-updated: one naming nothing was reported there
        found = external_key(target, self.external)
        record = self.portfolio.lookup(found[1], typ) if found else None
        if not isinstance(record, ExternalRecord):
            return None
        label = self.registry[record.type].label if record.type in self.registry else record.type
        return external_refnode(record, label, node, contnode)

    def _resolve_doc(
        self, builder: Builder, fromdocname: str, target: str, node: Element, contnode: Element
    ) -> Element | None:
        docname = self.index.doc_target(node.get("refdoc", fromdocname), target)
        if docname is None:
            return None
        title = self.env.titles.get(docname)
        text = title.astext() if title is not None else target
        return doc_refnode(builder, fromdocname, docname, text, node, contnode)

    # as resolve_xref: plain text for an external object without a page
    def resolve_any_xref(  # type: ignore[override]
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        target: str,
        node: addnodes.pending_xref,
        contnode: Element,
    ) -> list[tuple[str, Element]]:
        """Resolve ``{any}`` against every plan object."""
        if external_key(target, self.external):
            found = self._resolve_external(target, None, node, contnode)
            return [("plan:ref", found)] if found is not None else []
        record = self.index.lookup(normalise_signature(target), None)
        if record is None:
            return []
        role = record.type if self.registry[record.type].role else "ref"
        return [(f"plan:{role}", self._refnode(builder, fromdocname, record, node, contnode))]

    def get_objects(self) -> Iterable[tuple[str, str, str, str, str, int]]:
        """Every object, for ``objects.inv``, intersphinx and search.

        Read from the stored records and the ids the last resolution gave
        (:attr:`.PageInputs.renamed`), not from the index: a rebuild with nothing to
        resolve then builds no index for its inventory.
        """
        renamed = self.state.pages.renamed
        seen: set[str] = set()
        for record in self.records():
            oid = renamed.get(record.docname, {}).get(record.order, record.id)
            if oid in seen:
                continue  # a duplicate: its id names the first holder
            seen.add(oid)
            otype = self.registry.get(record.type)
            if otype is None or not otype.role:
                continue
            yield oid, record.title, record.type, record.docname, record.anchor, 1
            if otype.named and record.title != oid:
                # a second entry lets other projects link by signature or name too
                yield record.title, record.title, record.type, record.docname, record.anchor, -1

    def get_full_qualified_name(self, node: Element) -> str | None:
        """The target of a plan reference node."""
        target = node.get("reftarget")
        return target if isinstance(target, str) else None


Element = nodes.Element


def setup_domain(app: Any) -> None:
    """Register the domain and one role per type, plus ``plan:ref``.

    :param app: the Sphinx application
    """
    from sphinxcontrib_plan.model.types import BUILTIN_TYPES

    PlanDomain.object_types = {
        t.name: ObjType(t.label, t.name, "ref") for t in BUILTIN_TYPES if t.role
    }
    PlanDomain.roles = {t.name: PlanXRefRole() for t in BUILTIN_TYPES if t.role}
    PlanDomain.roles["ref"] = PlanXRefRole()
    app.add_domain(PlanDomain)


def plan_domain(env: BuildEnvironment) -> PlanDomain:
    """The ``plan`` domain of *env*, with its type (Sphinx's lookup gives a :class:`Domain`).

    :param env: the build environment
    :return: the domain
    """
    domain = env.get_domain("plan")
    if not isinstance(domain, PlanDomain):
        msg = f"the 'plan' domain is {type(domain).__name__}, not the extension's PlanDomain"
        raise TypeError(msg)
    return domain

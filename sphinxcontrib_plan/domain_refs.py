"""The ``plan`` roles, the mark a plan directive or role leaves on its document,
and the nodes a reference resolves to.

:class:`~sphinxcontrib_plan.domain.PlanDomain` finds what a reference names
(an object of the index, one of another project, a document); this module
makes the link: the object's title as the default text, its type and title as
the tooltip, plain text for an external object without a page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast
from weakref import WeakKeyDictionary

from docutils import nodes
from sphinx.roles import XRefRole
from sphinx.util.nodes import make_refnode

from sphinxcontrib_plan.model.ids import reference_key

if TYPE_CHECKING:
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

    from sphinxcontrib_plan.model.external import ExternalRecord
    from sphinxcontrib_plan.model.records import ObjectRecord


#: ``env.temp_data`` key set while a document is read when a plan directive or
#: role ran in it: documents without it are left alone by the extension
CONTENT_KEY = "plan:content"


class PlanXRefRole(XRefRole):
    """``{plan:<type>}``: the object's title is the default link text."""

    innernodeclass = nodes.inline

    def __init__(self, **kwargs: Any) -> None:
        # a dangling reference reaches ``warn-missing-reference`` (roles.py) only
        # after intersphinx and every other resolver had their turn
        kwargs.setdefault("warn_dangling", True)
        super().__init__(**kwargs)

    def process_link(
        self,
        env: BuildEnvironment,
        refnode: nodes.Element,
        has_explicit_title: bool,
        title: str,
        target: str,
    ) -> tuple[str, str]:
        env.temp_data[CONTENT_KEY] = True
        # endpoint signatures are looked up in one canonical spelling
        return title, reference_key(target)


#: what a document's tree may hold that a write-time transform looks for:
#: collectors, plan tables made while reading (parameters, columns), folding schemas


def _text(
    record: ObjectRecord | ExternalRecord, node: nodes.Element, contnode: nodes.Element
) -> nodes.Element:
    # the object's title is the link text, unless the reference gives its own
    if node.get("refexplicit"):
        return contnode
    text = record.title or record.id
    return nodes.inline(text, text, classes=contnode.get("classes", []))


class _PageUris:
    """What :func:`~sphinx.util.nodes.make_refnode` asks of a builder, the
    relative URI from one page to another, asked of the builder once per pair
    of pages (for links to objects and to documents alike): a register of 50,000 rows links 2,500 pages 124,000 times (7.5 s
    of a one-object edit's profile was ``relative_uri``)."""

    def __init__(self, builder: Builder) -> None:
        self.builder = builder
        self.uris: dict[tuple[str, str, str | None], str] = {}

    def get_relative_uri(self, from_: str, to: str, typ: str | None = None) -> str:
        """The builder's answer, remembered (an exception is not)."""
        key = (from_, to, typ)
        uri = self.uris.get(key)
        if uri is None:
            uri = self.uris[key] = self.builder.get_relative_uri(from_, to, typ)
        return uri


_PAGE_URIS: WeakKeyDictionary[Builder, _PageUris] = WeakKeyDictionary()


def _page_uris(builder: Builder) -> Builder:
    found = _PAGE_URIS.get(builder)
    if found is None:
        found = _PAGE_URIS[builder] = _PageUris(builder)
    return cast("Builder", found)


def object_refnode(
    builder: Builder,
    fromdocname: str,
    record: ObjectRecord,
    label: str,
    node: nodes.Element,
    contnode: nodes.Element,
) -> nodes.Element:
    """The link to an object of this project.

    :param builder: the builder
    :param fromdocname: the document holding the reference
    :param record: the object
    :param label: its type's label
    :param node: the pending reference
    :param contnode: the reference's content
    :return: the reference node
    """
    return make_refnode(
        _page_uris(builder),
        fromdocname,
        record.docname,
        record.anchor,
        _text(record, node, contnode),
        f"{label}: {record.title}",
    )


def external_refnode(
    record: ExternalRecord, label: str, node: nodes.Element, contnode: nodes.Element
) -> nodes.Element:
    """The link to an object of a ``plan_external`` project; its text alone when it
    has no page (a ``plan.json`` without pages, or a url that is not a link).

    :param record: the object
    :param label: its type's label
    :param node: the pending reference
    :param contnode: the reference's content
    :return: the reference node, or the text
    """
    contnode = _text(record, node, contnode)
    if record.url is None:
        return contnode
    ref = nodes.reference(
        "",
        "",
        internal=False,
        refuri=record.url,
        reftitle=f"{record.project}: {label}: {record.title}",
        classes=["plan-external", f"plan-external-{record.project}"],
    )
    ref += contnode
    return ref


def doc_refnode(
    builder: Builder,
    fromdocname: str,
    docname: str,
    title: str,
    node: nodes.Element,
    contnode: nodes.Element,
) -> nodes.Element:
    """The link to a document (``{plan:doc}``), its title as the default text.

    :param builder: the builder
    :param fromdocname: the document holding the reference
    :param docname: the document named
    :param title: its title
    :param node: the pending reference
    :param contnode: the reference's content
    :return: the reference node
    """
    if not node.get("refexplicit"):
        contnode = nodes.inline(title, title)
    return make_refnode(_page_uris(builder), fromdocname, docname, "", contnode)

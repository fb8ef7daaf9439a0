"""HTML pages: a collector's tables finished early and kept out of later walks (issue 29).

A register of thousands of rows is most of its page's tree: 50 nodes a row.
Every post-transform after the collectors walks the whole tree again (Sphinx
has about twenty: references, code highlighting, images, only-nodes…), the
search indexer walks it, and only then does the writer. On a page of 50,000
rows those walks took 60 of the page's 110 seconds, while only four of them
change anything in a plan table: the interactive tables (priority 7), the
references resolver (10), the HTML polish (300) and the light tree (990).

On the ``html`` and ``dirhtml`` builders (:data:`FINISHING_BUILDERS`), the
collector transform therefore applies those four steps to a collector's nodes
itself, in their order and with their own code, and then holds the finished
nodes aside in a :class:`plan_finished` node. The nodes stay the page's: the
page's own HTML translator writes them where the holder stands, as children
of their collector again, so a theme's translator, the figure numbers and
the page's settings apply as they would have. What the later walks see instead is
the holder with what the search index reads of the nodes: their words, their
titles and their raw HTML.

Only a collector whose every node is of a kind in :data:`SAFE` is finished:
standard table, list and inline nodes, which no other post-transform of
Sphinx or of this package changes. A collector holding anything else (a
diagram, a folded schema) stays in the tree as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, cast

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import ReferencesResolver

from sphinxcontrib_plan.model.gcpolicy import held_collector
from sphinxcontrib_plan.render.nodes import plan_finished

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.transforms.post_transforms import SphinxPostTransform
    from sphinx.writers.html5 import HTML5Translator


#: the node kinds a finished collector may hold: none of them is changed by a
#: post-transform after the four steps (pending references are resolved first)
SAFE: frozenset[type[nodes.Node]] = frozenset(
    {
        nodes.Text,
        nodes.container,
        nodes.table,
        nodes.tgroup,
        nodes.colspec,
        nodes.thead,
        nodes.tbody,
        nodes.row,
        nodes.entry,
        nodes.title,
        nodes.paragraph,
        nodes.inline,
        nodes.strong,
        nodes.emphasis,
        nodes.literal,
        nodes.reference,
        nodes.raw,
        nodes.bullet_list,
        nodes.enumerated_list,
        nodes.list_item,
        addnodes.pending_xref,
    }
)


def _app(env: BuildEnvironment) -> Sphinx:
    """The application of *env* (Sphinx 8.1+ keeps it as ``_app`` and deprecates
    the public names in 9; 7.4 has ``env.app``)."""
    found = getattr(env, "_app", None)
    return found if found is not None else env.app


#: the builders whose writing takes the resolved tree as it is. Others change
#: it between resolving and writing, through walks that would miss held nodes:
#: ``singlehtml`` (Sphinx 7.4) rewrites the links of the assembled page
#: (``fix_refuris``), the e-book builders rewrite ids and add visible links
#: (``fix_ids``, ``add_visible_links``); a builder of another extension may do
#: the same. They all get the full walk.
FINISHING_BUILDERS = frozenset({"html", "dirhtml"})


def writes_finished(env: BuildEnvironment) -> bool:
    """Whether the builder of *env* writes :class:`plan_finished` nodes: one of
    :data:`FINISHING_BUILDERS`, whose translator has this module's handler
    (Sphinx looks handlers up by the builder's name, then by its format).

    :param env: the environment
    :return: whether collectors may be finished early for its builder
    """
    app = _app(env)
    builder = app.builder
    if builder.name not in FINISHING_BUILDERS:
        return False
    handlers = app.registry.translation_handlers
    found = handlers.get(builder.name)
    if found is None:
        found = handlers.get(builder.format, {})
    return plan_finished.__name__ in found


class _Survey:
    """What one walk of a rendered collector finds: whether every node is
    :data:`SAFE` (a folded schema's box is not), and the nodes the later steps
    change."""

    def __init__(self, container: nodes.Element) -> None:
        #: every node is of a safe kind
        self.safe = True
        #: the pending references, in document order
        self.xrefs: list[addnodes.pending_xref] = []
        #: the plan tables
        self.tables: list[nodes.table] = []
        #: the cells of tables and the progress figures (they are checked for a
        #: plan table when used)
        self.entries: list[nodes.entry] = []
        self.figures: list[nodes.inline] = []
        for node in container.findall():
            kind = type(node)
            # a folded schema's box is a container the folding transform (290) changes
            if kind not in SAFE or (
                kind is nodes.container and "plan-schema-nested" in node["classes"]  # type: ignore[index]
            ):
                self.safe = False
                return
            if kind is addnodes.pending_xref:
                self.xrefs.append(node)  # type: ignore[arg-type]
            elif kind is nodes.entry:
                self.entries.append(node)  # type: ignore[arg-type]
            elif kind is nodes.inline:
                if "plan-progress" in node["classes"]:  # type: ignore[index]
                    self.figures.append(node)  # type: ignore[arg-type]
            elif kind is nodes.table and "plan-table" in node["classes"]:  # type: ignore[index]
                self.tables.append(node)  # type: ignore[arg-type]


def _in_plan_table(node: nodes.Node) -> bool:
    """Whether the nearest table around *node* is a plan table."""
    parent = node.parent
    while parent is not None and not isinstance(parent, nodes.table):
        parent = parent.parent
    return parent is not None and "plan-table" in parent["classes"]


class _Parts:
    """The page's document, seen by ``findall`` as some of its pending
    references only (asked for by class, the resolver's one question): Sphinx's
    references resolver, run on it, resolves those where they stand (warnings
    keep their locations) and no other."""

    def __init__(self, document: nodes.document, xrefs: list[addnodes.pending_xref]) -> None:
        self._document = document
        self._xrefs = xrefs

    def findall(self, condition: Any = None, **kwargs: Any) -> Iterator[nodes.Node]:
        assert condition is addnodes.pending_xref, condition
        yield from self._xrefs

    def __getattr__(self, name: str) -> Any:
        return getattr(self._document, name)


def finish(transform: SphinxPostTransform, containers: list[nodes.Element]) -> None:
    """Apply the later steps to *containers* and hold them finished.

    :param transform: the collector transform (its document, environment, builder)
    :param containers: the page's rendered collectors, in document order
    """
    from sphinxcontrib_plan.render.html import HtmlPolishTransform
    from sphinxcontrib_plan.render.html_light import splice
    from sphinxcontrib_plan.render.interactive import InteractiveTablesTransform

    document = transform.document
    # priority 7; the transform's own run later leaves prepared tables alone
    interactive = InteractiveTablesTransform(document)
    if interactive.is_supported():
        interactive.prepare_collectors(containers)
    for container in containers:
        survey = _Survey(container)
        if not survey.safe:
            continue
        # priority 10: the plan domain's own references first, then Sphinx's
        # resolver itself for the others and for those left unresolved
        left = _resolve_plan_references(transform, survey.xrefs)
        if left:
            ReferencesResolver(_Parts(document, left)).apply()  # type: ignore[arg-type]
        # priority 300: meters and scroll boxes
        for figure in survey.figures:
            if figure.get("plan_percent") is not None and _in_plan_table(figure):
                HtmlPolishTransform.meter(figure, figure["plan_percent"])
        for table in survey.tables:
            HtmlPolishTransform.wrap(table)
        # priority 990: the light cells
        for entry in survey.entries:
            if _in_plan_table(entry):
                splice(entry)
        hold(container)


def _resolve_plan_references(
    transform: SphinxPostTransform, xrefs: list[addnodes.pending_xref]
) -> list[addnodes.pending_xref]:
    """Resolve the plan domain's references among *xrefs* as Sphinx's resolver
    does, without its copy of each reference's content (the reference is
    replaced, so its content moves into the link): a register links every row
    twice.

    A reference the domain does not resolve is left for Sphinx's resolver,
    which gives the ``missing-reference`` event and the warning.

    :param transform: the collector transform
    :param xrefs: the pending references of a finished collector
    :return: those left pending, in their order
    """
    from sphinxcontrib_plan.domain import plan_domain

    env = transform.env
    domain = plan_domain(env)
    builder = _app(env).builder
    left = []
    for node in xrefs:
        found = None
        if (
            node.get("refdomain") == "plan"
            and len(node.children) == 1
            and not isinstance(node[0], addnodes.pending_xref_condition)
        ):
            fromdoc = node.get("refdoc", env.docname)
            content = cast("nodes.Element", node[0])
            found = domain.resolve_xref(
                env, fromdoc, builder, node["reftype"], node["reftarget"], node, content
            )
        if found is None:
            left.append(node)
        else:
            node.replace_self(found)
    return left


def hold(container: nodes.Element) -> None:
    """Hold the children of *container* aside in a :class:`plan_finished` node,
    its only child. The held nodes keep *container* as their parent: what the
    writer asks of a node's ancestors it asks as before.

    :param container: a finished collector
    """
    holder = plan_finished()
    holder.held = list(container.children)
    container.children = []
    container += holder
    holder.extend(_search_view(holder.held))


class _titled(nodes.Element):
    """Carries the ids of a held title's parent, for the search index's anchor."""


def _search_view(parts: list[nodes.Node]) -> list[nodes.Node]:
    """What Sphinx's search index reads of *parts*, as the holder's children: their
    words as one text, each title (with its parent's ids) and each raw HTML node
    where it stands; comments and ``no-search`` elements left out, as the index
    leaves them out.

    :param parts: the held nodes
    :return: the nodes
    """
    out: list[nodes.Node] = []
    words: list[str] = []

    def flush() -> None:
        if words:
            out.append(nodes.Text(" ".join(words)))
            words.clear()

    def visit(node: nodes.Node) -> None:
        if isinstance(node, nodes.Text):
            words.append(str(node))
            return
        assert isinstance(node, nodes.Element)
        if isinstance(node, nodes.comment) or "no-search" in node["classes"]:
            return
        if isinstance(node, (nodes.title, nodes.raw)):
            flush()
            if isinstance(node, nodes.raw):
                out.append(nodes.raw("", node.astext(), format=node.get("format", "")))
            else:
                carrier = _titled(ids=list(node.parent["ids"]))
                carrier += nodes.title("", node.astext())
                out.append(carrier)
            return
        for child in node.children:
            visit(child)

    for part in parts:
        visit(part)
    flush()
    return out


def _visit(self: HTML5Translator, node: plan_finished) -> None:
    """Write the held nodes where the holder stands, their parent holding them
    again meanwhile: the writer sees the tree the collector made. The HTML is
    kept: a second writer of the same tree writes it again after the nodes are
    let go (:func:`_let_go`)."""
    if node.html is not None:
        self.body.append(node.html)
        raise nodes.SkipNode
    box = node.parent
    box.children = node.held
    start = len(self.body)
    # what the writer makes of the nodes stays until the page is written
    with held_collector():
        try:
            for part in node.held:
                part.parent = box
                part.walkabout(self)
        finally:
            box.children = [node]
    node.html = "".join(self.body[start:])
    raise nodes.SkipNode


def _let_go(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    """Once a page is written, take its finished collectors' nodes apart.

    A register's nodes are tens of millions of objects at 50,000 rows, linked
    both ways (children, parents): once the page is written they are garbage
    that only a full collection of the whole heap can free, and one such
    collection took 15.8 of the 68 seconds of a one-object edit. Taken apart
    (no node keeps another), they are freed at once, by reference counting.
    The last ``html-page-context`` handler: the others still see the page.
    """
    if doctree is None:
        return
    for holder in list(doctree.findall(plan_finished)):
        if holder.html is None or not holder.held:
            continue  # not written (another builder's tree), or taken apart
        stack: list[nodes.Node] = list(holder.held)
        holder.held = []
        while stack:
            node = stack.pop()
            node.parent = None
            if isinstance(node, nodes.Element):
                stack.extend(node.children)
                node.children = []


def setup_finished(app: Sphinx) -> None:
    """Register the holder with the HTML writers (every HTML builder falls back
    to the ``html`` handlers).

    :param app: the Sphinx application
    """
    app.add_node(plan_finished, html=(_visit, None))
    app.connect("html-page-context", _let_go, priority=1000)

"""Docs-only: excerpts of the docs' own exports (``plan.json``, OpenAPI, the
inventory) shown on the reference pages, refreshed when the data changes."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.domains import Domain
from sphinx.errors import NoUri
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


from plan_ref_examples import ref_domain

logger = logging.getLogger(__name__)


class RefExportDirective(SphinxDirective):
    """``plan-ref-json <id>`` / ``plan-ref-openapi <path>``: a live excerpt of an export.

    The directive leaves an empty literal block; :class:`ExportExcerptTransform`
    fills it once every document is read, from the same functions that write
    ``plan.json`` and the OpenAPI document.
    """

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        what = self.name.removeprefix("plan-ref-")
        block = nodes.literal_block("", "", language="text" if what == "inventory" else "json")
        block["plan_export"] = (what, self.arguments[0])
        self.set_source_info(block)
        ref_domain(self.env).data["exports"].setdefault(self.env.docname, []).append(
            list(block["plan_export"])
        )
        return [block]


def export_excerpt(app: Sphinx, what: str, key: str) -> str | None:
    """One object of ``plan.json``, one path of the OpenAPI export, or the
    ``objects.inv`` entries of one plan, as this build exports them.

    :param app: the Sphinx application
    :param what: ``json``, ``openapi`` or ``inventory``
    :param key: an object id, an OpenAPI path, or a plan id
    :return: the text, or ``None`` when there is no such object, path or plan
    """
    from sphinxcontrib_plan.export.json import dumps, record_data
    from sphinxcontrib_plan.export.openapi import openapi_document
    from sphinxcontrib_plan.export.writer import url_maker

    domain = app.env.get_domain("plan")
    index = domain.index  # type: ignore[attr-defined]
    if what == "inventory":
        return _inventory(app, domain, index, key)
    if what == "json":
        record = index.by_id.get(key)
        if record is None:
            return None
        source = str(app.env.doc2path(record.docname, False))
        data = record_data(index, record, url=url_maker(app.builder)(record), source=source)
    else:
        document = openapi_document(index, title=app.config.project, version=app.config.release)
        if key not in document.get("paths", {}):
            return None
        data = {"paths": {key: document["paths"][key]}}
    return dumps(data).rstrip()


def _inventory(app: Sphinx, domain: Domain, index: Any, plan: str) -> str | None:
    """Lines like ``python -m sphinx.ext.intersphinx objects.inv`` prints them."""
    by_type: dict[str, list[str]] = {}
    for name, _disp, typ, docname, anchor, _prio in domain.get_objects():
        record = index.lookup(name, None)
        owner = (
            record.id
            if record is not None and record.type == "plan"
            else (record.plan if record is not None else None)
        )
        if owner != plan:
            continue
        try:
            page = app.builder.get_target_uri(docname)
        except NoUri:  # builders without pages: show what an HTML build writes
            page = f"{docname}.html"
        uri = f"{page}#{anchor}"
        by_type.setdefault(f"plan:{typ}", []).append(f"    {name:<40} {uri}")
    if not by_type:
        return None
    return "\n".join(line for typ in sorted(by_type) for line in (typ, *by_type[typ]))


class ExportExcerptTransform(SphinxPostTransform):
    """Fill the blocks of ``plan-ref-json``, ``plan-ref-openapi`` and ``plan-ref-inventory``.

    The texts were computed at ``env-get-updated`` (see :func:`refresh_export_pages`),
    where the builder is at hand.
    """

    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        texts = ref_domain(self.env).data["texts"]
        for block in list(self.document.findall(nodes.literal_block)):
            if "plan_export" not in block:
                continue
            what, key = block["plan_export"]
            text = texts.get(f"{what} {key}")
            if text is None:
                logger.warning(
                    "plan-ref-%s: nothing exported under %r",
                    what,
                    key,
                    type="plan-docs",
                    subtype="unknown",
                    location=block,
                )
                text = ""
            new = nodes.literal_block(text, text, language=block["language"])
            new.source, new.line = block.source, block.line
            block.replace_self(new)


def refresh_export_pages(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Rewrite the pages showing an export excerpt when the excerpt changed.

    Like the extension's collectors, the excerpts show objects of other
    documents, so an incremental build must rewrite their pages.

    :param app: the Sphinx application
    :param env: the environment
    :return: the documents to rewrite
    """
    data = ref_domain(env).data
    data["texts"] = {}
    changed = []
    for docname, keys in sorted(data["exports"].items()):
        texts = []
        for what, key in keys:
            text = export_excerpt(app, what, key)
            if text is not None:
                data["texts"][f"{what} {key}"] = text
            texts.append(text or "")
        digest = hashlib.sha256("\0".join(texts).encode()).hexdigest()
        if data["digests"].get(docname) != digest:
            data["digests"][docname] = digest
            changed.append(docname)
    return changed

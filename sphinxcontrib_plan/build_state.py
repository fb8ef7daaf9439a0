"""What one build keeps for the next: the typed state of the resolve layer.

Kept in the main process only, in the ``plan`` domain's data (so Sphinx
pickles it with the environment, and throws it away with it): the digest the
index and its findings were made from (:func:`resolve_key`) and those
findings, what the pages showed (:class:`PageInputs`, compared by
:func:`~sphinxcontrib_plan.resolve_pages.pages_to_refresh`), the pages to write
again, the object digests of approved plan versions, and the data of the
git baselines built for ``plan-changes``. Parallel readers never write it:
their copies of the environment are not merged back into it.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan._version import __version__
from sphinxcontrib_plan.model.approval import build_date

if TYPE_CHECKING:
    from sphinx.environment import BuildEnvironment

    from sphinxcontrib_plan.config import PlanConfig
    from sphinxcontrib_plan.model.index import Finding


@dataclass(frozen=True)
class PageInputs:
    """What the pages of the last resolution showed of data from elsewhere.

    A page is written again when what it shows of another document changed
    (:func:`~sphinxcontrib_plan.resolve_pages.pages_to_refresh`).
    """

    #: the digest of each type's records (and of each external project's data)
    fingerprints: dict[str, str] = field(default_factory=dict)
    #: ``(title, digest of docname and anchor)`` of every object, by id: what a link
    #: shows and where it points (:func:`~sphinxcontrib_plan.resolve_pages.link_digest`)
    links: dict[str, tuple[str, int]] = field(default_factory=dict)
    #: every document, ``None`` before the first resolution
    docs: frozenset[str] | None = None
    #: the ids objects took in place of their derived one, by document and position
    renamed: dict[str, dict[int, str]] = field(default_factory=dict)
    #: the digest of each type's volatile derived values (stale, overdue)
    volatile: dict[str, str] = field(default_factory=dict)
    #: the digest of each ``plan-changes`` baseline's change set, by spec
    changes: dict[str, str] = field(default_factory=dict)
    #: the digest of the reverse-link rows each document shows
    incoming: dict[str, str] = field(default_factory=dict)
    #: the digest of the stale approvals each document shows
    stale: dict[str, str] = field(default_factory=dict)


@dataclass
class BuildState:
    """The state one build keeps for the next (see the module docstring)."""

    #: what the index and its findings were made from (:func:`resolve_key`)
    key: str | None = None
    #: the findings of that resolution, reported again while the key holds
    findings: list[Finding] | None = None
    #: what the pages showed at that resolution
    pages: PageInputs = field(default_factory=PageInputs)
    #: the documents ``env-get-updated`` writes again (taken by it)
    refresh: list[str] = field(default_factory=list)
    #: object digests of the approved plan versions seen, by plan fingerprint
    approved: dict[str, dict[str, str]] = field(default_factory=dict)
    #: slimmed ``plan.json`` data of the git baselines built, by commit
    baselines: dict[str, dict[str, Any]] = field(default_factory=dict)

    def reusable(self, key: str) -> list[Finding] | None:
        """The findings of the last resolution when it was made from *key*.

        :param key: this build's :func:`resolve_key`
        :return: the findings, or ``None`` when the index must be resolved again
        """
        return self.findings if self.key == key else None

    def resolved(
        self, key: str, findings: list[Finding], pages: PageInputs, refresh: set[str]
    ) -> None:
        """Keep a new resolution.

        :param key: what it was made from
        :param findings: its findings
        :param pages: what its pages show
        :param refresh: the documents to write again
        """
        self.key, self.findings, self.pages = key, list(findings), pages
        self.refresh = sorted(refresh)

    def take_refresh(self) -> list[str]:
        """The documents to write again, once.

        :return: the documents (none on a second call)
        """
        refresh, self.refresh = self.refresh, []
        return refresh


def resolve_key(
    env: BuildEnvironment, declarations: str, config: PlanConfig, intersphinx: object
) -> str:
    """What the index and its findings are a function of, as one digest: every
    document's declarations, the documents, the configuration, the build's
    date (review dates are measured against it), the plan names of the
    intersphinx inventories and the external projects' data.

    :param env: the environment
    :param declarations: the plan domain's fingerprint of every document's declarations
    :param config: the validated ``plan_*`` configuration
    :param intersphinx: the intersphinx names and external digests, in a stable order
    :return: a hex digest
    """
    digest = hashlib.sha256(
        f"{__version__}\0{declarations}\0{config!r}\0"
        f"{config.today or build_date(os.environ)}".encode()
    )
    digest.update("\0".join(sorted(env.found_docs)).encode())
    digest.update(repr(intersphinx).encode())
    return digest.hexdigest()

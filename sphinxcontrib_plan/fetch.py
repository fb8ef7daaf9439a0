"""Reading other projects' ``plan.json`` (``plan_external``), once per build in
the main process, like intersphinx reads inventories.

Each project's last valid file is cached in the plan domain's data (an
:class:`~sphinxcontrib_plan.model.external.ExternalPlan`). A URL is fetched
again when its copy is older than ``plan_external_cache_days``, with Sphinx's
request helper (its TLS, user-agent and proxy settings), the whole download
within ``plan_external_timeout``; a path is read on every build and compared
by content hash. A source that cannot be read, is
not JSON or is not a valid ``plan.json`` gives a ``plan.external`` warning and
the cached copy is used.

Validation: by the package's one ``plan.json`` reader
(:mod:`sphinxcontrib_plan.model.planjson`): bounded size and nesting, every
key and its JSON type, the field values of this build's types; linear (200,000
objects in seconds, where a JSON Schema run took minutes).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from sphinxcontrib_plan.model import planjson
from sphinxcontrib_plan.model.external import ExternalPlan
from sphinxcontrib_plan.model.limits import read_at_most
from sphinxcontrib_plan.model.types import BUILTIN
from sphinxcontrib_plan.warnings import PlanWarning, warn

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sphinxcontrib_plan.model.external import ExternalSource
    from sphinxcontrib_plan.model.typespec import Registry


def base_url(source: ExternalSource, confdir: Path) -> str:
    """The URL a project's object ``url`` values are relative to, ending with ``/``.

    :param source: the configuration entry
    :param confdir: the directory of ``conf.py``
    :return: ``base`` if given, else the folder of the ``plan.json``
    """
    if source.base:
        return source.base if source.base.endswith("/") else f"{source.base}/"
    if source.is_url:
        return urljoin(source.location, ".")
    return (confdir / source.location).resolve().parent.as_uri() + "/"


@dataclass(frozen=True)
class Http:
    """How this build talks to servers: Sphinx's settings, as intersphinx uses them."""

    #: ``user_agent`` (empty: Sphinx's default)
    user_agent: str = ""
    #: ``tls_verify``
    tls_verify: bool = True
    #: ``tls_cacerts``: a path, or host to path
    tls_cacerts: str | dict[str, str] | None = None

    @classmethod
    def from_config(cls, config: Any) -> Http:
        """The settings of a Sphinx configuration.

        :param config: ``app.config``
        :return: the settings
        """
        return cls(
            str(getattr(config, "user_agent", "") or ""),
            bool(getattr(config, "tls_verify", True)),
            getattr(config, "tls_cacerts", None) or None,
        )


def _download(url: str, timeout: float, http: Http) -> bytes:
    """The body of *url*, all of it within *timeout* seconds.

    The request runs in a thread of its own: a server that answers a byte at
    a time (each read within the socket timeout) cannot keep the build
    waiting past the deadline; the thread is left to end on its own.
    """
    from sphinx.util import requests

    outcome: dict[str, Any] = {}

    def fetch() -> None:
        try:
            with requests.get(
                url,
                stream=True,
                timeout=timeout,
                _user_agent=http.user_agent,
                _tls_info=(http.tls_verify, http.tls_cacerts),
            ) as response:
                response.raise_for_status()
                body = bytearray()
                for chunk in response.iter_content(2**16):
                    body += chunk
                    if len(body) > planjson.MAX_BYTES or "abandoned" in outcome:
                        break
                outcome["data"] = bytes(body)
        except Exception as err:  # reported by the caller, as its reason
            outcome["error"] = err

    worker = threading.Thread(target=fetch, name="plan-external-fetch", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        outcome["abandoned"] = True
        msg = f"no complete answer within plan_external_timeout ({timeout:g} s)"
        raise TimeoutError(msg)
    if "error" in outcome:
        error = outcome["error"]
        raise error if isinstance(error, OSError) else OSError(str(error) or type(error).__name__)
    data: bytes = outcome["data"]
    return data


def read_bytes(
    source: ExternalSource, confdir: Path, timeout: float, http: Http | None = None
) -> bytes:
    """The bytes of a project's ``plan.json``.

    :param source: the configuration entry
    :param confdir: relative paths start here
    :param timeout: seconds the whole download may take
    :param http: Sphinx's proxy-, TLS- and user-agent settings (default: Sphinx's defaults)
    :return: the content
    :raises OSError: when it cannot be read (network errors and the deadline included)
    :raises ValueError: when it is larger than :data:`planjson.MAX_BYTES`
    """
    if source.is_url:
        data = _download(source.location, timeout, http or Http())
    else:
        with (confdir / source.location).open("rb") as stream:
            data = read_at_most(stream, planjson.MAX_BYTES)
    if len(data) > planjson.MAX_BYTES:
        msg = f"it is larger than {planjson.MAX_BYTES // 2**20} MiB"
        raise ValueError(msg)
    return data


def problem_of(
    data: bytes, registry: Registry = BUILTIN
) -> tuple[dict[str, Any] | None, str | None]:
    """Parse and validate the bytes of another project's ``plan.json``.

    :param data: the content
    :param registry: this build's types, whose fields are checked
    :return: the document, or ``None`` and what is wrong with it
    """
    try:
        return planjson.loads(data, registry, complete=True), None
    except planjson.PlanJsonError as err:
        return None, f"is not a valid plan.json: {err}"


def _fresh(cached: ExternalPlan, cache_days: float, now: float) -> bool:
    return cache_days < 0 or now - cached.checked < cache_days * 86400


def _report(source: ExternalSource, what: str, cached: ExternalPlan | None) -> None:
    if cached is not None:
        when = dt.datetime.fromtimestamp(cached.checked, dt.UTC).strftime("%Y-%m-%d %H:%M")
        kept = f"using the copy read on {when} UTC"
    else:
        kept = "no copy was read before, so its objects are missing from this build"
    warn(
        PlanWarning.EXTERNAL,
        f"plan_external[{source.name!r}]: {source.location} {what}; {kept}",
        location=None,
    )


def update_external(
    store: dict[str, ExternalPlan],
    sources: Mapping[str, ExternalSource],
    *,
    confdir: Path,
    registry: Registry,
    cache_days: float,
    timeout: float,
    now: float | None = None,
    http: Http | None = None,
) -> None:
    """Bring the cached plans of *store* up to date with their sources.

    :param store: cached plans by project name (the domain's data), updated in place
    :param sources: the configured projects
    :param confdir: relative paths start here
    :param registry: this build's types (the records are built once to check them)
    :param cache_days: how long a URL's copy is used without asking again (negative: always)
    :param timeout: seconds a download may take, all of it
    :param now: the current time (tests)
    :param http: Sphinx's proxy-, TLS- and user-agent settings
    """
    now = time.time() if now is None else now
    for name in set(store) - set(sources):
        del store[name]
    for name, source in sorted(sources.items()):
        cached = store.get(name)
        if cached is not None and cached.source != source:
            cached = None  # another location or base: the old copy is of something else
            del store[name]
        if cached is not None and source.is_url and _fresh(cached, cache_days, now):
            continue
        try:
            data = read_bytes(source, confdir, timeout, http)
        except (OSError, ValueError) as err:
            _report(source, f"cannot be read ({getattr(err, 'reason', None) or err})", cached)
            continue
        digest = hashlib.sha256(data).hexdigest()
        if cached is not None and cached.sha256 == digest:
            store[name] = replace(cached, checked=now)
            continue
        document, problem = problem_of(data, registry)
        if document is not None:
            plan = ExternalPlan(source, base_url(source, confdir), digest, now, document)
            try:
                plan.records(registry)
            except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as err:
                # a shape the schema allowed, which the records cannot take
                problem = f"is not a valid plan.json: {err!r}"
            else:
                store[name] = plan
                continue
        _report(source, str(problem), cached)

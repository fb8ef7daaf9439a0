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

Validation: with :mod:`jsonschema` installed (the ``external`` extra), against
the published schema; without it, the structure this module reads is checked
(every key, its JSON type), which keeps bad input from reaching the build but
does not check field values against their kinds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import time
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from sphinxcontrib_plan.export.json import SCHEMA_PATH, SCHEMA_VERSION
from sphinxcontrib_plan.model.external import ExternalPlan
from sphinxcontrib_plan.warnings import PlanWarning, warn

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sphinxcontrib_plan.model.external import ExternalSource
    from sphinxcontrib_plan.model.types import Registry

#: the largest ``plan.json`` read
MAX_BYTES = 64 * 2**20

_NULL = type(None)
#: the JSON types of the keys of each plan and object, as read by the portfolio
_ITEM: dict[str, tuple[type, ...]] = {
    "type": (str,), "id": (str,), "title": (str,), "plan": (str, _NULL), "fields": (dict,),
    "derived": (dict,), "checks": (dict, _NULL), "parent": (str, _NULL), "data": (dict,),
    "body": (str,), "docname": (str,), "line": (int,), "anchor": (str,), "url": (str, _NULL),
}
_JSON_NAMES = {str: "a string", dict: "an object", int: "an integer", _NULL: "null"}


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
        return cls(str(getattr(config, "user_agent", "") or ""),
                   bool(getattr(config, "tls_verify", True)),
                   getattr(config, "tls_cacerts", None) or None)


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
            with requests.get(url, stream=True, timeout=timeout, _user_agent=http.user_agent,
                              _tls_info=(http.tls_verify, http.tls_cacerts)) as response:
                response.raise_for_status()
                body = bytearray()
                for chunk in response.iter_content(2**16):
                    body += chunk
                    if len(body) > MAX_BYTES or "abandoned" in outcome:
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


def read_bytes(source: ExternalSource, confdir: Path, timeout: float, http: Http | None = None
               ) -> bytes:
    """The bytes of a project's ``plan.json``.

    :param source: the configuration entry
    :param confdir: relative paths start here
    :param timeout: seconds the whole download may take
    :param http: Sphinx's proxy-, TLS- and user-agent settings (default: Sphinx's defaults)
    :return: the content
    :raises OSError: when it cannot be read (network errors and the deadline included)
    :raises ValueError: when it is larger than :data:`MAX_BYTES`
    """
    if source.is_url:
        data = _download(source.location, timeout, http or Http())
    else:
        with (confdir / source.location).open("rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        msg = f"it is larger than {MAX_BYTES // 2**20} MiB"
        raise ValueError(msg)
    return data


def _structure(document: object) -> str | None:
    """What is wrong with the parts of *document* the portfolio reads, if anything."""
    if not isinstance(document, dict):
        return "the top level is not a JSON object"
    if document.get("schema_version") != SCHEMA_VERSION:
        return (f"schema_version is {document.get('schema_version')!r}, "
                f"this version reads {SCHEMA_VERSION}")
    for key in ("plans", "objects"):
        if not isinstance(document.get(key), list):
            return f"{key} is not an array"
        for i, item in enumerate(document[key]):
            if not isinstance(item, dict):
                return f"{key}[{i}] is not an object"
            for name, types in _ITEM.items():
                value = item.get(name)
                if not isinstance(value, types) or isinstance(value, bool) or value == "" \
                        and name in ("id", "type"):
                    wanted = " or ".join(_JSON_NAMES[t] for t in types)
                    return f"{key}[{i}].{name} is {json.dumps(value)[:40]}, not {wanted}"
            checks = item["checks"]
            if checks is not None and not all(isinstance(checks.get(k), int) for k in
                                               ("done", "total")):
                return f"{key}[{i}].checks needs integer done and total"
    return None


@cache
def _validator() -> Any:
    """A JSON Schema validator of ``plan.json``, ``None`` without jsonschema."""
    try:
        from jsonschema import Draft202012Validator
    except ImportError:
        return None
    return Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def problem_of(data: bytes) -> tuple[dict[str, Any] | None, str | None]:
    """Parse and validate the bytes of a ``plan.json``.

    :param data: the content
    :return: the document, or ``None`` and what is wrong with it
    """
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        return None, f"is not JSON ({err})"
    except RecursionError:
        return None, "is not JSON this build reads: its arrays or objects nest too deeply"
    except ValueError as err:  # an integer of more digits than Python converts
        return None, f"is not JSON this build reads: {str(err).split(';')[0]}"
    problem = _structure(document)
    if problem is None and _validator() is not None:
        from jsonschema.exceptions import best_match

        try:
            error = best_match(_validator().iter_errors(document))
        except RecursionError:
            return None, "is not a valid plan.json: its values nest too deeply"
        if error is not None:
            path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
            problem = f"{path.lstrip('.') or 'the document'}: {error.message[:200]}"
    return (None, f"is not a valid plan.json: {problem}") if problem else (document, None)


def _fresh(cached: ExternalPlan, cache_days: float, now: float) -> bool:
    return cache_days < 0 or now - cached.checked < cache_days * 86400


def _report(source: ExternalSource, what: str, cached: ExternalPlan | None) -> None:
    if cached is not None:
        when = dt.datetime.fromtimestamp(cached.checked, dt.UTC).strftime("%Y-%m-%d %H:%M")
        kept = f"using the copy read on {when} UTC"
    else:
        kept = "no copy was read before, so its objects are missing from this build"
    warn(PlanWarning.EXTERNAL, f"plan_external[{source.name!r}]: {source.location} {what}; "
         f"{kept}", location=None)


def update_external(
    store: dict[str, ExternalPlan], sources: Mapping[str, ExternalSource], *, confdir: Path,
    registry: Registry, cache_days: float, timeout: float, now: float | None = None,
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
        document, problem = problem_of(data)
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

"""Stable ids: slugs of titles and endpoint signatures."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_SIGNATURE = re.compile(r"\s*([A-Za-z]+)\s+(\S+)\s*")

#: methods accepted in an endpoint signature
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "WS", "WSS")


def slug(text: str) -> str:
    """Lower-case ASCII slug: runs of other characters become ``-``.

    :param text: any text
    :return: the slug, possibly empty
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NON_ALNUM.sub("-", ascii_text.lower()).strip("-")


def derive_id(plan: str | None, title: str) -> str:
    """The id of an object without ``:id:``: ``<plan>-<slug of title>``.

    :param plan: the plan id, if the object has a plan
    :param title: the title, or the endpoint signature
    :return: the derived id
    """
    base = slug(title) or "untitled"
    return f"{plan}-{base}" if plan else base


def parse_signature(text: str) -> tuple[str, str] | None:
    """Split ``METHOD /path`` into an upper-case method and the path.

    :param text: the endpoint directive's argument
    :return: ``(method, path)``, or ``None`` when it is not a signature
    """
    match = _SIGNATURE.fullmatch(text)
    if not match:
        return None
    return match.group(1).upper(), match.group(2)


def normalise_signature(text: str) -> str:
    """Canonical form of an endpoint signature, for lookups.

    :param text: e.g. ``post  /api/v1/items``
    :return: e.g. ``POST /api/v1/items``; the stripped text when not a signature
    """
    parts = parse_signature(text)
    return f"{parts[0]} {parts[1]}" if parts else text.strip()


def reference_key(target: str) -> str:
    """The lookup form of a reference target: endpoint signatures canonical.

    The one spelling roles, reference fields, coverage rules and reverse links
    look objects up in.

    :param target: the target as written
    :return: the key
    """
    return normalise_signature(target) if " " in target.strip() else target.strip()

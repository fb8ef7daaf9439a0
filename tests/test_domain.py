"""The plan domain: roles, link text, signatures, {any}, objects.inv."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import plan_warnings
from sphinx.util.inventory import InventoryFile


def _links(html: str) -> dict[str, str]:
    """Link text → href of the internal references of a page."""
    found = {}
    for href, body in re.findall(
        r'<a class="reference internal" href="([^"]*)"[^>]*>(.*?)</a>', html, re.S
    ):
        found[re.sub(r"<[^>]+>", "", body).strip()] = href
    return found


@pytest.mark.sphinx("html", testroot="basic")
def test_roles_resolve_with_titles(app):
    app.build()
    assert plan_warnings(app) == []
    links = _links((Path(app.outdir) / "guide.html").read_text(encoding="utf-8"))
    assert (
        links["POST /api/v1/payment-methods"] == "api.html#endpoint-001-post-api-v1-payment-methods"
    )
    assert (
        links["GET /api/v1/payment-methods/{id}"]
        == "api.html#endpoint-001-get-api-v1-payment-methods-id"
    )
    assert links["Database performance degradation"] == "index.html#risk-r-db"
    assert links["the Stripe risk"] == "index.html#risk-001-stripe-api-downtime"
    assert links["Core functionality"] == "index.html#phase-001-core"
    assert links["Payment Methods"] == "index.html#plan-001"
    assert links["Tech Lead"] == "index.html#signoff-001-tech-lead"
    assert links["Foundation"] == "index.html#phase-001-foundation"


@pytest.mark.sphinx("html", testroot="basic")
def test_inventory_lists_objects(app):
    app.build()
    with (Path(app.outdir) / "objects.inv").open("rb") as stream:
        inv = InventoryFile.load(stream, "https://example.org/", lambda base, uri: base + uri)
    item = inv["plan:risk"]["R-DB"]
    # Sphinx 9 has attributes; 7.4 and 8 plain tuples
    uri, name = (item.uri, item.display_name) if hasattr(item, "uri") else (item[2], item[3])
    assert uri == "https://example.org/index.html#risk-r-db"
    assert name == "Database performance degradation"
    endpoints = inv["plan:endpoint"]
    assert "001-post-api-v1-payment-methods" in endpoints
    assert "POST /api/v1/payment-methods" in endpoints  # by signature too
    assert set(inv["plan:phase"]) == {"001-foundation", "001-core"}
    assert "plan:response" not in inv  # responses have no role of their own


@pytest.mark.sphinx("html", testroot="basic")
def test_any_role_and_domain_api(app):
    app.build()
    domain = app.env.get_domain("plan")
    objects = list(domain.get_objects())
    assert ("R-DB", "Database performance degradation", "risk", "index", "risk-r-db", 1) in objects
    html = (Path(app.outdir) / "guide.html").read_text(encoding="utf-8")
    assert html.count('href="index.html#risk-r-db"') == 2  # {plan:risk} and {any}


@pytest.mark.sphinx(
    "html", testroot="basic", srcdir="basic-missing-ref", confoverrides={"nitpicky": True}
)
def test_missing_reference_warns_once_at_its_location(app):
    (Path(app.srcdir) / "guide.md").write_text(
        "# Guide\n\nSee {plan:risk}`no-such-risk` and {plan:endpoint}`DELETE /nowhere`,\n"
        "and {plan:phase}`R-DB` (a risk, not a phase).\n",
        encoding="utf-8",
    )
    app.build()
    warnings = plan_warnings(app)
    assert len(warnings) == 3, warnings
    assert all("guide.md:3" in w or "guide.md:4" in w for w in warnings)
    assert any("'no-such-risk'" in w and "[plan.ref]" in w for w in warnings)
    assert any("'DELETE /nowhere'" in w for w in warnings)
    assert any("'R-DB'" in w for w in warnings)


@pytest.mark.sphinx("html", testroot="basic", srcdir="basic-twin-responses")
def test_one_code_documented_twice_gives_two_responses(app):
    api = Path(app.srcdir) / "api.md"
    api.write_text(
        api.read_text().replace(
            ":::{plan-response} 400 Bad Request\nInvalid token or input.\n:::",
            ":::{plan-response} 400 Bad Request\nInvalid token.\n:::\n\n"
            ":::{plan-response} 400 Bad Request\nInvalid input.\n:::",
        ),
        encoding="utf-8",
    )
    app.build()
    assert plan_warnings(app) == []
    index = app.env.get_domain("plan").index
    codes = [r.id for r in index.children["001-post-api-v1-payment-methods"]]
    assert codes == [
        "001-post-api-v1-payment-methods-201",
        "001-post-api-v1-payment-methods-400",
        "001-post-api-v1-payment-methods-400-2",
    ]

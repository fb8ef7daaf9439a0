"""Another Sphinx project links to plan objects through intersphinx."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from conftest import plan_warnings

CONF = """\
extensions = ["myst_parser", "sphinxcontrib_plan"{extra}]
myst_enable_extensions = ["colon_fence", "tasklist"]
project = "{project}"
exclude_patterns = ["_build"]
show_warning_types = True  # Sphinx < 8 hides [plan.subtype] otherwise
{more}
"""

FIRST = {
    "index.md": """\
        # First

        ```{toctree}
        api
        ```

        :::{plan} Payment Methods
        :id: 001
        :::

        :::{plan-risk} Stripe API downtime
        :impact: high
        :likelihood: low
        :mitigation: Retry
        :owner: Backend Lead
        :::

        :::{plan-phase} Core functionality
        :id: 001-core
        :weeks: 1-2
        :::
        """,
    "api.md": """\
        ---
        plan: "001"
        ---
        # API

        ::::{plan-endpoint} POST /api/v1/payment-methods
        :summary: Create a payment method

        :::{plan-response} 201 Created
        Stored.
        :::
        ::::
        """,
}

SECOND = """\
    # Second

    - by signature: {plan:endpoint}`POST /api/v1/payment-methods`
    - by id: {plan:endpoint}`create <001-post-api-v1-payment-methods>`
    - risk: {plan:risk}`001-stripe-api-downtime`
    - phase: {plan:phase}`001-core`
    - any type: {plan:ref}`plan <001>`
    - unknown: {plan:risk}`no-such-risk`
    """


def write(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True)
    for name, text in files.items():
        (root / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def test_second_project_links_to_the_first(make_app, tmp_path):
    first_src = write(
        tmp_path / "first", {"conf.py": CONF.format(project="First", extra="", more=""), **FIRST}
    )
    first = make_app("html", srcdir=first_src, freshenv=True)
    first.build()
    assert plan_warnings(first) == []
    first_out = Path(first.outdir)
    assert (first_out / "objects.inv").exists()

    mapping = {"first": (str(first_out), str(first_out / "objects.inv"))}
    second_src = write(
        tmp_path / "second",
        {
            "conf.py": CONF.format(
                project="Second",
                extra=', "sphinx.ext.intersphinx"',
                more=f"intersphinx_mapping = {mapping!r}",
            ),
            "index.md": SECOND,
        },
    )
    second = make_app("html", srcdir=second_src, freshenv=True)
    second.build()
    html = (Path(second.outdir) / "index.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'<a class="reference external" href="([^"]+)"', html)
    base = str(first_out)
    endpoint = f"{base}/api.html#endpoint-001-post-api-v1-payment-methods"
    assert hrefs == [
        endpoint,
        endpoint,
        f"{base}/index.html#risk-001-stripe-api-downtime",
        f"{base}/index.html#phase-001-core",
        f"{base}/index.html#plan-001",
    ]
    # the link text is the object's title (the signature for endpoints) or the one given
    for text in (
        "POST /api/v1/payment-methods",
        ">create<",
        "Stripe API downtime",
        "Core functionality",
        ">plan<",
    ):
        assert text in html
    # what neither project knows is one plan.ref warning at the reference
    [warning] = plan_warnings(second)
    assert "no-such-risk" in warning and "index.md:" in warning

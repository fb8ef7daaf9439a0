"""Plan option values in MyST are read as written, with no warning from MyST."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import build_warnings, load_plan_json
from sphinxcontrib_plan.directives.myst_values import quote_plan_options, quote_value

CONF = ('extensions = ["myst_parser", "sphinxcontrib_plan"]\n'
        'myst_enable_extensions = ["colon_fence"]\nshow_warning_types = True\n')

PLAN = """\
# Plan

:::{plan} Identity
:id: 042
:::

:::{plan-risk} MFA bypass
:impact: high
:likelihood: low
:mitigation: > 90% of auth/mfa covered
:owner: 'Sec' team: "blue"
:::

::::{plan-alert} Login failures
:condition: rate > 5%: page # now
:notify: Slack #identity
:severity: critical

:::{note}
:class: > wide

A MyST note keeps MyST's reading.
:::
::::

:::{plan-risk} Quoted on purpose
:owner: "Ops"
:::

````markdown
:::{plan-risk} Shown, not built
:owner: > left as written
:::
````

```{code-block} markdown
<!-- an example -->
:::{plan-risk} Shown too
:owner: # as written
:::
```
"""


@pytest.fixture
def built(make_app, tmp_path):
    (tmp_path / "conf.py").write_text(CONF, encoding="utf-8")
    (tmp_path / "index.md").write_text(PLAN, encoding="utf-8")
    app = make_app("html", srcdir=tmp_path)
    app.build()
    return app


def test_plan_values_are_read_as_written_without_warnings(built):
    # the only warning is MyST's, about its own note's option
    assert [w.split(": ", 1)[1] for w in build_warnings(built)] == [
        "WARNING: 'note': Invalid options format: expected a comment or a line break, "
        "but found 'w' [myst.directive_option]"]
    objects = {o["title"]: o for o in load_plan_json(built)["objects"]}
    risk, alert = objects["MFA bypass"], objects["Login failures"]
    assert risk["fields"]["mitigation"] == "> 90% of auth/mfa covered"
    assert risk["fields"]["owner"] == "'Sec' team: \"blue\""
    assert alert["fields"]["condition"] == "rate > 5%: page # now"
    assert alert["fields"]["notify"] == "Slack #identity"
    # a value quoted as a whole is a YAML string, as MyST reads it
    assert objects["Quoted on purpose"]["fields"]["owner"] == "Ops"
    assert set(objects) == {"MFA bypass", "Login failures", "Quoted on purpose"}


def test_examples_in_code_blocks_are_shown_as_written(built):
    html = (Path(built.outdir) / "index.html").read_text(encoding="utf-8")
    assert ":owner: &gt; left as written" in html
    assert "# as written" in html and "&#39;# as written&#39;" not in html
    # the file on disk is untouched
    assert (Path(built.srcdir) / "index.md").read_text(encoding="utf-8") == PLAN


@pytest.mark.parametrize(("value", "quoted"), [
    ("> 90% of auth/mfa", "'> 90% of auth/mfa'"),
    ("Slack #identity", "'Slack #identity'"),
    ("it's 'fine'", "'it''s ''fine'''"),
    ('"x" in path', "'\"x\" in path'"),
    ('"Ops"', '"Ops"'),
    ("'Ops'", "'Ops'"),
    ("'a' and 'b'", "'''a'' and ''b'''"),
])
def test_quote_value(value, quoted):
    assert quote_value(value) == quoted


def test_quote_plan_options_follows_fences(make_app, tmp_path):
    # a registered plan directive is needed: build an app for the registry
    (tmp_path / "conf.py").write_text(CONF, encoding="utf-8")
    (tmp_path / "index.md").write_text("# I\n", encoding="utf-8")
    make_app("html", srcdir=tmp_path)
    text = ("::::{plan-endpoint} GET /x\n:summary: a: b\n\n"
            ":::{plan-response} 200 OK\n:content-type: text/plain # x\n:::\n::::\n"
            "```\n:::{plan-risk} R\n:owner: > no\n:::\n```\n"
            ":::{note}\n:class: > no\n:::\n"
            ":::{plan-risk} R\n---\nowner: > no\n---\n:::\n"
            "- item\n\n  :::{plan-risk} In a list\n  :owner: > yes\n  :::\n")
    assert quote_plan_options(text).splitlines() == [
        "::::{plan-endpoint} GET /x", ":summary: 'a: b'", "",
        ":::{plan-response} 200 OK", ":content-type: 'text/plain # x'", ":::", "::::",
        "```", ":::{plan-risk} R", ":owner: > no", ":::", "```",
        ":::{note}", ":class: > no", ":::",
        ":::{plan-risk} R", "---", "owner: > no", "---", ":::",
        "- item", "", "  :::{plan-risk} In a list", "  :owner: '> yes'", "  :::"]
    # without MyST's colon_fence extension, ':::' lines are text
    assert quote_plan_options(":::{plan-risk} R\n:owner: > no\n:::\n", colon_fence=False) == (
        ":::{plan-risk} R\n:owner: > no\n:::\n")

"""Plan option values in MyST are read as written, with no warning from MyST."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import build_warnings, load_plan_json

CONF = (
    'extensions = ["myst_parser", "sphinxcontrib_plan"]\n'
    'myst_enable_extensions = ["colon_fence"]\nshow_warning_types = True\n'
)

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
        "but found 'w' [myst.directive_option]"
    ]
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


SHOW = """\
from docutils import nodes
from sphinx.util.docutils import SphinxDirective


class Show(SphinxDirective):
    has_content = True

    def run(self):
        text = "\\n".join(self.content)
        return [nodes.literal_block(text, text, language="none"), *self.parse_content_to_nodes()]


def setup(app):
    app.add_directive("show", Show)
"""


def test_a_directive_showing_its_body_shows_it_as_written(make_app, tmp_path, monkeypatch):
    """A directive that shows its body's source (the docs' "Source" boxes) gets
    the plan options as the author wrote them, with no quote added."""
    (tmp_path / "conf.py").write_text(
        CONF.replace('"sphinxcontrib_plan"]', '"sphinxcontrib_plan", "show"]'), encoding="utf-8"
    )
    (tmp_path / "show.py").write_text(SHOW, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "index.md").write_text(
        "# Show\n\n:::{plan} P\n:id: P\n:::\n\n"
        "::::{show}\n:::{plan-risk} R\n:impact: high\n:likelihood: low\n"
        ":mitigation: > 90% #covered\n:::\n::::\n",
        encoding="utf-8",
    )
    app = make_app("html", srcdir=tmp_path)
    app.build()
    assert build_warnings(app) == []
    html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    assert ":impact: high\n:likelihood: low\n:mitigation: &gt; 90% #covered" in html
    assert "&#39;" not in html.split('class="plan-object')[0]
    objects = {o["title"]: o for o in load_plan_json(app)["objects"]}
    assert objects["R"]["fields"]["mitigation"] == "> 90% #covered"


@pytest.mark.parametrize("suffix", [".md", ".rst"])
def test_odd_option_blocks_read_alike_in_both_syntaxes(make_app, tmp_path, suffix):
    """A repeated option, an option name with spaces: one warning each at its
    line and the same values in MyST and reST; MyST's YAML block keeps its lines."""
    (tmp_path / "conf.py").write_text(CONF, encoding="utf-8")
    if suffix == ".md":
        text = (
            "# I\n\n:::{plan} P\n:id: P\n:::\n\n"
            ":::{plan-endpoint} GET /x\n:rate limit: 10/minute\n:summary: one\n"
            ":summary: two\n:::\n\n"
            ':::{plan-risk} Yaml\n---\nimpact: high\nowner: "#ops team"\n'
            "likelihood: [a, b]\n---\nBody.\n:::\n"
        )
    else:
        text = (
            "I\n=\n\n.. plan:: P\n   :id: P\n\n"
            ".. plan-endpoint:: GET /x\n   :rate limit: 10/minute\n   :summary: one\n"
            "   :summary: two\n\n"
            ".. plan-risk:: Yaml\n   :impact: high\n   :owner: #ops team\n\n"
            "   :likelihood: [a, b]\n"
        )
    (tmp_path / f"index{suffix}").write_text(text, encoding="utf-8")
    app = make_app("html", srcdir=tmp_path)
    app.build()
    found = [
        (w.split(":")[1], w.split(": ", 2)[2]) for w in build_warnings(app) if "plan.option" in w
    ]
    expected = [
        (
            "8",
            "plan-endpoint: the option name 'rate limit' has spaces; it is read as "
            "'rate-limit' [plan.option]",
        ),
        (
            "10",
            "plan-endpoint: the option 'summary' is given more than once; the last "
            "value is used [plan.option]",
        ),
    ]
    if suffix == ".md":
        expected.append(
            (
                "17",
                "plan-risk: the option 'likelihood' is a YAML list or mapping; "
                "write its value as text [plan.option]",
            )
        )
    assert found == expected
    objects = {o["title"]: o for o in load_plan_json(app)["objects"]}
    endpoint, risk = objects["GET /x"]["fields"], objects["Yaml"]["fields"]
    assert (endpoint["rate-limit"], endpoint["summary"]) == ("10/minute", "two")
    assert (risk["impact"], risk["owner"]) == ("high", "#ops team")


@pytest.mark.parametrize("suffix", [".md", ".rst"])
def test_an_option_value_goes_on_on_deeper_indented_lines(make_app, tmp_path, suffix):
    """A value continued on an indented line keeps every word, and the options
    below it stay options, in MyST as in reST (MyST-Parser itself would end its
    option block there and make the rest body text: a silent loss)."""
    (tmp_path / "conf.py").write_text(CONF, encoding="utf-8")
    if suffix == ".md":
        text = (
            "# I\n\n:::{plan} P\n:id: P\n:::\n\n"
            ":::{plan-risk} Outage\n:impact: high\n:likelihood: low\n:owner: Ops\n"
            ":mitigation: fail over to the second region\n"
            "  within five minutes, tested monthly\n"
            ":review: 2030-01-01\n\nBody.\n:::\n"
        )
    else:
        text = (
            "I\n=\n\n.. plan:: P\n   :id: P\n\n"
            ".. plan-risk:: Outage\n   :impact: high\n   :likelihood: low\n   :owner: Ops\n"
            "   :mitigation: fail over to the second region\n"
            "      within five minutes, tested monthly\n"
            "   :review: 2030-01-01\n\n   Body.\n"
        )
    (tmp_path / f"index{suffix}").write_text(text, encoding="utf-8")
    app = make_app("html", srcdir=tmp_path)
    app.build()
    assert build_warnings(app) == []
    (risk,) = [o for o in load_plan_json(app)["objects"] if o["type"] == "risk"]
    assert risk["fields"]["mitigation"] == (
        "fail over to the second region\nwithin five minutes, tested monthly"
    )
    assert risk["fields"]["review"] == "2030-01-01"
    assert risk["body"] == "Body."
    assert risk["line"] == 7

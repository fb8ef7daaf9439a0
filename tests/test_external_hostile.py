"""Another project's data is data: no script in our pages, bounded fetching, a fallback.

Over the portfolio of ``test_external`` (its two example projects built once
per module), with the search project's ``plan.json`` made hostile.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from conftest import plan_warnings
from test_external import build, projects  # noqa: F401 - the module's fixture

def _search(projects: dict[str, Path]) -> dict:  # noqa: F811
    return json.loads((projects["search"] / "plan.json").read_text(encoding="utf-8"))


PAGE = """\
# Hostile

The plan {plan:ref}`search:S1`, the risks {plan:risk}`search:RISK-7`,
{plan:risk}`search:RISK-9` and {plan:risk}`payments:RISK-7`.

:::{plan-overview}
:source: all
:columns: id, spec, constitution
:caption: Specs
:::
"""


def _links(html: str) -> dict[str, str]:
    """Link text → href of every link in *html*'s body."""
    body = html.split('role="main"', 1)[1] if 'role="main"' in html else html
    return {re.sub(r"<[^>]+>", "", text).strip(): href for href, text in re.findall(
        r'<a [^>]*href="([^"]*)"[^>]*>(.*?)</a>', body, re.S)}


def test_urls_from_data_are_links_only_for_http_https_mailto_and_relative(
        make_app, rootdir, tmp_path, projects):  # noqa: F811
    data = _search(projects)
    by_id = {o["id"]: o for o in [*data["plans"], *data["objects"]]}
    by_id["S1"]["url"] = "data:text/html,<script>alert(2)</script>"
    by_id["S1"]["fields"]["spec"] = "javascript://alert(5)"
    by_id["S1"]["fields"]["constitution"] = "https://example.org/constitution"
    by_id["RISK-7"]["url"] = " JavaScript:alert(3)"
    source = tmp_path / "search.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    src = tmp_path / "portfolio"
    shutil.copytree(rootdir / "test-portfolio", src)
    index = src / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("local\n```", "local\nhostile\n```")
                     .replace(":owner: Platform Team\n", ":owner: Platform Team\n"
                              ":spec: vbscript://msgbox(6)\n:constitution: https://example.org/local\n"),
                     encoding="utf-8")
    (src / "hostile.md").write_text(PAGE, encoding="utf-8")
    app = build(make_app, rootdir, tmp_path, {
        "search": source.as_posix(), "payments": (projects["payments"] / "plan.json").as_posix()})
    assert plan_warnings(app) == []
    html = (Path(app.outdir) / "hostile.html").read_text(encoding="utf-8")
    links = _links(html)
    # the same project's other urls, and the other project's, stay links
    assert links["Relevance regressions"] == (tmp_path / "plan.html").as_uri() + "#risk-risk-9"
    assert links["Provider outage"].endswith("/risks.html#risk-risk-7")
    assert links["https://example.org/constitution"] == "https://example.org/constitution"
    assert links["https://example.org/local"] == "https://example.org/local"
    # the others are text where the link would have been
    for text in ("Search relaunch", "Index lag", "javascript://alert(5)", "vbscript://msgbox(6)"):
        assert text in html and text not in links, text
    assert not [h for h in re.findall(r'href="([^"]*)"', html)
                if re.match(r"\s*(javascript|data|vbscript):", h, re.I)]

"""``sphinx-plan import`` of Markdown keeps the author's text, no more and no less.

A link CommonMark leaves inert (``javascript:``) or a target of another
scheme is never a live link in the reST output; a table row with more cells
than its header has them named in the report.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from conftest import build_warnings

from sphinxcontrib_plan.cli import main

CONF = (
    'extensions = ["myst_parser", "sphinxcontrib_plan"]\nmyst_enable_extensions = ["colon_fence"]\n'
)
PLAN = """\
# Plan: Links

**Status**: Draft

## Overview

Read [this](javascript:alert(1)), <javascript:alert(2)>, javascript:alert(3),
[data](data:text/html,hi), [ftp](ftp://example.com/f), [the docs](https://example.com/docs),
[relative](other.html#part) and <mailto:team@example.com>.

## Risks

| Risk | Likelihood | Impact | Mitigation |
|------|-----------|--------|------------|
| Outage | Low | High | Retry | on call | pager \\| phone |
| Data loss | Low | High | Backups |
"""


def test_rst_import_makes_only_web_and_relative_links(make_app, tmp_path, capsys):
    source = tmp_path / "plan.md"
    source.write_text(PLAN, encoding="utf-8")
    src = tmp_path / "docs"
    assert main(["import", str(source), "--id", "links", "-o", str(src / "index.rst")]) == 0
    capsys.readouterr()
    (src / "conf.py").write_text(CONF, encoding="utf-8")
    app = make_app("html", srcdir=src, freshenv=True)
    app.build()
    assert build_warnings(app) == []
    html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'<a class="reference external" href="([^"]*)"', html)
    assert [unescape(h).replace("%40", "@") for h in hrefs] == [
        "https://example.com/docs",
        "other.html#part",
        "mailto:team@example.com",
    ]
    text = re.sub(r"<[^>]+>", "", html)
    for shown in (
        "[this](javascript:alert(1))",
        "javascript:alert(3)",
        "ftp (ftp://example.com/f)",
        "[data](data:text/html,hi)",
    ):
        assert shown in text


def test_extra_table_cells_are_named_in_the_report(tmp_path, capsys):
    source = tmp_path / "plan.md"
    source.write_text(PLAN, encoding="utf-8")
    assert main(["import", str(source), "--id", "links", "-o", str(tmp_path / "out.md")]) == 0
    report = capsys.readouterr().out
    assert (
        "note: line 15: 2 cell(s) beyond the table's 4 columns, not kept: on call | "
        "pager \\| phone (add a column to keep them)"
    ) in report
    assert "line 16" not in report

"""Every name the user looks up gets the nearest valid one suggested, and a
nested-only directive found outside its parent explains the fences."""

from __future__ import annotations

import re

CONF = (
    'extensions = ["myst_parser", "sphinxcontrib_plan"]\nmyst_enable_extensions = ["colon_fence"]\n'
)

SOURCE = """\
# S

:::{plan} Polish
:id: 042
:::

:::{plan-phase} Polish
:id: 042-polish
:weeks: 1-2
:::

:::{plan-endpoint} GET /carts
:phase: 042-polsh
:permissions: carts.raed
:::

:::{plan-response} 200 OK
:::

:::{plan-role} Shopper
:permissions: carts.read
:::

:::{plan-risk-register}
:columns: id, titel
:sort: -severty
:filter: impcat >= medium
:::
"""


def _warnings(make_app, tmp_path, text: str) -> list[str]:
    root = tmp_path / "src"
    root.mkdir()
    (root / "conf.py").write_text(CONF, encoding="utf-8")
    (root / "index.md").write_text(text, encoding="utf-8")
    app = make_app("html", srcdir=root, freshenv=True)
    app.build()
    return re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue()).splitlines()


def test_nearest_names_are_suggested(make_app, tmp_path):
    found = _warnings(make_app, tmp_path, SOURCE)

    def one(line: int, subtype: str, *fragments: str) -> None:
        hits = [
            w
            for w in found
            if f"index.md:{line}:" in w
            and f"[plan.{subtype}]" in w
            and all(f in w for f in fragments)
        ]
        assert len(hits) == 1, (line, subtype, fragments, found)

    one(12, "ref", "phase names '042-polsh'", "did you mean '042-polish'?")
    one(12, "ref", "needs permission 'carts.raed'", "did you mean 'carts.read'?")
    one(25, "filter", ":columns: names unknown columns 'titel'", "did you mean 'title'?")
    one(26, "filter", ":sort: names unknown fields 'severty'", "did you mean 'severity'?")
    one(27, "filter", ":filter: names 'impcat'", "did you mean 'impact'?")
    # the endpoint's fence was closed before the response (a ':::' meant for the
    # response): the response stands outside, and the warning says why
    one(
        17,
        "nesting",
        "plan-response belongs inside plan-endpoint",
        "check the fences: the plan-endpoint fence must be longer than this one",
    )

"""Schema patterns cannot hang a build: matched in bounded time, reported when unchecked.

A real build of a small project whose ``plan-schema`` holds patterns that
backtrack without end on their example (``^(a+)+$``, ``^(a|a)*$``) and one
that no engine reads (``[z-a]``).
"""

from __future__ import annotations

import time
from pathlib import Path

from conftest import plan_warnings
from sphinx.util.console import strip_colors

CONF = (
    'extensions = ["myst_parser", "sphinxcontrib_plan"]\nmyst_enable_extensions = ["colon_fence"]\n'
)
VALUE = "a" * 34 + "!"
PAGE = f"""\
# Codes

:::{{plan}} Codes
:id: C
:::

::::{{plan-schema}} Code
```yaml
type: object
properties:
  code: {{type: string, pattern: "^(a+)+$"}}
  slow: {{type: string, pattern: "^(a|a)*$"}}
  bad: {{type: string, pattern: "[z-a]"}}
  fine: {{type: string, pattern: "^[a-z]+$"}}
patternProperties:
  "^(x|x)*$": {{type: integer}}
```
::::

:::{{plan-event}} code.created
:schema: Code

```json
{{"code": "{VALUE}", "slow": "{VALUE}", "bad": "x", "fine": "ok",
  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx!": 1}}
```
:::
"""


def test_patterns_that_backtrack_without_end_do_not_hang_the_build(make_app, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(CONF, encoding="utf-8")
    (src / "index.md").write_text(PAGE, encoding="utf-8")
    app = make_app("html", srcdir=src, freshenv=True)
    start = time.perf_counter()
    app.build()
    elapsed = time.perf_counter() - start
    where = f"{Path(app.srcdir) / 'index.md'}:24: WARNING: event 'code.created': the example"
    unchecked = f"{where} cannot be checked against schema 'Code'"
    slow = (
        "took over 0.1 s on '" + VALUE + "' (a nested repetition such as (a+)+ backtracks "
        "without end); the value is not checked against it [plan.schema]"
    )
    assert sorted(strip_colors(w) for w in plan_warnings(app)) == sorted(
        [
            f"{unchecked}: $: the pattern '^(x|x)*$' took over 0.1 s on "
            "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx!' (a nested repetition such as (a+)+ backtracks "
            "without end); the value is not checked against it [plan.schema]",
            f"{unchecked}: $.bad: the pattern '[z-a]' cannot be read: bad character range at "
            "position 4 [plan.schema]",
            # ^(a+)+$ is answered at once by the engine, and the value does not match it
            f"{where} does not match schema 'Code': $.code: '{VALUE}' does not match '^(a+)+$' "
            "[plan.schema]",
            f"{unchecked}: $.slow: the pattern '^(a|a)*$' {slow}",
        ]
    )
    assert elapsed < 5, elapsed  # Python's re: ^(a+)+$ alone runs for hours on 35 characters

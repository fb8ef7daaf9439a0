"""Derived ids never collide across types of one plan; duplicates stay visible."""

from __future__ import annotations

import json
import re
from pathlib import Path

CONF = (
    'extensions = ["myst_parser", "sphinxcontrib_plan"]\nmyst_enable_extensions = ["colon_fence"]\n'
)
INDEX = """\
# R

:::{plan} X
:id: 042
:::

See {plan:tech}`042-redis` and {plan:ref}`042-redis`.

```{toctree}
tech
```
"""
TECH = """\
---
plan: "042"
---
# T

:::{plan-tech} Redis
:layer: Data
:::

:::{plan-tech-stack}
:::
"""
COMPONENT = "\n:::{plan-component} Redis\n:plan: 042\n:responsibility: cache\n:::\n"


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "src"
    root.mkdir()
    (root / "conf.py").write_text(CONF, encoding="utf-8")
    (root / "index.md").write_text(INDEX, encoding="utf-8")
    (root / "tech.md").write_text(TECH, encoding="utf-8")
    return root


def _ids(app) -> list[tuple[str, str]]:
    data = json.loads((Path(app.outdir) / "plan.json").read_text(encoding="utf-8"))
    return [(o["type"], o["id"]) for o in data["objects"]]


def _warnings(app) -> list[str]:
    """The build's warnings, less Sphinx's own notes on a second app in one process."""
    return [w for w in app.warning.getvalue().splitlines() if "while setting up extension" not in w]


def _shown_id(app, page: str) -> list[str]:
    return re.findall(r'plan-object-id">([^<]*)<', (Path(app.outdir) / f"{page}.html").read_text())


def test_a_component_and_a_technology_of_one_name_keep_their_own_ids(make_app, tmp_path):
    root = _project(tmp_path)
    first = make_app("html", srcdir=root)
    first.build()
    assert _ids(first) == [("tech", "042-redis")]
    assert _warnings(first) == []
    # a component of the same name, added earlier in document order, keeps the
    # derived id; the technology takes its type into its id, and its page says so
    (root / "index.md").write_text(INDEX + COMPONENT, encoding="utf-8")
    again = make_app("html", srcdir=root)
    again.build()
    assert _warnings(again) == []  # no duplicate: nothing is lost or hidden
    assert _ids(again) == [("component", "042-redis"), ("tech", "042-tech-redis")]
    assert _shown_id(again, "tech") == ["042-tech-redis"]  # written again, not stale
    register = (Path(again.outdir) / "tech.html").read_text(encoding="utf-8")
    assert 'href="#tech-042-redis"' in register  # the technology is in its register
    index = (Path(again.outdir) / "index.html").read_text(encoding="utf-8")
    # a typed role still finds the technology by the id it was derived as
    assert 'href="tech.html#tech-042-redis" title="Technology: Redis"' in index
    assert 'href="#component-042-redis" title="Component: Redis"' in index


def test_duplicate_ids_stay_in_the_data_and_registers(make_app, tmp_path):
    root = _project(tmp_path)
    (root / "tech.md").write_text(
        TECH + "\n:::{plan-tech} Cache\n:id: 042-redis\n:layer: Data\n:::\n", encoding="utf-8"
    )
    app = make_app("html", srcdir=root)
    app.build()
    warnings = app.warning.getvalue()
    assert warnings.count("[plan.duplicate]") == 1 and "tech.md:13:" in warnings
    assert _ids(app) == [("tech", "042-redis"), ("tech", "042-redis")]
    register = (Path(app.outdir) / "tech.html").read_text(encoding="utf-8")
    assert "Redis" in register and "Cache" in register


NAMES = """\
# N

:::{plan} X
:id: 042
:::

:::{plan-event} payment_method.created
:::

:::{plan-metric} payment_method_created_total
:type: counter
:::

:::{plan-table} payment_methods
```sql
CREATE TABLE payment_methods (id UUID PRIMARY KEY);
```
:::

:::{plan-event} order.placed
:id: E-1
:::

:::{plan-event} order.placed
:id: E-2
:::

Events {plan:event}`payment_method.created` and {plan:ref}`payment_method.created`,
metric {plan:metric}`payment_method_created_total`, table {plan:table}`payment_methods`.

Ambiguous: {plan:event}`order.placed`.
"""


def test_names_written_in_code_resolve_like_signatures(make_app, tmp_path):
    root = tmp_path / "src"
    root.mkdir()
    (root / "conf.py").write_text(CONF, encoding="utf-8")
    (root / "index.md").write_text(NAMES, encoding="utf-8")
    app = make_app("html", srcdir=root)
    app.build()
    page = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    assert page.count('href="#event-042-payment-method-created"') == 2
    assert 'href="#metric-042-payment-method-created-total"' in page
    assert 'href="#table-042-payment-methods"' in page
    warnings = _warnings(app)
    assert len(warnings) == 1, warnings
    assert (
        "index.md:31:" in warnings[0]
        and "{plan:event} 'order.placed' names several "
        "objects (E-1, E-2); linking to 'E-1': link by id instead [plan.ref]"
        in warnings[0]
    )
    # the inventory lists names too, so other projects link by them
    names = {entry[0] for entry in app.env.get_domain("plan").get_objects()}
    assert {"payment_method.created", "payment_method_created_total", "payment_methods"} <= names

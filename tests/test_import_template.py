"""``sphinx-plan import``: the rest of the plan template (22.7).

Prometheus metric declarations in code become ``plan-metric``; a filled-in
"Constitutional Exemptions" line becomes ``plan-exemption``; the related
documents become the plan's ``spec`` and ``constitution``; every response is
reported at its own line; a diagram after a component's fields stays out of
the component. Each is checked through the CLI and a Sphinx build's
``plan.json``, in MyST and reST.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import build_warnings, load_plan_json

from sphinxcontrib_plan.cli import main

CONF = (
    'extensions = ["myst_parser", "sphinxcontrib_plan"]\nmyst_enable_extensions = ["colon_fence"]\n'
)
PLAN = """\
# Technical Implementation Plan: Saved Carts

**Feature ID**: SC-9
**Status**: Draft
**Owner**: Carts team

**Related Documents**:
- Specification: [Saved carts spec](https://example.com/specs/saved-carts.md)
- Constitution: [Constitution](https://example.com/constitution.md)

## Constitutional Compliance

### Architecture Principles
- [x] Follows approved design patterns: Repository

**Constitutional Exemptions** (if any):
Redis Streams instead of Kafka for cart events: approved by Jane Doe (CTO) on 2024-03-01 because the volume stays below 100 events/s.

## Architecture Overview

### Component Breakdown

#### Component 1: Cart API
- **Responsibility**: Stores carts
- **Technology**: FastAPI

**Architecture diagram**:

```text
Browser --> Cart API --> PostgreSQL
```

## API Contracts

### REST API Endpoints

#### Endpoint: Save cart

```
POST /api/v1/carts
```

**Response (201 Created)**:
```json
{"id": "c1"}
```

**Error Responses**:
- `400 Bad Request`: Invalid input
- `409 Conflict`: The cart exists

## Monitoring & Observability

### Metrics

**Custom Metrics**:
```python
cart_saved_total = Counter(
    'cart_saved_total',
    'Total carts saved',
    ['channel', 'status']
)

cart_restore_seconds = Histogram(
    'cart_restore_seconds',
    'Time to restore a cart',
    buckets=[0.1, 0.5, 1.0]
)
open_carts = Gauge('open_carts', 'Carts open now')
restore_size = Summary("restore_size_bytes", "Size of restored carts", labelnames=["region"])
```
"""


def imported(tmp_path: Path, fmt: str, capsys) -> tuple[Path, str]:
    source = tmp_path / "plan.md"
    source.write_text(PLAN, encoding="utf-8")
    src = tmp_path / "docs"
    out = src / ("index.md" if fmt == "myst" else "index.rst")
    assert main(["import", str(source), "--format", fmt, "-o", str(out)]) == 0
    (src / "conf.py").write_text(CONF, encoding="utf-8")
    return src, capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["myst", "rst"])
def test_template_parts_become_objects(make_app, tmp_path, fmt, capsys):
    src, report = imported(tmp_path, fmt, capsys)
    app = make_app("html", srcdir=src, freshenv=True)
    app.build()
    assert build_warnings(app) == []
    data = load_plan_json(app)
    fields = data["plans"][0]["fields"]
    assert fields["spec"] == "https://example.com/specs/saved-carts.md"
    assert fields["constitution"] == "https://example.com/constitution.md"
    objects = {o["title"]: o for o in data["objects"]}
    metrics = {t: o["fields"] for t, o in objects.items() if o["type"] == "metric"}
    assert metrics == {
        "cart_saved_total": {"type": "counter", "labels": ["channel", "status"]},
        "cart_restore_seconds": {"type": "histogram", "buckets": ["0.1", "0.5", "1.0"]},
        "open_carts": {"type": "gauge"},
        "restore_size_bytes": {"type": "summary", "labels": ["region"]},
    }
    assert objects["cart_saved_total"]["body"].strip() == "Total carts saved"
    exemption = objects["Redis Streams instead of Kafka for cart events"]
    assert exemption["type"] == "exemption"
    assert exemption["fields"]["approved-by"] == "Jane Doe (CTO)"
    assert exemption["fields"]["date"] == "2024-03-01"
    assert exemption["fields"]["rationale"] == "the volume stays below 100 events/s"
    component = objects["Cart API"]
    assert "Browser" not in component.get("body", "")
    html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    diagram = html.index("Browser")
    assert html.rindex('class="plan-object plan-component', 0, diagram) < html.rindex(
        "</div>", 0, diagram
    )  # the component's box closed before the diagram


def test_each_object_is_reported_at_its_own_line(tmp_path, capsys):
    _, report = imported(tmp_path, "myst", capsys)
    lines = dict(re.findall(r"plan-(\w+)\s+\d+\s+lines? ([\d, ]+)", report))
    lines = {k: [int(n) for n in v.split(", ")] for k, v in lines.items()}
    text = PLAN.split("\n")
    assert lines["response"] == [
        text.index("**Response (201 Created)**:") + 1,
        text.index("- `400 Bad Request`: Invalid input") + 1,
        text.index("- `409 Conflict`: The cart exists") + 1,
    ]
    assert lines["metric"] == [
        text.index("cart_saved_total = Counter(") + 1,
        text.index("cart_restore_seconds = Histogram(") + 1,
        text.index("open_carts = Gauge('open_carts', 'Carts open now')") + 1,
        text.index(next(t for t in text if t.startswith("restore_size"))) + 1,
    ]
    assert lines["exemption"] == [text.index(next(t for t in text if t.startswith("Redis"))) + 1]


#: a table section right under a level-2 heading, and one under a level-3 heading
LEVELS = """\
# Plan: Levels

**Status**: Draft

## Data Model

#### Table: users

```sql
CREATE TABLE users (id INT PRIMARY KEY);
```

### Entity Relationships

#### Table: orders

```sql
CREATE TABLE orders (id INT PRIMARY KEY, user_id INT REFERENCES users(id));
```
"""


@pytest.mark.parametrize("fmt", ["myst", "rst"])
def test_heading_levels_are_kept_or_the_report_says_why(make_app, tmp_path, fmt, capsys):
    source = tmp_path / "plan.md"
    source.write_text(LEVELS, encoding="utf-8")
    src = tmp_path / "docs"
    out = src / ("index.md" if fmt == "myst" else "index.rst")
    assert main(["import", str(source), "--format", fmt, "-o", str(out)]) == 0
    report = capsys.readouterr().out
    # the gap is closed (MyST warns about it), and the report says so, at its line
    assert (
        "line 7: 'Table: users' is a level-4 heading right under a level-2 one: written "
        "as level 3 (a skipped level is a MyST warning, 'Non-consecutive header level "
        "increase', and impossible in reST)"
    ) in report
    assert "'Table: orders'" not in report and "'Entity Relationships'" not in report
    if fmt == "myst":
        headings = [line for line in out.read_text(encoding="utf-8").split("\n") if line[:1] == "#"]
        assert headings == [
            "# Plan: Levels",
            "## Data Model",
            "### Table: users",
            "### Entity Relationships",
            "#### Table: orders",
        ]
    (src / "conf.py").write_text(CONF, encoding="utf-8")
    app = make_app("html", srcdir=src, freshenv=True, warningiserror=True)
    app.build()
    assert build_warnings(app) == []
    tables = [o["title"] for o in load_plan_json(app)["objects"] if o["type"] == "table"]
    assert tables == ["users", "orders"]

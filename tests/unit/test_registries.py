"""The collector and derived-value registries carry what draws them."""

from __future__ import annotations

from sphinxcontrib_plan.model.collectors import COLLECTORS, LIST, TableMode
from sphinxcontrib_plan.model.derived import DERIVED_FIELDS, cell_of


def test_every_collector_is_drawn_by_a_renderer() -> None:
    from sphinxcontrib_plan.render.transform import load_renderers

    load_renderers()
    assert [k.name for k in COLLECTORS.values() if k.renderer is None] == []
    assert COLLECTORS["risk-register"].renderer is not COLLECTORS["risk-matrix"].renderer


def test_the_registry_gives_each_collector_its_table_mode() -> None:
    assert COLLECTORS["risk-register"].table == LIST
    assert COLLECTORS["tech-stack"].table == TableMode(group="sections")
    assert COLLECTORS["rbac-matrix"].table == TableMode(sort=False)
    assert COLLECTORS["risk-matrix"].table is None and COLLECTORS["timeline"].table is None


def test_derived_values_carry_their_cells() -> None:
    import sphinxcontrib_plan.render.collectors as cells

    # a value of two scopes (checklists, plans) is drawn alike in both
    assert [d.cell for d in DERIVED_FIELDS if d.name == "progress"] == [
        cells._progress_cell,
        cells._progress_cell,
    ]
    assert cell_of("severity") is cells._severity_cell
    assert cell_of("request") is cell_of("body") is cells._schema_cell
    assert cell_of("path") is None  # its text

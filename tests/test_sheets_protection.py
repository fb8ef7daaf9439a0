"""The exported workbook is protected: only the editable cells can be changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_sheets import EXAMPLE, edit, imp, snapshot
from test_sheets_clear import exported

openpyxl = pytest.importorskip("openpyxl")


def test_derived_and_hidden_columns_locked_editable_cells_unlocked(
    tmp_path: Path,
) -> None:
    project, before, book_path = exported(EXAMPLE, tmp_path)
    risk = openpyxl.load_workbook(book_path)["risk"]
    protection = risk.protection
    assert protection.sheet and not protection.password  # no password to know
    # rows may still be added (new objects), deleted, sorted and filtered
    assert not protection.insertRows and not protection.deleteRows
    assert not protection.sort and not protection.autoFilter
    assert protection.formatColumns  # the hidden columns cannot be shown
    header = [c.value for c in risk[1]]
    assert all(c.protection.locked for c in risk[1])  # headers are keys
    locked = {h for h, c in zip(header, risk[2], strict=True) if c.protection.locked}
    assert locked == {"severity", "covered", "covered-by", "overdue", "fingerprint", "base"}
    for name in ("fingerprint", "base"):
        assert risk.column_dimensions[risk.cell(1, header.index(name) + 1).column_letter].hidden
    # the columns' own style: a row added below the exported ones is editable too
    for i, name in enumerate(header, start=1):
        dims = risk.column_dimensions[risk.cell(1, i).column_letter]
        assert dims.protection.locked == (name in locked), name
    # an edit in an unlocked cell still imports
    assert imp(edit(book_path, tmp_path / "e.xlsx", "risk", {"impact": "medium"})) == 0
    assert snapshot(project) != before

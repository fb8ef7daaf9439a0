"""Registers as spreadsheets: ``export --format xlsx|csv`` through the real CLI."""

from __future__ import annotations

import csv
import datetime
import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOTS

from sphinxcontrib_plan.cli import main
from sphinxcontrib_plan.export.sheets import columns
from sphinxcontrib_plan.model.types import build_registry

openpyxl = pytest.importorskip("openpyxl")

EXAMPLE = ROOTS.parent.parent / "example_project"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of example_project (MyST)."""
    src = tmp_path / "src"
    shutil.copytree(EXAMPLE, src, ignore=shutil.ignore_patterns("_build"))
    return src


def export(src: Path, out: Path, fmt: str, *extra: str) -> int:
    return main(["export", str(src), "--format", fmt, "-o", str(out), *extra])


def test_xlsx_sheets_columns_and_types(project: Path, tmp_path: Path) -> None:
    book_path = tmp_path / "plan.xlsx"
    assert export(project, book_path, "xlsx") == 0
    book = openpyxl.load_workbook(book_path)
    assert "risk" in book.sheetnames and "phase" in book.sheetnames
    assert book["_plan"].sheet_state == "hidden"
    risk = book["risk"]
    header = [c.value for c in risk[1]]
    # id, then the registry's order of the type's fields, derived, document, hidden columns
    registry = build_registry()
    assert header == [c.name for c in columns(registry["risk"])]
    assert header[:3] == ["id", "title", "plan"]
    assert header.index("impact") < header.index("likelihood") < header.index("severity")
    row = {h: c for h, c in zip(header, risk[2], strict=True)}
    assert row["id"].value == "001-stripe-api-downtime"
    assert row["review"].value == datetime.datetime(2024, 2, 9)
    assert row["review"].number_format == "yyyy-mm-dd"
    assert row["severity"].value == 3
    assert row["severity"].fill.fgColor.rgb.endswith("DDDDDD")  # derived: shaded
    assert row["impact"].fill.fgColor.rgb in ("00000000", None)
    assert row["fingerprint"].value.startswith("sha256:")
    assert json.loads(row["base"].value)["impact"] == "high"
    letter = row["fingerprint"].column_letter
    assert risk.column_dimensions[letter].hidden
    rules = {str(r.sqref).split(":")[0][0]: r.formula1 for r in risk.data_validations.dataValidation}
    assert rules[row["impact"].column_letter] == '"low,medium,high"'


def test_csv_type_and_plan_filters(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "csv"
    assert export(project, out, "csv", "--type", "risk", "--type", "phase", "--plan", "001") == 0
    assert sorted(p.name for p in out.iterdir()) == ["_plan.csv", "phase.csv", "risk.csv"]
    with (out / "risk.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows and {r["plan"] for r in rows} == {"001"}
    assert rows[0]["review"] == "2024-02-09"


def test_unknown_type_or_plan_is_one_line_exit_2(project: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert export(project, tmp_path / "x.xlsx", "xlsx", "--type", "rsik") == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith("sphinx-plan export: error: unknown type 'rsik'; types: ")
    assert export(project, tmp_path / "x.xlsx", "xlsx", "--plan", "999") == 2
    assert "unknown plan '999'" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()

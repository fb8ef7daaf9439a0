"""Clearing cells of an exported workbook, through the real CLI (``export``, ``import``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOTS
from test_sheets import EXAMPLE, RST, edit, export, imp, snapshot

openpyxl = pytest.importorskip("openpyxl")

RISK_MD = "plans/001-payment-methods.md"


def exported(root: Path, tmp_path: Path) -> tuple[Path, dict[str, bytes], Path]:
    """A copy of *root*, its files' bytes, and its risks exported as a workbook."""
    src = tmp_path / "src"
    shutil.copytree(root, src, ignore=shutil.ignore_patterns("_build"))
    before = snapshot(src)
    book = tmp_path / "plan.xlsx"
    assert export(src, book, "xlsx", "--type", "risk") == 0
    return src, before, book


@pytest.mark.parametrize(
    ("root", "document", "line"),
    [
        (EXAMPLE, RISK_MD, b"status page\n:owner: Backend Lead\n:status:"),
        (RST, "index.rst", b"backoff\n   :owner: Backend Lead\n\n   RISK-BODY-MARKER"),
    ],
    ids=["myst", "rst"],
)
def test_cleared_optional_cell_removes_that_option_line_only(
    root: Path, document: str, line: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src, before, book = exported(root, tmp_path)
    capsys.readouterr()
    assert imp(edit(book, tmp_path / "e.xlsx", "risk", {"owner": None})) == 0
    assert "I2 owner: 'Backend Lead' -> removed" in capsys.readouterr().out
    after = snapshot(src)
    assert before[document].count(line) == 1
    owner = line.split(b"\n")[1] + b"\n"
    assert after[document] == before[document].replace(line, line.replace(owner, b""), 1)
    assert {k: v for k, v in after.items() if k != document} == {
        k: v for k, v in before.items() if k != document
    }
    # exported again, the cell is empty and a second import changes nothing
    assert export(src, book, "xlsx", "--type", "risk") == 0
    assert imp(book) == 0
    assert snapshot(src) == after


def test_cleared_id_is_an_error_naming_sheet_and_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src, before, book = exported(EXAMPLE, tmp_path)
    capsys.readouterr()
    assert imp(edit(book, tmp_path / "e.xlsx", "risk", {"id": None})) == 2
    assert capsys.readouterr().err.splitlines() == [
        "sphinx-plan import: error: sheet 'risk', cell A2: id: the id of an exported object "
        "cannot be cleared (it says which object the row is); write it back",
        "sphinx-plan import: error: 1 bad cell(s); nothing written",
    ]
    assert snapshot(src) == before


def test_cleared_required_cell_is_an_error_naming_sheet_and_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-plan-types", src, ignore=shutil.ignore_patterns("_build"))
    conf = src / "conf.py"
    conf.write_text(
        conf.read_text(encoding="utf-8").replace(
            '"deciders": "list"', '"deciders": {"kind": "list", "required": True}'
        ),
        encoding="utf-8",
    )
    before = snapshot(src)
    book = tmp_path / "plan.xlsx"
    assert export(src, book, "xlsx", "--type", "decision") == 0
    sheet = openpyxl.load_workbook(book)["decision"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "ADR-1")
    cell = f"{sheet.cell(row, header.index('deciders') + 1).column_letter}{row}"
    capsys.readouterr()
    assert imp(edit(book, tmp_path / "e.xlsx", "decision", {cell: None})) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"sphinx-plan import: error: sheet 'decision', cell {cell}: deciders: the option is "
        "required and cannot be cleared; allowed: a comma-separated list",
        "sphinx-plan import: error: 1 bad cell(s); nothing written",
    ]
    assert snapshot(src) == before

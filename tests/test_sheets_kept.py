"""``export`` and ``import`` build the project as ``check`` does, kept between runs:
the second command reads only what changed, and gives what a fresh build gives."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOTS

from sphinxcontrib_plan.cli import main

openpyxl = pytest.importorskip("openpyxl")

EXAMPLE = ROOTS.parent.parent / "example_project"
RISK = "001-stripe-api-downtime"


def owner_of(book: Path, risk: str) -> str:
    sheet = openpyxl.load_workbook(book)["risk"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2, values_only=True):
        if row[0] == risk:
            return str(row[header.index("owner")])
    raise AssertionError(f"no row {risk}")


def example(tmp_path: Path) -> tuple[Path, Path, Path, list[str]]:
    """A copy of example_project, its cache and workbook, and the export command."""
    src, cache, book = tmp_path / "src", tmp_path / "cache", tmp_path / "plan.xlsx"
    shutil.copytree(EXAMPLE, src, ignore=shutil.ignore_patterns("_build"))
    export = ["export", str(src), "--format", "xlsx", "-o", str(book), "--cache-dir", str(cache)]
    return src, cache, book, export


def test_a_source_edited_between_two_exports_is_read_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src, cache, book, export = example(tmp_path)
    assert main(["check", str(src), "--cache-dir", str(cache)]) in (0, 1)
    capsys.readouterr()
    assert main([*export, "-v"]) == 0
    # the check's build is reused: nothing changed, nothing is read again
    assert "0 documents read" in capsys.readouterr().err
    first = owner_of(book, RISK)
    plan = src / "plans" / "001-payment-methods.md"
    text = plan.read_text(encoding="utf-8")
    start = text.index(":::{plan-risk} Stripe API downtime")
    edited = text[start:].replace(":owner: Backend Lead", ":owner: Somebody Else", 1)
    plan.write_text(text[:start] + edited, encoding="utf-8")
    assert main([*export, "-v"]) == 0
    assert "1 document read" in capsys.readouterr().err
    assert first != "Somebody Else"
    assert owner_of(book, RISK) == "Somebody Else"
    # the same workbook as an export without the kept build
    fresh = tmp_path / "fresh.xlsx"
    assert main(["export", str(src), "--format", "xlsx", "-o", str(fresh), "--no-cache"]) == 0
    rows = [
        [list(openpyxl.load_workbook(p)[name].iter_rows(values_only=True)) for p in (book, fresh)]
        for name in openpyxl.load_workbook(fresh).sheetnames
    ]
    assert all(kept == new for kept, new in rows)


def test_import_uses_the_kept_build_and_the_next_export_sees_the_edit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, cache, book, export = example(tmp_path)
    assert main(export) == 0
    workbook = openpyxl.load_workbook(book)
    sheet = workbook["risk"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == RISK)
    row[header.index("owner")].value = "Owner From The Sheet"
    workbook.save(book)
    capsys.readouterr()
    assert main(["import", str(book), "--cache-dir", str(cache)]) == 0
    assert "changed 1 object(s)" in capsys.readouterr().out
    assert main(export) == 0
    assert owner_of(book, RISK) == "Owner From The Sheet"
    # the import of the same workbook again: nothing left to apply
    assert main(["import", str(book), "--cache-dir", str(cache)]) == 0
    assert "0 object(s) to change, 0 to add; nothing written" in capsys.readouterr().out

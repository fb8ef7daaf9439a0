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
from sphinxcontrib_plan.export.sheets import DOCUMENT as DOCUMENT_COLUMN
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
    rules = {
        str(r.sqref).split(":")[0][0]: r.formula1 for r in risk.data_validations.dataValidation
    }
    assert rules[row["impact"].column_letter] == '"low,medium,high"'


def test_csv_type_and_plan_filters(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "csv"
    assert export(project, out, "csv", "--type", "risk", "--type", "phase", "--plan", "001") == 0
    assert sorted(p.name for p in out.iterdir()) == ["_plan.csv", "phase.csv", "risk.csv"]
    with (out / "risk.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows and {r["plan"] for r in rows} == {"001"}
    assert rows[0]["review"] == "2024-02-09"


def test_unknown_type_or_plan_is_one_line_exit_2(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert export(project, tmp_path / "x.xlsx", "xlsx", "--type", "rsik") == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith("sphinx-plan export: error: unknown type 'rsik'; types: ")
    assert export(project, tmp_path / "x.xlsx", "xlsx", "--plan", "999") == 2
    assert "unknown plan '999'" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()


# --- import: edits of a workbook or CSV directory applied to the sources -------------

RST = ROOTS / "test-basic-rst"


def snapshot(src: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(src)): p.read_bytes()
        for p in sorted(src.rglob("*"))
        if p.is_file() and "_build" not in p.parts
    }


def edit(book_path: Path, out: Path, sheet: str, cells: dict[str, object]) -> Path:
    """Set *cells* (by header name of row 2 or a coordinate) in a copy of the workbook."""
    book = openpyxl.load_workbook(book_path)
    ws = book[sheet]
    header = [c.value for c in ws[1]]
    for key, value in cells.items():
        coordinate = (
            key if key[-1].isdigit() else f"{ws.cell(1, header.index(key) + 1).column_letter}2"
        )
        ws[coordinate] = value
    book.save(out)
    return out


def imp(path: Path, *extra: str) -> int:
    return main(["import", str(path), *extra])


@pytest.mark.parametrize("root", [EXAMPLE, RST], ids=["myst", "rst"])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_round_trip_without_edit_changes_nothing(
    root: Path, fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "src"
    shutil.copytree(root, src, ignore=shutil.ignore_patterns("_build"))
    before = snapshot(src)
    out = tmp_path / ("plan.xlsx" if fmt == "xlsx" else "csv")
    assert export(src, out, fmt) == 0
    assert imp(out) == 0
    assert "0 object(s) to change, 0 to add; nothing written" in capsys.readouterr().out
    assert snapshot(src) == before


@pytest.mark.tools("soffice")
def test_round_trip_after_libreoffice_saved_it(project: Path, tmp_path: Path) -> None:
    import subprocess

    before = snapshot(project)
    book = tmp_path / "plan.xlsx"
    assert export(project, book, "xlsx") == 0
    out = tmp_path / "lo"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(book),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    assert (out / "plan.xlsx").read_bytes() != book.read_bytes()
    assert imp(out / "plan.xlsx") == 0
    assert snapshot(project) == before
    # an edit made after LibreOffice rewrote the file still lands on its line only
    assert imp(edit(out / "plan.xlsx", tmp_path / "e.xlsx", "risk", {"impact": "medium"})) == 0
    text = (project / "plans/001-payment-methods.md").read_text(encoding="utf-8")
    assert ":::{plan-risk} Stripe API downtime\n:impact: medium\n:likelihood: low\n" in text


def test_rst_edit_changes_that_line_only_and_keeps_crlf(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(RST, src, ignore=shutil.ignore_patterns("_build"))
    index = src / "index.rst"
    index.write_bytes(index.read_bytes().replace(b"\n", b"\r\n"))
    before = index.read_bytes()
    book = tmp_path / "plan.xlsx"
    assert export(src, book, "xlsx", "--type", "risk") == 0
    assert (
        imp(
            edit(
                book, tmp_path / "e.xlsx", "risk", {"likelihood": "high", "owner": "Payments team"}
            )
        )
        == 0
    )
    after = index.read_bytes()
    assert after == before.replace(
        b"   :likelihood: low\r\n   :mitigation: Retry",
        b"   :likelihood: high\r\n   :mitigation: Retry",
        1,
    ).replace(b"   :owner: Backend Lead\r\n", b"   :owner: Payments team\r\n", 1)
    assert after != before


def test_bad_cells_name_sheet_cell_and_allowed_values(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(project)
    book = tmp_path / "plan.xlsx"
    assert export(project, book, "xlsx", "--type", "risk") == 0
    capsys.readouterr()
    bad = edit(
        book,
        tmp_path / "bad.xlsx",
        "risk",
        {
            "impact": "huge",
            "review": "2024-13-01",
            "mitigated-by": "no-such-phase",
            "owner": "Someone",
        },
    )
    assert imp(bad) == 2
    err = capsys.readouterr().err.splitlines()
    assert (
        "sheet 'risk', cell F2: impact: 'huge' is not a valid value (did you mean 'high'?); "
        "allowed: one of low, medium, high" in err[0]
    )
    assert err[1].startswith(
        "sphinx-plan import: error: sheet 'risk', cell L2: review: '2024-13-01' is not a date"
    )
    assert "cell M2: mitigated-by: no object 'no-such-phase'" in err[2]
    assert err[-1] == "sphinx-plan import: error: 3 bad cell(s); nothing written"
    assert snapshot(project) == before  # the good edit (owner) was not written either


def test_conflict_on_same_field_and_merge_of_different_fields(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = tmp_path / "plan.xlsx"
    assert export(project, book, "xlsx", "--type", "risk") == 0
    plan_md = project / "plans/001-payment-methods.md"
    source_edit = plan_md.read_text(encoding="utf-8").replace(
        ":owner: Backend Lead", ":owner: Platform Lead", 1
    )
    plan_md.write_text(source_edit, encoding="utf-8")
    capsys.readouterr()
    same = edit(book, tmp_path / "same.xlsx", "risk", {"owner": "Payments Lead"})
    assert imp(same) == 1
    err = capsys.readouterr().err
    assert (
        "conflict: sheet 'risk', cell I2: 001-stripe-api-downtime owner: exported "
        "'Backend Lead', source now 'Platform Lead', sheet 'Payments Lead'"
    ) in err
    assert plan_md.read_text(encoding="utf-8") == source_edit
    other = edit(book, tmp_path / "other.xlsx", "risk", {"impact": "low"})
    assert imp(other) == 0
    text = plan_md.read_text(encoding="utf-8")
    assert text == source_edit.replace(
        ":::{plan-risk} Stripe API downtime\n:impact: high\n",
        ":::{plan-risk} Stripe API downtime\n:impact: low\n",
        1,
    )


def test_columns_matched_by_header_not_position(project: Path, tmp_path: Path) -> None:
    book_path = tmp_path / "plan.xlsx"
    assert export(project, book_path, "xlsx", "--type", "risk") == 0
    book = openpyxl.load_workbook(book_path)
    ws = book["risk"]
    ws.move_range("F1:F100", cols=30)  # impact moved to the far right
    ws.delete_cols(6)
    ws.cell(2, ws.max_column).value = "low"
    book.save(tmp_path / "moved.xlsx")
    assert imp(tmp_path / "moved.xlsx") == 0
    text = (project / "plans/001-payment-methods.md").read_text(encoding="utf-8")
    assert ":::{plan-risk} Stripe API downtime\n:impact: low\n" in text


def _bad_books(tmp_path: Path, book_path: Path) -> dict[str, tuple[Path, str]]:
    import zipfile

    cases: dict[str, tuple[Path, str]] = {}
    (tmp_path / "text.xlsx").write_text("id,title\n", encoding="utf-8")
    cases["not a zip"] = (tmp_path / "text.xlsx", "is not an .xlsx workbook (not a zip file)")
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/sheet.xml", b"\0" * (300 * 1024 * 1024))
    cases["zip bomb"] = (bomb, "refusing a zip bomb")
    foreign = openpyxl.Workbook()
    foreign.active.append(["Risk", "Owner"])
    foreign.save(tmp_path / "foreign.xlsx")
    cases["another tool"] = (tmp_path / "foreign.xlsx", "has no '_plan' sheet")
    book = openpyxl.load_workbook(book_path)
    book["risk"].title = "Risks"
    book.save(tmp_path / "renamed.xlsx")
    cases["renamed"] = (tmp_path / "renamed.xlsx", "sheet 'Risks' is not an object type")
    book = openpyxl.load_workbook(book_path)
    book["risk"].merge_cells("F2:G2")
    book.save(tmp_path / "merged.xlsx")
    cases["merged"] = (tmp_path / "merged.xlsx", "sheet 'risk': merged cells F2:G2")
    book = openpyxl.load_workbook(book_path)
    book["risk"]["I2"] = '=UPPER("x")'
    book.save(tmp_path / "formula.xlsx")
    cases["formula"] = (tmp_path / "formula.xlsx", "cell I2: a formula; write the value instead")
    return cases


def test_bad_workbooks_one_line_exit_2_nothing_written(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = tmp_path / "plan.xlsx"
    assert export(project, book, "xlsx", "--type", "risk") == 0
    before = snapshot(project)
    for name, (path, message) in _bad_books(tmp_path, book).items():
        capsys.readouterr()
        assert imp(path) == 2, name
        err = capsys.readouterr().err
        assert message in err, (name, err)
        assert "Traceback" not in err
        assert snapshot(project) == before, name


def _append_row(book_path: Path, out: Path, sheet: str, values: dict[str, object]) -> Path:
    book = openpyxl.load_workbook(book_path)
    ws = book[sheet]
    header = [c.value for c in ws[1]]
    row = ws.max_row + 1
    for key, value in values.items():
        ws.cell(row, header.index(key) + 1).value = value
    book.save(out)
    return out


def exported_risks(root: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A copy of *root* and the workbook of its risks."""
    src = tmp_path / "src"
    shutil.copytree(root, src, ignore=shutil.ignore_patterns("_build"))
    book = tmp_path / "plan.xlsx"
    assert export(src, book, "xlsx", "--type", "risk") == 0
    return src, book


@pytest.mark.parametrize("root", [EXAMPLE, RST], ids=["myst", "rst"])
def test_new_row_becomes_object_at_end_of_its_plans_document(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src, book = exported_risks(root, tmp_path)
    first = openpyxl.load_workbook(book)["risk"]
    header = [c.value for c in first[1]]
    plan_id = first.cell(2, header.index("plan") + 1).value
    document = first.cell(2, header.index(DOCUMENT_COLUMN) + 1).value
    before = (src / document).read_bytes()
    new = _append_row(
        book,
        tmp_path / "new.xlsx",
        "risk",
        {
            "id": "R-NEW",
            "title": "Vendor goes out of business",
            "plan": plan_id,
            "impact": "high",
            "likelihood": "low",
            "owner": "Procurement",
        },
    )
    assert imp(new) == 0
    after = (src / document).read_bytes()
    assert after.startswith(before)
    added = after[len(before) :].decode("utf-8")
    if root == RST:
        assert added.endswith(
            ".. plan-risk:: Vendor goes out of business\n   :id: R-NEW\n"
            "   :impact: high\n   :likelihood: low\n   :owner: Procurement\n"
        )
    else:
        assert added.endswith(
            ":::{plan-risk} Vendor goes out of business\n:id: R-NEW\n"
            ":impact: high\n:likelihood: low\n:owner: Procurement\n:::\n"
        )
    # the new object is built where it was put, and a second import changes nothing
    out = tmp_path / "again.xlsx"
    assert export(src, out, "xlsx", "--type", "risk") == 0
    ids = [c.value for c in openpyxl.load_workbook(out)["risk"]["A"]]
    assert "R-NEW" in ids
    snap = snapshot(src)
    assert imp(out) == 0
    assert snapshot(src) == snap


def test_bad_new_row_is_an_error_and_nothing_is_written(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = tmp_path / "plan.xlsx"
    assert export(project, book, "xlsx", "--type", "risk") == 0
    before = snapshot(project)
    bad = _append_row(
        book,
        tmp_path / "bad.xlsx",
        "risk",
        {"title": "No such plan", "plan": "999", "impact": "high"},
    )
    capsys.readouterr()
    assert imp(bad) == 2
    assert (
        "a new risk needs the id of its plan in 'plan' (plans: 001, 002" in capsys.readouterr().err
    )
    bad = _append_row(
        book,
        tmp_path / "bad2.xlsx",
        "risk",
        {"title": "Bad impact", "plan": "001", "impact": "extreme"},
    )
    assert imp(bad) == 2
    err = capsys.readouterr().err
    assert "sheet 'risk', cell F12: plan-risk: impact: 'extreme' is not a valid value" in err
    assert snapshot(project) == before


@pytest.mark.parametrize("root", [EXAMPLE, RST], ids=["myst", "rst"])
def test_deleted_row_is_reported_and_removed_only_with_allow_delete(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src, book_path = exported_risks(root, tmp_path)
    book = openpyxl.load_workbook(book_path)
    ws = book["risk"]
    header = [c.value for c in ws[1]]
    gone = ws.cell(2, 1).value
    document = ws.cell(2, header.index(DOCUMENT_COLUMN) + 1).value
    ws.delete_rows(2)
    book.save(tmp_path / "deleted.xlsx")
    before = snapshot(src)
    capsys.readouterr()
    assert imp(tmp_path / "deleted.xlsx") == 0
    out = capsys.readouterr().out
    assert f"risk {gone}: row deleted: kept (--allow-delete removes it)" in out
    assert snapshot(src) == before
    assert imp(tmp_path / "deleted.xlsx", "--allow-delete") == 0
    assert f"risk {gone}: row deleted: removed" in capsys.readouterr().out
    text = (src / document).read_text(encoding="utf-8")
    old = before[document].decode("utf-8")
    if root == RST:
        block = (
            ".. plan-risk:: Stripe API downtime\n   :impact: high\n   :likelihood: low\n"
            "   :mitigation: Retry with exponential backoff\n   :owner: Backend Lead\n\n"
            "   RISK-BODY-MARKER body.\n\n"
        )
    else:
        start = old.index(":::{plan-risk} Stripe API downtime\n")
        block = old[start : old.index(":::\n", start + 4) + 4] + "\n"
    assert block in old
    assert text == old.replace(block, "", 1)
    # the rest builds: the next export lists every other risk, not the removed one
    assert export(src, tmp_path / "after.xlsx", "xlsx", "--type", "risk") == 0
    ids = [c.value for c in openpyxl.load_workbook(tmp_path / "after.xlsx")["risk"]["A"]][1:]
    assert gone not in ids and len(ids) == ws.max_row - 1


def test_deeply_nested_base_cell_is_an_error_not_a_traceback(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The hidden base cell is read by the house's JSON reader, within its nesting limit."""
    out = tmp_path / "csv"
    assert export(project, out, "csv", "--type", "risk") == 0
    path = out / "risk.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    rows[0]["base"] = "[" * 20000  # past Python's recursion limit for json.loads
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    before = snapshot(project)
    capsys.readouterr()
    assert imp(out) == 2
    err = capsys.readouterr().err
    assert "the hidden base column was changed; export again" in err
    assert "Traceback" not in err
    assert snapshot(project) == before


DOC_EXAMPLES = ROOTS.parent.parent / "docs" / "examples"


def test_round_trip_on_the_docs_examples(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "src"
    shutil.copytree(DOC_EXAMPLES, src)
    shutil.copy(EXAMPLE / "conf.py", src / "conf.py")
    (src / "index.md").write_text(
        "# Examples\n\n```{toctree}\n:glob:\n\n*\n```\n", encoding="utf-8"
    )
    before = snapshot(src)
    for fmt, out in (("xlsx", tmp_path / "plan.xlsx"), ("csv", tmp_path / "csv")):
        assert export(src, out, fmt) == 0
        capsys.readouterr()
        assert imp(out) == 0
        assert "0 object(s) to change, 0 to add; nothing written" in capsys.readouterr().out
    assert snapshot(src) == before
    assert len(openpyxl.load_workbook(tmp_path / "plan.xlsx").sheetnames) > 10


def test_csv_edit_and_text_starting_with_equals_stays_text(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "csv"
    assert export(project, out, "csv", "--type", "risk") == 0
    risk = out / "risk.csv"
    with risk.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    owner = rows[0].index("owner")
    rows[1][owner] = "=Payments"  # a spreadsheet would read this as a formula
    with risk.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    assert imp(out) == 0
    plan_md = project / "plans/001-payment-methods.md"
    assert (
        ":::{plan-risk} Stripe API downtime\n:impact: high\n:likelihood: low\n"
        in plan_md.read_text(encoding="utf-8")
    )
    assert "\n:owner: =Payments\n" in plan_md.read_text(encoding="utf-8")
    book = tmp_path / "plan.xlsx"
    assert export(project, book, "xlsx", "--type", "risk") == 0
    cell = openpyxl.load_workbook(book)["risk"].cell(2, owner + 1)
    assert (cell.value, cell.data_type) == ("=Payments", "s")
    assert imp(book) == 0  # read back as text, not refused as a formula

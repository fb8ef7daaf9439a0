"""An edited title cell becomes the directive's argument, through the real CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_sheets import EXAMPLE, RST, edit, imp, snapshot
from test_sheets_clear import RISK_MD, exported

openpyxl = pytest.importorskip("openpyxl")


@pytest.mark.parametrize(
    ("root", "document", "old", "new"),
    [
        (
            EXAMPLE,
            RISK_MD,
            b":::{plan-risk} Stripe API downtime\n:impact: high\n",
            b":::{plan-risk} Stripe outage\n:impact: high\n",
        ),
        (
            RST,
            "index.rst",
            b".. plan-risk:: Stripe API downtime\n   :impact: high\n",
            b".. plan-risk:: Stripe outage\n   :impact: high\n",
        ),
    ],
    ids=["myst", "rst"],
)
def test_title_edit_sets_the_argument_and_keeps_the_id(
    root: Path,
    document: str,
    old: bytes,
    new: bytes,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    src, before, book = exported(root, tmp_path)
    oid = openpyxl.load_workbook(book)["risk"]["A2"].value
    capsys.readouterr()
    assert imp(edit(book, tmp_path / "t.xlsx", "risk", {"title": "Stripe outage"})) == 0
    assert f"{oid}: B2 title: 'Stripe API downtime' -> 'Stripe outage'" in capsys.readouterr().out
    after = snapshot(src)
    assert before[document].count(old) == 1
    # the id it had (derived from the old title) is pinned, so references still hold,
    # as the first option line (where people write it); the rest byte for byte
    pinned = f"{'   ' if document.endswith('.rst') else ''}:id: {oid}\n".encode()
    head = new.split(b"\n", 1)[0] + b"\n"
    assert after[document].count(head + pinned) == 1
    assert after[document].replace(pinned, b"", 1) == before[document].replace(old, new, 1)
    assert {k: v for k, v in after.items() if k != document} == {
        k: v for k, v in before.items() if k != document
    }


def test_title_edited_in_both_is_a_conflict_and_empty_title_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src, _, book = exported(RST, tmp_path)
    sheet = openpyxl.load_workbook(book)["risk"]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "R-DB")
    index = src / "index.rst"
    index.write_bytes(
        index.read_bytes().replace(
            b".. plan-risk:: Database performance degradation", b".. plan-risk:: Slow database"
        )
    )
    before = snapshot(src)
    capsys.readouterr()
    assert imp(edit(book, tmp_path / "c.xlsx", "risk", {f"B{row}": "Database slowness"})) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        f"sphinx-plan import: conflict: sheet 'risk', cell B{row}: R-DB title: exported "
        "'Database performance degradation', source now 'Slow database', "
        "sheet 'Database slowness'"
    )
    assert imp(edit(book, tmp_path / "e.xlsx", "risk", {f"B{row}": None})) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"sphinx-plan import: error: sheet 'risk', cell B{row}: title: ''; allowed: one line "
        "of text, not empty",
        "sphinx-plan import: error: 1 bad cell(s); nothing written",
    ]
    assert snapshot(src) == before


@pytest.mark.parametrize("root", [EXAMPLE, RST], ids=["myst", "rst"])
def test_title_with_a_line_break_is_an_error_naming_sheet_and_cell(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src, before, book = exported(root, tmp_path)
    sheet = openpyxl.load_workbook(book)["risk"]
    new_row = sheet.max_row + 1
    plan_id = sheet.cell(2, [c.value for c in sheet[1]].index("plan") + 1).value
    capsys.readouterr()
    edited = edit(
        book,
        tmp_path / "t.xlsx",
        "risk",
        {
            "title": "Stripe\noutage",
            f"B{new_row}": "Two\nlines",
            f"C{new_row}": plan_id,
        },
    )
    assert imp(edited) == 2
    assert capsys.readouterr().err.splitlines() == [
        "sphinx-plan import: error: sheet 'risk', cell B2: title: 'Stripe\\noutage' holds "
        "a line break; allowed: one line of text (a directive's title is one line)",
        f"sphinx-plan import: error: sheet 'risk', cell B{new_row}: title: 'Two\\nlines' "
        "holds a line break; allowed: one line of text (a directive's title is one line)",
        "sphinx-plan import: error: 2 bad cell(s); nothing written",
    ]
    assert snapshot(src) == before

"""The one reader of workbooks and CSV directories written by ``export --format xlsx|csv``.

:func:`read_tables` gives every sheet as its header and rows of cells by
header name; :func:`cell_text` turns a cell into the option text a directive
would hold. A workbook is checked before it is opened (a zip, no zip bomb)
and refused when it holds merged cells or formulas other than a boolean.
"""

from __future__ import annotations

import csv
import datetime
import zipfile
from pathlib import Path
from typing import Any

from sphinxcontrib_plan.errors import PlanError
from sphinxcontrib_plan.export.sheets import META_SHEET
from sphinxcontrib_plan.model.limits import MAX_WORKBOOK_BYTES, MAX_WORKBOOK_RATIO

#: formulas that are only a boolean, as spreadsheet applications save one
_BOOLEAN_FORMULAS = {"=TRUE()": True, "=FALSE()": False, "=TRUE": True, "=FALSE": False}


class SheetInputError(PlanError):
    """The workbook cannot be read or is not one of ours; one line, exit 2."""


#: one sheet: its name, header, and rows as (row number, cells by header)
Table = tuple[str, list[str], list[tuple[int, dict[str, Any]]]]


def _check_zip(path: Path) -> None:
    if not zipfile.is_zipfile(path):
        raise SheetInputError(f"{str(path)!r} is not an .xlsx workbook (not a zip file)")
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
    total = sum(i.file_size for i in infos)
    bomb = total > MAX_WORKBOOK_BYTES or any(
        i.file_size > 1 << 20 and i.file_size > MAX_WORKBOOK_RATIO * max(i.compress_size, 1)
        for i in infos
    )
    if bomb:
        raise SheetInputError(
            f"{str(path)!r} unpacks to {total} bytes (limit "
            f"{MAX_WORKBOOK_BYTES}, ratio {MAX_WORKBOOK_RATIO}); refusing a "
            "zip bomb"
        )


def read_tables(path: Path) -> tuple[dict[str, str], list[Table]]:
    """The ``_plan`` sheet and every other sheet of a workbook or CSV directory.

    :param path: an ``.xlsx`` or a directory of ``TYPE.csv`` files
    :return: the meta values and the tables
    :raise SheetInputError: when it cannot be read, or holds merged cells or formulas
    """
    tables: list[Table] = []
    if path.is_dir():
        for file in sorted(path.glob("*.csv")):
            with file.open(encoding="utf-8-sig", newline="") as stream:
                rows = list(csv.reader(stream))
            tables.append(_table(file.stem, rows))
    else:
        _check_zip(path)
        try:
            from openpyxl import load_workbook
        except ImportError:
            raise SheetInputError(
                "reading workbooks needs openpyxl: pip install 'sphinxcontrib-plan[sheets]'"
            ) from None
        try:
            book = load_workbook(path, data_only=False)
        except Exception as err:  # openpyxl raises many kinds for a foreign file
            raise SheetInputError(
                f"{str(path)!r} is not a readable workbook: {' '.join(str(err).split())[:200]}"
            ) from None
        for sheet in book.worksheets:
            if sheet.merged_cells.ranges:
                first = sorted(str(r) for r in sheet.merged_cells.ranges)[0]
                raise SheetInputError(
                    f"sheet {sheet.title!r}: merged cells {first}; "
                    "unmerge them (one value per cell)"
                )
            data: list[list[Any]] = []
            for row in sheet.iter_rows():
                values = []
                for cell in row:
                    value = cell.value
                    if cell.data_type == "f":
                        # LibreOffice saves a boolean as the formula TRUE() or FALSE()
                        value = _BOOLEAN_FORMULAS.get(str(value).upper().replace(" ", ""))
                        if value is None:
                            raise SheetInputError(
                                f"sheet {sheet.title!r}, cell "
                                f"{cell.coordinate}: a formula; write the "
                                "value instead"
                            )
                    values.append(value)
                data.append(values)
            tables.append(_table(sheet.title, data))
    meta = next((t for t in tables if t[0] == META_SHEET), None)
    if meta is None:
        raise SheetInputError(
            f"{str(path)!r} has no {META_SHEET!r} sheet: not written by "
            "'sphinx-plan export --format xlsx|csv'"
        )
    keys = {cell_text(cells.get("key")): cell_text(cells.get("value")) for _, cells in meta[2]}
    return keys, [t for t in tables if t[0] != META_SHEET]


def coordinate(row: int, column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"{letters}{row}"


def _table(name: str, data: list[list[Any]]) -> Table:
    header = [str(v).strip() if v is not None else "" for v in (data[0] if data else [])]
    while header and not header[-1]:
        header.pop()
    rows = []
    for number, values in enumerate(data[1:], start=2):
        cells = {h: values[i] if i < len(values) else None for i, h in enumerate(header) if h}
        if any(v not in (None, "") for v in cells.values()):
            rows.append((number, cells))
    return name, header, rows


def cell_text(value: Any) -> str:
    """A cell as the option text a directive would hold.

    :param value: the cell's value (openpyxl or CSV)
    :return: the text, ``""`` for an empty cell
    """
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


__all__ = ["SheetInputError", "Table", "cell_text", "coordinate", "read_tables"]

"""An office's own list of units from an .xlsx, .xls, .ods or .csv file, as rows of values.

Excel and LibreOffice files through calamine (every sheet; the one whose header names the units
is used). A .csv as Excel writes it: "CSV UTF-8" (with a BOM), or "CSV" in the Windows code page
of a Vietnamese machine (cp1258), with commas, semicolons or tabs.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook

from sync.errors import UsageError
from sync.rules.roster_import import ImportedRoster, find_header, read_roster
from sync.rules.text import one_line

SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods")
ENCODINGS = ("utf-8-sig", "utf-16", "cp1258")


def read_roster_file(path: Path) -> tuple[ImportedRoster, str]:
    """The units of the office's list, and where they were read ("ds.xlsx, sheet 'DS'")."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise UsageError(f"--roster {path}: file not found")
    if suffix == ".csv" or suffix == ".txt":
        return read_roster(csv_rows(path), path.name), path.name
    if suffix not in SPREADSHEETS:
        raise UsageError(f"--roster {path}: not a list tonghop reads (.xlsx, .xls, .ods or .csv)")
    try:
        book = CalamineWorkbook.from_path(str(path))
        sheets = [(name, book.get_sheet_by_name(name).to_python(skip_empty_area=False))
                  for name in book.sheet_names]
    except (CalamineError, OSError, ValueError) as err:
        raise UsageError(f"--roster {path}: cannot be opened ({one_line(err, 160)}); save it "
                         "again from Excel as .xlsx") from None
    for name, rows in sheets:
        if find_header(rows) is not None:
            where = f"{path.name}, sheet '{name}'" if len(sheets) > 1 else path.name
            return read_roster(rows, where), where
    return read_roster(sheets[0][1] if sheets else [], path.name), path.name


def csv_rows(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    text = None
    for encoding in ENCODINGS:
        if encoding == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        raise UsageError(f"--roster {path}: neither UTF-8 nor the Vietnamese Windows code page "
                         "(cp1258); save it from Excel as \"CSV UTF-8\" or .xlsx")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect)]

"""An office's own list of units (an .xlsx, .xls or .csv as offices keep it) read into roster rows.

Offices keep the list in many layouts: a title and a date above the header row, an ``STT``
column, section rows ("I. KHỐI ĐẢNG") instead of a group column, codes or none, e-mail under
``Email`` or ``Thư điện tử``. This finds the header row by the words it holds, reads what it
recognises, makes a code for each unit the list gives none, and says what it could not read.
Pure: the rows come in as values (``sync.office.roster_file`` reads the file).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from sync.rules.text import clean, simple_key, strip_accents

DEFAULT_GROUP = "Chung"
HEADER_SCAN_ROWS = 20  # titles, dates and blank lines an office puts above its header row
MAX_CODE = 10

# The headers offices use, by what they hold; compared after simple_key and without accents.
_FIELDS: dict[str, tuple[str, ...]] = {
    "number": ("stt", "so tt", "so thu tu", "tt", "no"),
    "code": ("ma", "ma don vi", "ma dv", "ma so", "ma co quan", "ky hieu", "code"),
    "name": ("ten don vi", "don vi", "ten", "ten co quan", "co quan", "ten co quan don vi",
             "co quan don vi", "ten don vi co quan", "ten truong", "don vi truc thuoc", "name"),
    "email": ("email", "e mail", "thu dien tu", "dia chi email", "dia chi thu dien tu", "mail",
              "hop thu", "hop thu dien tu", "dia chi e mail"),
    "group": ("nhom", "khoi", "loai", "linh vuc", "loai hinh", "nhom don vi", "khoi don vi",
              "loai don vi", "cap", "khoi nganh", "nganh", "group"),
    "aliases": ("ten goi khac", "ten khac", "bi danh", "ten viet tat", "viet tat"),
    "active": ("dang hoat dong", "hoat dong", "con hoat dong"),
}
_LOOKUP = {key: name for name, keys in _FIELDS.items() for key in keys}
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_EMAIL = re.compile(r"[^@\s;,]+@[^@\s;,]+\.[^@\s;,]+")
# "I. KHỐI ĐẢNG", "A - Các phòng ban", "1) Trường học", "II KHỐI ĐOÀN THỂ"
_SECTION_NUMBER = re.compile(r"^\s*(?:[IVXLC]+|[A-Za-z]|\d{1,2})\s*[.)\-–:]\s*|^\s*[IVXLC]+\s+(?=\S)")
_LEADING = {"ubnd", "truong"}  # left out of a made code: nearly every unit has one
_NUMERAL = re.compile(r"[IVXLC]+\.?|[A-Za-z][.)]?")
_TOTAL = {"tong", "tong cong", "cong", "tong so"}
_NO = {"khong", "no", "n", "0", "false", "ngung", "ngung hoat dong", "da giai the"}


@dataclass(frozen=True)
class ImportedUnit:
    code: str
    name: str
    group: str
    email: str
    aliases: str
    active: bool
    source_row: int  # 1-based row in the office's file
    code_made: bool  # the list gave no code: tonghop made it


@dataclass
class ImportedRoster:
    units: list[ImportedUnit] = field(default_factory=list)
    header_row: int | None = None
    columns: dict[str, str] = field(default_factory=dict)  # field -> header as written
    unused: list[str] = field(default_factory=list)  # headers not read
    notes: list[str] = field(default_factory=list)  # what could not be read, and what was assumed


def header_field(value: object) -> str | None:
    """Which roster field a header names ("Thư điện tử" -> "email"), or None."""
    text = _BRACKETS.sub(" ", clean(value))
    key = strip_accents(simple_key(text))
    return _LOOKUP.get(key)


def find_header(rows: Sequence[Sequence[object]]) -> tuple[int, dict[str, int], int] | None:
    """(index of the header row, field -> column index, header rows): the row among the first
    ones naming a unit-name column and the most other known columns; with the row below it when
    that one names more (a two-row header: "Liên hệ" merged over "Email" and "Điện thoại")."""
    best: tuple[int, dict[str, int]] | None = None
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        found = _fields(row)
        if "name" in found and (best is None or len(found) > len(best[1])):
            best = (i, found)
    if best is None:
        return None
    i, found = best
    below = _fields(rows[i + 1]) if i + 1 < len(rows) else {}
    more = {k: j for k, j in below.items() if k not in found and j not in found.values()}
    if more and not below.keys() & found.keys():
        return i, {**found, **more}, 2
    return i, found, 1


def _fields(row: Sequence[object]) -> dict[str, int]:
    found: dict[str, int] = {}
    for j, value in enumerate(row):
        name = header_field(value)
        if name and name not in found:
            found[name] = j
    return found


def make_code(name: str) -> str:
    """A short code from a unit's name: initials without accents, words already in capitals
    (THCS) and numbers kept whole, a leading "UBND" or "Trường" left out: "Trường THCS Nhân
    Chính" -> "THCSNC", "UBND phường Nhân Chính" -> "PNC", "Phòng Nội vụ" -> "PNV"."""
    parts = []
    words = re.findall(r"\w+", strip_accents(clean(name)))
    while len(words) > 2 and words[0].casefold() in _LEADING:
        words = words[1:]
    for word in words:
        if word.isdigit() or (word.isupper() and len(word) > 1):
            parts.append(word.upper())
        else:
            parts.append(word[0].upper())
    return "".join(parts)[:MAX_CODE] or "DV"


def _unique(code: str, taken: set[str]) -> str:
    if code.casefold() not in taken:
        return code
    n = 2
    while f"{code}{n}".casefold() in taken:
        n += 1
    return f"{code}{n}"


def _header_texts(header_rows: Sequence[Sequence[object]]) -> list[str]:
    """Each column's header: the lowest header row's text where it has one ("Email" under a
    merged "Liên hệ"), else the one above."""
    width = max(len(r) for r in header_rows)
    texts = [""] * width
    for row in header_rows:
        for j, value in enumerate(row):
            if clean(value):
                texts[j] = clean(value)
    return texts


def _section(row: Sequence[object], cols: dict[str, int]) -> str | None:
    """A row that names a group for the rows below it: "I | KHỐI ĐẢNG" (a roman numeral or a
    letter where the number goes), or one text cell, numbered ("A. Các phòng ban") or in
    capitals; None for any other row."""
    cells = [(j, clean(v)) for j, v in enumerate(row) if clean(v)]
    number = cols.get("number")
    marker = [t for j, t in cells if j == number]
    rest = [t for j, t in cells if j != number]
    if marker and not _NUMERAL.fullmatch(marker[0]):
        return None  # 1, 2, 3: a unit's row
    if len(rest) != 1:
        return None
    text = rest[0]
    if header_field(text) is not None or _is_total(text):
        return None
    if not marker and not _SECTION_NUMBER.match(text) and not text.isupper():
        return None
    return clean(_SECTION_NUMBER.sub("", text)) or None


def _is_total(text: str) -> bool:
    key = strip_accents(simple_key(text))
    return key in _TOTAL or key.startswith(("tong cong ", "tong so "))


def _emails(text: str) -> tuple[str, str | None]:
    """(what to keep, what could not be read): addresses separated by ';' or ','."""
    parts = [p for p in re.split(r"[;,\s]+", text) if p]
    bad = [p for p in parts if not _EMAIL.fullmatch(p)]
    if bad:
        return "", text
    return "; ".join(parts), None


def read_roster(rows: Sequence[Sequence[object]], where: str = "the list") -> ImportedRoster:
    """The units of an office's list; ``where`` names it in notes ("ds.xlsx, sheet 'DS'")."""
    out = ImportedRoster()
    found = find_header(rows)
    if found is None:
        out.notes.append(f"{where}: no header row naming the units (e.g. 'Tên đơn vị' or 'Đơn "
                         f"vị') in its first {HEADER_SCAN_ROWS} rows; nothing read")
        return out
    index, cols, span = found
    header = _header_texts(rows[index:index + span])
    out.header_row = index + 1
    out.columns = {name: header[j] for name, j in cols.items()}
    out.unused = [v for j, v in enumerate(header) if v and j not in cols.values()]
    group_now = ""
    taken: set[str] = set()
    names: dict[str, int] = {}

    def cell(row: Sequence[object], name: str) -> str:
        j = cols.get(name)
        return clean(row[j]) if j is not None and j < len(row) else ""

    for i in range(index + span, len(rows)):
        row, r = rows[i], i + 1
        if not any(clean(v) for v in row):
            continue
        section = _section(row, cols)
        if section is not None and "group" not in cols:
            group_now = section
            continue
        name = cell(row, "name")
        if not name:
            if section is None:
                out.notes.append(f"{where}, row {r}: no unit name; row skipped")
            continue
        if _is_total(name):
            continue
        key = simple_key(name)
        if key in names:
            out.notes.append(f"{where}, row {r}: '{name}' is listed again (first on row "
                             f"{names[key]}); row skipped")
            continue
        names[key] = r
        email, bad = _emails(cell(row, "email"))
        if bad:
            out.notes.append(f"{where}, row {r}, column '{out.columns['email']}': '{bad}' is not "
                             "an e-mail address; left empty")
        active = simple_key(strip_accents(cell(row, "active"))) not in _NO
        code = cell(row, "code")
        if code and code.casefold() in taken:
            out.notes.append(f"{where}, row {r}: code '{code}' is used again; a new one is made")
            code = ""
        if code:
            taken.add(code.casefold())
        group = cell(row, "group") or group_now
        out.units.append(ImportedUnit(code, name, group, email, cell(row, "aliases"), active, r,
                                      not code))
    # Codes made after every given code is known, so a made code never takes a given one.
    made = 0
    for n, unit in enumerate(out.units):
        if unit.code:
            continue
        code = _unique(make_code(unit.name), taken)
        taken.add(code.casefold())
        out.units[n] = _with(unit, code=code)
        made += 1
    if made:
        out.notes.append(f"{where}: {made} unit(s) had no code; made from the name (e.g. "
                         f"{next(u for u in out.units if u.code_made).code}): change them in the "
                         "roster tab before the first sync if you prefer others")
    if not any(u.group for u in out.units) and out.units:
        out.units = [_with(u, group=DEFAULT_GROUP) for u in out.units]
        out.notes.append(f"{where}: no group column (Nhóm, Khối, Loại, Lĩnh vực) or section rows: "
                         f"every unit is in group '{DEFAULT_GROUP}'")
    elif missing := [u for u in out.units if not u.group]:
        out.units = [_with(u, group=u.group or DEFAULT_GROUP) for u in out.units]
        out.notes.append(f"{where}: {len(missing)} unit(s) without a group (first on row "
                         f"{missing[0].source_row}) put in group '{DEFAULT_GROUP}'")
    if "email" not in cols and out.units:
        out.notes.append(f"{where}: no e-mail column (Email, Thư điện tử): reminders go to the "
                         "'Nhắc nhở' tab only until you add addresses")
    return out


def _with(unit: ImportedUnit, **changes) -> ImportedUnit:
    return replace(unit, **changes)

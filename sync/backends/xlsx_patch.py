"""Saving the local workbook by editing only the cells the tool writes, in the .xlsx's own XML.

openpyxl rewrites a whole workbook from what it understood: formulas lose their cached values (the
next read sees them empty), data validations of the x14 kind (a dropdown whose list is on another
tab), charts, images, pivot tables and date cells it cannot read are dropped or changed. This
writer copies every part of the zip byte for byte and edits only:

- the worksheets it writes to: the cells it writes (``<c>`` in ``<sheetData>``), ``<dimension>``,
  the ``<col>`` default style of a column it formats, and a ``<dataValidation>`` (dropdown) it adds;
- ``xl/styles.xml``: fills, number formats and a bold font appended (existing styles are never changed; a cell's
  new style is a copy of its old one with the fill or font replaced);
- for a tab it creates: a new worksheet part, and one entry each in ``xl/workbook.xml``, its rels
  and ``[Content_Types].xml``;
- ``xl/calcChain.xml`` is dropped (Excel rebuilds it) only when a formula cell was overwritten.

Strings are written inline (``t="inlineStr"``), so the shared-string table is never rewritten, and
text that looks like a formula stays text.

A worksheet is never held whole (``xlsx_stream``): its skeleton (everything but the rows) takes
the edits above, and ``write`` streams its rows, the planned cells merged in by (row, column),
into a temporary file that ``save`` copies into the new package.
"""

from __future__ import annotations

import copy
import posixpath
import re
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, BinaryIO

from lxml import etree

from sync.backends import xlsx_stream
from sync.errors import AccessError
from sync.rules.book import CellColour, CellWrite, ColumnChoice, column_letters

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
WORKSHEET = R_NS + "/worksheet"
OFFICE_DOCUMENT = R_NS + "/officeDocument"
WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CELL_LIMIT = 32_767
EXCEL_ROWS = 1_048_576
# CT_Worksheet's children after <dataValidations>, in schema order: a new one goes before these.
_AFTER_VALIDATIONS = ("hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter",
                      "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors",
                      "smartTags", "drawing", "legacyDrawing", "legacyDrawingHF", "picture",
                      "oleObjects", "controls", "webPublishItems", "tableParts", "extLst")
# Control characters XML 1.0 cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE, without importing
# openpyxl into every cycle that saves)
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
_REF = re.compile(r"^([A-Z]+)([0-9]+)$")
_F, _V, _IS, _T = (f"{{{NS}}}{tag}" for tag in ("f", "v", "is", "t"))


def q(tag: str, ns: str = NS) -> str:
    return f"{{{ns}}}{tag}"


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def parse_ref(ref: str) -> tuple[int, int]:
    found = _REF.match(ref or "")
    if not found:
        raise ValueError(ref)
    return int(found.group(2)), col_index(found.group(1))


class CannotPatch(AccessError):
    """The workbook's XML is not what the patcher can edit safely; nothing was written."""


@dataclass
class _Edits:
    """What one ``write`` puts into one worksheet's rows."""

    cells: list[CellWrite] = field(default_factory=list)
    colours: list[CellColour] = field(default_factory=list)
    bold: set[int] = field(default_factory=set)


def _position(item: CellWrite | CellColour) -> tuple[int, int]:
    return item.row, item.col


class XlsxPatch:
    """An .xlsx opened for cell edits; ``save`` writes the whole package to a handle."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as err:
            raise AccessError(f"workbook {path} cannot be opened as .xlsx: {err}") from None
        self.names = self.zip.namelist()
        self.parts: dict[str, etree._Element] = {}
        self.new_parts: list[str] = []
        self.drop: set[str] = set()
        self.dirty: set[str] = set()  # parts edited: only these are written anew
        self.worksheets: set[str] = set()  # existing worksheet parts: parsed as skeletons only
        self.workbook_part = self._office_document()
        self.sheets = self._sheets()
        self.worksheets = set(self.sheets.values()) & set(self.names)
        self.pending: dict[str, _Edits] = {}  # worksheet -> rows to edit at the next stream
        self.touched: dict[str, None] = {}  # worksheets edited since they were last streamed
        self.streamed: dict[str, IO[bytes]] = {}  # worksheet -> its new XML, in a temporary file
        self._merges: dict[str, list[tuple[int, int, int, int, str]]] = {}
        self._xf_cache: dict[tuple[int, str, str | None], int] = {}
        # told (rows streamed, rows to stream, "rows") while a save streams its worksheets
        self.on_progress: Callable[[int, int, str], None] | None = None
        self.rows_read: Mapping[str, int] = {}  # rows of each tab as the backend read them
        self._rows_done = self._rows_total = 0

    # -- package -------------------------------------------------------------------------------
    def xml(self, name: str) -> etree._Element:
        """A part's XML tree; for a worksheet, its skeleton (no rows: they are streamed)."""
        if name not in self.parts:
            try:
                if name in self.worksheets:
                    with self.zip.open(name) as stream:
                        self.parts[name] = xlsx_stream.skeleton(stream)
                else:
                    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
                    self.parts[name] = etree.fromstring(self.zip.read(name), parser)
            except KeyError:
                raise CannotPatch(f"workbook {self.path}: part {name} is missing") from None
            except etree.XMLSyntaxError as err:
                raise CannotPatch(f"workbook {self.path}: part {name} is not well-formed XML "
                                  f"({err}); open and save it once in Excel or LibreOffice") from None
        return self.parts[name]

    def _office_document(self) -> str:
        for rel in self.xml("_rels/.rels").iter(q("Relationship", PKG_NS)):
            if rel.get("Type") == OFFICE_DOCUMENT:
                return rel.get("Target").lstrip("/")
        raise CannotPatch(f"workbook {self.path} has no workbook part")

    def _rels_name(self, part: str) -> str:
        folder, name = posixpath.split(part)
        return posixpath.join(folder, "_rels", name + ".rels")

    def _target(self, part: str, target: str) -> str:
        if target.startswith("/"):
            return target.lstrip("/")
        return posixpath.normpath(posixpath.join(posixpath.dirname(part), target))

    def _sheets(self) -> dict[str, str]:
        rels = {r.get("Id"): r for r in self.xml(self._rels_name(self.workbook_part)).iter(
            q("Relationship", PKG_NS))}
        out = {}
        for sheet in self.xml(self.workbook_part).iter(q("sheet")):
            rel = rels.get(sheet.get(q("id", R_NS)))
            if rel is not None and rel.get("Type") == WORKSHEET:
                out[sheet.get("name")] = self._target(self.workbook_part, rel.get("Target"))
        return out

    def save(self, handle: BinaryIO) -> None:
        self._flush()
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as out:
            for info in self.zip.infolist():
                name = info.filename
                if name in self.drop:
                    continue
                if name in self.streamed:
                    entry = copy.copy(info)
                    entry.compress_type = zipfile.ZIP_DEFLATED
                    entry.file_size = self._streamed_size(name)
                    _copy_into(out, entry, self.streamed[name])
                elif name in self.dirty:
                    out.writestr(info, _serialise(self.parts[name]), compress_type=zipfile.ZIP_DEFLATED)
                else:
                    with self.zip.open(info) as stream:  # file_size: the original's
                        _copy_into(out, copy.copy(info), stream)
            for name in self.new_parts:
                if name in self.streamed:
                    entry = zipfile.ZipInfo(name, time.localtime()[:6])
                    entry.compress_type = zipfile.ZIP_DEFLATED
                    entry.external_attr = 0o600 << 16  # as writestr gives a new member
                    entry.file_size = self._streamed_size(name)
                    _copy_into(out, entry, self.streamed[name])
                else:
                    out.writestr(name, _serialise(self.parts[name]))

    def _streamed_size(self, name: str) -> int:
        size = self.streamed[name].seek(0, 2)
        self.streamed[name].seek(0)
        return size

    def close(self) -> None:
        self.zip.close()
        for temporary in self.streamed.values():
            temporary.close()
        self.streamed.clear()

    # -- merged ranges -------------------------------------------------------------------------
    def merged(self, title: str, row: int, col: int) -> str | None:
        part = self.sheets.get(title)
        if part is None or part in self.new_parts:
            return None
        if part not in self._merges:  # asked once per planned cell: parse the ranges once
            spans = []
            for merge in self.xml(part).iter(q("mergeCell")):
                ref = merge.get("ref", "")
                first, _, last = ref.partition(":")
                try:
                    (r1, c1), (r2, c2) = parse_ref(first), parse_ref(last or first)
                except ValueError:
                    continue
                spans.append((r1, c1, r2, c2, ref))
            self._merges[part] = spans
        for r1, c1, r2, c2, ref in self._merges[part]:
            if r1 <= row <= r2 and c1 <= col <= c2:
                return ref
        return None

    # -- new tabs ------------------------------------------------------------------------------
    def add_sheet(self, title: str) -> None:
        if title in self.sheets:
            return
        taken = set(self.names) | set(self.new_parts)
        n = 1
        while f"xl/worksheets/sheet{n}.xml" in taken:
            n += 1
        part = f"xl/worksheets/sheet{n}.xml"
        root = etree.fromstring(
            f'<worksheet xmlns="{NS}" xmlns:r="{R_NS}"><dimension ref="A1"/><sheetViews>'
            '<sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft"'
            ' state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView>'
            '</sheetViews><sheetFormatPr defaultRowHeight="15"/><sheetData/><pageMargins left="0.7"'
            ' right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>')
        self.parts[part] = root
        self.new_parts.append(part)
        rels = self.xml(self._rels_name(self.workbook_part))
        self.dirty.update({self._rels_name(self.workbook_part), self.workbook_part,
                           "[Content_Types].xml"})
        ids = {r.get("Id") for r in rels}
        k = len(ids) + 1
        while f"rId{k}" in ids:
            k += 1
        rel = etree.SubElement(rels, q("Relationship", PKG_NS))
        rel.set("Id", f"rId{k}")
        rel.set("Type", WORKSHEET)
        rel.set("Target", posixpath.relpath(part, posixpath.dirname(self.workbook_part)))
        book = self.xml(self.workbook_part)
        sheets = book.find(q("sheets"))
        sheet = etree.SubElement(sheets, q("sheet"))
        sheet.set("name", title)
        sheet.set("sheetId", str(max([int(s.get("sheetId", 0)) for s in sheets] + [0]) + 1))
        sheet.set(q("id", R_NS), f"rId{k}")
        types = self.xml("[Content_Types].xml")
        override = etree.SubElement(types, q("Override", CT_NS))
        override.set("PartName", "/" + part)
        override.set("ContentType", WORKSHEET_CT)
        self.sheets[title] = part

    # -- cells ---------------------------------------------------------------------------------
    def _touch(self, part: str) -> None:
        self.dirty.add(part)
        self.touched[part] = None

    def _edits(self, part: str) -> _Edits:
        self._touch(part)
        return self.pending.setdefault(part, _Edits())

    def _extend_dimension(self, part: str, row: int, col: int) -> None:
        dimension = self.xml(part).find(q("dimension"))
        if dimension is None:
            return
        first, _, last = dimension.get("ref", "A1").partition(":")
        try:
            (r1, c1), (r2, c2) = parse_ref(first), parse_ref(last or first)
        except ValueError:
            return
        r2, c2 = max(r2, row), max(c2, col)
        dimension.set("ref", f"{column_letters(c1)}{r1}:{column_letters(c2)}{r2}")

    def write(self, cells: Iterable[CellWrite], colours: Iterable[CellColour],
              bold_rows: Iterable[tuple[str, int]] = (),
              number_formats: Mapping[tuple[str, int], str] | None = None,
              choices: Iterable[ColumnChoice] = ()) -> None:
        """Values, then number formats for numbers in formatted columns, then fills, then bold
        rows; each edited worksheet streamed once, here (a sheet the patcher cannot edit is
        refused before anything is saved)."""
        for (title, col), pattern in (number_formats or {}).items():
            self._column_style(self.sheets[title], col, self._style(0, "numfmt", pattern))
        for item in cells:
            self._edits(self.sheets[item.tab]).cells.append(item)
        for choice in choices:
            self._add_choice(choice)
        for item in colours:
            self._edits(self.sheets[item.tab]).colours.append(item)
        for title, row in bold_rows:
            self._edits(self.sheets[title]).bold.add(row)
        self._flush()

    def _flush(self) -> None:
        parts = list(self.touched)
        self._rows_done, self._rows_total = 0, sum(map(self._rows_to_stream, parts))
        for part in parts:
            self._stream(part, self.pending.pop(part, _Edits()))
        self.touched.clear()

    def _rows_to_stream(self, part: str) -> int:
        """The rows a save of ``part`` streams: those it has, and those its edits add below."""
        edits = self.pending.get(part)
        added = max((i.row for i in (*edits.cells, *edits.colours)), default=0) if edits else 0
        return max(self._last_row(part), added)

    def _last_row(self, part: str) -> int:
        """The rows ``part`` has, for the progress of a save: as read (a write-only openpyxl
        file has no dimension to say it), else as its dimension says."""
        title = next((t for t, p in self.sheets.items() if p == part), None)
        if title in self.rows_read:
            return self.rows_read[title]
        found = self.xml(part).find(q("dimension"))
        last = (found.get("ref", "") if found is not None else "").rpartition(":")[2]
        return int("".join(ch for ch in last if ch.isdigit()) or 0)

    def _counted(self, rows: Iterable[bytes]) -> Iterator[bytes]:
        """``rows`` as they go, telling ``on_progress`` every 5,000 rows (a first sync of a
        100,000-row tab streams for several seconds)."""
        if self.on_progress is None:
            yield from rows
            return
        n = 0
        for n, row in enumerate(rows, 1):
            yield row
            if n % 5000 == 0:
                self.on_progress(self._rows_done + n, max(self._rows_total, self._rows_done + n), "rows")
        self._rows_done += n
        self.on_progress(self._rows_done, max(self._rows_total, self._rows_done), "rows")

    def _stream(self, part: str, edits: _Edits) -> None:
        """Write ``part`` anew into a temporary file: its skeleton around its rows, the rows
        ``edits`` names edited on the way (in (row, column) order; a later write to a cell wins)."""
        sheet = self.xml(part)
        data = sheet.find(q("sheetData"))
        if data is None:
            raise CannotPatch(f"workbook {self.path}: {part} has no sheetData")
        cells = sorted(edits.cells, key=_position)  # stable: the batch's order within a cell
        colours = sorted(edits.colours, key=_position)
        if cells or colours:
            self._extend_dimension(part, max(i.row for i in (*cells[-1:], *colours[-1:])),
                                   max(i.col for i in (*cells, *colours)))
        numbers = sorted({i.row for i in cells} | {i.row for i in colours} | edits.bold)
        column_styles = self._column_styles(part)
        at = {"cell": 0, "colour": 0}

        def taken(items: list, key: str, number: int) -> list:
            start = end = at[key]
            while end < len(items) and items[end].row == number:
                end += 1
            at[key] = end
            return items[start:end]

        def complain(what: str) -> CannotPatch:
            return CannotPatch(f"workbook {self.path}: {what} in {part} "
                               "(save it once in Excel or LibreOffice)")

        def edit(row: etree._Element, number: int) -> None:
            self._edit_row(xlsx_stream.RowCells(row, number, complain), taken(cells, "cell", number),
                           taken(colours, "colour", number), number in edits.bold, column_styles)

        marker = etree.Comment(" tonghop: the rows ")
        data.append(marker)
        head, _, tail = _serialise(sheet).partition(b"<!-- tonghop: the rows -->")
        data.remove(marker)
        # beside the workbook, not in /tmp (a RAM disk on many systems: the 100k tab is ~90 MB
        # of XML); unnamed, so a crash leaves nothing behind
        out = tempfile.TemporaryFile(dir=self.path.parent)  # noqa: SIM115 - open until save()
        try:
            source = self._source(part)
            try:
                out.write(head)
                out.writelines(self._counted(xlsx_stream.rows(source, data, numbers, edit)))
                out.write(tail)
            finally:
                if source is not None and source is not self.streamed.get(part):
                    source.close()
        except xlsx_stream.RowsOutOfOrder as err:
            out.close()
            raise complain(f"row {err} out of order" if str(err) else "a row without a number") from None
        except etree.XMLSyntaxError as err:
            out.close()
            raise CannotPatch(f"workbook {self.path}: part {part} is not well-formed XML ({err}); "
                              "open and save it once in Excel or LibreOffice") from None
        except BaseException:
            out.close()
            raise
        old = self.streamed.pop(part, None)
        if old is not None:
            old.close()
        self.streamed[part] = out

    def _edit_row(self, found: xlsx_stream.RowCells, values: list[CellWrite], fills: list[CellColour],
                  bold: bool, column_styles: dict[int, int]) -> None:
        """One row's writes: values (a number in a formatted column takes the column's style),
        then fills, then bold."""
        row, number = found.row, found.number
        if values or fills:
            row.attrib.pop("spans", None)  # a hint only; stale once a cell is added
        for item in values:
            cell = found.get(item.col)
            self._set_value(cell, item.value)
            if number > 1 and isinstance(item.value, int | float) and not isinstance(item.value, bool):
                style = column_styles.get(item.col)
                if style is not None and cell.get("s", "0") == "0":
                    cell.set("s", str(style))  # like a number typed into a formatted column
        for item in fills:
            cell = found.get(item.col)
            cell.set("s", str(self._style(int(cell.get("s", "0")), "fill", item.colour)))
        if bold:
            for cell in row.iterfind(q("c")):
                cell.set("s", str(self._style(int(cell.get("s", "0")), "bold", None)))

    def _source(self, part: str) -> IO[bytes] | None:
        """Where the rows of ``part`` are now: its last stream, the package, or nowhere (new)."""
        if part in self.streamed:
            self.streamed[part].seek(0)
            return self.streamed[part]
        if part in self.new_parts:
            return None
        return self.zip.open(part)

    def _set_value(self, cell: etree._Element, value: object) -> None:
        if len(cell):  # a new cell has no children: nothing to clear (a first sync: every cell)
            for child in list(cell):
                if child.tag == _F:
                    self.drop_calc_chain()
                if child.tag in (_F, _V, _IS):
                    cell.remove(child)
        cell.attrib.pop("t", None)
        if value is None or value == "":
            return
        if isinstance(value, bool):
            cell.set("t", "b")
            etree.SubElement(cell, _V).text = "1" if value else "0"
        elif isinstance(value, int | float):
            etree.SubElement(cell, _V).text = repr(value) if isinstance(value, float) else str(value)
        else:
            text = ILLEGAL_CHARACTERS_RE.sub("", str(value))[:CELL_LIMIT]
            cell.set("t", "inlineStr")
            node = etree.SubElement(etree.SubElement(cell, _IS), _T)
            node.text = text
            if text != text.strip() or "\n" in text:
                node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")

    def drop_calc_chain(self) -> None:
        """Excel rebuilds the calculation chain; a stale one (naming a cell that no longer has a
        formula) makes it offer to repair the file."""
        chain = posixpath.join(posixpath.dirname(self.workbook_part), "calcChain.xml")
        if chain not in self.names or chain in self.drop:
            return
        self.drop.add(chain)
        rels = self.xml(self._rels_name(self.workbook_part))
        self.dirty.update({self._rels_name(self.workbook_part), "[Content_Types].xml"})
        for rel in list(rels):
            if self._target(self.workbook_part, rel.get("Target", "")) == chain:
                rels.remove(rel)
        types = self.xml("[Content_Types].xml")
        for override in list(types):
            if override.get("PartName") == "/" + chain:
                types.remove(override)

    # -- styles --------------------------------------------------------------------------------
    def _styles(self) -> etree._Element:
        for rel in self.xml(self._rels_name(self.workbook_part)).iter(q("Relationship", PKG_NS)):
            if rel.get("Type", "").endswith("/styles"):
                part = self._target(self.workbook_part, rel.get("Target"))
                self.dirty.add(part)
                return self.xml(part)
        raise CannotPatch(f"workbook {self.path} has no styles part")

    def _style(self, xf_index: int, kind: str, value: str | None) -> int:
        """A copy of style ``xf_index`` with its fill (``value``: a colour), number format
        (``value``: a pattern) or font made bold."""
        key = (xf_index, kind, value)
        if key in self._xf_cache:
            return self._xf_cache[key]
        styles = self._styles()
        xfs = styles.find(q("cellXfs"))
        if xfs is None or xf_index >= len(xfs):
            raise CannotPatch(f"workbook {self.path}: style {xf_index} not found")
        xf = copy.deepcopy(xfs[xf_index])
        if kind == "fill":
            xf.set("fillId", str(self._fill(styles, value)))
            xf.set("applyFill", "1")
        elif kind == "numfmt":
            xf.set("numFmtId", str(self._number_format(styles, value or "General")))
            xf.set("applyNumberFormat", "1")
        else:
            xf.set("fontId", str(self._bold_font(styles, int(xf.get("fontId", "0")))))
            xf.set("applyFont", "1")
        xfs.append(xf)
        xfs.set("count", str(len(xfs)))
        self._xf_cache[key] = len(xfs) - 1
        return len(xfs) - 1

    def _fill(self, styles: etree._Element, colour: str | None) -> int:
        if not colour:
            return 0  # the "none" fill every styles part starts with
        fills = styles.find(q("fills"))
        rgb = "FF" + colour.lstrip("#").upper()
        fill = etree.SubElement(fills, q("fill"))
        pattern = etree.SubElement(fill, q("patternFill"), patternType="solid")
        etree.SubElement(pattern, q("fgColor"), rgb=rgb)
        etree.SubElement(pattern, q("bgColor"), rgb=rgb)
        fills.set("count", str(len(fills)))
        return len(fills) - 1

    def _number_format(self, styles: etree._Element, pattern: str) -> int:
        """The id of a custom number format (ids from 164 up are the workbook's own)."""
        formats = styles.find(q("numFmts"))
        if formats is None:
            formats = etree.Element(q("numFmts"))
            styles.insert(0, formats)  # numFmts comes first in a styleSheet
        ids = [int(f.get("numFmtId", "0")) for f in formats]
        for fmt in formats:
            if fmt.get("formatCode") == pattern:
                return int(fmt.get("numFmtId"))
        new_id = max([163, *ids]) + 1
        etree.SubElement(formats, q("numFmt"), numFmtId=str(new_id), formatCode=pattern)
        formats.set("count", str(len(formats)))
        return new_id

    # -- columns: default styles and dropdowns -------------------------------------------------
    def _column_styles(self, part: str) -> dict[int, int]:
        """Column -> the style of its ``<col>`` entry (what Excel gives a value typed there)."""
        out: dict[int, int] = {}
        cols = self.xml(part).find(q("cols"))
        for col in cols if cols is not None else ():
            if col.get("style") is not None:
                for i in range(int(col.get("min")), min(int(col.get("max")), 16_384) + 1):
                    out[i] = int(col.get("style"))
        return out

    def _column_style(self, part: str, index: int, style: int) -> None:
        """Give column ``index`` a default style, splitting a ``<col>`` range that covers it."""
        self._touch(part)
        sheet = self.xml(part)
        cols = sheet.find(q("cols"))
        if cols is None:
            cols = etree.Element(q("cols"))
            sheet.find(q("sheetData")).addprevious(cols)  # cols sits just before sheetData
        for col in list(cols):
            low, high = int(col.get("min")), int(col.get("max"))
            if not low <= index <= high:
                continue
            for lo, hi in ((low, index - 1), (index + 1, high)):
                if lo <= hi:
                    part_col = copy.deepcopy(col)
                    part_col.set("min", str(lo))
                    part_col.set("max", str(hi))
                    col.addprevious(part_col) if lo < index else col.addnext(part_col)
            col.set("min", str(index))
            col.set("max", str(index))
            col.set("style", str(style))
            return
        new = etree.Element(q("col"), min=str(index), max=str(index), width="14", style=str(style),
                            customWidth="1")
        later = [c for c in cols if int(c.get("min")) > index]
        if later:
            later[0].addprevious(new)
        else:
            cols.append(new)

    def _add_choice(self, choice: ColumnChoice) -> None:
        """A dropdown on a column (row 2 down) listing another tab's column (row 2 down): Excel,
        LibreOffice and Google show it alike; the list follows the source column."""
        part = self.sheets[choice.tab]
        self._touch(part)
        sheet = self.xml(part)
        letter, source = column_letters(choice.col), column_letters(choice.source_col)
        sqref = f"{letter}2:{letter}{EXCEL_ROWS}"
        holder = sheet.find(q("dataValidations"))
        if holder is None:
            holder = etree.Element(q("dataValidations"))
            later = next((child for child in sheet if etree.QName(child).localname in _AFTER_VALIDATIONS),
                         None)
            if later is not None:
                later.addprevious(holder)
            else:
                sheet.append(holder)
        if any(v.get("sqref") == sqref for v in holder):
            return  # already there (staff may have edited its options: theirs to keep)
        quoted = "'" + choice.source_tab.replace("'", "''") + "'"
        rule = etree.SubElement(holder, q("dataValidation"), type="list", allowBlank="1",
                                showErrorMessage="1", sqref=sqref)
        if choice.hint:
            rule.set("showInputMessage", "1")
            rule.set("prompt", ILLEGAL_CHARACTERS_RE.sub("", choice.hint)[:255])
        etree.SubElement(rule, q("formula1")).text = f"{quoted}!${source}$2:${source}${EXCEL_ROWS}"
        holder.set("count", str(len(holder)))

    def _bold_font(self, styles: etree._Element, font_index: int) -> int:
        fonts = styles.find(q("fonts"))
        font = copy.deepcopy(fonts[font_index]) if font_index < len(fonts) else etree.Element(q("font"))
        if font.find(q("b")) is None:
            font.insert(0, etree.Element(q("b")))
        fonts.append(font)
        fonts.set("count", str(len(fonts)))
        return len(fonts) - 1


def _copy_into(out: zipfile.ZipFile, entry: zipfile.ZipInfo, stream: IO[bytes]) -> None:
    """One member of ``out`` from a stream (never whole in memory). ``entry.file_size``, the
    size to come, tells zipfile whether the member needs ZIP64."""
    with out.open(entry, "w") as member:
        shutil.copyfileobj(stream, member, 1 << 20)


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

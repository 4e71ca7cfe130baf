"""The embedded default: a local .xlsx workbook stands in for the Google spreadsheet.

calamine reads it (fast); a write patches only the tool's cells in the file's XML
(``xlsx_patch``), so staff's formulas keep their cached values and their data validations, charts,
images and everything else survive byte for byte. A save is atomic (temporary file in the same
folder, fsync, rename), and an empty batch saves nothing. A read-only workbook is refused.
With ``backend.skip_unchanged``, a workbook whose size, mtime and bytes are those of the last full
read is not parsed again: the Book that read produced comes back from the data folder
(unchanged.py).
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from python_calamine import CalamineError, CalamineSheet, CalamineWorkbook

from sync.backends.base import Backend, Book, SkippedWrite, Tab, WriteBatch
from sync.backends.files import write_atomically
from sync.backends.unchanged import BookCache, identity_text
from sync.backends.xlsx_patch import XlsxPatch
from sync.errors import AccessError, BackendError, WorkbookOpen
from sync.rules.book import WHOLE_COLUMN, Cell, CellGuard, trim_row
from sync.rules.text import one_line

log = logging.getLogger(__name__)
EXCEL_ROWS, EXCEL_COLS = 1_048_576, 16_384
EXCEL_CELL_LIMIT = 32_767


class LocalWorkbookBackend(Backend):
    kind = "local"

    def __init__(self, control: Path, base_dir: Path | None = None, reads: BookCache | None = None,
                 folders: Iterable[Path] = (), config_path: Path | None = None):
        """``folders``: where a campaign's workbook may lie besides ``base_dir`` (the config's
        folder): ``[backend] workbook_folders``."""
        self.control = Path(control)
        self.base_dir = Path(base_dir) if base_dir else self.control.parent
        self.folders = [self.base_dir, *folders]
        self.config_path = config_path
        self.reads = reads  # the no-op shortcut (unchanged.py): None = off
        self.parsed = 0  # workbooks parsed in full (the shortcut's misses): for tests and bench/
        self._rows: dict[Path, dict[str, int]] = {}  # rows of each tab as last read: a save's progress

    def path_of(self, ref: str) -> Path:
        if not ref:
            return self.control
        path = Path(os.path.expanduser(ref))
        return path if path.is_absolute() else self.base_dir / path

    def allowed_path(self, ref: str) -> Path:
        """``path_of``, refused (AccessError) for a campaign's workbook outside the allowed
        folders: a row of 'Bảng tính' must not get the tool's cells written into any workbook
        on the machine (another office's, by absolute path, ``..`` or a symlink)."""
        path = self.path_of(ref)
        if not ref:
            return path
        real = path.resolve()
        if any(real.is_relative_to(folder.resolve()) for folder in self.folders):
            return path
        where = f" of {self.config_path}" if self.config_path else ""
        raise AccessError(
            f"workbook {path} lies outside {self.base_dir} (the config's folder), where a "
            f"campaign's workbook must be; move it there, or name its folder in [backend] "
            f"workbook_folders{where}")

    def describe(self, ref: str = "") -> str:
        return f"workbook {self.path_of(ref)}"

    def read(self, ref: str = "") -> Book:
        """Values through calamine (a Rust reader, ~10x faster than openpyxl here): a cycle that
        finds nothing to change never loads the workbook into openpyxl at all.

        With the no-op shortcut, a workbook whose size, modification time and bytes are those of
        the last full read is not parsed again: its Book comes back from the data folder. The
        hash is what makes that safe: a copy that keeps the old mtime (``cp -p``, ``rsync -t``,
        an unzip) or two saves within one tick of a coarse clock (FAT, some network shares:
        1-2 s) leave size and mtime as they were over different cells. The mtime is in the key
        too, so ``touch`` forces one full read."""
        path = self.allowed_path(ref)
        if not path.is_file():
            raise AccessError(f"workbook {path} not found (`tonghop init DIR` makes a new office; "
                              "`tonghop demo` an example)")
        try:
            info = path.stat()
            data = path.read_bytes()  # hashed and parsed: the very same bytes
        except OSError as err:
            raise AccessError(f"workbook {path} cannot be read: {one_line(err, 200)}") from None
        key = identity = None
        if self.reads is not None:
            key = _cache_key(path)
            identity = _identity_of(info, data)
            kept = self.reads.get(key, identity)
            if kept is not None:
                log.info("workbook %s unchanged since the last full read (size, time and bytes): "
                         "not parsed again", path)
                kept.book.ref = ref
                self._rows[path] = {t.title: len(t.values) for t in kept.book.tabs.values()}
                return kept.book
        self.parsed += 1
        try:
            workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
            tabs = {}
            for title in workbook.sheet_names:  # one sheet's calamine data alive at a time
                sheet = workbook.get_sheet_by_name(title)
                tabs[title] = Tab(title, _values(sheet), EXCEL_ROWS, EXCEL_COLS,
                                  merges=_merges(sheet))
        except (CalamineError, OSError, ValueError) as err:
            raise AccessError(f"workbook {path} cannot be opened as .xlsx: {one_line(err, 200)}") from None
        book = Book(ref, path.stem, tabs)
        self._rows[path] = {t.title: len(t.values) for t in tabs.values()}
        if self.reads is not None:
            self.reads.put(key, identity, book, str(path))
        return book

    def book_identity(self, ref: str = "") -> str | None:
        """``Book.identity`` of a read now (size, mtime and hash of the file), without parsing
        it; None with the no-op shortcut off or a file that cannot be read."""
        if self.reads is None:
            return None
        try:
            path = self.allowed_path(ref)
            _, identity = _fingerprint(path)
        except (OSError, AccessError):
            return None
        return identity_text(_cache_key(path), identity)

    def write(self, ref: str, batch: WriteBatch) -> list[SkippedWrite]:
        """Patch only the tool's cells in the file's XML (see xlsx_patch), after checking the
        guards against the file as it is now: staff may have saved it since the cycle read it."""
        if batch.is_empty():
            return []
        path = self.allowed_path(ref)
        if ref and not path.exists() and batch.new_tabs:  # a book the tool owns (the board)
            _new_workbook(path, next(iter(batch.new_tabs)))
        writable(path)
        not_open_elsewhere(path)
        remove_stale_temp_files(path)
        seen = _identity(path)
        current = _guarded_cells(path, batch.guards)
        workbook = XlsxPatch(path)
        workbook.on_progress, workbook.rows_read = self.on_progress, self._rows.get(path, {})
        try:
            batch, skipped = batch.checked(current, workbook.merged)
            gone = {i.tab for i in (*batch.cells, *batch.colours)
                    if i.tab not in workbook.sheets and i.tab not in batch.new_tabs}
            if gone:
                skipped += [SkippedWrite(tab, 1, 1, "the tab vanished since the read")
                            for tab in gone]
                batch = WriteBatch(
                    batch.new_tabs, batch.grow, cells=[c for c in batch.cells if c.tab not in gone],
                    colours=[c for c in batch.colours if c.tab not in gone],
                    choices=[c for c in batch.choices if c.tab not in gone],
                    number_formats={k: v for k, v in batch.number_formats.items() if k[0] not in gone})
            if not batch.cells and not batch.colours and not batch.new_tabs:
                return skipped
            created = [t for t in batch.new_tabs if t not in workbook.sheets]
            for title in created:
                workbook.add_sheet(title)  # header row frozen (and bold, below)
            workbook.write(batch.all_cells(), batch.colours, [(title, 1) for title in created],
                            number_formats=batch.number_formats, choices=batch.choices)
            def unchanged() -> None:
                if _identity(path) != seen:
                    raise SavedMeanwhile
            if self.reads is not None:  # the file changes now: its kept Book is of no more use
                self.reads.forget(_cache_key(path))
            try:
                write_atomically(path, workbook.save, before_replace=unchanged)
            except SavedMeanwhile:  # staff's save wins; the next cycle plans from it
                return skipped + [SkippedWrite(t, 1, 1, "the workbook was saved by someone else "
                                               "while the tool was writing; nothing of this cycle "
                                               "was written, the next cycle writes it")
                                  for t in batch.tabs_touched()]
            except PermissionError as err:  # Windows: Excel holds the file; the old one stays
                raise WorkbookOpen(f"workbook {path} is open in another program ({one_line(err, 120)}): "
                                   f"{CLOSE_IT}") from err
            except OSError as err:  # disk full, quota, the folder gone: the old file stays
                raise BackendError(f"workbook {path} could not be saved ({one_line(err, 160)}); "
                                   "it is unchanged; free some space and run sync again") from err
        finally:
            workbook.close()
        return skipped


def _merges(sheet: CalamineSheet) -> tuple[tuple[int, int, int, int], ...]:
    """The sheet's merged ranges, 1-based and inclusive (calamine's are 0-based, inclusive)."""
    return tuple((r1 + 1, c1 + 1, r2 + 1, c2 + 1)
                 for (r1, c1), (r2, c2) in sheet.merged_cell_ranges or ())


def _values(sheet: CalamineSheet) -> list[list[Cell]]:
    """A sheet's rows from row 1 and column A, trimmed as they come (``trim``'s result without
    holding calamine's untrimmed rows beside it: 15 MiB less at 100k rows).

    ``iter_rows`` starts at row 1 but at the sheet's first used column (``start``), where
    ``to_python(skip_empty_area=False)`` starts at A; test_a_read_starts_at_a1 pins it."""
    if sheet.start is None:
        return []
    pad = [""] * sheet.start[1]
    out: list[list[Cell]] = []
    for row in sheet.iter_rows():
        row = trim_row(row)
        out.append(pad + row if pad and row else row)
    while out and not out[-1]:
        out.pop()
    return out


class SavedMeanwhile(Exception):
    """The workbook changed on disk between the tool's read and its save."""


def _fingerprint(path: Path) -> tuple[bytes, tuple[int, int, str]]:
    """The file's bytes and its identity: size, ``st_mtime_ns``, SHA-256 of those bytes."""
    info = path.stat()
    data = path.read_bytes()
    return data, _identity_of(info, data)


def _identity_of(info: os.stat_result, data: bytes) -> tuple[int, int, str]:
    return info.st_size, info.st_mtime_ns, hashlib.sha256(data).hexdigest()


def _cache_key(path: Path) -> str:
    """The kept Book's name: one per workbook path."""
    return hashlib.sha256(os.fsencode(path.resolve())).hexdigest()[:32]


def _identity(path: Path) -> tuple[int, int, int]:
    info = path.stat()
    return info.st_ino, info.st_size, info.st_mtime_ns


def writable(path: Path) -> None:
    """A read-only workbook (or folder) is refused before anything is done. The file's own
    write bits count even for an account that could replace it (root, or the folder's owner:
    a save renames a new file over the old one, which the old file's mode does not stop)."""
    marked = not path.stat().st_mode & 0o222
    if marked or not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK | os.X_OK):
        raise AccessError(f"workbook {path} is read-only (or its folder is): the tool cannot save "
                          "its status there; make it writable for the account running tonghop")


CLOSE_IT = "close it in Excel; the next sync writes (nothing was written, nothing is lost)"


def lock_files(path: Path) -> list[Path]:
    """The lock files Excel (``~$name.xlsx``) and LibreOffice (``.~lock.name.xlsx#``) keep beside
    a workbook they have open."""
    found = [path.with_name(f"~${path.name}"), path.with_name(f".~lock.{path.name}#")]
    if len(path.stem) > 6:  # Excel also writes ~$ over the first two letters of a long name
        found.append(path.with_name(f"~${path.name[2:]}"))
    return [p for p in found if p.exists()]


def not_open_elsewhere(path: Path) -> None:
    """A workbook open in Excel or LibreOffice is not written: on Windows the save would fail,
    elsewhere the office program would save its copy over the tool's cells."""
    held = lock_files(path)
    if held:
        raise WorkbookOpen(f"workbook {path} is open in Excel or LibreOffice (lock file "
                           f"{held[0].name}): {CLOSE_IT}; if it is open nowhere, delete "
                           f"{held[0]}")


STALE_TEMP_SECONDS = 600


def remove_stale_temp_files(path: Path, now: float | None = None) -> list[Path]:
    """Temporary files a crashed save left beside the workbook (``.<name>.*.tmp``, older than
    10 minutes: a save in progress is never that old, and syncs hold a lock)."""
    now = time.time() if now is None else now
    removed = []
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        try:
            if now - stale.stat().st_mtime > STALE_TEMP_SECONDS:
                stale.unlink()
                removed.append(stale)
        except OSError:
            continue
    return removed


def _guarded_cells(path: Path, guards: Iterable[CellGuard]) -> Callable[[str, int, int], Cell]:
    """The cells ``guards`` check, as the file holds them now, for ``WriteBatch.checked``.

    Only the guarded tabs are read, a row at a time, and only the guarded cells kept: a whole
    column's non-empty cells (the guard of a column the tool creates asks whether it is still
    empty), or one cell. Reading the whole book again would hold a second copy of the cycle's
    largest tab while the write runs."""
    wanted: dict[str, dict[int, set[int]]] = {}  # tab -> column -> rows (WHOLE_COLUMN: all)
    for guard in guards:
        wanted.setdefault(guard.tab, {}).setdefault(guard.col, set()).add(guard.row)
    cells: dict[tuple[str, int, int], Cell] = {}
    filled: dict[tuple[str, int], list[Cell]] = {}
    try:
        workbook = CalamineWorkbook.from_path(str(path)) if wanted else None  # none: not opened
        for title in set(workbook.sheet_names if workbook else ()) & set(wanted):
            columns = wanted[title]
            sheet = workbook.get_sheet_by_name(title)
            if sheet.start is None:
                continue  # an empty tab
            # iter_rows starts at row 1 but at the first used column (``start``), unlike
            # to_python(skip_empty_area=False); test_guards_read_like_the_whole_sheet pins it
            offset = sheet.start[1]
            picks = [(col, col - 1 - offset, WHOLE_COLUMN in rows, rows)
                     for col, rows in columns.items()]
            for number, values in enumerate(sheet.iter_rows(), 1):
                for col, i, whole, rows in picks:
                    value = values[i] if 0 <= i < len(values) else None
                    if whole and value not in (None, ""):
                        filled.setdefault((title, col), []).append(value)
                    if number in rows:
                        cells[(title, number, col)] = value
            del sheet
    except (CalamineError, OSError, ValueError) as err:
        raise AccessError(f"workbook {path} cannot be opened as .xlsx: {one_line(err, 200)}") from None

    def value(tab: str, row: int, col: int) -> Cell | list[Cell]:
        if row == WHOLE_COLUMN:
            return filled.get((tab, col), [])
        return cells.get((tab, row, col))
    return value


def save_atomically(workbook, path: Path) -> None:
    """An openpyxl workbook the tool builds from scratch (the demo): a crash mid-save leaves the
    old file intact."""
    write_atomically(path, workbook.save)


def _new_workbook(path: Path, title: str) -> None:
    """An empty workbook whose one sheet is ``title`` (the write then fills it)."""
    import openpyxl

    from sync.backends.files import write_atomically

    workbook = openpyxl.Workbook()
    workbook.active.title = title
    workbook.active.freeze_panes = "A2"  # the header row stays in view, as in the tool's other tabs
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, workbook.save)
    except OSError as err:
        raise AccessError(f"workbook {path} cannot be made: {one_line(err, 200)}") from None

"""Snapshots of what each cycle read, so responses deleted from a sheet by mistake can come back.

One gzip'd JSON file per spreadsheet in ``<data>/snapshots/<book>/<UTC time>-<hash>.json.gz``,
written atomically. A snapshot is only written when the values differ from that book's newest
snapshot: a cycle every minute for weeks would otherwise leave tens of thousands of identical
files, and a retention of N snapshots would then reach back only N minutes. With the hash check,
every cycle's values are still kept (they *are* the newest snapshot), and the N kept snapshots are
N real changes. The newest ``snapshot_keep`` per book are kept.

Restoring writes the tab of a snapshot into a *new* tab ("Khôi phục <tab> <dd-mm-yyyy HHhMM>"),
never over a live one.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sync.backends.base import NEW_TAB_SIZE, Backend, Book, Cell, CellWrite, WriteBatch
from sync.backends.files import write_atomically
from sync.config import Config, tool_tabs
from sync.errors import AccessError, UsageError
from sync.rules import headers as H
from sync.rules.book import trim_row
from sync.rules.text import header_key, nfc, strip_accents

FORMAT = "tonghop-snapshot/1"
_FILE = re.compile(r"^(\d{8}T\d{6}Z)-([0-9a-f]{10})\.json\.gz$")
_BAD_TITLE_CHARS = re.compile(r"[\[\]:*?/\\]")  # not allowed in Excel tab names


@dataclass(frozen=True)
class Snapshot:
    book: str  # folder name: "control" or a slug of the spreadsheet reference
    ref: str  # the spreadsheet reference ("" = control)
    taken_at: datetime  # UTC
    digest: str
    path: Path

    @property
    def id(self) -> str:
        return f"{self.book}/{self.path.name.removesuffix('.json.gz')}"

    def load(self) -> dict[str, list[list[Cell]]]:
        """Tab title -> values, as read."""
        try:
            with gzip.open(self.path, "rt", encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError, EOFError) as err:
            raise AccessError(f"snapshot {self.path} cannot be read: {err}") from None
        return {title: [[_decode(c) for c in row] for row in rows]
                for title, rows in data["tabs"].items()}


def snapshots_root(config: Config) -> Path:
    return config.data_path / "snapshots"


def book_folder(ref: str) -> str:
    if not ref:
        return "control"
    slug = re.sub(r"[^a-z0-9]+", "-", strip_accents(nfc(ref)).casefold()).strip("-")[-40:]
    return f"{slug or 'book'}-{hashlib.sha256(ref.encode()).hexdigest()[:8]}"


def take(config: Config, books: Mapping[str, Book], now: datetime) -> list[Path]:
    """Keep a snapshot of each book that changed since its newest one; returns the new files."""
    root = snapshots_root(config)
    written: list[Path] = []
    if config.snapshot_keep == 0:  # snapshots turned off (negative: refused at load)
        return written
    tool = sorted(tool_tabs(config.tabs).values())  # left out of the digest (staff_part)
    for ref, book in books.items():
        folder = root / book_folder(ref)
        existing = _in_folder(folder, ref)
        if book.identity and existing and _checked(folder) == [book.identity, existing[-1].digest,
                                                               tool]:
            continue  # the very contents the newest snapshot was compared with: nothing to hash
        tabs = {title: [[_encode(c) for c in row] for row in tab.values]
                for title, tab in book.tabs.items()}
        digest = hashlib.sha256(json.dumps(staff_part(tabs, config), ensure_ascii=False,
                                           sort_keys=True).encode()).hexdigest()[:10]
        if existing and existing[-1].digest == digest:
            _mark_checked(folder, [book.identity, digest, tool])
            continue
        stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        payload = {"format": FORMAT, "ref": ref, "title": book.title,
                   "taken_at": now.astimezone(UTC).isoformat(), "tabs": tabs}
        path = folder / f"{stamp}-{digest}.json.gz"
        _write_atomically(path, gzip.compress(
            json.dumps(payload, ensure_ascii=False).encode("utf-8"), mtime=0))
        _write_atomically(folder / "book.json", json.dumps(
            {"ref": ref, "title": book.title}, ensure_ascii=False).encode("utf-8"))
        _mark_checked(folder, [book.identity, digest, tool])
        written.append(path)
        for old in _in_folder(folder, ref)[:-config.snapshot_keep]:
            old.path.unlink(missing_ok=True)
    return written


_CHECKED = "checked.json"  # [identity of the book last compared, the digest, the tool's tabs]


def _checked(folder: Path) -> list | None:
    try:
        return json.loads((folder / _CHECKED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _mark_checked(folder: Path, marker: list) -> None:
    """Remember that the book with identity ``marker[0]`` hashes to the newest snapshot's
    digest ``marker[1]`` (with the tool's tabs ``marker[2]`` left out of it): a
    no-op cycle reading the same contents again (the backends' no-op shortcut) skips encoding
    and hashing every cell (2.7 s of a 100k-row no-op cycle). Only the backend's identity of
    the contents is trusted, never a time: without one, every cycle hashes."""
    if marker[0]:  # a read without an identity leaves the marker: it stays true of its contents
        _write_atomically(folder / _CHECKED, json.dumps(marker, ensure_ascii=False).encode("utf-8"))


def staff_part(tabs: Mapping[str, list[list]], config: Config) -> dict[str, list[list]]:
    """What the hash covers: staff's tabs less the tool's own columns. What the tool wrote
    (status, log, verdicts) changes after every real change; hashing it would take a second
    snapshot of one change (and two campaigns fighting over a tab took two per cycle)."""
    tool = {header_key(t) for t in tool_tabs(config.tabs).values()}
    owned = {header_key(h) for h in (H.VERDICT_COL, H.MATCHED_COL)}
    out = {}
    for title, rows in tabs.items():
        if header_key(title) in tool:
            continue
        header = rows[0] if rows else []
        drop = {i for i, h in enumerate(header) if header_key(h) in owned}
        # without the empty cells at a row's end: a read leaves them out, until the tool's
        # columns to their right are written (an optional last answer left empty, then the verdict)
        out[title] = [trim_row([c for i, c in enumerate(row) if i not in drop]) for row in rows]
    return out


def list_snapshots(config: Config) -> list[Snapshot]:
    """Every snapshot, oldest first."""
    root = snapshots_root(config)
    found: list[Snapshot] = []
    if root.is_dir():
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            found += _in_folder(folder, _ref_of(folder))
    return sorted(found, key=lambda s: (s.taken_at, s.book))


def find(config: Config, wanted: str) -> Snapshot:
    """By id, or any unique beginning of it (with or without the book folder)."""
    wanted = wanted.strip()
    snapshots = list_snapshots(config)
    hits = [s for s in snapshots if s.id == wanted] or [
        s for s in snapshots
        if wanted and (s.id.startswith(wanted) or s.id.partition("/")[2].startswith(wanted))
    ]
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise UsageError(f"no snapshot '{wanted}' in {snapshots_root(config)} "
                         "(see `tonghop history`)")
    raise UsageError(f"'{wanted}' matches {len(hits)} snapshots ({', '.join(s.id for s in hits[:5])}"
                     f"{', …' if len(hits) > 5 else ''}); give more of the id")


def restore_title(tab: str, taken_at: datetime, config: Config, limit: int) -> str:
    """ "Khôi phục <tab> <dd-mm-yyyy HHhMM>", shortened to the backend's limit."""
    stamp = taken_at.astimezone(config.tz).strftime("%d-%m-%Y %Hh%M")
    tab = _BAD_TITLE_CHARS.sub("-", tab)
    for prefix in ("Khôi phục", "KP"):
        room = limit - len(prefix) - len(stamp) - 2
        if len(tab) <= room:
            return f"{prefix} {tab} {stamp}"
    room = max(room, 2)
    head = (room - 1) // 2
    return f"KP {tab[:head]}…{tab[len(tab) - (room - 1 - head):]} {stamp}"


@dataclass(frozen=True)
class Restored:
    ref: str
    source_tab: str
    title: str
    rows: int


def restore(config: Config, backend: Backend, snapshot: Snapshot, tab: str) -> Restored:
    """Write one tab of ``snapshot`` into a new tab of the same spreadsheet, in one batch."""
    tabs = snapshot.load()
    source = tab if tab in tabs else next(
        (t for t in tabs if header_key(t) == header_key(tab)), None)
    if source is None:
        raise UsageError(f"snapshot {snapshot.id} has no tab '{tab}' "
                         f"(tabs: {', '.join(repr(t) for t in tabs)})")
    live = backend.read(snapshot.ref)
    limit = 31 if backend.kind == "local" else 100  # Excel's and Google's longest tab names
    title = restore_title(source, snapshot.taken_at, config, limit)
    if live.find_tab(title) is not None:
        raise UsageError(f"{backend.describe(snapshot.ref)} already has a tab '{title}': rename or "
                         "delete it, then run restore again (a restore never writes over a tab)")
    values = tabs[source]
    batch = WriteBatch()
    width = max((len(r) for r in values), default=1)
    batch.new_tabs[title] = (max(NEW_TAB_SIZE[0], len(values)), max(NEW_TAB_SIZE[1], width))
    for r, row in enumerate(values, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None and value != "":
                batch.cells.append(CellWrite(title, r, c, _writable(value)))
    backend.write(snapshot.ref, batch)
    return Restored(snapshot.ref, source, title, max(len(values) - 1, 0))


# --- helpers ---------------------------------------------------------------------------------
def _in_folder(folder: Path, ref: str) -> list[Snapshot]:
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = _FILE.match(path.name)
        if match:
            taken = datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            found.append((taken, path.stat().st_mtime_ns,
                          Snapshot(folder.name, ref, taken, match.group(2), path)))
    return [s for _, _, s in sorted(found, key=lambda f: (f[0], f[1]))]


def _ref_of(folder: Path) -> str:
    try:
        return json.loads((folder / "book.json").read_text(encoding="utf-8"))["ref"]
    except (OSError, ValueError, KeyError):
        return "" if folder.name == "control" else folder.name


def _write_atomically(path: Path, data: bytes) -> None:
    write_atomically(path, lambda handle: handle.write(data))

def _encode(value: Cell | date | time | timedelta) -> object:
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, time):
        return {"$time": value.isoformat()}
    if isinstance(value, timedelta):
        return {"$seconds": value.total_seconds()}
    return value


def _decode(value: object) -> object:
    if isinstance(value, dict):
        kind, text = next(iter(value.items()))
        return {"$datetime": datetime.fromisoformat, "$date": date.fromisoformat,
                "$time": time.fromisoformat,
                "$seconds": lambda s: timedelta(seconds=s)}[kind](text)
    return value


def _writable(value: object) -> str | int | float:
    """Dates come back as day-first text the tool (and staff) read; the rest as it was."""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
        return int(value)  # the .xlsx reader gives every number as a float: 4 stays 4, not 4.0
    return value

"""The no-op shortcut on the local workbook (sync/backends/local.py, unchanged.py): a workbook
whose size, mtime and bytes are those of the last full read is not parsed again, and anything
else (an edit, even with the old mtime put back; a file replaced; a damaged kept Book) reads in
full with the right result. Time still passes on a kept Book."""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil

import openpyxl
import pytest

from sync.backends import open_backend
from sync.config import load_config
from sync.rules import headers as H
from sync.rules.models import Status

from .conftest import DEMO_NOW

KEPT = "sync.backends.local"


@pytest.fixture
def config(demo_dir):
    return load_config(demo_dir / "config.toml")


def kept_files(demo_dir):
    return sorted((demo_dir / "data" / "local-reads").glob("*.pickle"))


def sync(cli, demo_dir, now=DEMO_NOW):
    result = cli("sync", "--config", str(demo_dir / "config.toml"), "--now", now)
    assert result.code == 0, result.err
    return result


def test_an_unchanged_workbook_is_parsed_once(config, demo_dir):
    backend = open_backend(config)
    first = backend.read("")
    assert backend.parsed == 1 and len(kept_files(demo_dir)) == 1
    assert kept_files(demo_dir)[0].stat().st_mode & 0o777 == 0o600
    again = open_backend(config)  # a new process, as the next cycle is
    assert again.read("") == first and again.parsed == 0
    off = dataclasses.replace(config, backend=dataclasses.replace(config.backend,
                                                                  skip_unchanged=False))
    assert open_backend(off).read("") == first  # what the kept Book stands for


def test_an_edit_with_the_old_mtime_put_back_is_read(config, demo_dir):
    path = demo_dir / "tonghop.xlsx"
    open_backend(config).read("")
    before = path.stat()
    workbook = openpyxl.load_workbook(path)
    tab = workbook[H.ROSTER_TAB]
    tab["B2"] = "Phường Đã Sửa"
    workbook.save(path)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # as `cp -p` or a coarse clock
    assert path.stat().st_mtime_ns == before.st_mtime_ns
    backend = open_backend(config)
    book = backend.read("")
    assert backend.parsed == 1
    assert book.tabs[H.ROSTER_TAB].cell(2, 2) == "Phường Đã Sửa"


def with_comment(data: bytes, length: int) -> bytes:
    """The zip with a trailing comment of ``length`` bytes (still a valid .xlsx)."""
    end = data.rindex(b"PK\x05\x06")
    assert data[end + 20:end + 22] == b"\x00\x00" and len(data) == end + 22
    return data[:end + 20] + length.to_bytes(2, "little") + b" " * length


def test_a_same_size_change_with_the_old_mtime_is_read(config, demo_dir, tmp_path):
    """Size and mtime alike, bytes not (a copy that keeps the mtime, a coarse clock): only the
    hash tells."""
    path = demo_dir / "tonghop.xlsx"
    workbook = openpyxl.load_workbook(path)
    old = workbook[H.ROSTER_TAB]["B2"].value
    workbook[H.ROSTER_TAB]["B2"] = "".join(reversed(old))  # the same length, other text
    workbook.save(tmp_path / "edited.xlsx")
    a, b = path.read_bytes(), (tmp_path / "edited.xlsx").read_bytes()
    size = max(len(a), len(b)) + 10
    path.write_bytes(with_comment(a, size - len(a)))
    first = open_backend(config)
    assert first.read("").tabs[H.ROSTER_TAB].cell(2, 2) == old and first.parsed == 1
    before = path.stat()
    path.write_bytes(with_comment(b, size - len(b)))  # in place, as `cp -p` does
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    backend = open_backend(config)
    assert backend.read("").tabs[H.ROSTER_TAB].cell(2, 2) == "".join(reversed(old))
    assert backend.parsed == 1


def test_a_touch_reads_in_full_once_then_not(config, demo_dir):
    path = demo_dir / "tonghop.xlsx"
    first = open_backend(config).read("")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 5_000_000_000))
    backend = open_backend(config)
    assert backend.read("") == first and backend.parsed == 1
    backend = open_backend(config)
    assert backend.read("") == first and backend.parsed == 0


def test_a_replaced_workbook_is_read(config, demo_dir, tmp_path):
    path = demo_dir / "tonghop.xlsx"
    open_backend(config).read("")
    copy = tmp_path / "new.xlsx"
    shutil.copy2(path, copy)
    workbook = openpyxl.load_workbook(copy)
    del workbook[H.EXEMPTIONS_TAB]
    workbook.save(copy)
    os.replace(copy, path)
    backend = open_backend(config)
    assert H.EXEMPTIONS_TAB not in backend.read("").tabs and backend.parsed == 1


@pytest.mark.parametrize("damage", [b"", b"\x80\x05not a pickle", None], ids=["empty", "garbage", "cut"])
def test_a_damaged_kept_book_costs_a_full_read(config, demo_dir, caplog, damage):
    first = open_backend(config).read("")
    (kept,) = kept_files(demo_dir)
    kept.write_bytes(kept.read_bytes()[:300] if damage is None else damage)
    backend = open_backend(config)
    with caplog.at_level(logging.INFO):
        assert backend.read("") == first
    assert backend.parsed == 1
    again = open_backend(config)
    assert again.read("") == first and again.parsed == 0  # kept again


def test_the_tools_own_write_is_read_back_then_kept(cli, demo_dir, caplog):
    with caplog.at_level(logging.INFO, logger=KEPT):
        sync(cli, demo_dir)  # writes the tool's tabs
        assert not [r for r in caplog.records if "not parsed again" in r.getMessage()]
        caplog.clear()
        sync(cli, demo_dir)  # the file the write left: read in full, nothing to write
        assert not [r for r in caplog.records if "not parsed again" in r.getMessage()]
        caplog.clear()
        # without the settled marker (which would skip the cycle, test_settled.py) it runs
        (demo_dir / "data" / "settled.json").unlink()
        sync(cli, demo_dir)
        assert [r for r in caplog.records if "not parsed again" in r.getMessage()]


def test_a_deadline_passing_between_noop_cycles_still_turns_units_overdue(cli, demo_dir, caplog):
    before, after = "2023-06-29T10:00", "2023-07-01T10:00"  # PCCC and NSNN close on 30/6/2023
    for _ in range(2):
        sync(cli, demo_dir, before)
    overdue = Status.OVERDUE.label

    def shown() -> int:
        workbook = openpyxl.load_workbook(demo_dir / "tonghop.xlsx", read_only=True)
        return sum(row.count(overdue) for row in workbook[H.STATUS_TAB].iter_rows(values_only=True))
    was = shown()
    with caplog.at_level(logging.INFO, logger=KEPT):
        sync(cli, demo_dir, after)
    assert [r for r in caplog.records if "not parsed again" in r.getMessage()]
    assert shown() > was  # evaluated on the kept Book with the new time, and written


def test_switched_off_nothing_is_kept(cli, demo_dir):
    path = demo_dir / "config.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "[backend]\n", "[backend]\nskip_unchanged = false\n", 1), encoding="utf-8")
    sync(cli, demo_dir)
    sync(cli, demo_dir)
    assert not kept_files(demo_dir)


def test_a_kept_book_is_not_hashed_again_for_snapshots_and_an_edit_is_snapshotted(
        cli, demo_dir, monkeypatch):
    from sync.unattended import snapshots

    hashed = []  # a probe on the real function: which cycles encoded and hashed the books
    real = snapshots.staff_part
    monkeypatch.setattr(snapshots, "staff_part", lambda tabs, config: hashed.append(1) or
                        real(tabs, config))
    files = lambda: sorted((demo_dir / "data" / "snapshots" / "control").glob("*.json.gz"))  # noqa: E731
    sync(cli, demo_dir)  # first cycle: writes the tool's tabs (the kept Book is forgotten)
    sync(cli, demo_dir)  # read in full after the tool's own write, hashed, marked
    assert len(files()) == 1
    hashed.clear()
    sync(cli, demo_dir)  # same bytes: the kept Book, the same contents as the marked ones
    assert hashed == [] and len(files()) == 1
    workbook = openpyxl.load_workbook(demo_dir / "tonghop.xlsx")
    workbook[H.ROSTER_TAB]["B2"] = "Phường Đã Sửa"  # a staff edit
    workbook.save(demo_dir / "tonghop.xlsx")
    sync(cli, demo_dir, "2023-06-20T11:00")
    assert hashed and len(files()) == 2  # hashed again, and the edit is kept in a snapshot

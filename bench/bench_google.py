"""The Google rows of issue 12's table, through the in-process fake (tests/fakesheets) and the
real gspread + google-auth stack, and a naive gspread script in the request-count comparison.

    python bench/bench_google.py [--rows 1000 100000] [--naive-rows 1000] [--repeat 3]

Per size, a control spreadsheet holding the demo's tabs with the first responses tab grown to
``rows`` (bench/workload.py), synced by ``sync_once`` (the same cycle as `sync` and `run`):

* requests per spreadsheet: the first cycle (writes everything), a no-op cycle, and a cycle after
  one new response;
* bytes: the largest request body sent (the first write) and the bytes read by a no-op cycle;
* time: the no-op cycle's wall clock (the fake answers in-process: no network time).

``--new-row-rows``: bytes sent by the cycle after one new response, the write as it was (each
changed tool column anchored from row 1, nulls down to the change) and with the changed runs as
row ranges, alternating on one spreadsheet.

``--shortcut-rows``: a no-op cycle without the no-op shortcut (``backend.skip_unchanged``,
sync/backends/unchanged.py), with it, and with the settled marker as well (``backend.settled_skip``,
sync/unattended/settled.py: a cycle records it, untimed, the next one is timed), back to back on
the same settled spreadsheet: requests per spreadsheet, bytes received, wall clock of the whole
``sync_once`` in process. The sign-in asks a Drive scope (a drafts folder is set), as both need.

The naive script does what a quick gspread script does: open the spreadsheet, ``worksheets()``,
``get_all_records()`` per tab, then ``update_cell`` per response row. It runs for real against
the fake at ``--naive-rows`` responses; its requests per cycle grow with the rows, tonghop's do not.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import gspread  # noqa: E402
import workload  # noqa: E402

from sync.backends.google import GoogleSheetsBackend  # noqa: E402
from sync.config import load_config  # noqa: E402
from sync.rules.timeparse import parse_moment  # noqa: E402
from sync.unattended.job import sync_once  # noqa: E402
from tests.conftest import google_config, load_into_fake  # noqa: E402
from tests.fakesheets import FakeGoogle  # noqa: E402

ACCOUNT = "bench@tonghop-bench.iam.gserviceaccount.com"


def write_key(path: Path, email: str = ACCOUNT, project: str = "tonghop-bench") -> Path:
    """A throwaway service-account key (a real RSA key, no account behind it)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    path.write_text(json.dumps({
        "type": "service_account", "project_id": project, "private_key_id": "0" * 40,
        "private_key": pem, "client_email": email, "client_id": "1" * 21,
        "token_uri": "https://oauth2.googleapis.com/token"}), encoding="utf-8")
    return path


class Meter:
    """Bytes the fake answered with, through a response hook on the session."""

    def __init__(self):
        self.received = 0

    def session(self, fake: FakeGoogle):
        session = fake.session()
        session.hooks["response"].append(self._hook)
        return session

    def _hook(self, response, *args, **kwargs):
        self.received += len(response.content)


def per_spreadsheet(fake: FakeGoogle) -> str:
    ids = {r.spreadsheet_id for r in fake.requests}
    total = len(fake.requests)
    return f"{total / max(len(ids), 1):g}"


def google_sizes(rows: int, units: int, repeat: int, tmp: Path) -> None:
    directory = tmp / f"g{rows}"
    config_path = workload.build(directory, rows, units)
    key = write_key(tmp / "key.json")
    fake = FakeGoogle()
    sid = load_into_fake(fake, directory / "tonghop.xlsx", title="Tổng hợp (bench)",
                         grid={workload.RESPONSES_TAB: (rows + 1000, 26)})  # room for new answers
    google_config(config_path, sid, key)
    config = load_config(config_path)
    now = parse_moment(workload.NOW, config.tz).at
    meter = Meter()

    def cycle(at: datetime = now) -> float:
        backend = GoogleSheetsBackend.from_config(config, session=meter.session(fake))
        t0 = time.perf_counter()
        sync_once(config, at, backend=backend)
        return time.perf_counter() - t0

    fake.reset_counts()
    first_s = cycle()
    first = per_spreadsheet(fake)
    biggest = max((len(r.body) for r in fake.requests), default=0)
    value_endpoints = ("values.batchUpdate", "values.batchUpdateByDataFilter")  # A1 or anchored
    value_writes = sum(fake.count(endpoint) for endpoint in value_endpoints)
    written = sum(len(r.body) for r in fake.requests if r.endpoint in value_endpoints)
    largest_values = max((len(r.body) for r in fake.requests if r.endpoint in value_endpoints),
                         default=0)
    noop_s, noop_bytes = [], []
    for _ in range(repeat):
        fake.reset_counts()
        meter.received = 0
        noop_s.append(cycle())
        noop_bytes.append(meter.received)
    noop = per_spreadsheet(fake)
    values = fake.values(sid, workload.RESPONSES_TAB)
    fake.set_values(sid, workload.RESPONSES_TAB, f"A{len(values) + 1}",
                    [["20/06/2023 9:30:00", "x@example.vn", values[1][2], "Lê Văn B", "0900000000",
                      1, "Bài mới", "", "Cá nhân | Lê Văn B | Cán bộ | Giấy khen | Tích cực"]])
    fake.reset_counts()
    cycle()
    one_new = per_spreadsheet(fake)
    print(f"{rows:>8,} {first:>6}/{noop}/{one_new:<3} {biggest / 1e6:>7.2f} MB "
          f"({value_writes} values writes, {written / 1e6:.1f} MB, each <= "
          f"{largest_values / 1e6:.2f} MB) "
          f"{statistics.median(noop_s):>8.2f} s {statistics.median(noop_bytes) / 1e6:>8.1f} MB "
          f"{first_s:>8.2f} s", flush=True)
    fake.assert_clean()


def shortcut_on_off(rows: int, units: int, repeat: int, tmp: Path) -> None:
    """A settled spreadsheet, then no-op cycles with the shortcut off and on, alternating."""
    directory = tmp / f"s{rows}"
    config_path = workload.build(directory, rows, units)
    fake = FakeGoogle()
    sid = load_into_fake(fake, directory / "tonghop.xlsx", title="Tổng hợp (bench)",
                         grid={workload.RESPONSES_TAB: (rows + 1000, 26)})
    folder = fake.add_drive_folder(name="Dự thảo", shared_drive=True)
    google_config(config_path, sid, write_key(tmp / "key3.json"))
    config = load_config(config_path)  # a drafts folder: the robot signs in with a Drive scope
    config = dataclasses.replace(config, reports=dataclasses.replace(config.reports,
                                                                     drive_folder=folder))
    settled = config
    config = dataclasses.replace(config, backend=dataclasses.replace(config.backend,
                                                                     settled_skip=False))
    off = dataclasses.replace(config, backend=dataclasses.replace(config.backend,
                                                                  skip_unchanged=False))
    now = parse_moment(workload.NOW, config.tz).at
    meter = Meter()

    def cycle(settings, skipped: bool = False) -> tuple[float, int, int]:
        fake.reset_counts()
        meter.received = 0
        backend = GoogleSheetsBackend.from_config(settings, session=meter.session(fake))
        t0 = time.perf_counter()
        outcome = sync_once(settings, now, backend=backend)
        seconds = time.perf_counter() - t0
        assert (outcome.unchanged_since is not None) == skipped, "settled marker not as expected"
        return seconds, len(fake.requests), meter.received

    for _ in range(4):  # first cycle writes everything; settle until a cycle writes nothing
        cycle(config)
        if not any(r.applied for r in fake.requests):
            break
    cycle(config)  # the read that follows the last write is full: take the shortcut from here
    runs: dict[str, list[tuple[float, int, int]]] = {"off": [], "on": [], "settled": []}
    for _ in range(repeat):
        runs["off"].append(cycle(off))
        runs["on"].append(cycle(config))
        assert {r.endpoint for r in fake.requests} == {"drive.files.get"}, "shortcut not taken"
        cycle(settled)  # computes (the cycles above removed the marker), records it
        runs["settled"].append(cycle(settled, skipped=True))
        assert {r.endpoint for r in fake.requests} == {"drive.files.get"}, "marker not used"
    def read_only(settings) -> float:  # the backend's read alone: Drive + cache, or 2 reads
        backend = GoogleSheetsBackend.from_config(settings, session=fake.session())
        t0 = time.perf_counter()
        backend.read("")
        return time.perf_counter() - t0

    reads = {"off": statistics.median(read_only(off) for _ in range(repeat)),
             "on": statistics.median(read_only(config) for _ in range(repeat))}
    med = {k: (statistics.median(t for t, _, _ in v), statistics.median(n for _, n, _ in v),
               statistics.median(b for _, _, b in v)) for k, v in runs.items()}
    (t_off, n_off, b_off), (t_on, n_on, b_on) = med["off"], med["on"]
    t_set, n_set, b_set = med["settled"]
    print(f"{rows:>8,} no-op without the shortcut: {n_off:g} requests, {b_off / 1e6:.1f} MB read, "
          f"{t_off:.2f} s | with: {n_on:g} request, {b_on:,.0f} bytes read, {t_on:.2f} s | "
          f"time ratio {t_on / t_off:.2f}; the read alone {reads['off']:.2f} s -> "
          f"{reads['on']:.2f} s (ratio {reads['on'] / reads['off']:.2f})", flush=True)
    print(f"{rows:>8,} no-op with the settled marker: {n_set:g} request, {b_set:,.0f} bytes read, "
          f"{t_set * 1000:.1f} ms (ratio {t_set / t_on:.4f} to the shortcut alone, "
          f"{t_set / t_off:.5f} to neither)", flush=True)
    fake.assert_clean()


def one_new_row(rows: int, units: int, repeat: int, tmp: Path) -> None:
    """Bytes sent by the cycle after one new response, the write as it was (each changed tool
    column one anchored range from row 1, nulls down to the change) and as it is (the changed
    runs as row ranges after one small request that locates the columns), alternating on the
    same spreadsheet: ``sheets_requests.RUNS_AFTER_NULLS`` set out of reach gives the first."""
    from sync.backends import sheets_requests

    directory = tmp / f"n{rows}"
    config_path = workload.build(directory, rows, units)
    fake = FakeGoogle()
    sid = load_into_fake(fake, directory / "tonghop.xlsx", title="Tổng hợp (bench)",
                         grid={workload.RESPONSES_TAB: (rows + 1000, 26)})
    google_config(config_path, sid, write_key(tmp / "key4.json"))
    config = load_config(config_path)
    now = parse_moment(workload.NOW, config.tz).at
    sync_once(config, now, backend=GoogleSheetsBackend.from_config(config, session=fake.session()))
    template = fake.values(sid, workload.RESPONSES_TAB)[1]
    default = sheets_requests.RUNS_AFTER_NULLS
    seen: dict[str, list[tuple[int, int, int]]] = {"before": [], "after": []}
    try:
        for _ in range(repeat):
            for mode in ("before", "after"):
                sheets_requests.RUNS_AFTER_NULLS = 10 ** 15 if mode == "before" else default
                n = len(fake.values(sid, workload.RESPONSES_TAB)) + 1
                fake.set_values(sid, workload.RESPONSES_TAB, f"A{n}", [[
                    "20/06/2023 9:30:00", "x@example.vn", template[2], "Lê Văn B", "0900000000",
                    1, "Bài mới", "", "Cá nhân | Lê Văn B | Cán bộ | Giấy khen | Tích cực"]])
                fake.reset_counts()
                sync_once(config, now, backend=GoogleSheetsBackend.from_config(
                    config, session=fake.session()))
                values = [r for r in fake.requests if r.endpoint == "values.batchUpdateByDataFilter"]
                seen[mode].append((sum(len(r.body) for r in values),
                                   sum(len(r.body) for r in fake.requests), len(fake.requests)))
    finally:
        sheets_requests.RUNS_AFTER_NULLS = default
    med = {m: tuple(statistics.median(x[i] for x in v) for i in range(3)) for m, v in seen.items()}
    (vb, ab, nb), (va, aa, na) = med["before"], med["after"]
    print(f"{rows:>8,} one new row: values requests {vb / 1e3:,.1f} KB -> {va / 1e3:,.1f} KB "
          f"(ratio {va / vb:.4f}); every request body {ab / 1e3:,.1f} KB -> {aa / 1e3:,.1f} KB; "
          f"requests {nb:g} -> {na:g}", flush=True)
    fake.assert_clean()


def naive_cycle(fake: FakeGoogle, sid: str, tabs: list[str]) -> None:
    """What a quick script does: every worksheet's records, then one update_cell per response."""
    client = gspread.Client(None, fake.session())
    book = client.open_by_key(sid)
    for ws in book.worksheets():
        records = ws.get_all_records()
        if ws.title not in tabs or not records:
            continue
        status_col = len(records[0]) + 1
        for i, record in enumerate(records, start=2):
            ws.update_cell(i, status_col, "Đúng hạn" if record else "")


def naive_vs_tonghop(rows: int, tmp: Path) -> None:
    directory = tmp / f"naive{rows}"
    config_path = workload.build(directory, rows)
    fake = FakeGoogle()
    sid = load_into_fake(fake, directory / "tonghop.xlsx", title="Tổng hợp (naive)")
    responses = [t for t in fake.tab_titles(sid) if t.startswith("Câu trả lời")]
    answered = sum(len(fake.values(sid, t)) - 1 for t in responses)
    t0 = time.perf_counter()
    naive_cycle(fake, sid, responses)
    naive_s = time.perf_counter() - t0
    naive = len(fake.requests)
    naive_writes = fake.count("values.update")

    fake2 = FakeGoogle()
    sid2 = load_into_fake(fake2, directory / "tonghop.xlsx", title="Tổng hợp (tonghop)")
    google_config(config_path, sid2, write_key(tmp / "key2.json"))
    config = load_config(config_path)
    t0 = time.perf_counter()
    sync_once(config, parse_moment(workload.NOW, config.tz).at,
              backend=GoogleSheetsBackend.from_config(config, session=fake2.session()))
    ours_s = time.perf_counter() - t0
    ours = len(fake2.requests)
    print(f"naive gspread, {answered:,} responses in {len(responses)} tabs: {naive:,} requests "
          f"({naive_writes:,} update_cell) in {naive_s:.1f} s; at 60 writes/min/user that is "
          f"{naive_writes / 60:.0f} min of write quota per cycle")
    print(f"tonghop, same spreadsheet:  {ours} requests in {ours_s:.1f} s; ratio "
          f"{naive / ours:.0f}x fewer requests")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="*", default=[1000, 100_000])
    parser.add_argument("--units", type=int, default=0, help="roster size; 0 = the demo's")
    parser.add_argument("--naive-rows", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--shortcut-rows", type=int, nargs="*", default=[1000, 100_000])
    parser.add_argument("--new-row-rows", type=int, nargs="*", default=[10_000, 100_000],
                        help="bytes sent for one new response, the write before and after runs")
    args = parser.parse_args()
    print(f"# {platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"gspread {gspread.__version__}, the in-process fake; no-op medians of {args.repeat}")
    with tempfile.TemporaryDirectory() as tmp:
        if args.naive_rows:
            naive_vs_tonghop(args.naive_rows, Path(tmp))
        print("rows, requests per spreadsheet (first/no-op/one new row), largest request body of the "
              "first cycle (its values writes), no-op cycle time, bytes a no-op cycle reads, "
              "first cycle time")
        for rows in args.rows:
            google_sizes(rows, args.units, args.repeat, Path(tmp))
        if args.shortcut_rows:
            print("rows, a no-op cycle with backend.skip_unchanged = false, = true, then with "
                  "backend.settled_skip = true too (medians)")
        for rows in args.shortcut_rows:
            shortcut_on_off(rows, args.units, args.repeat, Path(tmp))
        if args.new_row_rows:
            print("rows, bytes sent by the cycle after one new response: each changed column "
                  "anchored from row 1 (before) -> its changed runs as row ranges (after); medians")
        for rows in args.new_row_rows:
            one_new_row(rows, args.units, args.repeat, Path(tmp))


if __name__ == "__main__":
    main()

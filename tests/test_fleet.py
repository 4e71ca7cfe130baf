"""Many offices in one `run`: quota buckets per Google account, cycles spread over the interval,
one office's failure, lock or slowness never delaying another's."""

from __future__ import annotations

import io
import shutil
import threading
import time as time_module
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sync.backends.credentials import load_key
from sync.config import load_config
from sync.demo import roster
from sync.errors import AccessError, LockedError
from sync.rules import headers as H
from sync.unattended import offices as O
from sync.unattended.fleet import Fleet, Office
from sync.unattended.quota import Kind, Limits, Quotas, TokenBucket, kind_of
from sync.unattended.reloads import ReloadingOffices
from tests.fakesheets import FakeGoogle

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
START = datetime(2023, 6, 20, 8, 0, tzinfo=TZ)


class SimTime:
    """One simulated clock for the loop (datetimes), the buckets (seconds) and every sleep."""

    def __init__(self, start: datetime = START, until: datetime | None = None):
        self.now, self.until = start, until
        self.fleet: Fleet | None = None

    def __call__(self) -> datetime:
        return self.now

    def seconds(self) -> float:
        return (self.now - START).total_seconds()

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.now += timedelta(seconds=seconds)
        if self.until is not None and self.now >= self.until and self.fleet is not None:
            self.fleet.stop("end of test")


def most_in_a_minute(times: list[float]) -> int:
    """The most events in any window [t, t + 60 s)."""
    times = sorted(times)
    best, j = 0, 0
    for i, t in enumerate(times):
        while times[j] <= t - 60:
            j += 1
        best = max(best, i - j + 1)
    return best


# --- the bucket ---------------------------------------------------------------------------------
def test_a_bucket_never_lets_more_than_the_limit_through_in_any_minute():
    time = SimTime()
    bucket = TokenBucket(60, time.seconds, burst=10)
    sent = []
    for _ in range(500):  # everyone asks at once, repeatedly
        time.sleep(bucket.reserve())
        sent.append(time.seconds())
    assert 59 <= most_in_a_minute(sent) <= 60  # the limit, not a fraction of it
    assert sent[9] == 0 and sent[10] > 0  # the burst goes at once, then the refill paces
    assert sent[-1] == pytest.approx((500 - 10) / (50 / 60))


def test_requests_are_counted_by_kind_like_google():
    assert kind_of("GET", "https://sheets.googleapis.com/v4/spreadsheets/x/values:batchGet") is Kind.READ
    assert kind_of("POST", "https://sheets.googleapis.com/v4/spreadsheets/x/values:batchGetByDataFilter") is Kind.READ
    assert kind_of("POST", "https://sheets.googleapis.com/v4/spreadsheets/x/values:batchUpdate") is Kind.WRITE
    assert kind_of("GET", "https://www.googleapis.com/drive/v3/files/x") is Kind.DRIVE
    assert kind_of("POST", "https://www.googleapis.com/upload/drive/v3/files") is Kind.DRIVE
    assert kind_of("POST", "https://oauth2.googleapis.com/token") is None
    assert kind_of("GET", "https://forms.googleapis.com/v1/forms/x") is None


def test_accounts_share_the_project_bucket():
    time = SimTime()
    quotas = Quotas(time.seconds, time.sleep, Limits(user_reads=60, project_reads=100, burst=10))
    sent: dict[str, list[float]] = {}
    for i in range(600):
        account = f"sa{i % 4}@p.iam.gserviceaccount.com"
        quotas.acquire(account, "p", Kind.READ)
        sent.setdefault(account, []).append(time.seconds())
    assert most_in_a_minute([t for ts in sent.values() for t in ts]) <= 100
    assert all(most_in_a_minute(ts) <= 60 for ts in sent.values())


# --- the loop, with jobs that only record ------------------------------------------------------
def fleet_of(jobs: dict[str, object], time: SimTime, every=timedelta(minutes=10), **kw):
    offices = [Office(name, job, every) for name, job in jobs.items()]
    out = io.StringIO()
    fleet = Fleet(offices, time, out, sleep=time.sleep, inline=True, **kw)
    time.fleet = fleet
    return fleet, out


def test_offices_are_spread_over_the_interval_and_failures_delay_no_other():
    time = SimTime(until=START + timedelta(minutes=60))
    ran: dict[str, list[datetime]] = {}

    def job(name, fail=None):
        def run(now):
            ran.setdefault(name, []).append(now)
            if fail:
                raise fail
            return "ok"
        return run

    fleet, out = fleet_of({
        "a": job("a"), "b": job("b", AccessError("spreadsheet x not found")),
        "c": job("c", LockedError("another sync is already running (pid 7)")),
        "d": job("d", RuntimeError("disk full")), "e": job("e")}, time)
    assert fleet.run() == 0
    assert [ran[n][0] - START for n in "abcde"] == [timedelta(minutes=2 * i) for i in range(5)]
    assert all(len(ran[n]) == 6 for n in "abcde")  # every 10 minutes, failing or not
    assert all(b - a == timedelta(minutes=10) for n in "abcde" for a, b in zip(ran[n], ran[n][1:], strict=False))
    text = out.getvalue()
    assert "b: sync failed: spreadsheet x not found | next 08:12:00" in text
    assert "c: sync skipped: another sync is already running (pid 7)" in text
    assert "d: sync failed: unexpected error: disk full" in text
    assert text.splitlines()[-1].endswith("stopped (end of test) after 30 syncs of 5 offices")


def test_a_slow_office_does_not_block_the_others():
    """Real threads: office 'slow' hangs in its cycle; 'quick' keeps its grid meanwhile."""
    release = threading.Event()
    events = []

    def slow(now):
        events.append("slow starts")
        release.wait(30)
        events.append("slow ends")
        return "finally"

    def quick(now):
        events.append("quick")
        if events.count("quick") == 4:
            release.set()
        return "ok"

    offices = [Office("slow", slow, timedelta(seconds=0.2)), Office("quick", quick, timedelta(seconds=0.2))]
    out = io.StringIO()
    fleet = Fleet(offices, lambda: datetime.now(TZ), out, workers=2)
    stopper = threading.Thread(target=lambda: (release.wait(30), fleet.stop("done")))
    stopper.start()
    fleet.run()
    stopper.join()
    first = events.index("slow starts")
    blocked = events[first:events.index("slow ends")]
    assert blocked.count("quick") >= 3  # quick ran while slow held its worker
    assert offices[0].skipped >= 2  # slow's overlapping slots were skipped, not queued
    assert "slow: sync: finally" in out.getvalue()


# --- a simulated hour against the fake: one account, many offices -----------------------------
class TimedFake(FakeGoogle):
    """The fake, noting the simulated moment of every request it receives."""

    def __init__(self, clock):
        super().__init__()
        self.clock, self.times = clock, []

    def handle(self, request, timeout=None):
        self.times.append(self.clock())
        return super().handle(request, timeout)


def office_in_fake(fake, directory: Path, key: Path, campaigns: int, every: int,
                   drive_folder: str = "", full_reads: bool = False) -> Path:
    """A control spreadsheet (roster, ``campaigns`` campaigns) and one Forms spreadsheet each.
    ``drive_folder``: drafts go there, so the robot signs in with a Drive scope and the no-op
    shortcut (Drive's version first) is on."""
    units = roster()[:20]
    roster_rows = [[H.UNIT_CODE[0], H.UNIT_NAME[0], H.UNIT_GROUP[0], H.UNIT_ACTIVE[0]]]
    roster_rows += [[c, n, g, "Có"] for c, n, g, _, _ in units]
    campaign_rows = [[H.CAMPAIGN_CODE[0], H.CAMPAIGN_TITLE[0], H.CAMPAIGN_TAB[0],
                      H.CAMPAIGN_SPREADSHEET[0], H.CAMPAIGN_DEADLINE[0], H.CAMPAIGN_TARGETS[0],
                      H.CAMPAIGN_REQUIRED[0], H.CAMPAIGN_UNIT_QUESTION[0]]]
    for k in range(campaigns):
        answers = [["Timestamp", "Tên đơn vị", "Nội dung"]]
        answers += [[datetime(2023, 6, 1 + i, 9), units[i][1], f"Báo cáo {i}"] for i in range(k + 3)]
        forms = fake.add_spreadsheet(tabs={"Form Responses 1": answers}, title=f"Đợt {k}",
                                     date_columns={"Form Responses 1": [0]})
        campaign_rows.append([f"D{k}", f"Đợt {k}", "Form Responses 1", forms, "25/6/2023",
                              "Tất cả", "Nội dung", "Tên đơn vị"])
    control = fake.add_spreadsheet(tabs={H.ROSTER_TAB: roster_rows, H.CAMPAIGNS_TAB: campaign_rows},
                                   title=f"Tổng hợp {directory.name}")
    directory.mkdir(parents=True)
    config = directory / "config.toml"
    shortcut = "skip_unchanged = false\nsettled_skip = false\n" if full_reads else ""
    config.write_text(f'[backend]\nkind = "google"\nspreadsheet = "{control}"\ncredentials = \'{key}\'\n{shortcut}'
                      f'[reminders]\nenabled = false\n[schedule]\nevery_minutes = {every}\n'
                      + (f'[reports]\ndrive_folder = "{drive_folder}"\n' if drive_folder else ""),
                      encoding="utf-8")
    return config


def test_a_simulated_hour_of_many_offices_on_one_account_stays_within_quota(tmp_path, service_account_key):
    time = SimTime(until=START + timedelta(hours=1))
    fake = TimedFake(time.seconds)
    # 6 offices x (1 control + 4 Forms spreadsheets) = 30 spreadsheets, 60 reads a round at the
    # least, every minute: twice what the account may read. The buckets must hold it back.
    paths = [office_in_fake(fake, tmp_path / f"phuong{i}", service_account_key, 4, 1, full_reads=True)
             for i in range(6)]
    configs = O.load_configs(paths)
    quotas = Quotas(time.seconds, time.sleep)
    offices = O.build_offices(configs, quotas, session_for=lambda config: fake.session())
    assert {o.lane for o in offices} == {load_key(service_account_key).client_email}
    out = io.StringIO()
    fleet = Fleet(offices, time, out, sleep=time.sleep, inline=True)
    time.fleet = fleet
    fleet.run()

    kinds = Counter()
    reads, writes = [], []
    for request, at in zip(fake.requests, fake.times, strict=True):
        kind = kind_of(request.method, request.url)
        kinds[kind] += 1
        (reads if kind is Kind.READ else writes).append(at)
    assert kinds[Kind.READ] > 40 * 60  # the demand was there: the bucket was the limit ...
    assert most_in_a_minute(reads) <= 60  # ... and no minute went over Google's quota
    assert most_in_a_minute(writes) <= 60
    assert not [r for r in fake.requests if r.status == 429]
    cycles = [o.cycles for o in offices]
    assert min(cycles) >= max(cycles) - 1  # every office had its turn
    assert "failed" not in out.getvalue()
    fake.assert_clean()


def test_with_the_noop_shortcut_drive_has_its_own_bucket_and_stays_within_it(tmp_path,
                                                                             service_account_key):
    """The shortcut's Drive ``files.get`` goes through a bucket of its own per account: here a
    Drive quota of 20 a minute against a demand of 30, Sheets' untouched. Spreadsheets edited
    now and then are read in full; the others cost one Drive request a cycle."""
    time = SimTime(until=START + timedelta(hours=1))
    fake = TimedFake(time.seconds)
    folder = fake.add_drive_folder(name="Dự thảo", shared_drive=True)
    paths = [office_in_fake(fake, tmp_path / f"phuong{i}", service_account_key, 4, 1, folder)
             for i in range(6)]
    configs = O.load_configs(paths)
    quotas = Quotas(time.seconds, time.sleep, Limits(user_drive=20, project_drive=1000))
    offices = O.build_offices(configs, quotas, session_for=lambda config: fake.session())
    edited = []

    def edit_now_and_then(office: Office) -> Office:
        job = office.job

        def run(now):
            if office.cycles % 7 == 3:  # someone types in one of this office's spreadsheets
                sid = configs[offices.index(office)].backend.spreadsheet
                fake.set_values(sid, H.ROSTER_TAB, "F2", [[f"ghi chú {office.cycles}"]])
                edited.append(sid)
            return job(now)
        office.job = run
        return office
    offices = [edit_now_and_then(o) for o in offices]
    out = io.StringIO()
    fleet = Fleet(offices, time, out, sleep=time.sleep, inline=True)
    time.fleet = fleet
    fleet.run()

    by_kind: dict[Kind | None, list[float]] = {}
    for request, at in zip(fake.requests, fake.times, strict=True):
        by_kind.setdefault(kind_of(request.method, request.url), []).append(at)
    drive, reads = by_kind[Kind.DRIVE], by_kind[Kind.READ]
    # the demand was there (30 a minute): Drive's bucket (burst 10, then 10 a minute) held the
    # offices back, and no minute went over the quota
    assert len(drive) >= 10 * 60 and sum(o.skipped for o in offices) > 100
    assert most_in_a_minute(drive) <= 20
    assert most_in_a_minute(reads) <= 60 and most_in_a_minute(by_kind.get(Kind.WRITE, [])) <= 60
    assert not [r for r in fake.requests if r.status == 429]
    cycles = sum(o.cycles for o in offices)
    # a version asked per spreadsheet per cycle; and, before a cycle that runs after a settled
    # one, the settled check's (up to the first that moved)
    assert cycles * 5 <= len(drive) <= cycles * 10
    # full reads only for the first cycles, the edits and what the tool wrote after them:
    # far below the 2 reads per spreadsheet per cycle it would cost without the shortcut
    assert edited and len(reads) < cycles * 5 * 2 / 4
    assert "failed" not in out.getvalue()
    fake.assert_clean()


# --- configs -----------------------------------------------------------------------------------
def test_a_folder_of_configs_and_a_shared_data_folder_refused(demo_template, tmp_path, cli):
    for name in ("a", "b"):
        shutil.copytree(demo_template, tmp_path / name)
    folder = tmp_path / "offices"
    folder.mkdir()
    for name in ("a", "b"):
        text = (tmp_path / name / "config.toml").read_text(encoding="utf-8")
        text = text.replace('workbook = "tonghop.xlsx"', f"workbook = '{tmp_path / name / 'tonghop.xlsx'}'")
        (folder / f"{name}.toml").write_text(text, encoding="utf-8")
    assert O.config_paths([str(folder)]) == [folder / "a.toml", folder / "b.toml"]
    # both say data_dir = "data", beside the configs: the second is broken, the first runs
    offices = ReloadingOffices(Quotas(time_module.monotonic, time_module.sleep))
    with offices.logging():
        offices.add(O.config_paths([str(folder)]), START)
        assert [o.name for o in offices.broken()] == ["b"]
        error = str(offices.broken()[0].error)
    assert "'data_dir'" in error and "also the data folder of a" in error and "b.toml" in error


def test_two_configs_run_in_one_process_each_in_its_own_log(demo_template, tmp_path):
    configs = []
    for name in ("a", "b"):
        shutil.copytree(demo_template, tmp_path / name)
        configs.append(load_config(tmp_path / name / "config.toml"))
    time = SimTime(until=START + timedelta(minutes=16))
    quotas = Quotas(time.seconds, time.sleep)
    offices = O.build_offices(configs, quotas)
    names = [o.name for o in offices]
    assert names == ["a/config", "b/config"]
    with O.office_logging(configs, names):
        fleet = Fleet(offices, time, io.StringIO(), sleep=time.sleep, inline=True,
                      office_scope=O.office_scope)
        time.fleet = fleet
        fleet.run()
    assert [o.cycles for o in offices] == [2, 1]  # a at 08:00 and 08:15, b at 08:07:30
    logs = [(tmp_path / n / "data" / "logs" / "tonghop.log").read_text(encoding="utf-8") for n in "ab"]
    assert logs[0].count("INFO sync.unattended.job: sync 2023-06-20T08:") == 2
    assert logs[1].count("INFO sync.unattended.job: sync 2023-06-20T08:") == 1
    assert "08:07:30" in logs[1] and "08:07:30" not in logs[0]  # each office in its own log


def test_run_command_with_two_configs_stops_cleanly_on_sigterm(demo_template, tmp_path):
    import signal
    import subprocess
    import sys

    configs = []
    for name in ("phuong-01", "phuong-02"):
        shutil.copytree(demo_template, tmp_path / name)
        configs.append(tmp_path / name / "config.toml")
    process = subprocess.Popen(
        [sys.executable, "main.py", "run", "--config", str(configs[0]), "--config", str(configs[1])],
        cwd=Path(__file__).resolve().parents[1], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = process.stdout.readline()
        assert first.startswith("tonghop run: 2 offices (phuong-01/config, phuong-02/config) in 1 quota lane")
        line = process.stdout.readline()  # the first office syncs at start, the second later
        assert " phuong-01/config: sync: sync " in line and "| next " in line
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "stopped (SIGTERM) after 1 sync of 2 offices" in out
    assert "sync 20" in (tmp_path / "phuong-01" / "data" / "logs" / "tonghop.log").read_text(encoding="utf-8")
    assert not (tmp_path / "phuong-02" / "data" / "logs" / "tonghop.log").read_text(encoding="utf-8")


def test_the_key_files_session_goes_through_the_account_buckets(tmp_path, service_account_key, monkeypatch):
    """The command line's path: the session made from the key file is throttled too."""
    from sync.backends import google

    time = SimTime()
    fake = TimedFake(time.seconds)
    path = office_in_fake(fake, tmp_path / "phuong", service_account_key, 1, 15)
    monkeypatch.setattr(google, "session_factory", lambda credentials, timeout: fake.session())
    quotas = Quotas(time.seconds, time.sleep, Limits(user_reads=2, burst=1))  # 1 at once, then 1 a minute
    (office,) = O.build_offices(O.load_configs([path]), quotas)
    assert "sync " in office.job(START)
    reads = [t for r, t in zip(fake.requests, fake.times, strict=True) if kind_of(r.method, r.url) is Kind.READ]
    # 2 spreadsheets x (metadata + values), and the first cycle reads the tool columns it anchors
    # in the form's tab back once (values:batchGetByDataFilter) before writing them: paced
    assert reads == [0, 60, 120, 180, 240]
    assert quotas.waited >= 240


def test_each_office_writes_its_drafts_daily_at_its_report_at(demo_template, tmp_path):
    configs = []
    for name, report_at in (("a", "17:00"), ("b", "17:10")):
        shutil.copytree(demo_template, tmp_path / name)
        path = tmp_path / name / "config.toml"
        path.write_text(path.read_text(encoding="utf-8")
                        + f'\n[schedule]\nevery_minutes = 30\nreport_at = "{report_at}"\n', encoding="utf-8")
        configs.append(load_config(path))
    time = SimTime(START.replace(hour=16, minute=50), until=START.replace(hour=17, minute=30))
    offices = O.build_offices(configs, Quotas(time.seconds, time.sleep))
    out = io.StringIO()
    fleet = Fleet(offices, time, out, sleep=time.sleep, inline=True)
    time.fleet = fleet
    fleet.run()
    lines = out.getvalue().splitlines()
    drafts = [line for line in lines if ": drafts: " in line]
    assert [line[11:19] + line[19:31] for line in drafts] == ["17:00:00 a/config: d", "17:10:00 b/config: d"]
    assert all("16 drafts, 16 written" in line for line in drafts)  # 4 campaigns x 3 .docx + 1 .xlsx
    assert "next 17:20:00, drafts 21/06 17:00:00" in drafts[0]
    for name in "ab":
        assert len(list((tmp_path / name / "out").glob("2023-06-20_*.docx"))) == 12
    assert [o.drafts_runs for o in offices] == [1, 1]


def test_drafts_run_at_report_at_in_the_offices_own_timezone():
    from datetime import time as dtime

    utc = ZoneInfo("UTC")
    start = datetime(2023, 6, 20, 9, 0, tzinfo=utc)
    time = SimTime(start, until=start + timedelta(hours=2))
    ran = []
    office = Office("vn", lambda now: "ok", timedelta(hours=1), drafts=lambda now: ran.append(now) or "1 draft",
                    report_at=dtime(17, 0), tz=TZ)
    fleet = Fleet([office], time, io.StringIO(), sleep=time.sleep, inline=True)
    time.fleet = fleet
    fleet.run()
    assert ran == [datetime(2023, 6, 20, 10, 0, tzinfo=utc)]  # 17:00 in Hà Nội


def test_an_office_signed_in_as_a_person_runs_in_the_fleet_under_its_token(oauth_ws, google_fake):
    """auth = "oauth": the office's quota lane is its token (a person's token names no e-mail),
    its session comes from the saved sign-in, and its log lines carry the offset."""
    ws_dir, _sid, token, _refresh = oauth_ws
    config = load_config(ws_dir / "config.toml")
    account, project = O.identity(config)
    assert str(token) in account and project == ""
    quotas = Quotas(lambda: 0.0, lambda seconds: None)
    (office,) = O.build_offices([config], quotas)
    with O.office_logging([config], [office.name]), O.office_scope(office.name):
        line = office.job(START)
    assert line.startswith("sync ") and "error" not in line
    log = (ws_dir / "data" / "logs" / "tonghop.log").read_text(encoding="utf-8")
    assert "+0700 INFO" in log or "+07:00 INFO" in log

"""The unattended cycle, the same for `sync` (cron) and `run` (the long-running process):

lock -> read and evaluate -> snapshot -> claim due reminders and receipts -> e-mail them -> plan (status, links,
"Nhắc nhở" rows: one batch per spreadsheet) -> write -> drafts when due -> one line in the log.
A cycle that ends with nothing to do records the settled marker; the next ones stop right after
the lock while nothing can have changed (settled.py, sync/rules/horizon.py).

Errors the user can fix are TonghopErrors (one line, an exit code); anything else is logged with
its traceback in ``<data>/logs/tonghop.log`` and reported as a failed cycle.
"""

from __future__ import annotations

import errno
import logging
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta
from logging.handlers import RotatingFileHandler
from pathlib import Path

from sync.backends import Backend, WriteBatch, open_backend
from sync.campaign_forms import keep_form_lists
from sync.config import Config
from sync.cycle import CycleResult, State, apply_writes, plan_writes, read_state
from sync.errors import DISK_FULL as _FULL
from sync.errors import ConfigError, ExitCode, LockedError, TonghopError, disk_full, is_disk_full
from sync.logs import SHOWN, OffsetFormatter
from sync.progress import Progress, ProgressBackend
from sync.rules import prefill, views
from sync.rules.logbook import behind, last_written
from sync.rules.models import CycleRows
from sync.rules.receipts import Receipt, due_receipts, is_receipt, receipt_code
from sync.rules.reminders import Due, deadline_key, due_reminders
from sync.rules.text import one_line
from sync.rules.timeparse import format_vn
from sync.unattended import settled, snapshots
from sync.unattended.ledger import Claim, Entry, Ledger
from sync.unattended.ledger import State as Sent
from sync.unattended.lock import SyncLock
from sync.unattended.mailer import (
    Delivery,
    Mailer,
    MailError,
    Templates,
    addresses,
    receipt_context,
    reminder_context,
    send_waiting,
)
from sync.unattended.mailer import templates_dir as reminder_templates
from sync.unattended.outcome import Outcome

log = logging.getLogger(__name__)

LEDGER_NAME = "reminders.sqlite3"


class CycleFailed(TonghopError):
    """Something unexpected; the details are in the log file."""

    exit_code = ExitCode.CYCLE


class ClockBehind(TonghopError):
    """The cycle's moment is earlier than the last cycle that wrote the spreadsheet: writing
    would put older statuses over newer ones."""

    exit_code = ExitCode.CYCLE


def log_path(config: Config) -> Path:
    return config.data_path / "logs" / "tonghop.log"


DISK_FULL = _FULL | {errno.EROFS}


class QuietFileHandler(RotatingFileHandler):
    """The log file; when it cannot be written (a full disk), one line on stderr, then silence,
    instead of logging's traceback for every record."""

    failed = False

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 (logging's name)
        self._failed(sys.exc_info()[1])

    def flush(self) -> None:
        try:
            super().flush()
        except OSError as err:
            self._failed(err)

    def close(self) -> None:  # its last flush meets the full disk too
        try:
            super().close()
        except OSError as err:
            self._failed(err)

    def _failed(self, err: BaseException | None) -> None:
        if not self.failed:
            self.failed = True
            print(f"tonghop: cannot write the log {self.baseFilename} ({one_line(err, 160)}); "
                  "continuing without it", file=sys.stderr)


def log_handler(config: Config) -> logging.Handler:
    """The office's log file: INFO and up, rotating (5 x 2 MB), timestamps in the configured
    timezone with their offset."""
    path = log_path(config)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = QuietFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    except OSError as err:
        if is_disk_full(err):
            raise disk_full(err, "the log") from None
        raise ConfigError(f"{config.path}: cannot write the log {path} ('data_dir'): "
                          f"{err.strerror}") from None
    handler.setFormatter(OffsetFormatter(config.tz))
    handler.setLevel(logging.INFO)
    return handler


@contextmanager
def file_logging(config: Config, verbose: bool = False) -> Iterator[Path]:
    """INFO and up to a rotating file in the data folder (5 x 2 MB), timestamps in the configured
    timezone with their offset; stderr keeps showing what the command line set it up to."""
    handler = log_handler(config)
    path = log_path(config)
    root = logging.getLogger()
    old_level = root.level
    quieted = [h for h in root.handlers if isinstance(h, logging.StreamHandler)
               and getattr(h, "stream", None) in (sys.stderr, sys.__stderr__)
               and h.level == logging.NOTSET]
    for h in quieted:
        h.setLevel(logging.INFO if verbose else logging.WARNING)
    root.addHandler(handler)
    if not old_level or old_level > logging.INFO:
        root.setLevel(logging.INFO)
    try:
        yield path
    finally:
        root.removeHandler(handler)
        handler.close()
        root.setLevel(old_level)
        for h in quieted:
            h.setLevel(logging.NOTSET)


def sync_once(
    config: Config, now: datetime, *, backend: Backend | None = None, dry_run: bool = False,
    reports: bool | None = None, progress: Progress | None = None,
    env: Mapping[str, str] | None = None,
) -> Outcome:
    """One cycle under the lock (a dry run takes no lock and changes nothing, not even the
    snapshots or the ledger). ``reports``: write drafts (default: the config's on_sync)."""
    progress = progress or Progress(enabled=False)
    with _logged(config, progress, "sync cycle"):
        if dry_run:
            return _cycle(config, now, backend, True, False, progress, env)
        with SyncLock(config.data_path, now):
            return _cycle(config, now, backend,
                          False, config.reports.on_sync if reports is None else reports,
                          progress, env)


def drafts_once(config: Config, now: datetime, *, backend: Backend | None = None,
                progress: Progress | None = None, campaigns: list[str] | None = None,
                pdf: bool | None = None, notices: list[str] | None = None,
                period: str | None = None) -> list | None:
    """The drafts of `report` and of `run`'s daily job: under the lock (waiting for a running
    sync: two processes saving the same workbook would lose one's changes), fresh state.
    ``campaigns``: codes (default: all); ``pdf``: default the config's; ``period``: a repeating
    campaign's period to draft instead of its current one (see State.in_period)."""
    progress = progress or Progress(enabled=False)
    with _logged(config, progress, "drafts"), \
            SyncLock(config.data_path, now, config.schedule.lock_wait_seconds):
        backend = ProgressBackend(backend or open_backend(config), progress)
        state = read_state(config, backend, now)
        if period:
            state = state.in_period(period)
        return _write_drafts(config, backend, state, now, progress, campaigns=campaigns,
                             pdf=pdf, notices=notices)


@contextmanager
def _logged(config: Config, progress: Progress, what: str) -> Iterator[None]:
    """Errors into the log file: a user's mistake as one line, anything unexpected with its
    traceback (and as a CycleFailed pointing at the log). The command prints the error itself,
    so these records are SHOWN: not repeated on stderr."""
    try:
        yield
    except LockedError as err:  # expected now and then: cron overlapping a slow cycle
        log.warning("%s: %s", what, one_line(err, 2000), extra=SHOWN)
        raise
    except TonghopError as err:
        log.error("%s: %s", what, one_line(err, 2000), extra=SHOWN)
        raise
    except Exception as err:
        if is_disk_full(err):  # not a bug: one line, no traceback, exit 5
            failed = disk_full(err, what)
            log.error("%s", failed, extra=SHOWN)
            raise failed from None
        if _logging_to(log_path(config)):
            log.exception("unexpected error in the %s", what, extra=SHOWN)
            where = f"details in {log_path(config)}"
        else:  # a dry run keeps no log file: the traceback goes to stderr
            log.exception("unexpected error in the %s", what)
            where = "details above"
        raise CycleFailed(f"{what}: unexpected error: {one_line(err, 300)} ({where})") from err
    finally:
        progress.clear()


def _logging_to(path: Path) -> bool:
    return any(isinstance(h, logging.FileHandler) and Path(h.baseFilename) == path.absolute()
               for h in logging.getLogger().handlers)


def _cycle(config: Config, now: datetime, backend: Backend | None, dry_run: bool, reports: bool,
           progress: Progress, env: Mapping[str, str] | None) -> Outcome:
    backend = backend or open_backend(config)
    if not dry_run:
        skipped = _skip_if_settled(config, backend, now, reports)
        if skipped is not None:
            return skipped
        settled.forget(config)  # recorded again below only if this cycle ends settled
    backend = ProgressBackend(backend, progress)
    state = read_state(config, backend, now)
    outcome = Outcome(CycleResult(state))
    if not dry_run:
        last = last_written(state.books[""].find_tab(config.tabs.log), config.tz)
        if behind(now, last):
            raise ClockBehind(
                f"sync {now.isoformat(timespec='seconds')}: the spreadsheet was last synced at "
                f"{format_vn(last, config.tz)}, later than this moment; nothing written, nothing "
                "sent (is this machine's clock right? `status --now` and `--dry-run` still work)")
        try:
            outcome.snapshots = snapshots.take(config, state.books, now)
        except OSError as err:
            if err.errno not in DISK_FULL:
                raise  # anything else is unexpected: with its traceback in the log
            raise CycleFailed(f"cannot save a snapshot in {snapshots.snapshots_root(config)} "
                              f"({one_line(err, 160)}); nothing was written: free some space "
                              "and run sync again") from err
    ledger_path = config.data_path / LEDGER_NAME
    waiting: list[Entry] = []  # e-mails a later cycle retries (settled only without any)
    lists_failed = False  # a form's unit list that could not be kept: retried next cycle
    with Ledger.open(ledger_path, read_only=dry_run) as ledger:
        due = []
        if config.reminders.enabled:
            due = due_reminders(state.statuses, ledger.sent_offsets(), now, config.tz,
                                timedelta(hours=config.reminders.catch_up_hours))
        claims = [_claim(d, config) for d in due]
        receipts: list[Claim] = []
        if config.smtp.host:  # without a server a receipt has nowhere to go: none claimed
            found, outcome.receipts_left = due_receipts(
                state.every_period(), ledger.receipts_claimed(), now,
                timedelta(hours=config.reminders.catch_up_hours),
                config.reminders.receipts_per_cycle)
            receipts = [_receipt_claim(r, config) for r in found]
        if dry_run:
            entries = ledger.entries() + [_pretend(c, now) for c in claims + receipts]
            outcome.claimed, outcome.receipts = len(claims), len(receipts)
        else:
            outcome.claimed = len(ledger.claim(claims, now))
            outcome.receipts = len(ledger.claim(receipts, now))
            if config.smtp.host:
                outcome.delivery = _deliver(config, state, ledger, now, env, outcome)
            entries = ledger.entries()
            waiting = ledger.waiting() if config.smtp.host else []
    for d in due:
        log.info("reminder %s/%s %s: %s, %s", d.status.campaign.code, d.status.unit.code,
                 d.offset.code, one_line(d.status.unit.name, 80), d.status.status.value)
    rows = views.reminder_rows(entries, config.tz) if entries else None
    repaint = config.data_path / REPAINT_MARKER
    repainting = repaint.exists()
    outcome.result.batches = plan_writes(config, state, rows, repaint=repainting)
    for problem in state.problems:  # the commands print them
        log.warning("%s", one_line(problem, 500), extra=SHOWN)
    if not dry_run:
        if reports:  # the "Báo cáo" rows join the control spreadsheet's one write
            listing = WriteBatch()
            try:
                outcome.drafts = _write_drafts(config, backend, state, now, progress, listing)
            except TonghopError as err:  # a broken template: the status is still written
                outcome.errors.append(err)
            if not listing.is_empty():
                outcome.result.batches.setdefault("", WriteBatch()).merge(listing)
        try:
            outcome.result.written = apply_writes(backend, outcome.result.batches, state.problems)
        except Exception:
            # Part of the write may have landed (colours before values): the next cycle sends
            # every status colour again, not only those whose value changes.
            repaint.parent.mkdir(parents=True, exist_ok=True)
            repaint.touch()
            raise
        repaint.unlink(missing_ok=True)
        kept_before = len(state.forms.problems)
        keep_form_lists(state.forms, state.units, state.periodic, backend, config.tabs.campaigns)
        lists_failed = len(state.forms.problems) > kept_before  # retried next cycle
    for error in outcome.errors:  # the commands print them and exit non-zero
        log.error("%s", one_line(error, 2000), extra=SHOWN)
    log.info("%s%s", "dry run: " if dry_run else "", outcome.summary)
    if not dry_run and config.backend.settled_skip:
        unsettled = settled.why_not_settled(state, outcome, repainting or lists_failed, waiting)
        if unsettled:
            log.debug("not settled: %s", unsettled)
        else:
            settled.record_cycle(config, state, outcome, reports, entries)
    return outcome


def _skip_if_settled(config: Config, backend: Backend, now: datetime,
                     reports: bool) -> Outcome | None:
    """The Outcome of a cycle that need not run (sync/unattended/settled.py), or None."""
    if not config.backend.settled_skip or (config.data_path / REPAINT_MARKER).exists():
        return None

    def entries() -> list[Entry]:
        with Ledger.open(config.data_path / LEDGER_NAME, read_only=True) as ledger:
            return ledger.entries()
    marker = settled.unchanged_since(config, backend, now, reports, entries)
    if marker is None:
        return None
    # the problems of the settled cycle are still there: the command shows them again
    state = State(now, {}, [], [], [], [], CycleRows(), list(marker.problems))
    outcome = Outcome(CycleResult(state), unchanged_since=marker.now)
    log.info("%s", outcome.summary)
    return outcome


REPAINT_MARKER = "repaint-colours"  # in the data folder: the last write failed part-way


def _claim(due: Due, config: Config) -> Claim:
    s = due.status
    link = prefill.unit_links(s.campaign, [s.unit]).get(s.unit.code, "")
    if not config.smtp.host:
        state = Sent.TAB_ONLY
    elif not addresses(s.unit.email):
        state = Sent.NO_EMAIL
    else:
        state = Sent.CLAIMED
    return Claim(
        campaign=s.campaign.code, unit=s.unit.code, deadline=deadline_key(s.deadline),
        offset=due.offset.code, due_at=due.due_at, unit_name=s.unit.name, status=s.status.label,
        missing="; ".join(s.missing), link=link, email=s.unit.email, state=state,
    )


def _receipt_claim(receipt: Receipt, config: Config) -> Claim:
    s = receipt.status
    link = prefill.unit_links(s.campaign, [s.unit]).get(s.unit.code, "")
    to = "; ".join(dict.fromkeys(addresses(s.unit.email) + addresses(receipt.respondent)))
    return Claim(
        campaign=s.campaign.code, unit=s.unit.code,
        deadline=deadline_key(s.deadline) if s.deadline else "", offset=receipt.code,
        due_at=s.submitted_at, unit_name=s.unit.name, status=s.status.label,
        missing="; ".join(s.missing), link=link, email=to,
        state=Sent.CLAIMED if to else Sent.NO_EMAIL,
    )


def _pretend(claim: Claim, now: datetime) -> Entry:
    """What a dry run shows in the "Nhắc nhở" tab for a reminder it does not claim."""
    return Entry(0, claim.campaign, claim.unit, claim.deadline, claim.offset, claim.due_at, now,
                 claim.unit_name, claim.status, claim.missing, claim.link, claim.email,
                 claim.state, error="chạy thử (dry run), chưa gửi")


def _deliver(config: Config, state: State, ledger: Ledger, now: datetime,
             env: Mapping[str, str] | None, outcome: Outcome) -> Delivery:
    templates = Templates(reminder_templates(config))
    mailer = Mailer(config.smtp, config.path, env)
    campaigns = {c.code: c for c in state.campaigns}
    statuses = {(s.campaign.code, s.unit.code): s for s in state.statuses}
    # a receipt is of the response it names: its period's status (an earlier period's late
    # report), else the unit's status now
    received = {(s.campaign.code, s.unit.code, receipt_code(s.submitted_at)): s
                for s in state.every_period() if s.submitted_at is not None}

    def letter(entry: Entry):
        campaign = campaigns.get(entry.campaign)
        if is_receipt(entry.offset):
            status = (received.get((entry.campaign, entry.unit, entry.offset))
                      or statuses.get((entry.campaign, entry.unit)))
            subject, body = templates.render(receipt_context(
                entry, status.campaign if status else campaign, status, config, now),
                receipt=True)
        else:
            subject, body = templates.render(reminder_context(entry, campaign, config, now))
        return mailer.message(addresses(entry.email), subject, body, now,
                              f"{entry.campaign}/{entry.unit}/{entry.offset}")

    try:
        delivery = send_waiting(ledger, mailer, letter, now)
    except ConfigError as err:  # a template or the password: the sheet is still written
        outcome.errors.append(err)
        return Delivery(waiting=len(ledger.waiting()), error=str(err))
    if delivery.error:
        outcome.errors.append(MailError(f"reminder e-mail: {delivery.error}"))
    for entry in ledger.entries():  # refused for good: never silent, the cycle exits non-zero
        if entry.state is Sent.FAILED and entry.sent_at == now:
            kind = "receipt" if is_receipt(entry.offset) else "reminder"
            outcome.errors.append(MailError(
                f"{kind} {entry.campaign}/{entry.unit} {entry.offset} to {entry.email} "
                f"failed: {one_line(entry.error, 300)}"))
    return delivery


def _write_drafts(config: Config, backend: Backend, state: State, now: datetime,
                  progress: Progress, listing: WriteBatch | None = None,
                  campaigns: list[str] | None = None, pdf: bool | None = None,
                  notices: list[str] | None = None) -> list:
    """``notices``: what the command prints once (a Drive folder made for the drafts); they are
    logged as well, so an unattended run records them."""
    from reports import write_drafts  # docxtpl and matplotlib load only when drafts are due

    progress.show("writing drafts…")
    heard: list[str] = []
    drafts = write_drafts(config, backend, state, now, campaigns=campaigns,
                          pdf=config.reports.pdf if pdf is None else pdf, tab_batch=listing,
                          notices=heard)
    for notice in heard:
        log.info("%s", one_line(notice, 2000))
    if notices is not None:
        notices.extend(heard)
    written = sum(1 for d in drafts if getattr(d, "written", True))
    log.info("drafts at %s: %d, %d written", now.isoformat(timespec="seconds"), len(drafts),
             written)
    return drafts

"""Check the setup before the first sync: sign-in, network, spreadsheets, tabs, headers, Drive.

With kind = "google": signs in the configured way (backend.auth) and prints who that is (the
address to share every spreadsheet with, as Editor), opens the control spreadsheet and each
campaign's spreadsheet (two read requests each), checks the roster, campaigns and responses tabs
and their headers, and where the drafts will go on Drive. It gives up on Google within seconds
(2 attempts, at most 15 s) and names what stopped it: no network or DNS, a proxy (HTTPS_PROXY)
that does not answer, a wrong clock, an API not enabled, a spreadsheet not shared, a folder not
visible. With the local workbook it checks the workbook the same way. Writes nothing.

Exit codes: 0 ready to sync; 3 the config is wrong; 4 something must be fixed (each line says
what: sharing, sign-in, clock, API, tabs, headers, Drive folder); 5 Google cannot be reached
(network, DNS, proxy).

--json prints one object instead: ready, exit_code, summary, and items, each {level: ok, fix,
note, todo or detail; text}.

Example:
  tonghop check --config config.toml
  tonghop check --config tonghop-demo/config.toml --now 2023-06-20T10:00
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from sync.backends import open_backend
from sync.campaign_forms import keeps_period_list, keeps_unit_list
from sync.commands.common import add_command, add_config, add_now, config_of, now_of
from sync.config import AuthMode, Config
from sync.cycle import read_state
from sync.errors import ExitCode, TonghopError
from sync.rules import headers as H
from sync.rules.evaluate import expected_units
from sync.rules.forms import options_change, period_list, unit_options
from sync.rules.office import example_rows, left_to_do
from sync.rules.parse import parse_campaigns
from sync.rules.period_assign import PERIOD_KEYS, PERIOD_QUESTION
from sync.rules.receipts import wants_receipts
from sync.rules.text import header_key, one_line
from sync.rules.timeparse import format_vn
from sync.unattended.mailer import addresses

OK, FIX, NOTE, TODO, DETAIL = "  ok  ", "  FIX ", "  note", "  todo", "   "
LEVELS = {OK: "ok", FIX: "fix", NOTE: "note", TODO: "todo", DETAIL: "detail"}


class Said:
    """What check found, line by line: printed as it goes, or kept for --json."""

    def __init__(self, as_json: bool):
        self.as_json = as_json
        self.items: list[dict] = []

    def __call__(self, kind: str, text: str) -> None:
        self.items.append({"level": LEVELS[kind], "text": text})
        if not self.as_json:
            print(f"{kind} {text}", flush=True)
SHOWN_PROBLEMS = 15
CLOCK_TOLERANCE = 120.0  # seconds: the Date header is to the second; NTP keeps far closer


def _check_periods(config: Config, state, say: Said) -> None:
    """Each repeating campaign: its schedule and current period; a note when its form has no
    "Kỳ báo cáo" question (responses then go to a period by when they were sent)."""
    for campaign in state.campaigns:
        schedule = campaign.schedule
        if schedule is None or campaign.period is None:
            continue
        say(OK, f"campaign {campaign.code} repeats: every {schedule.kind} from {schedule.first}, "
                f"due {schedule.deadline_rule.text}, data {schedule.cutoff.text}; current period "
                f"{campaign.period} (due {format_vn(campaign.deadline, config.tz)})")
        tab = state.books[campaign.spreadsheet].find_tab(campaign.responses_tab)
        headers = tab.values[0] if tab is not None and tab.values else []
        if not set(PERIOD_KEYS) & {header_key(h) for h in headers}:
            say(NOTE, f"campaign {campaign.code}: its form has no question '{PERIOD_QUESTION[0]}': "
                      "each response goes to the period it was sent in; add that question (a "
                      "dropdown of periods) so each unit names its period")


def _check_receipts(config: Config, state, say: Said) -> None:
    """Whether the receipts a campaign asks for ('Gửi xác nhận' = Có) can be sent."""
    for campaign in (c for c in state.campaigns if wants_receipts(c)):
        units = [s.unit for s in state.statuses_of(campaign.code)]
        with_email = [u for u in units if addresses(u.email)]
        question = campaign.value(H.CAMPAIGN_RESPONDENT_EMAIL)
        if not config.smtp.host:
            say(NOTE, f"campaign {campaign.code} asks for receipts ('{H.CAMPAIGN_RECEIPTS[0]}'), "
                      f"but no SMTP server is set ([smtp] host in {config.path}): none are sent")
            continue
        if not with_email and not question:
            say(NOTE, f"campaign {campaign.code}: receipts on, but none of its {len(units)} units "
                      f"has an e-mail in tab '{config.tabs.roster}': none can be sent")
            continue
        say(OK, f"campaign {campaign.code}: receipts by e-mail via {config.smtp.host} to "
                f"{len(with_email)} of {len(units)} units"
                + (f" and to the address in '{one_line(question, 60)}'" if question else ""))
        without = [u for u in units if not addresses(u.email)]
        if without and not question:
            say(DETAIL, f"no e-mail in the roster (no receipt): {', '.join(u.code for u in without[:10])}"
                        + (" …" if len(without) > 10 else ""))


def register(sub) -> None:
    parser = add_command(sub, "check", __doc__, run)
    add_config(parser)
    add_now(parser)
    parser.add_argument("--json", action="store_true",
                        help="one JSON object: ready, exit_code, summary, items [{level, text}]")


def run(args) -> int:
    config = quick(config_of(args))
    say = Said(getattr(args, "json", False))
    if not say.as_json:
        print(f"tonghop check: {config.path} (backend {config.backend.kind})")
    # the no-op shortcut off: check reads every spreadsheet in full, and its first request
    # is the one it reports on (Sheets, not Drive's version of the spreadsheet)
    backend = open_backend(replace(config, backend=replace(config.backend, skip_unchanged=False)))
    _who(config, backend, say)
    state = read_state(config, backend, now_of(args, config))
    failures = 0
    for ref, book in state.books.items():
        where = backend.describe(ref)
        tz = f", timezone {book.time_zone}" if book.time_zone else ""
        locale = f", locale {book.locale}" if book.locale else ""
        say(OK, f"{where} '{one_line(book.title, 80)}': {len(book.tabs)} tabs{tz}{locale}")
        if book.time_zone and book.time_zone != config.timezone:
            say(NOTE, f"{where} keeps time in {book.time_zone}, the config in "
                  f"{config.timezone}: Forms timestamps there are read in {book.time_zone}")
    if config.backend.kind == "local":
        from sync.backends.local import lock_files

        for held in lock_files(config.resolve(config.backend.workbook)):
            say(NOTE, f"the workbook is open in Excel or LibreOffice (lock file {held.name}): sync "
                      "will not write it until it is closed")
    tabs = config.tabs
    active = sum(1 for u in state.units if u.active)
    say(OK, f"tab '{tabs.roster}': {len(state.units)} units ({active} active)")
    control = state.books[""]
    listed, _ = parse_campaigns(control.find_tab(tabs.campaigns), state.units, config.tz, config.order)
    say(OK, f"tab '{tabs.campaigns}': {len(listed)} campaigns")
    evaluated = {c.code for c in state.campaigns}
    as_read = {c.code: c for c in state.campaigns}
    for campaign in listed:
        campaign = as_read.get(campaign.code, campaign)  # with what its form gave
        ref = backend.normalise_ref(campaign.spreadsheet)
        if campaign.code in evaluated:
            count = len(state.rows.of(campaign.code))
            say(OK, f"campaign {campaign.code}: tab '{one_line(campaign.responses_tab, 80)}' "
                  f"in {backend.describe(ref)}, {count} responses")
        else:
            say(FIX, f"campaign {campaign.code}: cannot be read (see below)")
        derived = state.forms.derived.get(campaign.code)
        if derived is not None:
            facts = state.forms.facts[state.forms.form_of[campaign.code]]
            say(OK, f"campaign {campaign.code}: form '{one_line(facts.title, 80)}' "
                  f"(revision {facts.revision}, {len(facts.questions)} questions)")
            for column, value in derived.filled:
                say(DETAIL, f"from the form: {column} = {one_line(value, 120)}")
            for disagreement in derived.disagreements:
                say(NOTE, f"campaign {campaign.code}: {one_line(disagreement, 300)}")
            if keeps_unit_list(campaign):
                say(DETAIL, f"unit list: {dropdown_preview(facts, campaign, state.units)}")
            if keeps_period_list(campaign):
                history = state.periodic.get(campaign.code)
                say(DETAIL, f"period list: "
                            f"{period_preview(facts, campaign, history.current if history else None)}")
    _check_clock(backend, say)
    _check_periods(config, state, say)
    _check_receipts(config, state, say)
    if state.board is not None:
        made = "" if state.books[state.board].tabs else " (made on the first sync)"
        say(OK, f"public board: {backend.describe(state.board)}{made}, tab '{config.board.tab}': "
                "unit, campaign, status, when sent; share it view-only with the units")
    failures += _check_drive(config, backend, say)
    # Missing tabs and headers must be fixed; a bad row in staff's tabs is only worth a look.
    blocking = [p for p in state.problems if p.blocking]
    others = [p for p in state.problems if not p.blocking]
    for problem in blocking:
        say(FIX, f"{one_line(problem, 400)}")
    failures += len(blocking)
    for problem in others[:SHOWN_PROBLEMS]:
        say(NOTE, f"{one_line(problem, 300)}")
    if len(others) > SHOWN_PROBLEMS:
        say(NOTE, f"... and {len(others) - SHOWN_PROBLEMS} more rows to look at "
              "(`sync` lists them all)")
    todo = _left_to_do(config, state, listed)
    for line in todo:
        say(TODO, line)
    if failures:
        summary, code = f"check: {failures} thing(s) to fix; nothing was written", ExitCode.ACCESS
    else:
        left = f", {len(todo)} thing(s) left to do" if todo else ""
        summary, code = f"check: ready to sync ({len(others)} rows to look at{left}); nothing was written", 0
    if say.as_json:
        print(json.dumps({"config": str(config.path), "backend": config.backend.kind, "ready": not failures,
                          "exit_code": code, "summary": summary, "items": say.items},
                         ensure_ascii=False, indent=2))
    else:
        print(summary)
    return code


def _left_to_do(config: Config, state, listed) -> list[str]:
    """What a new office still has to fill (units, e-mails, deadlines, example rows)."""
    tabs = config.tabs
    control = state.books[""]
    examples = {title: example_rows(control.find_tab(title), codes) for title, codes in (
        (tabs.roster, H.UNIT_CODE), (tabs.campaigns, H.CAMPAIGN_CODE),
        (tabs.exemptions, H.EXEMPT_UNIT))}
    return left_to_do(state.units, listed, examples, (tabs.roster, tabs.campaigns))


def quick(config: Config) -> Config:
    """The config with a short retry budget: a check names a dead network in seconds."""
    b = config.backend
    return replace(config, backend=replace(
        b, timeout_seconds=min(b.timeout_seconds, 15.0), max_attempts=min(b.max_attempts, 2),
        max_retry_seconds=min(b.max_retry_seconds, 5.0)))


def _who(config: Config, backend, say) -> None:
    identity = getattr(backend, "identity", None)
    if identity is None:
        return
    key = backend.key
    if key is not None:
        say(OK, f"key file {key.path}: service account {key.client_email}"
              + (f" (project {one_line(key.project_id, 60)})" if key.project_id else ""))
    else:
        kind = "a service account" if identity.robot else "a person"
        say(OK, f"signed in as {kind} ({identity.source})"
              + (f": {identity.email}" if identity.email else ""))
    say(NOTE, f"share every spreadsheet with {identity.share_with} as Editor")
    token = config.token_path if identity.mode is AuthMode.OAUTH else None
    # Windows has no mode bits to speak of (the file's ACL keeps it to the user's profile)
    if token is not None and os.name != "nt" and token.exists() and token.stat().st_mode & 0o077:
        say(NOTE, f"token file {token} can be read by other users (mode "
              f"{token.stat().st_mode & 0o777:o}): chmod 600 {token}")


def dropdown_preview(facts, campaign, units) -> str:
    """What the next sync would do to the form's unit dropdown (check writes nothing)."""
    question = facts.unit_question()
    if question is None or question.kind not in ("DROP_DOWN", "RADIO"):
        return "the form has no dropdown unit question to keep"
    change = options_change(question, unit_options(expected_units(campaign, units)))
    if change is None:
        return f"'{one_line(question.title, 60)}' lists the roster ({len(question.options)} units)"
    return (f"'{one_line(question.title, 60)}' will be set to the roster on the next sync: "
            f"{len(change.options)} units, add {len(change.added)}, remove {len(change.removed)}")


def period_preview(facts, campaign, current) -> str:
    """What the next sync would do to the form's "Kỳ báo cáo" dropdown (check writes nothing)."""
    found = period_list(facts, campaign.schedule, current)
    if isinstance(found, str):
        return found or "the campaign is not evaluated: no period list kept this time"
    question, wanted = found
    if options_change(question, wanted) is None:
        return f"'{one_line(question.title, 60)}' lists {', '.join(wanted)}"
    return (f"'{one_line(question.title, 60)}' will list {', '.join(wanted)} after the next "
            "sync")


def _check_clock(backend, say) -> None:
    """This machine's clock against the Date of Google's last answer: deadlines, reminders and
    a service account's sign-in all depend on it."""
    stamp = getattr(getattr(backend, "http", None), "server_date", None)
    try:
        google_now = parsedate_to_datetime(stamp) if stamp else None
    except (TypeError, ValueError):
        return
    if google_now is None:
        return
    skew = (datetime.now(UTC) - google_now).total_seconds()
    if abs(skew) > CLOCK_TOLERANCE:
        way = "ahead of" if skew > 0 else "behind"
        say(NOTE, f"this computer's clock is {abs(skew) / 60:.0f} min {way} Google's: deadlines "
              "are judged by it; set it right (e.g. `sudo timedatectl set-ntp true`)")


def _check_drive(config: Config, backend, say) -> int:
    """Where drafts will go, and whether that can work, before any upload (creates nothing)."""
    if config.backend.kind != "google":
        return 0
    from reports.publish import drive_for

    drive = drive_for(config, backend)
    if drive is None:
        say(NOTE, "drafts stay in the output folder: a service account owns no Drive storage; "
              "to publish them, set 'reports.drive_folder' to a folder in a shared drive, or sign "
              "in as a person (auth = \"oauth\")")
        return 0
    try:
        folder, passed_over = drive.look()
    except TonghopError as err:
        say(FIX, f"{one_line(err, 400)}")
        return 1
    if passed_over:
        say(NOTE, f"Drive folder {drive.configured} is not visible to tonghop (signed in as a "
              "person it sees only folders it made itself): drafts go to its own folder instead")
    if folder is None:
        say(OK, f"Drive: drafts will go to a new folder '{drive.name}' in your My Drive "
              "(made at the first report)")
    else:
        say(OK, f"Drive folder '{one_line(folder.name, 80)}' ({folder.folder_id}): {folder.link}")
    return 0

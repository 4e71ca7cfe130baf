"""Check the setup before the first sync: credentials, spreadsheets, tabs, headers. Writes nothing.

With kind = "google": loads the service-account key and prints its client_email (the address to
share every spreadsheet and the Drive folder with, as Editor), opens the control spreadsheet and
each campaign's spreadsheet (two read requests each), checks the roster, campaigns and responses
tabs and their headers, and the Drive folder when reports.drive_folder is set. With the local
workbook it checks the workbook the same way. Exit code 0 when everything needed is there, 4 when
something must be fixed (each line says what).

Example:
  python main.py check --config config.toml
  python main.py check --config tonghop-demo/config.toml
"""

from __future__ import annotations

from sync.backends import open_backend
from sync.campaign_forms import keeps_unit_list
from sync.commands.common import add_command, add_config, config_of, now_of
from sync.config import Config
from sync.cycle import read_state
from sync.errors import ExitCode, TonghopError
from sync.rules.evaluate import expected_units
from sync.rules.forms import options_change
from sync.rules.parse import parse_campaigns
from sync.rules.text import one_line

OK, FIX, NOTE = "  ok  ", "  FIX ", "  note"
SHOWN_PROBLEMS = 15


def register(sub) -> None:
    parser = add_command(sub, "check", __doc__, run)
    add_config(parser)


def run(args) -> int:
    config = config_of(args)
    print(f"tonghop check: {config.path} (backend {config.backend.kind})")
    backend = open_backend(config)
    key = getattr(backend, "key", None)
    if key is not None:
        print(f"{OK} key file {key.path}: service account {key.client_email}"
              + (f" (project {one_line(key.project_id, 60)})" if key.project_id else ""))
        print(f"{NOTE} share every spreadsheet (and the Drive folder) with {key.client_email} "
              "as Editor")
    state = read_state(config, backend, now_of(args, config))
    failures = 0
    for ref, book in state.books.items():
        where = backend.describe(ref)
        tz = f", timezone {book.time_zone}" if book.time_zone else ""
        locale = f", locale {book.locale}" if book.locale else ""
        print(f"{OK} {where} '{one_line(book.title, 80)}': {len(book.tabs)} tabs{tz}{locale}")
        if book.time_zone and book.time_zone != config.timezone:
            print(f"{NOTE} {where} keeps time in {book.time_zone}, the config in "
                  f"{config.timezone}: Forms timestamps there are read in {book.time_zone}")
    tabs = config.tabs
    active = sum(1 for u in state.units if u.active)
    print(f"{OK} tab '{tabs.roster}': {len(state.units)} units ({active} active)")
    control = state.books[""]
    listed, _ = parse_campaigns(control.find_tab(tabs.campaigns), state.units, config.tz, config.order)
    print(f"{OK} tab '{tabs.campaigns}': {len(listed)} campaigns")
    evaluated = {c.code for c in state.campaigns}
    as_read = {c.code: c for c in state.campaigns}
    for campaign in listed:
        campaign = as_read.get(campaign.code, campaign)  # with what its form gave
        ref = backend.normalise_ref(campaign.spreadsheet)
        if campaign.code in evaluated:
            count = sum(1 for r in state.rows if r.response.campaign_code == campaign.code)
            print(f"{OK} campaign {campaign.code}: tab '{one_line(campaign.responses_tab, 80)}' "
                  f"in {backend.describe(ref)}, {count} responses")
        else:
            print(f"{FIX} campaign {campaign.code}: cannot be read (see below)")
        derived = state.forms.derived.get(campaign.code)
        if derived is not None:
            facts = state.forms.facts[state.forms.form_of[campaign.code]]
            print(f"{OK} campaign {campaign.code}: form '{one_line(facts.title, 80)}' "
                  f"(revision {facts.revision}, {len(facts.questions)} questions)")
            for column, value in derived.filled:
                print(f"    from the form: {column} = {one_line(value, 120)}")
            for disagreement in derived.disagreements:
                print(f"{NOTE} campaign {campaign.code}: {one_line(disagreement, 300)}")
            if keeps_unit_list(campaign):
                print(f"    unit list: {dropdown_preview(facts, campaign, state.units)}")
    failures += _check_drive(config, backend)
    # Missing tabs and headers must be fixed; a bad row in staff's tabs is only worth a look.
    blocking = [p for p in state.problems if p.blocking]
    others = [p for p in state.problems if not p.blocking]
    for problem in blocking:
        print(f"{FIX} {one_line(problem, 400)}")
    failures += len(blocking)
    for problem in others[:SHOWN_PROBLEMS]:
        print(f"{NOTE} {one_line(problem, 300)}")
    if len(others) > SHOWN_PROBLEMS:
        print(f"{NOTE} ... and {len(others) - SHOWN_PROBLEMS} more rows to look at "
              "(`sync` lists them all)")
    if failures:
        print(f"check: {failures} thing(s) to fix; nothing was written")
        return ExitCode.ACCESS
    print(f"check: ready to sync ({len(others)} rows to look at); nothing was written")
    return 0


def dropdown_preview(facts, campaign, units) -> str:
    """What the next sync would do to the form's unit dropdown (check writes nothing)."""
    question = facts.unit_question()
    if question is None or question.kind not in ("DROP_DOWN", "RADIO"):
        return "the form has no dropdown unit question to keep"
    change = options_change(question, expected_units(campaign, units))
    if change is None:
        return f"'{one_line(question.title, 60)}' lists the roster ({len(question.options)} units)"
    return (f"'{one_line(question.title, 60)}' will be set to the roster on the next sync: "
            f"{len(change.options)} units, add {len(change.added)}, remove {len(change.removed)}")


def _check_drive(config: Config, backend) -> int:
    folder = config.reports.drive_folder
    if not folder or config.backend.kind != "google":
        return 0
    try:
        info = backend.drive_folder(folder)
    except TonghopError as err:
        print(f"{FIX} {one_line(err, 400)}")
        return 1
    name = one_line(info.get("name", folder), 80)
    if info.get("mimeType") != "application/vnd.google-apps.folder":
        print(f"{FIX} Drive id {folder} ('{name}') is not a folder: check 'reports.drive_folder'")
        return 1
    if info.get("capabilities", {}).get("canAddChildren") is False:
        print(f"{FIX} Drive folder '{name}' is shared read-only: make the service account Editor")
        return 1
    print(f"{OK} Drive folder '{name}' ({folder})")
    return 0

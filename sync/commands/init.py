"""Make a new office in DIR: the control spreadsheet with the staff tabs, and DIR/config.toml.

Lays out the three tabs staff keep ("Đơn vị", "Đợt thu thập", "Gia hạn - Miễn nộp"): each header
with a note saying what goes there, dropdowns where a column takes fixed words or another tab's
codes, a date check on deadlines, and an example row (its code begins "Ví dụ"; it is never read)
where a tab has no row of its own. Writes DIR/config.toml from config.example.toml: every key,
commented, with this office's values in place.

--roster FILE takes in the office's own list of units (.xlsx, .xls, .ods or .csv): the header
row is found by its words (STT, Mã / Mã đơn vị, Tên đơn vị / Đơn vị, Email / Thư điện tử, Nhóm /
Khối / Loại / Lĩnh vực, ...), section rows such as "I. KHỐI ĐẢNG" become groups, a unit without
a code gets one made from its name, and what could not be read is said, row by row.
--form URL (repeatable) adds a campaign per form (with --google, the form's edit link: the next
sync reads the form and fills the row).

Local by default (DIR/tonghop.xlsx, no credentials). --google makes a Google spreadsheet in
Drive instead, as the person signed in (--auth oauth: signs in first if needed) or as a service
account (--auth service_account --credentials KEY --folder ID: a folder of a shared drive, since
a service account owns no storage of its own).

On a terminal it asks for what is missing (the list of units, the office's name, form links);
otherwise it takes the options as given. It never overwrites an office: a DIR holding a
config.toml or a workbook is refused. Then `tonghop check` says what is left to do, and `tonghop
sync` runs on the office as it is.

Exit codes: 0 made; 2 a wrong option, or DIR already holds an office; 4 Google refused.

Example:
  tonghop init my-office --roster danh-sach-don-vi.xlsx --name "PHÒNG NỘI VỤ"
  tonghop init my-office --roster ds.csv --form https://docs.google.com/forms/d/e/1FAIpQL.../viewform
  tonghop init office --google --auth oauth --oauth-client client_secret.json --roster ds.xlsx
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from dataclasses import replace
from pathlib import Path

from sync.commands.common import add_command, again, shell_quote
from sync.config import AUTH_MODES, BackendSettings, Config, Organization, Reports, TabNames
from sync.errors import UsageError
from sync.office.config_text import render
from sync.rules import headers as H
from sync.rules.forms import form_id
from sync.rules.office import NewCampaign, campaign_code, staff_tabs
from sync.rules.roster_import import ImportedRoster
from sync.rules.text import clean

WORKBOOK = "tonghop.xlsx"
UNIT_QUESTION = "Tên đơn vị"
_ENTRY = re.compile(r"[?&]entry\.(\d+)=")


def register(sub) -> None:
    parser = add_command(sub, "init", __doc__, run)
    parser.add_argument("dir", metavar="DIR", help="the new office's folder (made if missing)")
    parser.add_argument("--roster", metavar="FILE", help="the office's list of units: .xlsx, .xls, .ods or .csv")
    parser.add_argument("--form", action="append", default=[], metavar="URL",
                        help="a Google Form's link: one campaign per --form")
    parser.add_argument("--name", metavar="TEXT",
                        help="the office issuing the drafts, e.g. \"PHÒNG NỘI VỤ\" ([organization] issuing_body)")
    parser.add_argument("--parent", metavar="TEXT",
                        help="the body above it, e.g. \"UBND QUẬN THANH XUÂN\" ([organization] parent_body)")
    parser.add_argument("--google", action="store_true", help="make a Google spreadsheet instead of a local workbook")
    parser.add_argument("--auth", choices=AUTH_MODES, default=None,
                        help="with --google: how to sign in (default: oauth with --oauth-client, "
                             "else service_account)")
    parser.add_argument("--credentials", metavar="KEY", help="with --auth service_account: the JSON key file")
    parser.add_argument("--oauth-client", metavar="FILE",
                        help="with --auth oauth: the \"Desktop app\" client-secret JSON (docs/google.md)")
    parser.add_argument("--folder", metavar="ID",
                        help="with --google: the Drive folder for the spreadsheet and the drafts "
                             "(a shared drive's folder for a service account)")
    parser.add_argument("--no-browser", action="store_true",
                        help="with --auth oauth: sign in from another computer (see `tonghop login --help`)")


def run(args) -> int:
    directory = Path(args.dir)
    _refuse_existing(directory)
    asking = sys.stdin.isatty() and sys.stdout.isatty()
    if asking:
        _ask(args)
    roster = _roster(args.roster)
    tabs_names = TabNames()
    config = _config(args, directory)
    campaigns, extra_tabs, form_notes = _campaigns(args.form, args.google)
    units = [[u.code, u.name, u.group, u.email, u.aliases, "Có" if u.active else "Không"]
             for u in roster.units]
    tabs = staff_tabs((tabs_names.roster, tabs_names.campaigns, tabs_names.exemptions), units, campaigns)
    made = not directory.exists()
    directory.mkdir(parents=True, exist_ok=True)
    try:
        if args.google:
            where = _make_google(args, config, tabs)
            config = replace(config, backend=replace(config.backend, spreadsheet=where))
        else:
            from sync.office.local import build_workbook  # openpyxl: only when a workbook is built

            build_workbook(directory / WORKBOOK, tabs, extra_tabs)
        (directory / "config.toml").write_text(_config_text(config, args), encoding="utf-8")
    except BaseException:
        if made:
            shutil.rmtree(directory, ignore_errors=True)
        raise
    _report(args, directory, config, roster, campaigns, form_notes)
    return 0


def _refuse_existing(directory: Path) -> None:
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory} is a file, not a folder: choose a new folder for the office")
    held = [p.name for p in (directory / "config.toml", directory / WORKBOOK) if p.exists()]
    if held:
        raise UsageError(f"{directory} already holds an office ({', '.join(held)}); nothing was "
                         "changed: choose a new folder, or edit that office's tabs and config")


def _ask(args) -> None:
    """What is missing, asked once each on a terminal; Enter skips."""
    print("tonghop init: a few questions (press Enter to skip one).")
    if not args.roster:
        args.roster = _prompt("Your list of units (.xlsx, .xls or .csv file)") or None
    if not args.name:
        args.name = _prompt("Your office, as on its documents (e.g. PHÒNG NỘI VỤ)") or None
    if not args.parent:
        args.parent = _prompt("The body above it (e.g. UBND QUẬN THANH XUÂN)") or None
    if not args.form:
        while link := _prompt("A Google Form's link (Enter when done)"):
            args.form.append(link)
    if args.google and not args.auth and not args.oauth_client and not args.credentials:
        args.oauth_client = _prompt("The OAuth client JSON to sign in as yourself "
                                    "(Enter: use a service account key)") or None
        if not args.oauth_client:
            args.credentials = _prompt("The service account's JSON key file") or None
            args.folder = args.folder or _prompt("The shared drive folder's id") or None


def _prompt(question: str) -> str:
    try:
        return clean(input(f"  {question}: ")).strip("\"'")
    except EOFError:
        return ""


def _roster(path: str | None) -> ImportedRoster:
    if not path:
        return ImportedRoster()
    from sync.office.roster_file import read_roster_file

    roster, _where = read_roster_file(Path(path))
    return roster


def _auth(args) -> str:
    if args.auth:
        return args.auth
    return "oauth" if args.oauth_client else "service_account"


def _config(args, directory: Path) -> Config:
    """This office's settings (what the rendered config.toml will hold)."""
    organization = Organization(issuing_body=args.name or "", parent_body=args.parent or "")
    if not args.google:
        given = [o for o, v in (("--auth", args.auth), ("--credentials", args.credentials),
                                ("--oauth-client", args.oauth_client), ("--folder", args.folder)) if v]
        if given:
            raise UsageError(f"{', '.join(given)}: only with --google (the local workbook needs no sign-in)")
        return Config(path=(directory / "config.toml").resolve(), organization=organization)
    from sync.backends.credentials import ENV_VAR  # google-auth: only when --google

    auth = _auth(args)
    if auth == "service_account" and not args.credentials and not os.environ.get(ENV_VAR, "").strip():
        raise UsageError("--google with a service account needs --credentials KEY (its JSON key "
                         f"file, or the {ENV_VAR} variable); or sign in as yourself with --auth "
                         "oauth --oauth-client FILE (docs/google.md)")
    if auth == "oauth" and not args.oauth_client:
        raise UsageError("--auth oauth needs --oauth-client FILE: the client-secret JSON of a "
                         "\"Desktop app\" OAuth client (docs/google.md)")
    backend = BackendSettings(
        kind="google", spreadsheet="", auth=auth,
        credentials=str(Path(args.credentials).resolve()) if args.credentials else "",
        oauth_client=str(Path(args.oauth_client).resolve()) if args.oauth_client else "")
    return Config(path=(directory / "config.toml").resolve(), backend=backend,
                  organization=organization, reports=Reports(drive_folder=args.folder or ""))


def _campaigns(links: list[str], google: bool) -> tuple[list[NewCampaign], list[tuple[str, list]], list[str]]:
    """One campaign per form link; on the local workbook, an empty responses tab for each (the
    form's answers are pasted or downloaded there)."""
    campaigns, tabs, notes = [], [], []
    taken: set[str] = set()
    for i, link in enumerate(links, 1):
        link = clean(link)
        code = campaign_code(i, taken)
        taken.add(code.casefold())
        editable = form_id(link) is not None
        if google and editable:
            campaigns.append(NewCampaign(code, form_url=link))
            continue
        tab = f"Câu trả lời {code}"
        entry = _ENTRY.search(link)  # a pre-filled link ("Get pre-filled link") names the question
        campaigns.append(NewCampaign(code, form_url="" if editable else link.split("?")[0],
                                     responses_tab=tab, unit_question=UNIT_QUESTION,
                                     entry_id=entry.group(1) if entry else ""))
        tabs.append((tab, [[H.TIMESTAMP[0], UNIT_QUESTION]]))
        if google:
            notes.append(f"campaign {code}: {link} is a responder link, which Google does not let "
                         f"tonghop read; responses are expected in tab '{tab}' (or give the form's "
                         "edit link, .../edit, in column 'Link biểu mẫu')")
        elif editable:
            notes.append(f"campaign {code}: the local workbook cannot read a form: paste or download "
                         f"its responses into tab '{tab}' (with --google the form is read)")
    return campaigns, tabs, notes


def _make_google(args, config: Config, tabs) -> str:
    from sync.office.google import create_spreadsheet

    if config.backend.auth == "oauth" and not config.token_path.exists():
        from sync.commands.login import sign_in_person

        print("Signing in to Google first (the spreadsheet will be yours).")
        sign_in_person(config, no_browser=args.no_browser, port=None, timeout=600.0,
                       forms=bool(args.form), keep_dropdowns=False)
    title = f"tonghop - {args.name}" if args.name else "tonghop"
    sid, who = create_spreadsheet(config, title, tabs, args.folder or "")
    args.owner = who
    return sid


def _config_text(config: Config, args) -> str:
    b = config.backend
    values: dict[str, dict[str, object]] = {
        "backend": {"kind": b.kind, "workbook": WORKBOOK, "spreadsheet": b.spreadsheet,
                    "auth": b.auth, "credentials": b.credentials, "oauth_client": b.oauth_client},
        "organization": {"parent_body": config.organization.parent_body,
                         "issuing_body": config.organization.issuing_body,
                         "place": "", "symbol": "", "signer_title": ""},
        "reports": {"drive_folder": config.reports.drive_folder},
    }
    heading = (f"tonghop: the config of this office, written by `tonghop init`. Every key is here with\n"
               "what it does; change what differs. Relative paths are relative to this file's folder;\n"
               "a Windows path goes in single quotes ('C:\\tonghop\\data') or with forward slashes.\n"
               f"Check it with: tonghop check --config {Path(args.dir) / 'config.toml'}")
    return render(values, heading)


def _report(args, directory: Path, config: Config, roster: ImportedRoster, campaigns, form_notes) -> None:
    path = directory / "config.toml"
    if config.backend.kind == "google":
        where = f"Google spreadsheet https://docs.google.com/spreadsheets/d/{config.backend.spreadsheet}"
    else:
        where = str(directory / WORKBOOK)
    print(f"tonghop init: a new office in {directory}")
    print(f"  control spreadsheet: {where}")
    print(f"  config: {path} (every key, commented)")
    if args.roster:
        made = sum(1 for u in roster.units if u.code_made)
        header = f" (header on row {roster.header_row})" if roster.header_row else ""
        print(f"  units: {len(roster.units)} from {args.roster}{header}"
              + (f", {made} code(s) made from the name" if made else ""))
        if roster.columns:
            print("  columns read: " + ", ".join(f"{v} -> {k}" for k, v in roster.columns.items()))
        groups: dict[str, int] = {}
        for unit in roster.units:
            groups[unit.group] = groups.get(unit.group, 0) + 1
        if groups:
            print("  groups: " + ", ".join(f"{g} ({n})" for g, n in groups.items()))
        if roster.unused:
            print("  columns not read: " + ", ".join(roster.unused))
    else:
        print("  units: none yet (an example row shows the way; or run init again with --roster FILE)")
    print(f"  campaigns: {len(campaigns)}" + (f" ({', '.join(c.code for c in campaigns)})" if campaigns
                                               else " yet (an example row shows the way)"))
    for note in [*roster.notes, *form_notes]:
        print(f"  ! {note}")
    if config.backend.kind == "google":
        print(f"  owner: {getattr(args, 'owner', '')}: share the spreadsheet with colleagues as Editor")
    prog = again(getattr(args, "prog", "tonghop"))
    print(f"Next: {prog} check --config {shell_quote(str(path))}   (says what is left to do)")
    print(f"      {prog} sync --config {shell_quote(str(path))}")

"""Build the bundled demo workspace (a 2023 district letter, ~90 units, 4 campaigns, and each
ward's monthly budget report from Tháng 1/2022) and sync it.

Writes DIR/config.toml and DIR/tonghop.xlsx (kept if they exist, unless --fresh), then runs one
sync cycle at a fixed moment inside the campaign period (20/06/2023 10:00, Asia/Ho_Chi_Minh),
writes the report drafts to DIR/out/ and prints a summary. Running it twice works: the second run
finds nothing to change.

The monthly report is a repeating campaign: one form for every period, a year and a half of
history, so the "Theo kỳ" and "Tỷ lệ báo cáo" tabs and the comparisons have something to show;
--one-off leaves it out (the 2023 letter's four campaigns only).

Example:
  tonghop demo
  tonghop demo --dir /tmp/tonghop-demo --fresh
  tonghop demo --dir /tmp/tonghop-letter --one-off
"""

from __future__ import annotations

import sys
from pathlib import Path

from sync.commands.common import add_command, again, print_errors, shell_quote
from sync.config import load_config
from sync.rules.timeparse import parse_moment
from sync.summary import status_table
from sync.unattended.job import file_logging, sync_once


def _shown(path: Path) -> str:
    """A path as the user typed it: relative to the current folder when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _periodic_tabs(config, state) -> str:
    if not state.periodic:
        return ""
    return (f", '{config.tabs.by_period}' (each period of the repeating campaign), "
            f"'{config.tabs.rates}'")


def register(sub) -> None:
    parser = add_command(sub, "demo", __doc__, run)
    parser.add_argument("--dir", default="tonghop-demo", metavar="DIR",
                        help="where to build the workspace (default: ./tonghop-demo)")
    parser.add_argument("--fresh", action="store_true", help="rebuild the workbook from scratch")
    parser.add_argument("--one-off", action="store_true",
                        help="leave out the monthly campaign with a year and a half of history "
                             "(a new workspace, or with --fresh)")


def run(args) -> int:
    from sync.demo import DEMO_NOW, build_workspace  # openpyxl: only when a demo is built

    directory = Path(args.dir)
    config_path = build_workspace(directory, force=args.fresh, periodic=not args.one_off)
    config = load_config(config_path)
    now = parse_moment(DEMO_NOW, config.tz).at
    with file_logging(config, verbose=args.verbose):
        outcome = sync_once(config, now, reports=True)
    state = outcome.result.state
    active = sum(1 for u in state.units if u.active)
    print(f"tonghop demo: {active} active units, {len(state.campaigns)} campaigns, "
          f"synced at {now.strftime('%d/%m/%Y %H:%M')} (Asia/Ho_Chi_Minh)\n")
    print(status_table(state))
    print()
    for problem in state.problems:
        print(f"  ! {problem}")
    print(outcome.summary)
    workbook = _shown(config.resolve(config.backend.workbook))
    print(f"\nStatus written to {workbook}: tabs '{config.tabs.status}', '{config.tabs.detail}', "
          f"'{config.tabs.log}', '{config.tabs.reports}', '{config.tabs.corrections}' (names to "
          f"settle), '{config.tabs.figures}'{_periodic_tabs(config, state)}, and two columns at "
          "the right of each responses tab.")
    if outcome.drafts:
        print(f"Drafts (.docx and .xlsx, {len(outcome.drafts)}) in {_shown(config.output_path)}")
    print(f"Try: {again(args.prog)} status --config {shell_quote(_shown(config_path))} --now {DEMO_NOW[:16]}")
    sys.stdout.flush()
    print_errors(outcome.errors)  # a draft or e-mail that could not be made: never silent
    return outcome.exit_code

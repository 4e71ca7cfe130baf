"""Run one sync cycle: read responses, match units, check deadlines, write status back.

Reads every tab it needs in one pass per spreadsheet, writes only the cells it owns (status and
detail tabs, pre-filled links, the "Nhắc nhở" tab, two columns at the right of each responses
tab, a log row) in one batch per spreadsheet, and writes nothing when nothing changed. Keeps a
snapshot of what it read, sends the reminders that are due, and logs to <data_dir>/logs/.

This is the cron entry: one summary line on stdout; problems on stderr and in the log. Exit codes:
0 done, 2 bad option, 3 config error, 4 a spreadsheet or tab cannot be reached, 5 the cycle
failed (or reminder e-mail could not be sent), 6 another sync is already running, 7 the
local workbook is open in Excel or LibreOffice (close it; the next sync writes).

After a cycle that found nothing to do, the next ones only check that no spreadsheet, config or
reminder changed and no deadline or reminder came due, then print "unchanged since <time>;
nothing to do" ([backend] settled_skip; <data_dir>/settled.json).

--dry-run reads and prints what would change; it takes no lock and writes nothing: no cells, no
snapshot, no reminder sent or recorded, no line in the log file. It never skips.

--json prints the summary as one object instead (now, campaigns, responses, statuses, cells
written, problems, reminders, receipts {claimed, next_cycle}, e-mails, drafts, errors, exit_code,
summary).

Example:
  tonghop sync --config tonghop-demo/config.toml --now 2023-06-20T10:00
  tonghop sync --config /etc/tonghop/config.toml --dry-run
"""

from __future__ import annotations

import json
import sys
from contextlib import nullcontext

from sync.commands.common import add_command, add_config, add_now, config_of, now_of, print_errors
from sync.export import outcome_record
from sync.progress import Progress
from sync.rules.text import one_line
from sync.summary import print_changes
from sync.unattended.job import file_logging, sync_once


def register(sub) -> None:
    parser = add_command(sub, "sync", __doc__, run)
    add_config(parser)
    add_now(parser)
    parser.add_argument("--dry-run", action="store_true",
                        help="print what would change and write nothing")
    parser.add_argument("--json", action="store_true",
                        help="the summary as one JSON object on stdout (problems and errors in it too)")


def run(args) -> int:
    config = config_of(args)
    now = now_of(args, config)
    logged = nullcontext() if args.dry_run else file_logging(config, verbose=args.verbose)
    with logged:
        outcome = sync_once(config, now, dry_run=args.dry_run, progress=Progress())
    if args.json:
        print(json.dumps(outcome_record(outcome), ensure_ascii=False, indent=2))
        return outcome.exit_code
    if args.dry_run:
        print_changes(outcome.result, sys.stdout)
    for problem in outcome.result.state.problems:
        print(f"  ! {one_line(problem, 500)}", file=sys.stderr)
    print_errors(outcome.errors)
    print(outcome.summary)
    return outcome.exit_code

"""Run one sync cycle: read responses, match units, check deadlines, write status back.

Reads every tab it needs in one pass per spreadsheet, writes only the cells it owns (status and
detail tabs, two columns at the right of each responses tab, a log row), and writes nothing when
nothing changed. Prints one summary line (plus problems found in staff's tabs).

Example:
  python main.py sync --config tonghop-demo/config.toml --now 2023-06-20T10:00
  python main.py sync --config config.toml --dry-run
"""

from __future__ import annotations

import sys

from ..backends import open_backend
from ..cycle import run_cycle
from ..summary import print_changes, summary_line
from .common import add_command, add_config, add_now, config_of, now_of


def register(sub) -> None:
    parser = add_command(sub, "sync", __doc__, run)
    add_config(parser)
    add_now(parser)
    parser.add_argument("--dry-run", action="store_true",
                        help="print what would change and write nothing")


def run(args) -> int:
    config = config_of(args)
    backend = open_backend(config)
    result = run_cycle(config, backend, now_of(args, config), dry_run=args.dry_run)
    if args.dry_run:
        print_changes(result, sys.stdout)
    for problem in result.state.problems:
        print(f"  ! {problem}", file=sys.stderr)
    print(summary_line(result))
    return 0

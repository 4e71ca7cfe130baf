"""Show the current status per campaign and unit (reads, evaluates, writes nothing).

With --json, prints a list of objects: campaign, unit, unit_name, group, status (on_time, late,
incomplete, pending, overdue, exempt), status_label, deadline, submitted_at (ISO 8601 with
offset, or null), late_seconds, missing, responses; and for a campaign that declares figures,
figures: {question: number or null} (null: the unit gave none, or none that could be read).

Example:
  python main.py status --config tonghop-demo/config.toml --now 2023-06-20T10:00 --json
  python main.py status --config config.toml --campaign NTVT
"""

from __future__ import annotations

import json

from sync.backends import open_backend
from sync.commands.common import add_command, add_config, add_now, config_of, now_of
from sync.cycle import read_state
from sync.export import status_records
from sync.summary import status_table


def register(sub) -> None:
    parser = add_command(sub, "status", __doc__, run)
    add_config(parser)
    add_now(parser)
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--campaign", metavar="CODE", help="only this campaign")


def run(args) -> int:
    config = config_of(args)
    state = read_state(config, open_backend(config), now_of(args, config))
    records = status_records(state)
    if args.campaign:
        records = [r for r in records if r["campaign"].casefold() == args.campaign.casefold()]
    if args.json:
        print(json.dumps(records, ensure_ascii=False, indent=2))
        return 0
    print(status_table(state))
    for r in records:
        when = r["submitted_at"] or ""
        print(f"{r['campaign']:<8} {r['unit']:<10} {r['status_label']:<20} {when:<26} {r['unit_name']}")
    return 0

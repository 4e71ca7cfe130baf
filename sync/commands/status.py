"""Show the current status per unit and campaign (reads, evaluates, writes nothing).

Prints an "as of" line (the moment, in the configured timezone), then one row per unit and one
column per campaign: the status code and, for what was submitted, when (local time), under each
campaign's deadline; a count per campaign below. --campaign shows only that campaign (repeat for
several); a code that was not evaluated is an error listing those that were.

With --json, prints a list of objects: campaign, unit, unit_name, group, status (on_time, late,
incomplete, pending, overdue, exempt), status_label, deadline, submitted_at (ISO 8601 with
offset, or null), late_seconds, missing, responses; and for a campaign that declares figures,
figures: {question: number or null} (null: the unit gave none, or none that could be read);
and for a repeating campaign, period: {label, kind, year, index, from, to} (its data window).
A repeating campaign shows its current period; --period shows another one it has evaluated.
Its records also carry compared: {question: {previous, year_before}} (the unit's figure against
the period before and the same period a year before: now, then, difference, percent, or null)
and reporting_rate (this year's periods due, sent, on time, complete, their rates, those missed).
--compare prints, for each repeating campaign, the whole comparison (total, groups, units) and
the reporting rates (total, groups, units) as JSON.

Example:
  tonghop status --config tonghop-demo/config.toml --now 2023-06-20T10:00
  tonghop status --config config.toml --campaign NTVT --json
  tonghop status --config config.toml --campaign BCTN --period "Tháng 5/2023"
  tonghop status --config config.toml --campaign BCTN --compare
"""

from __future__ import annotations

import json

from sync.backends import open_backend
from sync.commands.common import add_command, add_config, add_now, add_period, config_of, now_of
from sync.cycle import read_state
from sync.export import periodic_records, status_records
from sync.summary import status_grid, status_table


def register(sub) -> None:
    parser = add_command(sub, "status", __doc__, run)
    add_config(parser)
    add_now(parser)
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--campaign", metavar="CODE", action="append",
                        help="only this campaign (repeat for several); default: every campaign")
    parser.add_argument("--compare", action="store_true",
                        help="repeating campaigns: their comparisons and reporting rates (total, "
                             "groups, units) as JSON")
    add_period(parser)


def run(args) -> int:
    config = config_of(args)
    state = read_state(config, open_backend(config), now_of(args, config))
    if args.period:
        state = state.in_period(args.period)
    campaigns = state.chosen(args.campaign)
    if args.compare:
        print(json.dumps(periodic_records(state, campaigns), ensure_ascii=False, indent=2))
        return 0
    if args.json:
        codes = {c.code for c in campaigns}
        records = [r for r in status_records(state) if r["campaign"] in codes]
        print(json.dumps(records, ensure_ascii=False, indent=2))
        return 0
    print(status_grid(state, campaigns, config.tz))
    print()
    print(status_table(state, campaigns))
    return 0

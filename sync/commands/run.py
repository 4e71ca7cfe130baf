"""Keep running: sync every N minutes and write the drafts at a fixed local time each day.

For a server without cron (or as a systemd service): [schedule] every_minutes (default 15) and
report_at ("17:00", local time in the configured timezone; "" for no daily drafts). The first
sync runs at start. Prints a line per run with the next run times, logs to
<data_dir>/logs/tonghop.log. SIGTERM or Ctrl-C stops it after the current cycle (exit 0); a
failed cycle is logged and the next one still runs. Cycles never overlap with a `sync` from cron:
both take the same lock, and a cycle that finds it taken is skipped.

Example:
  tonghop run --config /etc/tonghop/config.toml
"""

from __future__ import annotations

import sys
from datetime import datetime

from sync.commands.common import add_command, add_config, config_of
from sync.progress import Progress
from sync.rules.text import one_line
from sync.unattended.job import drafts_once, file_logging, sync_once
from sync.unattended.scheduler import Service


def register(sub) -> None:
    parser = add_command(sub, "run", __doc__, run)
    add_config(parser)


def run(args) -> int:
    config = config_of(args)

    def clock() -> datetime:
        return datetime.now(config.tz)

    def sync_job(now: datetime) -> str:
        outcome = sync_once(config, now, progress=Progress())
        errors = "".join(f"; error: {one_line(e, 300)}" for e in outcome.errors)
        return outcome.summary + errors

    def report_job(now: datetime) -> str:
        drafts = drafts_once(config, now, progress=Progress())
        if drafts is None:
            return "no drafts (the reports package is not available)"
        written = sum(1 for d in drafts if getattr(d, "written", True))
        return f"{len(drafts)} drafts, {written} written"

    schedule = config.schedule
    with file_logging(config, verbose=args.verbose) as log_file:
        service = Service(schedule.every_minutes, schedule.report_at, clock, sync_job,
                          report_job, sys.stdout)
        drafts = f", drafts daily at {schedule.report_at}" if schedule.report_at else ""
        print(f"tonghop run: sync every {schedule.every_minutes} min{drafts} ({config.timezone}); "
              f"log {log_file}; stop with Ctrl-C or SIGTERM", flush=True)
        return service.run()

"""Keep running: sync every N minutes and write the drafts at a fixed local time each day.

For a server without cron (or as a systemd service): [schedule] every_minutes (default 15) and
report_at ("17:00", local time in the configured timezone; "" for no daily drafts). The first
sync runs at start. Prints a line per run with the next run times, logs to
<data_dir>/logs/tonghop.log. SIGTERM or Ctrl-C stops it after the current cycle (exit 0); a
failed cycle is logged and the next one still runs. Cycles never overlap with a `sync` from cron:
both take the same lock, and a cycle that finds it taken is skipped.

Many offices in one process: give --config several times, or a folder of .toml files. Each
office syncs on its own interval, spread over it, and writes its drafts at its report_at, in its
own data folder and log; offices that sign in as the same Google account share its quota (60
reads + 60 writes a minute); a slow or failing office never delays another. Each office reads
its config file again at its next slot when the file changed. An office whose config does not
load (not valid TOML, an unknown key, a data folder another office holds) is broken: a line names
the file and the key at start and at each of its slots, it does not sync until the file loads,
and the other offices keep syncing. Exit codes: 0 stopped with every office's config loaded;
3 stopped with an office broken, or every office broken at start (nothing runs).

Examples:
  tonghop run --config /etc/tonghop/config.toml
  tonghop run --config /etc/tonghop/offices/ --workers 2
"""

from __future__ import annotations

import sys
import time
from datetime import datetime

from sync.commands.common import add_command
from sync.config import load_config
from sync.errors import ConfigError, ExitCode
from sync.progress import Progress
from sync.rules.text import one_line
from sync.unattended.job import drafts_once, file_logging, sync_once


def register(sub) -> None:
    parser = add_command(sub, "run", __doc__, run)
    parser.add_argument("--config", "-c", required=True, metavar="FILE", action="append",
                        help="a TOML config file, or a folder of them; repeat for more offices")
    parser.add_argument("--workers", type=int, default=2, metavar="N",
                        help="cycles at once per Google account (default 2; several offices)")


def run(args) -> int:
    from sync.unattended import offices as O  # the Google stack: only when `run` runs

    paths = O.config_paths(args.config)
    if len(paths) == 1:
        return run_one(args, paths[0])
    return run_many(args, paths)


def run_one(args, path) -> int:
    from sync.unattended.scheduler import Service

    config = load_config(path)

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


def run_many(args, paths) -> int:
    """Several offices; a broken one (its config does not load) never stops the others."""
    from sync.unattended.fleet import Fleet
    from sync.unattended.quota import Quotas
    from sync.unattended.reloads import ReloadingOffices

    offices = ReloadingOffices(Quotas(time.monotonic, time.sleep))
    with offices.logging(verbose=args.verbose):
        offices.add(paths, datetime.now().astimezone())
        healthy = offices.healthy()
        if not healthy:
            offices.report(sys.stdout, datetime.now().astimezone())
            raise ConfigError(f"no office can run: the {len(paths)} configs above are broken")
        tz = healthy[0].config.tz

        def clock() -> datetime:
            return datetime.now(tz)

        names = [o.name for o in offices.offices]
        fleet = Fleet(offices.offices, clock, sys.stdout, workers=args.workers,
                      office_scope=offices.scope)
        lanes = {o.lane for o in offices.offices}
        print(f"tonghop run: {len(names)} offices ({', '.join(names[:5])}"
              f"{', …' if len(names) > 5 else ''}) in {len(lanes)} quota lane"
              f"{'' if len(lanes) == 1 else 's'}, {args.workers} workers each; each office logs "
              "to its own data_dir; stop with Ctrl-C or SIGTERM", flush=True)
        offices.report(sys.stdout, clock())
        code = fleet.run(handle_signals=True)
        broken = offices.broken()
    if broken:
        print(f"{len(broken)} of {len(names)} offices broken: "
              f"{', '.join(o.name for o in broken)} (exit {ExitCode.CONFIG})", flush=True)
        return ExitCode.CONFIG
    return code

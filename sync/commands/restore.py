"""Restore one tab of a snapshot into a NEW tab of the same spreadsheet (never over a live tab).

For responses deleted from a sheet by mistake: the tab as it was at the snapshot goes into a new
tab named "Khôi phục <tab> <dd-mm-yyyy HHhMM>" (the snapshot's time); where that is longer than
the backend allows (31 characters in a local .xlsx, 100 on Google), "KP <tab> <dd-mm-yyyy HHhMM>",
the tab's name shortened in the middle with "…" if need be. Staff copy the rows they need back
into the live tab. Refuses if that tab already exists. Numbers come back as they were (4, not
4.0); dates as day-first text (dd/mm/yyyy H:MM:SS), which the sync reads. Takes the sync lock,
so it never races a sync. --tab is required (without it, the error lists the snapshot's tabs).

Example:
  tonghop history --config config.toml
  tonghop restore --config config.toml --snapshot control/20230620T030000Z \\
      --tab "Câu trả lời biểu mẫu 1"
"""

from __future__ import annotations

import logging
from datetime import datetime

from sync.backends import open_backend
from sync.commands.common import add_command, add_config, config_of
from sync.errors import UsageError
from sync.unattended import snapshots
from sync.unattended.job import file_logging
from sync.unattended.lock import SyncLock

log = logging.getLogger(__name__)


def register(sub) -> None:
    parser = add_command(sub, "restore", __doc__, run)
    # --tab is checked in run(), where the error can list the snapshot's tabs; the usage says
    # it is required all the same
    parser.usage = "%(prog)s [-h] --config FILE --snapshot ID --tab NAME [-v]"
    add_config(parser)
    parser.add_argument("--snapshot", required=True, metavar="ID",
                        help="a snapshot id from `history` (a unique beginning is enough)")
    parser.add_argument("--tab", metavar="NAME", help="the tab to restore (required)")


def run(args) -> int:
    config = config_of(args)
    snapshot = snapshots.find(config, args.snapshot)
    if not args.tab:
        tabs = ", ".join(f"'{t}'" for t in snapshot.load())
        raise UsageError(f"--tab is required: snapshot {snapshot.id} holds {tabs}")
    backend = open_backend(config)
    with file_logging(config, verbose=args.verbose), SyncLock(config.data_path,
                                                             datetime.now(config.tz)):
        done = snapshots.restore(config, backend, snapshot, args.tab)
        line = (f"restored {done.rows} rows of '{done.source_tab}' from snapshot {snapshot.id} "
                f"into the new tab '{done.title}' of {backend.describe(done.ref)}")
        log.info("%s", line)
    print(line)
    return 0

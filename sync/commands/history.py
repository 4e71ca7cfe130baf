"""List the snapshots kept of what each sync read (newest last), to recover deleted responses.

A sync keeps a compressed snapshot of every spreadsheet it reads whenever its values changed
since the previous snapshot ([top level] snapshot_keep: how many per spreadsheet). With --show,
lists the tabs of one snapshot and their number of rows. Restore a tab with `restore`.

--json prints the same as JSON (id, taken_at, spreadsheet: "" for the control one, bytes).

Example:
  tonghop history --config tonghop-demo/config.toml
  tonghop history --config tonghop-demo/config.toml --json
  tonghop history --config tonghop-demo/config.toml --show control/20230620T030000Z
"""

from __future__ import annotations

import json

from sync.commands.common import add_command, add_config, config_of
from sync.rules.text import one_line
from sync.unattended import snapshots


def register(sub) -> None:
    parser = add_command(sub, "history", __doc__, run)
    add_config(parser)
    parser.add_argument("--show", metavar="ID", help="list the tabs of this snapshot")
    parser.add_argument("--json", action="store_true",
                        help="a JSON list of snapshots (id, taken_at, spreadsheet, bytes); with "
                             "--show, one object with its tabs and their rows")
    parser.add_argument("--limit", type=int, default=50, metavar="N",
                        help="show the newest N snapshots (default 50; 0 = all)")


def run(args) -> int:
    config = config_of(args)
    if args.json:
        return _json(config, args)
    if args.show:
        snapshot = snapshots.find(config, args.show)
        print(f"{snapshot.id}  {_when(snapshot, config)}  {_book(snapshot.ref)}")
        for title, values in snapshot.load().items():
            print(f"  {one_line(title, 60):<40} {max(len(values) - 1, 0):>6} rows")
        print(f"Restore a tab: {args.prog} restore --config {args.config} "
              f"--snapshot {snapshot.id} --tab '<tab>'")
        return 0
    found = snapshots.list_snapshots(config)
    if not found:
        print(f"no snapshots yet in {snapshots.snapshots_root(config)} (a sync keeps one)")
        return 0
    shown = found[-args.limit:] if args.limit > 0 else found
    print(f"{'snapshot':<42} {'taken at':<17} {'size':>8}  spreadsheet")
    for s in shown:
        size = f"{s.path.stat().st_size / 1024:.0f} KB"
        print(f"{s.id:<42} {_when(s, config):<17} {size:>8}  {_book(s.ref)}")
    if len(shown) < len(found):
        print(f"… {len(found) - len(shown)} older snapshots not shown (--limit 0 shows all)")
    return 0


def _json(config, args) -> int:
    def record(s) -> dict:
        return {"id": s.id, "taken_at": s.taken_at.astimezone(config.tz).isoformat(timespec="seconds"),
                "spreadsheet": s.ref, "bytes": s.path.stat().st_size}
    if args.show:
        snapshot = snapshots.find(config, args.show)
        tabs = {title: max(len(values) - 1, 0) for title, values in snapshot.load().items()}
        print(json.dumps({**record(snapshot), "tabs": tabs}, ensure_ascii=False, indent=2))
        return 0
    found = snapshots.list_snapshots(config)
    shown = found[-args.limit:] if args.limit > 0 else found
    print(json.dumps([record(s) for s in shown], ensure_ascii=False, indent=2))
    return 0


def _when(snapshot, config) -> str:
    return snapshot.taken_at.astimezone(config.tz).strftime("%d/%m/%Y %H:%M")


def _book(ref: str) -> str:
    return one_line(ref, 80) if ref else "control spreadsheet"

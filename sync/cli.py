"""The command line: parse options, call the core, turn its errors into one line and an exit code.

Each command lives in ``sync/commands/<name>.py`` with ``register(subparsers)``; its docstring is
its ``--help`` and carries an example.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys
from collections.abc import Sequence

from sync import commands
from sync.errors import ExitCode, TonghopError
from sync.rules.text import one_line

# The order --help lists them in; any other module in sync/commands is listed after these.
ORDER = ("demo", "sync", "status", "check", "report", "run", "history", "restore")


def command_names() -> list[str]:
    found = {m.name for m in pkgutil.iter_modules(commands.__path__) if m.name != "common"}
    return [n for n in ORDER if n in found] + sorted(found - set(ORDER))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python main.py",
        description="tonghop: consolidate what units submit through Google Forms.",
        epilog="Example: python main.py demo    (then: python main.py status --config tonghop-demo/config.toml)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in command_names():
        importlib.import_module(f"sync.commands.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.run(args) or 0)
    except TonghopError as err:
        print(f"tonghop: error: {one_line(err, 2000)}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("tonghop: interrupted", file=sys.stderr)
        return 130


__all__ = ["main", "build_parser", "ExitCode"]

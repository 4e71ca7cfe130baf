"""The command line: parse options, call the core, turn its errors into one line and an exit code.

Each command lives in ``sync/commands/<name>.py`` with ``register(subparsers)``; its docstring is
its ``--help`` and carries an example.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from sync import commands
from sync.bundled import tonghop_version
from sync.errors import ExitCode, TonghopError, disk_full, is_disk_full
from sync.logs import console_logging
from sync.rules.text import one_line

# The order --help lists them in; any other module in sync/commands is listed after these.
ORDER = ("demo", "init", "sync", "status", "remind", "check", "report", "run", "history", "restore")
PIPE_CLOSED = 128 + 13  # what a shell reports for a program ended by SIGPIPE (`yes | head`)
_EXAMPLE = re.compile(r"^(\s+)(?:tonghop|python main\.py)(?= )", re.MULTILINE)


def command_names() -> list[str]:
    found = {m.name for m in pkgutil.iter_modules(commands.__path__) if m.name != "common"}
    return [n for n in ORDER if n in found] + sorted(found - set(ORDER))


def program_name(argv0: str) -> str:
    """The name the user typed: ``tonghop`` (the console script) or ``python main.py``."""
    return f"python {argv0}" if argv0.endswith(".py") else Path(argv0).name or "tonghop"


def build_parser(prog: str = "tonghop") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="tonghop: consolidate what units submit through Google Forms.",
        epilog=f"Example: {prog} demo    (then: {prog} status --config tonghop-demo/config.toml)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    parser.add_argument("--version", action="version", version=f"%(prog)s {tonghop_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in command_names():
        importlib.import_module(f"sync.commands.{name}").register(sub)
    for command in sub.choices.values():
        # -v after the command too (`tonghop sync -v`); SUPPRESS keeps a -v given before it.
        command.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                             help="log details to stderr")
        command.description = _EXAMPLE.sub(rf"\g<1>{prog}", command.description or "")
    return parser


def main(argv: Sequence[str] | None = None, prog: str | None = None) -> int:
    """``argv`` None: the process's own arguments, and the program name it was started by."""
    if prog is None:
        prog = program_name(sys.argv[0]) if argv is None else "tonghop"
    utf8_output()
    try:
        args = build_parser(prog).parse_args(argv)
        args.prog = prog
        return _run(args)
    except BrokenPipeError:
        # The reader went away (`tonghop status | head`, also with 2>&1): stop quietly, and
        # keep Python from complaining again when it flushes at exit.
        _to_devnull(sys.stdout, sys.stderr)
        return PIPE_CLOSED


def _run(args: argparse.Namespace) -> int:
    try:
        with console_logging(args.verbose):
            return int(args.run(args) or 0)
    except TonghopError as err:
        print(f"tonghop: error: {one_line(err, 2000)}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("tonghop: interrupted", file=sys.stderr)
        return 130
    except Exception as err:
        if not is_disk_full(err):
            raise
        full = disk_full(err, args.command)
        print(f"tonghop: error: {one_line(full, 2000)}", file=sys.stderr)
        return full.exit_code


def utf8_output() -> None:
    """stdout and stderr in UTF-8 whatever the console or redirect would use (a Windows code page,
    PYTHONIOENCODING=cp1252, Task Scheduler writing to a file): Vietnamese is never a
    UnicodeEncodeError. A Windows console shows UTF-8 since Python 3.6 (it writes wide chars)."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(encoding="utf-8", errors="replace")
            except (ValueError, OSError):  # already written to in another encoding: leave it
                continue


def _to_devnull(*streams) -> None:
    for stream in streams:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, stream.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):  # not a real file (in-process tests)
            pass


__all__ = ["main", "build_parser", "ExitCode"]

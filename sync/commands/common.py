"""Helpers shared by commands: options, config loading, parsing --now, printing errors."""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import sys
from collections.abc import Iterable
from datetime import datetime, tzinfo
from pathlib import Path

from sync.config import Config, load_config
from sync.errors import UsageError
from sync.rules.text import one_line

NOW_FORMS = ("2023-06-20T10:00 (local time in the configured timezone), 2023-06-20 10:00:30, "
             "2023-06-20T10:00+07:00, 2023-06-20T03:00Z, 20/06/2023 10:00, 2023-06-20 (midnight)")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?"
                  r"(?:Z|[+-]\d{2}:\d{2})?")
_DAY_FIRST = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def add_command(sub, name: str, doc: str, run) -> argparse.ArgumentParser:
    """A subcommand whose --help is the module docstring (first line = summary)."""
    summary = doc.strip().splitlines()[0]
    parser = sub.add_parser(
        name, help=summary, description=doc.strip(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(run=run)
    return parser


def add_config(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", "-c", required=True, metavar="FILE",
                        help="the TOML config file (`tonghop init DIR` writes one for a new office, "
                             "from config.example.toml at the top of the project; `tonghop demo` "
                             "writes an example)")


def add_now(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--now", metavar="ISO-DATETIME",
        help="pretend it is this moment (e.g. 2023-06-20T10:00 or 20/06/2023 10:00); without "
             "an offset it is local time in the configured timezone; default: the real clock")


def add_period(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--period", metavar="PERIOD",
                        help='a repeating campaign\'s period, e.g. "Tháng 5/2023", "Quý I/2023" '
                             "(default: the current one)")


def config_of(args) -> Config:
    return load_config(args.config)


def now_of(args, config: Config) -> datetime:
    if getattr(args, "now", None):
        return parse_now(args.now, config.tz)
    return datetime.now(config.tz)


def parse_now(text: str, tz: tzinfo) -> datetime:
    """A moment typed on the command line. Stricter than a sheet's timestamp cell: a bare number
    (a spreadsheet serial there) or a day that does not exist is refused, with the forms that
    are accepted."""
    value = text.strip()
    try:
        if _ISO.fullmatch(value):
            moment = datetime.fromisoformat(value)
        elif match := _DAY_FIRST.fullmatch(value):
            day, month, year, hour, minute, second = (int(g or 0) for g in match.groups())
            moment = datetime(year, month, day, hour, minute, second)
        else:
            raise UsageError(f"--now {text!r} is not a date and time; accepted forms: {NOW_FORMS}")
    except ValueError as err:  # 2023-02-30, 25:00
        raise UsageError(f"--now {text!r}: no such moment ({err}); accepted forms: "
                         f"{NOW_FORMS}") from None
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)


def print_errors(errors: Iterable[object]) -> None:
    """What could not be done in a cycle that otherwise finished (a draft, an e-mail): one line
    each on stderr; the command exits non-zero."""
    for error in errors:
        print(f"tonghop: error: {one_line(error, 2000)}", file=sys.stderr)


def shell_quote(text: str) -> str:
    """A word the user's shell takes as one: PowerShell and cmd take double quotes, sh single."""
    if os.name == "nt":
        return f'"{text}"' if any(c in text for c in " &()'^;,") else text
    return shlex.quote(text)


def again(prog: str) -> str:
    """How to start tonghop again from this shell: ``tonghop`` when that name on PATH is the
    program running, else the path it was started by (``.venv/bin/tonghop``, quoted)."""
    typed = sys.argv[0] if sys.argv else ""
    if prog != "tonghop" or Path(typed).stem != "tonghop":
        return prog  # `python main.py`, or called in-process
    found = shutil.which("tonghop")
    if found and Path(found).resolve() == Path(typed).resolve():
        return "tonghop"
    return shell_quote(typed)

"""Helpers shared by commands: options, config loading, parsing --now."""

from __future__ import annotations

import argparse
from datetime import datetime

from sync.config import Config, load_config
from sync.errors import UsageError
from sync.rules.timeparse import TimeParseError, parse_moment


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
                        help="the TOML config file (see config.example.toml)")


def add_now(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--now", metavar="ISO-DATETIME",
        help="pretend it is this moment (e.g. 2023-06-20T10:00); without an offset it is "
             "local time in the configured timezone; default: the real clock")


def config_of(args) -> Config:
    return load_config(args.config)


def now_of(args, config: Config) -> datetime:
    if getattr(args, "now", None):
        try:
            return parse_moment(args.now, config.tz).at
        except TimeParseError as err:
            raise UsageError(f"--now {args.now!r}: {err}") from None
    return datetime.now(config.tz)

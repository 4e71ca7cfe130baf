"""IT's settings: one TOML file, validated on load.

Unknown keys and wrong types are errors that name the key and the file. Every section is a frozen
dataclass; the loader checks the TOML against the field types, so adding a setting is adding a
field (and a line in the README's config reference).
"""

from __future__ import annotations

import os
import re
import tomllib
import types
import typing
from dataclasses import dataclass, field, fields, is_dataclass
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sync.errors import ConfigError
from sync.rules.text import header_key, nfc
from sync.rules.timeparse import DateOrder


class AuthMode(StrEnum):
    """How tonghop signs in to Google (``backend.auth``)."""

    SERVICE_ACCOUNT = "service_account"  # a service account's JSON key
    OAUTH = "oauth"  # a staff member's Google account (installed-app flow, `tonghop login`)
    ADC = "adc"  # Application Default Credentials, optionally impersonating a service account


AUTH_MODES = tuple(m.value for m in AuthMode)


@dataclass(frozen=True)
class BackendSettings:
    kind: str = "local"  # "local" or "google"
    workbook: str = "tonghop.xlsx"  # local: the control workbook, relative to the config file
    # local: folders besides the config's own where a campaign's workbook ('Bảng tính') may lie
    workbook_folders: list[str] = field(default_factory=list)
    spreadsheet: str = ""  # google: id or URL of the control spreadsheet
    auth: str = "service_account"  # google: how to sign in: "service_account", "oauth" or "adc"
    credentials: str = ""  # service_account: key file; else GOOGLE_APPLICATION_CREDENTIALS
    oauth_client: str = ""  # oauth: the "Desktop app" client-secret JSON; token kept in data_dir
    impersonate: str = ""  # adc: optional service-account e-mail to act as (impersonation)
    timeout_seconds: float = 60.0  # google: per request
    max_attempts: int = 6  # google: retries of 408/429/5xx/timeouts, in all
    max_retry_seconds: float = 120.0  # google: give up after this long
    skip_unchanged: bool = True  # no re-read while the book is unchanged (Drive's version; the file's bytes)
    settled_skip: bool = True  # no cycle at all while no book, config or clock boundary moved (settled.json)

    @property
    def auth_mode(self) -> AuthMode:
        return AuthMode(self.auth)


@dataclass(frozen=True)
class TabNames:
    roster: str = "Đơn vị"
    campaigns: str = "Đợt thu thập"
    exemptions: str = "Gia hạn - Miễn nộp"
    status: str = "Trạng thái"
    detail: str = "Chi tiết"
    log: str = "Nhật ký đồng bộ"
    reports: str = "Báo cáo"
    reminders: str = "Nhắc nhở"
    corrections: str = "Đối chiếu tên đơn vị"
    figures: str = "Số liệu"
    by_period: str = "Theo kỳ"
    rates: str = "Tỷ lệ báo cáo"


@dataclass(frozen=True)
class Organization:
    """Who issues the drafts. Nothing about a particular district lives in code."""

    parent_body: str = ""  # e.g. "UBND QUẬN THANH XUÂN"
    issuing_body: str = ""  # e.g. "PHÒNG NỘI VỤ"
    issuing_body_name: str = ""  # in running text, e.g. "Phòng Nội vụ"; default: issuing_body
    place: str = ""  # place-and-date line: "<place>, ngày ..."
    symbol: str = ""  # drafting unit in the document number, e.g. "NV" -> "Số: .../BC-NV"
    signer_name: str = ""
    signer_title: str = ""  # e.g. "TRƯỞNG PHÒNG"
    signer_authority: str = ""  # e.g. "KT. CHỦ TỊCH" (optional line above the title)
    recipients: list[str] = field(default_factory=list)  # "Nơi nhận", without "Lưu"


@dataclass(frozen=True)
class Matching:
    fuzzy_threshold: float = 85.0  # rapidfuzz score (0-100) a one-letter guess shown to staff must reach
    fuzzy_margin: float = 5.0  # and by how much it must beat the runner-up
    # the office's own places that units add after their names and the roster does not show:
    # a former district, the province ("quận Thanh Xuân", "Hà Nội"); taken off after a dash,
    # comma or bracket ("Trường Tiểu học Kim Giang - quận Thanh Xuân")
    places: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Reports:
    on_sync: bool = False  # write drafts at the end of every sync
    drive_folder: str = ""  # google: Drive folder id for the drafts
    pdf: bool = False
    templates_dir: str = ""  # folder of the office's own .docx templates; "" = the project's templates/


@dataclass(frozen=True)
class Schedule:
    every_minutes: int = 15
    report_at: str = "17:00"  # local time, HH:MM; "" = no daily drafts from `run`
    lock_wait_seconds: float = 600.0  # how long the daily drafts wait for a running sync


@dataclass(frozen=True)
class Smtp:
    host: str = ""  # empty: reminders only go to the "Nhắc nhở" tab
    port: int = 587
    username: str = ""
    password_env: str = "TONGHOP_SMTP_PASSWORD"  # the password is read from this variable
    sender: str = ""  # the From: address, or "Phòng Nội vụ <nv@example.vn>"
    starttls: bool = True
    ssl: bool = False  # SMTPS (usually port 465); takes precedence over starttls
    timeout_seconds: float = 30.0


@dataclass(frozen=True)
class Reminders:
    enabled: bool = True
    catch_up_hours: float = 72.0  # a reminder whose moment passed longer ago is not sent
    templates_dir: str = ""  # folder with reminder_*.txt.j2; "" = the project's templates/
    receipts_per_cycle: int = 50  # receipts (campaigns with "Gửi xác nhận") sent in one cycle at most

@dataclass(frozen=True)
class Board:
    """The public board: unit, campaign, status and when sent, in a book of its own."""

    spreadsheet: str = ""  # "" = none; a workbook path (local, made when missing) or a spreadsheet id/URL (google)
    tab: str = "Tình hình nộp"


@dataclass(frozen=True)
class Config:
    path: Path
    timezone: str = "Asia/Ho_Chi_Minh"
    date_order: str = "dmy"  # how timestamps typed as text are read: "dmy" or "mdy"
    output_dir: str = "out"  # drafts
    data_dir: str = "data"  # logs, snapshots, reminder ledger, lock
    snapshot_keep: int = 200  # snapshots kept per spreadsheet
    backend: BackendSettings = field(default_factory=BackendSettings)
    tabs: TabNames = field(default_factory=TabNames)
    organization: Organization = field(default_factory=Organization)
    matching: Matching = field(default_factory=Matching)
    reports: Reports = field(default_factory=Reports)
    schedule: Schedule = field(default_factory=Schedule)
    smtp: Smtp = field(default_factory=Smtp)
    reminders: Reminders = field(default_factory=Reminders)
    board: Board = field(default_factory=Board)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def order(self) -> DateOrder:
        return DateOrder(self.date_order)

    @property
    def base_dir(self) -> Path:
        return self.path.parent

    def resolve(self, value: str) -> Path:
        """A path from the config, relative to the config file's folder. Backslashes separate
        folders on any system (a config written on Windows, ``data\\logs``, read on Linux)."""
        if os.sep == "/" and "\\" in value:
            value = value.replace("\\", "/")
        path = Path(os.path.expanduser(value))
        return path if path.is_absolute() else self.base_dir / path

    @property
    def output_path(self) -> Path:
        return self.resolve(self.output_dir)

    @property
    def data_path(self) -> Path:
        return self.resolve(self.data_dir)

    @property
    def token_path(self) -> Path:
        """Where `tonghop login` keeps the signed-in person's token (mode 0600)."""
        return self.data_path / "google-token.json"


def load_config(path: str | Path) -> Config:
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found (start from config.example.toml at "
                          "the top of the tonghop project: `tonghop init DIR` makes a new office "
                          "with one, and `tonghop demo` a working example in tonghop-demo/)") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML: {err}{_windows_path_hint(path, err)}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: cannot read: {err}") from None
    config = _build(Config, raw, path, prefix="", extra={"path": path.resolve()})
    _check(config)
    return config


WINDOWS_PATHS = ("a Windows path goes in single quotes ('C:\\tonghop\\data') or with forward slashes "
                 "(\"C:/tonghop/data\")")
_PATH_KEYS = ("output_dir", "data_dir", "backend.workbook", "backend.credentials", "backend.oauth_client",
              "reports.templates_dir", "reminders.templates_dir")


def _windows_path_hint(path: Path, err: tomllib.TOMLDecodeError) -> str:
    """A backslash in double quotes is TOML's escape: say how to write the path instead."""
    found = re.search(r"at line (\d+)", str(err))  # Python 3.14 has err.lineno; 3.11 says it
    lineno = int(found.group(1)) if found else None
    try:
        line = path.read_text(encoding="utf-8").splitlines()[lineno - 1] if lineno else ""
    except (OSError, UnicodeDecodeError, IndexError):
        return ""
    return f"; {WINDOWS_PATHS}" if "\\" in line and '"' in line else ""


def _check_paths(config: Config) -> None:
    """"C:\\new\\table.xlsx" in double quotes is valid TOML holding a newline and a tab."""
    for key in _PATH_KEYS:
        section, _, name = key.rpartition(".")
        value = getattr(getattr(config, section) if section else config, name)
        if any(c in value for c in "\n\t\r\b\f"):
            raise ConfigError(f"{config.path}: '{key}' = {value!r} holds a control character: in "
                              f"double quotes a backslash starts an escape (\\n, \\t); {WINDOWS_PATHS}")


def _build(cls: type, raw: dict, path: Path, prefix: str, extra: dict | None = None):
    hints = typing.get_type_hints(cls)
    known = {f.name for f in fields(cls) if f.name != "path"}
    for key in raw:
        if key not in known:
            section = f"[{prefix.rstrip('.')}]" if prefix else "the top level"
            raise ConfigError(
                f"{path}: unknown key '{prefix}{key}' in {section} "
                f"(known: {', '.join(sorted(known))})"
            )
    values = dict(extra or {})
    for name in known:
        if name not in raw:
            continue
        kind, value = hints[name], raw[name]
        if is_dataclass(kind):
            if not isinstance(value, dict):
                raise ConfigError(f"{path}: '{prefix}{name}' must be a [{name}] table")
            values[name] = _build(kind, value, path, f"{prefix}{name}.")
        else:
            values[name] = _coerce(value, kind, path, f"{prefix}{name}")
    return cls(**values)


def _coerce(value, kind, path: Path, key: str):
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        for option in typing.get_args(kind):
            try:
                return _coerce(value, option, path, key)
            except ConfigError:
                continue
        raise ConfigError(f"{path}: '{key}' has the wrong type ({type(value).__name__})")
    if origin is list:
        (item,) = typing.get_args(kind)
        if not isinstance(value, list):
            raise ConfigError(f"{path}: '{key}' must be a list, got {type(value).__name__}")
        return [_coerce(v, item, path, f"{key}[{i}]") for i, v in enumerate(value)]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if kind is type(None):
        if value is None:
            return None
    elif isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    want = {str: "a string", int: "a whole number", float: "a number", bool: "true or false"}
    raise ConfigError(
        f"{path}: '{key}' must be {want.get(kind, kind.__name__)}, got {value!r}"
    )


def _check(config: Config) -> None:
    where = config.path
    try:
        ZoneInfo(config.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{where}: 'timezone' = {config.timezone!r} is not a known timezone "
            "(e.g. Asia/Ho_Chi_Minh)"
        ) from None
    if config.date_order not in {o.value for o in DateOrder}:
        raise ConfigError(f"{where}: 'date_order' must be \"dmy\" or \"mdy\"")
    if config.backend.kind not in ("local", "google"):
        raise ConfigError(f"{where}: 'backend.kind' must be \"local\" or \"google\"")
    if config.backend.auth not in AUTH_MODES:
        raise ConfigError(
            f"{where}: 'backend.auth' = {config.backend.auth!r} is not a way to sign in "
            f"(allowed: {', '.join(repr(m) for m in AUTH_MODES)})"
        )
    if config.backend.kind == "google" and config.backend.auth == "oauth" \
            and not config.backend.oauth_client:
        raise ConfigError(
            f"{where}: 'backend.oauth_client' is required with auth = \"oauth\" (the client-secret "
            "JSON of a \"Desktop app\" OAuth client; see docs/google.md)"
        )
    if config.backend.impersonate and "@" not in config.backend.impersonate:
        raise ConfigError(
            f"{where}: 'backend.impersonate' must be a service account's e-mail "
            "(name@project.iam.gserviceaccount.com)"
        )
    if config.backend.kind == "google" and not config.backend.spreadsheet:
        raise ConfigError(
            f"{where}: 'backend.spreadsheet' is required with kind = \"google\" "
            "(the control spreadsheet's id or URL)"
        )
    if config.schedule.every_minutes < 1:
        raise ConfigError(f"{where}: 'schedule.every_minutes' must be at least 1")
    hh, _, mm = config.schedule.report_at.partition(":")
    if config.schedule.report_at and not (
        hh.isdigit() and mm.isdigit() and int(hh) < 24 and int(mm) < 60 and len(mm) == 2
    ):
        raise ConfigError(
            f"{where}: 'schedule.report_at' = {config.schedule.report_at!r} is not a time "
            "(valid format is HH:MM, or \"\" for no daily drafts)"
        )
    if config.smtp.host and "@" not in config.smtp.sender:
        raise ConfigError(
            f"{where}: 'smtp.sender' must be an e-mail address when 'smtp.host' is set "
            "(the From: of reminder e-mails)"
        )
    if not 0 < config.smtp.port < 65536:
        raise ConfigError(f"{where}: 'smtp.port' must be between 1 and 65535")
    if config.reminders.receipts_per_cycle < 1:
        raise ConfigError(f"{where}: 'reminders.receipts_per_cycle' must be at least 1")
    if config.reminders.catch_up_hours < 0:
        raise ConfigError(f"{where}: 'reminders.catch_up_hours' must not be negative")
    if config.snapshot_keep < 0:
        raise ConfigError(f"{where}: 'snapshot_keep' = {config.snapshot_keep} must be 0 (no "
                          "snapshots) or more (snapshots kept per spreadsheet; 200 by default)")
    _check_tab_names(config)
    _check_paths(config)


STAFF_TABS = ("roster", "campaigns", "exemptions")  # the other [tabs] keys name tool-owned tabs


def _check_tab_names(config: Config) -> None:
    """Every [tabs] name distinct: a tool tab named like a staff tab would be written into."""
    seen: dict[str, str] = {}
    for item in fields(TabNames):
        name = getattr(config.tabs, item.name)
        key = header_key(name)
        if not key:
            raise ConfigError(f"{config.path}: 'tabs.{item.name}' must not be empty")
        if item.name not in STAFF_TABS:
            refused = tab_name_refused(name)
            if refused:
                raise ConfigError(f"{config.path}: 'tabs.{item.name}' = {name!r} cannot name a tab "
                                  f"the tool creates: {refused}")
        if key in seen:
            raise ConfigError(
                f"{config.path}: 'tabs.{item.name}' = {name!r} is also 'tabs.{seen[key]}': "
                "every tab needs its own name (the tool writes into its own tabs)")
        seen[key] = item.name


TAB_NAME_REFUSED = "/\\?*[]:"  # Excel refuses a sheet named with any of them
TAB_NAME_LONGEST = 31  # Excel's limit, in characters


def tab_name_refused(name: str) -> str:
    """Why Excel or Google Sheets would refuse ``name`` as a tab's name ("" when neither does):
    a workbook saved with it cannot be opened in Excel."""
    name = nfc(name)
    if not name.strip():
        return "it is empty"
    bad = [c for c in TAB_NAME_REFUSED if c in name]
    if bad:
        return f"it holds {', '.join(repr(c) for c in bad)} (Excel refuses / \\ ? * [ ] : in a tab name)"
    if len(name) > TAB_NAME_LONGEST:
        return f"it is {len(name)} characters long, longer than {TAB_NAME_LONGEST} (Excel's limit)"
    if name.casefold() == "history":
        return "'History' is reserved by Excel"
    if name.startswith("'") or name.endswith("'"):
        return "Excel refuses a tab name that starts or ends with an apostrophe"
    return ""


def tool_tabs(tabs: TabNames) -> dict[str, str]:
    """The tabs the tool owns and writes: [tabs] key -> title."""
    return {f.name: getattr(tabs, f.name) for f in fields(TabNames) if f.name not in STAFF_TABS}

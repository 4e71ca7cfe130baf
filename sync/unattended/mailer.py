"""Reminder e-mails: jinja2 templates staff can edit, smtplib to send, the ledger to remember.

Templates: ``reminder_subject.txt.j2`` and ``reminder_body.txt.j2`` bundled in ``templates/``
(package data) or in ``[reminders] templates_dir``. Plain UTF-8 text; a typo in a template is reported with its file
and line before anything is sent.
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.message import Message
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from pathlib import Path

import jinja2

from sync import bundled
from sync.config import Config, Smtp
from sync.errors import ConfigError, ExitCode, TonghopError
from sync.rules.models import Campaign, Status, UnitStatus
from sync.rules.receipts import is_receipt, received_at, verdict_text
from sync.rules.reminders import Offset
from sync.rules.text import one_line, safe_text
from sync.rules.timeparse import format_duration, format_vn
from sync.unattended.ledger import MAX_DEFERRALS, MAX_UNCERTAIN, Entry, Ledger, State

SUBJECT_TEMPLATE = "reminder_subject.txt.j2"
BODY_TEMPLATE = "reminder_body.txt.j2"
RECEIPT_SUBJECT = "receipt_subject.txt.j2"
RECEIPT_BODY = "receipt_body.txt.j2"


class MailError(TonghopError):
    """The SMTP server cannot be reached or refuses us; reminders stay queued."""

    exit_code = ExitCode.CYCLE


def addresses(text: str) -> list[str]:
    """A roster cell may hold several addresses separated by ; , or spaces."""
    return [a for a in re.split(r"[;,\s]+", text) if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", a)]


def templates_dir(config: Config) -> Path | None:
    """The office's folder of reminder templates; None: the bundled ones."""
    return config.resolve(config.reminders.templates_dir) if config.reminders.templates_dir else None


def _bundled(name: str) -> str | None:
    found = bundled.template(name)
    return found.read_text(encoding="utf-8") if found.is_file() else None


def _bundled_receipt(name: str) -> str | None:
    """An office folder made before receipts existed has no receipt templates: the bundled ones."""
    return _bundled(name) if name in (RECEIPT_SUBJECT, RECEIPT_BODY) else None


class Templates:
    def __init__(self, directory: Path | None = None):
        """From ``directory``, or the bundled templates (package data) when None."""
        self.directory = directory
        loader: jinja2.BaseLoader = jinja2.FunctionLoader(_bundled)
        if directory:
            loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(directory),
                                          jinja2.FunctionLoader(_bundled_receipt)])
        self.env = jinja2.Environment(
            loader=loader, undefined=jinja2.StrictUndefined,
            autoescape=False, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
        )

    def render(self, context: Mapping[str, object], receipt: bool = False) -> tuple[str, str]:
        """(subject, body) of a reminder, or of a receipt."""
        subject, body = (RECEIPT_SUBJECT, RECEIPT_BODY) if receipt else (SUBJECT_TEMPLATE, BODY_TEMPLATE)
        return one_line(self._render(subject, context), 250), self._render(body, context)

    def _render(self, name: str, context: Mapping[str, object]) -> str:
        path = self.directory / name if self.directory else bundled.template(name)
        try:
            return self.env.get_template(name).render(context)
        except jinja2.TemplateNotFound:
            if self.directory is None:
                raise ConfigError(f"{path}: bundled reminder template missing (reinstall "
                                  "tonghop, or set 'reminders.templates_dir')") from None
            raise ConfigError(f"{path}: reminder template not found "
                              f"(copy it from {bundled.where()})") from None
        except jinja2.TemplateSyntaxError as err:
            raise ConfigError(f"{path}: line {err.lineno}: {err.message}") from None
        except jinja2.TemplateError as err:
            raise ConfigError(f"{path}: {err}") from None


def reminder_context(entry: Entry, campaign: Campaign | None, config: Config,
                     now: datetime) -> dict[str, object]:
    """What a template can use. Every value is NFC text with no control characters."""
    tz = config.tz
    deadline = datetime.fromisoformat(entry.deadline) if entry.deadline else None
    offset_label = "" if is_receipt(entry.offset) else Offset.parse(entry.offset).label
    org = config.organization
    return {
        "unit": {"code": entry.unit, "name": safe_text(entry.unit_name), "email": entry.email},
        "campaign": {
            "code": entry.campaign,
            "title": safe_text(campaign.title if campaign else entry.campaign),
            "owner": safe_text(campaign.owner if campaign else ""),
            # a repeating campaign's period the reminder is for ("Tháng 6/2025"), else ""
            "period": campaign.period.label if campaign and campaign.period else "",
        },
        "deadline": format_vn(deadline, tz),
        "overdue": deadline is not None and now > deadline,
        "offset": offset_label,
        "status": entry.status,
        "missing": [safe_text(m) for m in entry.missing.split("; ") if m],
        "link": entry.link,
        "organization": {"parent_body": org.parent_body, "issuing_body": org.issuing_body,
                         "place": org.place, "signer_name": org.signer_name,
                         "signer_title": org.signer_title},
        "now": format_vn(now, tz),
    }


def receipt_context(entry: Entry, campaign: Campaign | None, status: UnitStatus | None,
                    config: Config, now: datetime) -> dict[str, object]:
    """What a receipt template can use: the reminder's variables, and ``received`` (when the
    response arrived), ``verdict`` (plain Vietnamese; ``verdict_short`` without the request to
    send more), ``late_by``. ``status``: the unit's
    status now, for its own deadline (an extension) and lateness; None keeps the campaign's."""
    context = reminder_context(entry, campaign, config, now)
    deadline = datetime.fromisoformat(entry.deadline) if entry.deadline else None
    if status is not None and status.deadline is not None:
        deadline = status.deadline
    received = received_at(entry.offset)
    late_by = received - deadline if deadline is not None and received > deadline else None
    label = Status.from_label(entry.status) or Status.ON_TIME
    open_until = format_vn(deadline, config.tz) if deadline is not None and now <= deadline else ""
    verdict = verdict_text(label, [safe_text(m) for m in entry.missing.split("; ") if m],
                           open_until, late_by)
    context.update({
        "received": format_vn(received, config.tz),
        "verdict": verdict,
        "verdict_short": verdict.partition(". Đề nghị")[0],
        "late_by": format_duration(late_by) if late_by else "",
        "deadline": format_vn(deadline, config.tz),
    })
    return context


class Mailer:
    def __init__(self, smtp: Smtp, config_path: Path, env: Mapping[str, str] | None = None):
        self.smtp, self.config_path = smtp, config_path
        self.env = os.environ if env is None else env

    def message(self, to: Sequence[str], subject: str, body: str, now: datetime,
                tag: str) -> Message:
        # The legacy Header/MIMEText API on purpose: in Python 3.11 the modern EmailMessage
        # folds a long non-ASCII subject between two encoded words and the space there is lost
        # ("Nhân Chính" arrives as "NhânChính"; CPython gh-92081). Header keeps spaces inside.
        name, address = parseaddr(self.smtp.sender)
        msg = MIMEText(body, "plain", "utf-8")
        msg["From"] = formataddr((name, address), charset="utf-8")
        msg["To"] = ", ".join(to)
        msg["Subject"] = Header(subject, "utf-8")
        msg["Date"] = format_datetime(now)
        msg["Message-ID"] = make_msgid(domain=address.rpartition("@")[2])
        msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, please
        msg["X-Tonghop-Reminder"] = Header(tag, "utf-8")
        return msg

    def _password(self) -> str:
        password = self.env.get(self.smtp.password_env, "")
        if not password:
            raise ConfigError(
                f"{self.config_path}: 'smtp.username' is set but the environment variable "
                f"{self.smtp.password_env} (named by 'smtp.password_env') is empty; set it in the "
                "environment of the cron job or service")
        return password

    @contextmanager
    def connect(self) -> Iterator[smtplib.SMTP]:
        s = self.smtp
        password = self._password() if s.username else ""
        where = f"SMTP server {s.host}:{s.port}"
        context = ssl.create_default_context()
        try:
            if s.ssl:
                client: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout_seconds,
                                                        context=context)
            else:
                client = smtplib.SMTP(s.host, s.port, timeout=s.timeout_seconds)
                if s.starttls:
                    client.starttls(context=context)
            if s.username:
                client.login(s.username, password)
        except smtplib.SMTPAuthenticationError as err:
            raise MailError(f"{where} refused the login of '{s.username}' ({err.smtp_code}); check "
                            f"the password in {s.password_env}") from None
        except smtplib.SMTPNotSupportedError:
            raise MailError(f"{where} does not offer STARTTLS; set 'smtp.starttls = false' only "
                            "if the server is on a trusted network, or use 'smtp.ssl'") from None
        except (OSError, smtplib.SMTPException) as err:
            raise MailError(f"{where}: cannot connect: {one_line(err, 200)} (reminders stay queued "
                            "and are retried next cycle)") from None
        try:
            yield client
        finally:
            with suppress(OSError, smtplib.SMTPException):
                client.quit()


@dataclass
class Delivery:
    sent: int = 0
    failed: int = 0
    waiting: int = 0
    error: str = ""  # why e-mails are still waiting, for the log and the exit code


Letter = Callable[[Entry], Message]


def send_waiting(ledger: Ledger, mailer: Mailer, letter: Letter, now: datetime) -> Delivery:
    """Send every claimed reminder not confirmed yet (see :mod:`sync.ledger` for the phases).

    5xx: failed for good. 4xx (greylisting, a full mailbox, a busy server) and an unreachable
    server: deferred to the next cycle, at most MAX_DEFERRALS times, then failed."""
    delivery = Delivery()
    todo = []
    for entry in ledger.waiting():
        if entry.attempts >= MAX_UNCERTAIN:
            ledger.finish(entry.id, State.FAILED, now, "not confirmed after "
                          f"{entry.attempts} attempts; not sent again")
            delivery.failed += 1
        else:
            todo.append(entry)
    if not todo:
        return delivery
    letters = [(entry, letter(entry)) for entry in todo]  # template errors before any send

    def defer(entry: Entry, error: str, counted: bool = True) -> None:
        if ledger.defer(entry.id, error, counted) >= MAX_DEFERRALS:
            ledger.finish(entry.id, State.FAILED, now,
                          f"{error} ({MAX_DEFERRALS} cycles in a row); not sent")
            delivery.failed += 1
        else:
            delivery.waiting += 1

    done = 0
    try:
        with mailer.connect() as client:
            for i, (entry, msg) in enumerate(letters):
                ledger.begin_attempt(entry.id)
                done = i + 1
                try:
                    client.send_message(msg)
                except smtplib.SMTPRecipientsRefused as err:
                    refusal = _refusal(err)
                    if all(code < 500 for code, _ in err.recipients.values()):
                        defer(entry, refusal)
                        delivery.error = f"temporary refusal: {refusal}"
                    else:
                        ledger.undo_attempt(entry.id, "")
                        ledger.finish(entry.id, State.FAILED, now, refusal)
                        delivery.failed += 1
                except smtplib.SMTPResponseException as err:
                    error = f"{err.smtp_code} {_text(err.smtp_error)}"
                    if err.smtp_code >= 500:
                        ledger.undo_attempt(entry.id, error)
                        ledger.finish(entry.id, State.FAILED, now, error)
                        delivery.failed += 1
                    else:
                        defer(entry, error)
                        delivery.error = f"SMTP {error}"
                except (OSError, smtplib.SMTPException) as err:
                    # Maybe delivered, maybe not: the attempt stays counted.
                    delivery.waiting += len(letters) - i
                    delivery.error = f"connection lost while sending: {one_line(err, 200)}"
                    break
                else:
                    ledger.finish(entry.id, State.SENT, now)
                    delivery.sent += 1
    except MailError as err:  # no connection: nothing went out
        for entry, _ in letters[done:]:
            defer(entry, one_line(err, 200), counted=False)
        delivery.error = str(err)
    return delivery


def _text(value: bytes | str) -> str:
    return one_line(value.decode("utf-8", "replace") if isinstance(value, bytes) else value, 200)


def _refusal(err: smtplib.SMTPRecipientsRefused) -> str:
    return "; ".join(f"{addr}: {code} {_text(msg)}" for addr, (code, msg) in err.recipients.items())

"""The settled marker: a cycle that found nothing to do is not run again while nothing it depends
on can have moved (``[backend] settled_skip``, default on).

A cycle is a function of the books, the config, tonghop's version, the reminder ledger and
``now``, and ``now`` matters only at known moments (sync/rules/horizon.py). A real cycle that
ended *settled* (nothing planned, no reminder claimed, sent or waiting for a retry, no error, no
repaint pending, every book read with an identity, every linked Google Form read) records in
``<data_dir>/settled.json``: tonghop's version, a digest of the config file's bytes (and of the
report templates and which drafts exist, when drafts are written on sync), a digest of the
ledger, ``{ref: identity}`` of every book it read, each linked form's ``revisionId``, its ``now``
and the horizon.

The next cycle (not a dry run) skips everything when the marker is valid: same version and
digests, ``marker.now <= now < horizon``, and each book's identity asked again without reading it
(Google: one Drive ``files.get`` per spreadsheet; local: the file's size, time and hash) equal to
the recorded one. Any other cycle removes the marker first, so a failure leaves none behind.

A linked Google Form is part of the cycle's input too: the marker keeps each one's
``revisionId`` (Forms moves it with every edit, tonghop's dropdown updates included) and the check
asks it again (one ``forms.get?fields=revisionId`` per form). ``status``, ``report``, ``check`` and
dry runs never use the marker.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import sync
from sync.backends.base import Backend
from sync.backends.files import write_atomically
from sync.config import Config
from sync.cycle import State
from sync.errors import Problem, TonghopError
from sync.rules import headers as H
from sync.rules.forms import form_id
from sync.rules.horizon import next_change, response_stamps, set_aside_stamps
from sync.unattended.ledger import Entry
from sync.unattended.outcome import Outcome

__all__ = ["FILE", "Marker", "context_digest", "forget", "load", "record", "record_cycle",
           "unchanged_since", "why_not_settled"]

FILE = "settled.json"
FORMAT = "tonghop-settled/1"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Marker:
    now: datetime  # the settled cycle's
    horizon: datetime | None  # the first moment its result could differ; None: never
    books: dict[str, str]  # ref -> Book.identity
    context: str  # context_digest(): config bytes, templates, drafts on disk
    ledger: str  # ledger_digest() of the reminder ledger's entries
    templates: list[str] = field(default_factory=list)  # report templates hashed into context
    drafts: list[str] = field(default_factory=list)  # draft files that must still be there
    problems: list[Problem] = field(default_factory=list)  # shown again by every skipped cycle
    forms: dict[str, str] = field(default_factory=dict)  # linked form id -> its revisionId
    version: str = ""  # tonghop's, as recorded (record() writes the running one)

    def covers(self, now: datetime) -> bool:
        return self.now <= now and (self.horizon is None or now < self.horizon)


def marker_path(config: Config) -> Path:
    return config.data_path / FILE


def context_digest(config: Config, reports: bool, templates: Iterable[str] = (),
                   drafts: Iterable[str] = ()) -> str | None:
    """What besides the books shapes a cycle: the config file's bytes, whether drafts are written,
    the report templates' bytes and which drafts exist. None when a file cannot be read."""
    digest = hashlib.sha256(FORMAT.encode())
    try:
        digest.update(config.path.read_bytes())
        digest.update(b"reports=1" if reports else b"reports=0")
        for name in templates:
            digest.update(f"\0template {name}\0".encode())
            digest.update(Path(name).read_bytes())
    except OSError:
        return None
    for name in drafts:
        if not Path(name).exists():  # deleted: the next cycle writes it again
            return None
        digest.update(f"\0draft {name}".encode())
    return digest.hexdigest()


def ledger_digest(entries: Sequence[object]) -> str:
    """The reminder ledger as the cycle saw it (it feeds the "Nhắc nhở" tab and the claims)."""
    return hashlib.sha256(repr(list(entries)).encode()).hexdigest()


def record(config: Config, marker: Marker) -> None:
    """Write the marker atomically; a failure only costs the next cycle a full run."""
    body = {
        "format": FORMAT, "version": sync.__version__,
        "now": marker.now.isoformat(), "horizon": marker.horizon.isoformat() if marker.horizon else None,
        "books": marker.books, "context": marker.context, "ledger": marker.ledger,
        "templates": marker.templates, "drafts": marker.drafts,
        "problems": [asdict(p) for p in marker.problems], "forms": marker.forms,
    }
    text = json.dumps(body, ensure_ascii=False, indent=1)
    try:
        write_atomically(marker_path(config), lambda handle: handle.write(text.encode("utf-8")))
    except OSError as err:
        log.info("cannot record the settled marker %s (%s): the next cycle runs in full",
                 marker_path(config), err)
        forget(config)


def forget(config: Config) -> None:
    try:
        marker_path(config).unlink(missing_ok=True)
    except OSError as err:  # a folder we cannot write: load() then fails the same way
        log.info("cannot remove %s (%s)", marker_path(config), err)


def load(config: Config) -> Marker | None:
    """The recorded marker, or None (none, damaged, another tonghop version or format)."""
    path = marker_path(config)
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
        if body.get("format") != FORMAT or body.get("version") != sync.__version__:
            return None
        return Marker(
            now=datetime.fromisoformat(body["now"]),
            horizon=datetime.fromisoformat(body["horizon"]) if body["horizon"] else None,
            books={str(k): str(v) for k, v in body["books"].items()},
            context=str(body["context"]), ledger=str(body["ledger"]),
            templates=[str(t) for t in body["templates"]], drafts=[str(d) for d in body["drafts"]],
            problems=[Problem(**p) for p in body["problems"]], version=body["version"],
            forms={str(k): str(v) for k, v in body["forms"].items()},
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as err:
        log.info("ignoring the settled marker %s (%s): running in full", path, type(err).__name__)
        return None


def unchanged_since(config: Config, backend: Backend, now: datetime, reports: bool,
                    entries: Callable[[], Sequence[object]]) -> Marker | None:
    """The marker when nothing can have changed since it was recorded, else None. ``entries``
    reads the ledger. Asks each book's identity (not its values): the cheap checks first,
    Drive last."""
    marker = load(config)
    if marker is None or not marker.covers(now):
        return None
    if context_digest(config, reports, marker.templates, marker.drafts) != marker.context:
        return None
    if ledger_digest(entries()) != marker.ledger:
        return None
    for ref, identity in marker.books.items():
        if backend.book_identity(ref) != identity:
            return None
    if marker.forms:
        client = backend.forms()
        if client is None:
            return None
        for form, revision in marker.forms.items():
            if client.revision(form) != revision:
                return None
    return marker


# --- Whether a cycle ended settled, and its marker -----------------------------------------

def why_not_settled(state: State, outcome: Outcome, retrying: bool, waiting: list[Entry]) -> str:
    """Why the next cycle could not be skipped even with nothing changed ("" when it can).
    ``retrying``: a repaint pending, or a form's unit list to try again."""
    d = outcome.delivery
    if outcome.result.batches or outcome.errors or retrying:
        return "something was written, failed, or is to be tried again"
    if outcome.claimed or outcome.receipts or outcome.receipts_left or d.sent or d.failed \
            or d.waiting or waiting:
        return "reminders or receipts claimed, sent, left for the next cycle or waiting"
    if any(draft.written for draft in outcome.drafts or ()):
        return "drafts were written"
    if state.skipped:  # e.g. a spreadsheet that cannot be read yet: sharing it moves no book
        return "a campaign was skipped"
    if any(book.identity is None for book in state.books.values()):
        return "a book was read without an identity (the no-op shortcut is off or unavailable)"
    facts = state.forms.facts
    if not all(f in facts and facts[f].revision for f in linked_forms(state)):
        return "a linked Google Form could not be read (or has no revision)"
    if state.forms.changes:
        return "a form's unit list was changed"
    return ""


def linked_forms(state: State) -> list[str]:
    """The ids of the Google Forms the campaigns link: those read (a campaign filled from its
    form shows the responder link in its row after that), and edit links or ids not read."""
    found = {form_id(c.value(H.CAMPAIGN_FORM_URL)) for c in state.forms.campaigns}
    return sorted({f for f in found if f} | set(state.forms.form_of.values()))


def record_cycle(config: Config, state: State, outcome: Outcome, reports: bool,
                 entries: list[Entry]) -> None:
    """Record the settled marker of this cycle, with its horizon (sync/rules/horizon.py)."""
    stamps, without = response_stamps(state.rows, state.now)
    for c in state.campaigns:
        tab = state.books[c.spreadsheet].find_tab(c.responses_tab) if c.code in without else None
        if tab is not None:
            stamps += set_aside_stamps(tab, without[c.code], config.tz, config.order)
    catch_up = timedelta(hours=config.reminders.catch_up_hours) if config.reminders.enabled else None
    horizon = next_change(state.now, campaigns=state.campaigns, exemptions=state.exemptions,
                          statuses=state.statuses, stamps=stamps, tz=config.tz,
                          catch_up=catch_up, dated=reports)
    templates = _report_templates(config, state) if reports else []
    drafts = sorted(str(d.path) for d in outcome.drafts or ())
    context = context_digest(config, reports, templates, drafts)
    if context is None:
        return
    record(config, Marker(
        now=state.now, horizon=horizon,
        books={ref: book.identity for ref, book in state.books.items() if book.identity},
        context=context, ledger=ledger_digest(entries), templates=templates,
        drafts=drafts, problems=list(state.problems),
        forms={f: state.forms.facts[f].revision for f in linked_forms(state)}))


def _report_templates(config: Config, state: State) -> list[str]:
    """The office's own report templates the drafts use (the bundled ones go with the version)."""
    from reports.context import DraftKind
    from reports.drafts import template_for

    found: set[str] = set()
    for campaign in state.campaigns:
        for kind in DraftKind:
            if kind is DraftKind.SUMMARY:
                continue
            with contextlib.suppress(TonghopError):
                template = template_for(config, campaign, kind)
                if isinstance(template, Path):
                    found.add(str(template.resolve()))
    return sorted(found)

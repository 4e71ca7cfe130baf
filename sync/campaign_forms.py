"""Campaigns from their Google Form: read each linked form once per cycle, fill what the row
leaves empty, and keep opted-in dropdowns as they should be: the unit question equal to the
roster, a repeating campaign's "Kỳ báo cáo" question listing the periods a unit may report for.

Wiring between the pure rules (``sync.rules.forms``) and the Forms client
(``sync.backends.forms``); the cycle calls :func:`read_forms` before it reads the response books
and :func:`keep_form_lists` after its writes.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from sync.backends.base import Backend
from sync.backends.forms import StaleRevision
from sync.errors import AccessError, BackendError, Problem
from sync.rules import headers as H
from sync.rules.book import Book
from sync.rules.by_period import PeriodHistory
from sync.rules.evaluate import expected_units
from sync.rules.forms import (
    Derived,
    FormFacts,
    OptionsChange,
    derive,
    form_id,
    old_names,
    options_change,
    period_list,
    read_form,
    responses_tab,
    unit_options,
)
from sync.rules.models import Campaign, Unit
from sync.rules.periods import Period
from sync.rules.text import clean, one_line

log = logging.getLogger(__name__)


@dataclass
class FormsRead:
    facts: dict[str, FormFacts] = field(default_factory=dict)  # by form id
    derived: dict[str, Derived] = field(default_factory=dict)  # by campaign code
    form_of: dict[str, str] = field(default_factory=dict)  # campaign code -> form id
    given: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # form id -> code -> texts
    campaigns: list[Campaign] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)  # dropdown changes made this cycle (logged)


def keeps_unit_list(campaign: Campaign) -> bool:
    return clean(campaign.value(H.CAMPAIGN_SYNC_UNITS)).casefold() in H.YES


def keeps_period_list(campaign: Campaign) -> bool:
    return clean(campaign.value(H.CAMPAIGN_SYNC_PERIODS)).casefold() in H.YES


def read_forms(campaigns: Sequence[Campaign], backend: Backend, tab: str) -> FormsRead:
    """One ``forms.get`` per linked form; campaigns with their empty cells filled from it. A
    campaign whose form cannot be read (and of which no copy is kept) gets a ``fault``: the
    cycle skips it."""
    out = FormsRead(campaigns=list(campaigns))
    linked = [c for c in campaigns if form_id(c.value(H.CAMPAIGN_FORM_URL))]
    if not linked:
        return out
    try:
        client = _client(backend, any(keeps_unit_list(c) or keeps_period_list(c)
                                      for c in linked))
    except AccessError as err:  # the sign-in cannot read forms: each linked row says so
        out.problems += [Problem(tab, c.row, H.CAMPAIGN_FORM_URL[0], f"campaign {c.code}: {err}",
                                 blocking=not c.responses_tab) for c in linked]
        out.campaigns = [c for c in out.campaigns if c.responses_tab]
        return out
    for i, campaign in enumerate(out.campaigns):
        fid = form_id(campaign.value(H.CAMPAIGN_FORM_URL))
        if fid is None:
            continue
        if client is None:
            problem = Problem(tab, campaign.row, H.CAMPAIGN_FORM_URL[0],
                              "reading the form needs the Google backend; fill the row's "
                              "columns by hand")
            if campaign.responses_tab:
                out.problems.append(replace(problem, message=f"campaign {campaign.code}: "
                                                             f"{problem.message}"))
            else:  # nothing names its tab
                out.campaigns[i] = replace(campaign, fault=problem)
            continue
        if fid not in out.facts:
            try:
                form, stale = client.get(fid)
            except (AccessError, BackendError) as err:
                # The form may give what the row leaves out (the required questions, the unit
                # question, the tab): evaluated without it, incomplete answers would count as
                # complete. With no copy of it kept, the campaign is skipped (fails closed).
                out.campaigns[i] = replace(campaign, fault=Problem(
                    tab, campaign.row, H.CAMPAIGN_FORM_URL[0], str(err)))
                continue
            if stale:
                out.problems.append(Problem(tab, campaign.row, H.CAMPAIGN_FORM_URL[0],
                                            f"campaign {campaign.code}: Google Forms did not "
                                            "answer; the form as last read is used"))
            out.facts[fid] = read_form(form)
            out.given[fid] = client.given_names(fid)
        derived = derive(campaign, out.facts[fid])
        out.derived[campaign.code] = derived
        out.form_of[campaign.code] = fid
        out.campaigns[i] = derived.campaign
    return out


def _client(backend: Backend, write: bool):
    """The Forms client; a read-only one when the sign-in may read forms but not edit them (the
    dropdown-keeping step then says to sign in again)."""
    if not write:
        return backend.forms(write=False)
    try:
        return backend.forms(write=True)
    except AccessError:
        return backend.forms(write=False)


def with_tab(campaign: Campaign, book: Book, forms: FormsRead) -> Campaign | None:
    """The campaign with its responses tab found by the form's question titles, when the row
    names none; None when no tab of the book fits."""
    if campaign.responses_tab or campaign.code not in forms.derived:
        return campaign
    facts = forms.facts[forms.form_of[campaign.code]]
    title = responses_tab(book.tabs, facts)
    if title is None:
        return None
    forms.derived[campaign.code].filled.append((H.CAMPAIGN_TAB[0], title))
    return replace(campaign, responses_tab=title)


def with_old_names(units: Sequence[Unit], forms: FormsRead) -> list[Unit]:
    """Units renamed since tonghop wrote a dropdown keep the old option texts as aliases, so
    answers given under an old name still match."""
    old: dict[str, list[str]] = {}
    for given in forms.given.values():
        for code, texts in old_names(units, given).items():
            old.setdefault(code, []).extend(t for t in texts if t not in old.get(code, []))
    return [replace(u, aliases=u.aliases + tuple(old[u.code])) if u.code in old else u
            for u in units]


def keep_form_lists(forms: FormsRead, units: Sequence[Unit],
                    periodic: Mapping[str, PeriodHistory], backend: Backend,
                    tab: str) -> FormsRead:
    """For each opted-in campaign's form, one updateItem per dropdown that differs from what it
    should list; nothing when equal:

    - "Đồng bộ danh sách đơn vị": the unit question lists the roster's active units of the
      targeted groups;
    - "Đồng bộ danh sách kỳ báo cáo" (a repeating campaign): the "Kỳ báo cáo" question lists
      the current period (of its history in ``periodic``, by campaign code) and the two before
      it, newest first.
    """
    done: set[tuple[str, str]] = set()
    for campaign in forms.campaigns:
        if campaign.code not in forms.derived:
            continue
        fid = forms.form_of[campaign.code]
        if keeps_unit_list(campaign) and (fid, "units") not in done:
            done.add((fid, "units"))
            _keep_units(forms, campaign, fid, units, backend, tab)
        if keeps_period_list(campaign) and (fid, "periods") not in done:
            done.add((fid, "periods"))
            history = periodic.get(campaign.code)
            _keep_periods(forms, campaign, fid, history.current if history else None, backend,
                          tab)
    return forms


def _keep_units(forms: FormsRead, campaign: Campaign, fid: str, units: Sequence[Unit],
                backend: Backend, tab: str) -> None:
    facts = forms.facts[fid]
    question = facts.unit_question()
    if question is None or question.kind not in ("DROP_DOWN", "RADIO"):
        forms.problems.append(Problem(tab, campaign.row, H.CAMPAIGN_SYNC_UNITS[0],
                                      f"campaign {campaign.code}: the form has no dropdown "
                                      "unit question to keep as the roster"))
        return
    expected = expected_units(campaign, units)
    change = options_change(question, unit_options(expected))
    if change is None:
        return
    names = {u.code: clean(u.name) for u in expected}
    if not _set(forms, campaign, fid, change, names, H.CAMPAIGN_SYNC_UNITS[0], backend, tab):
        return
    line = (f"form {fid} ({one_line(facts.title, 60)}): unit list set to the roster "
            f"({len(change.options)} units; added {len(change.added)}, removed "
            f"{len(change.removed)})")
    forms.changes.append(line)
    renamed = old_names(expected, forms.given.get(fid, {}))
    log.info("%s; added: %s; removed: %s; old names kept as aliases: %s", line,
             one_line("; ".join(change.added), 300), one_line("; ".join(change.removed), 300),
             one_line("; ".join(f"{c}: {', '.join(t)}" for c, t in renamed.items()), 300))


def _keep_periods(forms: FormsRead, campaign: Campaign, fid: str, current: Period | None,
                  backend: Backend, tab: str) -> None:
    if campaign.fault is not None:  # skipped this cycle, its fault said: the list waits
        return
    found = period_list(forms.facts[fid], campaign.schedule, current)
    if isinstance(found, str):
        if found:
            forms.problems.append(Problem(tab, campaign.row, H.CAMPAIGN_SYNC_PERIODS[0],
                                          f"campaign {campaign.code}: {found}"))
        return
    change = options_change(*found)
    if change is None:
        return
    if not _set(forms, campaign, fid, change, {}, H.CAMPAIGN_SYNC_PERIODS[0], backend, tab):
        return
    line = (f"form {fid} ({one_line(forms.facts[fid].title, 60)}): period list set to "
            f"{', '.join(change.options)}")
    forms.changes.append(line)
    log.info("%s", line)


def _set(forms: FormsRead, campaign: Campaign, fid: str, change: OptionsChange,
         names: Mapping[str, str], column: str, backend: Backend, tab: str) -> bool:
    """One updateItem; the form's revision after it kept for the next one. False (a problem
    said) when it was refused: a form edited meanwhile is retried next cycle."""
    facts = forms.facts[fid]
    try:
        revision = backend.forms(write=True).set_options(fid, facts.revision, change.question,
                                                         change.options, names)
    except (StaleRevision, AccessError, BackendError) as err:
        problem = Problem(tab, campaign.row, column, f"campaign {campaign.code}: {err}")
        forms.problems.append(problem)
        # a sign-in or sharing to fix shows on stderr; a form edited meanwhile is retried
        level = logging.ERROR if isinstance(err, AccessError) else logging.WARNING
        log.log(level, "%s", one_line(problem, 500))
        return False
    if revision:  # a second dropdown of the same form is written against this one
        forms.facts[fid] = replace(facts, revision=revision)
    return True

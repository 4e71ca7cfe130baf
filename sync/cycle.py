"""One sync cycle: read every book once, parse, match, evaluate, plan, write each book once.

Data goes one way; the same evaluated table feeds the sheet, ``status --json``, the reports and
the reminders, so they can never disagree.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from sync.backends.base import Backend, Book, Cell, WriteBatch
from sync.config import Config
from sync.errors import AccessError, Problem
from sync.rules import headers as H
from sync.rules import prefill, reminders, views
from sync.rules.evaluate import evaluate_campaign
from sync.rules.figure_table import FigureTable, figure_table
from sync.rules.matching import Matcher
from sync.rules.models import Campaign, Exemption, RowResult, Status, Unit, UnitStatus
from sync.rules.parse import parse_campaigns, parse_exemptions, parse_responses, parse_roster
from sync.rules.plan import plan_append, plan_keyed_table, plan_row_columns

log = logging.getLogger(__name__)

OWNED_RESPONSE_COLUMNS = (H.VERDICT_COL, H.MATCHED_COL)


@dataclass
class State:
    """Everything read and evaluated in a cycle, before anything is written."""

    now: datetime
    books: dict[str, Book]
    units: list[Unit]
    campaigns: list[Campaign]  # the campaigns that could be evaluated
    exemptions: list[Exemption]
    statuses: list[UnitStatus]
    rows: list[RowResult]
    problems: list[Problem]

    def counts(self) -> Counter[Status]:
        return Counter(s.status for s in self.statuses)

    def statuses_of(self, campaign_code: str) -> list[UnitStatus]:
        return [s for s in self.statuses if s.campaign.code == campaign_code]

    def figure_table(self, campaign_code: str | None = None) -> FigureTable:
        """The figures of every campaign that declares some (or of one campaign)."""
        campaigns = [c for c in self.campaigns if c.figures
                     and (campaign_code is None or c.code == campaign_code)]
        statuses = self.statuses if campaign_code is None else self.statuses_of(campaign_code)
        return figure_table(statuses, campaigns)


@dataclass
class CycleResult:
    state: State
    batches: dict[str, WriteBatch] = field(default_factory=dict)
    written: bool = False

    @property
    def changed_cells(self) -> int:
        return sum(len(b.cells) for b in self.batches.values())


def read_state(config: Config, backend: Backend, now: datetime) -> State:
    """Read and evaluate; writes nothing."""
    tabs = config.tabs
    control = backend.read("")
    books = {"": control}
    roster_tab, campaigns_tab = control.find_tab(tabs.roster), control.find_tab(tabs.campaigns)
    for name, tab in ((tabs.roster, roster_tab), (tabs.campaigns, campaigns_tab)):
        if tab is None:
            raise AccessError(
                f"{backend.describe('')} has no tab '{name}' "
                f"(tabs: {', '.join(control.tabs) or 'none'}); create it or fix [tabs] in {config.path}"
            )
    units, problems = parse_roster(roster_tab)
    campaigns, more = parse_campaigns(campaigns_tab, units, config.tz, config.order)
    problems += more
    problems += prefill.link_problems(campaigns, campaigns_tab.title)
    problems += reminders.offset_problems(campaigns, campaigns_tab.title)
    exemptions, more = parse_exemptions(control.find_tab(tabs.exemptions), units, campaigns,
                                        config.tz, config.order)
    problems += more
    matcher = Matcher(units, config.matching.fuzzy_threshold, config.matching.fuzzy_margin)

    evaluated: list[Campaign] = []
    statuses: list[UnitStatus] = []
    rows: list[RowResult] = []
    for campaign in campaigns:
        ref = backend.normalise_ref(campaign.spreadsheet)
        campaign = replace(campaign, spreadsheet=ref)  # one spelling per book: id, not URL
        if ref not in books:
            try:
                books[ref] = backend.read(ref)
            except AccessError as err:
                problems.append(Problem(tabs.campaigns, campaign.row, H.CAMPAIGN_SPREADSHEET[0],
                                        f"campaign {campaign.code} skipped: {err}", blocking=True))
                continue
        book = books[ref]
        tab = book.find_tab(campaign.responses_tab)
        if tab is None:
            problems.append(Problem(
                tabs.campaigns, campaign.row, H.CAMPAIGN_TAB[0],
                f"campaign {campaign.code} skipped: {backend.describe(ref)} has no tab "
                f"'{campaign.responses_tab}' (tabs: {', '.join(book.tabs)})", blocking=True))
            continue
        try:
            responses, more = parse_responses(tab, campaign, config.tz, config.order,
                                              OWNED_RESPONSE_COLUMNS)
        except AccessError as err:
            problems.append(Problem(tab.title, 1, None, f"campaign {campaign.code} skipped: {err}",
                                    blocking=True))
            continue
        problems += more
        responses = [_with_match(r, matcher) for r in responses]
        result = evaluate_campaign(campaign, units, responses, exemptions, now)
        evaluated.append(campaign)
        statuses += result.statuses
        rows += result.rows
    return State(now, books, units, evaluated, exemptions, statuses, rows, problems)


def _with_match(response, matcher: Matcher):
    return replace(response, match=matcher.match(response.unit_text))


def plan_writes(
    config: Config, state: State, reminder_rows: Sequence[Mapping[str, Cell]] | None = None
) -> dict[str, WriteBatch]:
    """The batches, per book, that bring the sheets in line with ``state``. ``reminder_rows``
    (the whole ledger, see views.reminder_rows) goes into the control book's batch; None leaves
    the reminders tab alone."""
    tz, tabs = config.tz, config.tabs
    control = state.books[""]
    batches: dict[str, WriteBatch] = {ref: WriteBatch() for ref in state.books}

    for campaign in state.campaigns:
        ref = campaign.spreadsheet
        tab = state.books[ref].find_tab(campaign.responses_tab)
        mine = [r for r in state.rows if r.response.campaign_code == campaign.code]
        batches[ref].merge(plan_row_columns(tab, OWNED_RESPONSE_COLUMNS, views.response_columns(mine)))

    links = {c.code: prefill.unit_links(c, [s.unit for s in state.statuses_of(c.code)])
             for c in state.campaigns}
    links = {code: by_unit for code, by_unit in links.items() if by_unit}
    status_tab = control.find_tab(tabs.status)
    batches[""].merge(plan_keyed_table(
        status_tab, status_tab.title if status_tab else tabs.status, [H.STATUS_CODE],
        views.status_headers(state.campaigns, [H.prefill_col(code) for code in links]),
        views.status_rows(state.units, state.campaigns, state.statuses, tz, links),
        views.status_colouring(state.campaigns),
    ))
    detail_tab = control.find_tab(tabs.detail)
    batches[""].merge(plan_keyed_table(
        detail_tab, detail_tab.title if detail_tab else tabs.detail, H.DETAIL_HEADERS[:2],
        H.DETAIL_HEADERS, views.detail_rows(state.statuses, tz),
    ))
    figures = state.figure_table()
    if not figures.is_empty():  # the "Số liệu" tab, only once a campaign declares figures
        figures_tab = control.find_tab(tabs.figures)
        batches[""].merge(plan_keyed_table(
            figures_tab, figures_tab.title if figures_tab else tabs.figures,
            [H.FIGURES_CODE, H.FIGURES_NAME], views.figures_headers(figures),
            views.figures_rows(figures, state.statuses), formats=views.figures_formats(figures)))
    if reminder_rows is not None:
        reminders_tab = control.find_tab(tabs.reminders)
        batches[""].merge(plan_keyed_table(
            reminders_tab, reminders_tab.title if reminders_tab else tabs.reminders,
            H.REMINDER_KEYS, H.REMINDER_HEADERS, reminder_rows))
    changed = sum(len(b.cells) for b in batches.values())
    if changed:
        log_tab = control.find_tab(tabs.log)
        line = views.log_line(state.now, tz, len(state.rows), state.statuses, changed, state.problems)
        batches[""].merge(plan_append(log_tab, log_tab.title if log_tab else tabs.log,
                                      H.LOG_HEADERS, line))
    return {ref: batch for ref, batch in batches.items() if not batch.is_empty()}


def run_cycle(config: Config, backend: Backend, now: datetime, dry_run: bool = False) -> CycleResult:
    state = read_state(config, backend, now)
    result = CycleResult(state, plan_writes(config, state))
    if dry_run:
        return result
    result.written = apply_writes(backend, result.batches)
    log.info("cycle at %s: %d responses, %d cells written", now.isoformat(), len(state.rows),
             result.changed_cells)
    return result


def apply_writes(backend: Backend, batches: Mapping[str, WriteBatch]) -> bool:
    """One write per book; whether anything was written."""
    # Response books first, the control book (status, log) last: if a write fails, the status
    # tab never claims more than what is in the response tabs.
    for ref in sorted(batches, key=lambda r: r == ""):
        backend.write(ref, batches[ref])
    return bool(batches)

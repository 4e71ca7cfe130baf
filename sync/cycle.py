"""One sync cycle: read every book once, parse, match, evaluate, plan, write each book once.

Data goes one way; the same evaluated table feeds the sheet, ``status --json``, the reports and
the reminders, so they can never disagree.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property
from itertools import zip_longest

from sync.backends.base import Backend, Book, Cell, WriteBatch
from sync.board import board_ref, plan_board, read_board
from sync.campaign_forms import FormsRead, keep_form_lists, read_forms, with_old_names, with_tab
from sync.config import Config, tool_tabs
from sync.errors import AccessError, ConfigError, Problem, UsageError
from sync.gc_pause import gc_paused
from sync.rules import headers as H
from sync.rules import period_views, prefill, reminders, views
from sync.rules.book import Doubled, SkippedWrite, a1, column_letters
from sync.rules.by_period import PeriodHistory, evaluate_periods, period_problems
from sync.rules.compare import Comparison, compare
from sync.rules.compare_view import (
    RATES_FORMATS,
    RATES_HEADERS,
    RATES_KEYS,
    comparison_columns,
    comparison_formats,
    comparison_headers,
    rate_rows,
)
from sync.rules.corrections import OPEN_MATCHES, Settled, correction_rows, read_settled
from sync.rules.evaluate import evaluate_campaign, expected_units
from sync.rules.figure_table import FigureTable, figure_table
from sync.rules.matching import matcher_for
from sync.rules.models import (
    Campaign,
    CycleRows,
    Exemption,
    RowResults,
    Status,
    Unit,
    UnitStatus,
)
from sync.rules.parse import (
    implausible_timestamps,
    parse_campaigns,
    parse_exemptions,
    parse_responses,
    parse_roster,
)
from sync.rules.period_text import read_period
from sync.rules.periods import Period
from sync.rules.plan import Table, plan_append, plan_choice, plan_keyed_table, plan_row_columns
from sync.rules.rates import Rates, reporting_rates
from sync.rules.text import clean, header_key

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
    rows: CycleRows  # each campaign's verdicts, by response
    problems: list[Problem]
    settled: Settled = field(default_factory=Settled)  # names staff settled in the correction tab
    forms: FormsRead = field(default_factory=FormsRead)  # linked Google Forms, what they gave
    skipped: frozenset[str] = frozenset()  # campaigns listed but not evaluated this cycle
    board: str | None = None  # the public board's book (config [board]), when it is written
    # repeating campaigns, by code: every period evaluated (``statuses`` holds the current one's)
    periodic: dict[str, PeriodHistory] = field(default_factory=dict)

    def counts(self) -> Counter[Status]:
        return Counter(s.status for s in self.statuses)

    def statuses_of(self, campaign_code: str) -> list[UnitStatus]:
        return [s for s in self.statuses if s.campaign.code == campaign_code]

    def every_period(self) -> list[UnitStatus]:
        """The statuses shown, then a repeating campaign's other evaluated periods' (a late
        report for last month is a response that counts too: it gets its receipt)."""
        shown = {(c.code, c.period) for c in self.campaigns if c.code in self.periodic}
        return [*self.statuses, *(s for code, history in self.periodic.items()
                                  for period, statuses in history.periods.items()
                                  if (code, period) not in shown for s in statuses)]

    def chosen(self, codes: Iterable[str] | None) -> list[Campaign]:
        """The campaigns named by ``--campaign`` codes (any case), all when None; a code that
        was not evaluated is a UsageError listing those that were."""
        if codes is None:
            return list(self.campaigns)
        by_code = {c.code.casefold(): c for c in self.campaigns}
        chosen = []
        for code in codes:
            campaign = by_code.get(code.strip().casefold())
            if campaign is None:
                known = ", ".join(c.code for c in self.campaigns) or "none"
                raise UsageError(f"--campaign {code!r}: no such campaign was evaluated "
                                 f"(campaigns: {known}; a skipped campaign is listed by `sync`)")
            if campaign not in chosen:
                chosen.append(campaign)
        return chosen

    def in_period(self, text: str) -> State:
        """This state with each repeating campaign showing the period ``text`` names ("Tháng
        5/2023", "T5-2023", "Quý I/2023") instead of its current one; the other campaigns as
        they are. A period no repeating campaign evaluated is a UsageError listing those that
        were."""
        chosen = {code: period for code, history in self.periodic.items()
                  if (period := read_period(text, history.schedule.kind)) in history.periods}
        if not chosen:
            known = "; ".join(f"{code}: {h.schedule.first} to {max(h.periods)}"
                              for code, h in self.periodic.items()) or "no campaign repeats"
            raise UsageError(f"--period {text!r}: no repeating campaign has evaluated that period "
                             f"({known})")
        statuses = [s for s in self.statuses if s.campaign.code not in chosen]
        campaigns = []
        for campaign in self.campaigns:
            period = chosen.get(campaign.code)
            if period is None:
                campaigns.append(campaign)
                continue
            history = self.periodic[campaign.code]
            statuses += history.statuses(period)
            campaigns.append(history.campaign_at(period))
        order = {code: i for i, code in enumerate(c.code for c in campaigns)}
        statuses.sort(key=lambda s: order[s.campaign.code])  # campaign by campaign, as read
        return replace(self, campaigns=campaigns, statuses=statuses)

    @cached_property
    def comparisons(self) -> dict[str, Comparison]:
        """Each repeating campaign's period shown against the one before and the same period a
        year before, by code; made once for the sheet, the JSON and the drafts."""
        return {code: compare(h, period) for code, h in self.periodic.items()
                if (period := self.shown(code)) is not None}

    @cached_property
    def rates(self) -> dict[str, Rates]:
        """Each repeating campaign's reporting rates in the year of the period shown, as far
        as that period, by code."""
        return {code: reporting_rates(h, period.year, self.now, until=period)
                for code, h in self.periodic.items() if (period := self.shown(code)) is not None}

    def shown(self, code: str) -> Period | None:
        """The period a repeating campaign's statuses are of (its current one, or the one
        ``in_period`` chose); None when it was not evaluated."""
        return next((c.period for c in self.campaigns if c.code == code), None)

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
        return sum(b.cell_count() for b in self.batches.values())


@gc_paused()
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
    forms = read_forms(campaigns, backend, campaigns_tab.title)
    campaigns, problems = forms.campaigns, problems + forms.problems
    problems += prefill.link_problems(campaigns, campaigns_tab.title)
    problems += reminders.offset_problems(campaigns, campaigns_tab.title)
    exemptions, more = parse_exemptions(control.find_tab(tabs.exemptions), units, campaigns,
                                        config.tz, config.order)
    problems += more
    settled, more = read_settled(control.find_tab(tabs.corrections), units)
    problems += more
    matcher = matcher_for(with_old_names(units, forms), config.matching.fuzzy_threshold,
                          config.matching.fuzzy_margin, settled=settled.codes,
                          places=config.matching.places)

    evaluated: list[Campaign] = []
    statuses: list[UnitStatus] = []
    rows: list[RowResults] = []
    owner_of: dict[tuple[str, str], Campaign] = {}  # (book, tab) -> the campaign reading it
    periodic: dict[str, PeriodHistory] = {}
    for campaign in campaigns:
        if campaign.fault is not None:  # never evaluated on a guess: its last statuses stay
            said = campaign.fault.message.removeprefix(f"campaign {campaign.code}: ")
            problems.append(replace(campaign.fault, blocking=True, message=(
                f"campaign {campaign.code} skipped: {said}")))
            continue
        ref = backend.normalise_ref(campaign.spreadsheet)
        campaign = replace(campaign, spreadsheet=ref)  # one spelling per book: id, not URL
        if not ref:
            _check_not_a_tool_tab(config, campaign)
        first = owner_of.setdefault((ref, header_key(campaign.responses_tab)), campaign)
        if first is not campaign:  # both would write the tab's tool columns, every cycle
            problems.append(Problem(
                tabs.campaigns, campaign.row, H.CAMPAIGN_TAB[0],
                f"campaign {campaign.code} skipped: tab '{campaign.responses_tab}' is already read "
                f"by campaign {first.code} (row {first.row}); give each campaign its own form tab",
                blocking=True))
            continue
        if ref not in books:
            try:
                books[ref] = backend.read(ref)
            except AccessError as err:
                problems.append(Problem(tabs.campaigns, campaign.row, H.CAMPAIGN_SPREADSHEET[0],
                                        f"campaign {campaign.code} skipped: {err}", blocking=True))
                continue
        book = books[ref]
        found = with_tab(campaign, book, forms)
        if found is None:
            problems.append(Problem(
                tabs.campaigns, campaign.row, H.CAMPAIGN_TAB[0],
                f"campaign {campaign.code} skipped: no tab of {backend.describe(ref)} has the "
                f"form's questions as headers (tabs: {', '.join(book.tabs)}); name it in "
                f"'{H.CAMPAIGN_TAB[0]}'", blocking=True))
            continue
        campaign = found
        tab = book.find_tab(campaign.responses_tab)
        if tab is None:
            problems.append(Problem(
                tabs.campaigns, campaign.row, H.CAMPAIGN_TAB[0],
                f"campaign {campaign.code} skipped: {backend.describe(ref)} has no tab "
                f"'{campaign.responses_tab}' (tabs: {', '.join(book.tabs)})", blocking=True))
            continue
        expected = frozenset(u.code for u in expected_units(campaign, units))
        try:
            responses, more = parse_responses(
                tab, campaign, config.tz, config.order, OWNED_RESPONSE_COLUMNS,
                match=matcher.scoped(expected))
        except AccessError as err:
            problems.append(Problem(tab.title, 1, None, f"campaign {campaign.code} skipped: {err}",
                                    blocking=True))
            continue
        problems += more
        responses, more = implausible_timestamps(responses, tab.title, _timestamp_header(tab), now)
        problems += more
        if campaign.schedule is not None:  # every period on its own; staff watch the current
            by_period = evaluate_periods(campaign, units, responses, exemptions, now, config.tz)
            history = periodic[campaign.code] = by_period.history
            problems += period_problems(history, by_period.rows, tab.title)
            evaluated.append(history.campaign_at(history.current))
            statuses += history.statuses(history.current)
            rows.append(by_period.rows)
            continue
        result = evaluate_campaign(campaign, units, responses, exemptions, now)
        evaluated.append(campaign)
        statuses += result.statuses
        rows.append(result.rows)
    skipped = frozenset(c.code for c in campaigns) - {c.code for c in evaluated}
    board = board_ref(config, backend, campaigns)
    if board is not None and board not in books:
        found = read_board(config, backend, board, problems)
        if found is None:
            board = None
        else:
            books[board] = found
    return State(now, books, units, evaluated, exemptions, statuses, CycleRows(rows), problems,
                 settled, forms, skipped, board, periodic)


def _check_not_a_tool_tab(config: Config, campaign: Campaign) -> None:
    """A form tab named like a tool tab would get the tool's table written over it."""
    for key, title in tool_tabs(config.tabs).items():
        if header_key(title) == header_key(campaign.responses_tab):
            raise ConfigError(
                f"{config.path}: 'tabs.{key}' = {title!r} is the responses tab of campaign "
                f"{campaign.code} (tab '{config.tabs.campaigns}', row {campaign.row}): the tool "
                f"would write its table into it; give 'tabs.{key}' another name")


def _timestamp_header(tab) -> str:
    keys = {header_key(h) for h in H.TIMESTAMP}
    return next((clean(h) for h in (tab.values[0] if tab.values else []) if header_key(h) in keys),
                H.TIMESTAMP[0])


@gc_paused()
def plan_writes(
    config: Config, state: State, reminder_rows: Sequence[Mapping[str, Cell]] | None = None,
    repaint: bool = False,
) -> dict[str, WriteBatch]:
    """The batches, per book, that bring the sheets in line with ``state``. ``reminder_rows``
    (the whole ledger, see views.reminder_rows) goes into the control book's batch; None leaves
    the reminders tab alone. ``repaint``: every status colour is sent again (the cycle before
    failed part-way, so colours may disagree with the values)."""
    tz, tabs = config.tz, config.tabs
    control = state.books[""]
    batches: dict[str, WriteBatch] = {ref: WriteBatch() for ref in state.books}

    for campaign in state.campaigns:
        ref = campaign.spreadsheet
        tab = state.books[ref].find_tab(campaign.responses_tab)
        rows = state.rows.of(campaign.code)
        batches[ref].merge(plan_row_columns(tab, OWNED_RESPONSE_COLUMNS, rows.responses.rows,
                                            views.response_columns(rows)))

    links = {c.code: prefill.unit_links(c, [s.unit for s in state.statuses_of(c.code)])
             for c in state.campaigns}
    links = {code: by_unit for code, by_unit in links.items() if by_unit}
    status_tab = control.find_tab(tabs.status)
    batches[""].merge(plan_keyed_table(
        status_tab, status_tab.title if status_tab else tabs.status, [H.STATUS_CODE],
        views.status_headers(state.campaigns, [H.prefill_col(code) for code in links]),
        views.status_rows(state.units, state.campaigns, state.statuses, tz, links),
        views.status_colouring(state.campaigns), repaint=repaint,
    ))
    detail_tab = control.find_tab(tabs.detail)
    batches[""].merge(plan_keyed_table(
        detail_tab, detail_tab.title if detail_tab else tabs.detail, H.DETAIL_HEADERS[:2],
        H.DETAIL_HEADERS, views.detail_rows(state.statuses, tz),
        # a skipped campaign keeps its last rows, like its column in the status tab
        keep=lambda key: key[0] in state.skipped,
    ))
    batches[""].merge(plan_corrections(config, state))
    if any(c.figures for c in state.campaigns):  # "Số liệu" (and pandas) once a campaign has figures
        figures = state.figure_table()
        figures_tab = control.find_tab(tabs.figures)
        # a repeating campaign's figures beside their previous period and a year before
        compared = [c for c in state.comparisons.values() if c.campaign.figures]
        rows = views.figures_rows(figures, state.statuses)
        formats = views.figures_formats(figures)
        batches[""].merge(plan_keyed_table(
            figures_tab, figures_tab.title if figures_tab else tabs.figures,
            [H.FIGURES_CODE, H.FIGURES_NAME],
            views.figures_headers(figures) + comparison_headers(compared),
            Table({**rows.columns, **comparison_columns(figures, compared).columns}),
            formats={**formats, **comparison_formats(formats, compared)}))
    if state.periodic:  # "Theo kỳ" and "Tỷ lệ báo cáo" once a campaign repeats
        histories = list(state.periodic.values())
        by_period_tab = control.find_tab(tabs.by_period)
        headers = period_views.by_period_headers(histories)
        batches[""].merge(plan_keyed_table(
            by_period_tab, by_period_tab.title if by_period_tab else tabs.by_period,
            list(H.BY_PERIOD_KEYS), headers, period_views.by_period_rows(histories, state.units),
            period_views.by_period_colouring(headers), repaint=repaint))
        rates_tab = control.find_tab(tabs.rates)
        batches[""].merge(plan_keyed_table(
            rates_tab, rates_tab.title if rates_tab else tabs.rates, list(RATES_KEYS),
            list(RATES_HEADERS), rate_rows(list(state.rates.values())), formats=RATES_FORMATS))
    batches[""].merge(plan_reminders_tab(config, state, reminder_rows))
    if state.board is not None:
        batches[state.board].merge(plan_board(config, state.books[state.board], state.campaigns,
                                              state.statuses, state.skipped))
    for ref, book in state.books.items():  # what a merge covers is never written: not planned
        if any(tab.merges for tab in book.tabs.values()):
            batches[ref], covered = batches[ref].uncovered(book.merged)
            state.problems.extend(_not_written(skip) for skip in covered)
    changed = sum(b.cell_count() for b in batches.values())
    if changed:
        log_tab = control.find_tab(tabs.log)
        line = views.log_line(state.now, tz, len(state.rows), state.statuses, changed, state.problems)
        batches[""].merge(plan_append(log_tab, log_tab.title if log_tab else tabs.log,
                                      H.LOG_HEADERS, line))
    for batch in batches.values():
        state.problems.extend(doubled_problem(d) for d in batch.doubled)
    return {ref: batch for ref, batch in batches.items() if not batch.is_empty()}


def doubled_problem(doubled: Doubled) -> Problem:
    cols = ", ".join(column_letters(c) for c in doubled.cols)
    if doubled.written is None:
        what = ("the tool cannot tell its own column from a copy: neither is written until "
                "staff delete or rename the copy")
    else:
        what = (f"the tool writes only its own, {column_letters(doubled.written)}; delete or "
                "rename the copy")
    return Problem(doubled.tab, 1, doubled.header, f"'{doubled.header}' heads columns {cols}: {what}")


def plan_reminders_tab(config: Config, state: State,
                       reminder_rows: Sequence[Mapping[str, Cell]] | None) -> WriteBatch:
    """Two tables side by side: the reminders (None: left alone) and, beside them, the
    group-chat messages, one row per campaign. Each keeps its own rows; a tab that does not
    exist yet, or has no header yet (a write that failed after making it), is laid out by one
    call, the two tables' rows side by side: two calls would both put their headers in A1."""
    tab = state.books[""].find_tab(config.tabs.reminders)
    title = tab.title if tab else config.tabs.reminders
    chat = views.chat_rows(state.campaigns, state.statuses, state.now, config.tz)
    bare = tab is None or not any(str(v).strip() for v in (tab.values[0] if tab.values else ()))
    if bare and reminder_rows:
        rows = [{**r, **c} for r, c in zip_longest(reminder_rows, chat, fillvalue={})]
        return plan_keyed_table(tab, title, H.REMINDER_KEYS, H.REMINDER_HEADERS + H.CHAT_HEADERS,
                                rows)
    batch = WriteBatch()
    if reminder_rows is not None:
        batch.merge(plan_keyed_table(tab, title, H.REMINDER_KEYS, H.REMINDER_HEADERS, reminder_rows,
                                     beside=True))
    batch.merge(plan_keyed_table(tab, title, [H.CHAT_CAMPAIGN], H.CHAT_HEADERS, chat,
                                 keep=lambda key: key[0] in state.skipped, beside=True))
    return batch


def plan_corrections(config: Config, state: State) -> WriteBatch:
    """The correction tab: made once there is a name to settle; its staff column a dropdown of
    the roster's codes."""
    control, title = state.books[""], config.tabs.corrections
    tab = control.find_tab(title)
    rows = correction_rows(state.rows.matched(OPEN_MATCHES), state.settled)
    if tab is None and not rows:
        return WriteBatch()
    title = tab.title if tab else title
    batch = plan_keyed_table(tab, title, [H.CORRECTION_NAME], H.CORRECTION_HEADERS, rows,
                             staff_headers=[H.CORRECTION_CODE])
    batch.merge(plan_choice(batch, title, H.CORRECTION_CODE, control.find_tab(config.tabs.roster),
                            H.UNIT_CODE, hint="Chọn mã đơn vị trong danh sách (tab Đơn vị)"))
    return batch


def run_cycle(config: Config, backend: Backend, now: datetime, dry_run: bool = False) -> CycleResult:
    state = read_state(config, backend, now)
    result = CycleResult(state, plan_writes(config, state))
    if dry_run:
        return result
    result.written = apply_writes(backend, result.batches, state.problems)
    keep_form_lists(state.forms, state.units, state.periodic, backend, config.tabs.campaigns)
    log.info("cycle at %s: %d responses, %d cells written", now.isoformat(), len(state.rows),
             result.changed_cells)
    return result


def apply_writes(backend: Backend, batches: Mapping[str, WriteBatch],
                 problems: list[Problem] | None = None) -> bool:
    """One write per book; whether anything was written. What a backend left out (the sheet
    changed since the read, a merged range over a target) is logged and added to ``problems``;
    the next cycle plans it again from a fresh read."""
    # Response books first, the control book (status, log) last: if a write fails, the status
    # tab never claims more than what is in the response tabs.
    for ref in sorted(batches, key=lambda r: r == ""):
        for skip in backend.write(ref, batches[ref]) or []:
            log.warning("%s: %s", backend.describe(ref), skip)
            if problems is not None:
                problems.append(_not_written(skip))
    return bool(batches)


def _not_written(skip: SkippedWrite) -> Problem:
    return Problem(skip.tab, skip.row, None, f"cell {a1(skip.row, skip.col)}: {skip.reason}; not written")

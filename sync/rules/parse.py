"""Staff's tabs (roster, campaigns, exemptions) and Forms response tabs -> domain objects.

Pure: a :class:`~sync.backends.base.Tab` in, objects and :class:`~sync.errors.Problem` out. A bad
row is reported with tab, row and column and left out; the rest goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sync.errors import AccessError, Problem
from sync.rules import headers as H
from sync.rules.book import Tab, column_letters, column_of
from sync.rules.figures import parse_figure_specs
from sync.rules.forms import form_id
from sync.rules.models import (
    NO_MATCH,
    Campaign,
    Exemption,
    Match,
    Questions,
    Responses,
    Resubmission,
    Unit,
)
from sync.rules.office import is_example
from sync.rules.period_text import SCHEDULE_COLUMNS, read_period, read_schedule
from sync.rules.periods import Period, Schedule
from sync.rules.text import clean, header_key, nfc, safe_text, simple_key, split_list
from sync.rules.timeparse import (
    DateOrder,
    TimeParseError,
    parse_deadline,
    parse_moment,
    shown_stamps,
)


@dataclass
class Columns:
    """Header row of a tab: column index (0-based) by normalised header.

    A header that appears twice is taken from its first column only when that is not a guess:
    the other columns are empty below the header, or hold the same values. Otherwise asking for
    it raises :class:`AccessError` (the campaign is reported, not read from the wrong column)."""

    tab: str
    headers: list[str]
    rows: Sequence[Sequence] = ()

    def __post_init__(self) -> None:
        self._index: dict[str, int] = {}
        self._ambiguous: dict[str, list[int]] = {}
        where: dict[str, list[int]] = {}
        for i, text in enumerate(self.headers):
            if clean(text):
                where.setdefault(header_key(text), []).append(i)
        for key, cols in where.items():
            self._index[key] = cols[0]
            if len(cols) > 1:
                filled = [c for c in cols if any(clean(_get(row, c)) for row in self.rows)]
                columns = {tuple(nfc(_get(row, c)) for row in self.rows) for c in filled}
                if len(columns) > 1:
                    self._ambiguous[key] = cols
                elif filled:
                    self._index[key] = filled[0]

    def find(self, names: Sequence[str] | str) -> int | None:
        for name in (names,) if isinstance(names, str) else names:
            key = header_key(name)
            if key in self._ambiguous:
                letters = ", ".join(column_letters(c + 1) for c in self._ambiguous[key])
                raise AccessError(
                    f"tab '{self.tab}' has the header '{clean(name)}' in columns {letters}, "
                    "with different values: rename or delete the extra column (the tool will "
                    "not guess which one is meant)")
            i = self._index.get(key)
            if i is not None:
                return i
        return None

    def require(self, names: Sequence[str], existing_tabs: Sequence[str] = ()) -> int:
        i = self.find(names)
        if i is None:
            shown = ", ".join(f"'{h}'" for h in self.headers if clean(h)) or "(none)"
            raise AccessError(
                f"tab '{self.tab}' has no column '{names[0]}' in its first row "
                f"(found: {shown})"
            )
        return i


def columns_of(tab: Tab) -> Columns:
    return Columns(tab.title, [clean(h) for h in (tab.values[0] if tab.values else [])],
                   tab.values[1:])


def _filled(value: object) -> bool:
    """``clean(value) != ""``, without cleaning the common cases: a number or a date, or text
    that is printable (no control or invisible character) and not all spaces."""
    if value is None:
        return False
    if type(value) is str:
        return (value.isprintable() and not value.isspace() and value != "") or bool(clean(value))
    return type(value) in (int, float, bool, datetime) or bool(clean(value))


def _get(row: Sequence, i: int | None) -> object:
    return row[i] if i is not None and i < len(row) else None


def _flag(value: object, default: bool, tab: str, row: int, column: str) -> tuple[bool, Problem | None]:
    text = clean(value).casefold()
    if not text:
        return default, None
    if text in H.YES:
        return True, None
    if text in H.NO:
        return False, None
    return default, Problem(tab, row, column, f"'{clean(value)}' is not Có/Không; read as "
                            f"{'Có' if default else 'Không'}")


def parse_roster(tab: Tab) -> tuple[list[Unit], list[Problem]]:
    cols = columns_of(tab)
    c_code, c_name = cols.require(H.UNIT_CODE), cols.require(H.UNIT_NAME)
    c_group, c_email = cols.require(H.UNIT_GROUP), cols.find(H.UNIT_EMAIL)
    c_alias, c_active = cols.find(H.UNIT_ALIASES), cols.find(H.UNIT_ACTIVE)
    units: list[Unit] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    lines = tab.values[1:]  # column by column: a roster may list thousands of units
    codes, names, groups, emails = (list(map(clean, column_of(lines, c)))
                                    for c in (c_code, c_name, c_group, c_email))
    aliases, flags = column_of(lines, c_alias), column_of(lines, c_active)
    for r, code, name, group, email, alias, flag in zip(
            range(2, len(lines) + 2), codes, names, groups, emails, aliases, flags, strict=True):
        if (not code and not name) or is_example(code):
            continue
        if not code:
            problems.append(Problem(tab.title, r, H.UNIT_CODE[0], f"unit '{name}' has no code"))
            continue
        if not name:
            problems.append(Problem(tab.title, r, H.UNIT_NAME[0], f"unit {code} has no name"))
            continue
        key = code.casefold()
        if key in seen:
            problems.append(Problem(tab.title, r, H.UNIT_CODE[0],
                                    f"duplicate code '{code}' (first on row {seen[key]}); row ignored"))
            continue
        if not group:
            problems.append(Problem(tab.title, r, H.UNIT_GROUP[0], f"unit {code} has no group"))
        active, problem = (True, None) if flag is None else _flag(flag, True, tab.title, r,
                                                                  H.UNIT_ACTIVE[0])
        problems += [problem] if problem else []
        seen[key] = r
        units.append(Unit(code, name, group, email, () if alias is None else tuple(split_list(alias)),
                          active, r))
    return units, problems


_RESUBMISSION_WORDS = {
    "": Resubmission.LATEST, "latest": Resubmission.LATEST, "mới nhất": Resubmission.LATEST,
    "lấy bản mới nhất": Resubmission.LATEST, "bản mới nhất": Resubmission.LATEST,
    "first": Resubmission.FIRST, "đầu tiên": Resubmission.FIRST,
    "lấy bản đầu tiên": Resubmission.FIRST, "bản đầu tiên": Resubmission.FIRST,
}

_ALL_UNITS = {simple_key(w) for w in H.ALL_UNITS}

_CAMPAIGN_COLUMNS = (
    H.CAMPAIGN_CODE, H.CAMPAIGN_TITLE, H.CAMPAIGN_TAB, H.CAMPAIGN_SPREADSHEET, H.CAMPAIGN_DEADLINE,
    H.CAMPAIGN_TARGETS, H.CAMPAIGN_REQUIRED, H.CAMPAIGN_UNIT_QUESTION, H.CAMPAIGN_RESUBMISSION,
    H.CAMPAIGN_OWNER, H.CAMPAIGN_FIGURES, *SCHEDULE_COLUMNS,
)


def split_targets(text: str, groups: set[str], codes: set[str]) -> list[tuple[str, bool]]:
    """The targets of 'Đơn vị phải nộp', each with whether the roster knows it (a group's
    simple_key or a unit code). Items are separated by ``;`` or new lines, and by commas too,
    but a roster group's own name may hold commas ("Sở, ngành"): the whole item is tried first,
    then, from the left, the longest run of comma-separated pieces that names a group or code."""
    def known(item: str) -> bool:
        return simple_key(item) in groups or item.casefold() in codes or simple_key(item) in _ALL_UNITS

    out: list[tuple[str, bool]] = []
    for item in split_list(text):
        if known(item):
            out.append((item, True))
            continue
        pieces = [p for p in (clean(p) for p in item.split(",")) if p]
        i = 0
        while i < len(pieces):
            j = next((j for j in range(len(pieces), i, -1) if known(", ".join(pieces[i:j]))), None)
            if j is None:
                out.append((pieces[i], False))
                i += 1
            else:
                out.append((", ".join(pieces[i:j]), True))
                i = j
    return out


def parse_campaigns(
    tab: Tab, units: Sequence[Unit], tz: ZoneInfo, order: DateOrder
) -> tuple[list[Campaign], list[Problem]]:
    cols = columns_of(tab)
    c = {names[0]: cols.find(names) for names in _CAMPAIGN_COLUMNS}
    for names in (H.CAMPAIGN_CODE, H.CAMPAIGN_TAB, H.CAMPAIGN_UNIT_QUESTION):
        cols.require(names)
    known_columns = {i for i in c.values() if i is not None}
    groups = {simple_key(u.group) for u in units if u.group}
    codes = {u.code.casefold() for u in units}
    campaigns: list[Campaign] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for r, line in enumerate(tab.values[1:], start=2):
        def get(names: tuple[str, ...], line=line) -> str:
            return clean(_get(line, c[names[0]]))

        code = get(H.CAMPAIGN_CODE)
        if is_example(code):
            continue
        if not code:
            if any(clean(v) for v in line):
                problems.append(Problem(tab.title, r, H.CAMPAIGN_CODE[0], "row has no campaign code"))
            continue
        if code.casefold() in seen:
            problems.append(Problem(tab.title, r, H.CAMPAIGN_CODE[0],
                                    f"duplicate code '{code}' (first on row {seen[code.casefold()]}); row ignored"))
            continue
        responses_tab = get(H.CAMPAIGN_TAB)
        if not responses_tab and not _links_a_form(line, cols):  # a form names its tab itself
            problems.append(Problem(tab.title, r, H.CAMPAIGN_TAB[0], f"campaign {code} names no responses tab"))
            continue
        deadline, unreadable = None, None
        deadline_text = _get(line, c[H.CAMPAIGN_DEADLINE[0]])
        if clean(deadline_text):
            try:
                deadline = parse_deadline(deadline_text, tz, order)
            except TimeParseError as err:
                unreadable = str(err)
        targets = []
        for target, known in split_targets(get(H.CAMPAIGN_TARGETS), groups, codes):
            if simple_key(target) in _ALL_UNITS:
                continue
            if known:
                targets.append(target)
            else:
                problems.append(Problem(tab.title, r, H.CAMPAIGN_TARGETS[0],
                                        f"campaign {code}: '{target}' is neither a group nor a unit code "
                                        f"of the roster (groups: {', '.join(sorted({u.group for u in units}))})"))
        rule_text = get(H.CAMPAIGN_RESUBMISSION).casefold()
        rule = _RESUBMISSION_WORDS.get(rule_text)
        if rule is None:
            problems.append(Problem(tab.title, r, H.CAMPAIGN_RESUBMISSION[0],
                                    f"'{rule_text}' is not 'Lấy bản mới nhất' or 'Lấy bản đầu tiên'; latest wins"))
            rule = Resubmission.LATEST
        extra = {  # newlines kept: a cell may list several items (e.g. "Nơi nhận")
            clean(cols.headers[i]): safe_text(_get(line, i)).strip()
            for i in range(len(cols.headers))
            if i not in known_columns and clean(cols.headers[i])
        }
        try:
            figures = tuple(parse_figure_specs(_get(line, c[H.CAMPAIGN_FIGURES[0]])))
        except ValueError as err:
            figures = ()
            problems.append(Problem(tab.title, r, H.CAMPAIGN_FIGURES[0],
                                    f"campaign {code}: {err}; no figures are added up"))
        period_cells = {names[0]: get(names) for names in SCHEDULE_COLUMNS}
        schedule, faults = read_schedule(period_cells, tab.title, r, code)
        fault = None
        if unreadable is not None and any(period_cells.values()):  # not used: a note
            problems.append(Problem(tab.title, r, H.CAMPAIGN_DEADLINE[0], (
                f"campaign {code} repeats, so this deadline is not used (each period's comes "
                f"from '{H.CAMPAIGN_DEADLINE_RULE[0]}'); clear the cell (it cannot be read: "
                f"{unreadable})")))
        elif unreadable is not None:  # no deadline would make every overdue unit pending
            fault = Problem(tab.title, r, H.CAMPAIGN_DEADLINE[0],
                            f"deadline {unreadable}; write it as dd/mm/yyyy (e.g. 30/6/2023)")
        if faults:  # never evaluated as a one-off on a guess: skipped, its last statuses kept
            fault = fault or faults[0]
            problems += [p for p in faults if p is not fault]
        seen[code.casefold()] = r
        campaigns.append(Campaign(
            code=code, title=get(H.CAMPAIGN_TITLE) or code, responses_tab=responses_tab,
            spreadsheet=get(H.CAMPAIGN_SPREADSHEET), deadline=deadline, targets=tuple(targets),
            required=tuple(split_list(_get(line, c[H.CAMPAIGN_REQUIRED[0]]))),
            unit_question=get(H.CAMPAIGN_UNIT_QUESTION), resubmission=rule,
            owner=get(H.CAMPAIGN_OWNER), extra=extra, row=r, figures=figures, fault=fault,
            schedule=schedule,
        ))
    return campaigns, problems


def _links_a_form(line: Sequence, cols: Columns) -> bool:
    return form_id(clean(_get(line, cols.find(H.CAMPAIGN_FORM_URL)))) is not None


def parse_exemptions(
    tab: Tab | None, units: Sequence[Unit], campaigns: Sequence[Campaign], tz: ZoneInfo,
    order: DateOrder,
) -> tuple[list[Exemption], list[Problem]]:
    if tab is None or not tab.values:
        return [], []
    cols = columns_of(tab)
    c_unit, c_campaign = cols.require(H.EXEMPT_UNIT), cols.require(H.EXEMPT_CAMPAIGN)
    c_deadline, c_flag, c_reason = cols.find(H.EXEMPT_DEADLINE), cols.find(H.EXEMPT_FLAG), cols.find(H.EXEMPT_REASON)
    c_period = cols.find(H.EXEMPT_PERIOD)
    schedules = {c.code: c.schedule for c in campaigns}
    by_code = {u.code.casefold(): u for u in units}
    by_name: dict[str, Unit] | None = None  # keyed when a row names a unit by name
    campaign_codes = {c.code.casefold(): c.code for c in campaigns}
    out: list[Exemption] = []
    problems: list[Problem] = []
    for r, line in enumerate(tab.values[1:], start=2):
        unit_text, campaign_text = clean(_get(line, c_unit)), clean(_get(line, c_campaign))
        if (not unit_text and not campaign_text) or is_example(unit_text):
            continue
        unit = by_code.get(unit_text.casefold())
        if unit is None:
            by_name = by_name if by_name is not None else {simple_key(u.name): u for u in units}
            unit = by_name.get(simple_key(unit_text))
        if unit is None:
            problems.append(Problem(tab.title, r, H.EXEMPT_UNIT[0], f"'{unit_text}' is not a unit of the roster"))
            continue
        campaign = campaign_codes.get(campaign_text.casefold())
        if campaign is None:
            problems.append(Problem(tab.title, r, H.EXEMPT_CAMPAIGN[0], f"'{campaign_text}' is not a campaign code"))
            continue
        exempt, problem = _flag(_get(line, c_flag), False, tab.title, r, H.EXEMPT_FLAG[0])
        problems += [problem] if problem else []
        new_deadline = None
        if clean(_get(line, c_deadline)):
            try:
                new_deadline = parse_deadline(_get(line, c_deadline), tz, order)
            except TimeParseError as err:
                problems.append(Problem(tab.title, r, H.EXEMPT_DEADLINE[0], f"new deadline {err}; row ignored"))
                continue
        if not exempt and new_deadline is None:
            problems.append(Problem(tab.title, r, H.EXEMPT_DEADLINE[0], "neither a new deadline nor 'Miễn nộp'"))
            continue
        period, problem = _exemption_period(clean(_get(line, c_period)), schedules[campaign],
                                            new_deadline is not None, campaign)
        if problem:
            problems.append(Problem(tab.title, r, H.EXEMPT_PERIOD[0], problem))
            if period is None and schedules[campaign] is not None:
                continue
        out.append(Exemption(unit.code, campaign, new_deadline, exempt, clean(_get(line, c_reason)),
                             r, period))
    return out, problems


def _exemption_period(text: str, schedule: Schedule | None, extends: bool,
                      code: str) -> tuple[Period | None, str]:
    """An exemption row's period, and what is wrong with it ("": nothing). A repeating
    campaign's extension must name its period (a new date for which month?); an exemption that
    names none holds for every period. A one-off campaign has no period: the cell is ignored."""
    if schedule is None:
        return None, (f"campaign {code} does not repeat: '{text}' ignored, the row holds for the "
                      "campaign") if text else ""
    if not text:
        if extends:
            return None, (f"campaign {code} repeats: name the period the new deadline is for "
                          f"(e.g. '{schedule.first.label}'); row ignored")
        return None, ""
    period = read_period(text, schedule.kind)
    if period is None:
        return None, (f"'{text}' is not a {schedule.kind} period (e.g. "
                      f"'{schedule.first.label}'); row ignored")
    return period, ""


def parse_responses(
    tab: Tab, campaign: Campaign, tz: ZoneInfo, order: DateOrder, owned: Sequence[str],
    match: Callable[[str], Match] | None = None,
) -> tuple[Responses, list[Problem]]:
    """Every non-empty row is a response, even one with a bad timestamp (never dropped); read
    column by column. ``match`` names the unit of a typed name; it is asked once per distinct
    name (a tab repeats each unit's name on every row it sends). Timestamps in text are parsed
    once per distinct text; date cells are kept as they are; answers are normalised when first
    read (:class:`Answers`)."""
    cols = columns_of(tab)
    c_time = cols.require(H.TIMESTAMP)
    if not campaign.unit_question:  # without the unit, every response would be "unknown"
        raise AccessError(f"no question names the unit: fill '{H.CAMPAIGN_UNIT_QUESTION[0]}' on "
                          "the campaign's row with the header of the form's unit question")
    c_unit = cols.find(campaign.unit_question)
    if c_unit is None:
        raise AccessError(f"tab '{tab.title}' has no column '{campaign.unit_question}' (the "
                          f"campaign's '{H.CAMPAIGN_UNIT_QUESTION[0]}'): rename the column back, "
                          "or write its new header on the campaign's row")
    problems: list[Problem] = []
    for question in campaign.required:
        if cols.find(question) is None:
            problems.append(Problem(tab.title, 1, question,
                                    f"campaign {campaign.code}: required question not found in the header",
                                    blocking=True))
    for spec in campaign.figures:
        if cols.find(spec.question) is None:
            problems.append(Problem(tab.title, 1, spec.question,
                                    f"campaign {campaign.code}: figure question not found in the "
                                    f"header; column '{H.CAMPAIGN_FIGURES[0]}' must name it as the form does"))
    owned_keys = {header_key(h) for h in owned}
    by_key: dict[str, tuple[int, str]] = {}  # one column per question, even when repeated
    for i, h in enumerate(cols.headers):
        if h and i != c_time and header_key(h) not in owned_keys:
            by_key.setdefault(header_key(h), (cols.find(h), h))
    # a row with nothing under a (non-tool) header is no response: unheaded notes beside the
    # table are staff's, whatever width the header row has this cycle
    content = [i for i, h in enumerate(cols.headers) if h and header_key(h) not in owned_keys]
    lines = tab.values[1:]
    times, aware, bad = _moments(column_of(lines, c_time), tz, order)
    # a blank row's timestamp is blank, so it is among those that cannot be read
    blank = {p for p, _ in bad if _blank(lines[p], content)}
    rows: Sequence[int] = range(2, len(lines) + 2)
    if blank:
        kept = [p for p in range(len(lines)) if p not in blank]
        lines, times, rows = [lines[p] for p in kept], [times[p] for p in kept], [p + 2 for p in kept]
        position = {p: k for k, p in enumerate(kept)}
        bad = [(position[p], err) for p, err in bad if p not in blank]
    problems += [Problem(tab.title, rows[p], cols.headers[c_time], f"timestamp {err}") for p, err in bad]
    typed = column_of(lines, c_unit)
    names = {raw: clean(raw) for raw in set(typed)}
    distinct: dict[str, int] = {}  # cleaned name -> index into matches
    matches: list[Match] = []
    index_of: dict[object, int] = {}
    for raw, name in names.items():
        at = distinct.get(name)
        if at is None:
            at = distinct[name] = len(matches)
            matches.append(match(name) if match is not None else NO_MATCH)
        index_of[raw] = at
    return Responses(campaign.code, rows, times, list(map(names.__getitem__, typed)),
                     list(map(index_of.__getitem__, typed)), matches, tz, aware, lines,
                     Questions(list(by_key.values()))), problems


def _blank(line: Sequence, content: list[int]) -> bool:
    width = len(line)
    return not any(_filled(line[i]) for i in content if i < width)


def _moments(stamps: list, tz: ZoneInfo, order: DateOrder
             ) -> tuple[list[datetime | None], bool, list[tuple[int, TimeParseError]]]:
    """The timestamps in one form (see :class:`Responses`): date cells as they are, in the form
    of the first one (a workbook's are wall-clock, a Google read's are aware), anything else
    converted to it; text parsed once per distinct text. Returns the times, whether they are
    aware, and the positions that cannot be read (None in the times) with the reason."""
    first = next((v for v in stamps if type(v) is datetime), None)
    zone = tz if first is not None and first.tzinfo is tz else None
    odd = [p for p, v in enumerate(stamps) if type(v) is not datetime or v.tzinfo is not zone]
    if not odd:
        return stamps, zone is not None, []
    times: list[datetime | None] = stamps  # the list is this parse's own: fixed in place
    shown = shown_stamps({v for v in map(stamps.__getitem__, odd) if v.__class__ is str}, zone, order)
    if shown:  # text as Sheets shows a date: read all at once (no other cell equals a text)
        rest = []
        for p in odd:
            at = shown.get(stamps[p])
            if at is None:
                rest.append(p)
            else:
                times[p] = at
        odd = rest
    bad = []
    seen: dict[tuple[type, object], datetime | TimeParseError] = {}
    for p in odd:
        raw = stamps[p]
        key = (type(raw), raw)
        at = seen.get(key)
        if at is None:
            try:
                at = parse_moment(raw, tz, order).at  # aware, in tz
                at = seen[key] = at if zone is not None else at.replace(tzinfo=None)
            except TimeParseError as err:
                at = seen[key] = err
        if isinstance(at, TimeParseError):
            bad.append((p, at))
            at = None
        times[p] = at
    return times, zone is not None, bad


FUTURE_SLACK = timedelta(days=31)  # past a clock slip or a replay with --now: typed by hand
EARLIEST = datetime(2000, 1, 1)  # before Google Forms existed: a typing or pasting mistake


def implausible_timestamps(
    responses: Responses, tab: str, column: str, now: datetime
) -> tuple[Responses, list[Problem]]:
    """A timestamp after ``now`` (2099 typed by hand would supersede the real submission) or
    before 2000 is not counted: the row gets the "bad timestamp" verdict and a problem."""
    times = responses.times
    known = list(filter(None, times))  # datetimes are true
    if not known:
        return responses, []
    latest = responses.moment(now + FUTURE_SLACK)
    earliest = responses.moment(EARLIEST.replace(tzinfo=now.tzinfo))
    if earliest <= min(known) and max(known) <= latest:  # type: ignore[operator]
        return responses, []
    times = list(times)
    problems: list[Problem] = []
    future = set()
    for p, at in enumerate(times):
        if at is not None and (at > latest or at < earliest):  # type: ignore[operator]
            when = "in the future" if at > latest else "before 2000"  # type: ignore[operator]
            problems.append(Problem(tab, responses.rows[p], column,
                                    f"timestamp {at:%d/%m/%Y %H:%M} is {when}; not counted"))
            times[p] = None
            if at > latest:  # type: ignore[operator]
                future.add(p)  # its verdict: sent after the moment of the sync, not unreadable
    return responses.replace_times(times, frozenset(future)), problems


def cell_problems(
    campaigns: Sequence[Campaign], tab: str, column: str,
    check: Callable[[Campaign], object], consequence: str,
) -> list[Problem]:
    """Check an optional campaign-row column with ``check`` (which raises ValueError with the
    reason); one Problem per campaign whose cell cannot be used."""
    problems = []
    for campaign in campaigns:
        try:
            check(campaign)
        except ValueError as err:
            problems.append(Problem(tab, campaign.row, column,
                                    f"campaign {campaign.code}: {err}; {consequence}"))
    return problems

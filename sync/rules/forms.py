"""What a Google Form says about its campaign, and its unit question kept as the roster.

Pure: a ``forms.get`` answer (JSON) in, facts out; a campaign row plus those facts in, the
campaign with the empty cells filled (typed values win) and the disagreements out. See
``docs/google.md`` ("A campaign from a form link").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from sync.rules import headers as H
from sync.rules.book import Tab
from sync.rules.models import Campaign, Unit
from sync.rules.period_assign import PERIOD_KEYS
from sync.rules.periods import Period, Schedule
from sync.rules.text import clean, collation_key, header_key

# https://docs.google.com/forms/d/<formId>/edit (…/viewform with the form id works too); the
# responder link …/forms/d/e/<publishedId>/viewform carries another id the API does not take.
_EDIT_URL = re.compile(r"docs\.google\.com/forms/(?:u/\d+/)?d/(?!e/)([A-Za-z0-9_-]{20,})")
_BARE_ID = re.compile(r"^[A-Za-z0-9_-]{30,}$")
UNIT_QUESTION_TITLES = ("Tên đơn vị", "Đơn vị", "Đơn vị báo cáo", "Tên cơ quan, đơn vị")
PERIODS_LISTED = 3  # the current period and the two before it (a late report)


def form_id(link: str) -> str | None:
    """The form id in an edit URL or a bare id; None for anything else (a responder URL is a
    pre-fill link, not something the Forms API can read)."""
    text = clean(link)
    found = _EDIT_URL.search(text)
    if found:
        return found.group(1)
    return text if _BARE_ID.match(text) else None


@dataclass(frozen=True)
class Question:
    title: str
    question_id: str  # hex
    required: bool
    index: int  # the item's position in the form (updateItem's location.index)
    item_id: str = ""
    kind: str = ""  # "DROP_DOWN", "RADIO", "CHECKBOX", "text", "fileUpload", ...
    options: tuple[str, ...] = ()

    @property
    def entry_id(self) -> str:
        """The number in a pre-filled link's ``entry.<N>``: the question id read as hex."""
        return str(int(self.question_id, 16))


@dataclass(frozen=True)
class FormFacts:
    form_id: str
    title: str
    revision: str
    responder_uri: str
    linked_sheet_id: str
    questions: tuple[Question, ...]

    def unit_question(self) -> Question | None:
        """The question titled like "Tên đơn vị" (a dropdown first), else the only dropdown."""
        titled = {header_key(t) for t in UNIT_QUESTION_TITLES}
        named = [q for q in self.questions if header_key(q.title) in titled]
        named.sort(key=lambda q: q.kind != "DROP_DOWN")
        if named:
            return named[0]
        # the only dropdown, unless it is the period's ("Kỳ báo cáo": a repeating campaign's)
        dropdowns = [q for q in self.questions if q.kind == "DROP_DOWN"
                     and header_key(q.title) not in PERIOD_KEYS]
        return dropdowns[0] if len(dropdowns) == 1 else None

    def period_question(self) -> Question | None:
        """The question titled like "Kỳ báo cáo" (a dropdown first)."""
        named = [q for q in self.questions if header_key(q.title) in PERIOD_KEYS]
        named.sort(key=lambda q: q.kind != "DROP_DOWN")
        return named[0] if named else None


def read_form(form: Mapping) -> FormFacts:
    """The parts of a ``forms.get`` answer tonghop uses."""
    questions = []
    for index, item in enumerate(form.get("items") or []):
        question = (item.get("questionItem") or {}).get("question")
        if not question or "questionId" not in question:
            continue  # text, image, page break, question group
        choice = question.get("choiceQuestion")
        kind = choice.get("type", "") if choice else next(
            (k.removesuffix("Question") for k in question if k.endswith("Question")), "")
        options = tuple(clean(o.get("value", "")) for o in (choice or {}).get("options") or []
                        if not o.get("isOther"))
        questions.append(Question(clean(item.get("title", "")), question["questionId"],
                                  bool(question.get("required")), index, item.get("itemId", ""),
                                  kind, options))
    return FormFacts(form.get("formId", ""), clean((form.get("info") or {}).get("title", "")),
                     form.get("revisionId", ""), form.get("responderUri", ""),
                     form.get("linkedSheetId", ""), tuple(questions))


@dataclass
class Derived:
    """What a campaign took from its form: (column, value) filled, and disagreements."""

    campaign: Campaign
    filled: list[tuple[str, str]] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)


def derive(campaign: Campaign, facts: FormFacts) -> Derived:
    """Fill the campaign's empty cells from its form; a typed value wins and, when it differs,
    is reported."""
    out = Derived(campaign)
    changes: dict = {}
    extra = dict(campaign.extra)

    def take(column: str, typed: str, derived: str, same=lambda a, b: a == b) -> str:
        if not derived:
            return typed
        if not typed:
            out.filled.append((column, derived))
            return derived
        if not same(typed, derived):
            out.disagreements.append(f"'{column}' is '{typed}' on the row, the form says "
                                     f"'{derived}'; the row wins")
        return typed

    changes["spreadsheet"] = take(H.CAMPAIGN_SPREADSHEET[0], campaign.spreadsheet,
                                  facts.linked_sheet_id, lambda a, b: b in a)
    unit = facts.unit_question()
    changes["unit_question"] = take(H.CAMPAIGN_UNIT_QUESTION[0], campaign.unit_question,
                                    unit.title if unit else "",
                                    lambda a, b: header_key(a) == header_key(b))
    required = [q.title for q in facts.questions if q.required and q is not unit]
    typed_required = "; ".join(campaign.required)
    joined = take(H.CAMPAIGN_REQUIRED[0], typed_required, "; ".join(required),
                  lambda a, b: {header_key(x) for x in a.split("; ")} ==
                  {header_key(x) for x in b.split("; ")})
    changes["required"] = campaign.required if joined == typed_required else tuple(required)
    # The link cell held the edit URL or id: the responder URL replaces it for pre-filled links.
    link = campaign.value(H.CAMPAIGN_FORM_URL)
    link_header = _header(campaign, H.CAMPAIGN_FORM_URL)
    if facts.responder_uri and form_id(link):
        extra[link_header] = facts.responder_uri
        out.filled.append((H.CAMPAIGN_FORM_URL[0], facts.responder_uri))
    if unit is not None:
        entry_header = _header(campaign, H.CAMPAIGN_ENTRY_ID)
        typed_entry = campaign.value(H.CAMPAIGN_ENTRY_ID).removeprefix("entry.")
        extra[entry_header] = take(H.CAMPAIGN_ENTRY_ID[0], typed_entry, unit.entry_id)
    out.campaign = replace(campaign, extra=extra, **changes)
    return out


def _header(campaign: Campaign, names: Sequence[str]) -> str:
    keys = {header_key(n) for n in names}
    return next((h for h in campaign.extra if header_key(h) in keys), names[0])


def responses_tab(tabs: Mapping[str, Tab], facts: FormFacts) -> str | None:
    """The tab whose header row holds the form's question titles (a timestamp column first):
    the one with most of them, when it has at least half."""
    titles = {header_key(q.title) for q in facts.questions}
    stamps = {header_key(h) for h in H.TIMESTAMP}
    best, best_score = None, 0
    for title, tab in tabs.items():
        header = {header_key(h) for h in (tab.values[0] if tab.values else []) if clean(h)}
        if not header & stamps:
            continue
        score = len(titles & header)
        if score > best_score:
            best, best_score = title, score
    return best if titles and best_score * 2 >= len(titles) else None


# --- dropdowns kept: the unit question as the roster, the period question as the calendar --------
@dataclass(frozen=True)
class OptionsChange:
    """One updateItem making a dropdown list what it should: the roster's active units, or the
    periods a unit may be reporting for."""

    question: Question
    options: tuple[str, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]


def unit_options(units: Sequence[Unit]) -> tuple[str, ...]:
    """The dropdown's options: the names of the given units, in Vietnamese order, once each."""
    names = dict.fromkeys(clean(u.name) for u in units if clean(u.name))
    return tuple(sorted(names, key=collation_key))


def options_change(question: Question, wanted: tuple[str, ...]) -> OptionsChange | None:
    """None when the dropdown already lists exactly ``wanted``, in that order
    (:func:`unit_options`, :func:`period_options`)."""
    if tuple(question.options) == wanted:
        return None
    have, keep = set(question.options), set(wanted)
    return OptionsChange(question, wanted, tuple(o for o in wanted if o not in have),
                         tuple(o for o in question.options if o not in keep))


def period_list(facts: FormFacts, schedule: Schedule | None,
                current: Period | None) -> tuple[Question, tuple[str, ...]] | str:
    """The form's "Kỳ báo cáo" dropdown and what it should list (:func:`period_options`), or
    why there is none to keep (a campaign not evaluated this cycle: "")."""
    if schedule is None:
        return ("not a repeating campaign: no period list to keep (fill 'Định kỳ' and the "
                "columns after it)")
    if current is None:
        return ""
    question = facts.period_question()
    if question is None or question.kind not in ("DROP_DOWN", "RADIO"):
        return "the form has no dropdown question 'Kỳ báo cáo' to keep"
    return question, period_options(schedule, current)


def period_options(schedule: Schedule, current: Period) -> tuple[str, ...]:
    """The periods a unit may be reporting for now, newest first: the current one and the
    :data:`PERIODS_LISTED` - 1 before it (a late report), none before the campaign's first."""
    out = []
    period = current
    while len(out) < PERIODS_LISTED and period >= schedule.first:
        out.append(period.label)
        period = period.previous()
    return tuple(out)


def old_names(units: Sequence[Unit], given: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    """Unit code -> option texts a dropdown gave the unit before it was renamed (``given``: every
    text tonghop ever gave each code), to keep as aliases so old answers still match."""
    out = {}
    for unit in units:
        old = tuple(t for t in given.get(unit.code, ()) if clean(t) != clean(unit.name)
                    and t not in unit.aliases)
        if old:
            out[unit.code] = old
    return out

"""What a draft says: the evaluated state of one campaign turned into a template context.

Pure: config, state and ``now`` in, plain dicts of strings and numbers out (no I/O, no clock).
Every template receives the same context; docs/reports.md lists its variables. The wording lives
by section, each rule in one home: :mod:`reports.header` (bodies, number, signer, recipients,
summary line), :mod:`reports.status_prose` (where the units stand), :mod:`reports.figures` (the
figures), :mod:`reports.lists` (the lists of proposals and the per-unit annex), :mod:`reports.vn`
(dates, numbers, quotes).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from enum import StrEnum

from reports.figures import figure_results, figure_styles
from reports.header import (
    REPORT_TYPE,
    Issuer,
    campaign_value,
    document_number,
    header_context,
    issuer_for,
    of_period,
    recipient_lines,
    report_subject,
    summary_line,
)
from reports.lists import (
    annex_groups,
    asks_proposals,
    award_issuers,
    by_group,
    proposal_lists,
    proposals_of,
    unidentified_proposals,
    with_issuers,
)
from reports.periods import periodic_context
from reports.proposals import Kind, form_counts
from reports.status_prose import (
    DRAFT_STATUS,
    extension_note,
    missing_phrase,
    progress_sentence,
    shortfall,
    unidentified_names,
    unit_names,
)
from reports.vn import clock, date_line, deadline_text, lower_first, percent, vn_date
from sync.config import Config
from sync.cycle import State
from sync.rules import headers as H
from sync.rules.models import SENT, Campaign, RowResult, Status, UnitStatus, Verdict
from sync.rules.text import one_line
from sync.rules.timeparse import format_duration, format_vn

__all__ = ["DRAFT_STATUS", "REPORT_TYPE", "DraftKind", "Issuer", "campaign_context",
           "campaign_value", "issuer_for", "lower_first", "proposals_of"]


class DraftKind(StrEnum):
    """The drafts of a campaign; the value names the file and the bundled template."""

    REPORT = "bao-cao"
    PROPOSALS = "danh-sach-khen-thuong"
    ANNEX = "phu-luc-don-vi"
    SUMMARY = "bieu-tong-hop"  # .xlsx, no template: reports/workbook.py

    @property
    def label(self) -> str:
        return DRAFT_LABELS[self]

    @property
    def suffix(self) -> str:
        return ".xlsx" if self is DraftKind.SUMMARY else ".docx"


DRAFT_LABELS = {
    DraftKind.REPORT: "Báo cáo",
    DraftKind.PROPOSALS: "Danh sách đề nghị khen thưởng",
    DraftKind.ANNEX: "Phụ lục tình hình nộp của các đơn vị",
    DraftKind.SUMMARY: "Biểu tổng hợp",
}


def unidentified(state: State, campaign: Campaign) -> list[RowResult]:
    """Responses counted in no unit: the name they typed is listed, never dropped."""
    return state.rows.of(campaign.code).with_verdict(Verdict.UNKNOWN_UNIT)


def attached(context: dict) -> set[DraftKind]:
    """The drafts that have content at this moment: the report always; the list of proposals
    when there is one; the per-unit annex and the .xlsx once a unit has sent or is overdue (an
    interim draft before any of that says where things stand in a sentence)."""
    out = {DraftKind.REPORT}
    if context["proposal_lists"]:
        out.add(DraftKind.PROPOSALS)
    if context["has_status"]:
        out |= {DraftKind.ANNEX, DraftKind.SUMMARY}
    return out


def campaign_context(config: Config, state: State, campaign: Campaign,
                     now: datetime) -> dict:
    tz = config.tz
    local_now = now.astimezone(tz)
    issuer = issuer_for(config.organization, campaign)
    statuses = state.statuses_of(campaign.code)
    counts = Counter(s.status for s in statuses)
    verdicts = state.rows.of(campaign.code).verdicts
    number = document_number(issuer.number, issuer.symbol)
    issuers = award_issuers(campaign)
    raw_proposals = proposals_of(campaign, statuses)
    proposals = with_issuers(raw_proposals, issuers)
    strangers = unidentified(state, campaign)
    stranger_proposals = with_issuers(unidentified_proposals(campaign, strangers), issuers)
    kinds = Counter(p.kind for p in proposals)  # counts only: the lists sort their own
    submitted = sum(counts[st] for st in SENT)
    required = len(statuses) - counts[Status.EXEMPT]
    summary = summary_line(campaign)
    as_of = f"{clock(local_now)} {vn_date(local_now)}"
    table = state.figure_table(campaign.code)
    styles = {} if table.is_empty() else figure_styles(table, campaign)
    results = [] if table.is_empty() else figure_results(table, statuses, campaign)
    past_deadline = campaign.deadline is not None and now > campaign.deadline
    has_status = bool(submitted or counts[Status.OVERDUE])
    lists = proposal_lists(raw_proposals, stranger_proposals, issuers)
    return {
        "org": header_context(issuer),
        "number": number,
        "date_line": date_line(issuer.place, local_now),
        "date_text": vn_date(local_now),
        "recipients": recipient_lines(issuer),
        "annex_ref": f"(Kèm theo Báo cáo số {number} {vn_date(local_now)} "
                     f"của {issuer.issuing_body_name})",
        "campaign": {
            "code": campaign.code,
            "title": of_period(campaign.title, campaign.period),  # "... tháng 6/2023"
            "owner": campaign.owner,
            "deadline": deadline_text(campaign.deadline, tz),
            "summary_line": summary,
            "summary_line_upper": summary.upper(),
            "subject": report_subject(summary),
            "legal_basis": campaign_value(campaign, H.CAMPAIGN_LEGAL_BASIS).rstrip(" ;.,"),
        },
        "as_of": as_of,
        "interim": not past_deadline,
        "has_status": has_status,
        "progress": progress_sentence(as_of, counts, submitted, required,
                                      percent(submitted, required)),
        "shortfall": shortfall(counts),
        "annex_total": annex_total(counts, len(statuses), required),
        "results": [r for r in results if r["covered"]],
        "results_pending": [r["sentence"] for r in results if not r["covered"]],
        "unidentified": unidentified_names(
            [one_line(r.response.unit_text, 80) for r in strangers]),
        "unidentified_proposals": len(stranger_proposals),
        "status_labels": {s.value: label for s, label in DRAFT_STATUS.items()},
        "generated_at": format_vn(now, tz),
        "figures": {
            "expected": len(statuses),
            "required": required,
            "submitted": submitted,
            "submitted_rate": percent(submitted, required),
            "on_time": counts[Status.ON_TIME],
            "on_time_rate": percent(counts[Status.ON_TIME], required),
            "late": counts[Status.LATE],
            "incomplete": counts[Status.INCOMPLETE],
            "pending": counts[Status.PENDING],
            "overdue": counts[Status.OVERDUE],
            "not_submitted": counts[Status.PENDING] + counts[Status.OVERDUE],
            "exempt": counts[Status.EXEMPT],
            "responses": len(verdicts) - verdicts.count(Verdict.AFTER_NOW),
            "after_now": verdicts.count(Verdict.AFTER_NOW),
            "unknown_responses": verdicts.count(Verdict.UNKNOWN_UNIT),
        },
        "groups": group_rows(statuses),
        "totals": _count_row("Tổng cộng", statuses),
        "units_late": unit_names(
            statuses, Status.LATE, lambda s: f"muộn {format_duration(s.late_by)}" if s.late_by else ""),
        "units_incomplete": unit_names(statuses, Status.INCOMPLETE,
                                       lambda s: missing_phrase(s.missing)),
        "units_overdue": unit_names(statuses, Status.OVERDUE, lambda s: extension_note(s, tz)),
        # Before the deadline every unit is "còn hạn": named only once the deadline has passed
        # (those are the units given more time).
        "units_pending": unit_names(statuses, Status.PENDING, lambda s: extension_note(s, tz))
                         if past_deadline else "",
        "units_exempt": unit_names(statuses, Status.EXEMPT, lambda s: extension_note(s, tz)),
        "proposals": {
            "asked": asks_proposals(campaign, _form_headers(state, campaign)),
            "total": kinds[Kind.COLLECTIVE] + kinds[Kind.INDIVIDUAL],
            "collectives": kinds[Kind.COLLECTIVE],
            "individuals": kinds[Kind.INDIVIDUAL],
            "unclear": kinds[Kind.UNKNOWN],
            "unidentified": len(stranger_proposals),
            "who": " và ".join(p for p in (
                f"{kinds[Kind.COLLECTIVE]} tập thể" if kinds[Kind.COLLECTIVE] else "",
                f"{kinds[Kind.INDIVIDUAL]} cá nhân" if kinds[Kind.INDIVIDUAL] else "",
            ) if p) or "không có tập thể, cá nhân nào",
            "by_form": [{"form": form, "collectives": c, "individuals": i, "total": c + i}
                        for form, c, i in form_counts(proposals)],
            "lists": len(lists),
            "forms": sum(1 for item in lists if item["form"]),
        },
        "proposal_lists": lists,
        "annex_groups": annex_groups(statuses, tz, styles),
        # a repeating campaign: comparisons with the periods before, the year's reporting rates
        "periodic": (periodic_context(state.comparisons[campaign.code], state.rates[campaign.code])
                     if campaign.code in state.periodic else None),
    }


def _form_headers(state: State, campaign: Campaign) -> list[object]:
    book = state.books.get(campaign.spreadsheet)
    tab = book.find_tab(campaign.responses_tab) if book is not None else None
    return list(tab.values[0]) if tab is not None and tab.values else []


def annex_total(counts: Counter, expected: int, required: int) -> str:
    """The annex's last row: "Tổng số: 90 đơn vị, phải gửi 89 (1 đơn vị được miễn); gửi đúng
    hạn: 57; ...", the statuses that are 0 left out."""
    parts = [f"{DRAFT_STATUS[st].lower()}: {counts[st]}" for st in Status
             if counts[st] and st is not Status.EXEMPT]
    if counts[Status.EXEMPT]:
        head = (f"Tổng số: {expected} đơn vị, phải gửi {required} ({counts[Status.EXEMPT]} "
                "đơn vị được miễn)")
    else:
        head = f"Tổng số: phải gửi {required} đơn vị"
    return "; ".join([head, *parts]) + "."


def _count_row(name: str, statuses: list[UnitStatus]) -> dict:
    counts = Counter(s.status for s in statuses)
    return ({"name": name, "expected": len(statuses) - counts[Status.EXEMPT]}
            | {st.value: counts[st] for st in Status})


def group_rows(statuses: list[UnitStatus]) -> list[dict]:
    return [_count_row(name, mine) for name, mine in by_group(statuses).items()]

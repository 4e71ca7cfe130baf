"""What a draft says: the evaluated state of one campaign turned into a template context.

Pure: config, state and ``now`` in, plain dicts of strings and numbers out (no I/O, no clock).
Every template receives the same context; docs/reports.md lists its variables.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from reports.figures import figure_results, unit_figures
from reports.proposals import Kind, by_kind, form_counts, parse_proposals
from sync.config import Config, Organization
from sync.cycle import State
from sync.rules import headers as H
from sync.rules.models import Campaign, MatchKind, Resubmission, RowResult, Status, UnitStatus, Verdict
from sync.rules.text import clean, header_key, one_line, simple_key, split_list
from sync.rules.timeparse import format_duration, format_vn

REPORT_TYPE = "BC"  # Decree 30, Appendix III: báo cáo


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

# In the drafts one verb for one state: "gửi" (the sheet's status labels say "nộp").
DRAFT_STATUS = {
    Status.ON_TIME: "Gửi đúng hạn",
    Status.LATE: "Gửi muộn",
    Status.INCOMPLETE: "Thiếu nội dung",
    Status.PENDING: "Chưa gửi (còn hạn)",
    Status.OVERDUE: "Quá hạn, chưa gửi",
    Status.EXEMPT: "Được miễn",
}


@dataclass(frozen=True)
class Issuer:
    """Who issues one campaign's drafts: the config's [organization], overridden per campaign
    by optional columns of its row."""

    parent_body: str
    issuing_body: str
    issuing_body_name: str
    place: str
    symbol: str
    number: str
    signer_name: str
    signer_title: str
    signer_authority: str
    recipients: tuple[str, ...]


def campaign_value(campaign: Campaign, names: Sequence[str]) -> str:
    """An optional single-line column of the campaign row, "" when absent."""
    return clean(campaign.value(names))


def parent_body(org: Organization, campaign: Campaign) -> str:
    """The body above the issuer. With a column "Cơ quan chủ quản" on the campaigns tab, the
    row's cell says it, and an empty cell means none (a body with no parent in the header); with
    no such column, the config's ``parent_body``."""
    keys = {header_key(h) for h in H.CAMPAIGN_PARENT_BODY}
    if any(header_key(header) in keys for header in campaign.extra):
        return campaign_value(campaign, H.CAMPAIGN_PARENT_BODY)
    return org.parent_body


def issuer_for(org: Organization, campaign: Campaign) -> Issuer:
    def pick(names: Sequence[str], default: str) -> str:
        return campaign_value(campaign, names) or default

    issuing_body = pick(H.CAMPAIGN_ISSUING_BODY, org.issuing_body)
    # In running text ("của Phòng Nội vụ") the header's capitals read wrong: the config's
    # spelling, else the campaign owner's when it names the same body.
    owners = [o for o in split_list(campaign.owner) if simple_key(o) == simple_key(issuing_body)]
    if campaign_value(campaign, H.CAMPAIGN_ISSUING_BODY):
        name = owners[0] if owners else issuing_body
    else:
        name = org.issuing_body_name or (owners[0] if owners else issuing_body)
    recipients = split_list(campaign.value(H.CAMPAIGN_RECIPIENTS)) or [
        clean(r) for r in org.recipients if clean(r)]
    return Issuer(
        parent_body=parent_body(org, campaign),
        issuing_body=issuing_body,
        issuing_body_name=name,
        place=org.place,
        symbol=pick(H.CAMPAIGN_SYMBOL, org.symbol),
        number=campaign_value(campaign, H.CAMPAIGN_DOC_NUMBER),
        signer_name=pick(H.CAMPAIGN_SIGNER_NAME, org.signer_name),
        signer_title=pick(H.CAMPAIGN_SIGNER_TITLE, org.signer_title),
        signer_authority=pick(H.CAMPAIGN_SIGNER_AUTHORITY, org.signer_authority),
        recipients=tuple(r.strip(" -;.") for r in recipients),
    )


# --- Dates and numbers, the Vietnamese way ----------------------------------------------------

def vn_date(moment: datetime) -> str:
    """"ngày 05 tháng 6 năm 2023": day below 10 and months 1-2 take a leading 0 (Decree 30)."""
    month = f"{moment.month:02d}" if moment.month <= 2 else str(moment.month)
    return f"ngày {moment.day:02d} tháng {month} năm {moment.year}"


def date_line(place: str, moment: datetime) -> str:
    return f"{place}, {vn_date(moment)}" if place else vn_date(moment).capitalize()


def short_date(moment: datetime) -> str:
    """In running text: 10/6/2023."""
    return f"{moment.day}/{moment.month}/{moment.year}"


def clock(moment: datetime) -> str:
    return f"{moment.hour} giờ {moment.minute:02d}"


def deadline_text(deadline: datetime | None, tz) -> str:
    if deadline is None:
        return "không quy định hạn"
    local = deadline.astimezone(tz)
    if (local.hour, local.minute) == (23, 59):  # a date alone means the whole day
        return f"hết ngày {short_date(local)}"
    return f"{clock(local)} ngày {short_date(local)}"


def document_number(number: str, symbol: str, kind: str = REPORT_TYPE) -> str:
    """"12/BC-NV"; the number is left blank for the clerk who registers the document, and a
    number below 10 takes a leading 0 (Decree 30)."""
    number = number.strip()
    if number.isdigit():
        number = f"{int(number):02d}"
    tail = f"{kind}-{symbol}" if symbol else kind
    return f"{number or ' ' * 6}/{tail}"


def percent(part: int, whole: int) -> str:
    if not whole:
        return "0%"
    return f"{100 * part / whole:.1f}".replace(".", ",").removesuffix(",0") + "%"


def roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                           (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                           (4, "IV"), (1, "I")):
        count, n = divmod(n, value)
        out += letters * count
    return out


def lower_first(title: str) -> str:
    """"Cuộc thi viết ..." -> "cuộc thi viết ..." after "Kết quả"; a proper name ("Hà Nội ...",
    "UBND ...") keeps its capitals."""
    words = title.split()
    if len(words) < 2 or words[0].isupper() or words[1][:1].isupper():
        return title
    return title[:1].lower() + title[1:]


# --- The context ------------------------------------------------------------------------------

def proposals_of(campaign: Campaign, statuses: Sequence[UnitStatus]):
    """Only the response that counts contributes, in the configured question."""
    question = header_key(campaign_value(campaign, H.CAMPAIGN_PROPOSALS_QUESTION)
                          or H.DEFAULT_PROPOSALS_QUESTION)
    out = []
    for status in statuses:
        if status.counted is None:
            continue
        for header, answer in status.counted.answers.items():
            if header_key(header) == question:
                out += parse_proposals(answer, status.unit.name)
    return out


def unidentified(state: State, campaign: Campaign) -> list[RowResult]:
    """Responses counted in no unit: the name they typed is listed, never dropped."""
    return state.rows.of(campaign.code).with_verdict(Verdict.UNKNOWN_UNIT)


def unidentified_proposals(campaign: Campaign, rows: Sequence[RowResult]) -> list:
    """Proposals sent by unidentified responses, kept apart for checking."""
    question = header_key(campaign_value(campaign, H.CAMPAIGN_PROPOSALS_QUESTION)
                          or H.DEFAULT_PROPOSALS_QUESTION)
    out = []
    for r in rows:
        for header, answer in r.response.answers.items():
            if header_key(header) == question:
                out += parse_proposals(answer, one_line(r.response.unit_text, 80))
    return out


def award_issuers(campaign: Campaign) -> dict[str, str]:
    """Column "Thẩm quyền khen thưởng": "Giấy khen: Chủ tịch UBND quận" per line or ";"."""
    out = {}
    for item in split_list(campaign.value(H.CAMPAIGN_AWARD_ISSUERS)):
        form, sep, issuer = item.partition(":")
        if sep and clean(form) and clean(issuer):
            out[simple_key(form)] = clean(issuer)
    return out


def form_with_issuer(form: str, issuers: Mapping[str, str]) -> str:
    """"Giấy khen" -> "Giấy khen của Chủ tịch UBND quận" when the campaign says whose it is."""
    issuer = issuers.get(simple_key(form))
    return f"{form} của {issuer}" if issuer else form


def report_subject(title: str) -> str:
    """What "báo cáo ..." is about, in running text: a review keeps its own words ("sơ kết 6
    tháng ..."), anything else is "kết quả thực hiện ..."; the title loses its capital."""
    text = lower_first(title)
    if any(simple_key(text).startswith(simple_key(w) + " ") for w in ("sơ kết", "tổng kết")):
        return text
    return f"kết quả thực hiện {text}"


def _count_phrase(count: int, what: str) -> str:
    return f"{count} đơn vị {what}"


def progress_sentence(as_of: str, counts: Counter, submitted: int, required: int,
                      rate: str) -> str:
    """"Tính đến ..., 12/20 đơn vị đã gửi (60%), trong đó ...": parts that are 0 are left out."""
    if not required:
        return f"Tính đến {as_of}, không có đơn vị nào phải gửi."
    if not submitted:
        head = f"Tính đến {as_of}, chưa có đơn vị nào gửi"
    elif submitted == required:
        head = f"Tính đến {as_of}, tất cả {required} đơn vị đã gửi"
    else:
        head = f"Tính đến {as_of}, {submitted}/{required} đơn vị đã gửi ({rate})"
    kinds = [p for p in (
        _count_phrase(counts[Status.ON_TIME], "gửi đúng hạn") if counts[Status.ON_TIME] else "",
        _count_phrase(counts[Status.LATE], "gửi muộn") if counts[Status.LATE] else "",
        _count_phrase(counts[Status.INCOMPLETE], "gửi còn thiếu nội dung")
        if counts[Status.INCOMPLETE] else "",
    ) if p]
    if submitted and len(kinds) > 1:
        head += ", trong đó " + ", ".join(kinds)
    elif submitted and kinds and kinds[0].split(" đơn vị ")[1] != "gửi đúng hạn":
        head += f", đều {kinds[0].split(' đơn vị ')[1]}"
    not_sent = counts[Status.PENDING] + counts[Status.OVERDUE]
    if not_sent and submitted:
        parts = [p for p in (
            _count_phrase(counts[Status.OVERDUE], "đã quá hạn") if counts[Status.OVERDUE] else "",
            _count_phrase(counts[Status.PENDING], "còn trong hạn") if counts[Status.PENDING] else "",
        ) if p]
        tail = f"; {not_sent} đơn vị chưa gửi"
        if len(parts) > 1:
            tail += f" ({', '.join(parts)})"
        elif counts[Status.OVERDUE]:
            tail += ", đều đã quá hạn"
        else:
            tail += ", vẫn còn trong hạn"
        head += tail
    elif not submitted and not_sent:
        head += " (" + ("đều đã quá hạn" if not counts[Status.PENDING] else
                        "vẫn còn trong hạn" if not counts[Status.OVERDUE] else
                        f"{counts[Status.OVERDUE]} đơn vị đã quá hạn, "
                        f"{counts[Status.PENDING]} đơn vị còn trong hạn") + ")"
    return head + "."


def shortfall(counts: Counter) -> str:
    """"(còn 3 đơn vị gửi muộn, 2 đơn vị chưa gửi)" without the parts that are 0; "" if none."""
    parts = []
    if counts[Status.LATE]:
        parts.append(f"{counts[Status.LATE]} đơn vị gửi muộn")
    not_sent = counts[Status.PENDING] + counts[Status.OVERDUE]
    if not_sent:
        parts.append(f"{not_sent} đơn vị chưa gửi")
    return f" (còn {', '.join(parts)})" if parts else ""


def campaign_context(config: Config, state: State, campaign: Campaign,
                     now: datetime) -> dict:
    tz = config.tz
    local_now = now.astimezone(tz)
    issuer = issuer_for(config.organization, campaign)
    statuses = state.statuses_of(campaign.code)
    counts = Counter(s.status for s in statuses)
    verdicts = state.rows.of(campaign.code).verdicts
    number = document_number(issuer.number, issuer.symbol)
    proposals = proposals_of(campaign, statuses)
    strangers = unidentified(state, campaign)
    stranger_proposals = unidentified_proposals(campaign, strangers)
    issuers = award_issuers(campaign)
    proposals = [replace(p, form=form_with_issuer(p.form, issuers)) for p in proposals]
    stranger_proposals = [replace(p, form=form_with_issuer(p.form, issuers))
                          for p in stranger_proposals]
    grouped = by_kind(proposals)
    submitted = counts[Status.ON_TIME] + counts[Status.LATE] + counts[Status.INCOMPLETE]
    required = len(statuses) - counts[Status.EXEMPT]
    summary_line = (campaign_value(campaign, H.CAMPAIGN_SUMMARY_LINE)
                    or f"Kết quả {lower_first(campaign.title)}")
    as_of = f"{clock(local_now)} {vn_date(local_now)}"
    table = state.figure_table(campaign.code)
    return {
        "org": {
            "parent_body": issuer.parent_body.upper(),
            "issuing_body": issuer.issuing_body.upper(),
            "issuing_body_name": issuer.issuing_body_name,
            "place": issuer.place,
            "symbol": issuer.symbol,
            "signer_name": issuer.signer_name,
            "signer_title": issuer.signer_title.upper(),
            "signer_authority": issuer.signer_authority.upper(),
        },
        "number": number,
        "date_line": date_line(issuer.place, local_now),
        "date_text": vn_date(local_now),
        "recipients": [f"- {r};" for r in issuer.recipients]
                      + [f"- Lưu: VT{', ' + issuer.symbol if issuer.symbol else ''}."],
        "annex_ref": f"(Kèm theo Báo cáo số {number} {vn_date(local_now)} "
                     f"của {issuer.issuing_body_name})",
        "campaign": {
            "code": campaign.code,
            "title": campaign.title,
            "owner": campaign.owner,
            "deadline": deadline_text(campaign.deadline, tz),
            "summary_line": summary_line,
            "summary_line_upper": summary_line.upper(),
            "subject": report_subject(campaign.title),
            "legal_basis": campaign_value(campaign, H.CAMPAIGN_LEGAL_BASIS).rstrip(" ;."),
        },
        "as_of": as_of,
        "progress": progress_sentence(as_of, counts, submitted, required,
                                      percent(submitted, required)),
        "shortfall": shortfall(counts),
        "annex_total": "; ".join(f"{DRAFT_STATUS[st].lower()}: {counts[st]}"
                                 for st in Status if counts[st]) or "không có đơn vị nào",
        "results": [] if table.is_empty() else figure_results(table, statuses),
        "unidentified": "; ".join(dict.fromkeys(
            f"'{one_line(r.response.unit_text, 80) or '(không ghi tên)'}'" for r in strangers)),
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
        "units_late": _names(statuses, Status.LATE,
                             lambda s: f"muộn {format_duration(s.late_by)}" if s.late_by else ""),
        "units_incomplete": _names(statuses, Status.INCOMPLETE,
                                   lambda s: "thiếu: " + ", ".join(s.missing)),
        "units_overdue": _names(statuses, Status.OVERDUE, lambda s: _extension(s, tz)),
        "units_pending": _names(statuses, Status.PENDING, lambda s: _extension(s, tz)),
        "units_exempt": _names(statuses, Status.EXEMPT, lambda s: s.exemption_reason),
        "proposals": {
            "total": len(grouped[Kind.COLLECTIVE]) + len(grouped[Kind.INDIVIDUAL]),
            "collectives": len(grouped[Kind.COLLECTIVE]),
            "individuals": len(grouped[Kind.INDIVIDUAL]),
            "unclear": len(grouped[Kind.UNKNOWN]),
            "unidentified": len(stranger_proposals),
            "who": " và ".join(p for p in (
                f"{len(grouped[Kind.COLLECTIVE])} tập thể" if grouped[Kind.COLLECTIVE] else "",
                f"{len(grouped[Kind.INDIVIDUAL])} cá nhân" if grouped[Kind.INDIVIDUAL] else "",
            ) if p) or "không có tập thể, cá nhân nào",
            "by_form": [{"form": form, "collectives": c, "individuals": i, "total": c + i}
                        for form, c, i in form_counts(proposals)],
        },
        "proposal_groups": proposal_groups(grouped, stranger_proposals),
        "annex_groups": annex_groups(statuses, tz),
    }


def _count_row(name: str, statuses: Sequence[UnitStatus]) -> dict:
    counts = Counter(s.status for s in statuses)
    return {"name": name, "expected": len(statuses)} | {st.value: counts[st] for st in Status}


def _by_group(statuses: Sequence[UnitStatus]) -> dict[str, list[UnitStatus]]:
    """Unit groups in the roster's order (statuses come in roster order)."""
    groups: dict[str, list[UnitStatus]] = {}
    for s in statuses:
        groups.setdefault(s.unit.group or "Khác", []).append(s)
    return groups


def group_rows(statuses: Sequence[UnitStatus]) -> list[dict]:
    return [_count_row(name, mine) for name, mine in _by_group(statuses).items()]


def _extension(s: UnitStatus, tz) -> str:
    return f"gia hạn đến {deadline_text(s.new_deadline, tz)}" if s.new_deadline else ""


def _names(statuses: Sequence[UnitStatus], status: Status, detail=None) -> str:
    """"Trường A (muộn 2 ngày); Trường B", or "" when there are none."""
    out = []
    for s in statuses:
        if s.status is status:
            extra = detail(s) if detail else ""
            out.append(f"{s.unit.name} ({extra})" if extra else s.unit.name)
    return "; ".join(out)


UNIDENTIFIED_LABEL = "Đề nghị từ lượt gửi chưa xác định được đơn vị (cần kiểm tra)"


def proposal_groups(grouped: Mapping[Kind, list], unidentified: Sequence = ()) -> list[dict]:
    """I. Tập thể, II. Cá nhân, III. lines not read; then the proposals of responses from no
    known unit, apart and marked for checking (their unit is the name typed)."""
    out = []
    sections = [(kind.label, grouped[kind]) for kind in Kind]
    sections.append((UNIDENTIFIED_LABEL, list(unidentified)))
    for label, items in sections:
        if not items:
            continue
        out.append({
            "label": f"{roman(len(out) + 1)}. {label.upper()}",
            "count": len(items),
            "proposals": [{"stt": i, "name": p.name, "position": p.position, "unit": p.unit,
                       "form": p.form, "achievements": p.achievements, "note": p.note}
                      for i, p in enumerate(items, 1)],
        })
    return out


def annex_groups(statuses: Sequence[UnitStatus], tz) -> list[dict]:
    out = []
    for i, (name, mine) in enumerate(_by_group(statuses).items(), 1):
        out.append({"label": f"{roman(i)}. {name.upper()}", "count": len(mine),
                    "units": [_annex_item(n, s, tz) for n, s in enumerate(mine, 1)]})
    return out


def _annex_item(n: int, s: UnitStatus, tz) -> dict:
    notes = []
    if s.new_deadline is not None and s.status is not Status.EXEMPT:
        notes.append(f"gia hạn đến {deadline_text(s.new_deadline, tz)}")
    if s.exemption_reason:
        notes.append(s.exemption_reason)
    if s.responses > 1:
        which = "mới nhất" if s.campaign.resubmission is Resubmission.LATEST else "đầu tiên"
        notes.append(f"gửi {s.responses} lần, tính bản {which}")
    if s.counted is not None and s.counted.match.kind is MatchKind.FUZZY:
        notes.append(f"tên đơn vị ghi là '{one_line(s.counted.unit_text, 60)}', cần xác nhận")
    return {
        "stt": n, "code": s.unit.code, "name": s.unit.name, "group": s.unit.group,
        "status": DRAFT_STATUS[s.status], "status_code": s.status.value,
        "figures": unit_figures(s),
        "submitted_at": format_vn(s.submitted_at, tz),
        "late_by": format_duration(s.late_by) if s.late_by else "",
        "missing": "; ".join(s.missing),
        "note": "; ".join(notes),
    }

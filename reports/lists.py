"""The lists the drafts attach: the proposed commendations, one list per form of commendation
(each with I. Tập thể, II. Cá nhân), and the per-unit annex.

A city Chairman's Bằng khen and a district Chairman's Giấy khen go to different authorities, so
each has its own list with its own title and total; what cannot go into any list as it stands
(no form named, a line not read, a response from no known unit) is a last list "cần kiểm tra".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from reports.figures import Style, unit_figures
from reports.header import campaign_value
from reports.proposals import NO_FORM, Kind, Proposal, by_kind, parse_proposals
from reports.status_prose import DRAFT_STATUS, extension_note, missing_phrase
from reports.vn import padded, quoted, roman
from sync.rules import headers as H
from sync.rules.models import Campaign, Resubmission, RowResult, UnitStatus
from sync.rules.text import clean, collation_key, header_key, one_line, simple_key, split_list
from sync.rules.timeparse import format_duration, format_vn

UNIDENTIFIED_LABEL = "Đề nghị từ lượt gửi chưa xác định được đơn vị (cần kiểm tra)"
CHECK_TITLE = "DANH SÁCH ĐỀ NGHỊ CẦN KIỂM TRA TRƯỚC KHI XÉT"


def _question(campaign: Campaign) -> str:
    return header_key(campaign_value(campaign, H.CAMPAIGN_PROPOSALS_QUESTION)
                      or H.DEFAULT_PROPOSALS_QUESTION)


def asks_proposals(campaign: Campaign, headers: Sequence[object]) -> bool:
    """Whether the campaign collects proposals: its row names the question, or its form (the
    responses tab's ``headers``) has the default one."""
    if campaign_value(campaign, H.CAMPAIGN_PROPOSALS_QUESTION):
        return True
    return _question(campaign) in {header_key(h) for h in headers}


def proposals_of(campaign: Campaign, statuses: Sequence[UnitStatus]) -> list[Proposal]:
    """Only the response that counts contributes, in the configured question."""
    question = _question(campaign)
    out = []
    for status in statuses:
        if status.counted is None:
            continue
        for header, answer in status.counted.answers.items():
            if header_key(header) == question:
                out += parse_proposals(answer, status.unit.name)
    return out


def unidentified_proposals(campaign: Campaign, rows: Sequence[RowResult]) -> list[Proposal]:
    """Proposals sent by unidentified responses, kept apart for checking."""
    question = _question(campaign)
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


def list_title(form: str, issuers: Mapping[str, str]) -> str:
    """"DANH SÁCH ĐỀ NGHỊ CHỦ TỊCH UBND THÀNH PHỐ HÀ NỘI TẶNG BẰNG KHEN"; a title (danh hiệu)
    is "công nhận", a form with no known issuer is "tặng" alone."""
    issuer = issuers.get(simple_key(form))
    verb = "TẶNG" if "khen" in simple_key(form) else "CÔNG NHẬN DANH HIỆU"
    who = f"{issuer.upper()} " if issuer else ""
    return f"DANH SÁCH ĐỀ NGHỊ {who}{verb} {form.upper()}"


def _items(items: Sequence[Proposal]) -> list[dict]:
    return [{"stt": i, "name": p.name, "position": p.position, "unit": p.unit, "form": p.form,
             "achievements": p.achievements, "note": p.note} for i, p in enumerate(items, 1)]


def _groups(sections: Sequence[tuple[str, Sequence[Proposal]]]) -> list[dict]:
    out = []
    for label, items in sections:
        if items:
            out.append({"label": f"{roman(len(out) + 1)}. {label.upper()} ({len(items)})",
                        "count": len(items), "proposals": _items(items)})
    return out


def who_total(collectives: int, individuals: int) -> str:
    """"02 tập thể, 14 cá nhân", parts that are 0 left out."""
    return ", ".join(p for p in (f"{padded(collectives)} tập thể" if collectives else "",
                                 f"{padded(individuals)} cá nhân" if individuals else "") if p)


def proposal_lists(proposals: Sequence[Proposal], unidentified: Sequence[Proposal],
                   issuers: Mapping[str, str]) -> list[dict]:
    """One list per form of commendation, the highest authority's first (Vietnamese order of
    the forms), then the list to check; each list: ``title``, ``form``, ``groups`` (I. Tập
    thể, II. Cá nhân, each with its ``proposals``), ``total``."""
    by_form: dict[str, tuple[str, list[Proposal]]] = {}
    check_unclear, check_no_form = [], []
    for p in proposals:
        if p.kind is Kind.UNKNOWN:
            check_unclear.append(p)
        elif not p.form or p.form == NO_FORM:
            check_no_form.append(p)
        else:
            by_form.setdefault(simple_key(p.form), (p.form, []))[1].append(p)
    out = []
    for form, mine in sorted(by_form.values(), key=lambda e: collation_key(e[0])):
        grouped = by_kind(mine)
        out.append({
            "title": list_title(form, issuers),
            "form": form_with_issuer(form, issuers),
            "groups": _groups([(Kind.COLLECTIVE.label, grouped[Kind.COLLECTIVE]),
                               (Kind.INDIVIDUAL.label, grouped[Kind.INDIVIDUAL])]),
            "total": "Tổng số: " + who_total(len(grouped[Kind.COLLECTIVE]),
                                             len(grouped[Kind.INDIVIDUAL])) + ".",
        })
    no_form = by_kind(check_no_form)
    sections = [("Chưa ghi hình thức khen thưởng",
                 no_form[Kind.COLLECTIVE] + no_form[Kind.INDIVIDUAL]),
                ("Dòng đề nghị chưa đọc được", by_kind(check_unclear)[Kind.UNKNOWN]),
                (UNIDENTIFIED_LABEL, list(unidentified))]
    count = sum(len(items) for _, items in sections)
    if count:
        out.append({"title": CHECK_TITLE, "form": "", "groups": _groups(sections),
                    "total": f"Tổng số: {padded(count)} đề nghị cần kiểm tra."})
    for n, item in enumerate(out, 1):
        item["number"] = f"I.{n}" if len(out) > 1 else "I"
    return out


def with_issuers(proposals: Sequence[Proposal], issuers: Mapping[str, str]) -> list[Proposal]:
    return [replace(p, form=form_with_issuer(p.form, issuers)) for p in proposals]


# --- The per-unit annex -----------------------------------------------------------------------

def by_group(statuses: Sequence[UnitStatus]) -> dict[str, list[UnitStatus]]:
    """Unit groups in the roster's order (statuses come in roster order)."""
    groups: dict[str, list[UnitStatus]] = {}
    for s in statuses:
        groups.setdefault(s.unit.listed_group, []).append(s)
    return groups


def annex_groups(statuses: Sequence[UnitStatus], tz, styles: Mapping[str, Style]) -> list[dict]:
    out = []
    for i, (name, mine) in enumerate(by_group(statuses).items(), 1):
        out.append({"label": f"{roman(i)}. {name.upper()} ({len(mine)} đơn vị)", "name": name,
                    "count": len(mine),
                    "units": [annex_item(n, s, tz, styles) for n, s in enumerate(mine, 1)]})
    return out


def annex_item(n: int, s: UnitStatus, tz, styles: Mapping[str, Style]) -> dict:
    notes = [extension_note(s, tz)] if extension_note(s, tz) else []
    if s.responses > 1:
        which = "mới nhất" if s.campaign.resubmission is Resubmission.LATEST else "đầu tiên"
        notes.append(f"gửi {s.responses} lần, tính bản {which}")
    if s.guessed:  # a response only guessed to be this unit counts for it once staff confirm
        names = ", ".join(quoted(one_line(name, 60)) for name in s.guessed[:3])
        notes.append(f"có lượt gửi ghi tên {names}, có thể là đơn vị này, chưa tính, cần xác nhận")
    return {
        "stt": n, "code": s.unit.code, "name": s.unit.name, "group": s.unit.group,
        "status": DRAFT_STATUS[s.status], "status_code": s.status.value,
        "figures": unit_figures(s, styles),
        "submitted_at": format_vn(s.submitted_at, tz),
        "submitted": None if s.submitted_at is None
        else s.submitted_at.astimezone(tz).replace(tzinfo=None),  # the .xlsx: a date-time
        "late_by": format_duration(s.late_by) if s.late_by else "",
        "missing": missing_phrase(s.missing),
        "note": "; ".join(notes),
    }

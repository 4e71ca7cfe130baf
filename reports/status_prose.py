"""Where the units stand, in the sentences of section II.1 and III.2 of the report and the
annex's notes.

Rules, one home each: parts that are 0 are left out ("chưa có đơn vị nào gửi", never "0 đơn
vị"); one verb for one state ("gửi"; the sheet's labels keep "nộp"); a unit still within its
deadline is neither a shortfall nor named in a list before the deadline has passed (an interim
draft says how many in a sentence); what the rules say of an answer ("không đọc được số
('...' không phải là số)") becomes what a clerk writes ("số bài viết dự thi ghi chưa đúng, đề
nghị bổ sung").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from reports.figures import UNREADABLE, split_unit
from reports.vn import deadline_text, lower_first, quoted
from sync.rules.models import Status, UnitStatus
from sync.rules.text import one_line, simple_key

# In the drafts one verb for one state: "gửi" (the sheet's status labels say "nộp").
DRAFT_STATUS = {
    Status.ON_TIME: "Gửi đúng hạn",
    Status.LATE: "Gửi muộn",
    Status.INCOMPLETE: "Thiếu nội dung",
    Status.PENDING: "Chưa gửi (còn hạn)",
    Status.OVERDUE: "Quá hạn, chưa gửi",
    Status.EXEMPT: "Được miễn",
}


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
    kinds = [(counts[st], what) for st, what in (
        (Status.ON_TIME, "gửi đúng hạn"), (Status.LATE, "gửi muộn"),
        (Status.INCOMPLETE, "gửi còn thiếu nội dung")) if counts[st]]
    if submitted and len(kinds) > 1:
        head += ", trong đó " + ", ".join(_count_phrase(n, what) for n, what in kinds)
    elif submitted and kinds and kinds[0][1] != "gửi đúng hạn":
        head += f", đều {kinds[0][1]}"
    not_sent = counts[Status.PENDING] + counts[Status.OVERDUE]
    if not_sent and submitted:
        head += f"; {not_sent} đơn vị chưa gửi"
        if counts[Status.OVERDUE] and counts[Status.PENDING]:
            head += (f" ({_count_phrase(counts[Status.OVERDUE], 'đã quá hạn')}, "
                     f"{_count_phrase(counts[Status.PENDING], 'còn trong hạn')})")
        elif counts[Status.OVERDUE]:
            head += ", đều đã quá hạn"
        else:
            head += ", vẫn còn trong hạn"
    elif not submitted and not_sent:
        head += " (" + ("đều đã quá hạn" if not counts[Status.PENDING] else
                        "vẫn còn trong hạn" if not counts[Status.OVERDUE] else
                        f"{counts[Status.OVERDUE]} đơn vị đã quá hạn, "
                        f"{counts[Status.PENDING]} đơn vị còn trong hạn") + ")"
    return head + "."


def shortfall(counts: Counter) -> str:
    """"(còn 3 đơn vị gửi muộn, 2 đơn vị quá hạn chưa gửi)": what falls short of the plan. A
    unit still within its deadline is not a shortfall; "" when there is none."""
    parts = [_count_phrase(counts[st], what) for st, what in (
        (Status.LATE, "gửi muộn"), (Status.INCOMPLETE, "gửi còn thiếu nội dung"),
        (Status.OVERDUE, "quá hạn chưa gửi")) if counts[st]]
    return f" (còn {', '.join(parts)})" if parts else ""


def missing_phrase(missing: Sequence[str]) -> str:
    """The rules' lines of what is missing, as a clerk writes them: "còn thiếu kết quả 6 tháng;
    số bài viết dự thi ghi chưa đúng, đề nghị bổ sung". The unit's typed value is never quoted
    (it may be a formula or a sentence); the annex and the "Chi tiết" tab hold the detail."""
    absent, wrong = [], []
    for line in missing:
        if UNREADABLE in line:
            wrong.append(_subject(line.split(f": {UNREADABLE}")[0]))
        else:
            absent.append(_subject(line))
    parts = []
    if absent:
        parts.append("còn thiếu " + ", ".join(absent))
    if wrong:
        parts.append(", ".join(wrong) + " ghi chưa đúng")
    return "; ".join(parts) + ", đề nghị bổ sung" if parts else ""


def _subject(question: str) -> str:
    """"Tỷ lệ so với dự toán (%)" -> "tỷ lệ so với dự toán" mid-sentence."""
    label = split_unit(one_line(question, 120))[0]
    first = label.split(maxsplit=1)[0] if label.split() else ""
    return label if len(first) > 1 and first.isupper() else label[:1].lower() + label[1:]


def unit_names(statuses: Sequence[UnitStatus], status: Status,
               detail: Callable[[UnitStatus], str] | None = None) -> str:
    """"Trường A (muộn 2 ngày); Trường B", or "" when there are none."""
    out = []
    for s in statuses:
        if s.status is status:
            extra = detail(s) if detail else ""
            out.append(f"{s.unit.name} ({extra})" if extra else s.unit.name)
    return "; ".join(out)


def extension_note(s: UnitStatus, tz) -> str:
    """"gia hạn đến hết ngày 20/6/2023 theo đề nghị của nhà trường": the new date and the
    reason as one phrase (a reason that starts with "Gia hạn" does not say it twice)."""
    notes = []
    if s.new_deadline is not None and s.status is not Status.EXEMPT:
        notes.append(f"gia hạn đến {deadline_text(s.new_deadline, tz)}")
    reason = one_line(s.exemption_reason or "", 200)
    if reason:
        words = reason.split(maxsplit=2)
        if notes and simple_key(reason).startswith(simple_key("gia hạn")) and len(words) == 3:
            notes[0] += " " + words[2]
        else:
            notes.append(lower_first(reason) if notes else reason)
    return "; ".join(notes)


def unidentified_names(texts: Sequence[str]) -> str:
    return "; ".join(dict.fromkeys(quoted(t or "(không ghi tên)") for t in texts))

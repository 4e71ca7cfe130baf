"""A new office's control spreadsheet: the three tabs staff keep, column by column.

What ``tonghop init`` lays out, the same on the local workbook and on Google: each header with a
note saying what goes there (staff see it on hover), a dropdown where a column takes fixed words
or a code of another tab, a date check where it takes a date, and one example row marked as such
(its code begins "Ví dụ"; every tab reader skips it). Pure: the writers are ``sync.office``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sync.rules import headers as H
from sync.rules.book import Tab
from sync.rules.models import Campaign, Unit
from sync.rules.text import clean, header_key, simple_key, strip_accents

EXAMPLE = "Ví dụ"  # the code cell of an example row begins with it: "Ví dụ: P01"
YES_NO = ("Có", "Không")
RESUBMISSION = ("Lấy bản mới nhất", "Lấy bản đầu tiên")


def is_example(code: object) -> bool:
    """A row staff were given as an example (its code cell begins "Ví dụ"): never read."""
    return strip_accents(simple_key(code)).startswith("vi du")


def example_code(code: str) -> str:
    return f"{EXAMPLE}: {code}"


@dataclass(frozen=True)
class Column:
    header: str
    note: str  # what goes there, in the staff's words
    choices: tuple[str, ...] = ()  # a dropdown of fixed words
    codes_of: tuple[str, int] | None = None  # a dropdown of another tab's column: (tab, column)
    date: bool = False  # a date (or date and time) is expected: warned otherwise
    width: int = 18  # characters


@dataclass(frozen=True)
class StaffTab:
    title: str
    columns: tuple[Column, ...]
    rows: list[list[object]] = field(default_factory=list)  # below the header
    example: list[object] | None = None  # the example row, when the tab has no row of its own

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def all_rows(self) -> list[list[object]]:
        return [*self.rows, *([self.example] if self.example is not None else [])]


@dataclass(frozen=True)
class NewCampaign:
    code: str
    title: str = ""
    form_url: str = ""
    responses_tab: str = ""  # empty: the form names it (Google)
    deadline: str = ""  # as staff type it: "30/06/2025" or "30/06/2025 17:00"
    unit_question: str = ""
    entry_id: str = ""  # the unit question's entry id in pre-filled links


def roster_columns() -> tuple[Column, ...]:
    return (
        Column(H.UNIT_CODE[0], "Mã đơn vị, duy nhất (ví dụ P01, PNV). Dùng trong 'Đợt thu thập' "
               "và 'Gia hạn - Miễn nộp'. Mã trùng thì dòng sau bị bỏ qua.", width=12),
        Column(H.UNIT_NAME[0], "Tên chính thức của đơn vị, như trong văn bản.", width=40),
        Column(H.UNIT_GROUP[0], "Nhóm đơn vị: Phường, Trường, Phòng ban... Một đợt thu thập có "
               "thể chỉ yêu cầu một số nhóm.", width=16),
        Column(H.UNIT_EMAIL[0], "Địa chỉ thư điện tử nhận nhắc nhở; nhiều địa chỉ cách nhau "
               "bằng dấu ;", width=30),
        Column(H.UNIT_ALIASES[0], "Các tên khác đơn vị hay dùng khi điền biểu mẫu, cách nhau "
               "bằng dấu ; hoặc xuống dòng.", width=30),
        Column(H.UNIT_ACTIVE[0], "Có / Không. Để trống là Có. Đơn vị 'Không' không bị yêu cầu "
               "nộp.", choices=YES_NO, width=14),
    )


def campaign_columns(roster_title: str) -> tuple[Column, ...]:
    return (
        Column(H.CAMPAIGN_CODE[0], "Mã đợt, ngắn và duy nhất (ví dụ NTVT). Là tên cột trong tab "
               "'Trạng thái'.", width=12),
        Column(H.CAMPAIGN_TITLE[0], "Tên đợt thu thập, như trong văn bản.", width=40),
        Column(H.CAMPAIGN_TAB[0], "Tên tab nơi biểu mẫu ghi câu trả lời (ví dụ 'Câu trả lời "
               "biểu mẫu 1'). Có Link biểu mẫu (Google) thì để trống: tonghop tự điền.", width=26),
        Column(H.CAMPAIGN_SPREADSHEET[0], "Để trống nếu câu trả lời nằm trong chính bảng tính "
               "này; nếu không: ID hoặc đường dẫn bảng tính khác (Google), đường dẫn tệp .xlsx "
               "(trên máy).", width=20),
        Column(H.CAMPAIGN_DEADLINE[0], "Hạn nộp: dd/mm/yyyy (hết ngày đó) hoặc dd/mm/yyyy HH:MM. "
               "Để trống là không có hạn.", date=True, width=18),
        Column(H.CAMPAIGN_TARGETS[0], "Nhóm và/hoặc mã đơn vị phải nộp, cách nhau bằng dấu ;. "
               "'Tất cả' hoặc để trống là mọi đơn vị đang hoạt động.", width=22),
        Column(H.CAMPAIGN_REQUIRED[0], "Các câu hỏi không được bỏ trống (đúng tiêu đề cột), mỗi "
               "câu một dòng hoặc cách nhau bằng dấu ;.", width=30),
        Column(H.CAMPAIGN_UNIT_QUESTION[0], "Tiêu đề câu hỏi nơi đơn vị điền hoặc chọn tên đơn "
               "vị (ví dụ 'Tên đơn vị').", width=20),
        Column(H.CAMPAIGN_RESUBMISSION[0], "Đơn vị nộp nhiều lần thì tính bản nào.",
               choices=RESUBMISSION, width=20),
        Column(H.CAMPAIGN_OWNER[0], "Đơn vị chủ trì tổng hợp (hiện trong báo cáo).", width=24),
        Column(H.CAMPAIGN_FORM_URL[0], "Đường dẫn biểu mẫu Google. Đường dẫn chỉnh sửa "
               "(.../edit): tonghop đọc biểu mẫu và tự điền các cột để trống.", width=40),
        Column(H.CAMPAIGN_ENTRY_ID[0], "Mã câu hỏi tên đơn vị trong đường dẫn điền sẵn (entry.123...)"
               "; để trống nếu đã có đường dẫn chỉnh sửa.", width=18),
        Column(H.CAMPAIGN_SYNC_UNITS[0], "Có: danh sách chọn tên đơn vị trong biểu mẫu luôn "
               f"bằng danh sách đơn vị phải nộp trong tab '{roster_title}'.", choices=YES_NO,
               width=14),
        Column(H.CAMPAIGN_REMINDERS[0], "Nhắc trước/sau hạn, ví dụ '-3; -1; +1' (ngày) hoặc "
               "'-12h'. Để trống là không nhắc.", width=16),
        Column(H.CAMPAIGN_FIGURES[0], "Câu hỏi số liệu cần cộng và cách cộng, ví dụ 'Số bài "
               "viết: tổng; Tỷ lệ (%): trung bình'.", width=30),
        Column(H.CAMPAIGN_PERIOD_KIND[0], "Chỉ cho báo cáo định kỳ (một biểu mẫu dùng cho mọi "
               "kỳ): tháng, quý, 6 tháng hoặc năm. Để trống là đợt một lần.",
               choices=("tháng", "quý", "6 tháng", "năm"), width=12),
        Column(H.CAMPAIGN_FIRST_PERIOD[0], "Báo cáo định kỳ: kỳ đầu tiên, ví dụ 'Tháng 1/2025', "
               "'Quý I/2025', '6 tháng đầu năm 2025', 'Năm 2025'.", width=16),
        Column(H.CAMPAIGN_DEADLINE_RULE[0], "Báo cáo định kỳ: hạn nộp mỗi kỳ, ví dụ 'ngày 18 "
               "của tháng cuối kỳ', 'ngày 5 của tháng sau kỳ', '5 ngày sau ngày chốt số liệu'.",
               width=24),
        Column(H.CAMPAIGN_CUTOFF[0], "Báo cáo định kỳ: để trống là theo Nghị định 09/2019/NĐ-CP "
               "(từ ngày 15 tháng trước đến ngày 14); hoặc 'ngày N', 'cuối tháng'.", width=16),
        Column(H.CAMPAIGN_SYNC_PERIODS[0], "Báo cáo định kỳ có đường dẫn chỉnh sửa biểu mẫu: Có là "
               "danh sách chọn 'Kỳ báo cáo' trong biểu mẫu luôn gồm kỳ hiện tại và hai kỳ trước.",
               choices=YES_NO, width=14),
    )


def exemption_columns(roster_title: str, campaigns_title: str) -> tuple[Column, ...]:
    return (
        Column(H.EXEMPT_UNIT[0], f"Mã đơn vị (chọn trong tab '{roster_title}').",
               codes_of=(roster_title, 1), width=14),
        Column(H.EXEMPT_CAMPAIGN[0], f"Mã đợt (chọn trong tab '{campaigns_title}').",
               codes_of=(campaigns_title, 1), width=12),
        Column(H.EXEMPT_DEADLINE[0], "Hạn mới cho đơn vị này: dd/mm/yyyy hoặc dd/mm/yyyy HH:MM.",
               date=True, width=18),
        Column(H.EXEMPT_FLAG[0], "Có: đơn vị không phải nộp đợt này.", choices=YES_NO, width=12),
        Column(H.EXEMPT_REASON[0], "Lý do gia hạn hoặc miễn nộp (hiện trong báo cáo).", width=40),
        Column(H.EXEMPT_PERIOD[0], "Chỉ cho báo cáo định kỳ: kỳ được gia hạn hoặc miễn, ví dụ "
               "'Tháng 6/2025'. Để trống: miễn mọi kỳ (gia hạn thì phải ghi kỳ).", width=16),
    )


def staff_tabs(titles: tuple[str, str, str], units: Sequence[Sequence[object]],
               campaigns: Sequence[NewCampaign]) -> list[StaffTab]:
    """The roster, campaigns and exemptions tabs of a new office. ``units``: rows in the
    roster's column order (code, name, group, email, aliases, active)."""
    roster, campaigns_title, exemptions = titles
    roster_rows = [list(u) for u in units]
    campaign_rows = [_campaign_row(c) for c in campaigns]
    some_code = clean(roster_rows[0][0]) if roster_rows else "P01"
    return [
        StaffTab(roster, roster_columns(), roster_rows,
                 None if roster_rows else [example_code("P01"), "UBND phường Nhân Chính", "Phường",
                                           "p01@example.vn", "P. Nhân Chính", "Có"]),
        StaffTab(campaigns_title, campaign_columns(roster), campaign_rows,
                 None if campaign_rows else [
                     example_code("BC6T"), "Báo cáo sơ kết 6 tháng", "Câu trả lời biểu mẫu 1", "",
                     "30/06/2025", "Tất cả", "Kết quả 6 tháng", "Tên đơn vị", RESUBMISSION[0], "",
                     "", "", "", "-3; -1", ""]),
        StaffTab(exemptions, exemption_columns(roster, campaigns_title), [],
                 [example_code(some_code), campaign_rows[0][0] if campaign_rows else "BC6T",
                  "15/07/2025", "", "Đơn vị đề nghị gia hạn"]),
    ]


def _campaign_row(c: NewCampaign) -> list[object]:
    return [c.code, c.title or c.code, c.responses_tab, "", c.deadline, "Tất cả", "",
            c.unit_question, RESUBMISSION[0], "", c.form_url, c.entry_id, "", "", ""]


def campaign_code(index: int, taken: set[str]) -> str:
    """DOT1, DOT2, ...: a code for a campaign added from its form link alone."""
    n = index
    while f"DOT{n}".casefold() in taken:
        n += 1
    return f"DOT{n}"


def example_rows(tab: Tab | None, code_headers: Sequence[str]) -> list[int]:
    """The rows (1-based) of ``tab`` still holding an example: its code cell begins "Ví dụ"."""
    if tab is None or not tab.values:
        return []
    keys = {header_key(h) for h in code_headers}
    header = tab.values[0]
    col = next((j for j, v in enumerate(header) if header_key(v) in keys), None)
    if col is None:
        return []
    return [r for r, line in enumerate(tab.values[1:], 2) if col < len(line) and is_example(line[col])]


def left_to_do(units: Sequence[Unit], campaigns: Sequence[Campaign], examples: dict[str, list[int]],
               tabs: tuple[str, str]) -> list[str]:
    """What a new office still has to fill before its first real sync, one line each."""
    roster, campaigns_tab = tabs
    out: list[str] = []
    active = [u for u in units if u.active]
    if not active:
        out.append(f"add your units to tab '{roster}' (one row each), or make the office again "
                   "with `tonghop init DIR --roster FILE`")
    no_email = [u for u in active if not u.email]
    if active and no_email:
        out.append(f"{len(no_email)} of {len(active)} units have no e-mail (first: {no_email[0].code}, "
                   f"tab '{roster}', row {no_email[0].row}): their reminders go to the tab only")
    if not campaigns:
        out.append(f"add a campaign: one row per form in tab '{campaigns_tab}'")
    for campaign in campaigns:
        if campaign.deadline is None and campaign.schedule is None:  # a period has its own
            out.append(f"fill a deadline for {campaign.code} (tab '{campaigns_tab}', row "
                       f"{campaign.row}, column '{H.CAMPAIGN_DEADLINE[0]}'): without one it is "
                       "never overdue")
    for title, rows in examples.items():
        for row in rows:
            out.append(f"tab '{title}', row {row} is an example (its code begins '{EXAMPLE}'; "
                       "never read): delete it once the tab has rows of your own")
    return out

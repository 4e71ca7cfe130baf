"""Tab names and column headers: the words staff see in the spreadsheet, in one place.

Columns are always found by header (after NFC, whitespace and case normalisation), never by
letter. Each input header may have several accepted spellings; the first is the canonical one the
tool writes when it creates a tab.
"""

from __future__ import annotations

# --- Tabs staff edit --------------------------------------------------------------------------
ROSTER_TAB = "Đơn vị"
CAMPAIGNS_TAB = "Đợt thu thập"
EXEMPTIONS_TAB = "Gia hạn - Miễn nộp"

# --- Tabs the tool owns -----------------------------------------------------------------------
STATUS_TAB = "Trạng thái"
DETAIL_TAB = "Chi tiết"
LOG_TAB = "Nhật ký đồng bộ"

# --- Roster ("Đơn vị") ------------------------------------------------------------------------
UNIT_CODE = ("Mã đơn vị", "Mã")
UNIT_NAME = ("Tên đơn vị", "Đơn vị")
UNIT_GROUP = ("Nhóm", "Khối")
UNIT_EMAIL = ("Email", "Thư điện tử", "E-mail")
UNIT_ALIASES = ("Tên gọi khác", "Bí danh")
UNIT_ACTIVE = ("Đang hoạt động", "Hoạt động")

# --- Campaigns ("Đợt thu thập") ---------------------------------------------------------------
CAMPAIGN_CODE = ("Mã đợt",)
CAMPAIGN_TITLE = ("Tên đợt", "Nội dung")
CAMPAIGN_TAB = ("Bảng câu trả lời", "Tab câu trả lời")
CAMPAIGN_SPREADSHEET = ("Bảng tính", "ID bảng tính")
CAMPAIGN_DEADLINE = ("Hạn nộp",)
CAMPAIGN_TARGETS = ("Đơn vị phải nộp", "Đối tượng")
CAMPAIGN_REQUIRED = ("Câu hỏi bắt buộc",)
CAMPAIGN_UNIT_QUESTION = ("Câu hỏi tên đơn vị",)
CAMPAIGN_RESUBMISSION = ("Khi nộp nhiều lần", "Nộp lại")
CAMPAIGN_OWNER = ("Đơn vị tổng hợp",)

# --- Exemptions ("Gia hạn - Miễn nộp") --------------------------------------------------------
EXEMPT_UNIT = ("Mã đơn vị", "Đơn vị")
EXEMPT_CAMPAIGN = ("Mã đợt",)
EXEMPT_DEADLINE = ("Hạn mới",)
EXEMPT_FLAG = ("Miễn nộp",)
EXEMPT_REASON = ("Lý do",)

# --- Forms response tabs ----------------------------------------------------------------------
TIMESTAMP = ("Dấu thời gian", "Timestamp")
# Columns the tool owns at the right of each responses tab.
VERDICT_COL = "tonghop: Kết quả"
MATCHED_COL = "tonghop: Đơn vị khớp"

# --- Status tab -------------------------------------------------------------------------------
STATUS_CODE = "Mã đơn vị"
STATUS_NAME = "Tên đơn vị"
STATUS_GROUP = "Nhóm"


def status_col(campaign_code: str) -> str:
    return campaign_code


def submitted_col(campaign_code: str) -> str:
    return f"{campaign_code}: nộp lúc"


# --- Detail tab -------------------------------------------------------------------------------
DETAIL_HEADERS = (
    "Mã đợt",
    "Mã đơn vị",
    "Tên đơn vị",
    "Nhóm",
    "Trạng thái",
    "Hạn nộp",
    "Nộp lúc",
    "Muộn",
    "Còn thiếu",
    "Số lần nộp",
    "Ghi chú",
)

# --- Sync log tab -----------------------------------------------------------------------------
LOG_HEADERS = ("Thời điểm", "Số câu trả lời", "Theo trạng thái", "Thay đổi", "Vấn đề")

# Truthy / falsy words staff type in flag columns.
YES = {"có", "co", "x", "yes", "y", "true", "1", "đúng", "rồi"}
NO = {"không", "khong", "no", "n", "false", "0", "sai"}
ALL_UNITS = {"tất cả", "tat ca", "all", "*"}

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
REPORTS_TAB = "Báo cáo"
REMINDERS_TAB = "Nhắc nhở"
CORRECTIONS_TAB = "Đối chiếu tên đơn vị"  # the tool's rows, staff's column "Mã đơn vị đúng"
FIGURES_TAB = "Số liệu"
BY_PERIOD_TAB = "Theo kỳ"  # repeating campaigns: unit x period

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
# Optional columns the report drafts read (Campaign.extra); empty = the config's [organization].
CAMPAIGN_REPORT_TEMPLATE = ("Mẫu báo cáo",)
CAMPAIGN_SUMMARY_LINE = ("Trích yếu",)
CAMPAIGN_PARENT_BODY = ("Cơ quan chủ quản",)
CAMPAIGN_ISSUING_BODY = ("Cơ quan ban hành",)
CAMPAIGN_SYMBOL = ("Ký hiệu văn bản",)
CAMPAIGN_DOC_NUMBER = ("Số văn bản",)
CAMPAIGN_SIGNER_NAME = ("Người ký",)
CAMPAIGN_SIGNER_TITLE = ("Chức vụ người ký",)
CAMPAIGN_SIGNER_AUTHORITY = ("Thẩm quyền ký",)
CAMPAIGN_RECIPIENTS = ("Nơi nhận",)
CAMPAIGN_PROPOSALS_QUESTION = ("Câu hỏi đề nghị khen thưởng",)
DEFAULT_PROPOSALS_QUESTION = "Danh sách đề nghị khen thưởng"
# The form's responder URL (pre-filled links), or its edit URL / id: tonghop then reads the form.
CAMPAIGN_FORM_URL = ("Link biểu mẫu", "Đường dẫn biểu mẫu")
CAMPAIGN_SYNC_UNITS = ("Đồng bộ danh sách đơn vị",)  # Có: the unit dropdown follows the roster
CAMPAIGN_SYNC_PERIODS = ("Đồng bộ danh sách kỳ báo cáo",)  # Có: the period dropdown follows the calendar
CAMPAIGN_ENTRY_ID = ("Mã câu hỏi đơn vị",)  # entry id of the unit question: 123 or entry.123
CAMPAIGN_RECEIPTS = ("Gửi xác nhận", "Xác nhận đã nhận")  # Có: a receipt e-mail per response
CAMPAIGN_RESPONDENT_EMAIL = ("Câu hỏi email người gửi",)  # receipts also to the address typed there
CAMPAIGN_REMINDERS = ("Nhắc nhở", "Nhắc hạn")  # offsets from the deadline: "-3; -1; +1", "-12h"
# Numeric questions and how each adds up: "Số thu (triệu đồng): tổng; Tỷ lệ (%): trung bình".
CAMPAIGN_FIGURES = ("Số liệu tổng hợp", "Chỉ tiêu tổng hợp")
CAMPAIGN_LEGAL_BASIS = ("Căn cứ",)  # "Kế hoạch số 45/KH-UBND ngày 10/3/2023 của UBND quận"
# Who awards each form of commendation: "Giấy khen: Chủ tịch UBND quận; Bằng khen: ..."
CAMPAIGN_AWARD_ISSUERS = ("Thẩm quyền khen thưởng", "Cấp khen")
# The unit word of each figure in the drafts: "Số bài viết dự thi: bài; Số hộ tham gia: hộ".
CAMPAIGN_FIGURE_UNITS = ("Đơn vị tính",)
# A campaign that repeats (sync/rules/periods.py): its kind of period ("tháng", "quý", "6 tháng",
# "năm"), the first period it collects ("Tháng 1/2025"), the deadline of each period ("ngày 18
# của tháng cuối kỳ") and the data cut-off (empty: Decree 09/2019/NĐ-CP's).
CAMPAIGN_PERIOD_KIND = ("Định kỳ", "Loại kỳ báo cáo")
CAMPAIGN_FIRST_PERIOD = ("Kỳ đầu tiên", "Từ kỳ")
CAMPAIGN_DEADLINE_RULE = ("Hạn nộp mỗi kỳ", "Hạn nộp hằng kỳ")
CAMPAIGN_CUTOFF = ("Chốt số liệu", "Thời gian chốt số liệu")

# --- Exemptions ("Gia hạn - Miễn nộp") --------------------------------------------------------
EXEMPT_UNIT = ("Mã đơn vị", "Đơn vị")
EXEMPT_CAMPAIGN = ("Mã đợt",)
EXEMPT_DEADLINE = ("Hạn mới",)
EXEMPT_FLAG = ("Miễn nộp",)
EXEMPT_REASON = ("Lý do",)
EXEMPT_PERIOD = ("Kỳ báo cáo", "Kỳ")  # a repeating campaign's period; empty: every period

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


def period_col(campaign_code: str) -> str:
    """A repeating campaign's: the period its status column shows."""
    return f"{campaign_code}: kỳ"


def prefill_col(campaign_code: str) -> str:
    return f"{campaign_code}: link điền sẵn"


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

# --- Figures tab ("Số liệu"): one row per expected unit, group subtotals and a total -----------
FIGURES_CODE = "Mã đơn vị"
FIGURES_NAME = "Tên đơn vị"
FIGURES_GROUP = "Nhóm"
FIGURES_NOTE = "Ghi chú"
FIGURES_SUBTOTAL = "Cộng"  # "Cộng Phường"
FIGURES_TOTAL = "TỔNG CỘNG"


def figure_col(campaign_code: str, question: str) -> str:
    return f"{campaign_code}: {question}"


# --- "Theo kỳ" tab: one row per (repeating campaign, unit), one column per period ------------
BY_PERIOD_KEYS = ("Mã đợt", "Mã đơn vị")
BY_PERIOD_NAME = "Tên đơn vị"
BY_PERIOD_GROUP = "Nhóm"

# --- Reports tab: the latest drafts, one row per (campaign, kind) ------------------------------
REPORT_HEADERS = ("Mã đợt", "Loại", "Tệp", "Thời điểm", "Vị trí", "ID tệp Drive", "Mã kiểm tra")

# --- Sync log tab -----------------------------------------------------------------------------
LOG_HEADERS = ("Thời điểm", "Số câu trả lời", "Theo trạng thái", "Thay đổi", "Vấn đề")

# --- The public board (config [board]): a book of its own, these four columns and no other -----
BOARD_UNIT = "Đơn vị"
BOARD_CAMPAIGN = "Đợt"
BOARD_STATUS = "Tình trạng"
BOARD_SENT = "Thời điểm gửi"
BOARD_HEADERS = (BOARD_UNIT, BOARD_CAMPAIGN, BOARD_STATUS, BOARD_SENT)

# --- Reminders tab ("Nhắc nhở"): one row per reminder, mirrored from the ledger -----------------
REMINDER_HEADERS = (
    "Mã đợt",
    "Mã đơn vị",
    "Hạn nộp",
    "Mốc nhắc",
    "Tên đơn vị",
    "Thời điểm nhắc",
    "Tình trạng",
    "Còn thiếu",
    "Link điền sẵn",
    "Email",
    "Gửi email",
)
REMINDER_KEYS = REMINDER_HEADERS[:4]
# Beside them, one row per campaign: the group-chat message (sync/rules/chat.py) to copy.
CHAT_CAMPAIGN = "Đợt (tin nhắn nhóm)"
CHAT_TEXT = "Tin nhắn nhóm (sao chép, dán vào Zalo)"
CHAT_HEADERS = (CHAT_CAMPAIGN, CHAT_TEXT)

# --- Correction tab ("Đối chiếu tên đơn vị"): one row per typed name staff may settle ----------
CORRECTION_NAME = "Tên đơn vị đã nhập"
CORRECTION_CODE = "Mã đơn vị đúng"  # staff's column (a dropdown of the roster's codes)
CORRECTION_STATE = "Tình trạng"
CORRECTION_GUESS = "Đơn vị đoán"
CORRECTION_SCORE = "Điểm"
CORRECTION_COUNT = "Số câu trả lời"
CORRECTION_WHERE = "Đợt: dòng"
CORRECTION_HEADERS = (CORRECTION_NAME, CORRECTION_CODE, CORRECTION_STATE, CORRECTION_GUESS,
                      CORRECTION_SCORE, CORRECTION_COUNT, CORRECTION_WHERE)

# Truthy / falsy words staff type in flag columns.
YES = {"có", "co", "x", "yes", "y", "true", "1", "đúng", "rồi"}
NO = {"không", "khong", "no", "n", "false", "0", "sai"}
ALL_UNITS = {"tất cả", "tat ca", "all", "*"}

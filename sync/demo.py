"""The bundled demo: a workspace modelled on a 2023 district letter asking ~90 units for
articles, reports and commendation proposals under four workstreams.

Everything here is the project's own synthetic data, generated deterministically: the roster,
the campaigns with their deadlines and owners, and Forms-shaped responses that are on time, late,
incomplete, resubmitted, typed without accents, abbreviated, decomposed (NFD), in the old tone
style, and one from a unit that is not on the roster.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
from openpyxl.styles import Font

from sync.backends.local import save_atomically
from sync.demo_periodic import add_campaign as add_periodic_campaign
from sync.rules import headers as H

DEMO_NOW = "2023-06-20T10:00:00+07:00"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")

WARDS = ["Nhân Chính", "Thượng Đình", "Khương Trung", "Khương Mai", "Thanh Xuân Trung",
         "Phương Liệt", "Hạ Đình", "Khương Đình", "Thanh Xuân Bắc", "Thanh Xuân Nam", "Kim Giang"]
PARTY = ["Ban Tổ chức Quận ủy", "Ban Tuyên giáo Quận ủy", "Ban Dân vận Quận ủy",
         "Ủy ban Kiểm tra Quận ủy", "Văn phòng Quận ủy", "Trung tâm Chính trị quận",
         "Đảng ủy Khối Doanh nghiệp quận"]
MASS = ["Ủy ban MTTQ Việt Nam quận", "Hội Liên hiệp Phụ nữ quận", "Đoàn Thanh niên quận",
        "Hội Cựu chiến binh quận", "Hội Nông dân quận", "Liên đoàn Lao động quận"]
DEPARTMENTS = [
    ("PNV", "Phòng Nội vụ"), ("PTCKH", "Phòng Tài chính - Kế hoạch"),
    ("PVHTT", "Phòng Văn hóa và Thông tin"), ("PGDĐT", "Phòng Giáo dục và Đào tạo"),
    ("PTP", "Phòng Tư pháp"), ("PYT", "Phòng Y tế"), ("PKT", "Phòng Kinh tế"),
    ("PQLĐT", "Phòng Quản lý đô thị"), ("PTNMT", "Phòng Tài nguyên và Môi trường"),
    ("PLĐTBXH", "Phòng Lao động - Thương binh và Xã hội"), ("TTQ", "Thanh tra quận"),
    ("VPHĐND", "Văn phòng HĐND và UBND quận"), ("BQLDA", "Ban Quản lý dự án đầu tư xây dựng quận"),
]
KINDERGARTENS = ["Hoa Sen", "Hoa Mai", "Họa Mi", "Sơn Ca", "Tuổi Thơ", "Ánh Sao", "Bình Minh",
                 "Sao Mai", "Hoa Hồng", "Mặt Trời", "Thanh Xuân Bắc", "Thanh Xuân Nam",
                 "Nhân Chính", "Khương Đình", "Kim Giang", "Hạ Đình", "Phương Liệt", "Khương Mai",
                 "Khương Trung", "Thượng Đình"]
PRIMARY = ["Nhân Chính", "Thượng Đình", "Khương Đình", "Kim Giang", "Hạ Đình", "Phương Liệt",
           "Khương Mai", "Khương Trung", "Thanh Xuân Trung", "Thanh Xuân Bắc", "Thanh Xuân Nam",
           "Đặng Trần Côn", "Nguyễn Trãi", "Chu Văn An", "Kim Đồng", "Lê Quý Đôn",
           "Trần Đại Nghĩa", "Hoàng Diệu"]
LOWER_SECONDARY = ["Nhân Chính", "Thượng Đình", "Khương Đình", "Kim Giang", "Hạ Đình",
                   "Phương Liệt", "Khương Mai", "Khương Trung", "Thanh Xuân Trung",
                   "Việt Nam - Angiêri", "Nguyễn Lân", "Chu Văn An", "Thanh Xuân Nam"]

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý"]
# Given names and the middle names that go with them: "Thị" and "Văn" agree with the person.
WOMEN = (["Thị", "Thu", "Ngọc", "Thanh", "Minh"],
         ["Ánh", "Chi", "Hà", "Hằng", "Lan", "Linh", "Mai", "Nga", "Phương", "Thảo", "Thủy",
          "Trang", "Vân", "Yến"])
MEN = (["Văn", "Đức", "Quang", "Hữu", "Minh", "Xuân"],
       ["Bình", "Cường", "Dũng", "Đức", "Hải", "Hòa", "Hùng", "Long", "Nam", "Quân", "Sơn",
        "Thắng", "Tuấn", "Việt"])
GIVEN = sorted(set(WOMEN[1] + MEN[1]))
# Positions that exist in each unit: its head first (one person holds it), then the others.
POSITIONS_BY_KIND = {
    "Phường": ["Chủ tịch UBND phường", "Phó Chủ tịch UBND phường", "Công chức Văn hóa - Xã hội",
               "Tổ trưởng tổ dân phố", "Công chức Tài chính - Kế toán"],
    "Trường": ["Hiệu trưởng", "Phó Hiệu trưởng", "Giáo viên", "Tổ trưởng chuyên môn"],
    "Phòng ban": ["Trưởng phòng", "Phó Trưởng phòng", "Chuyên viên"],
    "Khối Đảng": ["Trưởng ban", "Phó Trưởng ban", "Chuyên viên"],
    "Đoàn thể": ["Chủ tịch", "Phó Chủ tịch", "Cán bộ chuyên trách"],
    "Công an quận": ["Trưởng Công an quận", "Đội trưởng", "Cảnh sát khu vực"],
    "Chi cục Thuế quận": ["Chi cục trưởng", "Đội trưởng Đội thuế", "Kiểm soát viên thuế"],
    "Văn phòng Quận ủy": ["Chánh Văn phòng", "Phó Chánh Văn phòng", "Chuyên viên"],
    "Ủy ban Kiểm tra Quận ủy": ["Chủ nhiệm", "Phó Chủ nhiệm", "Kiểm tra viên"],
    "Trung tâm Chính trị quận": ["Giám đốc", "Phó Giám đốc", "Giảng viên"],
    "Đảng ủy Khối Doanh nghiệp quận": ["Bí thư Đảng ủy", "Phó Bí thư Đảng ủy", "Chuyên viên"],
    "Đoàn Thanh niên quận": ["Bí thư Quận đoàn", "Phó Bí thư Quận đoàn", "Cán bộ chuyên trách"],
    "Thanh tra quận": ["Chánh Thanh tra", "Phó Chánh Thanh tra", "Thanh tra viên"],
    "Văn phòng HĐND và UBND quận": ["Chánh Văn phòng", "Phó Chánh Văn phòng", "Chuyên viên"],
    "Ban Quản lý dự án đầu tư xây dựng quận": ["Giám đốc", "Phó Giám đốc", "Cán bộ kỹ thuật"],
}
POSITIONS = sorted({p for positions in POSITIONS_BY_KIND.values() for p in positions})
# Collectives a unit may propose: a ward its residential groups, a school its teams (by level).
COLLECTIVES = {
    "Phường": lambda rng, _name: f"Tổ dân phố số {rng.randint(1, 30)}",
    "Trường": lambda rng, name: rng.choice(
        ["Tổ chuyên môn Nhà trẻ", "Tổ chuyên môn Mẫu giáo"] if "Mầm non" in name else
        [f"Tổ chuyên môn Khối {k}" for k in range(1, 6)] if "Tiểu học" in name else
        ["Tổ Khoa học Tự nhiên", "Tổ Khoa học Xã hội", "Tổ Ngoại ngữ"]),
    "Công an quận": lambda rng, _name: f"Đội Cảnh sát PCCC và CNCH số {rng.randint(1, 3)}",
    "Chi cục Thuế quận": lambda rng, _name: f"Đội Thuế liên phường số {rng.randint(1, 4)}",
}
# Feats that belong to each campaign.
ACHIEVEMENTS = {
    "NTVT": ["Có bài viết dự thi về gương người tốt, việc tốt đạt chất lượng",
             "Tích cực phát hiện, giới thiệu gương điển hình tiên tiến",
             "Gương mẫu, nhiệt tình giúp đỡ người có hoàn cảnh khó khăn"],
    "KN75": ["Tích cực tổ chức các hoạt động kỷ niệm 75 năm Ngày Chủ tịch Hồ Chí Minh ra Lời kêu "
             "gọi thi đua ái quốc", "Có nhiều sáng kiến trong công tác chuyên môn",
             "Hoàn thành xuất sắc nhiệm vụ được giao 6 tháng đầu năm"],
    "PCCC": ["Tích cực xây dựng, duy trì mô hình Tổ liên gia an toàn PCCC",
             "Phát hiện, kịp thời xử lý sự cố cháy tại khu dân cư",
             "Tích cực vận động nhân dân tham gia phong trào"],
    "NSNN": ["Hoàn thành vượt dự toán thu ngân sách 6 tháng đầu năm",
             "Tích cực phối hợp đôn đốc thu nợ thuế trên địa bàn"],
}
COLLECTIVE_FEAT = "Tập thể tiêu biểu trong phong trào"
# The city's Bằng khen is rare: a few per campaign from a district, the rest Giấy khen.
CITY_AWARDS = 4
CITY_AWARD_CHANCE = 0.05
AWARD_ISSUERS = "Giấy khen: Chủ tịch UBND quận\nBằng khen: Chủ tịch UBND thành phố Hà Nội"


@dataclass(frozen=True)
class DemoCampaign:
    code: str
    title: str
    tab: str
    deadline: str
    targets: str
    required: tuple[str, ...]
    owner: str
    questions: tuple[str, ...]
    figures: str = ""  # column "Số liệu tổng hợp"
    basis: str = ""  # column "Căn cứ": the plan, with its subject
    summary: str = ""  # column "Trích yếu"
    units: str = ""  # column "Đơn vị tính"
    recipients: str = ""  # column "Nơi nhận" (empty: the config's)


# Campaigns consolidated by another body than the config's issue their drafts under its name
# (campaign-row columns; empty = the config's [organization]).
ISSUERS = {
    "PCCC": ("CÔNG AN QUẬN THANH XUÂN", "CAQ", "Trần Văn Bình", "TRƯỞNG CÔNG AN QUẬN"),
    "NSNN": ("CHI CỤC THUẾ QUẬN THANH XUÂN", "CCT", "Lê Thị Chi", "CHI CỤC TRƯỞNG"),
}
# Police and tax are not under the district's People's Committee: their own parent bodies.
PARENTS = {"NTVT": "UBND QUẬN THANH XUÂN", "KN75": "UBND QUẬN THANH XUÂN",
           "PCCC": "CÔNG AN THÀNH PHỐ HÀ NỘI", "NSNN": "CỤC THUẾ THÀNH PHỐ HÀ NỘI"}

COMMON_QUESTIONS = ("Tên đơn vị", "Người đầu mối", "Số điện thoại")
# The school given more time (tab "Gia hạn - Miễn nộp") has not sent yet at the demo's moment.
STILL_WAITING = {"NTVT": ("THCS05",)}
PROPOSALS = "Danh sách đề nghị khen thưởng"
CAMPAIGNS = [
    DemoCampaign(
        "NTVT", "Cuộc thi viết về gương điển hình tiên tiến, người tốt việc tốt năm 2023",
        "Câu trả lời biểu mẫu 1", "10/6/2023", "Tất cả",
        ("Số bài viết dự thi", "Tên các bài viết", PROPOSALS), "Phòng Nội vụ",
        ("Số bài viết dự thi", "Tên các bài viết", "Tệp bài viết (đường dẫn)", PROPOSALS),
        "Số bài viết dự thi: tổng",
        "Kế hoạch số 317/KH-UBND ngày 30/12/2022 của UBND quận Thanh Xuân về công tác thi đua, "
        "khen thưởng năm 2023",
        "Tổng kết Cuộc thi viết về gương điển hình tiên tiến, người tốt, việc tốt năm 2023",
        "Số bài viết dự thi: bài",
    ),
    DemoCampaign(
        "KN75", "Kỷ niệm 75 năm Ngày Chủ tịch Hồ Chí Minh ra Lời kêu gọi thi đua ái quốc",
        "Câu trả lời biểu mẫu 2", "15/6/2023 17:00", "Tất cả",
        ("Các hoạt động đã tổ chức",), "Phòng Nội vụ; Ban Quản lý dự án đầu tư xây dựng quận",
        ("Các hoạt động đã tổ chức", "Số công trình gắn biển", PROPOSALS),
        "Số công trình gắn biển: tổng",
        "Kế hoạch số 105/KH-UBND ngày 03/4/2023 của UBND quận Thanh Xuân về tổ chức các hoạt "
        "động kỷ niệm 75 năm Ngày Chủ tịch Hồ Chí Minh ra Lời kêu gọi thi đua ái quốc",
        "Kết quả tổ chức các hoạt động kỷ niệm 75 năm Ngày Chủ tịch Hồ Chí Minh ra “Lời kêu gọi "
        "thi đua ái quốc” (11/6/1948 - 11/6/2023)",
        "Số công trình gắn biển: công trình",
    ),
    DemoCampaign(
        "PCCC", "Sơ kết 6 tháng mô hình Tổ liên gia an toàn phòng cháy, chữa cháy năm 2023",
        "Câu trả lời biểu mẫu 3", "30/6/2023", "Phường",
        ("Số Tổ liên gia an toàn PCCC", "Kết quả 6 tháng"), "Công an quận",
        ("Số Tổ liên gia an toàn PCCC", "Số hộ tham gia", "Kết quả 6 tháng", PROPOSALS),
        "Số Tổ liên gia an toàn PCCC: tổng; Số hộ tham gia: tổng",
        "Kế hoạch số 87/KH-UBND ngày 10/3/2023 của UBND quận Thanh Xuân về xây dựng mô hình "
        "“Tổ liên gia an toàn PCCC” trên địa bàn quận năm 2023",
        "Sơ kết 6 tháng đầu năm 2023 phong trào thi đua xây dựng mô hình “Tổ liên gia an toàn "
        "PCCC” trên địa bàn quận Thanh Xuân",
        "Số Tổ liên gia an toàn PCCC: tổ; Số hộ tham gia: hộ",
        "Công an thành phố Hà Nội (để báo cáo)\nUBND quận Thanh Xuân (để báo cáo)\n"
        "Phòng Nội vụ quận (để phối hợp)",
    ),
    DemoCampaign(
        "NSNN", "Sơ kết 6 tháng phong trào thi đua hoàn thành xuất sắc nhiệm vụ thu ngân sách",
        "Câu trả lời biểu mẫu 4", "30/6/2023", "Phường",
        ("Số thu 6 tháng (triệu đồng)", "Kết quả nổi bật"), "Chi cục Thuế quận",
        ("Số thu 6 tháng (triệu đồng)", "Tỷ lệ so với dự toán (%)", "Kết quả nổi bật", PROPOSALS),
        "Số thu 6 tháng (triệu đồng): tổng; "
        "Tỷ lệ so với dự toán (%): tỷ lệ trên tổng Số thu 6 tháng (triệu đồng)",
        "Kế hoạch số 107/KH-UBND ngày 04/4/2023 của UBND quận Thanh Xuân về phong trào thi đua "
        "“Hoàn thành xuất sắc nhiệm vụ thu ngân sách nhà nước quận Thanh Xuân năm 2023”",
        "Sơ kết 6 tháng đầu năm 2023 phong trào thi đua “Hoàn thành xuất sắc nhiệm vụ thu ngân "
        "sách nhà nước quận Thanh Xuân năm 2023”",
        "",
        "Cục Thuế thành phố Hà Nội (để báo cáo)\nUBND quận Thanh Xuân (để báo cáo)\n"
        "Phòng Nội vụ quận (để phối hợp)",
    ),
]


def roster() -> list[tuple[str, str, str, str, str]]:
    """(code, name, group, email, aliases)."""
    units = []

    def add(code, name, group, aliases=""):
        units.append((code, name, group, f"{code.lower()}@thanhxuan.example.vn", aliases))

    for i, name in enumerate(PARTY, 1):
        add(f"DG{i:02d}", name, "Khối Đảng")
    for i, name in enumerate(MASS, 1):
        add(f"DT{i:02d}", name, "Đoàn thể", "MTTQ quận" if i == 1 else "")
    add("CAQ", "Công an quận", "Ngành dọc", "Công an quận Thanh Xuân")
    add("CCT", "Chi cục Thuế quận", "Ngành dọc", "Chi cục Thuế quận Thanh Xuân")
    for code, name in DEPARTMENTS:
        add(code, name, "Phòng ban")
    for i, ward in enumerate(WARDS, 1):
        add(f"P{i:02d}", f"UBND phường {ward}", "Phường")
    for i, name in enumerate(KINDERGARTENS, 1):
        add(f"MN{i:02d}", f"Trường Mầm non {name}", "Trường")
    for i, name in enumerate(PRIMARY, 1):
        add(f"TH{i:02d}", f"Trường Tiểu học {name}", "Trường")
    for i, name in enumerate(LOWER_SECONDARY, 1):
        add(f"THCS{i:02d}", f"Trường THCS {name}", "Trường")
    return units


def _typed_name(rng: random.Random, name: str, group: str) -> str:
    """How a unit's clerk types its name on the form."""
    from sync.rules.text import strip_accents

    roll = rng.random()
    if roll < 0.08:
        return strip_accents(name)
    if roll < 0.14:
        return unicodedata.normalize("NFD", name)
    if roll < 0.20 and group == "Phường":
        return name.replace("UBND phường", "P.")
    if roll < 0.26 and group == "Trường":
        return (name.replace("Trường ", "").replace("Mầm non", "MN").replace("Tiểu học", "TH"))
    if roll < 0.30:
        return name.replace("hòa", "hoà").replace("Ủy", "Uỷ").upper()
    return name


def _person(rng: random.Random) -> str:
    middle, given = WOMEN if rng.random() < 0.5 else MEN
    return f"{rng.choice(FAMILY)} {rng.choice(middle)} {rng.choice(given)}"


def _kind(unit_name: str, group: str) -> str:
    return unit_name if unit_name in POSITIONS_BY_KIND else group


def _proposals(rng: random.Random, unit_name: str, group: str = "", code: str = "",
               awards: list[int] | None = None) -> str:
    """A unit's proposals: one to three people in positions its unit has (its head at most
    once), now and then one of its collectives; Giấy khen, and a rare city Bằng khen while
    ``awards`` (the campaign's count so far) is below :data:`CITY_AWARDS`."""
    kind = _kind(unit_name, group)
    positions = POSITIONS_BY_KIND.get(kind, ["Cán bộ"])
    feats = ACHIEVEMENTS.get(code, ACHIEVEMENTS["NTVT"])
    lines = []
    head_taken = False
    for _ in range(rng.randint(1, 3)):
        position = rng.choice(positions)
        if position == positions[0] and len(positions) > 1:
            position = positions[-1] if head_taken else position
            head_taken = True
        form = "Giấy khen"
        if awards is not None and awards[0] < CITY_AWARDS and rng.random() < CITY_AWARD_CHANCE:
            form = "Bằng khen"
            awards[0] += 1
        lines.append(" | ".join(["Cá nhân", _person(rng), position, form, rng.choice(feats)]))
    if kind in COLLECTIVES and rng.random() < 0.3:
        lines.append(" | ".join(["Tập thể", COLLECTIVES[kind](rng, unit_name), "",
                                 "Giấy khen", COLLECTIVE_FEAT]))
    return "\n".join(lines)


def _typed_number(rng: random.Random, value: float, decimals: int = 0) -> object:
    """A number as clerks enter it: a number cell, or text the Vietnamese way."""
    from sync.rules.numbers import vn_number

    roll = rng.random()
    if roll < 0.5:
        return int(value) if decimals == 0 else value
    return vn_number(value, decimals)


def _figure(rng: random.Random, question: str, unit_name: str, group: str) -> object | None:
    """Figures of a plausible size for the kind of unit; None: not a figure question."""
    if question == "Số bài viết dự thi":
        return rng.randint(2, 6) if group == "Phường" else rng.randint(1, 4)
    if question == "Số công trình gắn biển":
        if "Ban Quản lý dự án" in unit_name:
            return rng.randint(3, 6)
        return rng.randint(0, 2) if group == "Phường" else 0
    if question == "Số Tổ liên gia an toàn PCCC":
        return rng.randint(25, 70)
    if question == "Số hộ tham gia":  # 10-15 neighbouring households a group
        return None
    if question == "Số thu 6 tháng (triệu đồng)":
        value = round(rng.uniform(6_000, 45_000), 1)
        if rng.random() < 0.12:
            return f"{value / 1000:.2f}".replace(".", ",") + " tỷ"  # "12,35 tỷ" = 12.350 triệu
        return _typed_number(rng, value, 1)
    if question == "Tỷ lệ so với dự toán (%)":
        value = round(rng.uniform(48, 72), 1)
        typed = _typed_number(rng, value, 1)
        return f"{typed}%" if isinstance(typed, str) else typed
    return None


def _answers(rng: random.Random, campaign: DemoCampaign, unit_name: str, group: str = "",
             awards: list[int] | None = None) -> list[object]:
    """A unit's answers to every question of the campaign; households follow the number of
    fire-safety groups (10-15 neighbouring households a group)."""
    answers = [_answer(rng, campaign, q, unit_name, group, awards) for q in campaign.questions]
    if "Số hộ tham gia" in campaign.questions:
        groups = answers[campaign.questions.index("Số Tổ liên gia an toàn PCCC")]
        answers[campaign.questions.index("Số hộ tham gia")] = (
            int(groups) * rng.randint(10, 15) if isinstance(groups, int | float) else "")
    return answers


def _answer(rng: random.Random, campaign: DemoCampaign, question: str, unit_name: str,
            group: str = "", awards: list[int] | None = None) -> object:
    if question == PROPOSALS:
        return _proposals(rng, unit_name, group, campaign.code, awards)
    figure = _figure(rng, question, unit_name, group)
    if figure is not None:
        return figure
    if question == "Tên các bài viết":
        return f"Người tốt quanh ta; Tấm gương {rng.choice(GIVEN)}"
    if question.startswith("Tệp"):
        return f"https://drive.example.vn/file/{rng.randint(1000, 9999)}"
    return f"{question} của {unit_name}: đã thực hiện theo kế hoạch."


def responses_for(
    campaign: DemoCampaign, units: list[tuple], rng: random.Random
) -> list[list[object]]:
    """Rows of a Forms responses tab (header first). Every stamp is before the demo's moment
    (figures are taken "as of" it); the consolidating unit always submits on time."""
    now = datetime.fromisoformat(DEMO_NOW).replace(tzinfo=None) - timedelta(hours=2)
    deadline_day = datetime.strptime(campaign.deadline.split()[0], "%d/%m/%Y")
    header = [H.TIMESTAMP[0], "Địa chỉ email", *COMMON_QUESTIONS, *campaign.questions]
    rows: list[list[object]] = [header]
    targets = {t.strip() for t in campaign.targets.split(";")}
    owners = {o.strip() for o in campaign.owner.split(";")}
    expected = [u for u in units if "Tất cả" in targets or u[2] in targets or u[0] in targets]
    future = deadline_day > now
    unreadable = campaign.code == "NSNN"  # one figure typed as words: flagged, never read as 0
    awards = [0]  # the city's Bằng khen proposed so far
    for code, name, group, email, _ in expected:
        roll = rng.random()
        owner = name in owners
        if (roll < (0.45 if future else 0.15) and not owner) or code in STILL_WAITING.get(
                campaign.code, ()):
            continue  # not submitted
        if future:
            when = datetime(2023, 6, 1) + timedelta(minutes=rng.randint(0, 18 * 24 * 60))
        elif roll < 0.80 or owner:
            when = deadline_day - timedelta(days=rng.randint(0, 9), minutes=rng.randint(0, 600))
        else:
            when = deadline_day + timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 20))
        when = min(when, now - timedelta(hours=3))  # room for a resubmission before now
        answers = _answers(rng, campaign, name, group, awards)
        if unreadable and group == "Phường":
            answers[campaign.questions.index("Tỷ lệ so với dự toán (%)")] = "đang tổng hợp"
            unreadable = False
        elif rng.random() < 0.12 and not owner:  # a required answer left empty ...
            answers[campaign.questions.index(campaign.required[0])] = ""
            if rng.random() < 0.6:  # ... and a complete resubmission later
                fixed = _answers(rng, campaign, name, group, awards)
                rows.append(_row(when, email, _typed_name(rng, name, group), answers, rng))
                when = min(when + timedelta(hours=rng.randint(2, 30)), now)
                answers = fixed
        rows.append(_row(min(when, now), email, _typed_name(rng, name, group), answers, rng))
    # A unit that is not on the roster, and a hostile answer: kept, flagged, never executed.
    rows.append(_row(min(deadline_day - timedelta(days=2), now - timedelta(days=1)),
                     "abc@example.com", "Trường Quốc tế ABC",
                     _answers(rng, campaign, "ABC", "Trường"), rng))
    if campaign.code == "NTVT":  # a letter dropped: a guess, counted once staff confirm it
        rows.append(_row(deadline_day - timedelta(days=1), "", "Trường Tiểu học Kim Gang",
                         _answers(rng, campaign, "Trường Tiểu học Kim Giang", "Trường"), rng))
        rows[1][5] = '=HYPERLINK("http://example.com/x", "Bấm vào đây")'
    body = rows[1:]
    rng.shuffle(body)  # staff sort the tab; order must not matter
    body.sort(key=lambda r: r[0] if isinstance(r[0], datetime)
              else datetime.strptime(r[0], "%d/%m/%Y %H:%M:%S"))
    return [header, *body]


def _row(when: datetime, email: str, typed: str, answers: list, rng: random.Random) -> list:
    stamp: object = when.replace(microsecond=0)
    if rng.random() < 0.2:  # a row pasted by hand: text in the vi_VN display format
        stamp = f"{when.day:02d}/{when.month:02d}/{when.year} {when.hour}:{when.minute:02d}:{when.second:02d}"
    return [stamp, email, typed, _person(rng), f"09{rng.randint(10000000, 99999999)}", *answers]


CONFIG_TEMPLATE = """\
# tonghop demo workspace (generated by `tonghop demo`)
timezone = "Asia/Ho_Chi_Minh"
date_order = "dmy"
output_dir = "out"
data_dir = "data"

[backend]
kind = "local"
workbook = "tonghop.xlsx"

[organization]
parent_body = "UBND QUẬN THANH XUÂN"
issuing_body = "PHÒNG NỘI VỤ"
issuing_body_name = "Phòng Nội vụ"
place = "Thanh Xuân"
symbol = "NV"
signer_name = "Nguyễn Văn A"
signer_title = "TRƯỞNG PHÒNG"
recipients = ["UBND quận (để báo cáo)", "Hội đồng Thi đua - Khen thưởng quận"]
"""


def build_workbook(path: Path, seed: int = 2023, periodic: bool = False) -> None:
    """The demo's workbook; ``periodic`` adds the repeating campaign (sync/demo_periodic.py),
    off by default until every part of issue 22 handles it (see docs/periods.md)."""
    rng = random.Random(seed)
    units = roster()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = H.ROSTER_TAB
    ws.append([H.UNIT_CODE[0], H.UNIT_NAME[0], H.UNIT_GROUP[0], H.UNIT_EMAIL[0],
               H.UNIT_ALIASES[0], H.UNIT_ACTIVE[0]])
    for code, name, group, email, aliases in units:
        ws.append([code, name, group, email, aliases, "Có"])
    ws.append(["MN99", "Trường Mầm non Tạm ngừng", "Trường", "", "", "Không"])

    ws = wb.create_sheet(H.CAMPAIGNS_TAB)
    ws.append([H.CAMPAIGN_CODE[0], H.CAMPAIGN_TITLE[0], H.CAMPAIGN_TAB[0], H.CAMPAIGN_SPREADSHEET[0],
               H.CAMPAIGN_DEADLINE[0], H.CAMPAIGN_TARGETS[0], H.CAMPAIGN_REQUIRED[0],
               H.CAMPAIGN_UNIT_QUESTION[0], H.CAMPAIGN_RESUBMISSION[0], H.CAMPAIGN_OWNER[0],
               H.CAMPAIGN_FORM_URL[0], H.CAMPAIGN_ENTRY_ID[0], H.CAMPAIGN_REMINDERS[0],
               H.CAMPAIGN_ISSUING_BODY[0], H.CAMPAIGN_SYMBOL[0], H.CAMPAIGN_SIGNER_NAME[0],
               H.CAMPAIGN_SIGNER_TITLE[0], H.CAMPAIGN_FIGURES[0], H.CAMPAIGN_PARENT_BODY[0],
               H.CAMPAIGN_LEGAL_BASIS[0], H.CAMPAIGN_AWARD_ISSUERS[0], H.CAMPAIGN_SUMMARY_LINE[0],
               H.CAMPAIGN_FIGURE_UNITS[0], H.CAMPAIGN_RECIPIENTS[0]])
    for i, c in enumerate(CAMPAIGNS):
        # A made-up responder URL and entry id, shaped like a real form's pre-filled link.
        form = f"https://docs.google.com/forms/d/e/1FAIpQLSdemo{c.code}tonghop2023/viewform"
        ws.append([c.code, c.title, c.tab, "", c.deadline, c.targets, "\n".join(c.required),
                   "Tên đơn vị", "Lấy bản mới nhất", c.owner, form, f"entry.{1902845631 + i}",
                   "-3; -1; +1", *ISSUERS.get(c.code, ("", "", "", "")), c.figures,
                   PARENTS.get(c.code, ""), c.basis, AWARD_ISSUERS, c.summary, c.units,
                   c.recipients])

    ws = wb.create_sheet(H.EXEMPTIONS_TAB)
    ws.append([H.EXEMPT_UNIT[0], H.EXEMPT_CAMPAIGN[0], H.EXEMPT_DEADLINE[0], H.EXEMPT_FLAG[0],
               H.EXEMPT_REASON[0]])
    ws.append(["MN10", "NTVT", "", "Có", "Trường đang sửa chữa, tạm dừng hoạt động"])
    ws.append(["THCS05", "NTVT", "20/6/2023", "", "Gia hạn theo đề nghị của nhà trường"])

    for campaign in CAMPAIGNS:
        ws = wb.create_sheet(campaign.tab)
        for row in responses_for(campaign, units, rng):
            ws.append(row)
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # what Forms stores: the text typed, not a formula
        for cell in ws["A"][1:]:
            if isinstance(cell.value, datetime):
                cell.number_format = "dd/mm/yyyy h:mm:ss"
    if periodic:  # its own seed: the campaigns above keep their data
        add_periodic_campaign(wb, units, datetime.fromisoformat(DEMO_NOW), TZ, seed + 22)
    for sheet in wb.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    save_atomically(wb, path)


def build_workspace(directory: Path, force: bool = False, periodic: bool = False) -> Path:
    """Write config.toml and tonghop.xlsx into ``directory``; return the config path.

    An existing workspace is kept (its workbook may hold staff's edits) unless ``force``.
    ``periodic``: with the repeating campaign (:func:`build_workbook`).
    """
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "config.toml"
    workbook = directory / "tonghop.xlsx"
    if force or not workbook.exists():
        build_workbook(workbook, periodic=periodic)
    if force or not config.exists():
        config.write_text(CONFIG_TEMPLATE, encoding="utf-8")
    return config

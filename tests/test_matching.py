import unicodedata

import pytest

from sync.rules.matching import Matcher
from sync.rules.models import MatchKind, Unit

UNITS = [
    Unit("P03", "UBND phường Khương Trung", "Phường"),
    Unit("P10", "UBND phường Thanh Xuân Bắc", "Phường"),
    Unit("TH08", "Trường Tiểu học Khương Trung", "Trường"),
    Unit("THCS08", "Trường THCS Khương Trung", "Trường"),
    Unit("MN19", "Trường Mầm non Khương Trung", "Trường"),
    Unit("DT01", "Ủy ban MTTQ Việt Nam quận", "Đoàn thể", aliases=("Mặt trận quận",)),
    Unit("PVHTT", "Phòng Văn hóa và Thông tin", "Phòng ban"),
    Unit("CAQ", "Công an quận", "Ngành dọc"),
    Unit("MN01", "Trường Mầm non Mai", "Trường"),
    Unit("MN02", "Trường Mầm non Mãi", "Trường"),
]


@pytest.fixture(scope="module")
def matcher():
    return Matcher(UNITS)


@pytest.mark.parametrize("typed, code", [
    ("UBND phường Khương Trung", "P03"),
    ("ubnd PHƯỜNG khương trung", "P03"),
    ("P. Khương Trung", "P03"),
    ("Phường Khương Trung", "P03"),
    ("Ủy ban nhân dân phường Khương Trung", "P03"),
    (unicodedata.normalize("NFD", "UBND phường Thanh Xuân Bắc"), "P10"),
    ("UBND phuong Thanh Xuan Bac", "P10"),
    ("TH Khương Trung", "TH08"),
    ("Tiểu học Khương Trung", "TH08"),
    ("THCS Khương Trung", "THCS08"),
    ("Trường Trung học cơ sở Khương Trung", "THCS08"),
    ("MN Khương Trung", "MN19"),
    ("Uỷ ban MTTQ Việt Nam quận", "DT01"),        # old tone style
    ("UB Mặt trận Tổ quốc Việt Nam quận", "DT01"),
    ("Mặt trận quận", "DT01"),                     # alias
    ("Phòng Văn hoá và Thông tin", "PVHTT"),      # old tone style
    ("phong van hoa va thong tin", "PVHTT"),
    ("CAQ", "CAQ"),                                # the code itself
    ("  Công an quận. ", "CAQ"),
])
def test_exact_matches(matcher, typed, code):
    match = matcher.match(typed)
    assert match.kind is MatchKind.EXACT, typed
    assert match.unit.code == code


def test_a_typo_is_a_guess_to_confirm(matcher):
    match = matcher.match("Trường Tiểu học Khương Trungg")
    assert match.kind is MatchKind.FUZZY and match.unit.code == "TH08"
    assert 85 <= match.score < 100


def test_unknown_units_are_not_guessed(matcher):
    assert matcher.match("Trường Quốc tế ABC").kind is MatchKind.NONE
    assert matcher.match("").kind is MatchKind.NONE


def test_accent_free_fallback_refuses_ambiguity(matcher):
    # "Mai" and "Mãi" collide without accents: exact with accents, nothing without
    assert matcher.match("Mầm non Mãi").unit.code == "MN02"
    assert matcher.match("Mam non Mai").kind is not MatchKind.EXACT


def test_ambiguous_generic_name_is_not_matched(matcher):
    # "Khương Trung" alone could be the ward or any of three schools
    assert matcher.match("Khương Trung").kind is MatchKind.NONE

import unicodedata

import pytest

from sync.rules.matching import Matcher, typed_key
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
    match = matcher.match("Khương Trung")
    assert match.kind is MatchKind.AMBIGUOUS and match.unit is None
    assert [u.code for u in match.candidates] == ["MN19", "P03", "TH08", "THCS08"]


# --- optional words, in both directions ---------------------------------------------------------
PLACES = [
    Unit("PKT", "UBND phường Khương Trung", "Phường"),
    Unit("XDT", "Xã Đông Tiến", "Xã"),
    Unit("TTVD", "UBND thị trấn Văn Điển", "Thị trấn"),
    Unit("QHK", "Quận Hoàn Kiếm", "Quận"),
    Unit("HSS", "UBND huyện Sóc Sơn", "Huyện"),
    Unit("TXST", "Thị xã Sơn Tây", "Thị xã"),
    Unit("TBN", "Tỉnh Bắc Ninh", "Tỉnh"),
    Unit("TPHD", "Thành phố Hải Dương", "Thành phố"),
    Unit("TRLQD", "Trường Lê Quý Đôn", "Trường"),
    Unit("PTCKH", "Phòng Tài chính - Kế hoạch", "Phòng ban"),
    Unit("BTG", "Ban Tuyên giáo", "Ban"),
    Unit("HND", "Hội Nông dân", "Hội"),
    Unit("TTYT", "Trung tâm Y tế", "Trung tâm"),
    Unit("VTL", "Văn Thủy Lợi", "Khác"),  # no optional word at all
]


@pytest.fixture(scope="module")
def places():
    return Matcher(PLACES)


@pytest.mark.parametrize("word", [
    "phường", "xã", "thị trấn", "quận", "huyện", "thị xã", "tỉnh", "thành phố",
    "UBND", "Trường", "Phòng", "Ban", "Hội", "Trung tâm",
])
def test_every_optional_word_may_be_added_in_front(places, word):
    # the roster name with one more optional word, and the roster's own words left out
    for typed, code in ((f"{word} Khương Trung", "PKT"), (f"{word} Văn Thủy Lợi", "VTL")):
        match = places.match(typed)
        assert match.kind is MatchKind.EXACT and match.unit.code == code, typed


@pytest.mark.parametrize("typed, code", [
    ("Khương Trung", "PKT"), ("Đông Tiến", "XDT"), ("Văn Điển", "TTVD"), ("Hoàn Kiếm", "QHK"),
    ("Sóc Sơn", "HSS"), ("Sơn Tây", "TXST"), ("Bắc Ninh", "TBN"), ("Hải Dương", "TPHD"),
    ("Lê Quý Đôn", "TRLQD"), ("Tài chính - Kế hoạch", "PTCKH"), ("Tuyên giáo", "BTG"),
    ("Nông dân", "HND"), ("Y tế", "TTYT"),
    ("UBND xã Đông Tiến", "XDT"), ("Thị trấn Văn Điển", "TTVD"), ("UBND quận Hoàn Kiếm", "QHK"),
    ("Huyện Sóc Sơn", "HSS"), ("TX Sơn Tây", "TXST"),
    ("UBND tỉnh Bắc Ninh", "TBN"), ("TP Hải Dương", "TPHD"), ("TT Y tế", "TTYT"),
    ("dong tien", "XDT"), ("xa dong tien", "XDT"), ("thi tran van dien", "TTVD"),
    ("TT Văn Điển", "TTVD"),  # TT reads "trung tâm", but both are optional in front
])
def test_every_optional_word_may_be_left_out_or_abbreviated(places, typed, code):
    match = places.match(typed)
    assert match.kind is MatchKind.EXACT and match.unit.code == code, typed


def test_invisible_characters_do_not_count(places):
    assert places.match("Khương\u200c Trung\u00ad").unit.code == "PKT"
    assert places.match("\u2060Đông Tiến").unit.code == "XDT"


# --- campaign-scoped disambiguation -------------------------------------------------------------
def test_a_bare_place_name_is_unique_among_the_units_a_campaign_expects(matcher):
    wards = [u.code for u in UNITS if u.group == "Phường"]
    match = matcher.match("Khương Trung", expected=wards)
    assert match.kind is MatchKind.EXACT and match.unit.code == "P03"
    # the same text, in a campaign for schools, names none of them exactly: left for staff
    schools = [u.code for u in UNITS if u.group == "Trường"]
    match = matcher.match("Khương Trung", expected=schools)
    assert match.kind is MatchKind.AMBIGUOUS
    assert {"TH08", "THCS08", "MN19"} <= {u.code for u in match.candidates}


def test_a_name_outside_the_campaign_still_matches_the_roster(matcher):
    # an exact name of a unit the campaign does not expect: matched (and reported as not expected)
    match = matcher.match("Công an quận", expected=["P03", "P10"])
    assert match.kind is MatchKind.EXACT and match.unit.code == "CAQ"


def test_an_expected_unit_wins_over_an_identical_name_elsewhere():
    units = [Unit("A1", "Trường Tiểu học Kim Đồng", "Trường"),
             Unit("B1", "Phòng Kim Đồng", "Phòng ban")]
    m = Matcher(units)
    assert m.match("Kim Đồng").kind is MatchKind.AMBIGUOUS
    assert m.match("Kim Đồng", expected=["B1"]).unit.code == "B1"


def test_two_units_with_one_name_stay_ambiguous_even_in_scope():
    units = [Unit("A", "UBND xã Tân Lập", "Xã"), Unit("B", "UBND xã Tân Lập ", "Xã", row=3)]
    match = Matcher(units).match("Tân Lập", expected=["A", "B"])
    assert match.kind is MatchKind.AMBIGUOUS and match.unit is None


def test_a_word_inside_a_name_is_not_optional(places):
    # "Hội" is optional in front, not inside: "Nông dân" alone is the Hội, but "Hội" alone is nothing
    assert places.match("Hội").kind is MatchKind.NONE
    assert places.match("Phường").kind is MatchKind.NONE


def test_a_settled_name_wins_over_every_rule():
    m = Matcher(UNITS, settled={typed_key("khuong trung!"): "TH08", typed_key("Trường X"): "NOPE"})
    match = m.match("Khuong Trung")
    assert match.kind is MatchKind.SETTLED and match.unit.code == "TH08"
    assert m.match("Trường X").kind is MatchKind.NONE  # unknown code: ignored here


def test_no_optional_word_begins_another():
    """_strip_prefixes strips the first of its (longest-first) prefixes that fits and starts
    again; that is the order-free rule only while no prefix begins another one."""
    from sync.rules import matching

    for prefixes in (matching._ORG, matching._ORG_PLAIN, matching._ALL, matching._ALL_PLAIN):
        assert not [(a, b) for a in prefixes for b in prefixes if a != b and b.startswith(a)]
    assert matching.bare_key("UBND phường Khương Trung") == "khương trung"
    assert matching.bare_key("Phường") == matching.full_key("Phường")  # never stripped to nothing


def test_a_process_keeps_one_matcher_per_roster_and_makes_a_new_one_when_it_changes():
    from sync.rules import matching
    from sync.rules.matching import KEPT_MATCHERS, matcher_for

    def roster(name_of_p01="UBND phường Khương Trung", row=2):
        return [Unit("P01", name_of_p01, "Phường", row=row), Unit("P02", "UBND phường Hạ Đình", "Phường")]

    first = matcher_for(roster())
    assert first.match("khuong trung").unit.code == "P01"
    again = matcher_for(roster())  # the next cycle reads the same roster: equal, not the same objects
    assert again is first and ("khuong trung", None) in again._cache  # its answers are kept
    renamed = matcher_for(roster("UBND phường Kim Giang"))
    assert renamed is not first
    assert renamed.match("khuong trung").kind is MatchKind.NONE
    assert renamed.match("Kim Giang").unit.code == "P01"
    assert matcher_for(roster(row=3)) is not first  # a moved row is another roster too
    assert matcher_for(roster(), settled={typed_key("Khương Trung"): "P02"}) is not first
    assert matcher_for(roster(), threshold=90.0) is not first
    for i in range(KEPT_MATCHERS + 1):  # a process keeps a few rosters, the latest used
        matcher_for(roster(f"Phường số {i}"))
    assert len(matching._kept) == KEPT_MATCHERS and matcher_for(roster()) is not first


def test_a_kept_matcher_remembers_a_bounded_number_of_answers(monkeypatch):
    from sync.rules import matching

    monkeypatch.setattr(matching, "ANSWERS_KEPT", 3)
    matcher = Matcher([Unit("P01", "UBND phường Khương Trung", "Phường")])
    for typed in ("a", "b", "c", "d", "Khương Trung"):
        matcher.match(typed)
        assert len(matcher._cache) <= 3
    assert matcher.match("Khương Trung").unit.code == "P01"

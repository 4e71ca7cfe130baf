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


def test_what_typing_does_to_a_syllable_is_forgiven(matcher):
    for typed in ("Trường Tiểu học Khương Trungg", "Truong Tieu hoc Khuwowng Trung",
                  "Trường Tiểu học Khu7o7ng Trung", "Truòng Tiểu học Khương Trung",
                  "TRƯỜNG TIỂU HỌC KHƯƠNG TRUNG", "Trường Tiểu học Ｋhương Trung"):
        match = matcher.match(typed)
        assert match.kind is MatchKind.EXACT and match.unit.code == "TH08", typed


def test_a_dropped_letter_is_a_guess_that_credits_no_unit(matcher):
    from sync.rules.matching import CREDITING

    match = matcher.match("Trường Tiểu học Khương Trng")
    assert match.kind is MatchKind.FUZZY and match.unit.code == "TH08"
    assert 85 <= match.score < 100 and match.kind not in CREDITING


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


@pytest.mark.parametrize("word", ["UBND", "Trường", "Phòng", "Ban", "Hội", "Trung tâm"])
def test_every_organisation_word_may_be_added_in_front(places, word):
    match = places.match(f"{word} Văn Thủy Lợi")
    assert match.kind is MatchKind.EXACT and match.unit.code == "VTL"


def test_an_organisation_word_before_a_bare_place_is_another_body(places):
    assert places.match("UBND Khương Trung").unit.code == "PKT"  # the ward's People's Committee
    for word in ("Trường", "Phòng", "Ban", "Hội", "Trung tâm"):  # a school, an office... of it
        assert places.match(f"{word} Khương Trung").kind is not MatchKind.EXACT, word


@pytest.mark.parametrize("word", ["xã", "thị trấn", "quận", "huyện", "thị xã", "tỉnh", "thành phố"])
def test_a_level_word_must_be_the_units_own(places, word):
    match = places.match(f"{word} Khương Trung")  # the ward is a phường
    assert match.kind is MatchKind.NONE and [u.code for u in match.candidates] == ["PKT"]
    assert places.match(f"{word} Văn Thủy Lợi").kind is not MatchKind.EXACT


@pytest.mark.parametrize("typed, code", [
    ("Khương Trung", "PKT"), ("Đông Tiến", "XDT"), ("Văn Điển", "TTVD"), ("Hoàn Kiếm", "QHK"),
    ("Sóc Sơn", "HSS"), ("Sơn Tây", "TXST"), ("Bắc Ninh", "TBN"), ("Hải Dương", "TPHD"),
    ("Lê Quý Đôn", "TRLQD"), ("Tài chính - Kế hoạch", "PTCKH"), ("Tuyên giáo", "BTG"),
    ("Nông dân", "HND"), ("Y tế", "TTYT"),
    ("UBND xã Đông Tiến", "XDT"), ("Thị trấn Văn Điển", "TTVD"), ("UBND quận Hoàn Kiếm", "QHK"),
    ("Huyện Sóc Sơn", "HSS"), ("TX Sơn Tây", "TXST"),
    ("UBND tỉnh Bắc Ninh", "TBN"), ("TP Hải Dương", "TPHD"), ("TT Y tế", "TTYT"),
    ("dong tien", "XDT"), ("xa dong tien", "XDT"), ("thi tran van dien", "TTVD"),
    ("TT Văn Điển", "TTVD"),  # TT reads "thị trấn" here ("trung tâm" is no place's level)
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
    assert places.match("Hội").kind is MatchKind.NONE and not places.match("Hội").candidates
    assert places.match("Phường").kind is MatchKind.NONE


def test_a_settled_name_wins_over_every_rule():
    m = Matcher(UNITS, settled={typed_key("khuong trung!"): "TH08", typed_key("Trường X"): "NOPE"})
    match = m.match("Khuong Trung")
    assert match.kind is MatchKind.SETTLED and match.unit.code == "TH08"
    assert m.match("Trường X").kind is MatchKind.NONE  # unknown code: ignored here


def test_no_optional_word_begins_another():
    """starts_with takes the first of its prefixes that fits; that is the order-free rule only
    while no prefix begins another one ("thị xã" and "xã" do not: whole words)."""
    from sync.rules.unitnames import LEVEL_WORDS, ORGANISATION, level_and_place

    for prefixes in (LEVEL_WORDS, ORGANISATION):
        assert not [(a, b) for a in prefixes for b in prefixes if a != b and b[:len(a)] == a]
    assert level_and_place(("phường",)) == ("", ("phường",))  # never stripped to nothing


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


# --- issue 18: what tells two units apart is never forgiven ---------------------------------------
GROUPS = [Unit(f"TDP{i:02}", f"Tổ dân phố số {i}", "Tổ dân phố") for i in range(1, 22)] + [
    Unit("A", "Trường THPT Mỹ Đức A", "THPT"), Unit("B", "Trường THPT Mỹ Đức B", "THPT"),
    Unit("X35", "Xã Mỹ Đức", "Xã"), Unit("NV", "Sở Nội vụ", "Sở"), Unit("NGV", "Sở Ngoại vụ", "Sở"),
    Unit("KG", "Trường Tiểu học Kim Giang", "Trường"), Unit("TM", "Phường Tương Mai", "Phường"),
]


@pytest.fixture(scope="module")
def groups():
    return Matcher(GROUPS)


@pytest.mark.parametrize("typed, code", [
    ("Tổ dân phố 5", "TDP05"), ("TDP 05", "TDP05"), ("Tổ dân phố số ５", "TDP05"), ("Tổ 5", "TDP05"),
    ("Tổ dân phố số 15", "TDP15"), ("tổ dân phố số 1", "TDP01"), ("Tổ dân phố số 11", "TDP11"),
    ("Tổ dân phố số 21", "TDP21"), ("Tổ dân phố số l5", "TDP15"), ("Tổ dân phố số 2O", "TDP20"),
    ("THPT Mỹ Đức B", "B"), ("Truong THPT My Duc A", "A"), ("Sở Nội vụ", "NV"), ("So Ngoai vu", "NGV"),
])
def test_numbers_and_letters_are_exact(groups, typed, code):
    match = groups.match(typed)
    assert match.kind is MatchKind.EXACT and match.unit.code == code, typed


@pytest.mark.parametrize("typed", [
    "Tổ dân phố số 22", "Tổ dân phố số 1A", "THPT Mỹ Đức C", "Tiểu học Kim Đồng", "Phường Tân Mai",
    "Mỹ Đức",  # the commune, or a school with its letter left off
])
def test_a_different_syllable_number_or_letter_is_never_credited(groups, typed):
    from sync.rules.matching import CREDITING

    assert groups.match(typed).kind not in CREDITING, typed


def test_a_place_the_units_share_may_follow_a_name():
    units = [Unit("KD05", "Công an phường Khương Đình", "LLVT"),
             Unit("KD14", "Trạm Y tế phường Khương Đình", "Y tế"),
             Unit("KD20", "Trường Tiểu học Kim Giang", "Trường"),
             Unit("TDP05", "Tổ dân phố số 5", "Tổ dân phố")]
    m = Matcher(units, places=["quận Thanh Xuân", "Hà Nội"])
    for typed, code in (("Tổ dân phố số 5 phường Khương Đình", "TDP05"),  # the roster's own parent
                        ("Trường Tiểu học Kim Giang - quận Thanh Xuân", "KD20"),  # a configured one
                        ("Đơn vị: Trạm Y tế phường Khương Đình - Hà Nội", "KD14")):
        assert m.match(typed).unit.code == code, typed
    for typed in ("Công an quận Thanh Xuân",  # the district's police, not a place added
                  "Tổ dân phố số 5 phường Hạ Đình"):  # a former ward's group 5
        assert m.match(typed).kind is MatchKind.NONE, typed


def test_abbreviations_and_conjunctions():
    units = [Unit("GD", "Sở Giáo dục và Đào tạo", "Sở"), Unit("KT", "Phòng Kinh tế - Hạ tầng và Đô thị", "P"),
             Unit("MT", "Ủy ban Mặt trận Tổ quốc Việt Nam phường Khương Đình", "ĐT")]
    m = Matcher(units)
    for typed, code in (("Sở GD&ĐT", "GD"), ("Sở GDĐT", "GD"), ("Sở Giáo dục - Đào tạo", "GD"),
                        ("Phòng KT-HT&ĐT", "KT"), ("MTTQ phường Khương Đình", "MT"),
                        ("UBMTTQ VN P. Khương Đình", "MT")):
        assert m.match(typed).unit.code == code, typed
    shortened = m.match("Sở Giáo dục")  # the first words of one unit's name: a guess
    assert shortened.kind is MatchKind.FUZZY and shortened.unit.code == "GD"


def test_a_roster_name_typed_without_its_marks_is_found_at_once_as_the_rules_find_it():
    """The Matcher keeps each roster name with its marks left out (a keyboard without Vietnamese
    input) for a lookup at once; that answer must be what the steps give."""
    from sync.rules.text import strip_accents
    from tests.test_name_corpus import ROSTERS, load_roster

    for units in [load_roster(name) for name in ROSTERS] + [UNITS, PLACES]:
        m = Matcher(units)
        for unit in units:
            plain = strip_accents(unit.name)
            if plain in m._as_written:
                slow = m._match(plain, None)
                assert (slow.kind, slow.unit) == (MatchKind.EXACT, m._as_written[plain].unit), plain

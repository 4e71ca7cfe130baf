import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.rules.text import (
    clean,
    collation_key,
    one_line,
    person_sort_key,
    safe_text,
    simple_key,
    split_list,
    strip_accents,
)


def test_nfd_and_nfc_give_the_same_key():
    nfc = "Thanh Xuân Bắc"
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfc != nfd and len(nfc) == 14 and len(nfd) == 17
    assert simple_key(nfd) == simple_key(nfc)
    assert clean(nfd) == nfc


def test_both_tone_styles_give_the_same_key():
    for old, new in [("hoà", "hòa"), ("thuỷ", "thủy"), ("Uỷ ban", "Ủy ban"), ("khoẻ", "khỏe")]:
        assert simple_key(old) == simple_key(new)
    assert simple_key("Mai") != simple_key("Mãi")  # tones still count


def test_strip_accents_handles_d_with_stroke():
    assert strip_accents("Đặng Trần Côn") == "Dang Tran Con"


def test_vietnamese_alphabetical_order():
    words = ["Đức", "Dũng", "Anh", "Ánh", "Ăn", "Bình", "Âu", "Ê", "Em"]
    assert sorted(words, key=collation_key) == ["Anh", "Ánh", "Ăn", "Âu", "Bình", "Dũng", "Đức", "Em", "Ê"]
    # Python's own order is wrong: it puts Đ after every ASCII letter
    assert sorted(["Đức", "Dũng", "Em"]) == ["Dũng", "Em", "Đức"]


def test_tones_are_a_secondary_key():
    assert sorted(["mạ", "mà", "má", "ma", "mã", "mả"], key=collation_key) == [
        "ma", "mà", "má", "mả", "mã", "mạ"]
    assert collation_key("mà")[0] == collation_key("ma")[0]


def test_people_sort_by_given_name_then_family_name():
    people = ["Trần Văn Đức", "Nguyễn Thị Ánh", "Lê Văn Dũng", "Bùi Anh", "Nguyễn Anh", "Đỗ Thị Hòa"]
    assert sorted(people, key=person_sort_key) == [
        "Bùi Anh", "Nguyễn Anh", "Nguyễn Thị Ánh", "Lê Văn Dũng", "Trần Văn Đức", "Đỗ Thị Hòa"]


def test_unit_typed_text_loses_control_characters():
    assert safe_text("a\x00b\x1bc\nd\te") == "abc\nd\te"
    assert one_line("line1\nline2\x1b[31m red") == "line1 line2 [31m red"
    assert len(one_line("x" * 500, 50)) == 50


def test_split_list_on_newlines_and_semicolons():
    assert split_list("Phường;  Trường\nCAQ ;;") == ["Phường", "Trường", "CAQ"]


def test_keys_of_distinct_texts_are_computed_once_and_agree_with_non_text_cells():
    from sync.rules import text

    text._simple_key_of_text.cache_clear()
    names = ["UBND phường Nhân Chính", "Ủy ban nhân dân phường Thượng Đình"] * 500
    keys = {text.simple_key(n) for n in names}
    assert len(keys) == 2 and text._simple_key_of_text.cache_info().misses == 2
    assert text.simple_key(12.0) == text.simple_key("12") == "12"
    assert text.header_key(None) == "" and text.header_key(" Tên  ĐƠN VỊ ") == "tên đơn vị"
    assert text.unify_tones("hòa thủy") == text.unify_tones("hoà thuỷ")
    assert text._unify_word.cache_info().maxsize == text.KEY_CACHE  # bounded: unique answers


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=12)
       | st.text(alphabet="aăâeêioôơuưyđĐ\u0300\u0301\u0303\u0309\u0323\u034f\u0591\u05b0 x", max_size=12))
def test_strip_accents_removes_every_combining_mark_and_nothing_else(text):
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    assert strip_accents(text) == "".join(c for c in decomposed if not unicodedata.combining(c))


def test_collation_key_is_letter_by_letter_then_tone_by_tone():
    """The key, made one cached character at a time, is the rule spelled out: each letter's
    place (spaces first, then a ă â b c d đ e ê ... y, then anything else by itself), then each
    tone (none, huyền, sắc, hỏi, ngã, nặng), then the text; on random Vietnamese-ish text."""
    import random

    from sync.rules import text as T

    def spelled_out(text):
        primary, tones = [], []
        for ch in text.casefold():
            base, tone = T._letter_and_tone(ch)
            rank = T._LETTER_RANK.get(base)
            primary.append((1, rank) if rank is not None else (0 if base.isspace() else 2, base))
            tones.append(T._TONE_ORDER.get(tone[:1], 0))
        return tuple(primary), tuple(tones), text

    rng = random.Random(7)
    chars = ("aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợ"
             "ùúủũụừứửữựỳýỷỹỵ AĂÂĐÊÔƠƯ0123456789-.,()\u00a0z")
    for _ in range(5000):
        typed = "".join(rng.choice(chars) for _ in range(rng.randint(0, 12)))
        assert T.collation_key(typed) == spelled_out(T.clean(typed)), typed

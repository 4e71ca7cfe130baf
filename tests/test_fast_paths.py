"""The shortcuts the cycle takes at scale (issue 12) give the answers of the slow path they skip.

Property tests (hypothesis): a cell the empty-row check calls filled is one ``clean`` leaves
text in; a cell the write planner skips as unchanged is one ``same_value`` calls the same; NFC's
ASCII shortcut returns what normalising returns; the matcher answers a campaign's scope the same
whether it comes as a list or as the frozenset the cycle builds once.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.rules.book import same_value
from sync.rules.matching import Matcher
from sync.rules.models import Unit
from sync.rules.parse import _filled
from sync.rules.plan import _unchanged
from sync.rules.text import INVISIBLE, clean, nfc

TRICKY = st.sampled_from(["", " ", "\u200b", "\u00ad", "\x00", "\t", "\n", "\u2028", "\u0301",
                          "hoà", "hòa", "o\u0300", " a ", "\ufeff", "12", "\x7f"])
TEXT = st.lists(st.one_of(TRICKY, st.text(max_size=4)), max_size=4).map("".join)
CELL = st.one_of(st.none(), TEXT, st.integers(), st.floats(), st.booleans(),
                 st.datetimes(min_value=datetime(1900, 1, 1)))


@settings(max_examples=400, deadline=None)
@given(CELL)
def test_a_filled_cell_is_one_clean_leaves_text_in(value):
    assert _filled(value) == bool(clean(value))


@settings(max_examples=400, deadline=None)
@given(CELL, CELL)
def test_a_cell_skipped_as_unchanged_is_the_same_value(existing, value):
    if _unchanged(existing, value):
        assert same_value(existing, value)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_nfc_of_text_is_normalised_without_invisible_characters(text):
    assert nfc(text) == unicodedata.normalize("NFC", INVISIBLE.sub("", text))


def test_a_scope_given_as_a_list_or_a_frozenset_matches_alike():
    units = [Unit("P01", "UBND phường Khương Trung", "Phường"),
             Unit("T01", "Trường tiểu học Khương Trung", "Trường"),
             Unit("P02", "UBND phường Hạ Đình", "Phường")]
    matcher = Matcher(units)
    for typed in ("Khương Trung", "khuong trung", "Ha Dinh", "UBND P. Khương Trung", "x"):
        for scope in (["P01", "P02"], ["T01"], None):
            by_list = matcher.match(typed, scope)
            fresh = Matcher(units).match(typed, None if scope is None else frozenset(scope))
            assert by_list == fresh

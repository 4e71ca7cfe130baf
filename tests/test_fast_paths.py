"""The shortcuts the cycle takes at scale (issue 12) give the answers of the slow path they skip.

Property tests (hypothesis): a cell the empty-row check calls filled is one ``clean`` leaves
text in; a cell the write planner skips as unchanged is one ``same_value`` calls the same; NFC's
ASCII shortcut returns what normalising returns; the matcher answers a campaign's scope the same
whether it comes as a list or as the frozenset the cycle builds once.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo

from hypothesis import example, given, settings
from hypothesis import strategies as st

from sync.rules.book import same_value
from sync.rules.matching import Matcher, typed_key
from sync.rules.models import MatchKind, Resubmission, Unit, Verdict
from sync.rules.parse import _filled
from sync.rules.plan import ABSENT, _differs, _idle, _takes
from sync.rules.text import INVISIBLE, clean, nfc
from sync.rules.timeparse import DateOrder

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
def test_a_cell_is_written_exactly_when_its_value_differs(existing, value):
    assert _differs(existing, value) == (not same_value(existing, value))


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


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), TEXT, st.integers()), max_size=6), st.text(max_size=3))
def test_answers_read_lazily_are_the_answers_read_at_once(line, header):
    from sync.rules.answers import Answers, Questions, answer_by_key
    from sync.rules.text import header_key

    questions = [(i, f"{header}{i}") for i in range(len(line) + 2)]  # two past the row's end
    answers = Answers(line, Questions(questions))
    at_once = {h: nfc(line[i] if i < len(line) else None).strip() for i, h in questions}
    assert len(answers) == len(at_once)
    assert dict(answers) == at_once and answers == at_once
    assert list(answers) == list(at_once)  # in the tab's order
    for h in at_once:  # by key, as the rules ask: the same answer from Answers and a dict
        assert answer_by_key(answers, header_key(h)) == answer_by_key(at_once, header_key(h))
    assert answer_by_key(answers, "no such question") is None


def test_the_garbage_collector_is_paused_during_the_compute_and_resumed_after():
    import gc

    from sync.gc_pause import gc_paused

    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():  # nested: stays paused, and the outer one resumes it
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    try:
        with gc_paused():
            raise ValueError("a failed read")
    except ValueError:
        pass
    assert gc.isenabled()


def test_a_local_sync_imports_no_google_client_and_no_pandas_without_figures(tmp_path):
    """A cron run of `sync` on the local workbook pays for what it uses: the Google client
    stack (gspread, google-auth, oauthlib) and pandas are imported only by the commands and
    campaigns that need them (~0.5 s of a no-op run's start)."""
    import subprocess
    import sys

    import openpyxl

    from sync.demo import build_workspace
    from sync.rules import headers as H

    config = build_workspace(tmp_path / "w")  # its campaigns declare figures: taken out here
    workbook = openpyxl.load_workbook(config.parent / "tonghop.xlsx")
    campaigns = workbook[H.CAMPAIGNS_TAB]
    header = [c.value for c in campaigns[1]]
    column = header.index(H.CAMPAIGN_FIGURES[0]) + 1
    for row in range(2, campaigns.max_row + 1):
        campaigns.cell(row, column).value = None
    workbook.save(config.parent / "tonghop.xlsx")
    probe = ("import sys; from sync.cli import main; "
             f"code = main(['sync', '--config', {str(config)!r}, '--now', '2023-06-20T10:00']); "
             "heavy = ['pandas', 'gspread', 'google.auth', 'google_auth_oauthlib', 'googleapiclient', "
             "'openpyxl', 'docxtpl']; print(sorted(m for m in heavy if m in sys.modules)); "
             "sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout


def test_what_a_pause_made_goes_to_the_oldest_generation_and_its_garbage_is_still_collected():
    import gc
    import weakref

    from sync.gc_pause import PROMOTE_AFTER, gc_paused

    class Node:
        pass

    with gc_paused():
        kept = [Node() for _ in range(PROMOTE_AFTER + 1000)]  # held after (a big cycle's State)
        loop = Node()
        loop.self = loop  # a reference cycle dropped inside the pause
        gone = weakref.ref(loop)
        del loop
    oldest = {id(o) for o in gc.get_objects(generation=2)}
    assert all(id(node) in oldest for node in kept)
    assert gone() is not None  # not freed by reference counting...
    gc.collect()
    assert gone() is None  # ... but by the collector
    gc.collect()
    with gc_paused():  # a small block's objects are left to the young collections
        few = [Node() for _ in range(100)]
    assert id(few[0]) not in {id(o) for o in gc.get_objects(generation=2)}


def test_a_worker_thread_leaves_the_collector_alone():
    import gc
    import threading

    from sync.gc_pause import gc_paused

    seen = []

    def work():
        with gc_paused():
            seen.append(gc.isenabled())

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    assert seen == [True] and gc.isenabled()


def test_a_name_as_the_roster_writes_it_is_matched_as_the_layers_would():
    from sync.demo import roster

    units = [Unit(c, n, g, e, tuple(a.split(";")) if a else ()) for c, n, g, e, a in roster()]
    units += [Unit("Z09", "Z10", "Phường"),  # a name spelled like another unit's code
              Unit("Z10", "UBND phường Láng Hạ", "Phường"),
              Unit("Z11", "Ủy ban nhân dân phường Láng Hạ", "Phường"),  # one full key, two units
              Unit("Z12", "Trường Kim Liên", "Trường", aliases=("Trường THCS Kim Liên",)),
              Unit("Z13", "Trường THCS Kim Liên", "Trường"),  # another unit's alias
              Unit("Z14", "Trường Lê Lợi", "Trường")]
    assert len({u.code for u in units}) == len(units)
    settled = {typed_key("Trường Lê Lợi"): "Z10"}  # staff said this name is another unit
    matcher = Matcher(units, settled=settled)
    assert matcher._as_written  # the shortcut is taken for most names
    for unit in units:
        for scope in (None, frozenset(u.code for u in units if u.group == unit.group),
                      frozenset({"Z10"})):
            assert matcher.match(unit.name, scope) == matcher._match(unit.name, scope), unit


def test_no_invisible_character_is_printable():
    """``nfc`` skips removing invisible characters from printable text."""
    invisible = [chr(c) for c in range(0x10000) if INVISIBLE.match(chr(c))]
    assert len(invisible) > 20 and not any(ch.isprintable() for ch in invisible)
    from sync.rules.matching import _INVISIBLE  # the matcher's: the one printable is looked for
    assert [chr(c) for c in range(0x10000) if _INVISIBLE.match(chr(c)) and chr(c).isprintable()] == ["\u034f"]


@settings(max_examples=300, deadline=None)
@given(st.sets(st.one_of(CELL.filter(lambda v: v == v), st.just(ABSENT)), max_size=6))
def test_the_values_that_leave_an_empty_cell_alone_are_decided_as_one_by_one(values):
    assert _idle(values) == {v for v in values if not _takes(v)}


STAMP = st.one_of(st.none(), st.integers(0, 6).map(lambda d: datetime(2023, 6, 1 + d, 8)),
                  st.just(datetime(2023, 6, 30)))  # the last one is after "now"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(STAMP, st.sampled_from(["A", "B", "X"])), max_size=12),
       st.sampled_from(list(Resubmission)))
def test_the_response_that_counts_is_the_latest_or_first_by_time_then_row(rows, resubmission):
    """What the dict-based grouping of ``evaluate_campaign`` gives, against the rule said
    plainly: among a unit's responses with a timestamp not after now, sorted by (time, row),
    the last (or first) counts; every other one is superseded."""
    from sync.rules.evaluate import evaluate_campaign
    from sync.rules.models import Campaign, Match, MatchKind, Response

    units = [Unit("A", "Phường A", "Phường"), Unit("B", "Phường B", "Phường")]
    now = datetime(2023, 6, 20)
    campaign = Campaign("C", "t", "tab", deadline=datetime(2023, 6, 4), resubmission=resubmission)
    by_code = {u.code: u for u in units}
    responses = [Response("C", r, at, code, {}, Match(MatchKind.EXACT, by_code[code])
                          if code in by_code else Match(MatchKind.NONE))
                 for r, (at, code) in enumerate(rows, start=2)]
    evaluation = evaluate_campaign(campaign, units, responses, [], now)
    for status in evaluation.statuses:
        mine = sorted((r.submitted_at, r.row) for r in responses
                      if r.unit_text == status.unit.code and r.submitted_at is not None
                      and r.submitted_at <= now)
        assert status.responses == len(mine)
        expected = (mine[-1] if resubmission is Resubmission.LATEST else mine[0]) if mine else None
        assert (status.counted and (status.counted.submitted_at, status.counted.row)) == (expected or None)
    counted = {s.counted.row for s in evaluation.statuses if s.counted}
    verdicts = {r.response.row: r.verdict for r in evaluation.rows}
    for r in responses:
        if r.submitted_at is None:
            assert verdicts[r.row] is Verdict.BAD_TIMESTAMP
        elif r.submitted_at > now:
            assert verdicts[r.row] is Verdict.AFTER_NOW
        elif r.unit_text == "X":
            assert verdicts[r.row] is Verdict.UNKNOWN_UNIT
        elif r.row not in counted:
            assert verdicts[r.row] is Verdict.SUPERSEDED


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.lists(st.sampled_from(["a", "b", "ab", "ă", "!", "a!"]), min_size=1,
                                max_size=4).map(" ".join),
                       st.sampled_from(["P1", "P2", "T1"]), max_size=8))
def test_the_names_ending_with_a_key_are_those_the_word_tails_give(keyed):
    """``_Index`` finds them by one sorted order of the keys read back to front."""
    from sync.rules.matching import _Index

    index = _Index(tails=True)
    for key, code in keyed.items():
        index.add(key, code)
    for key in keyed:
        ending = {code for other, code in keyed.items() if other.endswith(" " + key)}
        assert index.find(key) == ({keyed[key]}, {keyed[key]} | ending)


@settings(max_examples=400, deadline=None)
@given(CELL)
def test_a_cell_is_answered_when_its_text_is_not_empty_after_nfc(value):
    from sync.rules.answers import answered

    assert answered(value) == bool(nfc(value).strip())


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), TEXT, st.integers()), max_size=5),
       st.lists(st.sampled_from(["Q0", "q1 ", "Q2", "Q9", "Q4"]), max_size=4))
def test_the_questions_left_empty_are_those_a_dict_of_the_answers_gives(line, required):
    from sync.rules.answers import Answers, Questions
    from sync.rules.evaluate import missing_answers

    questions = [(i, f"Q{i}") for i in range(len(line) + 1)]
    at_once = {h: nfc(line[i] if i < len(line) else None).strip() for i, h in questions}
    assert missing_answers(Answers(line, Questions(questions)), required) == \
        missing_answers(at_once, required)


@settings(max_examples=500, deadline=None)
@given(TEXT)
def test_clean_text_is_what_the_whole_pipeline_gives(text):
    from sync.rules.text import _clean_of_text

    assert clean(text) == _clean_of_text.__wrapped__(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list(MatchKind)), min_size=1, max_size=40), st.data())
def test_the_positions_of_some_match_kinds_are_those_a_loop_finds(kinds, data):
    from sync.rules.models import Match, Responses

    found = data.draw(st.lists(st.integers(0, len(kinds) - 1), max_size=60))
    wanted = data.draw(st.sets(st.sampled_from(list(MatchKind))))
    responses = Responses("C", list(range(2, len(found) + 2)), [None] * len(found),
                          [""] * len(found), found, [Match(k) for k in kinds], None, False,
                          [{}] * len(found), None)
    assert responses.positions_matched(wanted) == [
        i for i, f in enumerate(found) if kinds[f] in wanted]


SHOWN = st.builds("{}/{}/{} {}:{:02d}:{:02d}".format, st.integers(0, 32), st.integers(0, 13),
                  st.integers(1999, 2031), st.integers(0, 25), st.integers(0, 59), st.integers(0, 59))
OTHER = st.sampled_from(["1/6/2023", "01.06.2023 10:00:00", "2023-06-01 10:00", "1/6/2023 9:05",
                         "", "1/6/2023 9:05:00\n2/6/2023 9:05:00", " 1/6/2023 9:05:00",
                         "١/٦/٢٠٢٣ ٩:٠٥:٠٠", "31/6/2023 9:05:00"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(SHOWN, SHOWN, OTHER), max_size=8), st.sampled_from(list(DateOrder)),
       st.sampled_from([None, ZoneInfo("Asia/Ho_Chi_Minh")]))
def test_stamps_read_at_once_are_those_read_one_by_one(texts, order, tz):
    from sync.rules.timeparse import SLASHED, TimeParseError, shown_stamps, slashed

    def alone(text):
        match = SLASHED.match(text)
        try:
            return slashed(match, tz, order) if match else None
        except TimeParseError:
            return None

    at_once = shown_stamps(texts, tz, order)
    for text in texts:
        if text in at_once:
            assert at_once[text] == alone(text)
        elif re.fullmatch(r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4} [0-9]{1,2}:[0-9]{2}:[0-9]{2}", text):
            assert alone(text) is None  # a text as Sheets shows one is left out only if no date
    assert set(at_once) <= set(texts)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=12))
def test_a_name_in_a_link_is_quoted_as_quote_plus_does(name):
    from urllib.parse import quote_plus

    from sync.rules.prefill import _quoted

    assert _quoted.__wrapped__(name) == quote_plus(name)


@settings(max_examples=300, deadline=None)
@given(st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9998, 12, 31),
                    timezones=st.sampled_from([ZoneInfo("UTC"), ZoneInfo("Asia/Ho_Chi_Minh")])))
def test_a_moment_shown_to_staff_is_what_strftime_writes(moment):
    from sync.rules.timeparse import format_vn

    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    assert format_vn(moment, tz) == moment.astimezone(tz).strftime("%d/%m/%Y %H:%M")


NAME_WORDS = ["ủy ban nhân dân", "trường", "phòng", "ban", "hội", "trung tâm", "phường", "xã",
              "thị xã", "quận", "UBND", "THCS", "p", "tt", "phong", "hoi", "truong", "Hòa", "hoà",
              "Thuỷ", "thủy", "Khương", "tổ", "số", "12", "x.", "-", "\u0301", "ß", "ﬁ", "İ"]


NAMES = st.lists(st.one_of(st.sampled_from(NAME_WORDS), st.text(max_size=3)), min_size=1,
                 max_size=6).map(" ".join)


@settings(max_examples=500, deadline=None)
@given(NAMES)
def test_a_word_without_its_marks_fits_the_word(name):
    """What the forgiving steps rest on: a word typed with every mark missing has the word's
    skeleton and agrees with it; the word agrees with itself."""
    from sync.rules.text import strip_accents
    from sync.rules.unitnames import agrees, fits, skeleton, words

    for word in words(name):
        assert agrees(word, word) and fits((word,), (word,))
        plain = strip_accents(word)
        if plain.isascii() and plain.isalnum():
            assert skeleton(plain) == skeleton(word) and agrees(plain, word), word


@settings(max_examples=300, deadline=None)
@given(NAMES, NAMES)
def test_a_roster_name_typed_as_written_never_credits_another_unit(first, second):
    from sync.rules.matching import CREDITING

    units = [Unit("U1", first, "G"), Unit("U2", second, "G")]
    matcher = Matcher(units)
    for unit in units:
        match = matcher.match(unit.name)
        spelled_as_a_code = unit.name.strip().casefold() in ("u1", "u2")  # codes come first
        assert match.kind not in CREDITING or match.unit.code == unit.code or spelled_as_a_code, unit


@settings(max_examples=500, deadline=None)
@given(st.one_of(TEXT, st.lists(st.sampled_from(NAME_WORDS + ["a_b", "x\t y", "Ω.", "  "]),
                                max_size=5).map(" ".join)))
def test_a_simple_key_is_what_the_whole_pipeline_gives(text):
    import re as regex

    from sync.rules.matching import _INVISIBLE
    from sync.rules.text import _unify_word, simple_key

    text = text.replace("\x00", "")
    whole = regex.sub(r"[^\w\s]", " ", clean(text).casefold())
    whole = " ".join(_unify_word(w) for w in regex.sub(r"\s+", " ", whole).strip().split(" "))
    assert simple_key(text) == whole
    assert typed_key(text) == simple_key(_INVISIBLE.sub("", text))
    assert typed_key(text + "\u034f") == simple_key(_INVISIBLE.sub("", text))  # a printable one


@settings(max_examples=500, deadline=None)
@given(st.one_of(NAMES, st.lists(st.sampled_from(NAME_WORDS + ["05", "5", "15", "số", "sô", "So", "l5",
                                                                 "Ｋ", "Ð", "В", "TDP5", "Tổ"]),
                                 min_size=1, max_size=6).map(" ".join)))
@example("số số 5")  # only the "số" right before the number goes (found by this test on CI)
def test_the_words_of_a_plain_name_are_what_every_pass_gives(name):
    """``words`` takes names of plain words and numbers by a shortcut; it must read them as
    the whole pipeline does."""
    from sync.rules.unitnames import _all_passes, _simple_words

    simple = _simple_words(name)
    assert simple is None or simple == _all_passes(name), name

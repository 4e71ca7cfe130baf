"""Property tests (hypothesis) over the rules, the write plan and whole cycles on a workbook.

Invariants: no staff cell changes (compared cell by cell), every response row is evaluated or
flagged, nothing is written as a formula, a second cycle writes nothing. Arbitrary Unicode (NFD,
zero-width and other invisible characters, right-to-left text), arbitrary cell types and sizes,
arbitrary staff edits between and during cycles. Example counts are kept modest (see
docs/reliability.md for the totals and the command).
"""

from __future__ import annotations

import copy
import unicodedata
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sync.backends.local import LocalWorkbookBackend
from sync.config import load_config
from sync.cycle import OWNED_RESPONSE_COLUMNS, apply_writes, plan_writes, read_state
from sync.rules import headers as H
from sync.rules.book import Tab, WriteBatch
from sync.rules.plan import plan_keyed_table, plan_row_columns
from sync.rules.text import INVISIBLE, clean, header_key, simple_key
from sync.rules.timeparse import TimeParseError, parse_moment
from tests.staffcells import COMPARED, changed_staff_cells, fault, staff_cells, workbook_tabs

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạầấẩẫậềếểễệìíỉĩịòóỏõọờớởỡợùúủũụừứửữựỳýỷỹỵ"
INVISIBLES = "\u00ad\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202e"
RTL = "مرحبا שלום"
ALPHABET = VIETNAMESE + VIETNAMESE.upper() + INVISIBLES + RTL + " =+-@,.;/:0123456789\n"

texts = st.text(alphabet=ALPHABET, max_size=40).map(
    lambda t: unicodedata.normalize("NFD", t) if len(t) % 3 == 0 else t)
numbers = st.one_of(st.integers(min_value=-10**18, max_value=10**18),
                    st.floats(allow_nan=False, allow_infinity=False))
cells = st.one_of(texts, numbers, st.booleans(), st.none(), st.sampled_from(
    [3000000, 1e308, 45000.5, "20/06/2023 09:00:00", "31/02/2023", "2099-01-01", "=1+1"]))
EXAMPLES = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


# --- the rules ---------------------------------------------------------------------------------
@EXAMPLES
@given(texts, st.lists(st.sampled_from(INVISIBLES), max_size=3), st.integers(0, 40))
def test_keys_ignore_normal_form_and_invisible_characters(text, junk, at):
    COMPARED["examples"] += 1
    garbled = text[:at] + "".join(junk) + text[at:]
    assert simple_key(unicodedata.normalize("NFD", garbled)) == simple_key(text)
    assert not INVISIBLE.search(clean(garbled))
    assert clean(clean(garbled)) == clean(garbled)


@EXAMPLES
@given(st.one_of(cells, st.floats()))
def test_any_cell_is_a_moment_or_a_time_parse_error(value):
    COMPARED["examples"] += 1
    try:
        parsed = parse_moment(value, TZ)
    except TimeParseError:
        return
    assert parsed.at.tzinfo is not None and 1 <= parsed.at.year <= 9999


grids = st.lists(st.lists(cells, max_size=6), min_size=0, max_size=8)


def apply(tab: Tab | None, title: str, batch: WriteBatch) -> Tab:
    """What a backend does with a batch: the tab as it reads back afterwards."""
    values = copy.deepcopy(tab.values) if tab else []
    for cell in batch.all_cells():
        while len(values) < cell.row:
            values.append([])
        line = values[cell.row - 1]
        while len(line) < cell.col:
            line.append(None)
        line[cell.col - 1] = cell.value
    return Tab(title, values, 1000, 100)


@EXAMPLES
@given(grids, st.dictionaries(st.integers(2, 12), st.tuples(texts, texts), max_size=8))
def test_row_columns_touch_only_owned_cells_and_settle(grid, wanted):
    COMPARED["examples"] += 1
    header_row = [clean(v) for v in (grid[0] if grid else [])]
    if any(header_key(h) in {header_key(o) for o in OWNED_RESPONSE_COLUMNS} for h in header_row):
        return  # a staff grid that already holds tool headers is another test's business
    tab = Tab("Câu trả lời", grid, 1000, 100)
    rows = sorted(wanted)
    values = {header: [wanted[row][i] for row in rows]
              for i, header in enumerate(OWNED_RESPONSE_COLUMNS)}
    batch = plan_row_columns(tab, OWNED_RESPONSE_COLUMNS, rows, values)
    widest = max((len([v for v in row if v not in (None, "")]) and len(row) for row in grid), default=0)
    for cell in batch.all_cells():  # new columns: right of the last non-empty cell of any row
        assert cell.col > widest, (cell, grid)
    after = apply(tab, tab.title, batch)
    again = plan_row_columns(after, OWNED_RESPONSE_COLUMNS, rows, values)
    assert again.cells == [], again.cells  # a second cycle writes nothing


@EXAMPLES
@given(grids, st.lists(st.tuples(st.text(alphabet="ABCD", min_size=1, max_size=3), texts),
                       max_size=8, unique_by=lambda kv: kv[0]))
def test_keyed_table_settles_and_keeps_staff_columns(grid, rows):
    COMPARED["examples"] += 1
    headers = ["Mã", "Giá trị"]
    tab = Tab("Trạng thái", grid, 1000, 100) if grid else None
    wanted = [{"Mã": key, "Giá trị": value} for key, value in rows]
    header_row = [header_key(v) for v in (grid[0] if grid else [])]
    batch = plan_keyed_table(tab, "Trạng thái", ["Mã"], headers, wanted)
    owned = {c for c, h in enumerate(header_row, 1) if h in {"mã", "giá trị"}}
    for cell in batch.all_cells():
        assert cell.col in owned or cell.col > max((len(r) for r in grid), default=0)
    after = apply(tab, "Trạng thái", batch)
    if any(header_row.count(k) > 1 for k in ("mã", "giá trị")):
        return  # duplicated tool headers: the first wins, the copy is staff's
    again = plan_keyed_table(after, "Trạng thái", ["Mã"], headers, wanted)
    assert again.cells == []


# --- whole cycles on a workbook, with staff editing -------------------------------------------
FORM = "Câu trả lời biểu mẫu 1"
UNITS = [("P01", "UBND phường Nhân Chính"), ("P02", "UBND phường Thượng Đình"),
         ("P03", "Trường Mầm non Hoa Sữa")]


def put(ws, row, col, value):
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # what units type is text, never a live formula


def build(folder, answers):
    wb = openpyxl.Workbook()
    roster = wb.active
    roster.title = H.ROSTER_TAB
    roster.append(["Mã đơn vị", "Tên đơn vị", "Nhóm", "Email"])
    for code, name in UNITS:
        roster.append([code, name, "Phường", f"{code.lower()}@example.vn"])
    campaigns = wb.create_sheet(H.CAMPAIGNS_TAB)
    campaigns.append(["Mã đợt", "Tên đợt", "Bảng câu trả lời", "Bảng tính", "Hạn nộp",
                      "Đơn vị phải nộp", "Câu hỏi bắt buộc", "Câu hỏi tên đơn vị"])
    campaigns.append(["BC", "Báo cáo", FORM, "", "30/6/2023", "Tất cả", "Nội dung", "Tên đơn vị"])
    form = wb.create_sheet(FORM)
    form.append(["Dấu thời gian", "Tên đơn vị", "Nội dung"])
    for r, (stamp, unit, content) in enumerate(answers, start=2):
        for c, value in enumerate((stamp, unit, content), start=1):
            put(form, r, c, value)
    wb.save(folder / "t.xlsx")
    (folder / "config.toml").write_text('timezone = "Asia/Ho_Chi_Minh"\n[backend]\nkind = "local"\n'
                                        'workbook = "t.xlsx"\n', encoding="utf-8")


safe_cells = st.one_of(texts, numbers, st.booleans(), st.none(),
                       st.sampled_from([3000000, 45000.5, "20/06/2023 09:00:00", "=HYPERLINK(1)"]))
unit_names = st.one_of(st.sampled_from([n for _, n in UNITS]).map(
    lambda n: unicodedata.normalize("NFD", n)), texts)
answers = st.lists(st.tuples(safe_cells, unit_names, safe_cells), max_size=6)
edit = st.one_of(
    st.tuples(st.just("insert_col"), st.sampled_from([FORM, H.ROSTER_TAB]), st.integers(1, 6)),
    st.tuples(st.just("delete_col"), st.sampled_from([FORM]), st.integers(4, 7)),
    st.tuples(st.just("note"), st.sampled_from([FORM, H.ROSTER_TAB]), st.integers(2, 9),
              st.integers(1, 9), texts.filter(lambda t: clean(t) != "")),
)


def staff_edits(path, edits):
    fault(len(edits))
    wb = openpyxl.load_workbook(path)
    for kind, title, *args in edits:
        ws = wb[title]
        if kind == "insert_col":
            ws.insert_cols(args[0])
            put(ws, 1, args[0], f"Cột thêm {args[0]}")
        elif kind == "delete_col":
            ws.delete_cols(args[0])
        else:
            row, col, text = args
            header = ws.cell(row=1, column=col).value
            if header_key(header) in {header_key(h) for h in OWNED_RESPONSE_COLUMNS}:
                continue  # typing into the tool's column is not a staff cell
            put(ws, row, col, text)
    wb.save(path)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(answers, st.lists(edit, max_size=3), st.lists(edit, max_size=2))
# Failures hypothesis found on the way (kept so they are tried on every run):
@example(rows=[], between=[("insert_col", FORM, 1), ("delete_col", FORM, 5)],
         during=[("note", FORM, 2, 6, "0")])  # a note below a new column's header, mid-cycle
@example(rows=[], between=[("delete_col", FORM, 4), ("note", FORM, 2, 5, "0")],
         during=[("delete_col", FORM, 6), ("insert_col", FORM, 5)])
@example(rows=[], between=[], during=[("delete_col", FORM, 4), ("note", FORM, 2, 5, "0")])
def test_cycles_under_staff_edits_keep_every_staff_cell(tmp_path_factory, rows, between, during):
    COMPARED["examples"] += 1
    folder = tmp_path_factory.mktemp("prop")
    build(folder, rows)
    path = folder / "t.xlsx"
    config = load_config(folder / "config.toml")
    backend = LocalWorkbookBackend(path)
    now = parse_moment("2023-06-20T10:00", config.tz).at

    picture: dict = {}

    def one_cycle(during_edit=()):
        state = read_state(config, backend, now)
        batches = plan_writes(config, state)
        if during_edit:  # staff save the file between the tool's read and its write
            staff_edits(path, during_edit)
            picture.clear()
            picture.update(staff_cells(workbook_tabs(path)))
        apply_writes(backend, batches, state.problems)
        return state, batches

    one_cycle()
    staff_edits(path, between)
    picture.update(staff_cells(workbook_tabs(path)))
    one_cycle(during)
    state, _ = one_cycle()
    assert changed_staff_cells(picture, workbook_tabs(path)) == []
    # every response row is evaluated, or the campaign is reported as skipped
    tab = read_state(config, backend, now).books[""].find_tab(FORM)
    if any(c.code == "BC" for c in state.campaigns):
        header = [header_key(h) for h in tab.values[0]]
        owned = {header_key(h) for h in OWNED_RESPONSE_COLUMNS}
        filled = {r for r, line in enumerate(tab.values[1:], start=2)
                  if any(clean(v) for i, v in enumerate(line) if i < len(header)
                         and header[i] and header[i] not in owned)}
        assert filled == {r.response.row for r in state.rows}
    else:
        assert any(p.blocking and "BC" in p.message for p in state.problems), state.problems
    # nothing written as a formula
    wb = openpyxl.load_workbook(path)
    assert not [c.coordinate for ws in wb.worksheets for row in ws.iter_rows() for c in row
                if c.data_type == "f"]
    # the next cycle writes nothing
    _, batches = one_cycle()
    assert batches == {}


@pytest.mark.parametrize("kind", ["insert_col", "note_where_the_tool_plans_a_column"])
def test_the_property_catches_a_tool_that_writes_by_stale_position(tmp_path, kind, monkeypatch):
    """The property test above can fail: without the guards, a column inserted during the first
    cycle gets the tool's verdicts over it."""
    build(tmp_path, [("20/06/2023 09:00:00", UNITS[0][1], "có")])
    path = tmp_path / "t.xlsx"
    config = load_config(tmp_path / "config.toml")
    backend = LocalWorkbookBackend(path)
    monkeypatch.setattr(WriteBatch, "checked", lambda self, *a, **k: (self, []))
    state = read_state(config, backend, parse_moment("2023-06-20T10:00", config.tz).at)
    batches = plan_writes(config, state)
    staff_edits(path, [("insert_col", FORM, 1)] if kind == "insert_col" else
                [("note", FORM, 2, 4, "ghi chú")])
    picture = staff_cells(workbook_tabs(path))
    apply_writes(backend, batches, state.problems)
    tally = dict(COMPARED)  # a control, not a scenario: left out of the matrix's counts
    assert changed_staff_cells(picture, workbook_tabs(path)) != []
    COMPARED.update(tally)

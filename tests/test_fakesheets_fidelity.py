"""Replay real Sheets/Drive traffic against the fake and compare the answers.

The recordings (``../shared/fixtures/sheets-api-recordings/*.json``, made by
gspread's own test suite against the live APIs) are request/response pairs.
``../shared/fixtures/sheets-api-recordings-next/`` holds more on which the fake
used to differ: those it has learnt (LEARNT) are replayed too; each of the others
is in NOT_LEARNT with the reason (and in tests/fakesheets/README.md).
Each file is replayed in order through the fake's transport adapter. Before
that the fake is seeded with what the recording takes for granted: every
spreadsheet it creates is created by replaying its Drive ``files.create``;
a spreadsheet it only opens is added (and denied when the first answer
about it was 403). Ids the fake hands out differ from the recorded ones: a
recorded-id -> fake-id map is learnt from the answers, must stay one-to-one,
and is applied to later request URLs and bodies.

Each answer must match the recorded one: same status, same JSON keys at
every level, same values - except the fields listed in VOLATILE (not
compared) and the ids (compared through the map). The fake runs as in every
test (strict answers: no default-valued fields), signed in as the recordings'
account. A request the fake finds invalid must be one Google answered 400.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from tests.fakesheets import FakeGoogle

FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures"
RECORDINGS = FIXTURES / "sheets-api-recordings"
NEXT = FIXTURES / "sheets-api-recordings-next"
# Recordings of NEXT the fake now answers exactly: replayed with the others.
LEARNT = {
    "CellTest.test_merge_cells.json",  # mergeType, merge over merge, unmerge inside a range
    "WorksheetTest.test_add_protected_range_normal.json",  # computed editors, no defaults
    "WorksheetTest.test_add_protected_range_warning.json",
    "WorksheetTest.test_add_validation.json",  # 400 with fieldViolations (data.values)
    "WorksheetTest.test_basic_filters.json",  # the filter's range bounded by the grid
    "WorksheetTest.test_batch_merged_cells.json",  # merges without sheetId 0
    "WorksheetTest.test_clear_tab_color.json",  # an empty ColorStyle is no colour
    "WorksheetTest.test_format.json",  # backgroundColorStyle beside backgroundColor
    "WorksheetTest.test_freeze.json",  # frozenRowCount 0 left out
    "WorksheetTest.test_get_merge_cells_and_unmerge_cells.json",  # MERGE_ROWS/COLUMNS, unmerge all
    "WorksheetTest.test_get_values_and_combine_merged_cells.json",
    "WorksheetTest.test_get_values_merge_cells_from_centre_of_sheet.json",
    "WorksheetTest.test_get_values_merge_cells_outside_of_range.json",  # and a ListValue 400
    "WorksheetTest.test_hide_show_worksheet.json",  # 400 hiding the last visible tab
    "WorksheetTest.test_set_tab_color.json",  # colours in 8 bits, float32, 0 left out
    "WorksheetTest.test_show_gridlines.json",  # hideGridlines false left out
    "WorksheetTest.test_update_cells_noncontiguous.json",  # counts of the cells sent a value
    "WorksheetTest.test_update_tab_color.json",
}
# Recordings of NEXT still not answered exactly, with the reason (kept differences).
NOT_LEARNT = {
    "WorksheetTest.test_auto_resize_columns.json":
        "autoResizeDimensions needs the font's metrics to size a column to its text (Google "
        "answers 8691 px for 1,024 'A's); the fake keeps every column at 100 px",
}
# The account gspread's test suite recorded with: the fake takes unsigned requests as its.
RECORDED_ACCOUNT = "telegram-budgeter@telegram-budgeter.iam.gserviceaccount.com"

# Values that legitimately differ between the recording and any replay. The
# key must still be present on both sides; only the value is not compared.
VOLATILE = {
    "createdTime",  # Drive: when the file was created (wall clock)
    "modifiedTime",  # Drive: when the file last changed (wall clock)
}
# Ids: the fake mints its own; compared through the recorded -> fake map.
ID_KEYS = {
    "spreadsheetId",  # Sheets: the spreadsheet (= Drive file) id
    "id",  # Drive: file id
    "sheetId",  # Sheets: tab id, random for added tabs
    "protectedRangeId",  # Sheets: random for each protected range
}
# Strings that embed ids (URLs): compared after mapping the ids inside them.
ID_BEARING = {
    "spreadsheetUrl",  # https://docs.google.com/spreadsheets/d/<id>/edit
    "webViewLink",  # Drive links carry the file id
}
# Interactions the fake deliberately does not implement, as
# {(file name, interaction index): reason}. They are skipped (not compared)
# and reported. None are needed for the current recordings.
KNOWN_GAPS: dict[tuple[str, int], str] = {}

_SHEETS_ID = re.compile(r"/v4/spreadsheets/([^/:?]+)")


def recording_files() -> list[Any]:
    if not RECORDINGS.is_dir() or not NEXT.is_dir():
        return [pytest.param(None, id="recordings-missing")]
    learnt = [NEXT / name for name in sorted(LEARNT)]
    return [pytest.param(p, id=p.stem) for p in [*sorted(RECORDINGS.glob("*.json")), *learnt]]


def missing_fixtures() -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"recordings missing at {FIXTURES} (CI must have ../shared/fixtures)")
    pytest.skip("../shared/fixtures not present (fresh clone)")


def test_every_next_recording_is_learnt_or_has_its_reason() -> None:
    if not NEXT.is_dir():
        missing_fixtures()
    present = {p.name for p in NEXT.glob("*.json")}
    assert present >= LEARNT, f"learnt but missing: {sorted(LEARNT - present)}"
    assert not LEARNT & set(NOT_LEARNT)
    assert present == LEARNT | set(NOT_LEARNT), \
        f"neither learnt nor explained: {sorted(present - LEARNT - set(NOT_LEARNT))}"
    readme = (Path(__file__).parent / "fakesheets" / "README.md").read_text(encoding="utf-8")
    for name in NOT_LEARNT:
        assert name.removesuffix(".json") in readme, f"{name}: its difference is not in the README"


@pytest.mark.parametrize("name", sorted(NOT_LEARNT))
def test_a_recording_not_learnt_still_differs(name: str) -> None:
    """Once the fake answers it exactly, it belongs in LEARNT."""
    if not NEXT.is_dir():
        missing_fixtures()
    with pytest.raises(AssertionError):
        test_replay_matches_recording(NEXT / name)


def _body_text(body: Any) -> str | None:
    if isinstance(body, dict):
        body = body.get("string")
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    return body or None


class IdMap:
    """Recorded id -> fake id, one-to-one."""

    def __init__(self) -> None:
        self.map: dict[Any, Any] = {}

    def check(self, recorded: Any, actual: Any, where: str) -> None:
        if recorded in self.map:
            assert self.map[recorded] == actual, \
                f"{where}: recorded id {recorded!r} was {self.map[recorded]!r}, now {actual!r}"
            return
        assert actual not in self.map.values(), \
            f"{where}: fake id {actual!r} already stands for another recorded id"
        assert type(recorded) is type(actual), f"{where}: id type {recorded!r} vs {actual!r}"
        self.map[recorded] = actual

    def apply(self, text: str) -> str:
        for recorded, actual in sorted(self.map.items(), key=lambda kv: -len(str(kv[0]))):
            if str(recorded) == str(actual):
                continue
            if isinstance(recorded, int):
                text = re.sub(rf"(?<![0-9]){recorded}(?![0-9])", str(actual), text)
            else:
                text = text.replace(recorded, actual)
        return text


def compare(recorded: Any, actual: Any, ids: IdMap, where: str = "$") -> None:
    """Structural comparison of one answer (see module doc)."""
    if isinstance(recorded, dict):
        assert isinstance(actual, dict), f"{where}: expected an object, got {actual!r}"
        assert set(recorded) == set(actual), \
            f"{where}: keys differ: missing {sorted(set(recorded) - set(actual))}, " \
            f"extra {sorted(set(actual) - set(recorded))}"
        for key in recorded:
            path = f"{where}.{key}"
            if key in VOLATILE:
                continue
            if key in ID_KEYS and not isinstance(recorded[key], (dict, list)):
                ids.check(recorded[key], actual[key], path)
            elif key in ID_BEARING:
                assert ids.apply(recorded[key]) == actual[key], f"{path}: {actual[key]!r}"
            else:
                compare(recorded[key], actual[key], ids, path)
        return
    if isinstance(recorded, list):
        assert isinstance(actual, list), f"{where}: expected a list, got {actual!r}"
        assert len(recorded) == len(actual), f"{where}: {len(actual)} items, recorded {len(recorded)}"
        for i, (r, a) in enumerate(zip(recorded, actual, strict=True)):
            compare(r, a, ids, f"{where}[{i}]")
        return
    assert isinstance(recorded, bool) == isinstance(actual, bool), f"{where}: {actual!r} vs {recorded!r}"
    assert isinstance(recorded, str) == isinstance(actual, str), f"{where}: {actual!r} vs {recorded!r}"
    assert recorded == actual, f"{where}: got {actual!r}, recorded {recorded!r}"


def seed(fake: FakeGoogle, interactions: list[dict], ids: IdMap) -> None:
    """Add the spreadsheets a recording opens without creating them."""
    created = set()
    for it in interactions:
        req, resp = it["request"], it["response"]
        if req["method"] == "POST" and req["uri"].split("?")[0].endswith("/drive/v3/files"):
            text = _body_text(resp["body"])
            if text:
                created.add(json.loads(text)["id"])
    seen = set()
    for it in interactions:
        m = _SHEETS_ID.search(it["request"]["uri"])
        if not m or m.group(1) in created or m.group(1) in seen:
            continue
        sid = m.group(1)
        seen.add(sid)
        status = it["response"]["status"]["code"]
        if status in (200, 403):
            text = _body_text(it["response"]["body"]) or "{}"
            props = json.loads(text).get("properties", {})
            fake.add_spreadsheet(spreadsheet_id=sid, title=props.get("title", "Seeded"),
                                 locale=props.get("locale", "en_US"),
                                 time_zone=props.get("timeZone", "Etc/GMT"))
            ids.map[sid] = sid
            if status == 403:
                fake.deny(sid)


@pytest.mark.parametrize("path", recording_files())
def test_replay_matches_recording(path: Path | None) -> None:
    if path is None:
        missing_fixtures()
        return
    interactions = json.loads(path.read_text(encoding="utf-8"))["interactions"]
    fake = FakeGoogle(account=RECORDED_ACCOUNT)
    ids = IdMap()
    seed(fake, interactions, ids)
    session = fake.session()
    skipped = []
    for i, it in enumerate(interactions):
        req, resp = it["request"], it["response"]
        where = f"{path.name}[{i}] {req['method']} {req['uri']}"
        if (path.name, i) in KNOWN_GAPS:
            skipped.append(f"{where}: {KNOWN_GAPS[(path.name, i)]}")
            continue
        body = _body_text(req.get("body"))
        headers = {k: v[0] for k, v in (req.get("headers") or {}).items()
                   if k.lower() == "content-type"}
        invalid_before = len(fake.invalid_bodies)
        answer = session.request(req["method"], ids.apply(req["uri"]),
                                 data=ids.apply(body).encode("utf-8") if body else None,
                                 headers=headers, timeout=5)
        if resp["status"]["code"] != 400:
            assert len(fake.invalid_bodies) == invalid_before, \
                f"{where}: the fake finds invalid what Google accepted: {fake.invalid_bodies[-1]}"
        assert answer.status_code == resp["status"]["code"], \
            f"{where}: status {answer.status_code}, recorded {resp['status']['code']}: {answer.text}"
        recorded_text = _body_text(resp["body"])
        if not recorded_text:
            assert answer.content == b"", f"{where}: expected an empty body, got {answer.text!r}"
            continue
        compare(json.loads(recorded_text), answer.json(), ids, where)
    if skipped:
        pytest.xfail("not implemented by the fake: " + "; ".join(skipped))

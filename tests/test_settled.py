"""The settled marker (sync/unattended/settled.py): a cycle that found nothing to do is not run
again while no book, no config, no ledger entry and no clock boundary (sync/rules/horizon.py)
moved; anything else runs the full cycle. Through the CLI, against the Google fake (requests
counted) and the local workbook."""

from __future__ import annotations

import dataclasses
import json
import os

import openpyxl
import pytest

import sync
from sync.config import load_config
from sync.rules import headers as H
from sync.rules.models import VERDICT_LABELS, Status, Verdict
from sync.unattended import settled

from .conftest import DEMO_NOW
from .test_check import _set_drive_folder
from .test_google_backend import counts
from .test_noop import _add_tab, _edit_value, _sort
from .test_reminders import _free_port, _with_smtp

UNCHANGED = "unchanged since"


@pytest.fixture
def ws(google_workspace):
    """The Google demo with a Drive folder for drafts: the robot signs in with a Drive scope."""
    folder = google_workspace.fake.add_drive_folder(name="Dự thảo", shared_drive=True)
    _set_drive_folder(google_workspace, folder)
    return google_workspace


def sync_cli(cli, config_path, now=DEMO_NOW, code=0):
    result = cli("sync", "--config", str(config_path), "--now", now)
    assert result.code == code, result.err
    return result


def marker_of(config_path):
    return settled.marker_path(load_config(config_path))


def settle(cli, config_path, now=DEMO_NOW) -> None:
    """Sync until a cycle is skipped (the first ones write, the next one records the marker)."""
    for _ in range(5):
        if UNCHANGED in sync_cli(cli, config_path, now).out:
            return
    raise AssertionError("the demo never settled")


def snapshots_of(root):
    return sorted((root / "data" / "snapshots").rglob("*.json.gz"))


# --- Google: one Drive request, nothing else -------------------------------------------------------
def test_a_settled_google_cycle_sends_one_drive_request_and_no_sheets_request(cli, ws):
    settle(cli, ws.config_path)
    body = json.loads(marker_of(ws.config_path).read_text(encoding="utf-8"))
    assert body["version"] == sync.__version__ and set(body["books"]) == {""}
    assert body["books"][""].startswith(ws.spreadsheet_id)
    taken = snapshots_of(ws.dir)
    for now in ("2023-06-20T10:05", "2023-06-20T18:00"):
        ws.fake.reset_counts()
        result = sync_cli(cli, ws.config_path, now)
        assert counts(ws.fake) == {"drive.files.get": 1}
        assert result.out.strip() == (f"sync {now}:00+07:00: unchanged since "
                                      "2023-06-20T10:00:00+07:00; nothing to do")
    assert snapshots_of(ws.dir) == taken  # no snapshot, no write
    log = (ws.dir / "data" / "logs" / "tonghop.log").read_text(encoding="utf-8")
    assert log.count(UNCHANGED) >= 2


def test_after_the_deadline_the_cycle_runs_and_writes_overdue(cli, ws):
    settle(cli, ws.config_path)  # THCS05's extension runs to 20/6 23:59:59
    overdue = Status.OVERDUE.label
    shown = sum(row.count(overdue) for row in ws.values("Trạng thái"))
    assert UNCHANGED in sync_cli(cli, ws.config_path, "2023-06-20T23:59:59").out
    ws.fake.reset_counts()
    result = sync_cli(cli, ws.config_path, "2023-06-21T00:00")
    assert UNCHANGED not in result.out and "cells written" in result.out
    assert counts(ws.fake)["values.batchUpdateByDataFilter"] >= 1
    assert sum(row.count(overdue) for row in ws.values("Trạng thái")) == shown + 1


def _edit_roster(ws) -> None:
    ws.fake.set_values(ws.spreadsheet_id, H.ROSTER_TAB, "B2", [["Phường Đổi Tên"]])


@pytest.mark.parametrize("edit", [_edit_value, _add_tab, _sort, _edit_roster],
                         ids=["value", "tab", "sort", "roster"])
def test_any_edit_runs_the_full_cycle(cli, ws, edit):
    settle(cli, ws.config_path)
    edit(ws)
    ws.fake.reset_counts()
    result = sync_cli(cli, ws.config_path)
    assert UNCHANGED not in result.out
    seen = counts(ws.fake)
    # the version asked by the settled check, then by the read (it trusts no earlier answer)
    assert seen["drive.files.get"] == 2 and seen["values.batchGet"] == 1
    assert not marker_of(ws.config_path).exists() or UNCHANGED in sync_cli(cli, ws.config_path).out


def test_a_config_change_runs_the_full_cycle(cli, ws):
    settle(cli, ws.config_path)
    with ws.config_path.open("a", encoding="utf-8") as handle:
        handle.write("\n# a comment is a change too\n")
    assert UNCHANGED not in sync_cli(cli, ws.config_path).out
    assert UNCHANGED in sync_cli(cli, ws.config_path).out  # settled again


def test_a_new_tonghop_version_runs_the_full_cycle(cli, ws, monkeypatch):
    settle(cli, ws.config_path)
    monkeypatch.setattr(sync, "__version__", "99.0")
    assert UNCHANGED not in sync_cli(cli, ws.config_path).out
    assert json.loads(marker_of(ws.config_path).read_text(encoding="utf-8"))["version"] == "99.0"


def test_a_failed_write_leaves_no_marker(cli, ws):
    settle(cli, ws.config_path)
    _edit_roster(ws)  # the status and detail tabs show the name: a write is due
    ws.fake.fail_next(400, times=1, endpoint="values.batchUpdateByDataFilter")
    assert cli("sync", "--config", str(ws.config_path), "--now", DEMO_NOW).code == 5
    assert not marker_of(ws.config_path).exists()
    ws.fake.reset_counts()
    result = sync_cli(cli, ws.config_path)  # the full cycle, which writes what failed
    assert UNCHANGED not in result.out and "cells written" in result.out
    assert ws.values(H.STATUS_TAB)[1][1] == "Phường Đổi Tên"
    settle(cli, ws.config_path)


@pytest.mark.parametrize("damage", [b"", b"{not json", b'{"format": "tonghop-settled/1"}',
                                    b'{"format": "tonghop-settled/1", "version": "0.1.0", '
                                    b'"now": "soon", "horizon": null}'],
                         ids=["empty", "garbage", "fields-missing", "bad-time"])
def test_a_corrupt_marker_runs_the_full_cycle(cli, ws, damage):
    settle(cli, ws.config_path)
    marker_of(ws.config_path).write_bytes(damage)
    assert UNCHANGED not in sync_cli(cli, ws.config_path).out
    assert UNCHANGED in sync_cli(cli, ws.config_path).out  # recorded afresh


def test_dry_runs_and_the_switch_off_never_use_the_marker(cli, ws):
    settle(cli, ws.config_path)
    dry = cli("sync", "--config", str(ws.config_path), "--now", DEMO_NOW, "--dry-run")
    assert dry.code == 0 and UNCHANGED not in dry.out and "nothing would change" in dry.out
    assert marker_of(ws.config_path).exists()  # a dry run leaves it be
    text = ws.config_path.read_text(encoding="utf-8")
    ws.config_path.write_text(text.replace("[backend]\n", "[backend]\nsettled_skip = false\n", 1),
                              encoding="utf-8")
    for _ in range(2):
        ws.fake.reset_counts()
        assert "nothing changed" in sync_cli(cli, ws.config_path).out
        assert counts(ws.fake) == {"drive.files.get": 1}  # the kept Book, computed again
    assert not marker_of(ws.config_path).exists()


# --- local workbook ----------------------------------------------------------------------------------
def test_local_edit_with_the_old_mtime_put_back_runs_the_full_cycle(cli, demo_dir):
    config = demo_dir / "config.toml"
    settle(cli, config)
    path = demo_dir / "tonghop.xlsx"
    before = path.stat()
    workbook = openpyxl.load_workbook(path)
    workbook["Câu trả lời biểu mẫu 3"]["D2"] = "Người Khác"
    workbook.save(path)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert UNCHANGED not in sync_cli(cli, config).out
    settle(cli, config)


def test_a_response_stamped_ahead_counts_once_now_passes_it(cli, demo_dir):
    config = demo_dir / "config.toml"
    path = demo_dir / "tonghop.xlsx"
    workbook = openpyxl.load_workbook(path)
    workbook["Câu trả lời biểu mẫu 3"].append(
        ["20/6/2023 11:00:00", "p@example.com", "Phường Hạ Đình", "Người A", "0900000000", 3, 40, "Tốt"])
    workbook.save(path)
    settle(cli, config)
    first = json.loads(marker_of(config).read_text(encoding="utf-8"))
    assert first["horizon"] == "2023-06-20T11:00:00+07:00"
    assert _last_verdict(path) == VERDICT_LABELS[Verdict.AFTER_NOW]
    assert UNCHANGED in sync_cli(cli, config, "2023-06-20T10:59:59").out
    result = sync_cli(cli, config, "2023-06-20T11:00")
    assert UNCHANGED not in result.out and "cells written" in result.out
    assert _last_verdict(path) == VERDICT_LABELS[Verdict.VALID]


def _last_verdict(path):
    rows = list(openpyxl.load_workbook(path)["Câu trả lời biểu mẫu 3"].iter_rows(values_only=True))
    return rows[-1][rows[0].index(H.VERDICT_COL)]


def test_a_waiting_email_keeps_every_cycle_running(cli, demo_dir):
    config = _with_smtp(demo_dir, _free_port())  # nobody listens: reminders wait for a retry
    for now in ("2023-06-28T09:00", "2023-06-28T09:15", "2023-06-28T09:30"):
        result = cli("sync", "--config", str(config), "--now", now)
        assert UNCHANGED not in result.out and "waiting" in result.out
        assert not marker_of(config).exists()


def test_a_linked_form_on_the_local_workbook_is_never_skipped(cli, demo_dir):
    """The local backend cannot read a form: the campaign's form is unknown, nothing settles."""
    path = demo_dir / "tonghop.xlsx"
    workbook = openpyxl.load_workbook(path)
    tab = workbook[H.CAMPAIGNS_TAB]
    column = [c.value for c in tab[1]].index("Link biểu mẫu") + 1
    tab.cell(row=2, column=column, value="https://docs.google.com/forms/d/1FAIpQLSlinkedform0123456789/edit")
    workbook.save(path)
    config = demo_dir / "config.toml"
    for _ in range(4):
        assert UNCHANGED not in sync_cli(cli, config).out
    assert not marker_of(config).exists()


def test_a_deleted_draft_runs_the_full_cycle(cli, demo_dir):
    config = demo_dir / "config.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n[reports]\non_sync = true\n",
                      encoding="utf-8")
    settle(cli, config)
    body = json.loads(marker_of(config).read_text(encoding="utf-8"))
    assert body["drafts"] and body["horizon"] <= "2023-06-21T00:00:00+07:00"  # dated drafts
    os.unlink(body["drafts"][0])
    assert UNCHANGED not in sync_cli(cli, config).out
    assert os.path.exists(body["drafts"][0])


# --- the identity asked without a read -----------------------------------------------------------------
def test_the_identity_asked_without_a_read_is_the_one_the_read_carries_local(demo_dir):
    from sync.backends import open_backend

    config = load_config(demo_dir / "config.toml")
    backend = open_backend(config)
    asked = backend.book_identity("")
    assert asked is not None and backend.parsed == 0  # asked without parsing
    assert backend.read("").identity == asked
    assert open_backend(config).read("").identity == asked  # the kept Book: the same
    off = dataclasses.replace(config, backend=dataclasses.replace(config.backend,
                                                                  skip_unchanged=False))
    assert open_backend(off).book_identity("") is None  # no identity: never skipped


def test_the_identity_asked_without_a_read_is_the_one_the_read_carries_google(ws):
    from sync.backends.google import GoogleSheetsBackend

    config = load_config(ws.config_path)
    backend = GoogleSheetsBackend.from_config(config, session=ws.fake.session())
    ws.fake.reset_counts()
    asked = backend.book_identity("")
    assert counts(ws.fake) == {"drive.files.get": 1}
    ws.fake.reset_counts()
    book = backend.read("")
    assert book.identity == asked
    # the read asks Drive again: a version asked earlier (a cycle ago, on a kept backend)
    # could be older than the spreadsheet, and the kept Book of that version would be read
    assert counts(ws.fake) == {"drive.files.get": 1, "spreadsheets.get": 1, "values.batchGet": 1}
    ws.fake.reset_counts()
    again = GoogleSheetsBackend.from_config(config, session=ws.fake.session())
    assert again.read("").identity == asked  # the kept Book, after one files.get
    assert counts(ws.fake) == {"drive.files.get": 1}


def test_a_backend_kept_across_cycles_reads_an_edit_made_after_its_identity_was_asked(ws):
    from sync.backends.google import GoogleSheetsBackend

    config = load_config(ws.config_path)
    backend = GoogleSheetsBackend.from_config(config, session=ws.fake.session())
    backend.read("")  # kept at this version
    backend.book_identity("")  # a settled check that found nothing changed: no read follows
    _edit_roster(ws)
    roster = backend.read("").find_tab(H.ROSTER_TAB)
    assert roster.values[1][1] == "Phường Đổi Tên"  # not the kept Book of the version asked


def test_two_spreadsheets_cost_one_drive_request_each_and_an_edit_in_either_is_seen(
        cli, tmp_path, service_account_key, monkeypatch):
    """A campaign whose responses live in their own spreadsheet: both identities are checked."""
    from sync.backends import google
    from tests.fakesheets import FakeGoogle

    from .test_google_backend import FORMS_TAB, forms_setup

    fake = FakeGoogle()
    monkeypatch.setattr(google, "session_factory", lambda credentials, timeout: fake.session())
    config, control, forms = forms_setup(fake, tmp_path / "two", service_account_key, rows=20)
    folder = fake.add_drive_folder(name="Dự thảo", shared_drive=True)  # a Drive scope
    config.write_text(config.read_text(encoding="utf-8") + f'\n[reports]\ndrive_folder = "{folder}"\n',
                      encoding="utf-8")
    settle(cli, config)
    body = json.loads(marker_of(config).read_text(encoding="utf-8"))
    assert set(body["books"]) == {"", forms}
    assert body["horizon"] is None  # past the deadline, no reminders, no stamp ahead: for good
    fake.reset_counts()
    assert UNCHANGED in sync_cli(cli, config, "2024-01-01T08:00").out
    assert counts(fake) == {"drive.files.get": 2}
    assert counts(fake, forms) == {"drive.files.get": 1}

    fake.set_values(forms, FORMS_TAB, "D2", [["Báo cáo đã sửa"]])  # only the responses book
    fake.reset_counts()
    assert UNCHANGED not in sync_cli(cli, config).out
    assert counts(fake, forms)["values.batchGet"] == 1
    fake.assert_clean()


def test_a_skipped_cycle_shows_the_problems_of_the_settled_one_again(cli, demo_dir):
    path = demo_dir / "tonghop.xlsx"
    workbook = openpyxl.load_workbook(path)
    tab = workbook[H.CAMPAIGNS_TAB]
    column = [c.value for c in tab[1]].index(H.CAMPAIGN_REMINDERS[0]) + 1
    tab.cell(row=2, column=column, value="sớm thôi")
    workbook.save(path)
    config = demo_dir / "config.toml"
    full = sync_cli(cli, config)
    problems = [line for line in full.err.splitlines() if line.startswith("  ! ")]
    assert any("sớm thôi" in line for line in problems)
    settle(cli, config)
    skipped = sync_cli(cli, config)
    assert UNCHANGED in skipped.out
    assert [line for line in skipped.err.splitlines() if line.startswith("  ! ")] == problems


def test_a_linked_form_adds_one_revision_request_and_an_edit_of_it_runs_the_cycle(cli, ws):
    from .test_campaign_forms import FORM_ID, add_demo_form, reduce_to_form_link

    add_demo_form(ws)
    reduce_to_form_link(ws)  # campaign NTVT given by its form's edit link
    settle(cli, ws.config_path)
    body = json.loads(marker_of(ws.config_path).read_text(encoding="utf-8"))
    assert body["forms"] == {FORM_ID: ws.fake.form(FORM_ID)["revisionId"]}
    ws.fake.reset_counts()
    assert UNCHANGED in sync_cli(cli, ws.config_path).out
    assert counts(ws.fake) == {"drive.files.get": 1, "forms.get": 1}
    asked = next(r for r in ws.fake.requests if r.endpoint == "forms.get")
    assert asked.params["fields"] == ["revisionId"]

    ws.fake.edit_form(FORM_ID, lambda form: form["info"].update(description="sửa"))
    ws.fake.reset_counts()
    result = sync_cli(cli, ws.config_path)
    assert UNCHANGED not in result.out and "4 campaigns" in result.out
    assert ws.fake.count("forms.get") == 2  # the revision, then the form read in full
    assert UNCHANGED in sync_cli(cli, ws.config_path).out  # settled again on the new revision


def test_a_unit_list_that_could_not_be_kept_is_tried_again_next_cycle(cli, ws):
    from .test_campaign_forms import add_demo_form, options_of, reduce_to_form_link, roster_names, set_campaign_cells

    add_demo_form(ws, options=["Một đơn vị"])
    reduce_to_form_link(ws)
    set_campaign_cells(ws, "NTVT", {"Đồng bộ danh sách đơn vị": "Có"})
    ws.fake.fail_next(403, times=2, endpoint="forms.batchUpdate")
    for _ in range(2):  # the second writes nothing to the sheet, but the form is still behind
        sync_cli(cli, ws.config_path)
        assert not marker_of(ws.config_path).exists()
    assert options_of(ws) == ["Một đơn vị"]
    ws.fake.reset_counts()
    assert UNCHANGED not in sync_cli(cli, ws.config_path).out
    assert ws.fake.count("forms.batchUpdate") == 1 and options_of(ws) == roster_names(ws)
    settle(cli, ws.config_path)

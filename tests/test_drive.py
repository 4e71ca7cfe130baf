"""Drafts to Drive for each way of signing in, against the google_fake's Drive that knows who asks:
a person's own folder (drive.file), a folder a person made in the UI (invisible to drive.file),
a service account in My Drive (no storage) or in a shared drive."""

from __future__ import annotations

import json

import pytest

from reports import DraftKind
from reports.drive import DriveFolder, Folder
from sync.backends.google import GoogleSheetsBackend
from sync.config import load_config
from sync.errors import AccessError, ExitCode

from .conftest import CLERK, DEMO_NOW, FAKE_ACCOUNT

OWN = "tonghop - Báo cáo Phòng Nội vụ"
FOLDER = "application/vnd.google-apps.folder"
MY_DRIVE_LINE = (
    f"a service account ({FAKE_ACCOUNT}) cannot own files in a My Drive folder, Google gives it no "
    "storage: use a folder in a shared drive, shared with it as Content manager, or sign in as a "
    "person with auth = \"oauth\" in [backend] (docs/google.md)")

DRAFTS = len(DraftKind) * 4  # every kind of draft for each of the demo's 4 campaigns


def own_folders(google_fake):
    return [f for f in google_fake.drive_files.values() if f.mime_type == FOLDER and f.name == OWN]


def set_drive_folder(config, folder: str) -> None:
    config.write_text(config.read_text(encoding="utf-8") + f'\n[reports]\ndrive_folder = "{folder}"\n',
                      encoding="utf-8")


def test_a_person_without_a_folder_gets_tonghops_own_made_once(cli, google_fake, oauth_ws):
    ws = oauth_ws[0]
    config = ws / "config.toml"
    before = cli("check", "--config", config)
    assert before.code == 0, before.out
    assert (f"ok   Drive: drafts will go to a new folder '{OWN}' in your My Drive (made at the first "
            "report)") in before.out
    assert google_fake.count("drive.files.create") == 0  # check creates nothing

    result = cli("report", "--config", config, "--now", DEMO_NOW)
    assert result.code == 0, result.err
    (folder,) = own_folders(google_fake)
    assert folder.owner == CLERK and folder.parents == [google_fake.root_folder_id]
    remembered = json.loads((ws / "data" / "drive-folder.json").read_text(encoding="utf-8"))
    assert remembered["id"] == folder.file_id
    assert remembered["link"] == f"https://drive.google.com/drive/folders/{folder.file_id}"
    drafts = [f for f in google_fake.drive_files.values() if folder.file_id in f.parents]
    assert len(drafts) == DRAFTS and {f.owner for f in drafts} == {CLERK}

    again = cli("report", "--config", config, "--now", "2023-06-21T08:00")
    assert again.code == 0, again.err
    assert len(own_folders(google_fake)) == 1
    after = cli("check", "--config", config)
    assert f"ok   Drive folder '{OWN}' ({folder.file_id}): {remembered['link']}" in after.out
    # A lost data folder does not make a second one: tonghop finds its own by name.
    (ws / "data" / "drive-folder.json").unlink()
    assert f"ok   Drive folder '{OWN}' ({folder.file_id})" in cli("check", "--config", config).out
    for f in [f for f in google_fake.drive_files.values() if folder.file_id in f.parents]:
        del google_fake.drive_files[f.file_id]  # someone emptied it: new uploads, same folder
    assert cli("report", "--config", config, "--now", "2023-06-22T08:00").code == 0
    assert len(own_folders(google_fake)) == 1
    assert json.loads((ws / "data" / "drive-folder.json").read_text(encoding="utf-8"))["id"] == folder.file_id


def test_a_folder_made_in_the_drive_ui_is_invisible_to_drive_file(cli, google_fake, oauth_ws):
    ws = oauth_ws[0]
    config = ws / "config.toml"
    made_in_ui = google_fake.add_drive_folder(name="Báo cáo của phòng")  # shared with the clerk, not made by tonghop
    set_drive_folder(config, made_in_ui)
    result = cli("check", "--config", config)
    assert result.code == 0, result.out
    assert (f"note Drive folder {made_in_ui} is not visible to tonghop (signed in as a person it sees "
            "only folders it made itself): drafts go to its own folder instead") in result.out
    assert cli("report", "--config", config, "--now", DEMO_NOW).code == 0
    assert not [f for f in google_fake.drive_files.values() if made_in_ui in f.parents]
    (folder,) = own_folders(google_fake)
    assert len([f for f in google_fake.drive_files.values() if folder.file_id in f.parents]) == DRAFTS


def test_a_service_account_and_a_my_drive_folder_one_line_from_check(cli, google_workspace):
    ws = google_workspace
    folder = ws.fake.add_drive_folder(name="Dự thảo")  # in a person's My Drive, shared with the robot
    set_drive_folder(ws.config_path, folder)
    result = cli("check", "--config", ws.config_path)
    assert result.code == ExitCode.ACCESS
    assert f"FIX  {MY_DRIVE_LINE}\n" in result.out
    report = cli("report", "--config", ws.config_path, "--now", DEMO_NOW)
    assert report.code == ExitCode.ACCESS and report.err == f"tonghop: error: {MY_DRIVE_LINE}\n"
    assert ws.fake.count("drive.files.create") == 0


def test_the_upload_itself_says_the_same_line(google_fake, demo_dir, service_account_key):
    """Should a robot reach My Drive anyway, Drive's 403 storageQuotaExceeded is that line too."""
    from .conftest import backend_section, load_into_fake

    sid = load_into_fake(google_fake, demo_dir / "tonghop.xlsx")
    backend_section(demo_dir, sid, f"credentials = '{service_account_key}'\n")
    google_fake.tokens.add_service_account(FAKE_ACCOUNT)
    folder = google_fake.add_drive_folder(name="Dự thảo")
    set_drive_folder(demo_dir / "config.toml", folder)
    backend = GoogleSheetsBackend.from_config(load_config(demo_dir / "config.toml"))
    drive = DriveFolder(backend.http, backend.identity, folder)
    drive._folder = Folder(folder, "Dự thảo", "", own=False)  # as if the check had been passed
    draft = demo_dir / "x.docx"
    draft.write_bytes(b"PK\x03\x04 draft")
    with pytest.raises(AccessError) as caught:
        drive.upload(draft, "x.docx", "NTVT/bao-cao")
    assert str(caught.value) == MY_DRIVE_LINE
    (create,) = [r for r in google_fake.requests if r.endpoint == "drive.files.create"]
    assert create.status == 403 and create.identity.robot and create.identity.email == FAKE_ACCOUNT


def test_a_service_account_and_a_shared_drive(cli, google_fake, demo_dir, service_account_key):
    from .conftest import backend_section, load_into_fake

    sid = load_into_fake(google_fake, demo_dir / "tonghop.xlsx")
    (demo_dir / "tonghop.xlsx").unlink()
    backend_section(demo_dir, sid, f"credentials = '{service_account_key}'\n")
    google_fake.tokens.add_service_account(FAKE_ACCOUNT)
    shared = google_fake.add_drive_folder(name="Phòng Nội vụ (Shared drive)", shared_drive=True)
    set_drive_folder(demo_dir / "config.toml", shared)
    assert cli("check", "--config", demo_dir / "config.toml").code == 0
    assert cli("report", "--config", demo_dir / "config.toml", "--now", DEMO_NOW).code == 0
    uploads = [f for f in google_fake.drive_files.values() if shared in f.parents]
    assert len(uploads) == DRAFTS and {f.drive_id for f in uploads} == {shared}
    drive_calls = [r for r in google_fake.requests if r.endpoint.startswith("drive.")]
    assert all(r.params.get("supportsAllDrives") == ["true"] for r in drive_calls)
    assert {r.identity.email for r in drive_calls} == {FAKE_ACCOUNT}


def _token(google_fake, session, **grant) -> str:
    answer = session.post("https://oauth2.googleapis.com/token", data=grant, timeout=5)
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"]


def test_the_fake_drive_answers_as_drive_does_for_each_identity(google_fake):
    """drive.file sees only its own files (404 otherwise); a robot has no My Drive storage (the
    real 403 body); a shared drive needs supportsAllDrives."""
    from .conftest import CLIENT_ID, CLIENT_SECRET, SCOPES

    session = google_fake.session()
    google_fake.tokens.add_client(CLIENT_ID, CLIENT_SECRET)
    person = _token(google_fake, session, grant_type="refresh_token", client_id=CLIENT_ID,
                    client_secret=CLIENT_SECRET, refresh_token=google_fake.tokens.add_user(CLERK, CLIENT_ID, SCOPES))
    files = "https://www.googleapis.com/drive/v3/files"
    as_person = {"Authorization": f"Bearer {person}"}
    ui_folder = google_fake.add_drive_folder(name="Made in the UI")
    hidden = session.get(f"{files}/{ui_folder}", headers=as_person, timeout=5)
    assert hidden.status_code == 404
    assert hidden.json()["error"]["message"] == f"File not found: {ui_folder}."
    made = session.post(files, json={"name": "Mine", "mimeType": FOLDER}, headers=as_person, timeout=5).json()
    assert session.get(f"{files}/{made['id']}", headers=as_person, timeout=5).status_code == 200
    listed = session.get(files, headers=as_person, timeout=5).json()["files"]
    assert [f["id"] for f in listed] == [made["id"]]

    robot_grant = google_fake.tokens.issue(FAKE_ACCOUNT, True, frozenset({"https://www.googleapis.com/auth/drive"}))
    as_robot = {"Authorization": f"Bearer {robot_grant['access_token']}"}
    upload = "https://www.googleapis.com/upload/drive/v3/files?uploadType=media"
    refused = session.post(upload, data=b"PK", headers={**as_robot, "Content-Type": "application/pdf"},
                           timeout=5)
    assert refused.status_code == 403
    assert refused.json() == {"error": {"code": 403, "message": (
        "Service Accounts do not have storage quota. Leverage shared drives "
        "(https://developers.google.com/workspace/drive/api/guides/about-shareddrives), or use "
        "OAuth delegation (http://support.google.com/a/answer/7281227) instead."), "errors": [{
            "message": ("Service Accounts do not have storage quota. Leverage shared drives "
                        "(https://developers.google.com/workspace/drive/api/guides/about-shareddrives), "
                        "or use OAuth delegation (http://support.google.com/a/answer/7281227) instead."),
            "domain": "usageLimits", "reason": "storageQuotaExceeded"}]}}
    shared = google_fake.add_drive_folder(name="Shared", shared_drive=True)
    assert session.get(f"{files}/{shared}", headers=as_robot, timeout=5).status_code == 404
    assert session.get(f"{files}/{shared}?supportsAllDrives=true", headers=as_robot,
                       timeout=5).status_code == 200
    assert session.get(f"{files}/{shared}", headers={"Authorization": "Bearer ya29.forged"},
                       timeout=5).status_code == 401

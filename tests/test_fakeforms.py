"""The fake's Forms API: forms.get, forms.batchUpdate (updateItem, writeControl), Google's error
bodies, bodies validated against forms.v1.json, requests counted."""

from __future__ import annotations

import pytest

from tests.fakesheets import FakeGoogle

BASE = "https://forms.googleapis.com/v1/forms"


def dropdown(question_id: str, title: str, options: list[str], required: bool = True) -> dict:
    return {"itemId": f"i{question_id}", "title": title, "questionItem": {"question": {
        "questionId": question_id, "required": required,
        "choiceQuestion": {"type": "DROP_DOWN", "options": [{"value": v} for v in options]}}}}


@pytest.fixture
def fake():
    fake = FakeGoogle()
    fake.add_form("F1", "Báo cáo", [dropdown("1a2b3c4d", "Tên đơn vị", ["A", "B"])],
                  linked_sheet_id="S1")
    return fake


def update(options: list[str], revision: str | None = None) -> dict:
    choice = {"type": "DROP_DOWN", "options": [{"value": v} for v in options]}
    body: dict = {"requests": [{"updateItem": {
        "item": {"questionItem": {"question": {"choiceQuestion": choice}}},
        "location": {"index": 0},
        "updateMask": "questionItem.question.choiceQuestion.options"}}]}
    if revision:
        body["writeControl"] = {"requiredRevisionId": revision}
    return body


def test_get_returns_the_form_and_selects_fields(fake):
    session = fake.session()
    form = session.get(f"{BASE}/F1").json()
    assert form["linkedSheetId"] == "S1" and form["revisionId"]
    assert form["items"][0]["questionItem"]["question"]["questionId"] == "1a2b3c4d"
    only = session.get(f"{BASE}/F1", params={"fields": "revisionId"}).json()
    assert only == {"revisionId": form["revisionId"]}
    assert fake.count("forms.get") == 2


def test_update_item_replaces_options_and_moves_the_revision(fake):
    session = fake.session()
    before = fake.form("F1")["revisionId"]
    reply = session.post(f"{BASE}/F1:batchUpdate", json=update(["A", "C"], before)).json()
    assert reply["replies"] == [{}]
    after = fake.form("F1")
    assert after["revisionId"] != before
    assert reply["writeControl"]["requiredRevisionId"] == after["revisionId"]
    options = after["items"][0]["questionItem"]["question"]["choiceQuestion"]["options"]
    assert [o["value"] for o in options] == ["A", "C"]
    assert after["items"][0]["title"] == "Tên đơn vị"  # outside the mask: kept
    fake.assert_clean()


def test_a_stale_revision_is_refused_and_nothing_changes(fake):
    stale = fake.form("F1")["revisionId"]
    fake.edit_form("F1", lambda form: form["info"].update(title="Đổi tên"))
    resp = fake.session().post(f"{BASE}/F1:batchUpdate", json=update(["Z"], stale))
    assert resp.status_code == 400
    assert resp.json()["error"]["status"] == "FAILED_PRECONDITION"
    options = fake.form("F1")["items"][0]["questionItem"]["question"]["choiceQuestion"]["options"]
    assert [o["value"] for o in options] == ["A", "B"]


@pytest.mark.parametrize("options, reason", [
    ([], "at least one option"), (["A", "A"], "unique"), (["A", ""], "must not be empty"),
])
def test_bad_options_are_refused_whole(fake, options, reason):
    resp = fake.session().post(f"{BASE}/F1:batchUpdate", json=update(options))
    assert resp.status_code == 400 and reason in resp.json()["error"]["message"]
    assert resp.json()["error"]["message"].startswith("Invalid requests[0].updateItem")


def test_errors_shaped_like_googles(fake):
    session = fake.session()
    missing = session.get(f"{BASE}/NOPE")
    assert missing.status_code == 404
    assert missing.json() == {"error": {"code": 404, "message": "Requested entity was not found.",
                                        "status": "NOT_FOUND"}}
    fake.deny("F1")
    assert session.get(f"{BASE}/F1").json()["error"]["status"] == "PERMISSION_DENIED"


def test_bodies_are_checked_against_the_discovery_document(fake):
    body = update(["A"])
    body["requests"][0]["updateItem"]["updateMaskk"] = "x"
    resp = fake.session().post(f"{BASE}/F1:batchUpdate", json=body)
    assert resp.status_code == 400 and 'Unknown name "updateMaskk"' in resp.json()["error"]["message"]
    assert fake.invalid_bodies and fake.invalid_bodies[0].endpoint == "forms.batchUpdate"

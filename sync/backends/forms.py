"""Google Forms through the Forms API v1: read a form, keep its unit dropdown as the roster.

Per form and cycle: one ``forms.get`` (fields limited to what tonghop uses); a cycle skipped by
the settled marker asks only ``fields=revisionId`` (sync/unattended/settled.py). The answer is kept in
the data folder (``forms/<formId>.json``), rewritten only when the form's ``revisionId`` changed,
and used when Google does not answer. When the unit dropdown must change: one
``forms.batchUpdate`` with one ``updateItem`` and ``writeControl.requiredRevisionId``, so an edit
someone made meanwhile is never overwritten (refused: the next cycle reads again and retries).

Scopes: ``forms.body.readonly`` to read, ``forms.body`` when a campaign keeps its dropdown as the
roster; asked only when a campaign's "Link biểu mẫu" is a form (see ``GoogleSheetsBackend.forms``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from sync.backends.files import write_atomically
from sync.errors import AccessError, BackendError, TonghopError
from sync.rules.forms import Question
from sync.rules.text import one_line

if TYPE_CHECKING:  # the Google client stack is imported when a form is asked, not by every cycle
    from sync.backends.retry import RetryingHTTPClient

log = logging.getLogger(__name__)

FORMS_API = "https://forms.googleapis.com/v1/forms"
FORMS_READ_SCOPE = "https://www.googleapis.com/auth/forms.body.readonly"
FORMS_WRITE_SCOPE = "https://www.googleapis.com/auth/forms.body"
FIELDS = ("formId,info(title),revisionId,responderUri,linkedSheetId,"
          "items(itemId,title,questionItem(question))")
OPTIONS_MASK = "questionItem.question.choiceQuestion.options"


class StaleRevision(TonghopError):
    """The form changed since it was read: nothing was written; the next cycle retries."""


class FormsClient:
    def __init__(self, http: RetryingHTTPClient, cache_dir: Path | None, account: str,
                 rescope: str = "sign in again with the Forms scope (docs/google.md)"):
        self.http, self.cache_dir, self.account = http, cache_dir, account
        self.rescope = rescope  # what to do when Google says the sign-in lacks a Forms scope

    # -- cache (data folder) ------------------------------------------------------------------
    def _path(self, form_id: str) -> Path | None:
        return self.cache_dir / f"{form_id}.json" if self.cache_dir else None

    def _load(self, form_id: str) -> dict:
        path = self._path(form_id)
        if path is None or not path.is_file():
            return {}
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def _save(self, form_id: str, state: dict) -> None:
        path = self._path(form_id)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(state, ensure_ascii=False, indent=1, sort_keys=True)
        write_atomically(path, lambda handle: handle.write(text.encode("utf-8")))

    def given_names(self, form_id: str) -> dict[str, list[str]]:
        """Unit code -> every option text tonghop gave it in this form's dropdown, oldest first."""
        names = self._load(form_id).get("names") or {}
        return {code: list(texts) for code, texts in names.items() if isinstance(texts, list)}

    # -- the API --------------------------------------------------------------------------------
    def get(self, form_id: str) -> tuple[dict, bool]:
        """The form, and whether it is the cached copy (Google did not answer)."""
        state = self._load(form_id)
        try:
            form = self._call(form_id, lambda: self.http.request(
                "get", f"{FORMS_API}/{form_id}", params={"fields": FIELDS}).json())
        except BackendError:
            if state.get("form"):
                log.warning("form %s: Google did not answer; using the copy of revision %s",
                            form_id, state["form"].get("revisionId"))
                return state["form"], True
            raise
        if (state.get("form") or {}).get("revisionId") != form.get("revisionId"):
            self._save(form_id, {**state, "form": form})
        return form, False

    def revision(self, form_id: str) -> str | None:
        """The form's ``revisionId`` alone (one ``forms.get`` with ``fields=revisionId``: the
        settled check), or None when Google does not tell."""
        try:
            form = self._call(form_id, lambda: self.http.request(
                "get", f"{FORMS_API}/{form_id}", params={"fields": "revisionId"}).json())
        except TonghopError as err:
            log.info("form %s: no revision (%s); the cycle runs in full", form_id, one_line(err, 200))
            return None
        revision = form.get("revisionId") if isinstance(form, dict) else None
        return str(revision) if revision else None

    def set_options(self, form_id: str, revision: str, question: Question,
                    options: tuple[str, ...], names: Mapping[str, str]) -> str:
        """Replace the dropdown's options; the form's new revisionId. ``names`` (unit code ->
        option text) is added to what the unit was ever given, so a rename keeps the old text as
        an alias."""
        choice = {"type": question.kind, "options": [{"value": o} for o in options]}
        body = {
            "requests": [{"updateItem": {
                "item": {"questionItem": {"question": {"choiceQuestion": choice}}},
                "location": {"index": question.index},
                "updateMask": OPTIONS_MASK}}],
            "writeControl": {"requiredRevisionId": revision},
        }
        reply = self._call(form_id, lambda: self.http.request(
            "post", f"{FORMS_API}/{form_id}:batchUpdate", json=body).json(), writing=True)
        new_revision = (reply.get("writeControl") or {}).get("requiredRevisionId", "")
        state = self._load(form_id)
        given = self.given_names(form_id)
        for code, text in names.items():
            given[code] = [*(t for t in given.get(code, []) if t != text), text]
        state["names"] = given
        state.pop("form", None)  # the cached form is stale now: the next get refreshes it
        self._save(form_id, state)
        return new_revision

    def _call(self, form_id: str, request: Callable, writing: bool = False):
        from gspread.exceptions import APIError

        from sync.backends.retry import GaveUp

        try:
            return request()
        except GaveUp as err:
            outcome = ("the dropdown may or may not have changed" if writing and err.maybe_applied
                       else "nothing was written")
            raise BackendError(f"Google Forms did not answer for form {form_id} after "
                               f"{err.attempts} attempts ({err.last}); {outcome}") from err
        except APIError as err:
            status = err.response.status_code
            body = err.error if isinstance(err.error, dict) else {}
            message = one_line(body.get("message", ""), 160)
            if status == 400 and body.get("status") == "FAILED_PRECONDITION":
                raise StaleRevision(f"form {form_id} changed since it was read ({message}); "
                                    "nothing written, the next sync tries again") from err
            if status == 404:
                raise AccessError(f"form {form_id} not found: check the edit link in "
                                  "'Link biểu mẫu'") from err
            reasons = {d.get("reason") for d in body.get("details") or [] if isinstance(d, dict)}
            if status == 403 and "ACCESS_TOKEN_SCOPE_INSUFFICIENT" in reasons:
                raise AccessError(f"the sign-in does not allow {'editing' if writing else 'reading'} "
                                  f"Google Forms (form {form_id}): {self.rescope}") from err
            if status == 403 and "SERVICE_DISABLED" in reasons:
                from sync.backends.retry import api_disabled_line

                raise AccessError(api_disabled_line("Google Forms API", err)) from err
            if status == 403:
                role = "Editor" if writing else "Viewer (Editor to keep its unit list)"
                raise AccessError(f"permission denied for form {form_id}: share the form with "
                                  f"{self.account} as {role} ({message})") from err
            raise BackendError(f"Google Forms rejected a request for form {form_id} "
                               f"({status} {message}); nothing was written") from err

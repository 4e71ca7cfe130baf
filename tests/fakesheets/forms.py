"""Google Forms API v1 (``forms.googleapis.com``): ``forms.get`` and ``forms.batchUpdate``.

Copied behaviour (from Google's reference pages; error wording not recorded on a live form):

* ``GET /v1/forms/{formId}`` returns the Form: ``formId``, ``info``, ``revisionId``,
  ``responderUri``, ``linkedSheetId`` (when linked), ``items``; ``fields`` selects parts.
* Unknown form: 404 NOT_FOUND "Requested entity was not found."; a form not shared with the
  caller: 403 PERMISSION_DENIED "The caller does not have permission".
* ``POST /v1/forms/{formId}:batchUpdate``: requests apply in order, all or none. With
  ``writeControl.requiredRevisionId`` different from the form's current ``revisionId``: 400
  FAILED_PRECONDITION, nothing applied. Every applied batch gives the form a new
  ``revisionId``. The reply is ``{"replies": [{} per request], "writeControl":
  {"requiredRevisionId": <new>}}``, plus ``form`` with ``includeFormInResponse``.
* ``updateItem``: ``location.index`` must name an item and ``updateMask`` is required; the
  masked fields of ``item`` replace the item's. A choice question needs at least one option,
  option values non-empty and unique (Google's "duplicate option" rule).
* Bodies and query parameters are validated against ``forms.v1.json`` (shipped in
  google-api-python-client), like the Sheets ones against ``sheets.v4.json``.

Other request kinds (createItem, deleteItem, ...) raise FakeNotImplemented.
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

import googleapiclient
import jsonschema

from . import fieldmask
from .discovery import _convert, _message
from .errors import STATUS, ApiError, FakeNotImplemented

DOC_PATH = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents" / "forms.v1.json"
METHODS = {"forms.get": "get", "forms.batchUpdate": "batchUpdate"}


class FormsError(ApiError):
    """Google's error shape with a status word of its own (FAILED_PRECONDITION)."""

    def __init__(self, code: int, message: str | None = None, status: str | None = None):
        super().__init__(code, message)
        self.status = status or STATUS.get(code, "UNKNOWN")

    def body(self, endpoint: str = "") -> dict:
        return {"error": {"code": self.code, "message": self.message, "status": self.status}}


# --- validation against the discovery document ---------------------------------------------------
@functools.lru_cache(maxsize=1)
def document() -> dict:
    return json.loads(DOC_PATH.read_text(encoding="utf-8"))


@functools.cache
def _validator(schema_name: str) -> jsonschema.Draft7Validator:
    definitions = {name: _convert(s) for name, s in document()["schemas"].items()}
    return jsonschema.Draft7Validator({"$ref": f"#/definitions/{schema_name}",
                                       "definitions": definitions})


def _method(endpoint: str) -> dict:
    return document()["resources"]["forms"]["methods"][METHODS[endpoint]]


def validate(endpoint: str, params: dict[str, list[str]], body: Any) -> list[str]:
    m = _method(endpoint)
    known = {k for k, v in m.get("parameters", {}).items() if v.get("location") == "query"}
    known |= set(document()["parameters"])
    out = [f'Invalid JSON payload received. Unknown name "{name}": Cannot bind query parameter. '
           f"Field '{name}' could not be found in request message." for name in params
           if name not in known]
    if "request" in m and body is not None:
        if not isinstance(body, dict):
            return out + ["Invalid JSON payload received. Expected an object."]
        errors = sorted(_validator(m["request"]["$ref"]).iter_errors(body),
                        key=lambda e: list(map(str, e.absolute_path)))
        out += [_message(e) for e in errors]
        for req in body.get("requests") or []:
            if isinstance(req, dict) and len(req) > 1:
                out.append("Invalid JSON payload received. Oneof field 'kind' is already set. "
                           f"Cannot set '{list(req)[1]}'")
    return out


# --- the server side -----------------------------------------------------------------------------
class FormsApi:
    """The forms the fake holds, by id, and the two endpoints."""

    def __init__(self) -> None:
        self.forms: dict[str, dict] = {}
        self.denied: set[str] = set()
        self._revision = 0

    def next_revision(self) -> str:
        self._revision += 1
        return f"{self._revision:08x}"

    def add(self, form: dict) -> str:
        form = copy.deepcopy(form)
        form.setdefault("revisionId", self.next_revision())
        self.forms[form["formId"]] = form
        return form["formId"]

    def _open(self, form_id: str | None) -> dict:
        if form_id in self.denied:
            raise FormsError(403)
        form = self.forms.get(form_id or "")
        if form is None:
            raise FormsError(404)
        return form

    def get(self, form_id: str | None, params: dict[str, list[str]]) -> dict:
        form = copy.deepcopy(self._open(form_id))
        fields = (params.get("fields") or [None])[0]
        return fieldmask.select_fields(form, fields) if fields else form

    def batch_update(self, form_id: str | None, body: dict) -> dict:
        form = self._open(form_id)
        required = (body.get("writeControl") or {}).get("requiredRevisionId")
        if required is not None and required != form["revisionId"]:
            raise FormsError(400, f"The required revision ID {required} does not match the "
                             f"form's latest revision ID.", "FAILED_PRECONDITION")
        if "targetRevisionId" in (body.get("writeControl") or {}):
            raise FakeNotImplemented("forms.batchUpdate writeControl.targetRevisionId")
        requests_ = body.get("requests") or []
        if not requests_:
            raise FormsError(400, "Must specify at least one request.")
        draft = copy.deepcopy(form)  # all or none
        replies = []
        for i, req in enumerate(requests_):
            kind = next(iter(req), None)
            if kind != "updateItem":
                raise FakeNotImplemented(f"forms.batchUpdate request {kind}")
            try:
                _update_item(draft, req["updateItem"])
            except ValueError as err:
                raise FormsError(400, f"Invalid requests[{i}].updateItem: {err}") from None
            replies.append({})
        draft["revisionId"] = self.next_revision()
        self.forms[draft["formId"]] = draft
        reply: dict = {"replies": replies, "writeControl": {"requiredRevisionId": draft["revisionId"]}}
        if body.get("includeFormInResponse"):
            reply["form"] = copy.deepcopy(draft)
        return reply


def _update_item(form: dict, req: dict) -> None:
    items = form.setdefault("items", [])
    index = (req.get("location") or {}).get("index")
    if index is None:
        raise ValueError("location.index is required")
    index = int(index)
    if not 0 <= index < len(items):
        raise ValueError(f"index {index} is out of range (the form has {len(items)} items)")
    mask = req.get("updateMask")
    if not mask:
        raise ValueError("updateMask is required")
    item, new = items[index], req.get("item") or {}
    if new.get("itemId") not in (None, item.get("itemId")):
        raise ValueError("item.itemId does not match the item at that location")
    for path in (p.strip() for p in mask.split(",")):
        parts = path.split(".")
        source, target = new, item
        for part in parts[:-1]:
            source = (source or {}).get(part) or {}
            target = target.setdefault(part, {})
        if parts[-1] in (source or {}):
            target[parts[-1]] = copy.deepcopy(source[parts[-1]])
        else:
            target.pop(parts[-1], None)
    choice = ((item.get("questionItem") or {}).get("question") or {}).get("choiceQuestion")
    if choice is not None:
        values = [o.get("value", "") for o in choice.get("options") or [] if not o.get("isOther")]
        if not values:
            raise ValueError("a choice question needs at least one option")
        if any(not v for v in values):
            raise ValueError("option values must not be empty")
        if len(set(values)) != len(values):
            raise ValueError("option values must be unique")

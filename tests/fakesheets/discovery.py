"""Request validation against the Sheets v4 discovery document.

The document ships in google-api-python-client
(``googleapiclient/discovery_cache/documents/sheets.v4.json``). Discovery
schemas are converted to JSON Schema: bare ``$ref`` names become
``#/definitions/X``, ``type: any`` accepts anything, enums are kept, and
objects get ``additionalProperties: false`` - the API rejects unknown
fields. Proto JSON leniencies are kept: ``null`` means "unset" (gspread
sends ``"majorDimension": null``; the API accepts it, recorded), integers
may be sent as numeric strings.

Copied messages:

* unknown field: ``Invalid JSON payload received. Unknown name "x" at
  'data[0]': Cannot find field.``
* wrong type / enum: ``Invalid value at 'data[0].major_dimension'
  (TYPE_ENUM), "ROWZ"``
* the body of ``values.update`` is the request's field ``data`` (recorded:
  ``Invalid value at 'data.values'
  (type.googleapis.com/google.protobuf.ListValue), "X"``); a ValueRange's
  ``values`` is a list of ``ListValue``, named so in the message
* two kinds in one batchUpdate Request: ``Invalid JSON payload received.
  Oneof field 'kind' is already set. Cannot set 'repeatCell'``
* unknown query parameter: ``Invalid JSON payload received. Unknown name
  "x": Cannot bind query parameter. Field 'x' could not be found in request
  message.``
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import googleapiclient
import jsonschema

DOC_PATH = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents" / "sheets.v4.json"

# endpoint name used by the fake -> discovery method id
METHODS = {
    "spreadsheets.get": "sheets.spreadsheets.get",
    "spreadsheets.create": "sheets.spreadsheets.create",
    "spreadsheets.batchUpdate": "sheets.spreadsheets.batchUpdate",
    "sheets.copyTo": "sheets.spreadsheets.sheets.copyTo",
    "values.get": "sheets.spreadsheets.values.get",
    "values.batchGet": "sheets.spreadsheets.values.batchGet",
    "values.update": "sheets.spreadsheets.values.update",
    "values.batchUpdate": "sheets.spreadsheets.values.batchUpdate",
    "values.append": "sheets.spreadsheets.values.append",
    "values.clear": "sheets.spreadsheets.values.clear",
    "values.batchClear": "sheets.spreadsheets.values.batchClear",
    "values.batchGetByDataFilter": "sheets.spreadsheets.values.batchGetByDataFilter",
    "values.batchUpdateByDataFilter": "sheets.spreadsheets.values.batchUpdateByDataFilter",
}


def strip_none(obj: Any) -> Any:
    """Drop ``None`` object members recursively (list items are kept)."""
    if isinstance(obj, dict):
        return {k: strip_none(v) for k, v in obj.items() if v is not None}
    if isinstance(obj, list):
        return [strip_none(v) for v in obj]
    return obj


def _convert(schema: dict) -> dict | bool:
    if "$ref" in schema:
        return {"$ref": "#/definitions/" + schema["$ref"]}
    kind = schema.get("type")
    if kind == "any":
        return True
    out: dict[str, Any] = {}
    if kind == "object":
        out["type"] = "object"
        if "properties" in schema:
            out["properties"] = {k: _convert(v) for k, v in schema["properties"].items()}
            out["additionalProperties"] = False
        if "additionalProperties" in schema:
            out["additionalProperties"] = _convert(schema["additionalProperties"])
    elif kind == "array":
        out["type"] = "array"
        out["items"] = _convert(schema.get("items", {"type": "any"}))
    elif kind == "integer":
        out["type"] = ["integer", "string"]
        out["pattern"] = r"^-?[0-9]+$"
    elif kind == "number":
        out["type"] = ["number", "string"]
        out["pattern"] = r"^(-?[0-9.]+([eE][-+]?[0-9]+)?|NaN|-?Infinity)$"
    elif kind == "string":
        out["type"] = "string"
        if "enum" in schema:
            out["enum"] = schema["enum"]
    elif kind == "boolean":
        out["type"] = "boolean"
    return out


@functools.lru_cache(maxsize=1)
def document() -> dict:
    return json.loads(DOC_PATH.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def definitions() -> dict:
    return {name: _convert(s) for name, s in document()["schemas"].items()}


@functools.cache
def validator(schema_name: str) -> jsonschema.Draft7Validator:
    root = {"$ref": f"#/definitions/{schema_name}", "definitions": definitions()}
    return jsonschema.Draft7Validator(root)


@functools.cache
def method(endpoint: str) -> dict | None:
    method_id = METHODS.get(endpoint)
    if method_id is None:
        return None

    def walk(resource: dict) -> dict | None:
        for m in resource.get("methods", {}).values():
            if m["id"] == method_id:
                return m
        for sub in resource.get("resources", {}).values():
            found = walk(sub)
            if found:
                return found
        return None

    return walk(document())


def _snake(name: str) -> str:
    return re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def _path(parts: list, snake: bool = False) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + (_snake(part) if snake else part)
    return out


# endpoint -> the request message's field the HTTP body is bound to (gRPC transcoding)
BODY_FIELD = {"values.update": "data"}


def _type_name(schema: Any) -> str:
    if not isinstance(schema, dict):
        return "TYPE_MESSAGE"
    if schema.get("type") == "array" and (schema.get("items") or {}).get("type") == "array":
        return "type.googleapis.com/google.protobuf.ListValue"
    if "enum" in schema:
        return "TYPE_ENUM"
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = kind[0]
    return {"integer": "TYPE_INT32", "number": "TYPE_DOUBLE", "string": "TYPE_STRING",
            "boolean": "TYPE_BOOL", "array": "TYPE_LIST", "object": "TYPE_MESSAGE"}.get(kind, "TYPE_MESSAGE")


def _message(err: jsonschema.ValidationError, prefix: list[str] | None = None) -> str:
    path = (prefix or []) + list(err.absolute_path)
    if err.validator == "additionalProperties":
        known = set((err.schema or {}).get("properties", {}))
        unknown = sorted(k for k in err.instance if k not in known)
        where = f" at '{_path(path)}'" if path else ""
        return f'Invalid JSON payload received. Unknown name "{unknown[0]}"{where}: Cannot find field.'
    if err.validator in ("type", "enum", "pattern"):
        return (f"Invalid value at '{_path(path, snake=True)}' ({_type_name(err.schema)}), "
                f"{json.dumps(err.instance, ensure_ascii=False)}")
    return f"Invalid JSON payload received. {err.message}"


def _oneof_errors(body: dict) -> list[str]:
    out = []
    for req in body.get("requests", []) if isinstance(body.get("requests"), list) else []:
        if isinstance(req, dict) and len(req) > 1:
            second = list(req)[1]
            out.append("Invalid JSON payload received. Oneof field 'kind' is already set. "
                       f"Cannot set '{second}'")
    return out


def validate_body(endpoint: str, body: Any) -> list[str]:
    """Messages for what the real API would reject in this body ([] = valid)."""
    m = method(endpoint)
    if m is None or "request" not in m:
        return []
    if body is None:
        return []
    if not isinstance(body, dict):
        return [f"Invalid JSON payload received. Expected an object, got {type(body).__name__}."]
    errors = sorted(validator(m["request"]["$ref"]).iter_errors(body),
                    key=lambda e: list(map(str, e.absolute_path)))
    prefix = [BODY_FIELD[endpoint]] if endpoint in BODY_FIELD else []
    messages = [_message(e, prefix) for e in errors]
    if m["request"]["$ref"] == "BatchUpdateSpreadsheetRequest":
        messages += _oneof_errors(body)
    return messages


def validate_params(endpoint: str, params: dict[str, list[str]]) -> list[str]:
    """Messages for unknown or ill-typed query parameters."""
    m = method(endpoint)
    if m is None:
        return []
    known = {k: v for k, v in m.get("parameters", {}).items() if v.get("location") == "query"}
    known.update(document()["parameters"])
    out = []
    for name, values in params.items():
        spec = known.get(name)
        if spec is None:
            out.append(f'Invalid JSON payload received. Unknown name "{name}": Cannot bind query '
                       f"parameter. Field '{name}' could not be found in request message.")
            continue
        for value in values:
            bad = ("enum" in spec and value not in spec["enum"]) or \
                (spec.get("type") == "boolean" and value.lower() not in ("true", "false")) or \
                (spec.get("type") == "integer" and not re.fullmatch(r"-?[0-9]+", value))
            if bad:
                kind = "TYPE_ENUM" if "enum" in spec else _type_name(spec)
                out.append(f"Invalid value at '{_snake(name)}' ({kind}), \"{value}\"")
    return out

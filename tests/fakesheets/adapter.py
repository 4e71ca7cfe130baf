"""The ``requests`` transport adapter: URL routing and HTTP responses.

gspread builds its URLs from constants (``gspread/urls.py``) and sends every
call through ``session.request``, so mounting this adapter on
``https://sheets.googleapis.com/`` and ``https://www.googleapis.com/`` of
the session given to ``gspread.Client(None, session)`` routes everything to
the fake. Paths are matched percent-encoded, the way gspread sends them
(``/values/%27Sheet1%27%21A1:append``), then decoded; query strings are
parsed with ``+`` as space (``ranges=%F0%9F%8C%B5+test+1%21A%3AA``).
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from datetime import timedelta
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from .errors import FakeNotImplemented

SHEETS_HOST = "sheets.googleapis.com"
DRIVE_HOST = "www.googleapis.com"
_SID = r"(?P<sid>[^/:?]+)"
_BASE = r"^/v4/spreadsheets/" + _SID

SHEETS_ROUTES = [
    ("GET", _BASE + r"$", "spreadsheets.get"),
    ("POST", r"^/v4/spreadsheets/?$", "spreadsheets.create"),
    ("POST", _BASE + r":batchUpdate$", "spreadsheets.batchUpdate"),
    ("GET", _BASE + r"/values:batchGet$", "values.batchGet"),
    ("POST", _BASE + r"/values:batchUpdate$", "values.batchUpdate"),
    ("POST", _BASE + r"/values:batchClear$", "values.batchClear"),
    ("POST", _BASE + r"/values:batchGetByDataFilter$", "values.batchGetByDataFilter"),
    ("POST", _BASE + r"/values:batchUpdateByDataFilter$", "values.batchUpdateByDataFilter"),
    ("POST", _BASE + r"/values/(?P<range>.+):append$", "values.append"),
    ("POST", _BASE + r"/values/(?P<range>.+):clear$", "values.clear"),
    ("GET", _BASE + r"/values/(?P<range>.+)$", "values.get"),
    ("PUT", _BASE + r"/values/(?P<range>.+)$", "values.update"),
    ("POST", _BASE + r"/sheets/(?P<sheet>-?[0-9]+):copyTo$", "sheets.copyTo"),
]
SHEETS_UNIMPLEMENTED = re.compile(r"ByDataFilter|developerMetadata|:getByDataFilter")

_FID = r"(?P<fid>[^/?]+)"
DRIVE_ROUTES = [
    ("POST", r"^/drive/v3/files$", "drive.files.create"),
    ("POST", r"^/upload/drive/v3/files$", "drive.files.create"),
    ("PATCH", r"^/drive/v3/files/" + _FID + "$", "drive.files.update"),
    ("PATCH", r"^/upload/drive/v3/files/" + _FID + "$", "drive.files.update"),
    ("GET", r"^/drive/v3/files$", "drive.files.list"),
    ("GET", r"^/drive/v3/files/" + _FID + "$", "drive.files.get"),
    ("DELETE", r"^/drive/v3/files/" + _FID + "$", "drive.files.delete"),
    ("POST", r"^/drive/v3/files/" + _FID + "/copy$", "drive.files.copy"),
    ("GET", r"^/drive/v3/files/" + _FID + "/comments$", "drive.comments.list"),
]

TOKEN_HOST = "oauth2.googleapis.com"
TOKEN_ROUTES = [("POST", r"^/token$", "oauth2.token")]
IAM_HOST = "iamcredentials.googleapis.com"
IAM_ROUTES = [("POST", r"^/v1/projects/-/serviceAccounts/(?P<fid>[^/:]+):generateAccessToken$",
               "iam.generateAccessToken")]

FORMS_HOST = "forms.googleapis.com"
_FORM = r"(?P<fid>[^/:?]+)"
FORMS_ROUTES = [
    ("GET", r"^/v1/forms/" + _FORM + "$", "forms.get"),
    ("POST", r"^/v1/forms/" + _FORM + ":batchUpdate$", "forms.batchUpdate"),
]

ENDPOINTS = frozenset(name for _, _, name in (*SHEETS_ROUTES, *DRIVE_ROUTES, *TOKEN_ROUTES, *FORMS_ROUTES, *IAM_ROUTES))


@dataclass
class Route:
    """What a URL asks for."""

    endpoint: str
    spreadsheet_id: str | None = None
    range: str | None = None
    sheet_id: int | None = None
    file_id: str | None = None
    upload: bool = False


def route(method: str, url: str) -> Route | None:
    """Match a URL; None when no such API path exists (the API 404s)."""
    parts = urlsplit(url)
    path = parts.path
    table = {SHEETS_HOST: SHEETS_ROUTES, DRIVE_HOST: DRIVE_ROUTES, TOKEN_HOST: TOKEN_ROUTES,
             FORMS_HOST: FORMS_ROUTES, IAM_HOST: IAM_ROUTES}.get(parts.hostname or "", [])
    for verb, pattern, endpoint in table:
        if verb != method.upper():
            continue
        m = re.match(pattern, path)
        if not m:
            continue
        groups = m.groupdict()
        return Route(
            endpoint=endpoint,
            spreadsheet_id=unquote(groups["sid"]) if groups.get("sid") else None,
            range=unquote(groups["range"]) if groups.get("range") else None,
            sheet_id=int(groups["sheet"]) if groups.get("sheet") else None,
            file_id=unquote(groups["fid"]) if groups.get("fid") else None,
            upload=path.startswith("/upload/"),
        )
    if parts.hostname == SHEETS_HOST and SHEETS_UNIMPLEMENTED.search(path):
        raise FakeNotImplemented(f"Sheets endpoint {method} {path}")
    if parts.hostname == FORMS_HOST and path.startswith("/v1/forms"):
        raise FakeNotImplemented(f"Forms endpoint {method} {path}")
    if parts.hostname == DRIVE_HOST and (path.startswith("/drive/") or path.startswith("/upload/")):
        raise FakeNotImplemented(f"Drive endpoint {method} {path}")
    return None


def query_params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def body_bytes(request: requests.PreparedRequest) -> bytes:
    body = request.body
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    return b"".join(chunk if isinstance(chunk, bytes) else chunk.encode() for chunk in body)


def make_response(request: requests.PreparedRequest, status: int, payload: Any,
                  content_type: str | None = None) -> requests.Response:
    """A requests.Response as if it came off the wire."""
    if payload is None:
        content = b""
        content_type = content_type or "text/html"
    elif isinstance(payload, (bytes, bytearray)):
        content = bytes(payload)
        content_type = content_type or "application/octet-stream"
    elif isinstance(payload, str):
        content = payload.encode("utf-8")
        content_type = content_type or "text/html; charset=UTF-8"
    else:
        content = json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
        content_type = content_type or "application/json; charset=UTF-8"
    resp = requests.Response()
    resp.status_code = status
    resp.reason = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else ""
    resp.headers = CaseInsensitiveDict({"Content-Type": content_type,
                                        "Content-Length": str(len(content)),
                                        "Server": "ESF"})
    resp._content = content
    resp.raw = io.BytesIO(content)
    resp.encoding = "utf-8"
    resp.url = request.url
    resp.request = request
    resp.elapsed = timedelta(0)
    return resp


class FakeAdapter(BaseAdapter):
    """Hands every request of a session to the fake server."""

    def __init__(self, server: Any):
        super().__init__()
        self.server = server

    def send(self, request: requests.PreparedRequest, stream: bool = False, timeout: Any = None,
             verify: Any = True, cert: Any = None, proxies: Any = None) -> requests.Response:
        if self.server.network is not None:
            raise network_error(self.server.network, request)
        response = self.server.handle(request, timeout)
        response.connection = self
        return response

    def close(self) -> None:
        pass


def network_error(kind: str, request: requests.PreparedRequest) -> requests.ConnectionError:
    """What requests raises when the machine has no DNS (``"dns"``), no route (``"down"``), a
    clock years off (``"clock"``: certificates look not yet valid) or a proxy that re-signs HTTPS
    (``"intercepted"``): the exception chain urllib3 2 builds (ConnectionError > MaxRetryError >
    reason)."""
    import socket

    from urllib3.connection import HTTPSConnection
    from urllib3.exceptions import MaxRetryError, NameResolutionError, NewConnectionError

    host = urlsplit(request.url).hostname or ""
    conn = HTTPSConnection(host, 443)
    if kind in ("clock", "intercepted"):
        import ssl

        from urllib3.exceptions import SSLError

        why = "certificate is not yet valid" if kind == "clock" else "unable to get local issuer certificate"
        cert = ssl.SSLCertVerificationError(1, f"[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify "
                                               f"failed: {why} (_ssl.c:1006)")
        path = urlsplit(request.url).path
        return requests.exceptions.SSLError(MaxRetryError(None, path, SSLError(cert)), request=request)  # type: ignore[arg-type]
    if kind == "dns":
        reason: Exception = NameResolutionError(
            host, conn, socket.gaierror(-3, "Temporary failure in name resolution"))
    else:
        reason = NewConnectionError(
            conn, "Failed to establish a new connection: [Errno 101] Network is unreachable")
    path = urlsplit(request.url).path
    return requests.ConnectionError(MaxRetryError(None, path, reason), request=request)  # type: ignore[arg-type]


class NoNetworkAdapter(BaseAdapter):
    """Mounted on http:// and https:// so nothing leaks to the real network."""

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        raise FakeNotImplemented(f"fake session: no network access to {request.url}")

    def close(self) -> None:
        pass

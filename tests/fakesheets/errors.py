"""Error answers shaped like Google's.

Copied behaviour:

* Sheets v4: ``{"error": {"code": 404, "message": "Requested entity was not
  found.", "status": "NOT_FOUND"}}`` (recorded), 403 ``The caller does not
  have permission`` / PERMISSION_DENIED (recorded), 400 INVALID_ARGUMENT,
  429 RESOURCE_EXHAUSTED with an ``ErrorInfo`` detail (RATE_LIMIT_EXCEEDED).
* Drive v3: ``{"error": {"code", "message", "errors": [{"message",
  "domain", "reason", "location", "locationType"}]}}``, e.g. 404
  ``File not found: <id>.`` for missing or unshared files and parents.
* A request the API cannot parse (a wrong type, an unknown field or query
  parameter) is a 400 naming every problem (messages joined by new lines) whose
  ``details`` hold a ``google.rpc.BadRequest`` with one ``fieldViolations`` item
  per problem: ``field`` (the path in the message, recorded: ``data.values``;
  none for a top-level unknown name) and ``description`` (its message).
* Google's front end answers some 5xx (502 typically) with an HTML page, not
  JSON; gspread then sets ``APIError.code`` to -1.
"""

from __future__ import annotations

import re

STATUS = {
    400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED",
    404: "NOT_FOUND", 408: "DEADLINE_EXCEEDED", 409: "ABORTED",
    429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 501: "UNIMPLEMENTED",
    502: "UNAVAILABLE", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED",
}

MESSAGES = {
    400: "Request contains an invalid argument.",
    401: "Request had invalid authentication credentials.",
    403: "The caller does not have permission",
    404: "Requested entity was not found.",
    408: "The request timed out.",
    409: "The operation was aborted.",
    500: "Internal error encountered.",
    502: "Bad Gateway",
    503: "The service is currently unavailable.",
    504: "The service is currently unavailable.",
}

DRIVE_REASONS = {
    400: "badRequest", 401: "authError", 403: "forbidden", 404: "notFound",
    429: "rateLimitExceeded", 500: "backendError", 502: "backendError",
    503: "backendError",
}


class ApiError(Exception):
    """An HTTP error answer. ``drive`` switches to Drive's error shape."""

    def __init__(self, code: int, message: str | None = None, *, drive: bool = False,
                 reason: str | None = None, location: str | None = None,
                 location_type: str = "parameter", details: list[dict] | None = None):
        self.code = code
        self.message = message or MESSAGES.get(code, "Error")
        self.drive = drive
        self.reason = reason
        self.location = location
        self.location_type = location_type
        self.details = details
        super().__init__(f"{code}: {self.message}")

    def body(self, endpoint: str = "") -> dict:
        if self.drive:
            reason = self.reason or DRIVE_REASONS.get(self.code, "error")
            domain = "usageLimits" if reason in ("rateLimitExceeded", "userRateLimitExceeded",
                                                  "storageQuotaExceeded", "accessNotConfigured") \
                else "global"
            item = {"message": self.message, "domain": domain, "reason": reason}
            if self.location:
                item["location"] = self.location
                item["locationType"] = self.location_type
            body = {"code": self.code, "message": self.message, "errors": [item]}
            if self.details:
                body["status"] = STATUS.get(self.code, "UNKNOWN")
                body["details"] = self.details
            return {"error": body}
        error = {"code": self.code, "message": self.message,
                 "status": STATUS.get(self.code, "UNKNOWN")}
        if self.details:
            error["details"] = self.details
        elif self.code == 429:
            error["details"] = [{
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "RATE_LIMIT_EXCEEDED",
                "domain": "googleapis.com",
                "metadata": {"service": "sheets.googleapis.com",
                             "quota_metric": quota_metric(endpoint),
                             "quota_limit_value": "60"},
            }]
        return {"error": error}


def quota_metric(endpoint: str) -> str:
    reads = ("spreadsheets.get", "values.get", "values.batchGet")
    kind = "read" if endpoint in reads else "write"
    return f"sheets.googleapis.com/{kind}_requests"


def quota_message(endpoint: str) -> str:
    """What a 429 says: which per-minute-per-user quota ran out."""
    kind = "Read" if quota_metric(endpoint).endswith("read_requests") else "Write"
    return (f"Quota exceeded for quota metric '{kind} requests' and limit "
            f"'{kind} requests per minute per user' of service "
            f"'sheets.googleapis.com' for consumer 'project_number:000000000000'.")


def api_disabled(service: str, project: str) -> ApiError:
    """403 for an API not enabled in the caller's Cloud project (recorded shape: Sheets sends
    ErrorInfo SERVICE_DISABLED; Drive v3 also its legacy ``accessNotConfigured`` item)."""
    name = {"sheets": "Google Sheets API", "drive": "Google Drive API"}[service]
    host = f"{service}.googleapis.com"
    url = f"https://console.developers.google.com/apis/api/{host}/overview?project={project}"
    message = (f"{name} has not been used in project {project} before or it is disabled. Enable "
               f"it by visiting {url} then retry. If you enabled this API recently, wait a few "
               "minutes for the action to propagate to our systems and retry.")
    details = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "SERVICE_DISABLED",
                "domain": "googleapis.com",
                "metadata": {"service": host, "consumer": f"projects/{project}",
                             "activationUrl": url, "serviceTitle": name}},
               {"@type": "type.googleapis.com/google.rpc.Help",
                "links": [{"description": "Google developers console API activation", "url": url}]}]
    return ApiError(403, message, drive=service == "drive", reason="accessNotConfigured",
                    details=details)


def storage_quota_exceeded() -> ApiError:
    """What Drive answers a service account creating a file in a My Drive (recorded message)."""
    return ApiError(403, "Service Accounts do not have storage quota. Leverage shared drives "
                    "(https://developers.google.com/workspace/drive/api/guides/about-shareddrives), "
                    "or use OAuth delegation (http://support.google.com/a/answer/7281227) instead.",
                    drive=True, reason="storageQuotaExceeded")


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


_FIELD = re.compile(r"^Invalid value at '([^']*)'|^Invalid JSON payload received\. "
                    r"Unknown name \"[^\"]*\" at '([^']*)'")


def unparsable(messages: list[str]) -> ApiError:
    """The 400 for a body or query the API cannot parse: every problem found, its messages joined
    by new lines, one ``fieldViolations`` item each (``field`` only when the message names a
    path: Google's error model, as public error threads show it)."""
    violations = []
    for message in messages:
        found = _FIELD.search(message)
        violations.append({"field": found.group(1) or found.group(2), "description": message}
                          if found else {"description": message})
    return ApiError(400, "\n".join(messages), details=[{
        "@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": violations}])


def not_found_drive(file_id: str) -> ApiError:
    return ApiError(404, f"File not found: {file_id}.", drive=True,
                    reason="notFound", location="fileId")


HTML_502 = """<!DOCTYPE html>
<html lang=en>
  <meta charset=utf-8>
  <meta name=viewport content="initial-scale=1, minimum-scale=1, width=device-width">
  <title>Error 502 (Server Error)!!1</title>
  <a href=//www.google.com/><span id=logo aria-label=Google></span></a>
  <p><b>502.</b> <ins>That\u2019s an error.</ins>
  <p>The server encountered a temporary error and could not complete your request.\
<p>Please try again in 30 seconds.  <ins>That\u2019s all we know.</ins>
"""

HTML_404 = """<!DOCTYPE html>
<html lang=en>
  <meta charset=utf-8>
  <title>Error 404 (Not Found)!!1</title>
  <p><b>404.</b> <ins>That\u2019s an error.</ins>
  <p>The requested URL <code>{path}</code> was not found on this server.  <ins>That\u2019s all we know.</ins>
"""


def errors_html(code: int, path: str = "/") -> str:
    """The HTML error page Google's front end sends for a status."""
    if code == 404:
        return HTML_404.format(path=path)
    if code == 502:
        return HTML_502
    return HTML_502.replace("502", str(code)).replace("Server Error", "Error")


class FakeNotImplemented(NotImplementedError):
    """The fake was asked for something it deliberately does not model.

    Raised out of the transport (not turned into an HTTP answer) so a test
    using it fails loudly instead of passing against invented behaviour.
    """


class InvalidRequestError(AssertionError):
    """A request body or query that the real API would reject was sent."""

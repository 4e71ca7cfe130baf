"""Google's OAuth 2.0 token endpoint (``POST https://oauth2.googleapis.com/token``) and the
identity behind every bearer token the fake issues.

Copied behaviour (Google's OAuth 2.0 docs, RFC 6749 section 5.2, google-auth's parsing):

* ``grant_type=refresh_token`` (client_id, client_secret, refresh_token[, scope]): 200
  ``{"access_token", "expires_in": 3599, "scope", "token_type": "Bearer"}``; a refresh token
  Google no longer honours (revoked, or a Testing-mode app's token after 7 days) is 400
  ``{"error": "invalid_grant", "error_description": "Token has been expired or revoked."}``;
  a wrong client is 401 ``invalid_client`` / "Unauthorized".
* ``grant_type=authorization_code`` (the installed-app flow's exchange, code + redirect_uri +
  client credentials): the same answer plus a ``refresh_token``; an unknown or reused code is
  400 ``invalid_grant`` / "Bad Request".
* ``grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`` (a service-account key): the
  assertion is an RS256 JWT signed with the key; its ``iat``/``exp`` must be within an hour and
  not in the future by the server's clock, else 400 ``invalid_grant`` "Invalid JWT: Token must
  be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp
  values in the JWT claim." (what a wrong system clock gets). A deleted key is ``invalid_grant``
  "Invalid JWT Signature.".
* IAM Credentials ``generateAccessToken`` (impersonating a service account): the caller's token
  must belong to someone granted Service Account Token Creator on it, else 403
  PERMISSION_DENIED "Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it
  may not exist)."; the answer is ``{"accessToken", "expireTime"}``.
* Each access token maps to an :class:`Identity`: who (e-mail), whether it is a service account
  (robot: no Drive storage of its own) and its scopes. An unknown or expired token on an API call
  is 401 UNAUTHENTICATED; a token without the scope an endpoint needs is 403
  ``ACCESS_TOKEN_SCOPE_INSUFFICIENT``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, unquote_plus

from .errors import ApiError

TOKEN_HOST = "oauth2.googleapis.com"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
SHEETS = "https://www.googleapis.com/auth/spreadsheets"
DRIVE = "https://www.googleapis.com/auth/drive"
DRIVE_FILE = "https://www.googleapis.com/auth/drive.file"
# scopes that see every file shared with the account, read-only: metadata (files.get/list
# without alt=media) for the first two, contents too for drive.readonly
DRIVE_METADATA_READ = frozenset({"https://www.googleapis.com/auth/drive.metadata.readonly",
                                 "https://www.googleapis.com/auth/drive.metadata",
                                 "https://www.googleapis.com/auth/drive.readonly"})
CLOUD = "https://www.googleapis.com/auth/cloud-platform"
FORMS_BODY = "https://www.googleapis.com/auth/forms.body"
FORMS_READONLY = "https://www.googleapis.com/auth/forms.body.readonly"
TESTING_EXPIRED = "Token has been expired or revoked."
BAD_JWT_TIME = ("Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable "
                "timeframe. Check your iat and exp values in the JWT claim.")
LIFETIME = 3599


@dataclass
class Identity:
    """Who a bearer token speaks for."""

    email: str
    robot: bool  # a service account
    scopes: frozenset[str]
    expires: datetime = field(default_factory=lambda: datetime.now(UTC) + timedelta(seconds=LIFETIME))

    def can(self, *wanted: str) -> bool:
        """Whether one of ``wanted`` (or a broader scope) was granted."""
        broader = {DRIVE_FILE: DRIVE, SHEETS: SHEETS, DRIVE: DRIVE}
        return any(w in self.scopes or broader.get(w, w) in self.scopes or CLOUD in self.scopes
                   for w in wanted)

    def reads_drive_metadata(self) -> bool:
        """Whether a read-only Drive scope lets it describe any file shared with it."""
        return bool(self.scopes & DRIVE_METADATA_READ)

    @property
    def drive_file_only(self) -> bool:
        return DRIVE not in self.scopes and CLOUD not in self.scopes \
            and not self.reads_drive_metadata()


@dataclass
class _Grant:
    email: str
    client_id: str
    scopes: frozenset[str]
    revoked: bool = False


class TokenServer:
    """The token endpoint's state: OAuth clients, refresh tokens, codes, service accounts."""

    def __init__(self) -> None:
        self.clients: dict[str, str] = {}  # client_id -> client_secret
        self.refresh_tokens: dict[str, _Grant] = {}
        self.codes: dict[str, tuple[_Grant, str]] = {}  # code -> (grant, refresh token)
        self.challenges: dict[str, str] = {}  # code -> PKCE S256 challenge
        self.service_accounts: dict[str, bool] = {}  # client_email -> key still valid
        self.access: dict[str, Identity] = {}
        self.token_creators: set[tuple[str, str]] = set()  # (who, service account) may impersonate
        self.clock_skew = timedelta(0)  # the server's clock minus this machine's

    # -- seeding (what a person does in the Cloud console / consent screen) -----------------
    def add_client(self, client_id: str, client_secret: str) -> None:
        self.clients[client_id] = client_secret

    def add_user(self, email: str, client_id: str, scopes: list[str],
                 refresh_token: str | None = None) -> str:
        """A refresh token as ``tonghop login`` would have saved it; returns it."""
        token = refresh_token or "1//0g" + secrets.token_urlsafe(40)
        self.refresh_tokens[token] = _Grant(email, client_id, frozenset(scopes))
        return token

    def consent(self, email: str, client_id: str, scopes: list[str], code_challenge: str = "") -> str:
        """A person clicked "Allow": an authorization code the loopback redirect carries.
        ``code_challenge`` (PKCE, S256): the exchange must bring the matching code_verifier."""
        code = "4/0A" + secrets.token_urlsafe(30)
        refresh = "1//0g" + secrets.token_urlsafe(40)
        self.codes[code] = (_Grant(email, client_id, frozenset(scopes)), refresh)
        self.challenges[code] = code_challenge
        return code

    def revoke(self, refresh_token: str) -> None:
        """What a Testing-mode app's token becomes after 7 days."""
        self.refresh_tokens[refresh_token].revoked = True

    def add_service_account(self, email: str) -> None:
        self.service_accounts[email] = True

    def delete_key(self, email: str) -> None:
        self.service_accounts[email] = False

    def grant_token_creator(self, who: str, service_account: str) -> None:
        """roles/iam.serviceAccountTokenCreator for ``who`` on ``service_account``."""
        self.token_creators.add((who, service_account))

    def impersonate(self, caller: Identity | None, target: str, body: bytes) -> tuple[int, dict]:
        if caller is None or (caller.email, target) not in self.token_creators:
            raise ApiError(403, "Permission 'iam.serviceAccounts.getAccessToken' denied on resource "
                           "(or it may not exist).")
        asked = json.loads(body.decode("utf-8"))
        answer = self.issue(target, True, frozenset(asked.get("scope") or []))
        expires = (datetime.now(UTC) + timedelta(seconds=LIFETIME)).strftime("%Y-%m-%dT%H:%M:%SZ")
        return 200, {"accessToken": answer["access_token"], "expireTime": expires}

    # -- the endpoint ---------------------------------------------------------------------
    def now(self) -> datetime:
        return datetime.now(UTC) + self.clock_skew

    def handle(self, body: bytes, authorization: str | None = None) -> tuple[int, dict]:
        """Client credentials in the body or as HTTP Basic (RFC 6749 2.3.1; both accepted)."""
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}
        kind, _, value = (authorization or "").partition(" ")
        if kind.lower() == "basic":
            try:
                cid, _, secret = base64.b64decode(value).decode("utf-8").partition(":")
            except ValueError:
                cid, secret = "", ""
            form.setdefault("client_id", unquote_plus(cid))
            form.setdefault("client_secret", unquote_plus(secret))
        grant = form.get("grant_type", "")
        if grant == "refresh_token":
            return self._refresh(form)
        if grant == "authorization_code":
            return self._code(form)
        if grant == JWT_BEARER:
            return self._jwt(form)
        return 400, {"error": "unsupported_grant_type", "error_description": "Invalid grant_type: " + grant}

    def _client_ok(self, form: dict) -> bool:
        cid = form.get("client_id", "")
        return cid in self.clients and self.clients[cid] == form.get("client_secret")

    def _refresh(self, form: dict) -> tuple[int, dict]:
        if not self._client_ok(form):
            return 401, {"error": "invalid_client", "error_description": "Unauthorized"}
        grant = self.refresh_tokens.get(form.get("refresh_token", ""))
        if grant is None or grant.revoked or grant.client_id != form.get("client_id"):
            return 400, {"error": "invalid_grant", "error_description": TESTING_EXPIRED}
        scopes = grant.scopes
        if form.get("scope"):
            wanted = frozenset(form["scope"].split())
            if not wanted <= grant.scopes:
                return 400, {"error": "invalid_scope",
                             "error_description": "Bad Request"}
            scopes = wanted
        return 200, self.issue(grant.email, False, scopes)

    def _code(self, form: dict) -> tuple[int, dict]:
        if not self._client_ok(form):
            return 401, {"error": "invalid_client", "error_description": "Unauthorized"}
        found = self.codes.pop(form.get("code", ""), None)
        challenge = self.challenges.pop(form.get("code", ""), "")
        verifier = form.get("code_verifier", "").encode()
        if challenge and base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=").decode() \
                != challenge:
            found = None
        if found is None:
            return 400, {"error": "invalid_grant", "error_description": "Bad Request"}
        grant, refresh = found
        self.refresh_tokens[refresh] = grant
        answer = self.issue(grant.email, False, grant.scopes)
        answer["refresh_token"] = refresh
        return 200, answer

    def _jwt(self, form: dict) -> tuple[int, dict]:
        try:
            _, payload_b64, _ = form.get("assertion", "").split(".")
            claims = json.loads(base64.urlsafe_b64decode(payload_b64 + "=" * (-len(payload_b64) % 4)))
        except ValueError:
            return 400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
        email = claims.get("iss", "")
        if not self.service_accounts.get(email, False):
            return 400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
        now = self.now().timestamp()
        iat, exp = claims.get("iat", 0), claims.get("exp", 0)
        if iat > now + 300 or exp < now or exp - iat > 3600:
            return 400, {"error": "invalid_grant", "error_description": BAD_JWT_TIME}
        return 200, self.issue(email, True, frozenset(claims.get("scope", "").split()))

    def issue(self, email: str, robot: bool, scopes: frozenset[str]) -> dict:
        """A token answer for ``email`` (also for tests that need a token without a grant)."""
        token = "ya29.fake-" + secrets.token_urlsafe(48)
        self.access[token] = Identity(email, robot, scopes)
        return {"access_token": token, "expires_in": LIFETIME, "scope": " ".join(sorted(scopes)),
                "token_type": "Bearer"}

    # -- API calls --------------------------------------------------------------------------
    def identify(self, authorization: str | None) -> Identity | None:
        """The identity of an API request; None when it carries no token (the fake's tests of
        the API itself); 401 for a token the fake never issued or that expired."""
        if not authorization:
            return None
        kind, _, token = authorization.partition(" ")
        who = self.access.get(token) if kind.lower() == "bearer" else None
        if who is None or who.expires < datetime.now(UTC):
            raise ApiError(401, "Request had invalid authentication credentials. Expected OAuth 2 "
                           "access token, login cookie or other valid authentication credential. "
                           "See https://developers.google.com/identity/sign-in/web/devconsole-project.")
        return who


def insufficient_scopes(drive: bool, service: str = "") -> ApiError:
    """403 for a token without the scope the API needs (recorded shape: ErrorInfo
    ACCESS_TOKEN_SCOPE_INSUFFICIENT; Drive also its legacy ``insufficientPermissions`` item)."""
    service = service or ("drive.googleapis.com" if drive else "sheets.googleapis.com")
    details = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT", "domain": "googleapis.com",
                "metadata": {"service": service}}]
    return ApiError(403, "Request had insufficient authentication scopes.", drive=drive,
                    reason="insufficientPermissions" if drive else None, details=details)


"""Sign in as a staff member (backend.auth = "oauth"): once, then `sync` runs unattended.

Opens Google's consent page in a browser; after "Allow", Google sends the browser back to
http://localhost:PORT/ where this command waits, and the token is saved next to the data
(<data_dir>/google-token.json, readable by this user only). `sync` refreshes it by itself.

On a server without a browser it prints the address to open on a computer that has one, and how
to get the answer back: forward the port over ssh (ssh -L PORT:localhost:PORT user@server), or
run `login` on that computer and copy the token file to the same place on the server.

Needs backend.oauth_client: the JSON of a "Desktop app" OAuth client (docs/google.md).

Example:
  tonghop login --config config.toml
  tonghop login --config /etc/tonghop/config.toml --no-browser --port 8765
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import sys
import webbrowser
from pathlib import Path
from typing import TYPE_CHECKING

from sync.commands.common import add_command, add_config, config_of
from sync.config import AuthMode, Config
from sync.errors import AccessError, UsageError
from sync.rules.text import one_line

if TYPE_CHECKING:  # the sign-in libraries are imported when `login` runs, not by every command
    from google_auth_oauthlib.flow import InstalledAppFlow

HEADLESS_PORT = 8765  # fixed, so the ssh -L line can be written down before it runs
URL = "\0url\0"  # where the consent page's address goes in the prompt
DONE_PAGE = "tonghop: signed in. You can close this tab and go back to the terminal."


def register(sub) -> None:
    parser = add_command(sub, "login", __doc__, run)
    add_config(parser)
    parser.add_argument("--no-browser", action="store_true",
                        help="do not open a browser here; print the address to open elsewhere")
    parser.add_argument("--port", type=int, default=None, metavar="N",
                        help=f"the loopback port to wait on (default: any free one with a browser, "
                             f"{HEADLESS_PORT} without)")
    parser.add_argument("--edit-forms", action="store_true",
                        help="also let tonghop edit linked forms (a campaign with 'Đồng bộ danh "
                             "sách đơn vị' = Có keeps the form's unit dropdown): the forms.body scope")
    parser.add_argument("--timeout", type=float, default=600.0, metavar="SECONDS",
                        help="how long to wait for Google's answer (default 600)")


def run(args) -> int:
    config = config_of(args)
    if config.backend.kind != "google":
        raise UsageError(f"login is for the Google backend; {config.path} uses the local workbook "
                         "(backend.kind = \"local\"), which needs no sign-in")
    if config.backend.auth_mode is not AuthMode.OAUTH:
        raise UsageError(f"login is for backend.auth = \"oauth\"; {config.path} uses "
                         f"\"{config.backend.auth}\" (see docs/google.md)")
    sign_in_person(config, no_browser=args.no_browser, port=args.port, timeout=args.timeout,
                   forms=True, keep_dropdowns=args.edit_forms)
    print(f"Next: tonghop check --config {config.path}")
    return 0


def sign_in_person(config: Config, *, no_browser: bool, port: int | None, timeout: float,
                   forms: bool, keep_dropdowns: bool) -> None:
    """The installed-app flow; the token saved to ``config.token_path``. ``forms``: also read
    linked forms; ``keep_dropdowns``: also edit them (a campaign keeps its unit dropdown)."""
    from google_auth_oauthlib.flow import WSGITimeoutError
    from oauthlib.oauth2.rfc6749.errors import OAuth2Error

    from sync.backends import google
    from sync.backends.credentials import SavedUserCredentials, save_token

    flow = _flow(config, person_scopes(config, forms, keep_dropdowns))
    for prefix, adapter in google.transport_adapters().items():
        flow.oauth2session.mount(prefix, adapter)
    browser = not no_browser and _has_browser()
    port = port if port is not None else (0 if browser else HEADLESS_PORT)
    token = config.token_path
    prompt = (f"Opening Google's sign-in page in your browser. If it does not open, visit:\n{URL}\n"
              if browser else _headless(config, token, port))
    prompt = prompt.replace("{", "{{").replace("}", "}}").replace(URL, "{url}")
    try:
        credentials = flow.run_local_server(
            host="localhost", port=port, open_browser=browser, timeout_seconds=timeout,
            authorization_prompt_message=prompt, success_message=DONE_PAGE,
            access_type="offline", prompt="consent")
    except OSError as err:
        raise UsageError(f"cannot wait on localhost port {port} ({err.strerror or err}): choose "
                         "another with --port") from None
    except WSGITimeoutError:
        raise AccessError(f"no answer from the browser within {timeout:.0f} s: run "
                          f"`tonghop login --config {config.path}` again") from None
    except OAuth2Error as err:
        raise AccessError(f"Google did not sign you in ({one_line(err.error, 80)}: "
                          f"{one_line(err.description or '', 160)}): run login again and choose "
                          "\"Allow\"") from None
    saved = SavedUserCredentials.from_authorized_user_info(json.loads(credentials.to_json()))
    save_token(token, saved)
    print(f"Signed in. Token saved to {token} (readable by {getpass.getuser()} only).")


def person_scopes(config: Config, forms: bool, keep_dropdowns: bool) -> list[str]:
    from sync.backends.credentials import scopes_for
    from sync.backends.forms import FORMS_READ_SCOPE, FORMS_WRITE_SCOPE

    scopes = scopes_for(config, robot=False)
    if keep_dropdowns:
        scopes.append(FORMS_WRITE_SCOPE)
    elif forms:
        scopes.append(FORMS_READ_SCOPE)
    return scopes


def _flow(config: Config, scopes: list[str]) -> InstalledAppFlow:
    from google_auth_oauthlib.flow import InstalledAppFlow

    path = config.resolve(config.backend.oauth_client)
    where = f"OAuth client file {path}"
    fix = "create a \"Desktop app\" OAuth client in the Cloud console and download its JSON " \
          "(docs/google.md)"
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AccessError(f"{where} not found: {fix}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise AccessError(f"{where} is not a client JSON: {fix}") from None
    if isinstance(info, dict) and "web" in info:
        raise AccessError(f"{where} is a \"Web application\" client; {fix}")
    try:
        return InstalledAppFlow.from_client_config(info, scopes)
    except (ValueError, KeyError, TypeError):
        raise AccessError(f"{where} is not a \"Desktop app\" client JSON: {fix}") from None


def _has_browser() -> bool:
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY")
                                                 or os.environ.get("WAYLAND_DISPLAY")):
        return False  # a console browser (lynx, w3m) cannot do Google's sign-in
    try:
        webbrowser.get()
    except webbrowser.Error:
        return False
    return True


def _headless(config: Config, token: Path, port: int) -> str:
    host = socket.gethostname()
    user = getpass.getuser()
    return "\n".join([
        "No browser on this machine. On a computer that has one, either:",
        f"  a) forward the port, keep it open:   ssh -L {port}:localhost:{port} {user}@{host}",
        "     then open this address there and choose \"Allow\":",
        URL,
        "  b) or run `tonghop login --config ...` on that computer and copy its token file here to",
        f"     {token}   (then: chmod 600 {token})",
        f"Waiting for Google's answer on http://localhost:{port}/ (Ctrl+C to stop) ...",
        "",
    ])

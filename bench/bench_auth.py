"""What signing in and Drive uploads cost, and how long a dead network takes to be named.

Measures, in the same run and on the same machine:

1. Drive uploads of a demo-sized draft (``--kb`` kB) into the in-process fake, through the Google
   backend's session and retry policy:
   * baseline: the hand-built ``multipart/related`` POST tonghop used before (reimplemented here);
   * ours: google-api-python-client's ``MediaIoBaseUpload`` through ``SessionHttp``.
   Median per upload, and the one-time cost of importing googleapiclient and building the Drive
   service, in a fresh interpreter (against ``python -c pass``).
2. A token endpoint that refuses connections (a closed port on 127.0.0.1; no network needed):
   * baseline: google-auth's default ``AuthorizedSession`` (its token session retries with
     urllib3, and google-auth retries the token request itself) under the sync's default policy
     (6 attempts, up to 120 s);
   * ours: ``check``'s path: ``TokenRequest`` on a plain session, 2 attempts.
   Wall time until the one-line error, sleeping for real.

    python bench/bench_auth.py [--uploads 20] [--kb 40] [--skip-network]
"""

from __future__ import annotations

import argparse
import json
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from google.auth.transport.requests import AuthorizedSession  # noqa: E402

from reports.drive import DOCX, DriveFolder  # noqa: E402
from sync.backends.credentials import Identity, load_key  # noqa: E402
from sync.backends.google import authorized_session  # noqa: E402
from sync.backends.retry import RetryingHTTPClient, RetryPolicy  # noqa: E402
from sync.config import AuthMode  # noqa: E402
from tests.fakesheets import FakeGoogle  # noqa: E402

UPLOAD_URL = "https://www.googleapis.com/upload/drive/v3/files"


def hand_built(http, folder: str, content: bytes, name: str) -> dict:
    """The previous implementation: a multipart/related body assembled by hand."""
    boundary = "tonghop-" + secrets.token_hex(16)
    meta = {"name": name, "mimeType": DOCX, "parents": [folder]}
    body = (f"--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n"
            f"{json.dumps(meta, ensure_ascii=False)}\r\n--{boundary}\r\nContent-Type: {DOCX}\r\n\r\n"
            ).encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return http.request("post", UPLOAD_URL, data=body,
                        params={"uploadType": "multipart", "supportsAllDrives": "true", "fields": "id"},
                        headers={"Content-Type": f"multipart/related; boundary={boundary}"}).json()


def uploads(n: int, kb: int) -> None:
    fake = FakeGoogle(strict=False)
    folder = fake.add_drive_folder(name="Bench", shared_drive=True)
    http = RetryingHTTPClient.with_policy(RetryPolicy())(None, fake.session())
    content = b"PK\x03\x04" + secrets.token_bytes(kb * 1024)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "draft.docx"
        path.write_bytes(content)
        identity = Identity(AuthMode.SERVICE_ACCOUNT, "bench@x.iam.gserviceaccount.com", True, "bench")
        drive = DriveFolder(http, identity, folder)
        drive.folder()
        drive.upload(path, "warm.docx", "warm")  # import + build outside the timing
        base, ours = [], []
        for i in range(n):
            t = time.perf_counter()
            hand_built(http, folder, content, f"b{i}.docx")
            base.append(time.perf_counter() - t)
            t = time.perf_counter()
            drive.upload(path, f"o{i}.docx", f"o{i}")
            ours.append(time.perf_counter() - t)
    b, o = statistics.median(base), statistics.median(ours)
    print(f"upload of {kb} kB into the fake, median of {n}: hand-built multipart {b * 1000:.2f} ms, "
          f"MediaIoBaseUpload {o * 1000:.2f} ms, ratio {o / b:.2f}")
    code = ("from googleapiclient.discovery import build; "
            "build('drive', 'v3', http=object(), static_discovery=True, cache_discovery=False)")
    first = _fresh(code) - _fresh("pass")
    print(f"one-time cost per process (import googleapiclient + build Drive v3), fresh interpreter: "
          f"{first * 1000:.0f} ms")


def _fresh(code: str, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def dead_token_endpoint() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory() as tmp:
        key_file = _key(Path(tmp), f"https://127.0.0.1:{port}/token")
        key = load_key(key_file)
        scopes = ["https://www.googleapis.com/auth/spreadsheets"]
        sheet = "https://sheets.googleapis.com/v4/spreadsheets/1Bench"
        results = {}
        for label, session, policy in (
            ("google-auth default session, sync policy (6 attempts)",
             AuthorizedSession(key.credentials(scopes)), RetryPolicy()),
            ("TokenRequest on a plain session, check policy (2 attempts)",
             authorized_session(key.credentials(scopes), 15.0),
             RetryPolicy(max_attempts=2, max_seconds=5.0, timeout=15.0)),
        ):
            http = RetryingHTTPClient.with_policy(policy)(None, session)
            t = time.perf_counter()
            try:
                http.request("get", sheet)
            except Exception as err:  # noqa: BLE001 - the point is how long it takes to get here
                results[label] = (time.perf_counter() - t, type(err).__name__, http.attempts)
        for label, (seconds, kind, attempts) in results.items():
            print(f"refused token endpoint, {label}: {seconds:.1f} s to {kind} after {attempts} attempts")
        (old, *_), (new, *_) = results.values()
        print(f"ratio (ours / baseline): {new / old:.3f}")


def _key(directory: Path, token_uri: str) -> Path:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()).decode()
    path = directory / "key.json"
    path.write_text(json.dumps({"type": "service_account", "project_id": "bench", "private_key": pem,
                                "client_email": "bench@bench.iam.gserviceaccount.com",
                                "token_uri": token_uri}), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=20)
    parser.add_argument("--kb", type=int, default=40)
    parser.add_argument("--skip-network", action="store_true", help="skip part 2 (it sleeps ~30 s)")
    args = parser.parse_args()
    uploads(args.uploads, args.kb)
    if not args.skip_network:
        dead_token_endpoint()


if __name__ == "__main__":
    main()

"""Multipart upload bodies, as Drive's ``uploadType=multipart`` takes them.

Drive documents ``multipart/related``: a JSON metadata part, then the media
part. ``multipart/form-data`` (what ``requests``' ``files=`` sends) is
accepted as well, in the same order. A part may be base64 encoded
(``Content-Transfer-Encoding: base64``).
"""

from __future__ import annotations

import base64
import json
import re

from .errors import ApiError


def parse_multipart(body: bytes, content_type: str) -> tuple[dict, bytes, str | None]:
    """(metadata JSON, media bytes, media content type) of a multipart upload."""
    m = re.search(r'boundary="?([^";]+)"?', content_type or "")
    if not m:
        raise ApiError(400, "Malformed multipart body.", drive=True, reason="badContent")
    boundary = b"--" + m.group(1).encode()
    parts = []
    for chunk in body.split(boundary)[1:]:
        if chunk.startswith(b"--"):
            break
        chunk = chunk[2:] if chunk.startswith(b"\r\n") else chunk.lstrip(b"\n")
        head, sep, data = chunk.partition(b"\r\n\r\n")
        if not sep:
            head, _, data = chunk.partition(b"\n\n")
        if data.endswith(b"\r\n"):
            data = data[:-2]
        elif data.endswith(b"\n"):
            data = data[:-1]
        headers = {}
        for line in head.decode("latin-1").splitlines():
            if ":" in line:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        if headers.get("content-transfer-encoding", "").lower() == "base64":
            data = base64.b64decode(data)
        parts.append((headers, data))
    if len(parts) != 2:
        raise ApiError(400, "Multipart upload needs exactly a metadata part and a media part.",
                       drive=True, reason="badContent")
    try:
        meta = json.loads(parts[0][1].decode("utf-8") or "{}")
    except ValueError:
        raise ApiError(400, "Invalid JSON in the metadata part.", drive=True,
                       reason="parseError") from None
    media_type = parts[1][0].get("content-type")
    return meta, parts[1][1], media_type

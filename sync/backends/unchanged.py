"""The no-op shortcut: a spreadsheet whose Drive ``version`` has not moved since the last full
read is not read again; the cycle evaluates what that read got (with its own ``now``).

Drive's ``version`` changes with every change to the file on the server (a value, a tab, a sort,
a format, developer metadata; the tool's own writes too), so "same version" means "same
spreadsheet". The version is asked *before* the full read and stored with what that read got: an
edit between the two makes the next cycle read again, never the other way round.

One JSON file per spreadsheet in ``<data>/google-reads/<id>/<version>.json``, written
atomically (the version in the name: a changed spreadsheet costs no parse of the old file):
the version and Google's two answers as they came (``spreadsheets.get`` metadata and
``values:batchGet`` value ranges), so the Book, anchors and merges are rebuilt by the same code
as after a full read. The snapshots (sync/unattended/snapshots.py) hold values only, not the
metadata a write needs, and only when staff's part changed, so they cannot stand in for it.
"""

from __future__ import annotations

import contextlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from sync.backends.files import write_atomically

__all__ = ["FORMAT", "LastRead", "ReadCache"]

FORMAT = "tonghop-google-read/1"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LastRead:
    version: str
    meta: dict
    value_ranges: list[dict]


class ReadCache:
    """``{spreadsheet id: (version, the full read then)}`` in the data folder."""

    def __init__(self, folder: Path):
        self.folder = folder

    def _path(self, sid: str, version: str) -> Path:
        # ids are [A-Za-z0-9_-]+ (checked before a read); Drive's versions are digits
        return self.folder / sid / f"{version}.json"

    def get(self, sid: str, version: str) -> LastRead | None:
        """The read stored for ``sid`` if it was taken at ``version``; else None."""
        if not version.isdigit():
            return None
        path = self._path(sid, version)
        try:
            with path.open("rb") as handle:
                data = json.load(handle)
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as err:  # a damaged file only costs a full read
            log.info("ignoring %s (%s): reading the spreadsheet in full", path, err)
            return None
        if not isinstance(data, dict) or data.get("format") != FORMAT \
                or data.get("version") != version:
            return None
        return LastRead(version, data["meta"], data["valueRanges"])

    def put(self, sid: str, version: str, meta: dict, value_ranges: list[dict]) -> None:
        self.forget(sid)
        if not version.isdigit():
            return
        payload = json.dumps({"format": FORMAT, "version": version, "meta": meta,
                              "valueRanges": value_ranges}, ensure_ascii=False,
                             separators=(",", ":")).encode("utf-8")
        try:
            write_atomically(self._path(sid, version), lambda handle: handle.write(payload))
        except OSError as err:  # the shortcut is an optimisation: never fail a cycle over it
            log.info("cannot keep the read of %s in %s (%s): the next cycle reads in full",
                     sid, self.folder, err)
            self.forget(sid)

    def forget(self, sid: str) -> None:
        folder = self.folder / sid
        if folder.is_dir():
            for path in folder.glob("*.json"):
                with contextlib.suppress(OSError):
                    path.unlink()

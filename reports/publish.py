"""Where drafts go and the "Báo cáo" tab that lists them.

Local backend: the drafts stay in the output folder and the tab holds their paths. Google
backend signed in as a person: each draft is also uploaded to Drive (``reports.drive_folder``, or
tonghop's own folder; reports/drive.py) and the tab holds its link; as a service account, only
when ``reports.drive_folder`` is set (a folder in a shared drive). The tab has one row per
(campaign, kind), planned with ``plan_keyed_table`` like the status tab, so a run that changes no draft writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from reports.context import DraftKind
from reports.drive import OWN_FOLDER, DriveFolder
from sync.backends.base import Backend, Tab, WriteBatch
from sync.config import Config
from sync.errors import ConfigError
from sync.rules import headers as H
from sync.rules.parse import columns_of
from sync.rules.plan import plan_keyed_table
from sync.rules.text import clean

CAMPAIGN, KIND, FILE, AT, LOCATION, FILE_ID, FINGERPRINT = H.REPORT_HEADERS


@dataclass(frozen=True)
class Draft:
    campaign: str
    kind: DraftKind
    path: Path  # the local .docx
    location: str  # what the tab shows: the local path, or the Drive link
    at: str  # when it was made, as the tab shows it
    fingerprint: str = ""  # of its context and template: unchanged means nothing to redo
    file_id: str = ""  # on Drive
    written: bool = True  # False: unchanged since the run that made it

    @property
    def key(self) -> tuple[str, str]:
        return (self.campaign, self.kind.label)

    def row(self) -> dict[str, str]:
        return {CAMPAIGN: self.campaign, KIND: self.kind.label, FILE: self.path.name,
                AT: self.at, LOCATION: self.location, FILE_ID: self.file_id,
                FINGERPRINT: self.fingerprint}


def previous_rows(tab: Tab | None) -> dict[tuple[str, str], dict[str, str]]:
    """The tab as it is: (campaign, kind label) -> its row, by header."""
    if tab is None or not tab.values:
        return {}
    cols = columns_of(tab)
    where = {h: cols.find(h) for h in H.REPORT_HEADERS}
    out: dict[tuple[str, str], dict[str, str]] = {}
    for line in tab.values[1:]:
        row = {h: clean(line[i]) if i is not None and i < len(line) else ""
               for h, i in where.items()}
        key = (row[CAMPAIGN], row[KIND])
        if all(key):
            out.setdefault(key, row)
    return out


def plan_reports_tab(tab: Tab | None, title: str, drafts: Iterable[Draft],
                     previous: Mapping[tuple[str, str], dict[str, str]]) -> WriteBatch:
    """Rows for this run's drafts; other campaigns' rows stay as they are."""
    rows = {d.key: d.row() for d in drafts}
    for key, row in previous.items():
        rows.setdefault(key, row)
    return plan_keyed_table(tab, title, H.REPORT_HEADERS[:2], H.REPORT_HEADERS, list(rows.values()))


def drive_for(config: Config, backend: Backend) -> DriveFolder | None:
    """The Drive folder drafts go to, or None when they stay local."""
    folder = config.reports.drive_folder.strip()
    identity = getattr(backend, "identity", None)
    if backend.kind != "google" or identity is None or (identity.robot and not folder):
        return None
    http = getattr(backend, "http", None)
    if http is None:
        raise ConfigError(f"{config.path}: 'reports.drive_folder' needs the Google backend's "
                          "session, which this backend does not have")
    return DriveFolder(http, identity, folder, remembered=own_folder_file(config),
                       name=own_folder_name(config), config_path=str(config.path))


def own_folder_file(config: Config) -> Path:
    """Where the id of tonghop's own Drive folder is remembered."""
    return config.data_path / "drive-folder.json"


def own_folder_name(config: Config) -> str:
    """'tonghop - Báo cáo Phòng Nội vụ'."""
    org = config.organization
    issuer = clean(org.issuing_body_name or org.issuing_body)
    return f"{OWN_FOLDER} {issuer}" if issuer else OWN_FOLDER

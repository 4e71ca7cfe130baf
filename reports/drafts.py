"""Write a campaign's drafts: build the context, render what changed, publish, list them.

For each campaign four drafts (the report, the list of proposed commendations, the per-unit
annex: ``<date>_<campaign>_<kind>.docx``; the summary spreadsheet "Biểu tổng hợp":
``<date>_<campaign>_bieu-tong-hop.xlsx``) go to the output folder; an interim draft attaches
only what has content (no list before a proposal, no annex before a unit sent). A draft whose context
and template are the same as when the "Báo cáo" tab last listed it, and whose file is still there,
is not rendered, uploaded or listed again: a sync every 15 minutes costs nothing until a figure
changes (or the date does).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterable
from datetime import datetime
from importlib.resources import as_file
from importlib.resources.abc import Traversable
from pathlib import Path

from reports.chart import status_chart
from reports.context import DraftKind, attached, campaign_context, campaign_value
from reports.pdf import to_pdf
from reports.publish import (
    AT,
    FILE,
    FILE_ID,
    FINGERPRINT,
    LOCATION,
    Draft,
    drive_for,
    plan_reports_tab,
    previous_rows,
)
from reports.render import TemplateError, render
from reports.workbook import write_summary
from sync import bundled
from sync.backends.base import Backend, WriteBatch
from sync.config import Config
from sync.cycle import State
from sync.rules import headers as H
from sync.rules.models import Campaign
from sync.rules.text import nfc
from sync.rules.timeparse import format_vn

log = logging.getLogger(__name__)

_UNSAFE = re.compile(r"[^\w.-]+")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUMMARY_VERSION = b"bieu-tong-hop 2"  # bump when reports/workbook.py changes the layout


def write_drafts(config: Config, backend: Backend, state: State, now: datetime,
                 campaigns: Iterable[str] | None = None, pdf: bool = False,
                 tab_batch: WriteBatch | None = None,
                 notices: list[str] | None = None) -> list[Draft]:
    """Write the drafts of ``campaigns`` (codes; default: every evaluated campaign), publish
    them, and bring the "Báo cáo" tab up to date (one write batch, none when nothing changed).
    With ``tab_batch``, the tab's cells are added to it instead, for the caller to write with the
    rest of its cycle (one write per spreadsheet). With ``pdf``, a PDF beside each .docx.
    ``notices`` receives what the user should hear once (a Drive folder made for the drafts)."""
    chosen = state.chosen(campaigns)
    tab_title = config.tabs.reports
    tab = state.books[""].find_tab(tab_title)
    previous = previous_rows(tab)
    drive = drive_for(config, backend)
    drafts: list[Draft] = []
    try:
        for campaign in chosen:
            drafts += _campaign_drafts(config, state, campaign, now, previous, drive)
    finally:
        if drive is not None and drive.created is not None and notices is not None:
            notices.append(f"made the Drive folder '{drive.created.name}' for the drafts: "
                           f"{drive.created.link}")
        # Even after a failure half-way: what was uploaded is listed, so the next run replaces
        # those files on Drive instead of adding copies.
        batch = plan_reports_tab(tab, tab.title if tab else tab_title, drafts, previous)
        if tab_batch is None:
            backend.write("", batch)
        else:
            tab_batch.merge(batch)
    if pdf:
        # the documents only: the .xlsx summary is a spreadsheet, and LibreOffice Writer alone
        # (what the README has people install) cannot open it
        to_pdf([d.path for d in drafts if d.path.suffix == ".docx"
                and (d.written or not d.path.with_suffix(".pdf").exists())])
    return drafts


def _campaign_drafts(config: Config, state: State, campaign: Campaign, now: datetime,
                     previous: dict, drive) -> list[Draft]:
    context = campaign_context(config, state, campaign, now)
    # The clock alone does not make a new draft: the figures, the date line or the template do.
    facts = json.dumps({k: v for k, v in context.items() if k not in ("as_of", "generated_at", "progress")},
                       sort_keys=True, ensure_ascii=False, default=str).encode()
    out = []
    wanted = attached(context)
    # a repeating campaign's drafts are per period: each its own files and its own row of the tab
    key = campaign.code if campaign.period is None else f"{campaign.code} {campaign.period.label}"
    for kind in DraftKind:
        if kind not in wanted:  # an interim draft attaches only what has content
            continue
        template = None if kind is DraftKind.SUMMARY else template_for(config, campaign, kind)
        name = file_name(now.astimezone(config.tz), key, kind)
        path = config.output_path / name
        layout = template.read_bytes() if template else SUMMARY_VERSION
        fingerprint = hashlib.sha256(facts + layout).hexdigest()[:16]
        before = previous.get((key, kind.label))
        if (before and before[FINGERPRINT] == fingerprint and before[FILE] == name
                and path.exists() and (drive is None or before[FILE_ID])):
            out.append(Draft(key, kind, path, before[LOCATION], before[AT],
                             fingerprint, before[FILE_ID], written=False))
            continue
        if template is None:
            write_summary(context, state.figure_table(campaign.code), path,
                          state.comparisons.get(campaign.code))
        else:
            chart = status_chart(context["groups"], context["status_labels"]) \
                if kind is DraftKind.REPORT else None
            with as_file(template) as template_path:  # a real file even from a zipped install
                render(template_path, context, path, chart)
        location, file_id = str(path.resolve()), ""
        if drive is not None:
            uploaded = drive.upload(path, name, f"{campaign.code}/{kind.value}",
                                    before[FILE_ID] if before else "",
                                    **({"mime_type": XLSX} if template is None else {}))
            location, file_id = uploaded.link, uploaded.file_id
        log.info("draft %s written (%s)", name, location)
        out.append(Draft(key, kind, path, location, format_vn(now, config.tz),
                         fingerprint, file_id))
    return out


def file_name(day: datetime, code: str, kind: DraftKind) -> str:
    """``2023-06-20_NTVT_bao-cao.docx``; a code with characters unsafe in file names keeps
    its letters and digits."""
    safe = _UNSAFE.sub("-", nfc(code)).strip("-.") or "dot"
    return f"{day:%Y-%m-%d}_{safe}_{kind.value}{kind.suffix}"


def template_for(config: Config, campaign: Campaign, kind: DraftKind) -> Path | Traversable:
    """The campaign's own report template (column "Mẫu báo cáo"), else the office's templates
    folder (``reports.templates_dir``), else the bundled one."""
    folder = config.resolve(config.reports.templates_dir) if config.reports.templates_dir else None
    own = campaign_value(campaign, H.CAMPAIGN_REPORT_TEMPLATE) if kind is DraftKind.REPORT else ""
    if own:
        path = Path(own if own.lower().endswith(".docx") else f"{own}.docx").expanduser()
        path = path if path.is_absolute() else (folder or config.base_dir) / path
        if not path.is_file():
            raise TemplateError(
                f"campaign {campaign.code}: template '{own}' (column '{H.CAMPAIGN_REPORT_TEMPLATE[0]}' "
                f"of tab '{config.tabs.campaigns}', row {campaign.row}) not found at {path}")
        return path
    name = f"{kind.value}.docx"
    if folder is not None and (folder / name).is_file():
        return folder / name
    if bundled.template(name).is_file():
        return bundled.template(name)
    raise TemplateError(f"template {name} not found in {folder or bundled.where()} "
                        "(put it in the folder 'reports.templates_dir' names, or reinstall "
                        "tonghop: its templates are missing)")

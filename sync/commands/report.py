"""Write the report drafts (.docx, Decree 30/2020 layout) of each campaign.

Per campaign: the summary report (BÁO CÁO) with every figure filled in and highlighted places
for staff's prose, the list of proposed commendations (Phụ lục I) and the per-unit status annex
(Phụ lục II), named <date>_<campaign>_<kind>.docx in the output folder. The tab "Báo cáo" of the
control spreadsheet lists the latest drafts (file paths; Drive links with the Google backend and
reports.drive_folder). A draft whose figures have not changed is left as it is.

Example:
  tonghop report --config tonghop-demo/config.toml --now 2023-06-20T10:00
  tonghop report --config config.toml --campaign NTVT --pdf
  tonghop report --config config.toml --campaign BCTN --period "Tháng 5/2023"

A repeating campaign is drafted for its current period (the files and the tab's row name it);
--period drafts another period it has evaluated.
"""

from __future__ import annotations

from sync.commands.common import add_command, add_config, add_now, add_period, config_of, now_of
from sync.progress import Progress
from sync.summary import counted
from sync.unattended.job import drafts_once, file_logging


def register(sub) -> None:
    parser = add_command(sub, "report", __doc__, run)
    add_config(parser)
    add_now(parser)
    parser.add_argument("--campaign", metavar="CODE", action="append",
                        help="only this campaign (repeat for several); default: every campaign")
    parser.add_argument("--pdf", action="store_true",
                        help="also a PDF of each draft (needs LibreOffice); "
                             "default: reports.pdf in the config")
    add_period(parser)


def run(args) -> int:
    config = config_of(args)
    now = now_of(args, config)
    notices: list[str] = []
    with file_logging(config, verbose=args.verbose):  # a draft that fails is in the log too
        drafts = drafts_once(config, now, progress=Progress(), campaigns=args.campaign,
                             pdf=args.pdf or config.reports.pdf, notices=notices,
                             period=args.period)
    for notice in notices:
        print(notice)
    for draft in drafts:
        verb = "wrote    " if draft.written else "unchanged"
        print(f"{verb} {draft.campaign:<8} {draft.kind.label:<38} {draft.location}")
    written = sum(d.written for d in drafts)
    print(f"report: {len(drafts)} drafts for {counted(len({d.campaign for d in drafts}), 'campaign')}, "
          f"{written} written, {len(drafts) - written} unchanged; "
          f"listed in tab '{config.tabs.reports}'")
    return 0

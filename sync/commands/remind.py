"""Print the message to paste into the units' group chat (Zalo, Messenger) (reads, writes nothing).

For each campaign (or the one named by --campaign): its deadline and the time left, the units
that have not sent yet (by group, with their roster names), those whose answer is incomplete and
what is missing, and the form link. Plain text in short lines, no tables: it survives pasting.
Each sync keeps the same text in the reminders tab ("Nhắc nhở", column "Tin nhắn nhóm"), one
cell per campaign, for staff to copy from the spreadsheet.

Example:
  tonghop remind --text --config tonghop-demo/config.toml --now 2023-06-28T09:00
  tonghop remind --text --config config.toml --campaign PCCC
"""

from __future__ import annotations

from sync.backends import open_backend
from sync.commands.common import add_command, add_config, add_now, config_of, now_of
from sync.cycle import read_state
from sync.errors import UsageError
from sync.rules.chat import chat_text


def register(sub) -> None:
    parser = add_command(sub, "remind", __doc__, run)
    add_config(parser)
    add_now(parser)
    parser.add_argument("--text", action="store_true",
                        help="print the group-chat message (the only form for now)")
    parser.add_argument("--campaign", metavar="CODE", action="append",
                        help="only this campaign (repeat for several); default: every campaign")


def run(args) -> int:
    if not args.text:
        raise UsageError("remind: say --text (the message for the group chat is printed; "
                         "reminder e-mails go out with `sync`)")
    config = config_of(args)
    now = now_of(args, config)
    state = read_state(config, open_backend(config), now)
    texts = [chat_text(c, state.statuses_of(c.code), now, config.tz)
             for c in state.chosen(args.campaign)]
    print("\n\n".join(texts) if texts else "(no campaign was evaluated: see `tonghop sync`)")
    return 0

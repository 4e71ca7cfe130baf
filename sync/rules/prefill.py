"""Pre-filled form links: each unit gets its form with its own name already chosen.

A campaign row may give the form's responder URL ("Link biểu mẫu") and the entry id of its unit
question ("Mã câu hỏi đơn vị", from the form's "Get pre-filled link"). The link is then
``<responder URL>?usp=pp_url&entry.<N>=<url-encoded unit name>``: the unit answers under the exact
roster name, which removes most name mismatches. Pure functions.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from sync.errors import Problem
from sync.rules import headers as H
from sync.rules.forms import form_id
from sync.rules.models import Campaign, Unit
from sync.rules.parse import cell_problems
from sync.rules.text import KEY_CACHE, clean

_ENTRY = re.compile(r"^(?:entry\.)?(\d+)$", re.IGNORECASE)


@dataclass(frozen=True)
class FormLink:
    url: str  # the responder URL, without its query
    entry: str  # digits

    def for_unit(self, unit: Unit) -> str:
        return f"{self.url}?usp=pp_url&entry.{self.entry}={_quoted(unit.name)}"


# What urllib.parse.quote_plus makes of each byte of UTF-8 text
_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~")
_QUOTED = tuple("+" if b == 0x20 else chr(b) if b in _SAFE else f"%{b:02X}" for b in range(256))


@functools.lru_cache(maxsize=KEY_CACHE)
def _quoted(name: str) -> str:
    """A unit name in a URL as ``quote_plus`` writes it, once per name (every campaign with a
    form links every unit), by a table of the bytes rather than urllib's loop per byte."""
    return "".join(map(_QUOTED.__getitem__, name.encode()))


def form_link(campaign: Campaign) -> FormLink | None:
    """The campaign's form, or None when the row gives no URL. Raises ValueError (in
    Vietnamese-staff-readable English) when what is there cannot make a link."""
    url, entry = clean(campaign.value(H.CAMPAIGN_FORM_URL)), clean(campaign.value(H.CAMPAIGN_ENTRY_ID))
    if not url and not entry:
        return None
    if form_id(url) is not None:  # an edit link: the form itself gives the responder URL
        return None
    if not url:
        raise ValueError(f"'{H.CAMPAIGN_ENTRY_ID[0]}' is set but '{H.CAMPAIGN_FORM_URL[0]}' is empty")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"'{url}' is not a web address (expected https://docs.google.com/forms/...)")
    if parts.netloc.casefold() == "forms.gle":
        raise ValueError("a forms.gle short link cannot be pre-filled: use the form's full "
                         "responder URL (…/viewform)")
    match = _ENTRY.match(entry.replace(" ", ""))
    if not match:
        raise ValueError(f"'{H.CAMPAIGN_ENTRY_ID[0]}' = '{entry}' is not an entry id "
                         "(digits, e.g. 1234567890 or entry.1234567890)")
    return FormLink(urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")), match.group(1))


def link_problems(campaigns: Sequence[Campaign], tab: str) -> list[Problem]:
    return cell_problems(campaigns, tab, H.CAMPAIGN_FORM_URL[0], form_link, "no pre-filled links")


def unit_links(campaign: Campaign, units: Sequence[Unit]) -> dict[str, str]:
    """Unit code -> pre-filled link; empty when the campaign has no usable form link."""
    try:
        link = form_link(campaign)
    except ValueError:
        return {}
    return {u.code: link.for_unit(u) for u in units} if link else {}

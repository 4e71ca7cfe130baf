"""Who issues a campaign's drafts and to whom they go: the header's bodies, the number, the
signer and "Nơi nhận" (Decree 30/2020, Appendix I).

The config's ``[organization]`` gives the defaults; optional columns of the campaign row override
them for one campaign (a police or tax report goes out under its own name and parent body).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sync.config import Organization
from sync.rules import headers as H
from sync.rules.models import Campaign
from sync.rules.period_text import read_periods
from sync.rules.periods import Period
from sync.rules.text import clean, header_key, simple_key, split_list

REPORT_TYPE = "BC"  # Decree 30, Appendix III: báo cáo


@dataclass(frozen=True)
class Issuer:
    """Who issues one campaign's drafts: the config's [organization], overridden per campaign
    by optional columns of its row."""

    parent_body: str
    issuing_body: str
    issuing_body_name: str
    place: str
    symbol: str
    number: str
    signer_name: str
    signer_title: str
    signer_authority: str
    recipients: tuple[str, ...]


def campaign_value(campaign: Campaign, names: Sequence[str]) -> str:
    """An optional single-line column of the campaign row, "" when absent."""
    return clean(campaign.value(names))


def parent_body(org: Organization, campaign: Campaign) -> str:
    """The body above the issuer. With a column "Cơ quan chủ quản" on the campaigns tab, the
    row's cell says it, and an empty cell means none (a body with no parent in the header); with
    no such column, the config's ``parent_body``."""
    keys = {header_key(h) for h in H.CAMPAIGN_PARENT_BODY}
    if any(header_key(header) in keys for header in campaign.extra):
        return campaign_value(campaign, H.CAMPAIGN_PARENT_BODY)
    return org.parent_body


def issuer_for(org: Organization, campaign: Campaign) -> Issuer:
    def pick(names: Sequence[str], default: str) -> str:
        return campaign_value(campaign, names) or default

    issuing_body = pick(H.CAMPAIGN_ISSUING_BODY, org.issuing_body)
    # In running text ("của Phòng Nội vụ") the header's capitals read wrong: the config's
    # spelling, else the campaign owner's when it names the same body.
    owners = [o for o in split_list(campaign.owner) if simple_key(o) == simple_key(issuing_body)]
    if campaign_value(campaign, H.CAMPAIGN_ISSUING_BODY):
        name = owners[0] if owners else running_name(issuing_body)
    else:
        name = org.issuing_body_name or (owners[0] if owners else issuing_body)
    recipients = split_list(campaign.value(H.CAMPAIGN_RECIPIENTS)) or [
        clean(r) for r in org.recipients if clean(r)]
    return Issuer(
        parent_body=parent_body(org, campaign),
        issuing_body=issuing_body,
        issuing_body_name=name,
        place=org.place,
        symbol=pick(H.CAMPAIGN_SYMBOL, org.symbol),
        number=campaign_value(campaign, H.CAMPAIGN_DOC_NUMBER),
        signer_name=pick(H.CAMPAIGN_SIGNER_NAME, org.signer_name),
        signer_title=pick(H.CAMPAIGN_SIGNER_TITLE, org.signer_title),
        signer_authority=pick(H.CAMPAIGN_SIGNER_AUTHORITY, org.signer_authority),
        recipients=tuple(r.strip(" -;.") for r in recipients if r.strip(" -;.")),
    )


def running_name(capitals: str) -> str:
    """"CHI CỤC THUẾ QUẬN THANH XUÂN" -> "Chi cục Thuế quận Thanh Xuân" when only the header's
    capitals are known: the generic words of a body's name lower case, the others capitalised."""
    if not capitals.isupper():
        return capitals
    words = capitals.split()
    out = [words[0].capitalize()]
    for word in words[1:]:
        out.append(word.lower() if word in ("QUẬN", "HUYỆN", "PHƯỜNG", "XÃ", "CỤC", "AN", "PHỐ")
                   else word.capitalize())
    return " ".join(out)


def document_number(number: str, symbol: str, kind: str = REPORT_TYPE) -> str:
    """"12/BC-NV"; the number is left blank for the clerk who registers the document, and a
    number below 10 takes a leading 0 (Decree 30)."""
    number = number.strip()
    if number.isdigit():
        number = f"{int(number):02d}"
    tail = f"{kind}-{symbol}" if symbol else kind
    return f"{number or ' ' * 6}/{tail}"


def recipient_lines(issuer: Issuer) -> list[str]:
    """"- UBND quận (để báo cáo);" each, the last "- Lưu: VT, NV."."""
    return ([f"- {r};" for r in issuer.recipients]
            + [f"- Lưu: VT{', ' + issuer.symbol if issuer.symbol else ''}."])


def header_context(issuer: Issuer) -> dict:
    return {
        "parent_body": issuer.parent_body.upper(),
        "issuing_body": issuer.issuing_body.upper(),
        "issuing_body_name": issuer.issuing_body_name,
        "place": issuer.place,
        "symbol": issuer.symbol,
        "signer_name": issuer.signer_name,
        "signer_title": issuer.signer_title.upper(),
        "signer_authority": issuer.signer_authority.upper(),
    }


# --- What the report is about (trích yếu) -------------------------------------------------------

_OWN_PHRASE = ("Sơ kết", "Tổng kết", "Kết quả", "Báo cáo")
_EVENT = ("Kỷ niệm", "Lễ kỷ niệm")


def summary_line(campaign: Campaign) -> str:
    """The summary line under "BÁO CÁO": column "Trích yếu", else made from the title so that
    it reads as Vietnamese: a review keeps its words ("Sơ kết 6 tháng ..."), an anniversary is
    "Kết quả tổ chức các hoạt động kỷ niệm ...", anything else "Kết quả <title>"."""
    return of_period(_summary_line(campaign), campaign.period)


def of_period(summary: str, period: Period | None) -> str:
    """A repeating campaign's summary line names its period: "Báo cáo thu ngân sách tháng"
    becomes "... tháng 6/2023" (the kind's word not said twice); a line that names a period
    already is kept."""
    if period is None or read_periods(summary):
        return summary
    words, kind = summary.split(), period.kind.value.split()
    if [simple_key(w) for w in words[-len(kind):]] == [simple_key(w) for w in kind]:
        words = words[:-len(kind)]
    return " ".join([*words, period.label[:1].lower() + period.label[1:]])


def _summary_line(campaign: Campaign) -> str:
    own = campaign_value(campaign, H.CAMPAIGN_SUMMARY_LINE)
    if own:
        return own
    title = clean(campaign.title)
    key = simple_key(title)
    if any(key.startswith(simple_key(w) + " ") for w in _OWN_PHRASE):
        return title[:1].upper() + title[1:]
    if any(key.startswith(simple_key(w) + " ") for w in _EVENT):
        return f"Kết quả tổ chức các hoạt động {title[:1].lower() + title[1:]}"
    words = title.split()
    proper = len(words) > 1 and (words[0].isupper() or words[1][:1].isupper())
    return f"Kết quả {title if proper else title[:1].lower() + title[1:]}"


def report_subject(summary: str) -> str:
    """What "báo cáo ..." is about in running text: the summary line without its capital
    ("Phòng Nội vụ báo cáo kết quả cuộc thi viết ... như sau:")."""
    words = summary.split()
    if words and len(words[0]) > 1 and words[0].isupper():
        return summary
    return summary[:1].lower() + summary[1:]

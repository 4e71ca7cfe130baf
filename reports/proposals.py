"""Proposals for commendation, as units type them into one form answer: one per line,
``Loại | Họ và tên (or Tên tập thể) | Chức vụ | Hình thức đề nghị | Tóm tắt thành tích``.

Pure. Clerks type these by hand, so the parser is forgiving: NFD or NFC, "|" or tab between
fields, missing trailing fields, extra spaces. A line it cannot read is never dropped: it becomes
a proposal of kind "unknown" with the raw line in the note, for staff to sort out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from sync.rules.text import clean, collation_key, person_sort_key, safe_text, simple_key


class Kind(StrEnum):
    COLLECTIVE = "collective"
    INDIVIDUAL = "individual"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    Kind.COLLECTIVE: "Tập thể",
    Kind.INDIVIDUAL: "Cá nhân",
    Kind.UNKNOWN: "Chưa xác định (cần kiểm tra)",
}

# What clerks write in the first field, after simple_key (case, tone style, punctuation).
_KIND_WORDS = {
    simple_key(w): Kind.COLLECTIVE for w in ("Tập thể", "Tap the", "TT", "Tổ chức", "Đơn vị")
} | {simple_key(w): Kind.INDIVIDUAL for w in ("Cá nhân", "Ca nhan", "CN", "Cá thể")} | {
    "Tập thể": Kind.COLLECTIVE, "Cá nhân": Kind.INDIVIDUAL}  # as typed, most of the time

_FIELDS = ("name", "position", "form", "achievements")
NO_FORM = "(chưa ghi hình thức)"
_BULLET = re.compile(r"^(?:[-–•*+]|\d{1,3}[.)])\s*")


@dataclass(frozen=True)
class Proposal:
    kind: Kind
    name: str  # person's full name, or the collective's name
    position: str = ""
    unit: str = ""  # the proposing unit (roster name)
    form: str = ""  # form of commendation: "Giấy khen", "Bằng khen", a title ...
    achievements: str = ""
    note: str = ""


def parse_proposals(text: str, unit: str = "") -> list[Proposal]:
    """Every non-empty line of ``text`` as a proposal of ``unit``."""
    lines = safe_text(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [parse_line(line, unit) for line in lines if clean(line).strip("|")]


def parse_line(line: str, unit: str = "") -> Proposal:
    """One line; "|" separates fields, else tabs (a row pasted from a spreadsheet)."""
    # The text is NFC and free of control characters already (parse_proposals): only the
    # spaces need collapsing, and str.split does that fastest.
    fields = [" ".join(f.split()) for f in line.split("|" if "|" in line else "\t")]
    fields[0] = _BULLET.sub("", fields[0])  # "1. Cá nhân | ..." or "- Cá nhân | ..."
    kind = _KIND_WORDS.get(fields[0]) or _KIND_WORDS.get(simple_key(fields[0]))
    rest = fields[1:] if kind else fields
    while rest and not rest[-1]:
        rest.pop()
    values = dict(zip(_FIELDS, rest, strict=False))
    if kind is None or not values.get("name"):
        # Kept, not dropped: the raw line goes to the note for staff to sort out.
        name = values.get("name", "") if len(rest) > 1 else ""
        return Proposal(Kind.UNKNOWN, name, unit=unit, note=f"Dòng gốc: {clean(line)}")
    if values.get("form"):
        values["form"] = values["form"][:1].upper() + values["form"][1:]
    note = "; ".join(e for e in rest[len(_FIELDS):] if e)
    return Proposal(kind, unit=unit, note=note, **values)


def by_kind(proposals: Iterable[Proposal]) -> dict[Kind, list[Proposal]]:
    """Grouped in the order of the list (collectives, individuals, unknown), each sorted the
    Vietnamese way: people by given name, then family name, then middle names; collectives
    alphabetically; ties by proposing unit."""
    groups: dict[Kind, list[Proposal]] = {kind: [] for kind in Kind}
    for proposal in proposals:
        groups[proposal.kind].append(proposal)
    # Keys are slow to build (per-letter Unicode work) and units and names repeat: build each once.
    person, unit = cache(person_sort_key), cache(collation_key)
    groups[Kind.INDIVIDUAL].sort(key=lambda p: (person(p.name), unit(p.unit)))
    for kind in (Kind.COLLECTIVE, Kind.UNKNOWN):
        groups[kind].sort(key=lambda p: (natural_key(p.name), unit(p.unit)))
    return groups


def natural_key(name: str) -> tuple:
    """Vietnamese order with numbers by value: "Tổ dân phố số 2" before "... số 10"."""
    parts = re.split(r"(\d+)", clean(name))
    return tuple((1, int(p), "") if p.isdigit() else (0, 0, collation_key(p)) for p in parts if p)


def form_counts(proposals: Iterable[Proposal]) -> list[tuple[str, int, int]]:
    """(form, collectives, individuals) per form of commendation, spellings merged
    ("giấy khen" = "Giấy khen"), in Vietnamese order, proposals naming no form last."""
    seen: dict[str, list] = {}
    key = cache(simple_key)
    for p in proposals:
        if p.kind is Kind.UNKNOWN:
            continue
        form = p.form or NO_FORM
        entry = seen.setdefault(key(form), [form, 0, 0])
        entry[1 if p.kind is Kind.COLLECTIVE else 2] += 1
    return sorted((tuple(e) for e in seen.values()),
                  key=lambda e: (e[0] == NO_FORM, collation_key(e[0])))

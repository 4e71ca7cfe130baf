"""One cell: what is stored, how input is taken, how values are rendered.

Copied behaviour:

* ``valueInputOption=RAW`` stores what is sent: a string stays a string even
  when it starts with ``=`` or looks like a number; JSON numbers and booleans
  stay numbers and booleans; ``""`` empties the cell; ``null`` leaves the
  cell as it was ("null values will be skipped").
* ``USER_ENTERED`` parses as if typed: ``=...`` becomes a formula, ``'x``
  forces text ``x``, numbers/percentages/dates/``TRUE`` are recognised
  (see numfmt). A typed date also sets the cell's number format.
* Formulas keep their text (``FORMULA`` render). Their value is computed for
  plain arithmetic (``=4/2`` -> 2, as recorded) and ``HYPERLINK`` (its
  label); any other formula evaluates to ``#N/A`` (what IMPORTXML shows when
  it cannot fetch), so a formula that slipped in is visible in values too.
* Rendering: ``FORMATTED_VALUE`` gives strings (numbers per format/locale,
  ``TRUE``/``FALSE``); ``UNFORMATTED_VALUE`` gives JSON numbers/booleans,
  dates as serial numbers unless ``dateTimeRenderOption=FORMATTED_STRING``;
  ``FORMULA`` gives the formula text where there is one. Integral numbers
  come back as JSON integers (``2``, not ``2.0``), like the real API.
* Formats (``userEnteredFormat``) live on the cell and survive value writes
  and ``values.clear``.
"""

from __future__ import annotations

import ast
import operator
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from . import numfmt

DATE_TYPES = ("DATE", "TIME", "DATE_TIME")


@dataclass(frozen=True)
class Cell:
    """A stored cell. ``value`` is the (computed) value: str, int, float,
    bool or None; ``formula`` the formula text or None; ``format`` the
    ``userEnteredFormat`` JSON (may hold ``numberFormat``); ``note`` a note."""

    value: Any = None
    formula: str | None = None
    format: dict | None = None
    note: str | None = None

    @property
    def is_blank(self) -> bool:
        """No value and no formula (formats and notes do not count)."""
        return self.value is None and self.formula is None

    @property
    def number_format(self) -> dict | None:
        return (self.format or {}).get("numberFormat")

    @property
    def background(self) -> dict | None:
        """The background colour as an rgb dict, or None when unset."""
        fmt = self.format or {}
        style = fmt.get("backgroundColorStyle") or {}
        if "rgbColor" in style:
            return style["rgbColor"]
        return fmt.get("backgroundColor")

    def with_value(self, value: Any = None, formula: str | None = None,
                   number_format: dict | None = None) -> Cell:
        """This cell with a new value (keeps formats; may set numberFormat)."""
        fmt = self.format
        if number_format is not None:
            fmt = dict(fmt or {})
            fmt["numberFormat"] = number_format
        return replace(self, value=value, formula=formula, format=fmt)


EMPTY = Cell()


def json_number(value: Any) -> Any:
    """2.0 -> 2 (the API prints integral doubles without a fraction)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


# -- formulas ----------------------------------------------------------------

_OPS = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.Pow: operator.pow,
    ast.USub: operator.neg, ast.UAdd: operator.pos,
}
_HYPERLINK = re.compile(r'^=\s*HYPERLINK\(\s*"([^"]*)"\s*(?:[,;]\s*"([^"]*)"\s*)?\)\s*$', re.I)


def _arith(node: ast.AST) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
            and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_arith(node.left), _arith(node.right))
    if isinstance(node, ast.UnaryOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_arith(node.operand))
    raise ValueError("not arithmetic")


def evaluate(formula: str) -> Any:
    """The value a formula shows (see module doc for what is supported)."""
    m = _HYPERLINK.match(formula)
    if m:
        return m.group(2) if m.group(2) is not None else m.group(1)
    expr = formula[1:].strip().replace("^", "**")
    try:
        return json_number(float(_arith(ast.parse(expr, mode="eval").body)))
    except ZeroDivisionError:
        return "#DIV/0!"
    except (ValueError, SyntaxError, TypeError, OverflowError, RecursionError):
        return "#N/A"


# -- input ---------------------------------------------------------------------

def python_input(value: Any) -> tuple[Any, dict | None]:
    """Seed values given to FakeGoogle: datetime/date/time become serials with
    a DATE_TIME/DATE/TIME format (what a Forms timestamp or a typed date is)."""
    if isinstance(value, datetime):
        return numfmt.to_serial(value.replace(tzinfo=None)), {"type": "DATE_TIME"}
    if isinstance(value, date):
        return numfmt.to_serial(datetime(value.year, value.month, value.day)), {"type": "DATE"}
    if isinstance(value, time):
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        return seconds / 86400, {"type": "TIME"}
    if isinstance(value, Decimal):
        return json_number(float(value)), None
    if value == "":
        return None, None
    if value is not None and not isinstance(value, (str, int, float, bool)):
        raise TypeError(f"unsupported cell value {value!r}")
    return value, None


def write(cell: Cell, raw: Any, option: str, locale: str) -> Cell:
    """The cell after writing one value of a ValueRange (not null)."""
    if isinstance(raw, (bool, int, float)):
        return cell.with_value(raw if isinstance(raw, bool) else json_number(raw))
    if raw is None or raw == "":
        return cell.with_value(None)
    if not isinstance(raw, str):
        raw = str(raw)
    if option == "RAW":
        return cell.with_value(raw)
    return typed(cell, raw, locale)


def typed(cell: Cell, text: str, locale: str) -> Cell:
    """USER_ENTERED: the cell after a person typed ``text`` into it."""
    if text.startswith("=") and len(text) > 1:
        return cell.with_value(evaluate(text), formula=text)
    if text.startswith("'"):
        return cell.with_value(text[1:] or None)
    if text.upper() in ("TRUE", "FALSE"):
        return cell.with_value(text.upper() == "TRUE")
    number = numfmt.parse_number(text, locale)
    if number is not None:
        return cell.with_value(number[0], number_format=number[1])
    when = numfmt.parse_datetime(text, locale)
    if when is not None:
        return cell.with_value(when[0], number_format=when[1])
    return cell.with_value(text)


# -- output --------------------------------------------------------------------

def is_date(cell: Cell) -> bool:
    nf = cell.number_format
    return bool(nf) and nf.get("type") in DATE_TYPES and isinstance(cell.value, (int, float)) \
        and not isinstance(cell.value, bool)


def formatted(cell: Cell, locale: str) -> str:
    """FORMATTED_VALUE of a non-blank cell."""
    value = cell.value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    nf = cell.number_format or {}
    kind = nf.get("type")
    if kind in DATE_TYPES:
        return numfmt.format_datetime(value, nf.get("pattern") or numfmt.default_pattern(kind, locale))
    if kind in ("NUMBER", "PERCENT", "CURRENCY", "SCIENTIFIC") and nf.get("pattern"):
        return numfmt.format_number(value, nf["pattern"], locale)
    if kind == "PERCENT":
        return numfmt.format_number(value, "0.00%", locale)
    return numfmt.format_general(value, locale)


def render(cell: Cell, value_render: str, date_render: str, locale: str) -> Any:
    """One cell of a values.get answer (blank cells are rendered as "")."""
    if cell.is_blank:
        return ""
    if value_render == "FORMATTED_VALUE":
        return formatted(cell, locale)
    if value_render == "FORMULA" and cell.formula is not None:
        return cell.formula
    if date_render == "FORMATTED_STRING" and is_date(cell):
        return formatted(cell, locale)
    return json_number(cell.value)


def user_entered_value(cell: Cell) -> dict | None:
    """``userEnteredValue`` (ExtendedValue JSON) for includeGridData answers."""
    if cell.formula is not None:
        return {"formulaValue": cell.formula}
    return _extended(cell.value)


ERRORS = ("#N/A", "#DIV/0!", "#NUM!", "#NAME?", "#REF!", "#VALUE!")


def effective_value(cell: Cell) -> dict | None:
    """``effectiveValue`` (ExtendedValue JSON) for includeGridData answers."""
    if cell.formula is not None and cell.value in ERRORS:
        kind = "N_A" if cell.value == "#N/A" else "ERROR"
        return {"errorValue": {"type": kind, "message": cell.value}}
    return _extended(cell.value)


def _extended(value: Any) -> dict | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, (int, float)):
        return {"numberValue": json_number(value)}
    return {"stringValue": value}

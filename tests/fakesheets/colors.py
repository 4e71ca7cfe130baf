"""Colours as Sheets stores them.

Copied behaviour (recorded: gspread's tab colour and format tests):

* A channel is kept in 8 bits and answered as the float32 of ``n/255``: ``0.5`` and
  ``0.4980392156862745`` both come back as ``0.49803922`` (127/255), ``1`` as ``1``.
* Each legacy Color field has a ColorStyle twin (``backgroundColor`` / ``backgroundColorStyle``,
  ``textFormat.foregroundColor`` / ``foregroundColorStyle``, ``tabColor`` / ``tabColorStyle``):
  setting one answers both (recorded for formats; for tabs inferred from the same API rule). The
  style wins when both are sent ("If backgroundColor is also set, this field takes precedence").
* A ColorStyle with neither ``rgbColor`` nor ``themeColor`` (gspread's clear: ``{"rgbColor":
  null}``) removes the colour: the tab answers no ``tabColorStyle`` at all.
"""

from __future__ import annotations

import math
import struct
from typing import Any

_CHANNELS = ("red", "green", "blue")
PAIRS = (((), "backgroundColor", "backgroundColorStyle"),
         (("textFormat",), "foregroundColor", "foregroundColorStyle"))


def _float32(x: float) -> float | int:
    """The shortest decimal that reads back as the same float32 (what Google prints)."""
    single = struct.unpack("f", struct.pack("f", x))[0]
    if single == int(single):
        return int(single)
    for digits in range(1, 10):
        text = f"{single:.{digits}g}"
        if struct.unpack("f", struct.pack("f", float(text)))[0] == single:
            return float(text)
    return single


def quantize(color: Any) -> Any:
    if not isinstance(color, dict):
        return color
    out = dict(color)
    for name in _CHANNELS:
        value = out.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            level = min(max(math.floor(value * 255 + 1e-6), 0), 255)
            out[name] = _float32(level / 255)
    return out


def _touched(paths: list[list[str]], field: list[str]) -> bool:
    """Whether a mask path sets ``field`` (it names the field, something inside it, or a parent)."""
    return any(p[:len(field)] == field[:len(p)] for p in paths)


def sync_pair(obj: dict, legacy: str, style: str, paths: list[list[str]],
              prefix: tuple[str, ...] = ()) -> None:
    """After a masked update of ``obj`` (at ``prefix`` in the mask's terms): both twins from the
    one that was set, quantized; both gone when it was cleared."""
    legacy_set = _touched(paths, [*prefix, legacy])
    style_set = _touched(paths, [*prefix, style])
    if not (legacy_set or style_set):
        return
    found = obj.get(style)
    if style_set and isinstance(found, dict) and (found.get("rgbColor") is not None
                                                  or found.get("themeColor")):
        if found.get("rgbColor") is not None:
            obj[style] = {"rgbColor": quantize(found["rgbColor"])}
            obj[legacy] = quantize(found["rgbColor"])
        else:
            obj.pop(legacy, None)
        return
    if legacy_set and isinstance(obj.get(legacy), dict):
        obj[legacy] = quantize(obj[legacy])
        obj[style] = {"rgbColor": dict(obj[legacy])}
        return
    obj.pop(legacy, None)
    obj.pop(style, None)


def sync_format(fmt: dict, paths: list[list[str]]) -> None:
    """A CellFormat after a masked update (paths relative to userEnteredFormat)."""
    for prefix, legacy, style in PAIRS:
        target = fmt
        for key in prefix:
            target = target.get(key) if isinstance(target, dict) else None
        if isinstance(target, dict):
            sync_pair(target, legacy, style, paths, prefix)

"""The status chart of the summary report: units per status, one bar per unit group.

matplotlib's object API on the Agg canvas: no pyplot, no display, no global state. Printed in
black and white it still reads: every status has its own grey level (at least 30 apart on a
0-255 scale) and its own hatching, counts are written on the bars (white on dark, black on
light), and the text is Times New Roman like the document around it (Liberation Serif, its
metric twin, where Times is not installed).
"""

from __future__ import annotations

import functools
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from sync.rules.models import Status

# (fill, hatch); the fills' greys: 255, 216, 172, 122, 67, 15 (ITU-R 601 weights), and at least
# 30 apart by the other ways a printer or a viewer makes grey (ITU-R 709 weights, the plain
# mean of red, green and blue): the dark green and dark red once were one dark grey.
CHART_STYLE = {
    Status.ON_TIME: ("#1B5E20", ""),
    Status.LATE: ("#E8A33D", "//"),
    Status.INCOMPLETE: ("#F3D98B", "xx"),
    Status.PENDING: ("#FFFFFF", ".."),
    Status.OVERDUE: ("#330000", ""),
    Status.EXEMPT: ("#7A7A7A", "--"),
}
GREYS = {  # the ways of making grey the fills are kept apart by
    "601": (0.299, 0.587, 0.114), "709": (0.2126, 0.7152, 0.0722), "mean": (1 / 3, 1 / 3, 1 / 3)}
SERIF = ["Times New Roman", "Liberation Serif", "Tinos", "DejaVu Serif"]


def luminance(colour: str, weights: tuple[float, float, float] = GREYS["601"]) -> float:
    red, green, blue = (int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    return weights[0] * red + weights[1] * green + weights[2] * blue


@functools.cache
def serif_font() -> str:
    """The first of :data:`SERIF` installed (matplotlib's own DejaVu Serif at worst). The
    system's files are added by hand: matplotlib's font cache may predate them."""
    for path in font_manager.findSystemFonts():
        if any(key in Path(path).stem.replace(" ", "") for key in ("Times", "LiberationSerif", "Tinos")):
            font_manager.fontManager.addfont(path)
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in SERIF if name in installed), "DejaVu Serif")


def draw(groups: Sequence[dict], labels: Mapping[str, str] | None = None) -> Figure:
    """The figure of :func:`status_chart` (tests locate the bars in it)."""
    labels = labels or {s.value: s.label for s in Status}
    family = serif_font()
    names = [g["name"] for g in groups][::-1]  # first group at the top
    fig = Figure(figsize=(6.3, 1.6 + 0.45 * max(len(names), 1)), dpi=160, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    left = [0] * len(names)
    for status in Status:
        counts = [g[status.value] for g in groups][::-1]
        if not any(counts):
            continue
        fill, hatch = CHART_STYLE[status]
        bars = ax.barh(names, counts, left=left, label=labels[status.value], color=fill,
                       hatch=hatch or None, edgecolor="#000000", linewidth=0.6)
        dark = luminance(fill) < 128
        ax.bar_label(bars, labels=[str(c) if c else "" for c in counts], label_type="center",
                     fontsize=8, family=family, color="#FFFFFF" if dark else "#000000",
                     bbox=None if dark else {"boxstyle": "square,pad=0.1", "facecolor": "#FFFFFF",
                                             "edgecolor": "none"})
        left = [a + b for a, b in zip(left, counts, strict=True)]
    ax.set_xlabel("Số đơn vị", fontsize=9, family=family)
    ax.tick_params(labelsize=8, labelfontfamily=family)
    ax.spines[["top", "right"]].set_visible(False)
    fig.legend(fontsize=8, ncols=3, loc="outside lower center", frameon=False,
               prop={"family": family, "size": 8})
    return fig


def status_chart(groups: Sequence[dict], labels: Mapping[str, str] | None = None) -> bytes:
    """A PNG of stacked horizontal bars; ``groups`` are the context's ``groups`` rows,
    ``labels`` the drafts' words per status code (default: the sheet's labels)."""
    out = io.BytesIO()
    draw(groups, labels).savefig(out, format="png")
    return out.getvalue()

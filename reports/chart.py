"""The status chart of the summary report: units per status, one bar per unit group.

matplotlib's object API on the Agg canvas: no pyplot, no display, no global state.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from sync.rules.models import Status
from sync.rules.plan import STATUS_COLOURS

PENDING_COLOUR = "#FFFFFF"  # the sheet leaves it uncoloured; white with an outline here


def status_chart(groups: Sequence[dict]) -> bytes:
    """A PNG of stacked horizontal bars; ``groups`` are the context's ``groups`` rows."""
    names = [g["name"] for g in groups][::-1]  # first group at the top
    fig = Figure(figsize=(6.3, 1.6 + 0.4 * max(len(names), 1)), dpi=160, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    left = [0] * len(names)
    for status in Status:
        counts = [g[status.value] for g in groups][::-1]
        if not any(counts):
            continue
        bars = ax.barh(names, counts, left=left, label=status.label, edgecolor="#444444",
                       linewidth=0.6, color=STATUS_COLOURS[status] or PENDING_COLOUR,
                       hatch="///" if status is Status.INCOMPLETE else None)  # same amber as late
        ax.bar_label(bars, labels=[str(c) if c else "" for c in counts], label_type="center",
                     fontsize=8)
        left = [a + b for a, b in zip(left, counts, strict=True)]
    ax.set_xlabel("Số đơn vị", fontsize=9)
    ax.tick_params(labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    fig.legend(fontsize=8, ncols=3, loc="outside lower center", frameon=False)
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()

"""Counts per code and attribute level, as grouped or stacked bars."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from analysis.charts._layout import (
    Rows,
    all_whole,
    axes_of,
    humanise,
    legend_above,
    level_label,
)
from analysis.style import (
    OKABE_ITO,
    plot_style,
    wrap_label,
)


def plot_grouped_bars(
    counts: pd.DataFrame,
    *,
    attribute: str,
    stacked: bool = False,
    value_label: str = "Interviews",
    level_labels: Mapping[str, str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Horizontal bars per code (rows) and attribute level (columns), grouped or stacked."""
    with plot_style():
        labels = [wrap_label(str(name)) for name in counts.index]
        levels = list(counts.columns)
        bar = 1.0 if stacked else 0.75
        rows = Rows.of(labels, slot=1.3 if stacked else max(1.3, bar * len(levels) + 0.6))
        ax = axes_of(ax, height=rows.inches(extra=1.0))
        left = np.zeros(len(counts))
        for index, level in enumerate(levels):
            values = counts[level].astype(float).to_numpy()
            style: dict[str, Any] = {
                "color": OKABE_ITO[index % len(OKABE_ITO)],
                "label": level_label(level, level_labels),
                "edgecolor": "white",
                "linewidth": 0.4,
            }
            if stacked:
                ax.barh(rows.centres, values, left=left, height=bar, **style)
                left = left + values
            else:
                offset = (index - (len(levels) - 1) / 2) * bar
                ax.barh(rows.centres + offset, values, height=bar, **style)
        rows.ticks(ax, labels)
        if all_whole(counts):
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(value_label)
        legend_above(ax, title=humanise(attribute))
        return ax

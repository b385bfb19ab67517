"""Saturation: the new codes each interview added, and the running total."""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from analysis.charts._layout import (
    VALUE_FONT_SIZE,
    axes_of,
)
from analysis.style import (
    EDGE_COLOUR,
    OKABE_ITO,
    plot_style,
)

# Past this many interviews, one bar (and one marker) per interview is too thin to see
# and slow to draw: the new codes are drawn as one filled step line instead.
SATURATION_BARS = 200


def plot_saturation(
    sat: pd.DataFrame, *, max_bars: int = SATURATION_BARS, ax: Axes | None = None
) -> Axes:
    """Bars of the new codes each interview added, in date order, and the cumulative line.

    With more than `max_bars` interviews the bars become one filled step line and the
    cumulative line loses its markers, so that the figure's size does not grow with the
    study; every interview is still drawn.
    """
    with plot_style():
        ax = axes_of(ax, height=3.0)
        order = sat["order"].astype(float).to_numpy()
        many = len(sat) > max_bars
        if many:
            ax.fill_between(
                order,
                sat["new_codes"].astype(float).to_numpy(),
                step="mid",
                color=OKABE_ITO[5],
                linewidth=0,
                label="New codes in the interview",
            )
        else:
            ax.bar(
                order,
                sat["new_codes"],
                width=0.7,
                color=OKABE_ITO[5],
                edgecolor=EDGE_COLOUR,
                linewidth=0.4,
                label="New codes in the interview",
            )
        ax.plot(
            order,
            sat["cumulative_codes"],
            color=OKABE_ITO[3],
            marker="" if many else "o",
            markersize=3,
            linewidth=1.4,
            label="Codes found so far",
        )
        if len(sat):
            last = sat.iloc[-1]
            ax.annotate(
                f"{int(last['cumulative_codes'])}",
                xy=(float(last["order"]), float(last["cumulative_codes"])),
                xytext=(4, 2),
                textcoords="offset points",
                fontsize=VALUE_FONT_SIZE,
                color=OKABE_ITO[3],
            )
            ax.set_xlim(order.min() - 0.6, order.max() + 0.9)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=min(max(len(sat), 1), 20)))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylim(0, max(float(sat["cumulative_codes"].max()) if len(sat) else 0.0, 1.0) * 1.1)
        ax.grid(axis="x", visible=False)
        ax.set_xlabel("Interview, in order of interview date")
        ax.set_ylabel("Codes")
        ax.legend(loc="upper left")
        return ax

"""Chart functions: one tidy frame in, one styled matplotlib Axes out.

Every `plot_x(frame, *, ax=None, ...)` draws inside the house style (`analysis.style`),
creates its own constrained-layout figure when `ax` is None (6.5 in wide, as tall as its
labels need), never shows and never writes a file: `style.save_figure` does that.
Per-code charts use each code's codebook colour; charts by attribute level use the
Okabe–Ito palette in level order. Long code titles wrap with `style.wrap_label`, and each
row of a chart gets as much height as its wrapped label has lines.

One module per family of charts: `frequencies` (frequencies, prevalence by level, a
stated ranking), `groups` (grouped or stacked bars by level), `cooccurrence` (code × code
and interviews × codes heatmaps), `coverage` (saturation), `agreement` (reliability per
code) and `timeline` (departures per year under the historical events); `_layout` holds
the private helpers they share.
"""

from __future__ import annotations

from analysis.charts.agreement import ALPHA_RELIABLE, ALPHA_TENTATIVE, plot_agreement
from analysis.charts.cooccurrence import plot_code_matrix, plot_cooccurrence
from analysis.charts.coverage import plot_saturation
from analysis.charts.frequencies import (
    plot_frequencies,
    plot_prevalence,
    plot_rank_intervals,
)
from analysis.charts.groups import plot_grouped_bars
from analysis.charts.timeline import MAX_TIMELINE_WIDENING, plot_departures

__all__ = [
    "ALPHA_RELIABLE",
    "ALPHA_TENTATIVE",
    "MAX_TIMELINE_WIDENING",
    "plot_agreement",
    "plot_code_matrix",
    "plot_cooccurrence",
    "plot_departures",
    "plot_frequencies",
    "plot_grouped_bars",
    "plot_prevalence",
    "plot_rank_intervals",
    "plot_saturation",
]

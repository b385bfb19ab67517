"""Code frequencies and shares: bars per code, dots with intervals by level, a ranking and
the ranks its intervals allow."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator, PercentFormatter

from analysis.charts._layout import (
    VALUE_FONT_SIZE,
    Rows,
    axes_of,
    code_labels,
    colours_of,
    has_children,
    humanise,
    interval_of,
    legend_above,
    level_with_n,
    unit_of,
)
from analysis.style import (
    EDGE_COLOUR,
    OKABE_ITO,
    plot_style,
    wrap_label,
)


def plot_frequencies(
    freq: pd.DataFrame,
    *,
    value: str = "share",
    label_width: int = 40,
    ax: Axes | None = None,
) -> Axes:
    """Horizontal bars of each code's share (or count), in its codebook colour."""
    if value not in ("share", "count"):
        raise ValueError(f"value must be 'share' or 'count', not {value!r}")
    with plot_style():
        labels = [wrap_label(title, label_width) for title in freq["title"]]
        rows = Rows.of(labels, slot=1.2)
        ax = axes_of(ax, height=rows.inches(extra=0.7))
        values = freq[value].astype(float).to_numpy()
        ax.barh(
            rows.centres,
            values,
            height=0.95,
            color=colours_of(freq),
            edgecolor=EDGE_COLOUR,
            linewidth=0.4,
        )
        rows.ticks(ax, labels, bold=has_children(freq["path"].tolist()))
        top = float(values.max(initial=0.0)) or 1.0
        for centre, amount in zip(rows.centres, values, strict=True):
            text = f"{amount:.0%}" if value == "share" else f"{amount:.0f}"
            ax.text(amount + top * 0.01, centre, text, va="center", fontsize=VALUE_FONT_SIZE)
        ax.set_xlim(0, top * 1.12)
        if value == "share":
            ax.xaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
        else:
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(_frequency_label(unit_of(freq, default="interviews"), value))
        return ax


def plot_prevalence(
    prevalence: pd.DataFrame,
    *,
    attribute: str,
    unit: str | None = None,
    codes: pd.DataFrame | None = None,
    level_labels: Mapping[str, str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """A dot per code and attribute level at its share, with its 95% Wilson interval.

    The unit in the axis label is `unit`, else the frame's `unit` column, else interviews.
    """
    with plot_style():
        unit = unit or unit_of(prevalence, default="interviews")
        code_ids = list(dict.fromkeys(prevalence["code_id"]))
        labels = code_labels(prevalence.drop_duplicates("code_id"), codes)
        levels = list(dict.fromkeys(prevalence["level"]))
        rows = Rows.of(labels, slot=max(1.5, 0.9 * len(levels)))
        ax = axes_of(ax, height=rows.inches(extra=1.0))
        centre = dict(zip(code_ids, rows.centres, strict=True))
        offsets = (np.arange(len(levels)) - (len(levels) - 1) / 2) * 0.9
        for index, level in enumerate(levels):
            subset = prevalence[prevalence["level"] == level]
            ys = subset["code_id"].map(centre).to_numpy(float) + offsets[index]
            ax.errorbar(
                subset["share"],
                ys,
                xerr=interval_of(subset),
                fmt="o",
                markersize=4,
                color=OKABE_ITO[index % len(OKABE_ITO)],
                elinewidth=1.1,
                capsize=0,
                label=level_with_n(level, subset["n"], level_labels),
            )
        rows.ticks(ax, labels)
        rows.separate(ax)
        ax.set_xlim(-0.02, 1.02)  # room for a whole dot at 0% and 100%
        ax.xaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
        ax.set_xlabel(f"Share of {unit} mentioning the code (95% Wilson interval)")
        legend_above(ax, title=humanise(attribute))
        return ax


def _frequency_label(unit: str, value: str) -> str:
    """The value axis label in the frame's unit."""
    if unit == "codings":
        return "Share of all codings" if value == "share" else "Codings"
    if value == "share":
        return f"Share of {unit} mentioning the code"
    return f"{humanise(unit)} mentioning the code"


def plot_rank_intervals(
    ranking: pd.DataFrame, *, codes: pd.DataFrame | None = None, ax: Axes | None = None
) -> Axes:
    """Each ranked code's share (dot) with its interval (whisker), in the stated order.

    `ranking` is `analysis.findings.code_ranking`'s table. Each label gives the stated rank;
    the note at the whisker gives the count out of the respondents counted and the ranks
    the intervals allow ("ranks 1–2"), in bold where the stated rank is not among them. The
    axis names the respondents counted (the table's `among`).
    """
    with plot_style():
        ordered = ranking.sort_values("given_rank", kind="stable")
        titles = code_labels(ordered, codes, width=10_000)
        labels = [
            wrap_label(f"{int(rank)}. {title}")
            for rank, title in zip(ordered["given_rank"], titles, strict=True)
        ]
        rows = Rows.of(labels, slot=1.8)
        ax = axes_of(ax, height=rows.inches(extra=0.8))
        colours = colours_of(ordered, codes)
        for centre, (_, row), colour in zip(rows.centres, ordered.iterrows(), colours, strict=True):
            if pd.isna(row["share"]):
                continue
            ax.errorbar(
                [row["share"]],
                [centre],
                xerr=interval_of(row.to_frame().T),
                fmt="o",
                color=colour,
                markeredgecolor=EDGE_COLOUR,
                markeredgewidth=0.5,
                markersize=6,
                elinewidth=1.4,
                capsize=2,
            )
            best, worst = int(row["rank_best"]), int(row["rank_worst"])
            ranks = f"rank {best}" if best == worst else f"ranks {best}–{worst}"
            allowed = best <= int(row["given_rank"]) <= worst
            ax.annotate(
                f"{int(row['respondents'])}/{int(row['base'])}; {ranks} within intervals",
                xy=(float(row["ci_high"]), centre),
                xytext=(5, 0),
                textcoords="offset points",
                va="center",
                fontsize=VALUE_FONT_SIZE,
                fontweight="normal" if allowed else "bold",
            )
        rows.ticks(ax, labels, guides=True)
        ax.set_xlim(-0.02, 1.02)  # room for a whole dot at 0% and 100%
        ax.xaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
        among = str(ordered["among"].iloc[0]) if "among" in ordered else "respondents"
        base = int(ordered["base"].iloc[0])
        ax.set_xlabel(
            f"Share of {among} (n = {base}) mentioning the code, with 95% Wilson interval; "
            "labels give the stated rank.\nA mention is not a measure of importance."
        )
        return ax

"""Chart functions: one tidy frame in, one styled matplotlib Axes out.

Every `plot_x(frame, *, ax=None, ...)` draws inside the house style (`analysis.style`),
creates its own constrained-layout figure when `ax` is None (6.5 in wide, as tall as its
labels need), never shows and never writes a file: `style.save_figure` does that.
Per-code charts use each code's codebook colour; charts by attribute level use the
Okabe–Ito palette in level order. Long code titles wrap with `style.wrap_label`, and each
row of a chart gets as much height as its wrapped label has lines.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath
from matplotlib.ticker import MaxNLocator, PercentFormatter, StrMethodFormatter
from matplotlib.transforms import blended_transform_factory, offset_copy

from analysis.style import (
    EDGE_COLOUR,
    FIGURE_WIDTH,
    GRID_COLOUR,
    MUTED_COLOUR,
    OKABE_ITO,
    SEQUENTIAL,
    TEXT_COLOUR,
    finish_axes,
    plot_style,
    wrap_label,
)

ALPHA_TENTATIVE = 0.667
ALPHA_RELIABLE = 0.8
VALUE_FONT_SIZE = 6.5
NOTE_FONT_SIZE = 6.0
# Past this many cells, numbers written into a heatmap are too small to read at print size
# (and slow to draw); the colour bar and the CSV table carry the values.
ANNOTATED_CELLS = 600
LINE_INCHES = 0.13  # one line of 7 pt tick label, with leading
ROW_GAP = 0.3  # lines of space between two rows
EVENT_ROW_POINTS = 9.5
SAME_YEAR_SPREAD = 0.3  # years between the markers of events in the same year
SHORT_BAR_ROWS = 8  # heatmaps with fewer rows have a colour bar too short for a long label
MAX_TIMELINE_WIDENING = 1 / 3  # of the years shown, added so that event labels fit
SUPERSCRIPT_DIGITS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


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
        rows = _Rows.of(labels, slot=1.2)
        ax = _axes(ax, height=rows.inches(extra=0.7))
        values = freq[value].astype(float).to_numpy()
        ax.barh(
            rows.centres,
            values,
            height=0.95,
            color=_colours(freq),
            edgecolor=EDGE_COLOUR,
            linewidth=0.4,
        )
        rows.ticks(ax, labels, bold=_has_children(freq["path"].tolist()))
        top = float(values.max(initial=0.0)) or 1.0
        for centre, amount in zip(rows.centres, values, strict=True):
            text = f"{amount:.0%}" if value == "share" else f"{amount:.0f}"
            ax.text(amount + top * 0.01, centre, text, va="center", fontsize=VALUE_FONT_SIZE)
        ax.set_xlim(0, top * 1.12)
        if value == "share":
            ax.xaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
        else:
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(_frequency_label(_unit_of(freq, default="interviews"), value))
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
        unit = unit or _unit_of(prevalence, default="interviews")
        code_ids = list(dict.fromkeys(prevalence["code_id"]))
        labels = _code_labels(prevalence.drop_duplicates("code_id"), codes)
        levels = list(dict.fromkeys(prevalence["level"]))
        rows = _Rows.of(labels, slot=max(1.5, 0.9 * len(levels)))
        ax = _axes(ax, height=rows.inches(extra=1.0))
        centre = dict(zip(code_ids, rows.centres, strict=True))
        offsets = (np.arange(len(levels)) - (len(levels) - 1) / 2) * 0.9
        for index, level in enumerate(levels):
            subset = prevalence[prevalence["level"] == level]
            ys = subset["code_id"].map(centre).to_numpy(float) + offsets[index]
            ax.errorbar(
                subset["share"],
                ys,
                xerr=_interval(subset),
                fmt="o",
                markersize=4,
                color=OKABE_ITO[index % len(OKABE_ITO)],
                elinewidth=1.1,
                capsize=0,
                label=_level_with_n(level, subset["n"], level_labels),
            )
        rows.ticks(ax, labels)
        rows.separate(ax)
        ax.set_xlim(-0.02, 1.02)  # room for a whole dot at 0% and 100%
        ax.xaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
        ax.set_xlabel(f"Share of {unit} mentioning the code (95% Wilson interval)")
        _legend_above(ax, title=_humanise(attribute))
        return ax


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
        rows = _Rows.of(labels, slot=1.3 if stacked else max(1.3, bar * len(levels) + 0.6))
        ax = _axes(ax, height=rows.inches(extra=1.0))
        left = np.zeros(len(counts))
        for index, level in enumerate(levels):
            values = counts[level].astype(float).to_numpy()
            style: dict[str, Any] = {
                "color": OKABE_ITO[index % len(OKABE_ITO)],
                "label": _level_label(level, level_labels),
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
        if _all_whole(counts):
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(value_label)
        _legend_above(ax, title=_humanise(attribute))
        return ax


def plot_cooccurrence(
    pairs: pd.DataFrame,
    *,
    value: str = "jaccard",
    codes: pd.DataFrame | None = None,
    ax: Axes | None = None,
) -> Axes:
    """A symmetric code × code heatmap of Jaccard similarity (or joint counts), annotated.

    With `codes` (the codes frame) the codes follow codebook order and show their titles.
    The diagonal is left grey: a code's similarity with itself says nothing.
    """
    if value not in ("jaccard", "both"):
        raise ValueError(f"value must be 'jaccard' or 'both', not {value!r}")
    with plot_style():
        code_ids = _pair_order(pairs, codes)
        index = {code_id: position for position, code_id in enumerate(code_ids)}
        matrix = np.full((len(code_ids), len(code_ids)), np.nan)
        for a, b, amount in zip(pairs["code_a"], pairs["code_b"], pairs[value], strict=True):
            matrix[index[a], index[b]] = matrix[index[b], index[a]] = float(amount)
        labels, fontsize = _heatmap_labels(code_ids, codes, one_line_above=16, width=24)
        label_inches = _longest_line(labels) * 0.6 * fontsize / 72
        side = min(FIGURE_WIDTH - label_inches - 0.9, 0.3 * len(code_ids))
        ax = _axes(ax, height=min(max(side + label_inches + 0.4, 2.5), 9.0))
        vmax = 1.0 if value == "jaccard" else max(float(np.nanmax(matrix, initial=0.0)), 1.0)
        image = ax.imshow(
            np.ma.masked_invalid(matrix),
            cmap=SEQUENTIAL.with_extremes(bad="#E4E4E4"),
            vmin=0,
            vmax=vmax,
        )
        if len(code_ids) <= 16:
            _annotate_cells(ax, matrix, image, decimals=2 if value == "jaccard" else 0)
        ax.set_xticks(range(len(code_ids)), labels, rotation=90, fontsize=fontsize)
        ax.set_yticks(range(len(code_ids)), labels, fontsize=fontsize)
        _heatmap_frame(ax, matrix.shape)
        label = (
            "Jaccard similarity (both / either)"
            if value == "jaccard"
            else ("Interviews with both codes")
        )
        _colourbar(ax, image, label, integer=value == "both", rows=len(code_ids))
        return ax


def plot_code_matrix(
    matrix: pd.DataFrame,
    *,
    codes: pd.DataFrame | None = None,
    value_label: str = "Codings",
    ax: Axes | None = None,
) -> Axes:
    """An interviews × codes heatmap of counts, zero cells white, counts written in.

    With more than 20 codes the column labels are cut to one line, so that they fit.
    """
    with plot_style():
        values = matrix.to_numpy(dtype=float)
        rows, columns = values.shape
        code_ids = [str(column) for column in matrix.columns]
        labels, fontsize = _heatmap_labels(code_ids, codes, one_line_above=20, width=22)
        label_inches = _longest_line(labels) * 0.6 * fontsize / 72
        ax = _axes(ax, height=min(1.4 + 0.2 * rows + label_inches, 9.0))
        vmax = max(float(values.max(initial=0.0)), 1.0)
        image = ax.imshow(values, cmap=SEQUENTIAL, vmin=0, vmax=vmax, aspect="auto")
        if rows * columns <= ANNOTATED_CELLS:
            _annotate_cells(
                ax,
                values,
                image,
                decimals=0,
                skip_zero=True,
                fontsize=5.5 if columns > 20 else VALUE_FONT_SIZE,
            )
        ax.set_xticks(range(columns), labels, rotation=90, fontsize=fontsize)
        ax.set_yticks(range(rows), [str(name) for name in matrix.index])
        _heatmap_frame(ax, values.shape)
        _colourbar(ax, image, value_label, integer=_all_whole(matrix), rows=rows)
        return ax


def plot_saturation(sat: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Bars of the new codes each interview added, in date order, and the cumulative line."""
    with plot_style():
        ax = _axes(ax, height=3.0)
        order = sat["order"].astype(float).to_numpy()
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
            marker="o",
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


def plot_agreement(
    agreement: pd.DataFrame, *, codes: pd.DataFrame | None = None, ax: Axes | None = None
) -> Axes:
    """Krippendorff's alpha (and kappa) per code, best first, against the 0.667 and 0.8 lines.

    Codes whose alpha could not be computed (no variation) come after, marked so; rows with
    no code path (a pooled summary over all codes) come last, in bold.
    """
    with plot_style():
        ordered = agreement.assign(
            _summary=agreement["path"].isna(), _missing=agreement["krippendorff_alpha"].isna()
        ).sort_values(
            ["_summary", "_missing", "krippendorff_alpha"],
            ascending=[True, True, False],
            kind="stable",
        )
        labels = _code_labels(ordered, codes)
        rows = _Rows.of(labels, slot=1.3)
        ax = _axes(ax, height=rows.inches(extra=1.0))
        alpha = ordered["krippendorff_alpha"].astype(float)
        kappa = (
            ordered["cohen_kappa"]
            .where(ordered["cohen_kappa"].notna(), ordered["fleiss_kappa"])
            .astype(float)
        )
        ax.plot(
            alpha,
            rows.centres,
            "o",
            color=OKABE_ITO[0],
            markersize=4.5,
            label="Krippendorff's α",
            zorder=4,
        )
        ax.plot(
            kappa,
            rows.centres,
            "D",
            markerfacecolor="white",
            markeredgecolor=OKABE_ITO[3],
            markersize=7,
            markeredgewidth=1.0,
            label=_kappa_label(ordered),
            zorder=3,
        )
        left = min(0.0, float(np.nanmin(np.concatenate([alpha, kappa, [0.0]])))) - 0.05
        for centre, missing in zip(rows.centres, alpha.isna(), strict=True):
            if missing:
                ax.text(
                    left + 0.02,
                    centre,
                    "α not computable (no variation)",
                    va="center",
                    fontsize=VALUE_FONT_SIZE,
                    fontstyle="italic",
                    color=MUTED_COLOUR,
                )
        for threshold, line, note in (
            (ALPHA_TENTATIVE, "--", "0.667: tentative"),
            (ALPHA_RELIABLE, "-", "0.8: reliable"),
        ):
            ax.axvline(threshold, color=MUTED_COLOUR, linestyle=line, linewidth=0.8, zorder=1)
            ax.annotate(
                note,
                xy=(threshold, 0),
                xycoords=("data", "axes fraction"),
                xytext=(2, 2),
                textcoords="offset points",
                fontsize=NOTE_FONT_SIZE,
                color=MUTED_COLOUR,
                rotation=90,
                va="bottom",
            )
        rows.ticks(ax, labels, bold=ordered["_summary"].tolist(), guides=True)
        ax.set_xlim(left, 1.03)
        ax.set_xlabel(_agreement_label(ordered))
        _legend_above(ax, title=None)
        return ax


def plot_departures(
    departures: pd.DataFrame,
    events: pd.DataFrame,
    *,
    level_labels: Mapping[str, str] | None = None,
    legend_title: str | None = "Era",
    start_year: float | None = None,
    label_width: int = 40,
    ax: Axes | None = None,
) -> Axes:
    """Departures per year stacked by era, with the historical events as staggered markers.

    Each event is labelled "label description" shortened to its first clause when the frame
    has an `event` column (the label then being the date as written, e.g. "late Nov 1988"),
    else "year label". With an `event_date` column events stand at their day in the year.
    Labels hang from their event's line in rows that never overlap. Contested accounts get
    a dashed line, italics and "(contested)"; superscript numbers point to the sources in a
    note under the chart. The years start two before the first departure (or at
    `start_year`); earlier events are listed at the left edge with an arrow. Years are
    ticked in whole years; a single era (a study that splits none) gets no legend.
    """
    with plot_style():
        years = _timeline_span(departures, events, start_year)
        sources = _source_numbers(events)
        timeline, span, estimate = _fitting_timeline(events, sources, years, label_width)
        row_count = max((row for row, _ in estimate), default=-1) + 1
        ax = _axes(ax, height=2.8 + row_count * EVENT_ROW_POINTS / 72)
        top = _stack_departures(ax, departures, level_labels)
        ax.set_xlim(*span)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
        ax.xaxis.set_major_formatter(StrMethodFormatter("{x:.0f}"))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(axis="x", visible=False)
        ax.set_xlabel("Year of departure")
        ax.set_ylabel(f"Departures ({_unit_of(departures, default='respondents')})")
        if departures["era"].nunique() > 1:
            _legend_above(ax, title=legend_title)
        ax.annotate(
            _source_note(sources, contested=any(_contested(events))),
            xy=(0, 0),
            xycoords="axes fraction",
            xytext=(0, -30),
            textcoords="offset points",
            va="top",
            ha="left",
            fontsize=NOTE_FONT_SIZE,
            color=MUTED_COLOUR,
        )
        width_points, height_points = _axes_points(ax)
        span, markers, placements = timeline.layout(years, axes_points=width_points)
        ax.set_xlim(*span)
        rows_used = max((row for row, _ in placements), default=-1) + 1
        label_share = (rows_used * EVENT_ROW_POINTS + 10) / height_points
        ax.set_ylim(0, max(top, 1.0) / max(0.95 - label_share, 0.25))
        _draw_events(ax, markers, placements)
        return ax


def _fitting_timeline(
    events: pd.DataFrame,
    sources: Mapping[str, int],
    years: tuple[float, float],
    label_width: int,
) -> tuple[_Timeline, tuple[float, float], list[tuple[int, str]]]:
    """A timeline whose labels fit without widening the years by more than a third.

    Many events spread over the whole span would need many empty years at one end for
    their labels to hang all one way; shorter labels (down to 20 characters before the
    source marks) cost fewer. The first width that fits is kept, else the shortest.
    """
    axes_points = (FIGURE_WIDTH - 0.8) * 72
    allowed = (years[1] - years[0]) * MAX_TIMELINE_WIDENING
    widths = [label_width] + [width for width in (32, 26, 20) if width < label_width]
    for width in widths:
        timeline = _Timeline(events, sources, label_width=width)
        span, _, placements = timeline.layout(years, axes_points=axes_points)
        if (span[1] - span[0]) - (years[1] - years[0]) <= allowed:
            break
    return timeline, span, placements


def plot_ranking(
    ranking: pd.DataFrame, *, codes: pd.DataFrame | None = None, ax: Axes | None = None
) -> Axes:
    """Each ranked code's share of respondents with its interval, in the stated order.

    Each label starts with the stated rank; the note at the interval gives the count and
    the rank in the data, in bold where the data rank the code differently.
    """
    with plot_style():
        ordered = ranking.sort_values("given_rank", kind="stable")
        titles = _code_labels(ordered, codes, width=10_000)
        labels = [
            wrap_label(f"{int(rank)}. {title}")
            for rank, title in zip(ordered["given_rank"], titles, strict=True)
        ]
        rows = _Rows.of(labels, slot=1.8)
        ax = _axes(ax, height=rows.inches(extra=0.8))
        colours = _colours(ordered, codes)
        for centre, (_, row), colour in zip(rows.centres, ordered.iterrows(), colours, strict=True):
            ax.errorbar(
                [row["share"]],
                [centre],
                xerr=_interval(row.to_frame().T),
                fmt="o",
                color=colour,
                markeredgecolor=EDGE_COLOUR,
                markeredgewidth=0.5,
                markersize=6,
                elinewidth=1.4,
                capsize=2,
            )
            agrees = int(row["data_rank"]) == int(row["given_rank"])
            ax.annotate(
                f"{int(row['respondents'])}/{int(row['base'])}, "
                f"rank {int(row['data_rank'])} in the data",
                xy=(float(row["ci_high"]), centre),
                xytext=(5, 0),
                textcoords="offset points",
                va="center",
                fontsize=VALUE_FONT_SIZE,
                fontweight="normal" if agrees else "bold",
            )
        rows.ticks(ax, labels, guides=True)
        ax.set_xlim(-0.02, 1.02)  # room for a whole dot at 0% and 100%
        ax.xaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
        ax.set_xlabel(
            "Share of respondents mentioning the code (95% Wilson interval); "
            "labels give the stated rank"
        )
        return ax


# Layout


@dataclass(frozen=True)
class _Rows:
    """Vertical slots for the rows of a horizontal chart, in lines of label text.

    Each row is as tall as its wrapped label (or `slot` lines, if more), plus a gap, so
    that two-line labels never run into their neighbours.
    """

    centres: np.ndarray
    ends: np.ndarray

    @classmethod
    def of(cls, labels: Sequence[str], *, slot: float) -> _Rows:
        """The slots for these labels, the first on top."""
        extents = np.array([max(label.count("\n") + 1, slot) + ROW_GAP for label in labels])
        ends = np.cumsum(extents)
        return cls(centres=ends - extents / 2, ends=ends)

    @property
    def total(self) -> float:
        """The height of all rows, in lines."""
        return float(self.ends[-1]) if len(self.ends) else 1.0

    def inches(self, *, extra: float) -> float:
        """A figure height for these rows plus `extra` inches for axis labels and legend."""
        return float(min(max(self.total * LINE_INCHES + extra, 2.0), 9.5))

    def ticks(
        self,
        ax: Axes,
        labels: Sequence[str],
        *,
        bold: Sequence[bool] | None = None,
        guides: bool = False,
    ) -> None:
        """One y tick per row, the first row on top; rows marked `bold` in bold.

        With `guides`, a faint line runs along each row, leading the eye from label to dot.
        """
        ax.set_yticks(self.centres, labels)
        if bold is not None:
            for tick, strong in zip(ax.get_yticklabels(), bold, strict=True):
                if strong:
                    tick.set_fontweight("bold")
        ax.set_ylim(self.total, 0)
        ax.tick_params(axis="y", length=0)
        if guides:
            ax.grid(axis="y", visible=True, linestyle=":")
        else:
            ax.grid(axis="y", visible=False)

    def separate(self, ax: Axes) -> None:
        """Thin lines between rows, so that each code's marks read as one group."""
        for boundary in self.ends[:-1]:
            ax.axhline(boundary, color=GRID_COLOUR, linewidth=0.5, zorder=0)


def _axes(ax: Axes | None, *, height: float) -> Axes:
    """The given axes with the style's axes settings, or a new figure's axes."""
    if ax is None:
        figure = Figure(figsize=(FIGURE_WIDTH, height), layout="constrained")
        return figure.add_subplot()
    finish_axes(ax)
    return ax


def _figure(ax: Axes) -> Figure:
    """The figure an axes is drawn on."""
    figure = ax.get_figure(root=True)
    if not isinstance(figure, Figure):
        raise ValueError("the axes belong to no figure")
    return figure


def _axes_points(ax: Axes) -> tuple[float, float]:
    """The axes' width and height in points once the figure's layout has run."""
    figure = _figure(ax)
    figure.draw_without_rendering()
    box = ax.get_window_extent()
    return box.width * 72 / figure.dpi, box.height * 72 / figure.dpi


def _legend_above(ax: Axes, *, title: str | None) -> None:
    """A legend above the plot, right-aligned with it, in as many columns as fit."""
    handles, labels = ax.get_legend_handles_labels()
    longest = max((len(label) for label in labels), default=1)
    column_points = longest * 0.6 * 7 + 28
    columns = int(max(1, min(len(labels), 4, (FIGURE_WIDTH - 0.4) * 72 // column_points)))
    ax.legend(
        loc="lower right",
        bbox_to_anchor=(1.0, 1.01),
        ncols=columns,
        title=title,
        alignment="left",
        borderaxespad=0.0,
        handletextpad=0.4,
    )


def _heatmap_frame(ax: Axes, shape: tuple[int, ...]) -> None:
    """Heatmaps need no spines or tick marks; thin lines between cells keep rows readable."""
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xticks(np.arange(-0.5, shape[1]), minor=True)
    ax.set_yticks(np.arange(-0.5, shape[0]), minor=True)
    ax.grid(which="minor", color="#E8E8E8", linewidth=0.5)
    ax.tick_params(which="both", length=0)


def _colourbar(
    ax: Axes, image: ScalarMappable, label: str, *, integer: bool, rows: int = SHORT_BAR_ROWS
) -> None:
    """A slim colour bar beside the heatmap, with whole-number ticks for counts.

    Beside a heatmap of few rows the bar is short, so its label wraps to fit along it.
    """
    bar = _figure(ax).colorbar(image, ax=ax, shrink=0.6, aspect=25, pad=0.02)
    bar.set_label(wrap_label(label, 18) if rows < SHORT_BAR_ROWS else label, fontsize=7)
    bar.ax.tick_params(labelsize=6.5)
    bar.outline.set_visible(False)
    if integer:
        bar.locator = MaxNLocator(integer=True)
        bar.update_ticks()


def _annotate_cells(
    ax: Axes,
    values: np.ndarray,
    image: ScalarMappable,
    *,
    decimals: int,
    skip_zero: bool = False,
    fontsize: float = VALUE_FONT_SIZE,
) -> None:
    """Write each cell's value in it: white on dark cells, dark on light ones."""
    for (row, column), amount in np.ndenumerate(values):
        if np.isnan(amount) or (skip_zero and amount == 0):
            continue
        red, green, blue, _ = image.to_rgba(amount)
        dark = 0.2126 * red + 0.7152 * green + 0.0722 * blue < 0.5
        ax.text(
            column,
            row,
            f"{amount:.{decimals}f}",
            ha="center",
            va="center",
            fontsize=fontsize,
            color="white" if dark else TEXT_COLOUR,
        )


# Labels and colours


def _code_labels(frame: pd.DataFrame, codes: pd.DataFrame | None, *, width: int = 28) -> list[str]:
    """Each row's code title (from `codes`, else a title column), else its path or id, wrapped."""
    titles = {} if codes is None else dict(zip(codes["code_id"], codes["title"], strict=True))
    own = frame["title"] if "title" in frame.columns else pd.Series(None, index=frame.index)
    names = []
    for code_id, path, title in zip(frame["code_id"], frame["path"], own, strict=True):
        candidates = [titles.get(code_id), title, path, code_id]
        names.append(next(str(name) for name in candidates if isinstance(name, str)))
    return [wrap_label(name, width) for name in names]


def _titles(code_ids: Sequence[str], codes: pd.DataFrame | None, *, width: int) -> list[str]:
    """Code titles from the codes frame where given, else the ids, wrapped."""
    titles = {} if codes is None else dict(zip(codes["code_id"], codes["title"], strict=True))
    return [wrap_label(str(titles.get(code_id, code_id)), width) for code_id in code_ids]


def _heatmap_labels(
    code_ids: Sequence[str], codes: pd.DataFrame | None, *, one_line_above: int, width: int
) -> tuple[list[str], float]:
    """Heatmap tick labels and their font size: wrapped titles, or one short line each
    in a smaller font where there are too many codes for two-line labels to fit."""
    if len(code_ids) <= one_line_above:
        return _titles(code_ids, codes, width=width), 7.0
    return [_shorten(title, 34) for title in _titles(code_ids, codes, width=10_000)], 6.0


def _longest_line(labels: Sequence[str]) -> int:
    """The number of characters in the longest line of any label."""
    return max((len(line) for label in labels for line in label.split("\n")), default=0)


def _shorten(text: str, width: int) -> str:
    """One line of at most `width` characters, cut at a word where possible, with "…"."""
    flat = " ".join(str(text).split())
    if len(flat) <= width:
        return flat
    cut = flat[: width - 1]
    if " " in cut[width // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:–-") + "…"


def _colours(frame: pd.DataFrame, codes: pd.DataFrame | None = None) -> list[str]:
    """Each row's codebook colour (its `colour` column, else from `codes`), else blue."""
    if "colour" in frame.columns:
        found = frame["colour"].tolist()
    elif codes is not None:
        by_code = dict(zip(codes["code_id"], codes["colour"], strict=True))
        found = [by_code.get(code_id) for code_id in frame["code_id"]]
    else:
        found = [None] * len(frame)
    return [str(colour) if isinstance(colour, str) else OKABE_ITO[0] for colour in found]


def _has_children(paths: Sequence[str]) -> list[bool]:
    """For each code path, whether another path shown lies below it (a group header)."""
    return [any(other.startswith(f"{path}/") for other in paths) for path in paths]


def _all_whole(frame: pd.DataFrame) -> bool:
    """Whether every value is a whole number, so that axes should tick in whole numbers."""
    values = frame.to_numpy(dtype=float)
    return bool(np.all(np.isnan(values) | (values == np.round(values))))


def _unit_of(frame: pd.DataFrame, *, default: str) -> str:
    """The frame's unit (its `unit` column's first value), else the default."""
    if "unit" in frame.columns and len(frame) and isinstance(frame["unit"].iloc[0], str):
        return str(frame["unit"].iloc[0])
    return default


def _humanise(name: str) -> str:
    """An identifier in words: 'conflict_1988_1994' becomes 'Conflict 1988–1994'."""
    words = re.sub(r"(\d{4})_(\d{4})", "\\1–\\2", str(name)).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _level_label(level: Any, level_labels: Mapping[str, str] | None) -> str:
    """A level's display label: the given one, else the value in words."""
    if level_labels is not None and str(level) in level_labels:
        return level_labels[str(level)]
    return _humanise(str(level))


def _level_with_n(level: Any, n: pd.Series, level_labels: Mapping[str, str] | None) -> str:
    """A level's label with its base when the base is the same for every code."""
    label = _level_label(level, level_labels)
    bases = n.dropna().unique()
    return f"{label} (n = {int(bases[0])})" if len(bases) == 1 else label


def _interval(rows: pd.DataFrame) -> np.ndarray:
    """Error-bar lengths below and above each share, never negative."""
    share = rows["share"].astype(float).to_numpy()
    below = np.clip(share - rows["ci_low"].astype(float).to_numpy(), 0, None)
    above = np.clip(rows["ci_high"].astype(float).to_numpy() - share, 0, None)
    return np.vstack([below, above])


def _frequency_label(unit: str, value: str) -> str:
    """The value axis label in the frame's unit."""
    if unit == "codings":
        return "Share of all codings" if value == "share" else "Codings"
    if value == "share":
        return f"Share of {unit} mentioning the code"
    return f"{_humanise(unit)} mentioning the code"


def _pair_order(pairs: pd.DataFrame, codes: pd.DataFrame | None) -> list[str]:
    """The codes of a pairs frame, in codebook order where the codes frame is given."""
    present = list(dict.fromkeys([*pairs["code_a"], *pairs["code_b"]]))
    if codes is None:
        return present
    known = set(present)
    ordered = [code_id for code_id in codes["code_id"] if code_id in known]
    return ordered + [code_id for code_id in present if code_id not in set(ordered)]


def _kappa_label(agreement: pd.DataFrame) -> str:
    """Which kappa the hollow markers show."""
    cohen = agreement["cohen_kappa"].notna().any()
    fleiss = (agreement["cohen_kappa"].isna() & agreement["fleiss_kappa"].notna()).any()
    if cohen and fleiss:
        return "Cohen's κ (2 coders) or Fleiss' κ"
    return "Fleiss' κ" if fleiss else "Cohen's κ"


def _agreement_label(agreement: pd.DataFrame) -> str:
    """The x label, with the units and coders when every code shares them."""
    label = "Agreement between coders"
    bases = agreement[["units", "coders", "unit"]].drop_duplicates()
    if len(bases) == 1:
        units, coders, unit = bases.iloc[0]
        label += f" ({int(units)} {unit}, {int(coders)} coders)"
    return label


# Timeline


@dataclass(frozen=True)
class _EventMarker:
    """One event as drawn: where its line stands, its label and its label's width."""

    x: float
    text: str
    contested: bool
    before_start: bool
    width_points: float


@dataclass(frozen=True)
class _Timeline:
    """The events of a timeline, to be laid out once the axes' width is known."""

    events: pd.DataFrame
    sources: Mapping[str, int]
    label_width: int

    def layout(
        self, years: tuple[float, float], *, axes_points: float
    ) -> tuple[tuple[float, float], list[_EventMarker], list[tuple[int, str]]]:
        """The years to show (widened so that the labels fit), the markers and their rows."""
        markers = _event_markers(
            self.events, self.sources, span=years, label_width=self.label_width
        )
        span = _fitting_span(markers, span=years, axes_points=axes_points)
        markers = _event_markers(
            self.events, self.sources, span=span, before=years[0], label_width=self.label_width
        )
        return span, markers, _place_events(markers, span=span, axes_points=axes_points)


def _fitting_span(
    markers: Sequence[_EventMarker], *, span: tuple[float, float], axes_points: float
) -> tuple[float, float]:
    """The span widened, at whichever end costs fewer years, so every label fits one side.

    Labels all hanging right of their lines, or all hanging left, make a staircase that
    no line crosses; a few empty years at one end are a fair price for it.
    """
    start, end = span
    shares = [
        (marker.x, min(marker.width_points / axes_points, 0.9))
        for marker in markers
        if not marker.before_start
    ]
    later_end = max([end] + [start + (x - start) / (1 - share) for x, share in shares])
    earlier_start = min([start] + [(x - share * end) / (1 - share) for x, share in shares])
    if later_end - end <= start - earlier_start:
        return start, later_end
    return earlier_start, end


def _timeline_span(
    departures: pd.DataFrame, events: pd.DataFrame, start_year: float | None
) -> tuple[float, float]:
    """The years shown: from two before the first departure (or `start_year`) to the last."""
    years = pd.concat([departures["year"], events["year"]]).astype(float)
    if years.empty:
        return (0.0, 1.0)
    if start_year is None:
        first = departures["year"].min() if len(departures) else years.min()
        start_year = float(first) - 2.0
    return float(start_year), float(years.max()) + 1.5


def _stack_departures(
    ax: Axes, departures: pd.DataFrame, level_labels: Mapping[str, str] | None
) -> float:
    """Stacked bars of departures per year, eras in time order; returns the tallest stack."""
    table = departures.pivot_table(
        index="year", columns="era", values="departures", aggfunc="sum", fill_value=0
    )
    first_year = departures.groupby("era")["year"].min()
    eras = sorted(table.columns, key=lambda era: (first_year[era], str(era)))
    bottom = np.zeros(len(table))
    for index, era in enumerate(eras):
        values = table[era].astype(float).to_numpy()
        ax.bar(
            table.index.astype(float),
            values,
            bottom=bottom,
            width=0.8,
            color=OKABE_ITO[index % len(OKABE_ITO)],
            label=_level_label(era, level_labels),
            linewidth=0,
        )
        bottom = bottom + values
    return float(bottom.max(initial=0.0))


def _contested(events: pd.DataFrame) -> list[bool]:
    """Whether each event's account is contested; a missing mark means it is not."""
    return [not pd.isna(mark) and bool(mark) for mark in events["contested"]]


def _source_numbers(events: pd.DataFrame) -> dict[str, int]:
    """Each source of the events, numbered in order of first appearance."""
    numbers: dict[str, int] = {}
    for cell in events["source"]:
        for source in _sources_of(cell):
            numbers.setdefault(source, len(numbers) + 1)
    return numbers


def _sources_of(cell: Any) -> list[str]:
    """The sources in one cell, which may join several with ';'."""
    if not isinstance(cell, str):
        return []
    return [part.strip() for part in cell.split(";") if part.strip()]


def _event_markers(
    events: pd.DataFrame,
    sources: Mapping[str, int],
    *,
    span: tuple[float, float],
    label_width: int,
    before: float | None = None,
) -> list[_EventMarker]:
    """Each event's marker; events before `before` (default: the span's start) go left."""
    cutoff = span[0] if before is None else before
    measure = TextToPath()
    descriptions = (
        events["event"] if "event" in events.columns else events["label"].map(lambda _: None)
    )
    markers = []
    for year, x, label, description, cell, contested in zip(
        events["year"].astype(float),
        _event_positions(events, span=span),
        events["label"],
        descriptions,
        events["source"],
        _contested(events),
        strict=True,
    ):
        earlier = year < cutoff
        marks = ",".join(str(sources[source]) for source in _sources_of(cell))
        text = _event_text(year, label, description, label_width=label_width)
        text = text + marks.translate(SUPERSCRIPT_DIGITS) + (" (contested)" if contested else "")
        text = ("← " if earlier else "") + text
        font = FontProperties(size=VALUE_FONT_SIZE, style="italic" if contested else "normal")
        # Drawn text runs a few percent wider than its outline; the box adds a little more.
        width = measure.get_text_width_height_descent(text, font, ismath=False)[0] * 1.06 + 6
        markers.append(_EventMarker(span[0] if earlier else x, text, contested, earlier, width))
    return markers


def _event_positions(events: pd.DataFrame, *, span: tuple[float, float]) -> list[float]:
    """Where each event stands on the year axis, whose bar for year Y spans Y ± 0.5.

    A dated event (an `event_date` column) stands at its day within its year's bar; events
    known only by year are spread over the middle of the bar. Lines closer than a 250th of
    the span are moved apart, keeping their order in time, so that every line shows.
    """
    years = events["year"].astype(float).tolist()
    if "event_date" in events.columns:
        dates = pd.to_datetime(events["event_date"], errors="coerce").tolist()
    else:
        dates = [pd.NaT] * len(years)
    undated = [year for year, date in zip(years, dates, strict=True) if pd.isna(date)]
    seen: dict[float, int] = {}
    raw: list[float] = []
    for year, date in zip(years, dates, strict=True):
        if pd.isna(date) or date.year != int(year):
            rank = seen.get(year, 0)
            seen[year] = rank + 1
            raw.append(year + (rank - (undated.count(year) - 1) / 2) * SAME_YEAR_SPREAD)
        else:
            raw.append(year - 0.5 + (date.day_of_year - 0.5) / (366 if date.is_leap_year else 365))
    gap = (span[1] - span[0]) / 250
    positions = list(raw)
    previous = -np.inf
    for index in sorted(range(len(raw)), key=lambda index: (raw[index], index)):
        if raw[index] < span[0]:
            continue
        positions[index] = max(raw[index], previous + gap)
        previous = positions[index]
    return positions


def _event_text(year: float, label: Any, description: Any, *, label_width: int) -> str:
    """An event's short label: "date label: first clause of the event", or "year label"."""
    if isinstance(description, str) and description.strip():
        when = label if isinstance(label, str) and label.strip() else f"{int(year)}"
        head = re.split(r"[;:]", description, maxsplit=1)[0]
        return f"{when}: {_shorten(head, label_width)}"
    return f"{int(year)} {_shorten(str(label), label_width)}"


def _place_events(
    markers: Sequence[_EventMarker], *, span: tuple[float, float], axes_points: float
) -> list[tuple[int, str]]:
    """A label row and alignment per event such that labels neither overlap nor get crossed.

    Each label hangs from the top of its event's line. If every label fits to the right of
    its line, labels hang right and are placed left to right; else, if every one fits to
    the left, they hang left and are placed right to left. Each label takes the highest
    free row below every label already placed over its line, so no line runs through a
    label: a staircase. Events before the span have no line and sit at the left edge.
    """
    points_per_year = axes_points / (span[1] - span[0])
    at = [(marker.x - span[0]) * points_per_year for marker in markers]
    lined = [index for index, marker in enumerate(markers) if not marker.before_start]
    # Half a point of slack: a span widened to fit a label exactly must count as fitting.
    fits_right = all(
        at[index] + markers[index].width_points <= axes_points + 0.5 for index in lined
    )
    fits_left = all(at[index] - markers[index].width_points >= -0.5 for index in lined)
    descending = not fits_right and fits_left
    lined.sort(key=lambda index: (at[index], index), reverse=descending)
    order = [index for index, marker in enumerate(markers) if marker.before_start] + lined
    occupied: list[list[tuple[float, float]]] = []
    placed: dict[int, tuple[int, str, float, float]] = {}
    for index in order:
        width, x = markers[index].width_points, at[index]
        if markers[index].before_start:
            align = "left"
        elif fits_right or descending:
            align = "left" if fits_right else "right"
        else:
            align = "left" if x + width <= axes_points else "right"
        low, high = (x, x + width) if align == "left" else (x - width, x)
        lowest = -1
        if not markers[index].before_start:
            covering = [row for row, _, begin, end in placed.values() if begin <= x <= end]
            lowest = max(covering, default=-1)
        row = next(
            (
                number
                for number in range(lowest + 1, len(occupied))
                if all(high + 3 < begin or low > end + 3 for begin, end in occupied[number])
            ),
            max(len(occupied), lowest + 1),
        )
        while len(occupied) <= row:
            occupied.append([])
        occupied[row].append((low, high))
        placed[index] = (row, align, low, high)
    return [placed[index][:2] for index in range(len(markers))]


def _draw_events(
    ax: Axes, markers: Sequence[_EventMarker], placements: Sequence[tuple[int, str]]
) -> None:
    """A line from the axis up to each event's label; contested ones dashed and italic."""
    figure = _figure(ax)
    blended = blended_transform_factory(ax.transData, ax.transAxes)
    for marker, (row, align) in zip(markers, placements, strict=True):
        place = offset_copy(
            blended,
            fig=figure,
            x=4 if marker.before_start else 0,  # clear of the axis line
            y=-4 - row * EVENT_ROW_POINTS,
            units="points",
        )
        line = (
            None
            if marker.before_start
            else {
                "arrowstyle": "-",
                "color": MUTED_COLOUR,
                "linewidth": 0.7,
                "linestyle": "--" if marker.contested else "-",
                "shrinkA": 0,
                "shrinkB": 0,
                "relpos": (0.0, 1.0) if align == "left" else (1.0, 1.0),
            }
        )
        ax.annotate(
            marker.text,
            xy=(marker.x, 0),
            xycoords=blended,
            xytext=(marker.x, 1.0),
            textcoords=place,
            ha=align,
            va="top",
            fontsize=VALUE_FONT_SIZE,
            fontstyle="italic" if marker.contested else "normal",
            bbox={
                "boxstyle": "square,pad=0.1",
                "facecolor": "white",
                "edgecolor": "none",
                "alpha": 0.85,
            },
            arrowprops=line,
            zorder=3,
        )


def _source_note(sources: Mapping[str, int], *, contested: bool) -> str:
    """The note under the timeline naming the numbered sources."""
    listed = "; ".join(
        f"{str(number).translate(SUPERSCRIPT_DIGITS)} {source}"
        for source, number in sources.items()
    )
    note = f"Event sources: {listed}." if listed else ""
    if contested:
        note += " Dashed lines and italics mark contested accounts."
    return wrap_label(note.strip(), 130)


# ---------------------------------------------------------------------------------------
# Ranking with its uncertainty (a chart family of its own: a stated ranking of codes, each
# share with its interval and the ranks the intervals allow). Kept in one block so that it
# moves as a unit.


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
        titles = _code_labels(ordered, codes, width=10_000)
        labels = [
            wrap_label(f"{int(rank)}. {title}")
            for rank, title in zip(ordered["given_rank"], titles, strict=True)
        ]
        rows = _Rows.of(labels, slot=1.8)
        ax = _axes(ax, height=rows.inches(extra=0.8))
        colours = _colours(ordered, codes)
        for centre, (_, row), colour in zip(rows.centres, ordered.iterrows(), colours, strict=True):
            if pd.isna(row["share"]):
                continue
            ax.errorbar(
                [row["share"]],
                [centre],
                xerr=_interval(row.to_frame().T),
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

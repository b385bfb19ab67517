"""Departures per year stacked by era, under the study's historical timeline."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath
from matplotlib.ticker import MaxNLocator, StrMethodFormatter
from matplotlib.transforms import blended_transform_factory, offset_copy

from analysis.charts._layout import (
    NOTE_FONT_SIZE,
    SUPERSCRIPT_DIGITS,
    VALUE_FONT_SIZE,
    axes_of,
    axes_size_points,
    figure_of,
    legend_above,
    level_label,
    shorten,
    unit_of,
)
from analysis.style import (
    EDGE_COLOUR,
    FIGURE_WIDTH,
    MUTED_COLOUR,
    OKABE_ITO,
    TEXT_COLOUR,
    plot_style,
    wrap_label,
)

EVENT_ROW_POINTS = 9.5
SAME_YEAR_SPREAD = 0.3  # years between the markers of events in the same year
MAX_TIMELINE_WIDENING = 1 / 3  # of the years shown, added so that event labels fit
CUT_COLOUR = EDGE_COLOUR


def plot_departures(
    departures: pd.DataFrame,
    events: pd.DataFrame,
    *,
    level_labels: Mapping[str, str] | None = None,
    legend_title: str | None = "Era",
    start_year: float | None = None,
    label_width: int = 40,
    cuts: Sequence[int] = (),
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

    `cuts` are a study's era cuts, each the first year of a later era (its settings'
    `EraSplit.cuts`): each stands as a bold line between the bars of the year before and
    the cut year, labelled "Era cut: 1991 | 1992" in the rows of the event labels. A cut
    outside the years shown is not drawn.
    """
    with plot_style():
        years = _timeline_span(departures, events, start_year)
        sources = _source_numbers(events)
        timeline, span, estimate = _fitting_timeline(
            events, sources, years, label_width, cuts=tuple(cuts)
        )
        row_count = max((row for row, _ in estimate), default=-1) + 1
        ax = axes_of(ax, height=2.8 + row_count * EVENT_ROW_POINTS / 72)
        top = _stack_departures(ax, departures, level_labels)
        ax.set_xlim(*span)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
        ax.xaxis.set_major_formatter(StrMethodFormatter("{x:.0f}"))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(axis="x", visible=False)
        ax.set_xlabel("Year of departure")
        ax.set_ylabel(f"Departures ({unit_of(departures, default='respondents')})")
        if departures["era"].nunique() > 1:
            legend_above(ax, title=legend_title)
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
        width_points, height_points = axes_size_points(ax)
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
    *,
    cuts: tuple[int, ...] = (),
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
        timeline = _Timeline(events, sources, label_width=width, cuts=cuts)
        span, _, placements = timeline.layout(years, axes_points=axes_points)
        if (span[1] - span[0]) - (years[1] - years[0]) <= allowed:
            break
    return timeline, span, placements


@dataclass(frozen=True)
class _EventMarker:
    """One event as drawn: where its line stands, its label and its label's width."""

    x: float
    text: str
    contested: bool
    before_start: bool
    width_points: float
    cut: bool = False


@dataclass(frozen=True)
class _Timeline:
    """The events of a timeline, to be laid out once the axes' width is known."""

    events: pd.DataFrame
    sources: Mapping[str, int]
    label_width: int
    cuts: tuple[int, ...] = ()

    def layout(
        self, years: tuple[float, float], *, axes_points: float
    ) -> tuple[tuple[float, float], list[_EventMarker], list[tuple[int, str]]]:
        """The years to show (widened so that the labels fit), the markers and their rows."""
        markers = _event_markers(
            self.events, self.sources, span=years, label_width=self.label_width
        ) + _cut_markers(self.cuts, span=years)
        span = _fitting_span(markers, span=years, axes_points=axes_points)
        markers = _event_markers(
            self.events, self.sources, span=span, before=years[0], label_width=self.label_width
        ) + _cut_markers(self.cuts, span=years)
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
            label=level_label(era, level_labels),
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


def _cut_markers(cuts: Sequence[int], *, span: tuple[float, float]) -> list[_EventMarker]:
    """A marker per era cut within the span, its line between the bars of two years."""
    measure = TextToPath()
    font = FontProperties(size=VALUE_FONT_SIZE, weight="bold")
    markers = []
    for cut in cuts:
        x = float(cut) - 0.5
        if not span[0] < x < span[1]:
            continue
        text = f"Era cut: {int(cut) - 1} | {int(cut)}"
        width = measure.get_text_width_height_descent(text, font, ismath=False)[0] * 1.06 + 6
        markers.append(_EventMarker(x, text, False, False, width, cut=True))
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
        return f"{when}: {shorten(head, label_width)}"
    return f"{int(year)} {shorten(str(label), label_width)}"


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
    figure = figure_of(ax)
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
                "color": CUT_COLOUR if marker.cut else MUTED_COLOUR,
                "linewidth": 1.4 if marker.cut else 0.7,
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
            fontweight="bold" if marker.cut else "normal",
            color=CUT_COLOUR if marker.cut else TEXT_COLOUR,
            bbox={
                "boxstyle": "square,pad=0.1",
                "facecolor": "white",
                "edgecolor": "none",
                "alpha": 0.85,
            },
            arrowprops=line,
            zorder=4 if marker.cut else 3,
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

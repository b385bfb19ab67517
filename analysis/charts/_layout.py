"""Private layout helpers shared by the chart modules: row slots, axes, legends,
heatmap frames, colour bars, labels and colours. Nothing here is public API."""

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
from matplotlib.ticker import MaxNLocator

from analysis.style import (
    FIGURE_WIDTH,
    GRID_COLOUR,
    MUTED_COLOUR,
    OKABE_ITO,
    TEXT_COLOUR,
    finish_axes,
    wrap_label,
)

VALUE_FONT_SIZE = 6.5
NOTE_FONT_SIZE = 6.0
# Past this many cells, numbers written into a heatmap are too small to read at print size
# (and slow to draw); the colour bar and the CSV table carry the values.
ANNOTATED_CELLS = 600
LINE_INCHES = 0.13  # one line of 7 pt tick label, with leading
ROW_GAP = 0.3  # lines of space between two rows
SHORT_BAR_ROWS = 8  # heatmaps with fewer rows have a colour bar too short for a long label
SUPERSCRIPT_DIGITS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


@dataclass(frozen=True)
class Rows:
    """Vertical slots for the rows of a horizontal chart, in lines of label text.

    Each row is as tall as its wrapped label (or `slot` lines, if more), plus a gap, so
    that two-line labels never run into their neighbours.
    """

    centres: np.ndarray
    ends: np.ndarray

    @classmethod
    def of(cls, labels: Sequence[str], *, slot: float) -> Rows:
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


def axes_of(ax: Axes | None, *, height: float) -> Axes:
    """The given axes with the style's axes settings, or a new figure's axes."""
    if ax is None:
        figure = Figure(figsize=(FIGURE_WIDTH, height), layout="constrained")
        return figure.add_subplot()
    finish_axes(ax)
    return ax


def figure_of(ax: Axes) -> Figure:
    """The figure an axes is drawn on."""
    figure = ax.get_figure(root=True)
    if not isinstance(figure, Figure):
        raise ValueError("the axes belong to no figure")
    return figure


def axes_size_points(ax: Axes) -> tuple[float, float]:
    """The axes' width and height in points once the figure's layout has run."""
    figure = figure_of(ax)
    figure.draw_without_rendering()
    box = ax.get_window_extent()
    return box.width * 72 / figure.dpi, box.height * 72 / figure.dpi


def legend_above(ax: Axes, *, title: str | None) -> None:
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


def heatmap_frame(ax: Axes, shape: tuple[int, ...]) -> None:
    """Heatmaps need no spines or tick marks; thin lines between cells keep rows readable."""
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xticks(np.arange(-0.5, shape[1]), minor=True)
    ax.set_yticks(np.arange(-0.5, shape[0]), minor=True)
    ax.grid(which="minor", color="#E8E8E8", linewidth=0.5)
    ax.tick_params(which="both", length=0)


def colourbar(
    ax: Axes, image: ScalarMappable, label: str, *, integer: bool, rows: int = SHORT_BAR_ROWS
) -> None:
    """A slim colour bar beside the heatmap, with whole-number ticks for counts.

    Beside a heatmap of few rows the bar is short, so its label wraps to fit along it.
    """
    bar = figure_of(ax).colorbar(image, ax=ax, shrink=0.6, aspect=25, pad=0.02)
    bar.set_label(wrap_label(label, 18) if rows < SHORT_BAR_ROWS else label, fontsize=7)
    bar.ax.tick_params(labelsize=6.5)
    bar.outline.set_visible(False)
    if integer:
        bar.locator = MaxNLocator(integer=True)
        bar.update_ticks()


def annotate_cells(
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


def code_labels(frame: pd.DataFrame, codes: pd.DataFrame | None, *, width: int = 28) -> list[str]:
    """Each row's code title (from `codes`, else a title column), else its path or id, wrapped."""
    titles = {} if codes is None else dict(zip(codes["code_id"], codes["title"], strict=True))
    own = frame["title"] if "title" in frame.columns else pd.Series(None, index=frame.index)
    names = []
    for code_id, path, title in zip(frame["code_id"], frame["path"], own, strict=True):
        candidates = [titles.get(code_id), title, path, code_id]
        names.append(next(str(name) for name in candidates if isinstance(name, str)))
    return [wrap_label(name, width) for name in names]


def titles_of(code_ids: Sequence[str], codes: pd.DataFrame | None, *, width: int) -> list[str]:
    """Code titles from the codes frame where given, else the ids, wrapped."""
    titles = {} if codes is None else dict(zip(codes["code_id"], codes["title"], strict=True))
    return [wrap_label(str(titles.get(code_id, code_id)), width) for code_id in code_ids]


def heatmap_labels(
    code_ids: Sequence[str], codes: pd.DataFrame | None, *, one_line_above: int, width: int
) -> tuple[list[str], float]:
    """Heatmap tick labels and their font size: wrapped titles, or one short line each
    in a smaller font where there are too many codes for two-line labels to fit."""
    if len(code_ids) <= one_line_above:
        return titles_of(code_ids, codes, width=width), 7.0
    return [shorten(title, 34) for title in titles_of(code_ids, codes, width=10_000)], 6.0


def longest_line(labels: Sequence[str]) -> int:
    """The number of characters in the longest line of any label."""
    return max((len(line) for label in labels for line in label.split("\n")), default=0)


def shorten(text: str, width: int) -> str:
    """One line of at most `width` characters, cut at a word where possible, with "…"."""
    flat = " ".join(str(text).split())
    if len(flat) <= width:
        return flat
    cut = flat[: width - 1]
    if " " in cut[width // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:–-") + "…"


def colours_of(frame: pd.DataFrame, codes: pd.DataFrame | None = None) -> list[str]:
    """Each row's codebook colour (its `colour` column, else from `codes`), else blue."""
    if "colour" in frame.columns:
        found = frame["colour"].tolist()
    elif codes is not None:
        by_code = dict(zip(codes["code_id"], codes["colour"], strict=True))
        found = [by_code.get(code_id) for code_id in frame["code_id"]]
    else:
        found = [None] * len(frame)
    return [str(colour) if isinstance(colour, str) else OKABE_ITO[0] for colour in found]


def has_children(paths: Sequence[str]) -> list[bool]:
    """For each code path, whether another path shown lies below it (a group header)."""
    return [any(other.startswith(f"{path}/") for other in paths) for path in paths]


def all_whole(frame: pd.DataFrame) -> bool:
    """Whether every value is a whole number, so that axes should tick in whole numbers."""
    values = frame.to_numpy(dtype=float)
    return bool(np.all(np.isnan(values) | (values == np.round(values))))


def unit_of(frame: pd.DataFrame, *, default: str) -> str:
    """The frame's unit (its `unit` column's first value), else the default."""
    if "unit" in frame.columns and len(frame) and isinstance(frame["unit"].iloc[0], str):
        return str(frame["unit"].iloc[0])
    return default


def humanise(name: str) -> str:
    """An identifier in words: 'conflict_1988_1994' becomes 'Conflict 1988–1994'."""
    words = re.sub(r"(\d{4})_(\d{4})", "\\1–\\2", str(name)).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def level_label(level: Any, level_labels: Mapping[str, str] | None) -> str:
    """A level's display label: the given one, else the value in words."""
    if level_labels is not None and str(level) in level_labels:
        return level_labels[str(level)]
    return humanise(str(level))


def level_with_n(level: Any, n: pd.Series, level_labels: Mapping[str, str] | None) -> str:
    """A level's label with its base when the base is the same for every code."""
    label = level_label(level, level_labels)
    bases = n.dropna().unique()
    return f"{label} (n = {int(bases[0])})" if len(bases) == 1 else label


def interval_of(rows: pd.DataFrame) -> np.ndarray:
    """Error-bar lengths below and above each share, never negative."""
    share = rows["share"].astype(float).to_numpy()
    below = np.clip(share - rows["ci_low"].astype(float).to_numpy(), 0, None)
    above = np.clip(rows["ci_high"].astype(float).to_numpy() - share, 0, None)
    return np.vstack([below, above])


def figure_note(ax: Axes, note: str) -> None:
    """A short note above the plot, left-aligned: what part of the data a chart shows."""
    ax.set_title(wrap_label(note, 110), loc="left", fontsize=NOTE_FONT_SIZE, color=MUTED_COLOUR)

"""Heatmaps over codes: code × code co-occurrence and the interviews × codes matrix."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from analysis.charts._layout import (
    ANNOTATED_CELLS,
    VALUE_FONT_SIZE,
    all_whole,
    annotate_cells,
    axes_of,
    colourbar,
    figure_note,
    heatmap_frame,
    heatmap_labels,
    longest_line,
)
from analysis.style import (
    FIGURE_WIDTH,
    SEQUENTIAL,
    plot_style,
)

# Past these sizes a heatmap's cells are too small to read: the figure shows a part.
MATRIX_ROWS = 60
MATRIX_CODES = 40


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
        labels, fontsize = heatmap_labels(code_ids, codes, one_line_above=16, width=24)
        label_inches = longest_line(labels) * 0.6 * fontsize / 72
        side = min(FIGURE_WIDTH - label_inches - 0.9, 0.3 * len(code_ids))
        ax = axes_of(ax, height=min(max(side + label_inches + 0.4, 2.5), 9.0))
        vmax = 1.0 if value == "jaccard" else max(float(np.nanmax(matrix, initial=0.0)), 1.0)
        image = ax.imshow(
            np.ma.masked_invalid(matrix),
            cmap=SEQUENTIAL.with_extremes(bad="#E4E4E4"),
            vmin=0,
            vmax=vmax,
        )
        if len(code_ids) <= 16:
            annotate_cells(ax, matrix, image, decimals=2 if value == "jaccard" else 0)
        ax.set_xticks(range(len(code_ids)), labels, rotation=90, fontsize=fontsize)
        ax.set_yticks(range(len(code_ids)), labels, fontsize=fontsize)
        heatmap_frame(ax, matrix.shape)
        label = (
            "Jaccard similarity (both / either)"
            if value == "jaccard"
            else ("Interviews with both codes")
        )
        colourbar(ax, image, label, integer=value == "both", rows=len(code_ids))
        return ax


def plot_code_matrix(
    matrix: pd.DataFrame,
    *,
    codes: pd.DataFrame | None = None,
    value_label: str = "Codings",
    max_rows: int = MATRIX_ROWS,
    max_codes: int = MATRIX_CODES,
    ax: Axes | None = None,
) -> Axes:
    """An interviews × codes heatmap of counts, zero cells white, counts written in.

    With more than 20 codes the column labels are cut to one line, so that they fit. A
    matrix larger than `max_rows` interviews or `max_codes` codes is drawn in part, and
    the figure says which part: the first `max_rows` rows, and the `max_codes` codes with
    the most codings (in their given order).
    """
    with plot_style():
        matrix, shown = _bounded(matrix, max_rows=max_rows, max_codes=max_codes)
        values = matrix.to_numpy(dtype=float)
        rows, columns = values.shape
        code_ids = [str(column) for column in matrix.columns]
        labels, fontsize = heatmap_labels(code_ids, codes, one_line_above=20, width=22)
        label_inches = longest_line(labels) * 0.6 * fontsize / 72
        ax = axes_of(ax, height=min(1.4 + 0.2 * rows + label_inches, 9.0))
        vmax = max(float(values.max(initial=0.0)), 1.0)
        image = ax.imshow(values, cmap=SEQUENTIAL, vmin=0, vmax=vmax, aspect="auto")
        if rows * columns <= ANNOTATED_CELLS:
            annotate_cells(
                ax,
                values,
                image,
                decimals=0,
                skip_zero=True,
                fontsize=5.5 if columns > 20 else VALUE_FONT_SIZE,
            )
        ax.set_xticks(range(columns), labels, rotation=90, fontsize=fontsize)
        ax.set_yticks(range(rows), [str(name) for name in matrix.index])
        heatmap_frame(ax, values.shape)
        colourbar(ax, image, value_label, integer=all_whole(matrix), rows=rows)
        if shown is not None:
            figure_note(ax, shown)
        return ax


def _bounded(
    matrix: pd.DataFrame, *, max_rows: int, max_codes: int
) -> tuple[pd.DataFrame, str | None]:
    """The part of a matrix drawn, and the note saying which part, if not all of it."""
    rows, columns = matrix.shape
    if rows <= max_rows and columns <= max_codes:
        return matrix, None
    totals = matrix.sum(axis=0).to_numpy(dtype=float)
    # The most-coded codes, ties in the given order, then shown in the given order.
    keep = np.sort(np.argsort(-totals, kind="stable")[:max_codes])
    part = matrix.iloc[:max_rows, keep]
    said = []
    if rows > max_rows:
        noun = "interviews" if matrix.index.name == "interview_id" else "rows"
        said.append(f"the first {max_rows:,} of {rows:,} {noun}")
    if columns > max_codes:
        said.append(f"the {max_codes} most-coded of {columns:,} codes")
    return part, f"Shown: {' and '.join(said)}; every cell is in the table."


def _pair_order(pairs: pd.DataFrame, codes: pd.DataFrame | None) -> list[str]:
    """The codes of a pairs frame, in codebook order where the codes frame is given."""
    present = list(dict.fromkeys([*pairs["code_a"], *pairs["code_b"]]))
    if codes is None:
        return present
    known = set(present)
    ordered = [code_id for code_id in codes["code_id"] if code_id in known]
    return ordered + [code_id for code_id in present if code_id not in set(ordered)]

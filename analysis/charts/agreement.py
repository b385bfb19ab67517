"""Agreement between coders per code, against the usual reliability thresholds."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from analysis.charts._layout import (
    NOTE_FONT_SIZE,
    VALUE_FONT_SIZE,
    Rows,
    axes_of,
    code_labels,
    legend_above,
)
from analysis.style import (
    MUTED_COLOUR,
    OKABE_ITO,
    plot_style,
)

ALPHA_TENTATIVE = 0.667
ALPHA_RELIABLE = 0.8


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
        labels = code_labels(ordered, codes)
        rows = Rows.of(labels, slot=1.3)
        ax = axes_of(ax, height=rows.inches(extra=1.0))
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
        legend_above(ax, title=None)
        return ax


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

"""The house style of every figure, label wrapping, and the one function that writes figures.

Every chart function in `analysis.charts` draws inside `plot_style()`, a matplotlib rc
context, so the global rcParams are never changed. The style is set for print: figures
6.5 in wide, 7–9 pt text, no top or right spines, a light grid behind the data, and the
Okabe–Ito palette, which stays distinguishable for the common forms of colour blindness.
Charts per code use each code's codebook colour instead (the `colour` of the codes frame).

Font: DejaVu Sans, which matplotlib ships, so no system font is needed. It covers all of
Cyrillic (U+0400–U+04FF) and every letter and punctuation mark of the Armenian alphabet in
use (U+0531–U+0556, U+0559–U+055F, U+0561–U+0587, U+0589–U+058A). It lacks four late
additions: U+0560 and U+0588 (two letters for dialect transcription), the eternity signs
U+058D–U+058E and the dram sign U+058F. Where "Noto Sans Armenian" is installed (Debian
package fonts-noto-core) it is added as a fallback and supplies those too.

SVG output is byte-identical for identical input: `save_figure` (and `figure_svg`, which
renders in memory) fix `svg.hashsalt` (the seed of the ids of clip paths and glyphs), drop
the date from the metadata and write a fixed creator. Text is stored as paths
(`svg.fonttype: path`), so an SVG looks the same on a machine without the font.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.rcsetup import cycler

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

OKABE_ITO = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
)
TEXT_COLOUR = "#222222"
MUTED_COLOUR = "#666666"
GRID_COLOUR = "#DDDDDD"
EDGE_COLOUR = "#333333"
# White to Okabe–Ito blue to a dark blue: one hue, readable in grey print and by everyone.
SEQUENTIAL = LinearSegmentedColormap.from_list(
    "okabe_ito_blues", ["#FFFFFF", "#56B4E9", "#0072B2", "#003A5D"]
)

FIGURE_WIDTH = 6.5  # inches: the text width of a US letter or A4 page with 1 in margins
PRIMARY_FONT = "DejaVu Sans"
FALLBACK_FONTS = ("Noto Sans Armenian",)
CREATOR = "migration-research analysis.style"
SVG_HASH_SALT = "migration-research"
FORMATS = ("png", "svg", "pdf")


def font_families() -> list[str]:
    """The sans-serif font list: DejaVu Sans, then any installed fallback for Armenian."""
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    return [PRIMARY_FONT, *(name for name in FALLBACK_FONTS if name in installed)]


def rc_params() -> dict[RcKeyType, Any]:
    """The rcParams of the house style, for `matplotlib.rc_context`."""
    return {
        "font.family": "sans-serif",
        "font.sans-serif": font_families(),
        "font.size": 8,
        "axes.titlesize": 9,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.labelsize": 8,
        "axes.labelcolor": TEXT_COLOUR,
        "axes.edgecolor": MUTED_COLOUR,
        "axes.linewidth": 0.6,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.axisbelow": True,
        "axes.prop_cycle": cycler(color=list(OKABE_ITO)),
        "grid.color": GRID_COLOUR,
        "grid.linewidth": 0.5,
        "xtick.labelsize": 7,
        "ytick.labelsize": 7,
        "xtick.color": TEXT_COLOUR,
        "ytick.color": TEXT_COLOUR,
        "xtick.major.width": 0.6,
        "ytick.major.width": 0.6,
        "legend.fontsize": 7,
        "legend.title_fontsize": 7,
        "legend.frameon": False,
        "figure.figsize": (FIGURE_WIDTH, 4.0),
        "figure.dpi": 100,
        "figure.titlesize": 9,
        "text.color": TEXT_COLOUR,
        "savefig.dpi": 300,
        "savefig.facecolor": "white",
        "svg.hashsalt": SVG_HASH_SALT,
        "svg.fonttype": "path",
        "pdf.fonttype": 42,
    }


@contextmanager
def plot_style() -> Iterator[None]:
    """Apply the house style inside the block and restore the previous rcParams after."""
    with mpl.rc_context(rc_params()):
        yield


def new_axes(*, width: float = FIGURE_WIDTH, height: float = 4.0) -> Axes:
    """A fresh styled Axes on its own constrained-layout figure, outside pyplot's registry."""
    with plot_style():
        figure = Figure(figsize=(width, height), layout="constrained")
        return figure.add_subplot()


def finish_axes(ax: Axes) -> None:
    """Apply the axes-level parts of the style, for axes created outside `plot_style`."""
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    ax.set_axisbelow(True)
    ax.tick_params(labelsize=7, colors=TEXT_COLOUR, width=0.6)


def wrap_label(text: str, width: int = 28) -> str:
    """Wrap a long label onto lines of at most `width` characters where possible.

    Lines break at spaces, and after "/" or "-" inside a word, so code paths wrap too. A
    single word longer than `width` keeps a line of its own rather than being cut.
    """
    pieces: list[tuple[str, str]] = []
    for word in str(text).split():
        parts = re.findall(r"[^/\-]+[/\-]*|[/\-]+", word)
        pieces.extend((part, " " if index == 0 else "") for index, part in enumerate(parts))
    lines: list[str] = []
    line = ""
    for part, joiner in pieces:
        candidate = f"{line}{joiner}{part}" if line else part
        if line and len(candidate) > width:
            lines.append(line)
            line = part
        else:
            line = candidate
    if line:
        lines.append(line)
    return "\n".join(lines)


def save_figure(
    fig: Figure,
    path_without_suffix: str | Path,
    formats: Sequence[str] = ("png", "svg"),
    dpi: int = 300,
) -> list[Path]:
    """Write the figure once per format (png, svg, pdf) and return the paths written.

    The SVG (and PDF) bytes are identical for identical input: a fixed hash salt, no date,
    a fixed creator. Parent folders are created. This is the only function in `analysis`
    that writes files.
    """
    unknown = [fmt for fmt in formats if fmt not in FORMATS]
    if unknown:
        raise ValueError(f"unsupported figure format(s) {unknown}; choose from {FORMATS}")
    base = Path(path_without_suffix)
    base.parent.mkdir(parents=True, exist_ok=True)
    written = []
    with plot_style():
        for fmt in formats:
            path = base.with_name(f"{base.name}.{fmt}")
            fig.savefig(
                path,
                format=fmt,
                dpi=dpi,
                metadata=_metadata(fmt),
                # Constrained layout already fits every label; a tight bounding box would
                # draw the figure a second time for nothing.
                bbox_inches=None,
                pad_inches=0.05,
            )
            written.append(path)
    return written


def figure_svg(fig: Figure, dpi: int = 100) -> bytes:
    """The figure as SVG bytes, in memory, identical for identical input like `save_figure`.

    `dpi` only matters for raster parts (heat maps); text and lines stay vector.
    """
    buffer = io.BytesIO()
    with plot_style():
        fig.savefig(
            buffer,
            format="svg",
            dpi=dpi,
            metadata=_metadata("svg"),
            bbox_inches=None,
            pad_inches=0.05,
        )
    return buffer.getvalue()


def _metadata(fmt: str) -> dict[str, str | None]:
    """Fixed file metadata per format: no creation date, a fixed creator."""
    if fmt == "png":
        return {"Software": CREATOR}
    if fmt == "pdf":
        return {"Creator": CREATOR, "Producer": CREATOR, "CreationDate": None}
    return {"Creator": CREATOR, "Date": None}

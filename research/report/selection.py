"""Which data a report is about: attribute values, one coder, code groups; and when it is empty.

A selection is applied once to the study's frames. When it holds no codings (an empty
study, interviews nobody has coded, a filter that matches nothing) there is nothing to
compute, and `nothing_to_show` says so in one line, the same in the report, the CLI and
the dashboard.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from analysis import filters
from research.services.analysis_data import StudyFrames


@dataclass(frozen=True)
class Selection:
    """Which data results are about: attribute values, one coder, top-level code groups."""

    where: Mapping[str, Any] = field(default_factory=dict)
    coder: str | None = None
    groups: Sequence[str] = ()

    def describe(self) -> str:
        """The selection in words, e.g. 'place = moscow; all coders; all code groups'."""
        return filters.describe_filters(
            where=dict(self.where) or None, coders=self.coder_list(), groups=self.group_list()
        )

    def coder_list(self) -> list[str] | None:
        """The coders whose codings count, or None for all."""
        return [self.coder] if self.coder else None

    def group_list(self) -> list[str] | None:
        """The top-level code groups whose codings count, or None for all."""
        return list(self.groups) or None


@dataclass(frozen=True)
class SelectionCounts:
    """How much data a selection holds, the selection in words, and why it is empty if it is."""

    interviews: int
    respondents: int
    codings: int
    description: str
    message: str | None = None
    # The coding source the codings come from, in words.
    source: str = ""


def select(
    frames: StudyFrames, selection: Selection, *, codings: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The (codings, interviews) of a selection, from the source's codings or `codings`
    (every coder's layer, `frames.coder_codings`, for agreement).

    An attribute no interview has a value for matches nothing (the frames have no column for
    it), rather than being an error: the data dictionary knows it, the data do not use it yet.
    """
    chosen = frames.codings if codings is None else codings
    where = dict(selection.where)
    if any(name not in frames.interviews.columns for name in where):
        return chosen.iloc[0:0], frames.interviews.iloc[0:0]
    if frames.interviews.empty:
        return chosen.iloc[0:0], frames.interviews
    return filters.select_codings(
        chosen,
        frames.interviews,
        where=where or None,
        coders=selection.coder_list(),
        groups=selection.group_list(),
    )


def count_selection(frames: StudyFrames, selection: Selection) -> SelectionCounts:
    """Interviews, respondents and codings a selection holds, and why it is empty if it is."""
    codings, interviews = select(frames, selection)
    return SelectionCounts(
        interviews=len(interviews),
        respondents=int(interviews["respondent_id"].nunique()) if len(interviews) else 0,
        codings=len(codings),
        description=selection.describe(),
        message=nothing_to_show(frames, selection, codings=codings, interviews=interviews),
        source=frames.source.label,
    )


def nothing_to_show(
    frames: StudyFrames,
    selection: Selection,
    *,
    codings: pd.DataFrame | None = None,
    interviews: pd.DataFrame | None = None,
) -> str | None:
    """One line saying why a selection has nothing to compute, or None when it has codings."""
    if codings is None or interviews is None:
        codings, interviews = select(frames, selection)
    if len(codings):
        return None
    held_back = len(frames.incomplete)
    if frames.interviews.empty and not held_back:
        return (
            "The study has no interviews yet: import transcripts (research interviews import "
            "FILES...), code them, then ask again."
        )
    if frames.interviews.empty:
        return (
            f"All {held_back} interviews are held back from analysis because their records "
            "are incomplete; complete them (research interviews set ID --set NAME=VALUE)."
        )
    if frames.codings.empty and frames.coder_codings.empty:
        return (
            f"The study has no codings yet: code some of its {len(frames.interviews)} "
            "interviews, then ask again."
        )
    if frames.codings.empty:
        others = [f"coder:{coder}" for coder in frames.source.coders] + ["union"]
        others = [other for other in others if other != frames.source.text] or ["union"]
        choices = others[0] if len(others) == 1 else f"{', '.join(others[:-1])} or {others[-1]}"
        return (
            f"The coding source ({frames.source.label}) holds no codings of these "
            f"interviews; choose another source (--source, or the dashboard's source): "
            f"{choices}."
        )
    message = (
        f"No codings match this selection ({selection.describe()}), so there is nothing to show."
    )
    known = sorted(str(coder) for coder in frames.coder_codings["coder"].unique())
    if selection.coder is not None and selection.coder not in known:
        message += (
            f" No coder named {selection.coder!r} has stored a coding; the coders are "
            f"{', '.join(known) or 'none yet'}."
        )
    elif selection.coder is not None and frames.source.source.coder != selection.coder:
        message += (
            f" The coding source is the {frames.source.label}, where {selection.coder} applied "
            f"none of these; coder:{selection.coder} as the source counts their own layer."
        )
    elif interviews.empty:
        message += " No interview has these attribute values."
    return message

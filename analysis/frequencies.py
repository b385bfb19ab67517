"""Code frequencies by unit of analysis, and the units themselves (interviews, respondents).

A unit is what a share is a share of: codings, interviews, or respondents (a respondent
mentions a code when any of their interviews does). Parent codes roll up their subtree:
for interviews and respondents a unit counts once however many codes below the parent it
holds; for codings a parent counts every coding in its subtree.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from analysis.coverage import code_matrix
from analysis.frames import roll_up_columns

Unit = Literal["codings", "interviews", "respondents"]
UNITS: tuple[str, ...] = ("codings", "interviews", "respondents")
FREQUENCY_COLUMNS = (
    "code_id", "path", "title", "group", "depth", "colour", "unit", "count", "base", "share",
    "method",
)  # fmt: skip
CODE_DESCRIPTION = ("code_id", "path", "title", "group", "depth", "colour")

_METHODS = {
    "codings": "codings of the code or any code below it, out of all codings ({source})",
    "interviews": "interviews with at least one coding of the code or a code below it "
    "({source}), out of all interviews; each interview counted once",
    "respondents": "respondents with at least one interview holding the code or a code "
    "below it ({source}), out of all respondents; each respondent counted once",
}


def subtree_matrix(codes: pd.DataFrame) -> np.ndarray:
    """Codes × codes, True at [a, d] where d is a or lies below a, in the codes frame's order."""
    code_ids = list(codes["code_id"])
    position = {code_id: index for index, code_id in enumerate(code_ids)}
    parents = [position.get(parent, -1) for parent in codes["parent_id"]]
    matrix = np.eye(len(code_ids), dtype=bool)
    for descendant in range(len(code_ids)):
        ancestor, steps = parents[descendant], 0
        while ancestor >= 0 and steps < len(code_ids):  # steps guard against a cycle
            matrix[ancestor, descendant] = True
            ancestor, steps = parents[ancestor], steps + 1
    return matrix


def frequencies(
    codings: pd.DataFrame,
    interviews: pd.DataFrame,
    codes: pd.DataFrame,
    *,
    unit: Unit,
    source: str,
) -> pd.DataFrame:
    """How often each code (parents included, rolled up) occurs, in codebook order.

    `codings` are those of one coding source (`analysis.sources`), named by `source` in
    the method text: whose codings count is stated, never assumed to be every coder's.

    `base` is the number of interviews or distinct respondents in the interviews frame, or
    for the codings unit the number of codings (of those interviews, of codebook codes);
    `share` is count / base (NaN when the base is 0).
    """
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, not {unit!r}")
    cells = code_matrix(codings, interviews, codes, applicable_only=False).to_numpy()
    if unit == "codings":
        direct = cells.sum(axis=0)
        count = subtree_matrix(codes).astype(np.int64) @ direct
        base = int(direct.sum())
    else:
        present = roll_up_columns(cells > 0, codes)
        if unit == "respondents":
            respondent, _ = pd.factorize(interviews["respondent_id"])
            present = _any_by(present[respondent >= 0], respondent[respondent >= 0])
        count = present.sum(axis=0)
        base = present.shape[0]
    table = codes.loc[:, list(CODE_DESCRIPTION)].reset_index(drop=True)
    table["unit"] = unit
    table["count"] = np.asarray(count, dtype=np.int64)
    table["base"] = base
    table["share"] = table["count"] / base if base else np.nan
    table["method"] = _METHODS[unit].format(source=f"coding source: {source}")
    return table.loc[:, list(FREQUENCY_COLUMNS)]


def _any_by(present: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Rows of a boolean matrix combined with OR within each group (groups 0..max)."""
    combined = np.zeros((int(group.max()) + 1 if len(group) else 0, present.shape[1]), dtype=bool)
    np.logical_or.at(combined, group, present)
    return combined


def _by_date(interviews: pd.DataFrame) -> pd.DataFrame:
    """Interviews sorted by date then id, the order that decides a respondent's first interview."""
    return interviews.sort_values(["interview_date", "interview_id"], kind="stable")


def units_presence(
    presence: pd.DataFrame,
    interviews: pd.DataFrame,
    *,
    unit: Literal["interviews", "respondents"],
) -> pd.DataFrame:
    """Presence per unit: interviews as given, or respondents (present in any interview).

    Presence rows are aligned to the interviews frame (an interview missing from `presence`
    holds no code). Respondents are indexed by respondent_id in order of first interview.
    """
    aligned = presence.reindex(index=pd.Index(interviews["interview_id"]), fill_value=False)
    aligned = aligned.astype(bool)
    aligned.index.name = "interview_id"
    if unit == "interviews":
        return aligned
    if unit != "respondents":
        raise ValueError(f"unit must be interviews or respondents, not {unit!r}")
    ordered = _by_date(interviews)
    respondents = aligned.loc[ordered["interview_id"].to_numpy()]
    grouped = respondents.groupby(ordered["respondent_id"].to_numpy(), sort=False).any()
    grouped.index.name = "respondent_id"
    return grouped


def units_attributes(
    interviews: pd.DataFrame,
    attributes: Sequence[str],
    *,
    unit: Literal["interviews", "respondents"],
) -> pd.DataFrame:
    """Attribute values per unit, indexed like `units_presence`.

    For respondents each attribute takes its first non-missing value in interview-date
    order (see `conflicting_respondents` for respondents whose interviews disagree).
    """
    missing = [name for name in attributes if name not in interviews.columns]
    if missing:
        raise KeyError(f"no attribute {', '.join(map(repr, missing))} in the interviews frame")
    if unit == "interviews":
        return interviews.set_index("interview_id").loc[:, list(attributes)]
    if unit != "respondents":
        raise ValueError(f"unit must be interviews or respondents, not {unit!r}")
    ordered = _by_date(interviews)
    first = ordered.groupby("respondent_id", sort=False)[list(attributes)].first()
    first.index.name = "respondent_id"
    return first


def conflicting_respondents(interviews: pd.DataFrame, attribute: str) -> int:
    """How many respondents have interviews with different non-missing values of an attribute."""
    distinct = interviews.groupby("respondent_id")[attribute].nunique(dropna=True)
    return int((distinct > 1).sum())

"""Tidy DataFrames with fixed column names, built from plain records the shell hands over.

The shell (research) reads a study and passes plain records; everything in `analysis`
works on the frames built here:

- codings frame: one row per coding, CODING_COLUMNS then one column per attribute;
- interviews frame: one row per interview, INTERVIEW_COLUMNS then one column per attribute;
- codes frame: one row per code of the codebook, CODE_COLUMNS, in tree order;
- presence matrix: interviews × codes, True where the code (or a code below it) was applied.

Multiple-choice attributes become one text cell, values joined by ";" in dictionary order,
so that every attribute column holds hashable scalars a crosstab can group by.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from codebook import Codebook

CODING_COLUMNS = (
    "coding_id",
    "interview_id",
    "respondent_id",
    "code_id",
    "code_path",
    "group",
    "coder",
    "start_offset",
    "end_offset",
    "quote",
)
CATEGORICAL_COLUMNS = ("interview_id", "respondent_id", "code_id", "code_path", "group", "coder")
INTERVIEW_COLUMNS = (
    "interview_id",
    "respondent_id",
    "interview_date",
    "characters",
)
CODE_COLUMNS = (
    "code_id",
    "path",
    "name",
    "title",
    "parent_id",
    "group",
    "depth",
    "colour",
    "applicable",
    "retired",
)


def attribute_cell(value: Any) -> Any:
    """An attribute value as one hashable cell: lists joined by ';', the rest unchanged."""
    if isinstance(value, (list, tuple)):
        return ";".join(str(item) for item in value)
    return value


def codes_frame(codebook: Codebook) -> pd.DataFrame:
    """One row per code in tree order, with its path, top-level group, depth and colour."""
    rows = []
    for code in codebook.codes:
        path = codebook.path_of(code.code_id)
        rows.append(
            {
                "code_id": code.code_id,
                "path": path,
                "name": code.name,
                "title": code.display_title,
                "parent_id": code.parent_id,
                "group": path.split("/")[0],
                "depth": path.count("/"),
                "colour": codebook.colour_of(code.code_id),
                "applicable": code.applicable,
                "retired": code.retired,
            }
        )
    return pd.DataFrame(rows, columns=list(CODE_COLUMNS))


def interviews_frame(interviews: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per interview: ids, date, transcript length, then every attribute.

    Each record holds the INTERVIEW_COLUMNS keys and an `attributes` mapping (respondent and
    interview attributes together, as the shell merges them).
    """
    rows = []
    for record in interviews:
        row = {column: record[column] for column in INTERVIEW_COLUMNS}
        row.update({name: attribute_cell(value) for name, value in record["attributes"].items()})
        rows.append(row)
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=list(INTERVIEW_COLUMNS))
    frame["interview_date"] = pd.to_datetime(frame["interview_date"])
    return frame.sort_values(["interview_date", "interview_id"], kind="stable").reset_index(
        drop=True
    )


def codings_frame(
    codings: pd.DataFrame | Iterable[Mapping[str, Any]], interviews: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per coding, its top-level group from the path, then the interview's attributes."""
    columns = [c for c in CODING_COLUMNS if c != "group"]
    if isinstance(codings, pd.DataFrame):
        frame = codings[columns]  # copy on write: a change here never reaches `codings`
    else:
        frame = pd.DataFrame.from_records(list(codings), columns=columns)
    # The top-level group of each distinct path, spread to the rows (not one split per row).
    paths = pd.Categorical(frame["code_path"])
    groups = pd.Index([str(path).split("/")[0] for path in paths.categories], dtype=object)
    frame.insert(5, "group", groups.take(paths.codes, allow_fill=True, fill_value=np.nan))
    # Ids repeat across a million codings: categories make grouping and lookups cheap.
    frame = frame.astype(
        {
            "start_offset": "int64",
            "end_offset": "int64",
            **{column: "category" for column in CATEGORICAL_COLUMNS},
        }
    )
    if interviews is None or interviews.empty:
        return frame
    attributes = interviews.drop(columns=["respondent_id", "characters"], errors="ignore")
    merged = frame.merge(attributes, on="interview_id", how="left", validate="many_to_one")
    # A merge on a categorical key against a text key gives back text.
    return merged.astype({"interview_id": "category"})


def presence_matrix(
    codings: pd.DataFrame,
    interviews: pd.DataFrame,
    codes: pd.DataFrame,
    *,
    roll_up: bool = True,
) -> pd.DataFrame:
    """Interviews × codes, True where the code was applied (by any coder in `codings`).

    With `roll_up`, a parent code is present wherever one of its descendants is, so a
    parent counts an interview once however many children mention it.
    """
    rows = pd.Index(interviews["interview_id"], name="interview_id")
    columns = pd.Index(codes["code_id"], name="code_id")
    row = rows.get_indexer(codings["interview_id"])
    column = columns.get_indexer(codings["code_id"])
    known = (row >= 0) & (column >= 0)
    present = np.zeros((len(rows), len(columns)), dtype=bool)
    present[row[known], column[known]] = True
    if roll_up:
        present = roll_up_columns(present, codes)
    return pd.DataFrame(present, index=rows, columns=columns)


def roll_up_columns(present: np.ndarray, codes: pd.DataFrame) -> np.ndarray:
    """Units × codes presence (columns in `codes` order) with each code also present where a
    code below it is."""
    rolled = np.array(present, dtype=bool, order="F")  # a copy: columns change in place
    column = {code_id: index for index, code_id in enumerate(codes["code_id"])}
    # Deepest codes first, so a child's column is complete before it joins its parent's.
    for index in np.argsort(-codes["depth"].to_numpy(), kind="stable"):
        parent = column.get(codes["parent_id"].iat[index], -1)
        if parent >= 0:
            rolled[:, parent] |= rolled[:, index]
    return np.ascontiguousarray(rolled)


def coders(codings: pd.DataFrame) -> Sequence[str]:
    """The coders present in a codings frame, sorted."""
    return sorted(codings["coder"].unique())

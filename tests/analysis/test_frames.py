"""Tidy frames: fixed columns and derived groups."""

from __future__ import annotations

from datetime import date

import pandas as pd

from analysis.frames import (
    CODING_COLUMNS,
    codes_frame,
    codings_frame,
    interviews_frame,
    presence_matrix,
)
from codebook import default_codebook


def test_codings_frame_has_fixed_columns_and_groups() -> None:
    frame = codings_frame(
        [
            {
                "interview_id": "I1",
                "respondent_id": "R1",
                "code_id": "unemployment",
                "code_path": "motives/economy/unemployment",
                "coder": "a",
                "start_offset": 0,
                "end_offset": 4,
                "quote": "Work",
            },
            {
                "interview_id": "I1",
                "respondent_id": "R1",
                "code_id": "clan",
                "code_path": "clan",
                "coder": "b",
                "start_offset": 2,
                "end_offset": 3,
                "quote": "r",
            },
        ]
    )
    assert tuple(frame.columns) == CODING_COLUMNS
    assert frame["group"].tolist() == ["motives", "clan"]


def test_empty_codings_give_an_empty_frame_with_the_columns() -> None:
    frame = codings_frame([])
    assert tuple(frame.columns) == CODING_COLUMNS
    assert len(frame) == 0


def small_study() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Two interviews, the default codebook, three codings by two coders."""
    codes = codes_frame(default_codebook())
    interviews = interviews_frame(
        [
            {
                "interview_id": "I1",
                "respondent_id": "R1",
                "interview_date": date(2004, 1, 2),
                "characters": 100,
                "attributes": {"gender": "female", "language": ["hy", "ru"]},
            },
            {
                "interview_id": "I2",
                "respondent_id": "R2",
                "interview_date": date(2003, 5, 6),
                "characters": 50,
                "attributes": {"gender": "male", "language": ["ru"]},
            },
        ]
    )
    codings = codings_frame(
        [
            {
                "coding_id": 1,
                "interview_id": "I1",
                "respondent_id": "R1",
                "code_id": "unemployment",
                "code_path": "motives/economy/unemployment",
                "coder": "a",
                "start_offset": 0,
                "end_offset": 4,
                "quote": "Work",
            },
            {
                "coding_id": 2,
                "interview_id": "I1",
                "respondent_id": "R1",
                "code_id": "poverty_ruin",
                "code_path": "motives/economy/poverty_ruin",
                "coder": "b",
                "start_offset": 2,
                "end_offset": 6,
                "quote": "rk h",
            },
            {
                "coding_id": 3,
                "interview_id": "I2",
                "respondent_id": "R2",
                "code_id": "clan",
                "code_path": "clan",
                "coder": "a",
                "start_offset": 0,
                "end_offset": 3,
                "quote": "Cla",
            },
        ],
        interviews,
    )
    return codings, interviews, codes


def test_interviews_frame_sorts_by_date_and_joins_multiple_choice() -> None:
    _, interviews, _ = small_study()
    assert interviews["interview_id"].tolist() == ["I2", "I1"]
    assert interviews.set_index("interview_id").loc["I1", "language"] == "hy;ru"


def test_codings_frame_carries_the_interview_attributes() -> None:
    codings, _, _ = small_study()
    assert codings.set_index("coding_id").loc[3, "gender"] == "male"


def test_presence_rolls_parents_up_without_double_counting() -> None:
    codings, interviews, codes = small_study()
    present = presence_matrix(codings, interviews, codes)
    assert present.loc["I1", "unemployment"] and present.loc["I1", "poverty_ruin"]
    assert present.loc["I1", "economy"] and present.loc["I1", "motives"]
    assert not present.loc["I2", "motives"]
    assert present["economy"].sum() == 1
    flat = presence_matrix(codings, interviews, codes, roll_up=False)
    assert not flat.loc["I1", "economy"]


def test_codes_frame_lists_paths_groups_and_colours() -> None:
    codes = codes_frame(default_codebook()).set_index("code_id")
    assert codes.loc["unemployment", "path"] == "motives/economy/unemployment"
    assert codes.loc["unemployment", "group"] == "motives"
    assert codes.loc["unemployment", "depth"] == 2
    assert str(codes.loc["unemployment", "colour"]).startswith("#")
    assert not codes.loc["economy", "applicable"]


def test_id_columns_stay_categorical_after_joining_attributes() -> None:
    codings, _, _ = small_study()
    for column in ("interview_id", "respondent_id", "code_id", "coder", "group"):
        assert isinstance(codings[column].dtype, pd.CategoricalDtype), column

"""Tidy frames: fixed columns and derived groups."""

from __future__ import annotations

from analysis.frames import CODING_COLUMNS, codings_frame


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

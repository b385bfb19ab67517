"""Tidy DataFrames with fixed column names, built from plain records the shell hands over."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

CODING_COLUMNS = (
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


def codings_frame(codings: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per coding, with its top-level code group taken from the code path."""
    frame = pd.DataFrame.from_records(
        list(codings), columns=[c for c in CODING_COLUMNS if c != "group"]
    )
    frame.insert(4, "group", frame["code_path"].str.split("/").str[0])
    return frame.astype({"start_offset": "int64", "end_offset": "int64"})

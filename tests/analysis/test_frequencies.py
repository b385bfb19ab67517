"""Code frequencies: roll-up without double counting, units and bases, hand-counted.

`tiny_study` is the hand-made fixture the analysis tests share: 6 interviews of 4
respondents, 2 coders, 3 applicable codes (two under the parent "motives"), 11 codings.

    interview  respondent  date        place    codings (coder code start-end)
    I1         R1          2024-03-01  martuni  a U 0-10, a C 5-15, b U 0-12
    I2         R2          2024-01-10  moscow   a R 20-30, a U 30-40
    I3         R3          2024-02-01  martuni  b C 0-50, b U 10-20, b U 40-60
    I4         R1          2024-04-01  martuni  a R 0-5
    I5         R4          2024-04-01  moscow   b C 50-70
    I6         R3          2024-05-01  (none)   a U 0-100

U = unemployment, C = clans (both under motives), R = remittances (top level).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from analysis.frames import CODE_COLUMNS, codings_frame, interviews_frame, presence_matrix
from analysis.frequencies import (
    FREQUENCY_COLUMNS,
    conflicting_respondents,
    frequencies,
    subtree_matrix,
    units_attributes,
    units_presence,
)

SOURCE = "coder a's layer"
CODES = [
    ("motives", "motives", None, False),
    ("unemployment", "motives/unemployment", "motives", True),
    ("clans", "motives/clans", "motives", True),
    ("remittances", "remittances", None, True),
]
INTERVIEWS = [
    ("I1", "R1", "2024-03-01", 100, "martuni", "female", "hy;ru", "soviet", 1985),
    ("I2", "R2", "2024-01-10", 100, "moscow", "male", "ru", "after_1994", 1999),
    ("I3", "R3", "2024-02-01", 200, "martuni", "male", "hy", "conflict_1988_1994", 1992),
    ("I4", "R1", "2024-04-01", 100, "martuni", "female", "hy", "soviet", None),
    ("I5", "R4", "2024-04-01", 100, "moscow", "female", "ru", None, 1999),
    ("I6", "R3", "2024-05-01", 100, None, "male", "en", "conflict_1988_1994", 1992),
]
CODINGS = [
    ("I1", "a", "unemployment", 0, 10),
    ("I1", "a", "clans", 5, 15),
    ("I1", "b", "unemployment", 0, 12),
    ("I2", "a", "remittances", 20, 30),
    ("I2", "a", "unemployment", 30, 40),
    ("I3", "b", "clans", 0, 50),
    ("I3", "b", "unemployment", 10, 20),
    ("I3", "b", "unemployment", 40, 60),
    ("I4", "a", "remittances", 0, 5),
    ("I5", "b", "clans", 50, 70),
    ("I6", "a", "unemployment", 0, 100),
]


def tiny_codes() -> pd.DataFrame:
    """The fixture's codes frame, in tree order."""
    rows: list[dict[str, Any]] = [
        {
            "code_id": code_id, "path": path, "name": code_id, "title": code_id.title(),
            "parent_id": parent, "group": path.split("/")[0], "depth": path.count("/"),
            "colour": "#000000", "applicable": applicable, "retired": False,
        }
        for code_id, path, parent, applicable in CODES
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=list(CODE_COLUMNS))


def tiny_study() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(codings, interviews, codes) of the fixture described in the module docstring."""
    interviews = interviews_frame(
        {
            "interview_id": interview_id, "respondent_id": respondent, "interview_date": day,
            "characters": characters,
            "attributes": {
                "place": place, "gender": gender, "language": language,
                "migration_era": era, "departure_year": year,
            },
        }
        for interview_id, respondent, day, characters, place, gender, language, era, year in (
            INTERVIEWS
        )
    )  # fmt: skip
    paths = {code_id: path for code_id, path, _, _ in CODES}
    respondents = {row[0]: row[1] for row in INTERVIEWS}
    codings = codings_frame(
        [
            {
                "coding_id": number, "interview_id": interview_id,
                "respondent_id": respondents[interview_id], "code_id": code_id,
                "code_path": paths[code_id], "coder": coder, "start_offset": start,
                "end_offset": end, "quote": "",
            }
            for number, (interview_id, coder, code_id, start, end) in enumerate(CODINGS, 1)
        ],
        interviews,
    )  # fmt: skip
    return codings, interviews, tiny_codes()


def counts_of(table: pd.DataFrame) -> dict[str, int]:
    """code_id -> count of a frequency table."""
    return dict(zip(table["code_id"], table["count"], strict=True))


def test_codings_unit_counts_every_coding_and_parents_sum_their_subtree() -> None:
    codings, interviews, codes = tiny_study()
    table = frequencies(codings, interviews, codes, unit="codings", source=SOURCE)
    assert counts_of(table) == {"motives": 9, "unemployment": 6, "clans": 3, "remittances": 2}
    assert set(table["base"]) == {11}


def test_the_method_names_the_coding_source_not_any_coder() -> None:
    codings, interviews, codes = tiny_study()
    for unit in ("codings", "interviews", "respondents"):
        table = frequencies(
            codings, interviews, codes, unit=unit, source=SOURCE  # type: ignore[arg-type]
        )
        [method] = set(table["method"])
        assert "coding source: coder a's layer" in method
        assert "any coder" not in method


def test_interviews_unit_counts_a_parent_once_per_interview() -> None:
    codings, interviews, codes = tiny_study()
    table = frequencies(codings, interviews, codes, unit="interviews", source=SOURCE)
    # I1 holds both children of motives: 4 + 3 interviews, but only 5 distinct ones
    assert counts_of(table) == {"motives": 5, "unemployment": 4, "clans": 3, "remittances": 2}
    assert set(table["base"]) == {6}


def test_respondents_unit_counts_a_respondent_once_across_interviews() -> None:
    codings, interviews, codes = tiny_study()
    table = frequencies(codings, interviews, codes, unit="respondents", source=SOURCE)
    assert counts_of(table) == {"motives": 4, "unemployment": 3, "clans": 3, "remittances": 2}
    assert set(table["base"]) == {4}


def test_interview_counts_agree_with_the_presence_matrix() -> None:
    codings, interviews, codes = tiny_study()
    table = frequencies(codings, interviews, codes, unit="interviews", source=SOURCE)
    expected = presence_matrix(codings, interviews, codes).sum()
    assert table["count"].tolist() == expected.tolist()


def test_share_is_count_over_base() -> None:
    codings, interviews, codes = tiny_study()
    table = frequencies(codings, interviews, codes, unit="interviews", source=SOURCE)
    assert table["share"].tolist() == pytest.approx([5 / 6, 4 / 6, 3 / 6, 2 / 6])


def test_columns_and_codebook_order_are_fixed() -> None:
    codings, interviews, codes = tiny_study()
    table = frequencies(codings, interviews, codes, unit="codings", source=SOURCE)
    assert tuple(table.columns) == FREQUENCY_COLUMNS
    assert table["code_id"].tolist() == ["motives", "unemployment", "clans", "remittances"]
    assert set(table["unit"]) == {"codings"}


def test_interviews_outside_the_frame_are_not_counted() -> None:
    codings, interviews, codes = tiny_study()
    kept = interviews[interviews["interview_id"].isin(["I1", "I2"])]
    table = frequencies(codings, kept, codes, unit="interviews", source=SOURCE)
    assert counts_of(table) == {"motives": 2, "unemployment": 2, "clans": 1, "remittances": 1}
    assert set(table["base"]) == {2}


def test_categorical_columns_give_the_same_counts() -> None:
    codings, interviews, codes = tiny_study()
    categorical = codings.astype({"interview_id": "category", "code_id": "category"})
    plain = frequencies(codings, interviews, codes, unit="interviews", source=SOURCE)
    again = frequencies(categorical, interviews, codes, unit="interviews", source=SOURCE)
    assert again.equals(plain)


def test_an_empty_base_gives_nan_shares() -> None:
    codings, interviews, codes = tiny_study()
    table = frequencies(codings.iloc[0:0], interviews, codes, unit="codings", source=SOURCE)
    assert table["count"].sum() == 0
    assert table["share"].isna().all()


def test_unknown_unit_is_refused() -> None:
    codings, interviews, codes = tiny_study()
    with pytest.raises(ValueError, match="unit must be one of"):
        frequencies(codings, interviews, codes, unit="people", source=SOURCE)  # type: ignore[arg-type]


def test_subtree_matrix_marks_each_code_and_its_descendants() -> None:
    matrix = subtree_matrix(tiny_codes())
    expected = np.array(
        [[1, 1, 1, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]],
        dtype=bool,
    )
    assert (matrix == expected).all()


def test_units_presence_combines_a_respondents_interviews_in_first_interview_order() -> None:
    codings, interviews, codes = tiny_study()
    presence = presence_matrix(codings, interviews, codes)
    by_respondent = units_presence(presence, interviews, unit="respondents")
    # first interviews: R2 on 10 Jan, R3 on 1 Feb, R1 on 1 Mar, R4 on 1 Apr
    assert by_respondent.index.tolist() == ["R2", "R3", "R1", "R4"]
    assert by_respondent.loc["R1", "remittances"]  # from I4 only
    assert by_respondent["unemployment"].tolist() == [True, True, True, False]


def test_units_attributes_take_the_first_known_value_by_date() -> None:
    _, interviews, _ = tiny_study()
    values = units_attributes(interviews, ["place", "departure_year"], unit="respondents")
    assert values.loc["R3", "place"] == "martuni"  # I3 before I6, whose place is missing
    assert values.loc["R1", "departure_year"] == 1985


def test_conflicting_respondents_counts_disagreeing_interviews() -> None:
    _, interviews, _ = tiny_study()
    # R1: "hy;ru" then "hy"; R3: "hy" then "en"
    assert conflicting_respondents(interviews, "language") == 2
    assert conflicting_respondents(interviews, "gender") == 0

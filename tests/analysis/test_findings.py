"""The memo's findings as tables: ranked motives, the era comparison, departures by year."""

from __future__ import annotations

import pandas as pd
import pytest
from scipy.stats import fisher_exact
from statsmodels.stats.proportion import proportion_confint

from analysis.findings import (
    DEPARTURE_COLUMNS,
    MOTIVE_COLUMNS,
    departures_by_year,
    era_comparison,
    motive_ranking,
)
from analysis.frames import codes_frame
from codebook import default_codebook

# interview, respondent, date, migration era, departure year, codes present
STUDY = [
    ("I1", "R1", "2024-01-01", "soviet", 1985, ["unemployment", "seasonal_soviet"]),
    ("I2", "R1", "2024-02-01", "soviet", None, ["clans_nepotism"]),
    ("I3", "R2", "2024-01-02", "conflict_1988_1994", 1990, ["unemployment", "renewed_war",
                                                             "protracted"]),
    ("I4", "R3", "2024-01-03", "after_1994", 1996, ["unemployment", "renewed_war", "protracted"]),
    ("I5", "R4", "2024-01-04", "soviet", 1985, ["clans_nepotism", "renewed_war",
                                                 "seasonal_soviet"]),
    ("I6", "R5", "2024-01-05", None, 2001, ["renewed_war"]),
    ("I7", "R6", "2024-01-06", "after_1994", None, []),
]  # fmt: skip


def study() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(presence, interviews, codes) on the default codebook: 7 interviews of 6 respondents."""
    codes = codes_frame(default_codebook())
    interviews = pd.DataFrame(
        [
            {"interview_id": interview_id, "respondent_id": respondent,
             "interview_date": pd.Timestamp(day), "characters": 100, "migration_era": era,
             "departure_year": year}
            for interview_id, respondent, day, era, year, _ in STUDY
        ]
    )  # fmt: skip
    presence = pd.DataFrame(
        False, index=pd.Index(interviews["interview_id"]), columns=pd.Index(codes["code_id"])
    )
    for interview_id, _, _, _, _, present in STUDY:
        presence.loc[interview_id, present] = True
    return presence, interviews, codes


def test_motive_ranking_lists_the_memo_order_with_respondent_shares() -> None:
    table = motive_ranking(*study())
    assert tuple(table.columns) == MOTIVE_COLUMNS
    assert table["code_id"].tolist() == [
        "unemployment", "clans_nepotism", "renewed_war", "frustration",
    ]  # fmt: skip
    assert table["memo_rank"].tolist() == [1, 2, 3, 4]
    assert table["respondents"].tolist() == [3, 2, 4, 0]  # R1 mentions clans twice: once
    assert set(table["base"]) == {6}


def test_motive_ranking_ranks_the_data_by_share() -> None:
    table = motive_ranking(*study())
    assert table["data_rank"].tolist() == [2, 3, 1, 4]


def test_motive_ranking_ties_share_the_lower_rank() -> None:
    presence, interviews, codes = study()
    presence.loc["I6", "clans_nepotism"] = True  # clans now 3 of 6, as unemployment
    table = motive_ranking(presence, interviews, codes)
    assert table["data_rank"].tolist() == [2, 2, 1, 4]


def test_motive_ranking_has_wilson_intervals() -> None:
    table = motive_ranking(*study())
    low, high = proportion_confint([3, 2, 4, 0], 6, method="wilson")
    assert table["ci_low"].tolist() == pytest.approx(list(low))
    assert table["ci_high"].tolist() == pytest.approx(list(high))


def test_motive_ranking_refuses_an_unknown_code() -> None:
    with pytest.raises(KeyError, match="nostalgia"):
        motive_ranking(*study(), ranked=("unemployment", "nostalgia"))


def test_era_comparison_sets_soviet_against_post_soviet_respondents() -> None:
    result = era_comparison(*study())
    # R1 and R4 soviet; R2, R3 and R6 post-Soviet; R5 has no era
    assert result.counts.loc["n"].tolist() == [2, 3, 5]
    assert result.counts.loc["seasonal_soviet"].tolist() == [2, 0, 2]
    assert result.counts.loc["protracted"].tolist() == [0, 2, 2]
    assert result.levels == ("soviet", "post_soviet")


def test_era_comparison_tests_each_code() -> None:
    tests = era_comparison(*study()).tests.set_index("code_id")
    expected = fisher_exact([[2, 0], [0, 3]]).pvalue
    assert tests.loc["seasonal_soviet", "p_value"] == pytest.approx(expected)


def test_era_comparison_keeps_applicable_codes_of_the_groups() -> None:
    codes = era_comparison(*study()).counts.index.tolist()[:-1]
    expected = codes_frame(default_codebook())
    expected = expected[expected["group"].isin(["patterns", "remittances", "gender"])]
    assert codes == expected.loc[expected["applicable"], "code_id"].tolist()


def test_era_comparison_method_states_the_derivation_and_the_drop() -> None:
    method = era_comparison(*study()).method
    assert method.startswith("Era from migration_era: soviet = soviet; post_soviet = ")
    assert "1 respondent with era missing or outside the chosen levels dropped" in method


def test_era_comparison_refuses_a_value_in_both_eras() -> None:
    with pytest.raises(ValueError, match="both eras"):
        era_comparison(*study(), post_soviet=("soviet",))


def test_departures_count_each_respondent_once_by_year_and_era() -> None:
    table = departures_by_year(study()[1])
    assert tuple(table.columns) == DEPARTURE_COLUMNS
    rows = list(zip(table["year"], table["era"], table["departures"], strict=True))
    assert rows == [
        (1985, "soviet", 2), (1990, "conflict_1988_1994", 1), (1996, "after_1994", 1),
        (2001, "unknown", 1),
    ]  # fmt: skip


def test_departures_say_how_many_respondents_had_no_year() -> None:
    table = departures_by_year(study()[1])
    assert "1 respondent without departure_year left out" in table["method"].iloc[0]

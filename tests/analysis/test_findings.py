"""Findings as tables: a stated ranking of codes, eras cut from a year, departures by year."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import fisher_exact
from statsmodels.stats.proportion import proportion_confint

from analysis.findings import (
    DEPARTURE_COLUMNS,
    RANKING_COLUMNS,
    code_ranking,
    departures_by_year,
    era_comparison,
    rank_ranges,
    respondents_among,
    with_era,
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


RANKED = ("unemployment", "clans_nepotism", "renewed_war", "frustration")


def ranking(**changes: object) -> pd.DataFrame:
    presence, interviews, codes = study()
    return code_ranking(presence, interviews, codes, ranked=RANKED, **changes)  # type: ignore[arg-type]


def soviet_or_not(year: int) -> str:
    return "soviet" if year < 1992 else "post_soviet"


def eras(**changes: object) -> object:
    options: dict[str, object] = {
        "attribute": "departure_year",
        "era_of": soviet_or_not,
        "levels": ("soviet", "post_soviet"),
        "groups": ("patterns", "remittances", "gender"),
    }
    return era_comparison(*study(), **{**options, **changes})  # type: ignore[arg-type]


def test_ranking_lists_the_stated_order_with_respondent_shares() -> None:
    table = ranking()
    assert tuple(table.columns) == RANKING_COLUMNS
    assert table["code_id"].tolist() == list(RANKED)
    assert table["given_rank"].tolist() == [1, 2, 3, 4]
    assert table["respondents"].tolist() == [3, 2, 4, 0]  # R1 mentions clans twice: once
    assert set(table["base"]) == {6}


def test_ranking_ranks_the_data_by_share() -> None:
    assert ranking()["data_rank"].tolist() == [2, 3, 1, 4]


def test_ranking_ties_share_the_lower_rank() -> None:
    presence, interviews, codes = study()
    presence.loc["I6", "clans_nepotism"] = True  # clans now 3 of 6, as unemployment
    table = code_ranking(presence, interviews, codes, ranked=RANKED)
    assert table["data_rank"].tolist() == [2, 2, 1, 4]


def test_ranking_has_wilson_intervals() -> None:
    table = ranking()
    low, high = proportion_confint([3, 2, 4, 0], 6, method="wilson")
    assert table["ci_low"].tolist() == pytest.approx(list(low))
    assert table["ci_high"].tolist() == pytest.approx(list(high))


def test_ranking_refuses_an_unknown_code() -> None:
    with pytest.raises(KeyError, match="nostalgia"):
        code_ranking(*study(), ranked=("unemployment", "nostalgia"))


def test_ranking_of_no_codes_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one code"):
        code_ranking(*study(), ranked=())


def test_with_era_names_each_interview_s_era_and_leaves_a_missing_year_missing() -> None:
    derived = with_era(study()[1], attribute="departure_year", era_of=soviet_or_not)
    assert derived["era"].tolist() == [
        "soviet", None, "soviet", "post_soviet", "soviet", "post_soviet", None,
    ]  # fmt: skip


def test_era_comparison_cuts_respondents_by_year() -> None:
    result = eras()
    # By departure year: R1 (1985) and R4 (1985) and R2 (1990) soviet; R3 (1996) and R5
    # (2001) post-Soviet; R6 has no year.
    assert result.counts.loc["n"].tolist() == [3, 2, 5]
    assert result.counts.loc["seasonal_soviet"].tolist() == [2, 0, 2]
    assert result.counts.loc["protracted"].tolist() == [1, 1, 2]
    assert result.levels == ("soviet", "post_soviet")


def test_era_comparison_tests_each_code() -> None:
    tests = eras().tests.set_index("code_id")
    expected = fisher_exact([[2, 0], [1, 2]]).pvalue
    assert tests.loc["seasonal_soviet", "p_value"] == pytest.approx(expected)


def test_era_comparison_keeps_applicable_codes_of_the_groups() -> None:
    codes = eras().counts.index.tolist()[:-1]
    expected = codes_frame(default_codebook())
    expected = expected[expected["group"].isin(["patterns", "remittances", "gender"])]
    assert codes == expected.loc[expected["applicable"], "code_id"].tolist()


def test_era_comparison_without_groups_takes_every_group() -> None:
    codes = eras(groups=()).counts.index.tolist()[:-1]
    expected = codes_frame(default_codebook())
    assert codes == expected.loc[expected["applicable"], "code_id"].tolist()


def test_era_comparison_method_states_the_derivation_and_the_drop() -> None:
    method = eras(derivation="departure_year before 1992: Soviet").method
    assert method.startswith("Eras: departure_year before 1992: Soviet; units without ")
    assert "1 respondent with era missing or outside the chosen levels dropped" in method


def test_era_comparison_needs_two_distinct_eras() -> None:
    with pytest.raises(ValueError, match="two or more distinct eras"):
        eras(levels=("soviet",))
    with pytest.raises(ValueError, match="two or more distinct eras"):
        eras(levels=("soviet", "soviet"))


def test_departures_count_each_respondent_once_by_year_and_era() -> None:
    interviews = with_era(study()[1], attribute="departure_year", era_of=soviet_or_not)
    table = departures_by_year(interviews, attribute="departure_year", era="era")
    assert tuple(table.columns) == DEPARTURE_COLUMNS
    rows = list(zip(table["year"], table["era"], table["departures"], strict=True))
    assert rows == [
        (1985, "soviet", 2), (1990, "soviet", 1), (1996, "post_soviet", 1),
        (2001, "post_soviet", 1),
    ]  # fmt: skip


def test_departures_take_another_column_as_the_era() -> None:
    table = departures_by_year(study()[1], attribute="departure_year", era="migration_era")
    rows = list(zip(table["year"], table["era"], table["departures"], strict=True))
    assert rows == [
        (1985, "soviet", 2), (1990, "conflict_1988_1994", 1), (1996, "after_1994", 1),
        (2001, "unknown", 1),
    ]  # fmt: skip


def test_departures_without_eras_count_every_departure_as_all() -> None:
    table = departures_by_year(study()[1], attribute="departure_year")
    assert set(table["era"]) == {"all"}
    assert table["departures"].sum() == 5


def test_departures_say_how_many_respondents_had_no_year() -> None:
    table = departures_by_year(study()[1], attribute="departure_year")
    assert "1 respondent without departure_year left out" in table["method"].iloc[0]


def test_rank_ranges_follow_interval_overlaps() -> None:
    # a is clearly above c and d; b overlaps a and c; d overlaps nothing above it but c.
    low = np.array([0.80, 0.60, 0.40, 0.10])
    high = np.array([0.95, 0.85, 0.70, 0.45])
    best, worst = rank_ranges(low, high)
    assert best.tolist() == [1, 1, 2, 3]
    assert worst.tolist() == [2, 3, 4, 4]


def test_rank_ranges_of_separate_intervals_are_single_ranks() -> None:
    best, worst = rank_ranges(np.array([0.1, 0.5, 0.8]), np.array([0.2, 0.6, 0.9]))
    assert best.tolist() == worst.tolist() == [3, 2, 1]


def test_ranking_among_a_subset_counts_only_its_respondents() -> None:
    presence, interviews, codes = study()
    later = respondents_among(
        with_era(interviews, attribute="departure_year", era_of=soviet_or_not),
        {"era": ["post_soviet"]},
    )
    table = code_ranking(presence, later, codes, ranked=RANKED, among="post-Soviet migrants")
    # R3 (1996) and R5 (2001) left after 1991; R6 has no year and is left out.
    assert set(table["base"]) == {2}
    assert table["respondents"].tolist() == [1, 0, 2, 0]
    assert "out of n = 2 post-Soviet migrants" in table["method"].iloc[0]
    assert set(table["among"]) == {"post-Soviet migrants"}
    assert table["rank_best"].tolist() == [1, 1, 1, 1]


def test_respondents_among_take_each_respondents_first_value() -> None:
    _, interviews, _ = study()
    chosen = respondents_among(interviews, {"migration_era": ["soviet"]})
    # R1's second interview has no era of its own; the respondent is kept whole.
    assert sorted(chosen["interview_id"]) == ["I1", "I2", "I5"]
    assert respondents_among(interviews, {}) is interviews
    with pytest.raises(KeyError, match="no_such"):
        respondents_among(interviews, {"no_such": ["x"]})

"""Tables behind a study's findings: a stated ranking of codes, eras compared, departures by year.

Each function checks a claim the researcher states (in the study's settings) and leaves the
reading to the researcher: a ranking of codes next to the ranking the coded interviews give,
and how codes differ between eras cut from a year attribute. Nothing here knows one study:
the codes, the year attribute, the cut points and the era names are all parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from analysis.crosstabs import Crosstab, crosstab, wilson_interval
from analysis.frequencies import units_attributes, units_presence

RANKING_COLUMNS = (
    "given_rank", "code_id", "path", "title", "respondents", "base", "share", "ci_low",
    "ci_high", "data_rank", "rank_best", "rank_worst", "among", "method",
)  # fmt: skip
DEPARTURE_COLUMNS = ("year", "era", "departures", "unit", "method")
ERA = "era"
UNKNOWN_ERA = "unknown"
# The era of every departure when the study splits no eras.
ALL_DEPARTURES = "all"


def code_ranking(
    presence: pd.DataFrame,
    interviews: pd.DataFrame,
    codes: pd.DataFrame,
    *,
    ranked: Sequence[str],
    among: str = "respondents",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Codes in a stated order (a memo's ranking) beside the share of respondents with each.

    The respondents are those of `interviews` (filter them first, e.g. with
    `respondents_among`); `among` names them in the method ("post-Soviet migrants"). A
    respondent mentions a code when any of their interviews holds it (or a code below it).
    `data_rank` ranks the listed codes by share, highest first, ties sharing the lowest rank
    ('min'); intervals are Wilson at 1 - alpha; `rank_best` to `rank_worst` are the ranks the
    intervals allow (see `rank_ranges`).
    """
    if not ranked:
        raise ValueError("a ranking needs at least one code")
    unknown = [code for code in ranked if code not in set(codes["code_id"])]
    if unknown:
        raise KeyError(f"ranked codes not in the codebook: {', '.join(unknown)}")
    by_respondent = units_presence(presence, interviews, unit="respondents")
    described = codes.set_index("code_id").loc[list(ranked)]
    respondents = by_respondent.reindex(columns=list(ranked), fill_value=False).sum().to_numpy()
    base = len(by_respondent)
    low, high = wilson_interval(respondents, np.full(len(ranked), base), alpha=alpha)
    share = respondents / base if base else np.full(len(ranked), np.nan)
    best, worst = rank_ranges(low, high)
    table = pd.DataFrame(
        {
            "given_rank": np.arange(1, len(ranked) + 1),
            "code_id": list(ranked),
            "path": described["path"].to_numpy(),
            "title": described["title"].to_numpy(),
            "respondents": respondents.astype(np.int64),
            "base": base,
            "share": share,
            "ci_low": low,
            "ci_high": high,
            "rank_best": best,
            "rank_worst": worst,
            "among": among,
        }
    )
    table["data_rank"] = table["share"].rank(method="min", ascending=False).astype("Int64")
    for column in ("rank_best", "rank_worst"):
        table[column] = table[column].astype("Int64")
    table["method"] = (
        f"{among} with the code (or a code below it) in any interview, out of n = {base} "
        f"{among}; Wilson {100 * (1 - alpha):g}% intervals (statsmodels proportion_confint); "
        "data_rank orders these codes by share, ties sharing the lower rank; the ranks a "
        "code may hold run from 1 + the codes whose interval lies wholly above its own to "
        "the number of codes less those whose interval lies wholly below it"
    )
    return table.loc[:, list(RANKING_COLUMNS)]


def rank_ranges(low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The best and worst rank (1 = highest share) each item's interval allows.

    An item is certainly below another only when its whole interval lies below the
    other's; overlapping intervals may swap. So item i ranks at best 1 + #{j: low_j >
    high_i} and at worst n - #{j: high_j < low_i}. Ranks are undefined (NA) where an
    interval is (no respondents).
    """
    low = np.asarray(low, dtype=np.float64)
    high = np.asarray(high, dtype=np.float64)
    count = len(low)
    best = np.full(count, np.nan)
    worst = np.full(count, np.nan)
    known = ~(np.isnan(low) | np.isnan(high))
    for index in np.flatnonzero(known):
        above = int((low[known] > high[index]).sum())
        below = int((high[known] < low[index]).sum())
        best[index] = 1 + above
        worst[index] = int(known.sum()) - below
    return best, worst


def respondents_among(
    interviews: pd.DataFrame, conditions: Mapping[str, Sequence[Any]]
) -> pd.DataFrame:
    """The interviews of respondents whose value of each attribute is among those allowed.

    A respondent's value is the first non-missing one in interview-date order (as
    `units_attributes`); a respondent without a value is left out. Empty `conditions` keep
    everyone.
    """
    if not conditions:
        return interviews
    unknown = [name for name in conditions if name not in interviews.columns]
    if unknown:
        raise KeyError(f"no attribute {', '.join(map(repr, unknown))} in the interviews frame")
    values = units_attributes(interviews, list(conditions), unit="respondents")
    keep = np.ones(len(values), dtype=bool)
    for name, allowed in conditions.items():
        keep &= values[name].astype(object).isin([*allowed, *map(str, allowed)]).to_numpy()
    chosen = set(values.index[keep])
    return interviews[interviews["respondent_id"].isin(chosen)]


def with_era(
    interviews: pd.DataFrame,
    *,
    attribute: str,
    era_of: Callable[[int], str],
    column: str = ERA,
) -> pd.DataFrame:
    """The interviews with a `column` naming each one's era, `era_of` its `attribute` year.

    A missing year leaves the era missing.
    """
    if attribute not in interviews.columns:
        raise KeyError(f"no attribute {attribute!r} in the interviews frame")
    years = pd.to_numeric(interviews[attribute], errors="coerce")
    eras = [None if pd.isna(year) else era_of(int(year)) for year in years]
    return interviews.assign(**{column: pd.Series(eras, index=interviews.index, dtype=object)})


def era_comparison(
    presence: pd.DataFrame,
    interviews: pd.DataFrame,
    codes: pd.DataFrame,
    *,
    attribute: str,
    era_of: Callable[[int], str],
    levels: Sequence[str],
    groups: Sequence[str] = (),
    derivation: str = "",
    unit: Literal["interviews", "respondents"] = "respondents",
    applicable_only: bool = True,
    alpha: float = 0.05,
    correction: str | None = "holm",
    tested: Sequence[str] | None = None,
    untested: str = "a parent code, described only (its children are tested)",
) -> Crosstab:
    """Codes by era, the era of each unit cut from the year in `attribute`, with tests.

    `era_of` names the era of a year (one of `levels`, in time order); a unit without the
    year is dropped. Codes are those of the top-level `groups` (all groups when empty),
    applicable ones only unless `applicable_only` is False. `derivation` says in words how
    years become eras, for the method note. `correction` and `tested` are as in `crosstab`.
    """
    if len(set(levels)) != len(levels) or len(levels) < 2:
        raise ValueError("an era comparison needs two or more distinct eras")
    derived = with_era(interviews, attribute=attribute, era_of=era_of)
    chosen = codes["group"].isin(list(groups)) if groups else codes["code_id"].notna()
    if applicable_only:
        chosen &= codes["applicable"].astype(bool)
    result = crosstab(
        presence, derived, ERA, codes=codes[chosen], unit=unit, levels=tuple(levels),
        alpha=alpha, correction=correction, tested=tested, untested=untested,
    )  # fmt: skip
    described = f"Eras: {derivation}" if derivation else f"Eras from {attribute}"
    described += f"; units without {attribute} dropped. "
    scope = f"Codes of the groups {', '.join(groups)}. " if groups else "Codes of every group. "
    return replace(result, method=described + scope + result.method)


def departures_by_year(
    interviews: pd.DataFrame,
    *,
    attribute: str,
    era: str | None = None,
) -> pd.DataFrame:
    """Respondents (each once) by the year in `attribute` and their era, sorted by year, era.

    `era` names a column of the interviews holding each one's era (see `with_era`); without
    it every departure's era reads "all". A respondent's values are the first non-missing
    ones in interview-date order; respondents with no year are left out (the method says
    how many); a missing era reads "unknown".
    """
    columns = [attribute] if era is None else [attribute, era]
    values = units_attributes(interviews, columns, unit="respondents")
    known = values[pd.to_numeric(values[attribute], errors="coerce").notna()]
    left_out = len(values) - len(known)
    if era is None:
        eras = np.full(len(known), ALL_DEPARTURES, dtype=object)
    else:
        eras = known[era].astype(object).where(known[era].notna(), UNKNOWN_ERA).to_numpy()
    table = (
        pd.DataFrame(
            {
                "year": pd.to_numeric(known[attribute]).astype(np.int64).to_numpy(),
                "era": eras,
            }
        )
        .groupby(["year", "era"], sort=True)
        .size()
        .rename("departures")
        .reset_index()
    )
    table["unit"] = "respondents"
    by = f"{attribute} and {era}" if era is not None else attribute
    table["method"] = (
        f"respondents counted once, by {by} (first non-missing value in interview-date "
        f"order); {left_out} {'respondent' if left_out == 1 else 'respondents'} without "
        f"{attribute} left out"
    )
    return table.loc[:, list(DEPARTURE_COLUMNS)]

"""Tables behind the study memo's findings: ranked motives, Soviet and post-Soviet eras, departures.

Each function names the memo's claim it checks and leaves the reading to the researcher:
the memo's ranking next to the ranking the coded interviews give, the share of respondents
behind each, and tests of how migration patterns, remittances and gender codes differ by era.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Literal

import numpy as np
import pandas as pd

from analysis.crosstabs import Crosstab, crosstab, wilson_interval
from analysis.frequencies import units_attributes, units_presence

RANKED_MOTIVES = ("unemployment", "clans_nepotism", "renewed_war", "frustration")
MOTIVE_COLUMNS = (
    "memo_rank", "code_id", "path", "title", "respondents", "base", "share", "ci_low",
    "ci_high", "data_rank", "method",
)  # fmt: skip
DEPARTURE_COLUMNS = ("year", "era", "departures", "unit", "method")
SOVIET = "soviet"
POST_SOVIET = "post_soviet"
ERA = "era"
UNKNOWN_ERA = "unknown"


def motive_ranking(
    presence: pd.DataFrame,
    interviews: pd.DataFrame,
    codes: pd.DataFrame,
    *,
    ranked: Sequence[str] = RANKED_MOTIVES,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """The memo's ranked motives beside the share of respondents who mention each.

    A respondent mentions a motive when any of their interviews holds it (or a code below
    it). `data_rank` ranks the listed motives by share, highest first, ties sharing the
    lowest rank ('min'); intervals are Wilson at 1 - alpha.
    """
    unknown = [code for code in ranked if code not in set(codes["code_id"])]
    if unknown:
        raise KeyError(f"ranked codes not in the codebook: {', '.join(unknown)}")
    by_respondent = units_presence(presence, interviews, unit="respondents")
    described = codes.set_index("code_id").loc[list(ranked)]
    respondents = by_respondent.reindex(columns=list(ranked), fill_value=False).sum().to_numpy()
    base = len(by_respondent)
    low, high = wilson_interval(respondents, np.full(len(ranked), base), alpha=alpha)
    share = respondents / base if base else np.full(len(ranked), np.nan)
    table = pd.DataFrame(
        {
            "memo_rank": np.arange(1, len(ranked) + 1),
            "code_id": list(ranked),
            "path": described["path"].to_numpy(),
            "title": described["title"].to_numpy(),
            "respondents": respondents.astype(np.int64),
            "base": base,
            "share": share,
            "ci_low": low,
            "ci_high": high,
        }
    )
    table["data_rank"] = table["share"].rank(method="min", ascending=False).astype("Int64")
    table["method"] = (
        f"respondents with the code (or a code below it) in any interview, out of {base} "
        f"respondents; Wilson {100 * (1 - alpha):g}% intervals (statsmodels proportion_confint); "
        "data_rank orders these motives by share, ties sharing the lower rank"
    )
    return table.loc[:, list(MOTIVE_COLUMNS)]


def era_comparison(
    presence: pd.DataFrame,
    interviews: pd.DataFrame,
    codes: pd.DataFrame,
    *,
    attribute: str = "migration_era",
    soviet: Sequence[str] = ("soviet",),
    post_soviet: Sequence[str] = ("conflict_1988_1994", "after_1994"),
    groups: Sequence[str] = ("patterns", "remittances", "gender"),
    unit: Literal["interviews", "respondents"] = "respondents",
    applicable_only: bool = True,
    alpha: float = 0.05,
    correction: str = "holm",
) -> Crosstab:
    """Codes of `groups` by era, Soviet against post-Soviet, as a crosstab with tests.

    The era is derived from `attribute`: values in `soviet` give "soviet", values in
    `post_soviet` give "post_soviet", anything else (or missing) drops the unit. Codes are
    those of `groups` (applicable ones only, unless `applicable_only` is False).
    """
    overlap = set(soviet) & set(post_soviet)
    if overlap:
        raise ValueError(f"values in both eras: {', '.join(sorted(overlap))}")
    if attribute not in interviews.columns:
        raise KeyError(f"no attribute {attribute!r} in the interviews frame")
    era = {value: SOVIET for value in soviet} | {value: POST_SOVIET for value in post_soviet}
    derived = interviews.assign(**{ERA: interviews[attribute].map(era)})
    chosen = codes["group"].isin(list(groups))
    if applicable_only:
        chosen &= codes["applicable"].astype(bool)
    result = crosstab(
        presence, derived, ERA, codes=codes[chosen], unit=unit, levels=(SOVIET, POST_SOVIET),
        alpha=alpha, correction=correction,
    )  # fmt: skip
    derivation = (
        f"Era from {attribute}: soviet = {', '.join(soviet)}; post_soviet = "
        f"{', '.join(post_soviet)}; other or missing values dropped. Codes of the groups "
        f"{', '.join(groups)}. "
    )
    return replace(result, method=derivation + result.method)


def departures_by_year(
    interviews: pd.DataFrame,
    *,
    attribute: str = "departure_year",
    era: str = "migration_era",
) -> pd.DataFrame:
    """Respondents (each once) by departure year and migration era, sorted by year then era.

    A respondent's values are the first non-missing ones in interview-date order;
    respondents with no departure year are left out (the method says how many); a missing
    era reads "unknown".
    """
    values = units_attributes(interviews, [attribute, era], unit="respondents")
    known = values[values[attribute].notna()]
    left_out = len(values) - len(known)
    table = (
        pd.DataFrame(
            {
                "year": known[attribute].astype(np.int64).to_numpy(),
                "era": known[era].astype(object).where(known[era].notna(), UNKNOWN_ERA).to_numpy(),
            }
        )
        .groupby(["year", "era"], sort=True)
        .size()
        .rename("departures")
        .reset_index()
    )
    table["unit"] = "respondents"
    table["method"] = (
        f"respondents counted once, by {attribute} and {era} (first non-missing value in "
        f"interview-date order); {left_out} {'respondent' if left_out == 1 else 'respondents'} "
        f"without {attribute} left out"
    )
    return table.loc[:, list(DEPARTURE_COLUMNS)]

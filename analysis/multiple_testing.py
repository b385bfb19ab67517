"""One family of hypothesis tests, its p-values adjusted once, and which codes may be tested.

A family is a table with one row per test: a `hypothesis` key (what is tested, e.g. a
code against an attribute), the table the result is shown in and its raw `p_value`.
`correct_family` adjusts every p-value of the family together, by Holm's step-down method
(family-wise error rate; Holm 1979, "A simple sequentially rejective multiple test
procedure", Scand J Statist 6:65–70) or by Benjamini and Hochberg's step-up method (false
discovery rate; Benjamini & Hochberg 1995, J R Statist Soc B 57:289–300). A hypothesis is
in a family once: a second test of it is refused, so that no question is counted twice.

A parent code's presence rolls up its children's, so testing it beside them tests the same
data twice; `leaf_codes` keeps the codes with no children.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

Correction = Literal["holm", "bh"]
CORRECTIONS: dict[str, str] = {
    "holm": "Holm's step-down method (family-wise error rate)",
    "bh": "Benjamini-Hochberg's step-up method (false discovery rate)",
}
FAMILY_COLUMNS = ("hypothesis", "table", "row", "p_value")


def holm(p_values: np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values, equal to statsmodels multipletests(method="holm").

    Computed here because statsmodels' Holm branch forces a full garbage collection, which
    costs tens of milliseconds when a million codings are in memory.
    """
    p_values = np.asarray(p_values, dtype=np.float64)
    order = np.argsort(p_values, kind="stable")
    steps = np.arange(len(p_values), 0, -1)
    stepped = np.minimum(np.maximum.accumulate(p_values[order] * steps), 1.0)
    adjusted = np.empty(len(p_values))
    adjusted[order] = stepped
    return adjusted


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values, equal to statsmodels multipletests("fdr_bh")."""
    p_values = np.asarray(p_values, dtype=np.float64)
    count = len(p_values)
    order = np.argsort(p_values, kind="stable")
    scaled = p_values[order] * count / np.arange(1, count + 1)
    stepped = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    adjusted = np.empty(count)
    adjusted[order] = stepped
    return adjusted


def adjust(p_values: np.ndarray, correction: Correction = "holm") -> np.ndarray:
    """p-values adjusted together by `correction`; a missing p-value (NaN) stays missing
    and does not count in the family."""
    if correction not in CORRECTIONS:
        raise ValueError(f"correction must be one of {', '.join(CORRECTIONS)}, not {correction!r}")
    p_values = np.asarray(p_values, dtype=np.float64)
    adjusted = np.full(p_values.shape, np.nan)
    tested = ~np.isnan(p_values)
    if tested.any():
        method = holm if correction == "holm" else benjamini_hochberg
        adjusted[tested] = method(p_values[tested])
    return adjusted


def correct_family(tests: pd.DataFrame, correction: Correction = "holm") -> pd.DataFrame:
    """The family's tests (FAMILY_COLUMNS) with `p_adjusted`, adjusted all together.

    Rows without a p-value are dropped: they are not tests. A hypothesis given twice is
    refused (ValueError naming it and both tables).
    """
    missing = [column for column in FAMILY_COLUMNS if column not in tests.columns]
    if missing:
        raise KeyError(f"a test family needs the columns {', '.join(missing)}")
    family = tests.loc[tests["p_value"].notna(), list(FAMILY_COLUMNS)].reset_index(drop=True)
    twice = family["hypothesis"].duplicated(keep=False)
    if twice.any():
        first = family.loc[twice, "hypothesis"].iloc[0]
        tables = family.loc[family["hypothesis"] == first, "table"].tolist()
        raise ValueError(
            f"hypothesis {first!r} is tested twice (in {' and '.join(map(str, tables))}); "
            "a family tests each hypothesis once"
        )
    family["p_adjusted"] = adjust(family["p_value"].to_numpy(dtype=np.float64), correction)
    return family


def leaf_codes(codes: pd.DataFrame) -> list[str]:
    """The codes a family tests: applicable codes with no children, in codebook order.

    A parent's presence is the union of its children's, so it is described, not tested.
    """
    parents = set(codes["parent_id"].dropna())
    chosen = codes["applicable"].astype(bool) & ~codes["code_id"].isin(parents)
    return [str(code_id) for code_id in codes.loc[chosen, "code_id"]]

"""Code presence by the levels of one attribute: counts, percentages, intervals and tests.

Each code gives a 2 × k table (present, absent) × (attribute levels) over units (interviews
or respondents). The test for each code is chosen by Cochran's rule for expected counts:

- Pearson chi-square test of independence (statsmodels Table.test_nominal_association,
  no continuity correction) when no expected count is below 1 and at most 20% are below
  5 (for a 2 × 2 table that means all four are at least 5);
- otherwise Fisher's exact test (scipy.stats.fisher_exact, two-sided) for 2 × 2 tables, and
  the Fisher-Freeman-Halton exact test for larger tables, its p-value estimated from random
  tables with the observed margins (scipy.stats.fisher_exact with MonteCarloMethod, seeded
  so results repeat).

p-values are adjusted across the tested codes: Holm's step-down method by default
(computed here, equal to statsmodels multipletests(method="holm")), or Benjamini-Hochberg
("fdr_bh") or Bonferroni through statsmodels multipletests. Shares carry Wilson score
intervals (statsmodels proportion_confint).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.stats import MonteCarloMethod, fisher_exact
from statsmodels.stats.contingency_tables import Table
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from analysis.frequencies import conflicting_respondents, units_attributes, units_presence
from analysis.multiple_testing import holm

PREVALENCE_COLUMNS = (
    "code_id", "path", "level", "unit", "present", "n", "share", "ci_low", "ci_high",
)  # fmt: skip
TEST_COLUMNS = (
    "code_id", "path", "test", "statistic", "dof", "p_value", "p_adjusted", "min_expected",
    "cells_below_5", "n", "note", "method",
)  # fmt: skip
TOTAL = "total"
N_ROW = "n"
CAUTION = "expected counts too small for chi-square"

_CORRECTIONS = {
    "holm": "Holm",
    "fdr_bh": "Benjamini-Hochberg false discovery rate",
    "bonferroni": "Bonferroni",
}
_CHI_SQUARE = (
    "Pearson chi-square test of independence (statsmodels Table.test_nominal_association); "
    "no expected count < 1 and at most 20% < 5"
)
_FISHER = "Fisher's exact test, two-sided (scipy.stats.fisher_exact); statistic: sample odds ratio"
_FREEMAN_HALTON = (
    "Fisher-Freeman-Halton exact test (scipy.stats.fisher_exact, MonteCarloMethod, "
    "{resamples:,} random tables with the observed margins, seed {seed}); statistic: "
    "probability of the observed table"
)


@dataclass(frozen=True)
class Crosstab:
    """Presence of each code by attribute level, with tests; `method` says how, in words.

    counts: code_id × levels (+ "total"), units where the code is present, and a last row
    "n" with the units per level. row_percent: code_id × levels, share of the code's units
    in each level (rows sum to 100). column_percent: code_id × levels (+ "total"), percent
    of each level's units where the code is present. prevalence: long form with Wilson
    intervals (PREVALENCE_COLUMNS). tests: one row per code (TEST_COLUMNS). residuals:
    code_id × levels, adjusted standardized residuals of the "present" row.
    """

    attribute: str
    unit: str
    levels: tuple[Any, ...]
    counts: pd.DataFrame
    row_percent: pd.DataFrame
    column_percent: pd.DataFrame
    prevalence: pd.DataFrame
    tests: pd.DataFrame
    residuals: pd.DataFrame
    method: str


def crosstab(
    presence: pd.DataFrame,
    interviews: pd.DataFrame,
    attribute: str,
    *,
    codes: pd.DataFrame,
    unit: Literal["interviews", "respondents"] = "interviews",
    levels: Sequence[Any] | None = None,
    alpha: float = 0.05,
    correction: str | None = "holm",
    tested: Sequence[str] | None = None,
    untested: str = "a parent code, described only (its children are tested)",
    resamples: int = 9_999,
    seed: int = 0,
) -> Crosstab:
    """Cross-tabulate the presence of every code in `codes` by the levels of `attribute`.

    Units with a missing value (or, with `levels`, a value outside them) are dropped and
    counted in the method. Levels keep the given order, else the attribute's categories,
    else sorted order. Multiple-choice cells ("hy;ru") are levels of their own. Rows
    follow the codes frame; `alpha` sets the interval level (1 - alpha) and the correction.
    `tested` limits the tests to those codes (the others are described, not tested, their
    note saying why: `untested`); with
    `correction` None, p_adjusted is left empty for the caller's family to fill.
    """
    if correction is not None and correction not in _CORRECTIONS:
        raise ValueError(f"correction must be one of {', '.join(_CORRECTIONS)}, not {correction!r}")
    missing_codes = [code for code in codes["code_id"] if code not in presence.columns]
    if missing_codes:
        raise KeyError(f"codes not in the presence matrix: {', '.join(missing_codes)}")
    present_by_unit = units_presence(presence, interviews, unit=unit)
    values = units_attributes(interviews, [attribute], unit=unit)[attribute]
    values = values.reindex(present_by_unit.index)
    level_order = _level_order(values, levels)
    position = pd.Categorical(values, categories=list(level_order)).codes
    kept = position >= 0
    dropped = int((~kept).sum())
    matrix = present_by_unit.loc[:, list(codes["code_id"])].to_numpy(dtype=bool)
    present = np.zeros((matrix.shape[1], len(level_order)), dtype=np.int64)
    for level in range(len(level_order)):
        present[:, level] = matrix[position == level].sum(axis=0)
    n_level = np.bincount(position[kept], minlength=len(level_order)).astype(np.int64)
    code_ids = pd.Index(codes["code_id"], name="code_id")
    level_index = pd.Index(list(level_order), name=attribute)
    chosen = (
        np.ones(len(code_ids), dtype=bool) if tested is None else code_ids.isin(list(tested))
    )
    tests, residuals = _tests(
        present, n_level, chosen, untested=untested, resamples=resamples, seed=seed
    )
    tests.insert(0, "code_id", code_ids.to_numpy())
    tests.insert(1, "path", codes["path"].to_numpy())
    tests["p_adjusted"] = (
        np.full(len(tests), np.nan)
        if correction is None
        else _adjusted(tests["p_value"].to_numpy(), alpha, correction)
    )
    notes = _unit_notes(interviews, attribute, unit=unit, dropped=dropped, levels=levels)
    return Crosstab(
        attribute=attribute,
        unit=unit,
        levels=tuple(level_order),
        counts=_counts(present, n_level, code_ids, level_index),
        row_percent=_row_percent(present, code_ids, level_index),
        column_percent=_column_percent(present, n_level, code_ids, level_index),
        prevalence=_prevalence(present, n_level, codes, level_order, unit=unit, alpha=alpha),
        tests=tests.loc[:, list(TEST_COLUMNS)],
        residuals=pd.DataFrame(residuals, index=code_ids, columns=level_index),
        method=_method(
            attribute, unit, int(kept.sum()), notes, alpha, correction, tested, untested
        ),
    )


def _level_order(values: pd.Series, levels: Sequence[Any] | None) -> tuple[Any, ...]:
    """The levels to tabulate: given, else categorical order, else sorted observed values."""
    if levels is not None:
        return tuple(levels)
    if isinstance(values.dtype, pd.CategoricalDtype):
        observed = set(values.dropna())
        return tuple(level for level in values.cat.categories if level in observed)
    observed_values = list(pd.unique(values.dropna()))
    try:
        return tuple(sorted(observed_values))
    except TypeError:  # mixed types: order by their text
        return tuple(sorted(observed_values, key=str))


def _counts(
    present: np.ndarray, n_level: np.ndarray, code_ids: pd.Index, levels: pd.Index
) -> pd.DataFrame:
    """Present counts per code and level, a total column, and the units per level as row n."""
    table = pd.DataFrame(present, index=code_ids, columns=levels)
    table[TOTAL] = present.sum(axis=1)
    totals = pd.DataFrame(
        [[*n_level.tolist(), int(n_level.sum())]],
        index=pd.Index([N_ROW], name="code_id"),
        columns=table.columns,
    )
    return pd.concat([table, totals]).astype(np.int64)


def _row_percent(present: np.ndarray, code_ids: pd.Index, levels: pd.Index) -> pd.DataFrame:
    """Percent of each code's present units falling in each level (NaN for an absent code)."""
    total = present.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        percent = np.where(total > 0, 100.0 * present / total, np.nan)
    return pd.DataFrame(percent, index=code_ids, columns=levels)


def _column_percent(
    present: np.ndarray, n_level: np.ndarray, code_ids: pd.Index, levels: pd.Index
) -> pd.DataFrame:
    """Percent of each level's units where the code is present, and of all units (total)."""
    counts = np.column_stack([present, present.sum(axis=1)])
    n = np.append(n_level, n_level.sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        percent = np.where(n > 0, 100.0 * counts / n, np.nan)
    return pd.DataFrame(percent, index=code_ids, columns=[*levels.tolist(), TOTAL]).rename_axis(
        columns=levels.name
    )


def wilson_interval(
    count: np.ndarray, nobs: np.ndarray, *, alpha: float = 0.05
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of count / nobs (statsmodels proportion_confint); NaN for nobs 0."""
    count = np.asarray(count, dtype=np.float64)
    nobs = np.asarray(nobs, dtype=np.float64)
    low = np.full(count.shape, np.nan)
    high = np.full(count.shape, np.nan)
    valid = nobs > 0
    if valid.any():
        low[valid], high[valid] = proportion_confint(
            count[valid], nobs[valid], alpha=alpha, method="wilson"
        )
    return low, high


def _prevalence(
    present: np.ndarray,
    n_level: np.ndarray,
    codes: pd.DataFrame,
    levels: Sequence[Any],
    *,
    unit: str,
    alpha: float,
) -> pd.DataFrame:
    """Long table: one row per code and level, share present with its Wilson interval."""
    n_codes, n_levels = present.shape
    count = present.ravel()
    n = np.tile(n_level, n_codes)
    low, high = wilson_interval(count, n, alpha=alpha)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(n > 0, count / n, np.nan)
    return pd.DataFrame(
        {
            "code_id": np.repeat(codes["code_id"].to_numpy(), n_levels),
            "path": np.repeat(codes["path"].to_numpy(), n_levels),
            "level": np.tile(np.asarray(list(levels), dtype=object), n_codes),
            "unit": unit,
            "present": count,
            "n": n,
            "share": share,
            "ci_low": low,
            "ci_high": high,
        },
        columns=list(PREVALENCE_COLUMNS),
    )


def _tests(
    present: np.ndarray,
    n_level: np.ndarray,
    chosen: np.ndarray,
    *,
    untested: str,
    resamples: int,
    seed: int,
) -> tuple[pd.DataFrame, np.ndarray]:
    """One test per chosen code on its 2 × k table, and the present row's adjusted residuals."""
    rows = []
    residuals = np.full(present.shape, np.nan)
    occupied = n_level > 0
    for index, row in enumerate(present):
        table = np.vstack([row, n_level - row])[:, occupied]
        if not chosen[index]:
            rows.append(_not_tested(table, untested))
            continue
        result = _test_one(table, resamples=resamples, seed=seed)
        if result.pop("residuals_ok"):
            residuals[index, occupied] = Table(table, shift_zeros=False).standardized_resids[0]
        rows.append(result)
    return pd.DataFrame(rows), residuals


def _not_tested(table: np.ndarray, reason: str) -> dict[str, Any]:
    """The row of a code described but not tested, its note saying why."""
    return {
        "test": "none", "statistic": np.nan, "dof": np.nan, "p_value": np.nan,
        "min_expected": np.nan, "cells_below_5": 0, "n": int(table.sum()),
        "note": f"not tested: {reason}",
        "method": "",
    }  # fmt: skip


def _test_one(table: np.ndarray, *, resamples: int, seed: int) -> dict[str, Any]:
    """Test one 2 × k presence table, choosing the test by Cochran's rule."""
    result: dict[str, Any] = {
        "test": "none", "statistic": np.nan, "dof": np.nan, "p_value": np.nan,
        "min_expected": np.nan, "cells_below_5": 0, "n": int(table.sum()), "note": "",
        "method": "", "residuals_ok": False,
    }  # fmt: skip
    if table.shape[1] < 2:
        result["note"] = "fewer than two levels with units; no test"
        return result
    if (table.sum(axis=1) == 0).any():
        state = "no" if table[0].sum() == 0 else "every"
        result["note"] = f"code present in {state} unit; no test"
        return result
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
    below = int((expected < 5).sum())
    result.update(min_expected=float(expected.min()), cells_below_5=below, residuals_ok=True)
    if expected.min() >= 1 and below <= 0.2 * expected.size:
        association = Table(table, shift_zeros=False).test_nominal_association()
        result.update(
            test="chi-square", statistic=float(association.statistic),
            dof=int(association.df), p_value=float(association.pvalue), method=_CHI_SQUARE,
        )  # fmt: skip
        return result
    caution = f"{CAUTION} ({below} of {expected.size} cells below 5, smallest {expected.min():.2f})"
    if table.shape == (2, 2):
        exact = fisher_exact(table)
        result.update(
            test="Fisher exact", statistic=_scalar(exact.statistic), p_value=_scalar(exact.pvalue),
            note=f"{caution}; exact test used", method=_FISHER,
        )  # fmt: skip
        return result
    monte_carlo = MonteCarloMethod(n_resamples=resamples, rng=np.random.default_rng(seed))
    exact = fisher_exact(table, method=monte_carlo)
    result.update(
        test="Fisher-Freeman-Halton", statistic=_scalar(exact.statistic),
        p_value=_scalar(exact.pvalue), note=f"{caution}; exact test (Monte Carlo) used",
        method=_FREEMAN_HALTON.format(resamples=resamples, seed=seed),
    )  # fmt: skip
    return result


def _scalar(value: Any) -> float:
    """A test result as a float (scipy returns one-element arrays for some tables)."""
    return float(np.asarray(value, dtype=np.float64).ravel()[0])


def _adjusted(p_values: np.ndarray, alpha: float, correction: str) -> np.ndarray:
    """p-values adjusted across the tested codes; NaN where a code was not tested."""
    adjusted = np.full(p_values.shape, np.nan)
    tested = ~np.isnan(p_values)
    if not tested.any():
        return adjusted
    if correction == "holm":
        adjusted[tested] = holm(p_values[tested])
    else:
        adjusted[tested] = multipletests(p_values[tested], alpha=alpha, method=correction)[1]
    return adjusted


def _unit_notes(
    interviews: pd.DataFrame,
    attribute: str,
    *,
    unit: str,
    dropped: int,
    levels: Sequence[Any] | None,
) -> list[str]:
    """Sentences on dropped units and on respondents whose interviews disagree."""
    notes = []
    if dropped:
        reason = "missing or outside the chosen levels" if levels is not None else "missing"
        units = unit if dropped != 1 else unit[:-1]
        notes.append(f"{dropped} {units} with {attribute} {reason} dropped")
    if unit == "respondents":
        conflicts = conflicting_respondents(interviews, attribute)
        if conflicts:
            notes.append(
                f"{conflicts} respondents have interviews with different {attribute}; "
                "the first interview's value is used"
            )
    return notes


def _method(
    attribute: str,
    unit: str,
    n: int,
    notes: list[str],
    alpha: float,
    correction: str | None,
    tested: Sequence[str] | None,
    untested: str,
) -> str:
    """The whole procedure in words, for a methods note."""
    confidence = f"{100 * (1 - alpha):g}%"
    sentences = [
        f"Unit: {unit} (n = {n}); a code is present in a unit where it or a code below it "
        f"was applied. Presence by {attribute}: for each code a 2 × k table (present, "
        f"absent) × levels",
        "Pearson chi-square test of independence (statsmodels Table.test_nominal_association) "
        "where no expected count is below 1 and at most 20% are below 5 (Cochran); otherwise "
        "Fisher's exact test (scipy.stats.fisher_exact) for 2 × 2 tables and the "
        "Fisher-Freeman-Halton exact test estimated from seeded Monte Carlo tables "
        "(scipy.stats.fisher_exact, MonteCarloMethod) for larger ones",
        *(
            [
                f"p-values adjusted across tested codes by {_CORRECTIONS[correction]} (as "
                f"statsmodels multipletests, method {correction!r})"
            ]
            if correction is not None
            else []
        ),
        *([f"A code not tested is {untested}"] if tested is not None else []),
        f"Shares with Wilson {confidence} intervals (statsmodels proportion_confint); "
        "adjusted standardized residuals (statsmodels Table.standardized_resids)",
        *notes,
    ]
    return ". ".join(sentences) + "."

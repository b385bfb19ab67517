"""Logistic regression of a code's presence on unit attributes, as a tidy table of terms.

statsmodels Logit (maximum likelihood, Newton's method) with Wald z tests and intervals.
Categorical predictors are treatment-coded against a reference level named in each term
("place: moscow (vs martuni)"); numeric predictors enter as they are. Models that have
no maximum-likelihood estimate (outcome constant, perfect or quasi-complete separation,
collinear predictors) or do not converge give their terms with empty estimates and a note
saying why, rather than an error or an absurd coefficient. Penalised (Firth) estimation
is not offered: no well-kept library in the project's stack provides it.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype, is_bool_dtype, is_numeric_dtype
from scipy.optimize import linprog
from statsmodels.discrete.discrete_model import Logit
from statsmodels.tools.sm_exceptions import (
    ConvergenceWarning,
    HessianInversionWarning,
    PerfectSeparationError,
    PerfectSeparationWarning,
)

from analysis.frequencies import units_attributes, units_presence

REGRESSION_COLUMNS = (
    "term", "coefficient", "std_error", "z", "p_value", "ci_low", "ci_high", "odds_ratio",
    "odds_ratio_low", "odds_ratio_high", "n", "events", "parameters", "method", "note",
)  # fmt: skip
# Cited where a model is refused for too few events per parameter.
EVENTS_SOURCE = (
    "Vittinghoff & McCulloch (2007), Relaxing the rule of ten events per variable in "
    "logistic and Cox regression, Am J Epidemiol 165:710–718"
)
INTERCEPT = "intercept"


@dataclass(frozen=True)
class _Design:
    """Outcome, design matrix with named terms, and what was dropped or noticed on the way."""

    outcome: np.ndarray
    matrix: np.ndarray
    terms: list[str]
    notes: list[str]
    separation: list[str]


def logistic_regression(
    presence: pd.DataFrame,
    interviews: pd.DataFrame,
    code_id: str,
    predictors: Sequence[str],
    *,
    unit: Literal["interviews", "respondents"] = "respondents",
    reference: Mapping[str, Any] | None = None,
    categorical: Sequence[str] = (),
    alpha: float = 0.05,
    max_iterations: int = 100,
    min_events_per_parameter: int | None = None,
) -> pd.DataFrame:
    """Log-odds of `code_id` being present in a unit, by the unit's attributes.

    Units with a missing predictor are dropped (the note says how many). `reference`
    picks a categorical predictor's reference level (default: its first level in sorted
    order); `categorical` treats numeric predictors as categories. Intervals are Wald at
    1 - alpha, odds ratios with them. One row per term, the intercept first.

    `events` is the rarer outcome's count (units with the code, or without it, whichever is
    fewer) and `parameters` the terms besides the intercept. With
    `min_events_per_parameter`, a model with fewer events per parameter is not fitted and
    its note says so (see EVENTS_SOURCE), as is a model whose data separate.
    """
    if code_id not in presence.columns:
        raise KeyError(f"code {code_id!r} not in the presence matrix")
    outcome = units_presence(presence, interviews, unit=unit)[code_id]
    values = units_attributes(interviews, list(predictors), unit=unit).reindex(outcome.index)
    design = _design(outcome, values, unit=unit, reference=reference or {}, categorical=categorical)
    method = (
        f"logistic regression of the presence of {code_id} (or a code below it) per {unit[:-1]} "
        f"(statsmodels Logit, maximum likelihood, Newton); categorical predictors "
        f"treatment-coded, reference level in the term; Wald z tests and "
        f"{100 * (1 - alpha):g}% Wald intervals"
    )
    if min_events_per_parameter is not None:
        method += (
            f"; fitted only with at least {min_events_per_parameter} events per parameter "
            f"({EVENTS_SOURCE})"
        )
    problems = _not_estimable(design)
    floor = _too_few_events(design, min_events_per_parameter)
    if floor:
        problems = [floor, *problems]
    if not problems:
        fitted, problems = _fit(design, max_iterations)
        if fitted is not None:
            return _table(design, fitted, alpha, method, "; ".join(design.notes))
    return _empty_table(design, method, "; ".join([*problems, *design.notes]))


def _design(
    outcome: pd.Series,
    values: pd.DataFrame,
    *,
    unit: str,
    reference: Mapping[str, Any],
    categorical: Sequence[str],
) -> _Design:
    """The outcome and treatment-coded design matrix for units with every predictor known."""
    complete = values.notna().all(axis=1).to_numpy()
    notes = []
    if (~complete).any():
        dropped = int((~complete).sum())
        units = unit if dropped != 1 else unit[:-1]
        notes.append(f"{dropped} {units} with a missing predictor dropped")
    y = outcome.to_numpy(dtype=np.float64)[complete]
    columns: list[np.ndarray] = [np.ones(int(complete.sum()))]
    terms = [INTERCEPT]
    separation: list[str] = []
    for name in values.columns:
        column = values[name][complete]
        if name not in categorical and _is_numeric(column):
            columns.append(column.to_numpy(dtype=np.float64))
            terms.append(str(name))
            continue
        levels = _levels(column)
        if len(levels) < 2:
            notes.append(f"{name} has one level among the units kept; left out")
            continue
        base = reference.get(name, levels[0])
        if base not in levels:
            raise ValueError(f"reference level {base!r} of {name} not among {levels}")
        for level in levels:
            within = y[(column == level).to_numpy()]
            if within.min() == within.max():
                state = "every" if within[0] else "no"
                separation.append(f"{name} = {level}: {state} unit holds the code")
            if level != base:
                columns.append((column == level).to_numpy(dtype=np.float64))
                terms.append(f"{name}: {level} (vs {base})")
    return _Design(y, np.column_stack(columns), terms, notes, separation)


def _is_numeric(column: pd.Series) -> bool:
    """True for numbers (not yes/no values), also when held in an object column."""
    if is_bool_dtype(column.dtype):
        return False
    if is_numeric_dtype(column.dtype):
        return True
    return infer_dtype(column, skipna=True) in ("integer", "floating", "mixed-integer-float")


def _levels(column: pd.Series) -> list[Any]:
    """A categorical predictor's levels: categories in order, else sorted values."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        observed = set(column)
        return [level for level in column.cat.categories if level in observed]
    found = list(pd.unique(column))
    try:
        return sorted(found)
    except TypeError:
        return sorted(found, key=str)


def _not_estimable(design: _Design) -> list[str]:
    """Reasons the model has no maximum-likelihood estimate, checked before fitting."""
    if len(design.outcome) == 0:
        return ["no units left to fit"]
    if design.outcome.min() == design.outcome.max():
        state = "every" if design.outcome[0] else "no"
        return [f"{state} unit holds the code; not estimable"]
    if np.linalg.matrix_rank(design.matrix) < design.matrix.shape[1]:
        return ["predictors are collinear (design matrix not of full rank); not estimable"]
    if len(design.outcome) <= design.matrix.shape[1]:
        return ["no more units than terms; not estimable"]
    remedy = "penalised (Firth) regression or exact methods would be needed"
    if design.separation:
        return [
            f"quasi-complete separation, no finite estimate ({'; '.join(design.separation)}); "
            + remedy
        ]
    if _separated(design.outcome, design.matrix):
        return [
            "complete or quasi-complete separation (a combination of the predictors sorts "
            f"units with and without the code), no finite estimate; {remedy}"
        ]
    return []


def events_of(outcome: np.ndarray) -> int:
    """The rarer outcome's count: what limits how many parameters a logit can carry."""
    present = int(np.asarray(outcome).sum())
    return min(present, len(outcome) - present)


def _too_few_events(design: _Design, floor: int | None) -> str:
    """Why a model has too few events per parameter to fit, or ''."""
    if floor is None or len(design.outcome) == 0:
        return ""
    events, parameters = events_of(design.outcome), design.matrix.shape[1] - 1
    if parameters == 0 or events >= floor * parameters:
        return ""
    return (
        f"too few events: {events} (the rarer of code present and absent) for {parameters} "
        f"parameter{'s' if parameters != 1 else ''}, below the floor of {floor} per "
        "parameter; not fitted"
    )


def _separated(outcome: np.ndarray, matrix: np.ndarray) -> bool:
    """True when some direction b has x·b >= 0 for units with the code, <= 0 for the others,
    and is strict for at least one: then the likelihood has no maximum.

    Found as a linear programme (scipy linprog, HiGHS): maximise the summed signed margins
    within a box; a positive optimum means separation. Columns are standardised first, which
    leaves the question unchanged since the intercept spans the shifts.
    """
    spread = matrix.std(axis=0)
    varying = spread > 0
    scaled = matrix.copy()
    scaled[:, varying] = (matrix[:, varying] - matrix[:, varying].mean(axis=0)) / spread[varying]
    signed = np.where(outcome > 0, 1.0, -1.0)[:, None] * scaled
    result = linprog(
        -signed.sum(axis=0),
        A_ub=-signed,
        b_ub=np.zeros(len(signed)),
        bounds=[(-1.0, 1.0)] * scaled.shape[1],
        method="highs",
    )
    return bool(result.status == 0 and -result.fun > 1e-6 * len(signed))


def _fit(design: _Design, max_iterations: int) -> tuple[Any, list[str]]:
    """Fit the model, turning statsmodels' warnings and errors into reasons."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fitted = Logit(design.outcome, design.matrix).fit(
                disp=0, method="newton", maxiter=max_iterations
            )
        except (np.linalg.LinAlgError, PerfectSeparationError) as error:
            return None, [f"fit failed: {error}"]
    categories = {type(warning.message) for warning in caught}
    if any(issubclass(category, PerfectSeparationWarning) for category in categories):
        return None, ["perfect separation detected by statsmodels; no finite estimate"]
    if not fitted.mle_retvals.get("converged", False) or ConvergenceWarning in categories:
        return None, [f"did not converge in {max_iterations} iterations"]
    if HessianInversionWarning in categories or not np.all(np.isfinite(fitted.bse)):
        return None, ["information matrix could not be inverted; no standard errors"]
    return fitted, []


def _table(design: _Design, fitted: Any, alpha: float, method: str, note: str) -> pd.DataFrame:
    """One row per term from a converged fit."""
    coefficient = np.asarray(fitted.params, dtype=np.float64)
    interval = np.asarray(fitted.conf_int(alpha=alpha), dtype=np.float64)
    return pd.DataFrame(
        {
            "term": design.terms,
            "coefficient": coefficient,
            "std_error": np.asarray(fitted.bse, dtype=np.float64),
            "z": np.asarray(fitted.tvalues, dtype=np.float64),
            "p_value": np.asarray(fitted.pvalues, dtype=np.float64),
            "ci_low": interval[:, 0],
            "ci_high": interval[:, 1],
            "odds_ratio": np.exp(coefficient),
            "odds_ratio_low": np.exp(interval[:, 0]),
            "odds_ratio_high": np.exp(interval[:, 1]),
            "n": int(fitted.nobs),
            "events": events_of(design.outcome),
            "parameters": design.matrix.shape[1] - 1,
            "method": method,
            "note": note,
        },
        columns=list(REGRESSION_COLUMNS),
    )


def _empty_table(design: _Design, method: str, note: str) -> pd.DataFrame:
    """One row per term with no estimates, and the note saying why."""
    table = pd.DataFrame({"term": design.terms}, columns=list(REGRESSION_COLUMNS))
    for column in REGRESSION_COLUMNS[1:10]:
        table[column] = np.nan
    table["n"] = len(design.outcome)
    table["events"] = events_of(design.outcome) if len(design.outcome) else 0
    table["parameters"] = design.matrix.shape[1] - 1
    table["method"] = method
    table["note"] = note
    return table

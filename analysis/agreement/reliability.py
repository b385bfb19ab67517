"""Reliability statistics over reliability data: coders × units of values, some missing.

Pure numpy, no data frames: percent agreement, Cohen's kappa (any number of categories,
unweighted, linear, quadratic or given disagreement weights), Fleiss' kappa, and
Krippendorff's alpha (nominal, ordinal, interval, ratio) over numbers or text labels, with
its coincidence matrix.

Reliability data
    A coders × units array-like; a missing value is None or NaN. Values are numbers or text
    labels (not both). Text labels serve nominal alpha as they are; ordinal alpha over text
    needs their order (`order=`); interval and ratio alpha need numbers.

Formulas (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability"; Cohen 1960, 1968;
Fleiss 1971), over units u with m_u >= 2 values, each unit weighted w_u (1 unless a unit
stands for several identical ones, as a run of characters does)
    percent agreement = 100 · Σ_u w_u a_u / Σ_u w_u m_u (m_u - 1) / 2, a_u the unit's pairs
    of equal values.
    coincidences o_ck = Σ_u w_u n_uck / (m_u - 1), n_uck the ordered pairs (c, k) of values
    from two different coders in u; n_c = Σ_k o_ck, n = Σ_c n_c;
    alpha = 1 - (n - 1) Σ_ck o_ck δ²_ck / Σ_ck n_c n_k δ²_ck, with δ²_ck = [c ≠ k] (nominal),
    (Σ_{g from c to k} n_g - (n_c + n_k) / 2)² (ordinal), (c - k)² (interval),
    ((c - k) / (c + k))² (ratio).
    Cohen's kappa of a k × k table of two coders' values = 1 - Σ v_ij p_ij / Σ v_ij e_ij with
    e_ij = p_i. p_.j and disagreement weights v_ij: [i ≠ j] (unweighted, (p_o - p_e) /
    (1 - p_e)), |i - j| / (k - 1) (linear), ((i - j) / (k - 1))² (quadratic), or given.
    Fleiss' kappa over units every coder rated = (P̄ - P̄_e) / (1 - P̄_e), P_u = (Σ_c n_uc²
    - m) / (m (m - 1)), P̄ the weighted mean of P_u, P̄_e = Σ_c p_c².
A coefficient is NaN where it is undefined: no pairable units, or no variation.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

LEVELS = ("nominal", "ordinal", "interval", "ratio")
Level = Literal["nominal", "ordinal", "interval", "ratio"]
KAPPA_WEIGHTS = ("linear", "quadratic")


@dataclass(frozen=True)
class CategoryStatistics:
    """Every coefficient of one set of reliability data (see the module docstring)."""

    units: float  # pairable units (their summed weights)
    percent_agreement: float  # 0 to 100
    krippendorff_alpha: float  # nominal
    fleiss_kappa: float  # over units every coder rated
    cohen_kappa: float  # NaN unless exactly two coders


@dataclass(frozen=True)
class Coincidences:
    """Krippendorff's coincidence matrix: `matrix[c, k]` = o_ck of `values[c]`, `values[k]`."""

    values: tuple[Any, ...]
    matrix: np.ndarray


def krippendorff_alpha(
    reliability_data: Any, level: str = "nominal", *, order: Sequence[Any] | None = None
) -> float:
    """Krippendorff's alpha of coders × units data (None or NaN = missing), numbers or labels.

    `level` is nominal, ordinal, interval or ratio. Nominal alpha needs only the disagreeing
    coincidences and the marginals, found by sorting each unit's values, so millions of
    units and many categories fit in little memory; the other levels build the categories
    × categories coincidence matrix. `order` gives the order of the values (text labels at
    the ordinal level need it). NaN when undefined.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    values, categories = categorised(reliability_data, order=order)
    if level != "nominal" and categories and isinstance(categories[0], str):
        if level != "ordinal":
            raise ValueError(f"{level} alpha needs numbers, not text labels")
        if order is None:
            raise ValueError("ordinal alpha over text labels needs their order (order=...)")
    if level == "nominal":
        return category_statistics(values).krippendorff_alpha
    matrix = _coincidences(values, len(categories))
    numeric = (
        np.arange(len(categories), dtype=np.float64)
        if level == "ordinal"
        else np.asarray(categories, dtype=np.float64)
    )
    return _alpha_from_coincidences(matrix, numeric, level)


def coincidences(reliability_data: Any, *, order: Sequence[Any] | None = None) -> Coincidences:
    """Krippendorff's coincidence matrix of coders × units data (None or NaN = missing).

    Values are sorted (or in `order`); o_ck = Σ_u (ordered pairs (c, k) of values from
    different coders in unit u) / (m_u - 1), over units with m_u >= 2 values.
    """
    values, categories = categorised(reliability_data, order=order)
    return Coincidences(categories, _coincidences(values, len(categories)))


def coincidence_matrix(
    reliability_data: Any, *, order: Sequence[Any] | None = None
) -> pd.DataFrame:
    """The coincidence matrix as a frame, indexed (and columned) by the values found."""
    import pandas as pd

    found = coincidences(reliability_data, order=order)
    labels = pd.Index(list(found.values), name="value")
    return pd.DataFrame(found.matrix, index=labels, columns=labels.rename("paired_value"))


def percent_agreement(reliability_data: Any) -> float:
    """Equal pairs among all pairs of values two coders gave one unit, in percent."""
    values, _ = categorised(reliability_data)
    return category_statistics(values).percent_agreement


def contingency_table(
    first: Sequence[Any], second: Sequence[Any], *, categories: Sequence[Any] | None = None
) -> tuple[tuple[Any, ...], np.ndarray]:
    """Two coders' values cross-tabulated (units where both gave one), rows the first coder.

    Categories are sorted, or as given (needed for weighted kappa over text labels).
    """
    if len(first) != len(second):
        raise ValueError(f"the two coders rate {len(first)} and {len(second)} units")
    values, found = categorised([list(first), list(second)], order=categories)
    both = (values >= 0).all(axis=0)
    size = len(found)
    cells = np.bincount(values[0, both] * size + values[1, both], minlength=size * size)
    return found, cells.reshape(size, size).astype(np.float64)


def cohen_kappa(table: Any, *, weights: str | Any | None = None) -> float:
    """Cohen's kappa of a square table of two coders' values (rows one coder, columns the other).

    `weights`: None (Cohen 1960), "linear" or "quadratic" (categories in table order), or a
    k × k array of disagreement weights, zero on the diagonal (Cohen 1968). NaN when
    undefined (no units, or all chance-expected disagreement zero).
    """
    counts = np.asarray(table, dtype=np.float64)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1]:
        raise ValueError("a kappa table must be square: categories × the same categories")
    total = counts.sum()
    if total == 0:
        return float("nan")
    disagreement = _disagreement_weights(weights, len(counts))
    observed = counts / total
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0))
    chance = float((disagreement * expected).sum())
    if chance <= 1e-15:
        return float("nan")
    return 1 - float((disagreement * observed).sum()) / chance


def fleiss_kappa(table: Any, weights: Any | None = None) -> float:
    """Fleiss' (1971) kappa of a units × categories table of counts, units optionally weighted.

    Every unit must hold the same number m >= 2 of values. Unweighted it equals
    statsmodels' fleiss_kappa. NaN when there are no units or P̄_e = 1.
    """
    counts = np.asarray(table, dtype=np.float64)
    if counts.ndim != 2:
        raise ValueError("table must be units × categories")
    unit_weights = (
        np.ones(len(counts)) if weights is None else np.asarray(weights, dtype=np.float64)
    )
    raters = counts.sum(axis=1)
    if len(counts) == 0 or unit_weights.sum() == 0:
        return float("nan")
    m = raters[0]
    if m < 2 or not np.all(raters == m):
        raise ValueError("every unit must hold the same number (two or more) of values")
    total = unit_weights.sum()
    shares = unit_weights @ counts / (m * total)
    per_unit = ((counts**2).sum(axis=1) - m) / (m * (m - 1))
    observed = float(unit_weights @ per_unit / total)
    expected = float((shares**2).sum())
    if expected >= 1:
        return float("nan")
    return (observed - expected) / (1 - expected)


def category_statistics(
    values: np.ndarray, weights: np.ndarray | None = None
) -> CategoryStatistics:
    """Every coefficient of coders × units category codes (-1 missing), units weighted.

    Sorting each unit's values puts equal ones side by side, so a unit's equal pairs
    Σ_c n_uc (n_uc - 1) / 2 are counted in one pass over the coders, without a units ×
    categories table: nominal alpha and Fleiss' kappa need only those counts and the
    marginals, so many categories cost no memory.
    """
    n_coders = len(values)
    present = values >= 0
    m = present.sum(axis=0)
    pairable = m >= 2
    weight = np.ones(len(m)) if weights is None else np.asarray(weights, dtype=np.float64)
    if not pairable.all():
        values, present = values[:, pairable], present[:, pairable]
        m, weight = m[pairable], weight[pairable]
    units = float(weight.sum())
    nan = float("nan")
    if units == 0:
        return CategoryStatistics(0.0, nan, nan, nan, nan)
    ordered = np.sort(values, axis=0)
    run = np.zeros(len(m), dtype=np.int64)
    equal = np.zeros(len(m), dtype=np.int64)
    for row in range(1, len(ordered)):
        same = ordered[row] == ordered[row - 1]
        same &= ordered[row - 1] >= 0
        run += 1
        run *= same
        equal += run
    pairs = m * (m - 1) // 2
    percent = 100 * float(weight @ equal) / float(weight @ pairs)
    disagreeing = float((weight / (m - 1)) @ (2 * (pairs - equal)))
    stretched = np.broadcast_to(weight, values.shape)
    marginals = np.bincount(values[present], weights=stretched[present])
    n = float(marginals.sum())
    expected = float(marginals @ (n - marginals))
    alpha = 1 - (n - 1) * disagreeing / expected if expected > 0 else nan
    complete = m == n_coders
    fleiss = _fleiss_from_pairs(values[:, complete], equal[complete], weight[complete])
    cohen = nan
    if n_coders == 2:
        cohen = _cohen_from_values(values[:, complete], weight[complete])
    return CategoryStatistics(units, percent, alpha, fleiss, cohen)


def categorised(
    reliability_data: Any, *, order: Sequence[Any] | None = None
) -> tuple[np.ndarray, tuple[Any, ...]]:
    """Coders × units category codes (-1 missing) and the values they stand for, in order.

    Numbers are sorted numerically, text labels alphabetically, unless `order` gives them.
    """
    if isinstance(reliability_data, np.ndarray) and reliability_data.dtype.kind in "biuf":
        data = np.asarray(reliability_data, dtype=np.float64)
        if data.ndim != 2:
            raise ValueError("reliability data must be coders × units")
        present = ~np.isnan(data)
        if order is None:
            found, inverse = np.unique(data[present], return_inverse=True)
            values = np.full(data.shape, -1, dtype=np.int64)
            values[present] = inverse
            return values, tuple(float(value) for value in found)
    cells = np.asarray(reliability_data, dtype=object)
    if cells.ndim != 2:
        raise ValueError("reliability data must be coders × units")
    flat = [None if _missing(cell) else cell for cell in cells.ravel()]
    given = [cell for cell in flat if cell is not None]
    text = [cell for cell in given if isinstance(cell, str)]
    if text and len(text) != len(given):
        raise ValueError("reliability data mixes numbers and text labels")
    if not text and not all(isinstance(cell, numbers.Real) for cell in given):
        raise ValueError("reliability data holds values that are neither numbers nor text")
    if order is not None:
        categories: tuple[Any, ...] = tuple(order)
        if len(set(categories)) != len(categories):
            raise ValueError("order names a value twice")
    elif text:
        categories = tuple(sorted(set(text)))
    else:
        categories = tuple(sorted({float(cell) for cell in given}))
    position = {value: index for index, value in enumerate(categories)}
    codes = []
    for cell in flat:
        if cell is None:
            codes.append(-1)
        elif cell in position:
            codes.append(position[cell])
        else:
            raise ValueError(f"value {cell!r} is not in the order given")
    return np.asarray(codes, dtype=np.int64).reshape(cells.shape), categories


def _missing(cell: Any) -> bool:
    """None or a NaN number."""
    if cell is None:
        return True
    return isinstance(cell, numbers.Real) and not isinstance(cell, bool) and math.isnan(cell)


def _disagreement_weights(weights: str | Any | None, size: int) -> np.ndarray:
    """The k × k disagreement weights of a kappa, zero on the diagonal."""
    index = np.arange(size, dtype=np.float64)
    distance = np.abs(index[:, None] - index[None, :])
    if weights is None:
        return (distance > 0).astype(np.float64)
    if isinstance(weights, str):
        if weights not in KAPPA_WEIGHTS:
            raise ValueError(f"weights must be linear, quadratic or a matrix, not {weights!r}")
        scaled = distance / max(size - 1, 1)
        return scaled if weights == "linear" else scaled**2
    matrix = np.asarray(weights, dtype=np.float64)
    if matrix.shape != (size, size):
        raise ValueError(f"weights must be {size} × {size}, as the table, not {matrix.shape}")
    if np.any(np.diag(matrix) != 0) or np.any(matrix < 0):
        raise ValueError("disagreement weights must be 0 on the diagonal and never negative")
    return matrix


def _fleiss_from_pairs(values: np.ndarray, equal: np.ndarray, weight: np.ndarray) -> float:
    """Fleiss' kappa of complete units from their equal pairs: Σ_c n_uc² = m + 2 · equal."""
    m = len(values)
    total = float(weight.sum())
    if total == 0 or m < 2:
        return float("nan")
    observed = float(weight @ (2 * equal)) / (m * (m - 1) * total)
    shares = np.bincount(values.ravel(), weights=np.tile(weight, m)) / (m * total)
    expected = float((shares**2).sum())
    if expected >= 1:
        return float("nan")
    return (observed - expected) / (1 - expected)


def _cohen_from_values(values: np.ndarray, weight: np.ndarray) -> float:
    """Unweighted Cohen's kappa of two coders' category codes on units both rated."""
    total = float(weight.sum())
    if total == 0:
        return float("nan")
    size = int(values.max()) + 1
    first = np.bincount(values[0], weights=weight, minlength=size) / total
    second = np.bincount(values[1], weights=weight, minlength=size) / total
    observed = float(weight[values[0] == values[1]].sum()) / total
    expected = float(first @ second)
    if expected >= 1:
        return float("nan")
    return (observed - expected) / (1 - expected)


def _coincidences(values: np.ndarray, size: int) -> np.ndarray:
    """The size × size coincidence matrix, one coder pair at a time."""
    m = (values >= 0).sum(axis=0)
    pairable = m >= 2
    values, share = values[:, pairable], 1 / (m[pairable] - 1)
    flat = np.zeros(size * size)
    for first in range(len(values)):
        for second in range(first + 1, len(values)):
            both = (values[first] >= 0) & (values[second] >= 0)
            cell = values[first, both] * size + values[second, both]
            flat += np.bincount(cell, weights=share[both], minlength=size * size)
    half = flat.reshape(size, size)
    return half + half.T


def _alpha_from_coincidences(coincidences: np.ndarray, categories: np.ndarray, level: str) -> float:
    """Alpha = 1 - (n - 1) Σ o_ck δ²_ck / Σ n_c n_k δ²_ck for the level's δ²."""
    marginals = coincidences.sum(axis=1)
    n = marginals.sum()
    first, second = np.meshgrid(categories, categories, indexing="ij")
    if level == "interval":
        distance = (first - second) ** 2
    elif level == "ratio":
        total = first + second
        quotient = np.divide(first - second, total, out=np.zeros_like(total), where=total != 0)
        distance = quotient**2
    else:  # ordinal: ranks by the marginals, whatever the values
        cumulative = np.concatenate([[0.0], np.cumsum(marginals)])
        low, high = np.meshgrid(np.arange(len(categories)), np.arange(len(categories)))
        low, high = np.minimum(low, high), np.maximum(low, high)
        between = cumulative[high + 1] - cumulative[low]
        distance = (between - (marginals[low] + marginals[high]) / 2) ** 2
    expected = float(marginals @ distance @ marginals)
    if n == 0 or expected == 0:
        return float("nan")
    return float(1 - (n - 1) * (coincidences * distance).sum() / expected)

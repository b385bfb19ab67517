"""Reliability statistics over coders × units data: published examples, text labels, parity."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest
from statsmodels.stats.inter_rater import cohens_kappa as statsmodels_cohens_kappa

from analysis.agreement import (
    cohen_kappa,
    coincidence_matrix,
    coincidences,
    contingency_table,
    krippendorff_alpha,
    percent_agreement,
)

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section B: nominal data,
# two observers, no missing data, twelve units valued with the letters a to e.
LETTERS = [
    ["a", "a", "b", "b", "d", "c", "c", "c", "e", "d", "d", "a"],
    ["b", "a", "b", "b", "b", "c", "c", "c", "e", "d", "d", "d"],
]
# Krippendorff (2011), section C: four observers, twelve units, values 1 to 5, missing data.
FOUR_OBSERVERS = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]
# Cohen (1968), "Weighted kappa", Table 1: two judges, 200 cases, personality disorder,
# neurosis, psychosis (observed proportions × 200), with his disagreement weights 1, 3 and 6.
COHEN_1968 = np.array([[0.44, 0.07, 0.09], [0.05, 0.20, 0.05], [0.01, 0.03, 0.06]]) * 200
COHEN_1968_WEIGHTS = np.array([[0, 1, 3], [1, 0, 6], [3, 6, 0]])


def test_alpha_over_text_labels_reproduces_krippendorff_2011_letters_example() -> None:
    """Krippendorff (2011), section B, two observers' letters: nominal alpha 0.692."""
    assert round(krippendorff_alpha(LETTERS), 3) == 0.692


def test_coincidence_matrix_of_text_labels_is_indexed_by_the_labels() -> None:
    """Krippendorff (2011), section B: the letters' coincidences; a and d agree twice each."""
    found = coincidences(LETTERS)
    assert found.values == ("a", "b", "c", "d", "e")
    assert found.matrix.sum() == 24  # two values per unit, twelve units
    assert found.matrix[2, 2] == 6  # c-c three times, counted in both orders
    frame = coincidence_matrix(LETTERS)
    assert frame.loc["a", "b"] == 1 and frame.loc["b", "d"] == 1


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_alpha_reproduces_krippendorff_2011_four_observers_at_every_level(
    level: str, published: float
) -> None:
    """Krippendorff (2011), section C (4 observers, 12 units, missing values): alpha by level."""
    assert round(krippendorff_alpha(FOUR_OBSERVERS, level), 3) == published


def test_ordinal_alpha_over_text_labels_follows_the_order_given() -> None:
    words = ["low", "mid", "high", "top", "peak"]
    labels = [[None if v is None else words[v - 1] for v in row] for row in FOUR_OBSERVERS]
    assert krippendorff_alpha(labels, "ordinal", order=words) == pytest.approx(
        krippendorff_alpha(FOUR_OBSERVERS, "ordinal")
    )


def test_ordinal_alpha_over_text_labels_without_an_order_is_refused() -> None:
    with pytest.raises(ValueError, match="order"):
        krippendorff_alpha(LETTERS, "ordinal")


def test_interval_alpha_over_text_labels_is_refused() -> None:
    with pytest.raises(ValueError, match="needs numbers"):
        krippendorff_alpha(LETTERS, "interval")


def test_numbers_and_labels_mixed_are_refused() -> None:
    with pytest.raises(ValueError, match="mixes numbers and text"):
        krippendorff_alpha([["a", 1], ["a", 2]])


def test_a_label_outside_the_order_is_named() -> None:
    with pytest.raises(ValueError, match="'e' is not in the order"):
        krippendorff_alpha(LETTERS, "ordinal", order=["a", "b", "c", "d"])


def test_nan_and_none_are_both_missing() -> None:
    with_none = krippendorff_alpha(FOUR_OBSERVERS)
    with_nan = krippendorff_alpha(np.array(FOUR_OBSERVERS, dtype=np.float64))
    assert with_none == pytest.approx(with_nan)


def test_percent_agreement_of_the_letters() -> None:
    """Krippendorff (2011), section B: the observers agree on 9 of 12 units."""
    assert percent_agreement(LETTERS) == pytest.approx(75.0)


def test_cohen_kappa_reproduces_the_textbook_fifty_unit_table() -> None:
    """The 2 × 2 table [[20, 5], [10, 15]]: p_o 0.70, p_e 0.50, kappa 0.400."""
    assert cohen_kappa([[20, 5], [10, 15]]) == pytest.approx(0.4)


def test_weighted_kappa_reproduces_cohen_1968_table_1() -> None:
    """Cohen (1968), Table 1: kappa .49 and, with his weights 1, 3, 6, weighted kappa .35."""
    assert round(cohen_kappa(COHEN_1968), 2) == 0.49
    assert round(cohen_kappa(COHEN_1968, weights=COHEN_1968_WEIGHTS), 2) == 0.35


@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_cohen_kappa_agrees_with_statsmodels_on_random_tables(weights: str | None) -> None:
    rng = np.random.default_rng(1968)
    for _ in range(30):
        size = int(rng.integers(2, 7))
        table = rng.integers(0, 20, (size, size)) + np.diag(rng.integers(0, 30, size))
        expected = statsmodels_cohens_kappa(table, wt=weights, return_results=False)
        assert cohen_kappa(table, weights=weights) == pytest.approx(expected, abs=1e-12)


def test_quadratic_kappa_of_two_coders_nears_interval_alpha_for_many_units() -> None:
    """Quadratic weights make kappa a correlation-like measure, close to interval alpha."""
    rng = np.random.default_rng(3)
    first = rng.integers(0, 5, 4_000)
    second = np.clip(first + rng.integers(-1, 2, 4_000), 0, 4)
    _, table = contingency_table(list(first), list(second), categories=[0, 1, 2, 3, 4])
    alpha = krippendorff_alpha(np.array([first, second], dtype=np.float64), "interval")
    assert cohen_kappa(table, weights="quadratic") == pytest.approx(alpha, abs=0.005)


def test_contingency_table_of_text_labels_in_the_order_given() -> None:
    categories, table = contingency_table(
        ["yes", "no", "no", None], ["yes", "yes", "no", "no"], categories=["no", "yes"]
    )
    assert categories == ("no", "yes")
    assert table.tolist() == [[1.0, 1.0], [0.0, 1.0]]


def test_multi_category_kappa_from_text_labels() -> None:
    categories, table = contingency_table(*LETTERS)
    assert categories == ("a", "b", "c", "d", "e")
    assert cohen_kappa(table) == pytest.approx(
        statsmodels_cohens_kappa(table, return_results=False)
    )


def test_kappa_weights_of_the_wrong_shape_are_refused() -> None:
    with pytest.raises(ValueError, match="3 × 3"):
        cohen_kappa(COHEN_1968, weights=np.zeros((2, 2)))


def test_kappa_is_nan_without_variation() -> None:
    assert np.isnan(cohen_kappa([[5, 0], [0, 0]]))


def test_text_alpha_agrees_with_the_package_on_relabelled_numbers() -> None:
    rng = np.random.default_rng(5)
    data = rng.integers(0, 6, (4, 60)).astype(np.float64)
    data[rng.random(data.shape) < 0.25] = np.nan
    labels = [[None if np.isnan(v) else f"code {int(v)}" for v in row] for row in data]
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert krippendorff_alpha(labels) == pytest.approx(expected, abs=1e-12)

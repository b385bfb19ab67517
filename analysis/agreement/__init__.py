"""Intercoder agreement: reliability statistics, units built from codings, the per-code table.

- `reliability`: pure statistics over coders × units data (numbers or text labels): percent
  agreement, Cohen's kappa (any categories, weighted), Fleiss' kappa, Krippendorff's alpha
  (nominal, ordinal, interval, ratio) and its coincidence matrix;
- `units`: interviews, segments and characters as units, with completed passes deciding
  where a coder's value is 0 and where it is missing;
- `table`: `agreement(...)`, alpha first and percent agreement beside it, per code and pooled.
"""

from analysis.agreement.reliability import (
    LEVELS,
    CategoryStatistics,
    Coincidences,
    category_statistics,
    cohen_kappa,
    coincidence_matrix,
    coincidences,
    contingency_table,
    fleiss_kappa,
    krippendorff_alpha,
    percent_agreement,
)
from analysis.agreement.table import (
    AGREEMENT_COLUMNS,
    COEFFICIENTS,
    PASSES_INFERRED,
    PASSES_RECORDED,
    POOLED,
    POOLED_BINARY,
    POOLED_METHODS,
    POOLED_NOMINAL,
    UNIT_METHODS,
    agreement,
    completed_interviews,
    pooled_alpha_from_codings,
)
from analysis.agreement.units import UNIT_NAMES, Passes, passes_from_codings

__all__ = [
    "AGREEMENT_COLUMNS",
    "COEFFICIENTS",
    "LEVELS",
    "PASSES_INFERRED",
    "PASSES_RECORDED",
    "POOLED",
    "POOLED_BINARY",
    "POOLED_METHODS",
    "POOLED_NOMINAL",
    "UNIT_METHODS",
    "UNIT_NAMES",
    "CategoryStatistics",
    "Coincidences",
    "Passes",
    "agreement",
    "category_statistics",
    "cohen_kappa",
    "coincidence_matrix",
    "coincidences",
    "completed_interviews",
    "contingency_table",
    "fleiss_kappa",
    "krippendorff_alpha",
    "passes_from_codings",
    "percent_agreement",
    "pooled_alpha_from_codings",
]

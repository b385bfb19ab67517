"""The per-code agreement table: Krippendorff's alpha first, percent agreement and kappas beside.

One row per applicable code one of the coders used, in codebook order, then two pooled rows:
- "binary α, codes stacked": every (unit, code) pair of the rows above is one unit of one
  binary variable (coded / not coded), so its counts are the sums of the per-code counts;
- "nominal α over codes" (last): each coder's value on a unit is the set of codes they
  applied to it, the empty set included, one nominal category per distinct set; where one
  code is applied per unit this is nominal alpha with the codes as values (Krippendorff 2011).
Units and how completed passes make values 0 or missing: `analysis.agreement.units`.
Coefficients: `analysis.agreement.reliability`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.agreement.reliability import CategoryStatistics, category_statistics
from analysis.agreement.units import (
    UNIT_NAMES,
    Codings,
    Passes,
    Unit,
    binary_tables,
    code_set_values,
    completed_counts,
    passes_from_codings,
    pattern_values,
    prepare,
)

AGREEMENT_COLUMNS = (
    "code_id", "path", "unit", "coders", "units", "krippendorff_alpha", "percent_agreement",
    "cohen_kappa", "fleiss_kappa", "method",
)  # fmt: skip
POOLED_NOMINAL = "(pooled: nominal α over codes)"
POOLED_BINARY = "(pooled: binary α, codes stacked)"
POOLED = POOLED_NOMINAL  # the pooled row to quote: the last row of the table
PASSES_RECORDED = (
    "Completed passes as recorded: in an interview a coder completed, a code they did not "
    "apply is 0; an interview they did not complete is missing for them."
)
PASSES_INFERRED = (
    "No completed passes recorded: an interview a coder made any coding in counts as "
    "completed by them (a code not applied there is 0), any other is missing for them, so "
    "interviews both coders read and left uncoded are not counted."
)

COEFFICIENTS = (
    "Krippendorff's alpha (nominal) on every pairable value; percent agreement: equal pairs "
    "among all pairs of values two coders gave one unit (not chance-corrected); Cohen's "
    "kappa (two coders only) and Fleiss' kappa (Fleiss 1971) on the units every coder rated."
)
UNIT_METHODS = {
    "interview": (
        "Units: interviews; a coder's value is 1 if they applied exactly this code anywhere "
        "in the interview, else 0."
    ),
    "segment": (
        "Units: distinct spans any coder coded, with any code; a coder's value is 1 if they "
        "applied this code to a span overlapping the unit by intersection/union >= {overlap}, "
        "else 0. Percent agreement here is dominated by spans neither coder gave the code; "
        "read alpha."
    ),
    "character": (
        "Units: characters of the transcripts; a coder's value is 1 if the character lies in "
        "one of their codings of this code, else 0. Percent agreement here is dominated by "
        "characters neither coder coded; read alpha."
    ),
}
POOLED_METHODS = {
    POOLED_BINARY: (
        "Binary α, codes stacked: each (unit, code) pair of the rows above is one unit. "
    ),
    POOLED_NOMINAL: (
        "Nominal α over codes: a coder's value on a unit is the set of codes they applied to "
        "it (the empty set included), one category per set, so at the interview unit two "
        "coders agree only where they applied exactly the same codes. "
    ),
}


def agreement(
    codings: pd.DataFrame,
    interviews: pd.DataFrame,
    codes: pd.DataFrame,
    *,
    unit: Unit,
    coders: Sequence[str] | None = None,
    overlap: float = 0.5,
    passes: Passes | None = None,
) -> pd.DataFrame:
    """Agreement between coders per applicable code used, in codebook order, then pooled.

    Columns AGREEMENT_COLUMNS: `coders` is the number of coders compared (by default every
    coder who completed an interview of the frame), `units` the number of pairable units
    (characters for the character unit), krippendorff_alpha the headline, percent_agreement
    from 0 to 100, cohen_kappa NaN unless exactly two coders are compared. The last two
    rows are the pooled rows POOLED_BINARY and POOLED_NOMINAL (no path). `passes` maps each
    coder to the interviews they completed; without it `passes_from_codings` infers them,
    and the method says which rule was used. `overlap` (intersection over union of two
    spans) applies to the segment unit only.
    """
    data = _prepared(codings, interviews, codes, unit=unit, coders=coders, passes=passes)
    n_coders, n_codes = len(data.coders), len(data.code_ids)
    if (n_codes + 1) * 3**n_coders >= 2**62:
        raise ValueError(f"too many coders to compare at once ({n_coders})")
    tables = binary_tables(data, unit, overlap)
    method = " ".join(
        (
            UNIT_METHODS[unit].format(overlap=overlap),
            COEFFICIENTS,
            PASSES_RECORDED if passes is not None else PASSES_INFERRED,
        )
    )
    bounds = np.searchsorted(tables.code, np.arange(n_codes + 1))
    rows: list[dict[str, object]] = []
    for row, (code_id, path) in enumerate(zip(data.code_ids, data.paths, strict=True)):
        part = slice(bounds[row], bounds[row + 1])
        values = pattern_values(tables.pattern[part], n_coders)
        statistics = category_statistics(values, tables.weight[part])
        rows.append(_row(code_id, path, statistics, method))
    stacked = category_statistics(pattern_values(tables.pattern, n_coders), tables.weight)
    rows.append(_row(POOLED_BINARY, None, stacked, POOLED_METHODS[POOLED_BINARY] + method))
    values, weights = code_set_values(data, unit, overlap)
    nominal = category_statistics(values, weights)
    rows.append(_row(POOLED_NOMINAL, None, nominal, POOLED_METHODS[POOLED_NOMINAL] + method))
    frame = pd.DataFrame(rows)
    frame.insert(2, "unit", UNIT_NAMES[unit])
    frame.insert(3, "coders", n_coders)
    return frame.loc[:, list(AGREEMENT_COLUMNS)].astype({"units": "int64", "coders": "int64"})


def pooled_alpha_from_codings(
    codings: pd.DataFrame,
    interviews: pd.DataFrame,
    codes: pd.DataFrame,
    *,
    unit: Unit = "character",
    coders: Sequence[str] | None = None,
    overlap: float = 0.5,
    passes: Passes | None = None,
) -> float:
    """Nominal Krippendorff's alpha over codes: one category per set of codes applied.

    Units as in `agreement`; each coder's value on a unit they completed is the set of
    applicable codes they applied to it (the empty set included). Two coders agree on a unit
    only if their sets are equal, so a passage coded {a} by one and {a, b} by the other is
    one disagreement. With one code per unit this is nominal alpha with codes as values.
    """
    data = _prepared(codings, interviews, codes, unit=unit, coders=coders, passes=passes)
    values, weights = code_set_values(data, unit, overlap)
    return category_statistics(values, weights).krippendorff_alpha


def completed_interviews(
    codings: pd.DataFrame, interviews: pd.DataFrame, passes: Passes | None = None
) -> pd.DataFrame:
    """Per coder, how many of the frame's interviews they completed (columns coder, completed).

    Without `passes`, by the rule of `passes_from_codings`.
    """
    counts = completed_counts(
        passes if passes is not None else passes_from_codings(codings), interviews
    )
    return pd.DataFrame(
        {"coder": list(counts), "completed": list(counts.values())}, columns=["coder", "completed"]
    ).astype({"completed": "int64"})


def _prepared(
    codings: pd.DataFrame,
    interviews: pd.DataFrame,
    codes: pd.DataFrame,
    *,
    unit: str,
    coders: Sequence[str] | None,
    passes: Passes | None,
) -> Codings:
    """Checked arguments, and the codings as arrays under the passes (given or inferred)."""
    if unit not in UNIT_NAMES:
        raise ValueError(f"unit must be one of {', '.join(UNIT_NAMES)}, not {unit!r}")
    completed = passes if passes is not None else passes_from_codings(codings)
    return prepare(codings, interviews, codes, coders=coders, passes=completed)


def _row(
    code_id: str, path: str | None, statistics: CategoryStatistics, method: str
) -> dict[str, object]:
    """One row of the table."""
    return {
        "code_id": code_id,
        "path": path,
        "units": int(round(statistics.units)),
        "krippendorff_alpha": statistics.krippendorff_alpha,
        "percent_agreement": statistics.percent_agreement,
        "cohen_kappa": statistics.cohen_kappa,
        "fleiss_kappa": statistics.fleiss_kappa,
        "method": method,
    }

"""Select the codings and interviews an analysis is about, and say so in words.

`where` keeps interviews whose attribute matches any of the wanted values; a
multiple-choice cell ("hy;ru") matches each of its values ("ru" matches it) and itself.
Numeric and yes/no attributes match by equality. `coders` keeps those coders' codings and the
interviews they coded; `groups` keeps codings of those top-level code groups (interviews
stay: an interview with no coding in a group is a zero, not a missing unit).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

CHOICE_SEPARATOR = ";"


def select_codings(
    codings: pd.DataFrame,
    interviews: pd.DataFrame,
    *,
    where: Mapping[str, object] | None = None,
    coders: Sequence[str] | None = None,
    groups: Sequence[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Filtered (codings, interviews): by attribute values, coders and top-level code groups.

    A `where` value may be one value or a list/tuple/set of values (any of them matches);
    missing attribute values never match. With `coders`, interviews are those holding at
    least one coding by one of them. Row order and index are kept.
    """
    keep = np.ones(len(interviews), dtype=bool)
    for attribute, wanted in (where or {}).items():
        if attribute not in interviews.columns:
            raise KeyError(f"no attribute {attribute!r} in the interviews frame")
        keep &= _matches(interviews[attribute], _as_values(wanted))
    selected = interviews[keep]
    rows = codings["interview_id"].isin(selected["interview_id"]).to_numpy()
    if coders is not None:
        by_coders = codings["coder"].isin(list(coders)).to_numpy()
        coded = codings.loc[rows & by_coders, "interview_id"].unique()
        selected = selected[selected["interview_id"].isin(coded)]
        rows = rows & by_coders
    if groups is not None:
        rows = rows & codings["group"].isin(list(groups)).to_numpy()
    return codings[rows], selected


def describe_filters(
    *,
    where: Mapping[str, object] | None = None,
    coders: Sequence[str] | None = None,
    groups: Sequence[str] | None = None,
) -> str:
    """The selection in words, e.g. 'place = martuni; coder = lusine; all code groups'."""
    parts = [
        f"{attribute} = {_listed(_as_values(wanted))}"
        for attribute, wanted in (where or {}).items()
    ]
    if not parts:
        parts.append("all interviews")
    if coders is None:
        parts.append("all coders")
    else:
        parts.append(f"{'coder' if len(coders) == 1 else 'coders'} = {_listed(coders)}")
    if groups is None:
        parts.append("all code groups")
    else:
        parts.append(f"{'code group' if len(groups) == 1 else 'code groups'} = {_listed(groups)}")
    return "; ".join(parts)


def _as_values(wanted: object) -> list[Any]:
    """A wanted value as a list: collections spread out, a single value (text too) wrapped."""
    if isinstance(wanted, (list, tuple, set, frozenset)):
        return sorted(wanted, key=str) if isinstance(wanted, (set, frozenset)) else list(wanted)
    return [wanted]


def _listed(values: Iterable[Any]) -> str:
    """Values in words: 'a', 'a or b', 'a, b or c'."""
    texts = [str(value) for value in values]
    if len(texts) <= 1:
        return "".join(texts)
    return f"{', '.join(texts[:-1])} or {texts[-1]}"


def _matches(column: pd.Series, wanted: list[Any]) -> np.ndarray:
    """True where a cell equals a wanted value, or holds one among its ';'-joined choices."""
    if is_bool_dtype(column.dtype) or is_numeric_dtype(column.dtype):
        return column.isin(wanted).to_numpy(dtype=bool)
    texts = {str(value) for value in wanted}
    cells = column.reset_index(drop=True)
    known = cells.notna()
    choices = cells[known].astype(str).str.split(CHOICE_SEPARATOR).explode()
    hit = choices.isin(texts).groupby(level=0).any()
    result = np.zeros(len(cells), dtype=bool)
    result[hit.index.to_numpy(dtype=np.int64)] = hit.to_numpy(dtype=bool)
    return result | cells.astype(str).isin(texts).to_numpy(dtype=bool) & known.to_numpy()

"""How much of each transcript is coded, which codes each interview holds, and code saturation.

Offsets are code points, end exclusive, as in the codings frame. Every function here works
on whole columns with numpy (sorting, cumulative maxima, bincount), never row by row, so
that a million codings take a fraction of a second.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

COVERAGE_COLUMNS = ("interview_id", "coder", "characters", "coded_characters", "coverage", "method")
SATURATION_COLUMNS = (
    "order", "interview_id", "interview_date", "new_codes", "cumulative_codes", "codes_seen",
    "new_code_ids", "method",
)  # fmt: skip

_RUN_SAMPLE = 1_000


def positions(values: pd.Series, labels: pd.Index) -> np.ndarray:
    """Position of each value in `labels` (-1 where absent), as an int64 array.

    Categorical columns are looked up through their categories, and a column ordered in
    runs (codings listed interview by interview) through the first value of each run, so
    the string hashing is paid once per run rather than once per row.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        lookup = np.append(labels.get_indexer(values.cat.categories), -1).astype(np.int64)
        return lookup[values.cat.codes.to_numpy()]
    array = values.to_numpy()
    if len(array) > _RUN_SAMPLE and _changes(array[:_RUN_SAMPLE]) * 4 < _RUN_SAMPLE:
        heads = np.flatnonzero(np.r_[True, _changed(array)])
        if len(heads) * 4 < len(array):
            lengths = np.diff(np.append(heads, len(array)))
            return np.repeat(labels.get_indexer(values.iloc[heads]), lengths).astype(np.int64)
    # the Series itself, not its array: pandas takes a faster path for its string dtype
    return labels.get_indexer(values).astype(np.int64, copy=False)


def sort_keys(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Non-negative int64 keys sorted, and the indices that sort them (a stable argsort).

    Packs each index into the low bits of its key and sorts the values, which is markedly
    faster than argsort on a million keys; falls back to a stable argsort when the packed
    keys would not fit in 63 bits.
    """
    if len(keys) == 0:
        return keys.astype(np.int64), np.zeros(0, dtype=np.int64)
    index_bits = max(int(len(keys) - 1).bit_length(), 1)
    if int(keys.min()) < 0 or int(keys.max()).bit_length() + index_bits > 62:
        order = np.argsort(keys, kind="stable").astype(np.int64)
        return keys[order].astype(np.int64), order
    packed = (keys.astype(np.int64) << index_bits) | np.arange(len(keys))
    # keys read in order (codings listed by interview and offset) are nearly sorted, which
    # a merge sort finishes in a few milliseconds; quicksort is faster on shuffled keys
    descents = int(np.count_nonzero(packed[1:] < packed[:-1]))
    packed = np.sort(packed, kind="stable" if descents * 8 < len(packed) else "quicksort")
    return packed >> index_bits, packed & ((1 << index_bits) - 1)


def factorize_runs(values: pd.Series) -> np.ndarray:
    """Integer codes of a column's values (-1 for missing), cheap for run-ordered columns.

    Like pd.factorize, but a column listed in runs (codings interview by interview) is
    factorized through the first value of each run.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy().astype(np.int64)
    array = values.to_numpy()
    if len(array) > _RUN_SAMPLE and _changes(array[:_RUN_SAMPLE]) * 4 < _RUN_SAMPLE:
        heads = np.flatnonzero(np.r_[True, _changed(array)])
        if len(heads) * 4 < len(array):
            lengths = np.diff(np.append(heads, len(array)))
            codes, _ = pd.factorize(array[heads])
            return np.repeat(codes, lengths).astype(np.int64)
    # the plain array, not the Series: pandas factorizes an object array of text faster
    codes, _ = pd.factorize(array)
    return codes.astype(np.int64, copy=False)


def _changed(array: np.ndarray) -> np.ndarray:
    """True at each element after the first that differs from the one before it."""
    try:
        return np.asarray(array[1:] != array[:-1], dtype=bool)
    except TypeError:  # pd.NA refuses to be a boolean: treat every row as a new run
        return np.ones(max(len(array) - 1, 0), dtype=bool)


def _changes(sample: np.ndarray) -> int:
    """How many times a sample of a column changes value."""
    return int(np.count_nonzero(_changed(sample)))


def code_matrix(
    codings: pd.DataFrame,
    interviews: pd.DataFrame,
    codes: pd.DataFrame,
    *,
    applicable_only: bool = True,
) -> pd.DataFrame:
    """Interviews × codes, the number of codings of each code (all coders, no roll-up).

    Rows follow the interviews frame, columns the codebook order (applicable codes only,
    unless `applicable_only` is False). Codings of other interviews or codes are ignored.
    """
    rows = pd.Index(interviews["interview_id"], name="interview_id")
    code_ids = (
        codes["code_id"][codes["applicable"].astype(bool)] if applicable_only else codes["code_id"]
    )
    columns = pd.Index(code_ids, name="code_id")
    cells = _pair_counts(
        positions(codings["interview_id"], rows), positions(codings["code_id"], columns),
        len(rows), len(columns),
    )  # fmt: skip
    return pd.DataFrame(cells.astype(np.int64), index=rows, columns=columns)


def _pair_counts(row: np.ndarray, column: np.ndarray, rows: int, columns: int) -> np.ndarray:
    """Rows × columns counts of (row, column) position pairs, skipping absent (-1) positions."""
    key = row * columns + column
    if len(key) and (row.min() < 0 or column.min() < 0):
        key = key[(row >= 0) & (column >= 0)]
    return np.bincount(key, minlength=rows * columns).reshape(rows, columns)


def coverage(
    codings: pd.DataFrame,
    interviews: pd.DataFrame,
    *,
    coders: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Share of each transcript's characters covered by one coder's codings.

    Coded characters are the length of the union of the coder's spans, so text under two
    overlapping codings counts once. One row per (interview, coder) with at least one
    coding, in interview order then coder; with `coders`, one row per interview and each of
    those coders, zero where the coder coded nothing. Coverage is NaN for an empty text.
    """
    interview_ids = pd.Index(interviews["interview_id"], name="interview_id")
    if coders is None:
        found, names = pd.factorize(codings["coder"].to_numpy())
        order = np.argsort(np.asarray(names, dtype=str), kind="stable")
        coder_names = pd.Index(np.asarray(names, dtype=object)[order])
        rank = np.append(np.argsort(order), -1)
        coder = rank[found]
    else:
        coder_names = pd.Index(list(coders))
        coder = positions(codings["coder"], coder_names)
    interview = positions(codings["interview_id"], interview_ids)
    keep = (interview >= 0) & (coder >= 0)
    group = interview[keep] * len(coder_names) + coder[keep]
    start = codings["start_offset"].to_numpy(dtype=np.int64)[keep]
    end = codings["end_offset"].to_numpy(dtype=np.int64)[keep]
    cells = len(interview_ids) * len(coder_names)
    coded = _union_lengths(group, start, end, cells)
    if coders is None:
        cell = np.flatnonzero(np.bincount(group, minlength=cells))
    else:
        cell = np.arange(cells)
    characters = interviews["characters"].to_numpy(dtype=np.int64)[cell // len(coder_names)]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(characters > 0, coded[cell] / characters, np.nan)
    return pd.DataFrame(
        {
            "interview_id": interview_ids.to_numpy()[cell // len(coder_names)],
            "coder": coder_names.to_numpy()[cell % len(coder_names)],
            "characters": characters,
            "coded_characters": coded[cell],
            "coverage": share,
            "method": "characters under at least one of the coder's codings (union of spans, "
            "overlaps counted once) divided by the transcript's length in code points",
        },
        columns=list(COVERAGE_COLUMNS),
    )


def _union_lengths(
    group: np.ndarray, start: np.ndarray, end: np.ndarray, groups: int
) -> np.ndarray:
    """Length of the union of the spans in each group, by one sort and a running maximum."""
    if len(group) == 0:
        return np.zeros(groups, dtype=np.int64)
    width = int(max(end.max(), start.max())) + 1
    _, order = sort_keys(group * width + start)
    group, start, end = group[order], start[order], end[order]
    # The running maximum of group*width + end restarts at each group, whose keys are larger.
    reach = np.maximum.accumulate(group * width + end)
    covered_before = np.append(-1, reach[:-1]) - group * width
    added = np.clip(end - np.maximum(start, covered_before), 0, None)
    return np.bincount(group, weights=added, minlength=groups).astype(np.int64)


def saturation(codings: pd.DataFrame, interviews: pd.DataFrame) -> pd.DataFrame:
    """Codes first seen in each interview, taken in interview-date order (ties by id).

    `new_codes` counts codes (as applied, no roll-up, any coder) not seen in an earlier
    interview; `cumulative_codes` is their running total; `codes_seen` counts the distinct
    codes applied in the interview; `new_code_ids` lists the new ones, ';'-joined, sorted.
    """
    ordered = interviews.sort_values(["interview_date", "interview_id"], kind="stable")
    interview_ids = pd.Index(ordered["interview_id"], name="interview_id")
    code_ids = pd.Index(sorted(codings["code_id"].dropna().unique()), name="code_id")
    seen = _pair_counts(
        positions(codings["interview_id"], interview_ids), positions(codings["code_id"], code_ids),
        len(interview_ids), len(code_ids),
    ) > 0  # fmt: skip
    ever = seen.any(axis=0)
    first = seen.argmax(axis=0)[ever]
    new = np.bincount(first, minlength=len(interview_ids))
    new_ids = pd.Series(code_ids.to_numpy()[ever]).groupby(first).agg(";".join)
    return pd.DataFrame(
        {
            "order": np.arange(1, len(interview_ids) + 1),
            "interview_id": interview_ids.to_numpy(),
            "interview_date": ordered["interview_date"].to_numpy(),
            "new_codes": new,
            "cumulative_codes": np.cumsum(new),
            "codes_seen": seen.sum(axis=1),
            "new_code_ids": new_ids.reindex(
                np.arange(len(interview_ids)), fill_value=""
            ).to_numpy(),
            "method": "codes as applied (no roll-up, all coders), first appearance in "
            "interview-date order",
        },
        columns=list(SATURATION_COLUMNS),
    )

"""Which codes occur together: in the same interview, or on the same (or nearby) text.

Both tables have one row per unordered pair of applicable codes (code_a before code_b in
codebook order), zero pairs included:

- interviews: `both` interviews hold both codes, `a_only` / `b_only` hold one of them;
  jaccard = both / (both + a_only + b_only), the share of interviews with either code that
  hold both.
- segments: within one interview (and, by default, one coder), a coding of code a and a
  coding of code b co-occur when their spans overlap by at least one character, or, with
  `distance` d > 0, when at most d characters separate them. `both` counts co-occurring
  (coding of a, coding of b) pairs, each unordered pair of codings once; `a_only` counts
  codings of a that co-occur with no coding of b (`b_only` likewise). jaccard = both /
  (both + a_only + b_only); when each coding meets at most one coding of the other code
  this is both / (n_a + n_b - both), and it stays within [0, 1] when one coding meets several.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.coverage import factorize_runs, positions, sort_keys

COOCCURRENCE_COLUMNS = ("code_a", "code_b", "both", "a_only", "b_only", "jaccard", "method")
_DENSE_CELLS = 1 << 27  # at most 128 MB of flags for the codings × codes table


def cooccurrence_interviews(presence: pd.DataFrame, codes: pd.DataFrame) -> pd.DataFrame:
    """Pairs of applicable codes: interviews holding both, one or the other, and Jaccard."""
    code_ids = _applicable(codes, available=presence.columns)
    both = _joint_counts(presence.loc[:, code_ids].to_numpy(dtype=bool))
    method = (
        "interviews holding both codes (a code counts where it or a code below it was "
        "applied, by any coder); jaccard = both / interviews holding either"
    )
    return _pair_table(code_ids, both, np.diag(both).copy(), np.diag(both).copy(), method)


def _joint_counts(matrix: np.ndarray) -> np.ndarray:
    """Codes × codes, the rows (units) where both codes are present.

    Counted column against columns with AND and count_nonzero rather than a floating-point
    matrix product, which on a busy machine can stall in the BLAS thread pool.
    """
    columns = np.asfortranarray(matrix)
    size = columns.shape[1]
    both = np.zeros((size, size), dtype=np.int64)
    for code in range(size):
        column = columns[:, code : code + 1]
        both[code, code:] = np.count_nonzero(column & columns[:, code:], axis=0)
    return np.triu(both) + np.triu(both, k=1).T


def cooccurrence_segments(
    codings: pd.DataFrame,
    *,
    distance: int = 0,
    codes: pd.DataFrame | None = None,
    across_coders: bool = False,
) -> pd.DataFrame:
    """Pairs of codes whose codings overlap (or lie within `distance` characters).

    With `codes`, pairs of its applicable codes in codebook order, else of the codes in
    `codings` sorted by path. Pairs of codings by different coders count only with
    `across_coders` (by default each coder's codings are compared with their own, so two
    coders marking the same passage do not double the count).
    """
    if distance < 0:
        raise ValueError(f"distance must be 0 or more, not {distance}")
    code_ids, code = _code_positions(codings, codes)
    group = factorize_runs(codings["interview_id"])
    if not across_coders:
        coder = factorize_runs(codings["coder"])
        group = group * (int(coder.max()) + 1 if len(coder) else 1) + coder
        group[coder < 0] = -1
    keep = (code >= 0) & (group >= 0)
    start = codings["start_offset"].to_numpy(dtype=np.int64)
    end = codings["end_offset"].to_numpy(dtype=np.int64)
    if not keep.all():
        group, start, end, code = group[keep], start[keep], end[keep], code[keep]
    code, first, second = _cooccurring_pairs(group, start, end, code, distance)
    n_codes = len(code_ids)
    low = np.minimum(code[first], code[second])
    high = np.maximum(code[first], code[second])
    both = np.bincount(low * n_codes + high, minlength=n_codes * n_codes).reshape(n_codes, -1)
    both = both + both.T
    met = _codings_meeting(code, first, second, n_codes)
    n_codings = np.bincount(code, minlength=n_codes)
    within = (
        f"within {distance} characters" if distance else "overlapping by at least one character"
    )
    scope = "any coders" if across_coders else "the same coder"
    method = (
        f"pairs of codings of the two codes {within}, in the same interview by {scope}, each "
        "pair once; a_only / b_only: codings meeting no coding of the other code; "
        "jaccard = both / (both + a_only + b_only)"
    )
    a_only = n_codings[:, None] - met
    b_only = n_codings[None, :] - met.T
    return _pair_table(code_ids, both, a_only, b_only, method)


def _code_positions(
    codings: pd.DataFrame, codes: pd.DataFrame | None
) -> tuple[list[str], np.ndarray]:
    """The codes to pair (applicable codes of `codes`, else those in `codings` by path) and
    each coding's position among them (-1 for others)."""
    if codes is not None:
        code_ids = _applicable(codes)
        return code_ids, positions(codings["code_id"], pd.Index(code_ids))
    code, uniques = pd.factorize(codings["code_id"].to_numpy())
    first = np.zeros(len(uniques), dtype=np.int64)
    found = np.flatnonzero(code >= 0)[::-1]
    first[code[found]] = found  # written last for the earliest row of each code
    paths = codings["code_path"].to_numpy()[first]
    order = sorted(range(len(uniques)), key=lambda index: (str(paths[index]), str(uniques[index])))
    rank = np.empty(len(uniques) + 1, dtype=np.int64)
    rank[order] = np.arange(len(uniques))
    rank[-1] = -1
    return [str(uniques[index]) for index in order], rank[code]


def _applicable(codes: pd.DataFrame, available: pd.Index | None = None) -> list[str]:
    """Applicable code ids in codebook order (and in `available`, when given)."""
    code_ids = [str(code) for code in codes.loc[codes["applicable"].astype(bool), "code_id"]]
    if available is None:
        return code_ids
    missing = [code for code in code_ids if code not in available]
    if missing:
        raise KeyError(f"codes not in the presence matrix: {', '.join(missing)}")
    return code_ids


def _cooccurring_pairs(
    group: np.ndarray, start: np.ndarray, end: np.ndarray, code: np.ndarray, distance: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Codes in sorted order, and index pairs (i, j) into them of co-occurring codings.

    A sweep without a loop: spans sorted by (group, start); the spans starting at or after
    span i that it meets form one contiguous run after it (those starting before i's end,
    or within `distance` of it), found for all spans at once with searchsorted. Pairs of
    the same code are left out.
    """
    if len(group) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    width = int(max(end.max(), start.max())) + distance + 2
    offset = group.astype(np.int64) * width
    key, order = sort_keys(offset + start)
    reach = (offset + end)[order]  # group * width + end, in sorted order
    code = code[order]
    # overlap needs a start before the end; nearness allows a start up to end + distance
    if distance:
        stop = np.searchsorted(key, reach + distance, side="right")
    else:
        stop = np.searchsorted(key, reach, side="left")
    spans = np.arange(len(key))
    counts = np.maximum(stop - spans - 1, 0)
    run_start = np.cumsum(counts) - counts
    first = np.repeat(spans, counts)
    # the k-th partner of span i is span i + k (k = 1..counts[i]), built without a loop
    second = np.arange(len(first)) + np.repeat(spans - run_start + 1, counts)
    keep = code[first] != code[second]
    if not distance:  # an empty span starting where the other starts does not overlap it
        keep &= reach[second] > key[first]
    return code, first[keep], second[keep]


def _codings_meeting(
    code: np.ndarray, first: np.ndarray, second: np.ndarray, n_codes: int
) -> np.ndarray:
    """Codes × codes: codings of the row code that meet at least one coding of the column code."""
    keys = np.concatenate([first * n_codes + code[second], second * n_codes + code[first]])
    cells = len(code) * n_codes
    if len(keys) * 32 >= cells and cells <= _DENSE_CELLS:  # many pairs: one flag per cell
        seen = np.zeros(cells, dtype=bool)
        seen[keys] = True
        met_keys = np.flatnonzero(seen)
    else:  # few pairs: sort and drop repeats (np.unique hashes, and is far slower here)
        keys = np.sort(keys)
        met_keys = keys[np.r_[True, keys[1:] != keys[:-1]]] if len(keys) else keys
    met = np.bincount(
        code[met_keys // n_codes] * n_codes + met_keys % n_codes, minlength=n_codes**2
    )
    return met.reshape(n_codes, n_codes)


def _pair_table(
    code_ids: list[str],
    both: np.ndarray,
    a_only: np.ndarray,
    b_only: np.ndarray,
    method: str,
) -> pd.DataFrame:
    """Rows for pairs a < b in the given order, from code × code matrices.

    For the interview table a_only and b_only arrive as the per-code totals (a vector),
    from which the pair's single counts follow.
    """
    a, b = np.triu_indices(len(code_ids), k=1)
    together = both[a, b]
    if a_only.ndim == 1:
        only_a, only_b = a_only[a] - together, b_only[b] - together
    else:
        only_a, only_b = a_only[a, b], b_only[a, b]
    either = together + only_a + only_b
    with np.errstate(divide="ignore", invalid="ignore"):
        jaccard = np.where(either > 0, together / either, np.nan)
    labels = np.asarray(code_ids, dtype=object)
    return pd.DataFrame(
        {
            "code_a": labels[a],
            "code_b": labels[b],
            "both": together.astype(np.int64),
            "a_only": only_a.astype(np.int64),
            "b_only": only_b.astype(np.int64),
            "jaccard": jaccard,
            "method": method,
        },
        columns=list(COOCCURRENCE_COLUMNS),
    )

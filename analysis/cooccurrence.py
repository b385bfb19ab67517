"""Which codes occur together: in the same interview, or on the same (or nearby) text.

Both tables have one row per unordered pair of applicable codes (code_a before code_b in
codebook order), zero pairs included:

- interviews: `both` interviews hold both codes, `a_only` / `b_only` hold one of them;
  jaccard = both / (both + a_only + b_only), the share of interviews with either code that
  hold both.
- segments: one coder's layer at a time, never two coders' codings together; the units are
  that coder's codings of code a or code b. Two codings co-occur when, in the same
  interview, their spans overlap by at least one character or, with `distance` d > 0, at
  most d characters separate them. `both` counts the codings (of either code) that meet a
  coding of the other code, `a_only` the codings of a that meet none of b, `b_only` likewise,
  so that both + a_only + b_only is the number of codings of either code; jaccard = both /
  (both + a_only + b_only), the share of them that meet the other code. With codings of
  several coders, the table has one block of rows per coder (column `coder`).
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


SEGMENT_COLUMNS = ("coder", *COOCCURRENCE_COLUMNS)


def cooccurrence_segments(
    codings: pd.DataFrame,
    *,
    distance: int = 0,
    codes: pd.DataFrame | None = None,
    coder: str | None = None,
) -> pd.DataFrame:
    """Pairs of codes whose codings overlap (or lie within `distance` characters), per coder.

    Columns SEGMENT_COLUMNS. With `codes`, pairs of its applicable codes in codebook order,
    else of the codes in `codings` sorted by path. Each coder's layer is counted on its own
    (only `coder`'s, when given), so two coders marking the same passage neither double a
    count nor pair with each other.
    """
    if distance < 0:
        raise ValueError(f"distance must be 0 or more, not {distance}")
    code_ids, code = _code_positions(codings, codes)
    coder_codes, coder_names = pd.factorize(codings["coder"])
    names = [str(name) for name in coder_names]
    chosen = sorted(names) if coder is None else [coder]
    within = (
        f"within {distance} characters" if distance else "overlapping by at least one character"
    )
    method = (
        f"one coder's codings: units are their codings of either code; both = codings meeting "
        f"a coding of the other code ({within}, same interview), a_only / b_only = codings "
        "meeting none; jaccard = both / (both + a_only + b_only)"
    )
    group = factorize_runs(codings["interview_id"])
    start = codings["start_offset"].to_numpy(dtype=np.int64)
    end = codings["end_offset"].to_numpy(dtype=np.int64)
    blocks = []
    for name in chosen:
        mine = coder_codes == (names.index(name) if name in names else -2)
        mine &= (code >= 0) & (group >= 0)
        table = _layer_table(
            group[mine], start[mine], end[mine], code[mine], code_ids, distance, method
        )
        table.insert(0, "coder", name)
        blocks.append(table)
    if not blocks:
        return pd.DataFrame(columns=list(SEGMENT_COLUMNS))
    return pd.concat(blocks, ignore_index=True).loc[:, list(SEGMENT_COLUMNS)]


def _layer_table(
    group: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    code: np.ndarray,
    code_ids: list[str],
    distance: int,
    method: str,
) -> pd.DataFrame:
    """The pair table of one coder's codings (group: interview; code: position in code_ids)."""
    code, first, second = _cooccurring_pairs(group, start, end, code, distance)
    n_codes = len(code_ids)
    met = _codings_meeting(code, first, second, n_codes)
    n_codings = np.bincount(code, minlength=n_codes)
    both = met + met.T  # codings of a meeting b, and of b meeting a
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

"""Intercoder agreement: percent agreement, Cohen's, Fleiss' kappa, Krippendorff's alpha.

Reliability data
    Every analysis reduces the coders' codings to reliability data: a units × coders table of
    values, some missing, each unit with a weight (1, or the number of identical characters a
    run stands for). For one code the value is binary: 1 where the coder applied exactly that
    code (a coding of a code below it does not count; roll codings up first if that is
    wanted), 0 where they did not. A coder *coded an interview* when they made any coding in
    it, with any code; where they did not, their value is missing rather than 0, so an
    interview one coder never opened is not held against the others. Units with values from
    fewer than two coders are not pairable and take no part in any coefficient; an interview
    none of the coders coded is therefore no unit at all. Only the interviews of the
    interviews frame count; offsets are clipped to the transcript, and empty spans dropped.
    Each applicable code that one of the coders used gets a row, in codebook order; codings
    of other codes (not applicable, or not in the codes frame) get none, but still make their
    interview coded and, for the segment unit, their span a unit.

Units (`unit=`)
    interview: one unit per interview; a coder's value is 1 if they applied the code anywhere
    in it.
    segment: one unit per distinct span (interview, start, end) that any of the coders coded,
    with any code; a coder's value for code c on span s is 1 if they made a coding t of c in
    the same interview with |s ∩ t| / |s ∪ t| >= `overlap` (intersection over union, so a short
    span inside a long one does not match, and the measure is symmetric; the threshold is
    compared exactly, as a fraction). Spans from every code, not only from c, let "neither
    coder saw c here" count as agreement: were the units c's spans alone, every unit would
    hold a 1, and with two coders there could be no 0-0 agreement, so that kappa and alpha
    could never exceed 0.
    character: one unit per character (code point) of every transcript, as NVivo counts; a
    coder's value is 1 if the character lies in one of their codings of the code. Sorted span
    boundaries cut each transcript into runs on which every coder's value is constant, and
    each run is one unit weighted by its length: no per-character array is built.

Coefficients, over units u with m_u >= 2 values and weight w_u
    percent agreement = 100 · Σ_u w_u a_u / Σ_u w_u m_u (m_u - 1) / 2, a_u the pairs of the
    unit's values that are equal: the share of all pairs of values two coders gave one unit.
    Cohen's kappa (exactly two coders, units both coded) = (p_o - p_e) / (1 - p_e) on the
    2 × 2 table, by statsmodels' cohens_kappa.
    Fleiss' kappa (units every coder coded; Fleiss 1971) = (P̄ - P̄_e) / (1 - P̄_e), with
    P_u = (Σ_c n_uc² - m) / (m (m - 1)), P̄ the weighted mean of P_u, P̄_e = Σ_c p_c² and p_c
    the weighted share of all values that fall in category c.
    Krippendorff's alpha: coincidences o_ck = Σ_u w_u n_uck / (m_u - 1), n_uck the ordered
    pairs (c, k) of values from two different coders in u; n_c = Σ_k o_ck, n = Σ_c n_c;
    alpha = 1 - (n - 1) Σ_ck o_ck δ²_ck / Σ_ck n_c n_k δ²_ck. Nominal: δ²_ck = [c ≠ k], so
    alpha = 1 - (n - 1) D / Σ_c n_c (n - n_c) with D = Σ_{c≠k} o_ck, and only the disagreeing
    total and the marginals n_c are needed: they come from sorting each unit's values, never
    from a units × categories × categories array.
    A coefficient is NaN where it is undefined: no pairable units, or no variation at all
    (p_e = 1, P̄_e = 1, or every pairable value in one category).

Pooled
    The "(pooled)" row of `agreement` stacks the per-code binary data: every (unit, code) pair
    of the rows above is one unit of a single binary variable (coded / not coded), so that its
    counts are the sums of the per-code counts. Codes are not mutually exclusive (a passage
    may carry several, and codes nest), which rules out one nominal variable over code labels
    for the table. `pooled_alpha_from_codings` gives that many-category alternative where it is
    wanted: each coder's value on a unit is the *set* of codes they applied to it (the empty
    set included), one nominal category per distinct set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import numpy as np
import pandas as pd

AGREEMENT_COLUMNS = (
    "code_id", "path", "unit", "coders", "units", "percent_agreement", "cohen_kappa",
    "fleiss_kappa", "krippendorff_alpha", "method",
)  # fmt: skip
POOLED = "(pooled)"
LEVELS = ("nominal", "ordinal", "interval", "ratio")
UNIT_NAMES = {"interview": "interviews", "segment": "segments", "character": "characters"}

_COEFFICIENTS = (
    "Percent agreement: equal pairs among all pairs of values two coders gave one unit. "
    "Cohen's kappa (statsmodels cohens_kappa; two coders only) and Fleiss' kappa (Fleiss "
    "1971) on the units every coder coded; Krippendorff's alpha (nominal) on every pairable "
    "value. A coder who made no coding in an interview is missing there."
)
_UNIT_METHODS = {
    "interview": (
        "Units: interviews; a coder's value is 1 if they applied exactly this code anywhere "
        "in the interview, else 0."
    ),
    "segment": (
        "Units: distinct spans any coder coded, with any code; a coder's value is 1 if they "
        "applied this code to a span overlapping the unit by intersection/union >= {overlap}, "
        "else 0."
    ),
    "character": (
        "Units: characters of the transcripts; a coder's value is 1 if the character lies in "
        "one of their codings of this code, else 0."
    ),
}
_POOLED_METHOD = "Pooled over codes: each (unit, code) pair of the rows above is one unit. "
_BITS = 62  # code bits per int64 word of a code set, keeping every word non-negative
_PAIR_CHUNK = 1 << 22  # segment-coding candidate pairs examined at once


@dataclass(frozen=True)
class _Codings:
    """The selected coders' codings as integer arrays, with who coded which interview."""

    coders: tuple[str, ...]
    code_ids: tuple[str, ...]  # the analysed codes (applicable and used), in codebook order
    paths: tuple[str, ...]
    characters: np.ndarray  # transcript length per interview of the interviews frame
    present: np.ndarray  # interviews × coders: the coder made a coding in the interview
    interview: np.ndarray  # per coding, position in the interviews frame
    coder: np.ndarray  # per coding, position in `coders`
    code: np.ndarray  # per coding, position in `code_ids`, -1 for a code not analysed
    start: np.ndarray
    end: np.ndarray


@dataclass(frozen=True)
class _Tables:
    """Binary reliability data per code, as weights of coder patterns.

    A pattern encodes one unit's values in base 3, one digit per coder: 0 missing, 1 for
    value 0, 2 for value 1. Rows are sorted by code, then pattern; zero weights are dropped.
    """

    code: np.ndarray
    pattern: np.ndarray
    weight: np.ndarray


def agreement(
    codings: pd.DataFrame,
    interviews: pd.DataFrame,
    codes: pd.DataFrame,
    *,
    unit: Literal["interview", "segment", "character"],
    coders: Sequence[str] | None = None,
    overlap: float = 0.5,
) -> pd.DataFrame:
    """Agreement between coders per applicable code used, in codebook order, then pooled.

    Columns AGREEMENT_COLUMNS: `coders` is the number of coders compared (by default every
    coder with a coding in the frame's interviews), `units` the number of pairable units
    (characters for the character unit), percent_agreement runs from 0 to 100, cohen_kappa
    is NaN unless exactly two coders are compared. The last row, code_id "(pooled)" with no
    path, stacks every (unit, code) pair of the rows above as one binary variable. `overlap`
    (intersection over union of two spans) applies to the segment unit only. The module
    docstring defines units, values and formulas.
    """
    if unit not in UNIT_NAMES:
        raise ValueError(f"unit must be one of {', '.join(UNIT_NAMES)}, not {unit!r}")
    data = _prepare(codings, interviews, codes, coders)
    n_coders, n_codes = len(data.coders), len(data.code_ids)
    if (n_codes + 1) * 3**n_coders >= 2**62:
        raise ValueError(f"too many coders to compare at once ({n_coders})")
    if unit == "interview":
        tables = _interview_tables(data)
    elif unit == "segment":
        tables = _segment_tables(data, _checked_overlap(overlap))
    else:
        tables = _character_tables(data)
    method = _UNIT_METHODS[unit].format(overlap=overlap) + " " + _COEFFICIENTS
    bounds = np.searchsorted(tables.code, np.arange(n_codes + 1))
    rows: list[dict[str, object]] = []
    for row, (code_id, path) in enumerate(zip(data.code_ids, data.paths, strict=True)):
        part = slice(bounds[row], bounds[row + 1])
        statistics = _binary_statistics(tables.pattern[part], tables.weight[part], n_coders)
        rows.append({"code_id": code_id, "path": path, **statistics, "method": method})
    pattern, weight = _aggregate(tables.pattern, tables.weight)
    pooled = _binary_statistics(pattern, weight, n_coders)
    rows.append({"code_id": POOLED, "path": None, **pooled, "method": _POOLED_METHOD + method})
    frame = pd.DataFrame(rows)
    frame.insert(2, "unit", UNIT_NAMES[unit])
    frame.insert(3, "coders", n_coders)
    return frame.loc[:, list(AGREEMENT_COLUMNS)].astype({"units": "int64", "coders": "int64"})


def krippendorff_alpha(reliability_data: np.ndarray, level: str = "nominal") -> float:
    """Krippendorff's alpha of coders × units data (NaN = missing), from its coincidences.

    `level` is nominal, ordinal, interval or ratio (δ² as in Krippendorff 2011: [c ≠ k];
    (Σ_{g from c to k} n_g - (n_c + n_k) / 2)²; (c - k)²; ((c - k) / (c + k))²). Nominal
    alpha needs only the disagreeing coincidences and the marginals, found by sorting each
    unit's values, so millions of units and many categories fit in little memory; the other
    levels build the categories × categories coincidence matrix. NaN when undefined.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    values, categories = _categorised(reliability_data)
    if level == "nominal":
        return _pair_statistics(values, None)[2]
    coincidences = _coincidences(values, len(categories))
    return _alpha_from_coincidences(coincidences, categories, level)


def coincidence_matrix(reliability_data: np.ndarray) -> pd.DataFrame:
    """Krippendorff's coincidence matrix o_ck of coders × units data (NaN = missing).

    Index and columns are the values found, sorted; o_ck = Σ_u (ordered pairs (c, k) of
    values from different coders in unit u) / (m_u - 1), over units with m_u >= 2 values.
    """
    values, categories = _categorised(reliability_data)
    matrix = _coincidences(values, len(categories))
    labels = pd.Index(categories, name="value")
    return pd.DataFrame(matrix, index=labels, columns=labels.rename("paired_value"))


def fleiss_kappa(table: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Fleiss' (1971) kappa of a units × categories table of counts, units optionally weighted.

    Every unit must hold the same number m >= 2 of values. κ = (P̄ - P̄_e) / (1 - P̄_e) with
    P_u = (Σ_c n_uc² - m) / (m (m - 1)), P̄ = Σ_u w_u P_u / Σ_u w_u, P̄_e = Σ_c p_c² and
    p_c = Σ_u w_u n_uc / (m Σ_u w_u). Unweighted it equals statsmodels' fleiss_kappa, which
    takes no weights (a run of identical characters is one weighted unit here). NaN when
    there are no units or P̄_e = 1.
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


def pooled_alpha_from_codings(
    codings: pd.DataFrame,
    interviews: pd.DataFrame,
    codes: pd.DataFrame,
    *,
    unit: Literal["interview", "segment", "character"] = "character",
    coders: Sequence[str] | None = None,
    overlap: float = 0.5,
) -> float:
    """Nominal Krippendorff's alpha over code sets: one category per combination of codes.

    Units as in `agreement`; each present coder's value on a unit is the set of applicable
    codes they applied to it (on the character unit, the codes covering the character; on
    the segment unit, the codes of their codings matching the span by `overlap`), the empty
    set included. Two coders agree on a unit only if their sets are equal, so a passage
    coded {a} by one and {a, b} by the other is one disagreement. With mutually exclusive
    codes this is the usual nominal alpha with code ids as values. Many categories cost no
    memory: alpha comes from sorted values, not from a categories × categories array.
    """
    if unit not in UNIT_NAMES:
        raise ValueError(f"unit must be one of {', '.join(UNIT_NAMES)}, not {unit!r}")
    data = _prepare(codings, interviews, codes, coders)
    if unit == "character":
        values, weights = _character_sets(data)
        return _pair_statistics(values, weights)[2]
    if unit == "interview":
        unit_interview = np.arange(len(data.characters))
        hits = _distinct_hits(data.interview, data, len(unit_interview))
    else:
        unit_interview, unit_start, unit_end = _segments(data)
        hits = _segment_hits(data, unit_interview, unit_start, unit_end, _checked_overlap(overlap))
    values = _code_set_values(hits, data, unit_interview)
    return _pair_statistics(values, None)[2]


def _checked_overlap(overlap: float) -> float:
    """The overlap threshold, which must lie in (0, 1]."""
    if not 0 < overlap <= 1:
        raise ValueError(f"overlap must be greater than 0 and at most 1, not {overlap}")
    return float(overlap)


def _prepare(
    codings: pd.DataFrame,
    interviews: pd.DataFrame,
    codes: pd.DataFrame,
    coders: Sequence[str] | None,
) -> _Codings:
    """Integer arrays of the selected coders' codings in the frame's interviews."""
    characters = interviews["characters"].to_numpy(dtype=np.int64)
    interview = _positions(codings["interview_id"], pd.Index(interviews["interview_id"]))
    coder_codes, coder_names = pd.factorize(codings["coder"].to_numpy(dtype=object))
    if coders is None:
        active = coder_codes[(interview >= 0) & (coder_codes >= 0)]
        seen = np.flatnonzero(np.bincount(active, minlength=len(coder_names)))
        chosen = sorted(str(coder_names[position]) for position in seen)
    else:
        chosen = list(dict.fromkeys(coders))
    if len(chosen) < 2:
        raise ValueError(f"agreement needs two or more coders, not {chosen}")
    coder = np.append(pd.Index(chosen).get_indexer(coder_names), -1)[coder_codes]
    code_index = pd.Index(codes["code_id"])
    code = _positions(codings["code_id"], code_index)
    start = np.maximum(codings["start_offset"].to_numpy(dtype=np.int64), 0)
    limit = np.append(characters, 0)[interview]  # 0 for an interview not in the frame
    end = np.minimum(codings["end_offset"].to_numpy(dtype=np.int64), limit)
    keep = (interview >= 0) & (coder >= 0) & (start < end)
    if not keep.all():
        interview, coder, code, start, end = (
            array[keep] for array in (interview, coder, code, start, end)
        )
    used = np.bincount(code[code >= 0], minlength=len(code_index)) > 0
    rows = np.flatnonzero(used & codes["applicable"].to_numpy(dtype=bool))
    row_lookup = np.full(len(code_index) + 1, -1)
    row_lookup[rows] = np.arange(len(rows))
    present = np.zeros((len(characters), len(chosen)), dtype=bool)
    present[interview, coder] = True
    return _Codings(
        coders=tuple(chosen),
        code_ids=tuple(codes["code_id"].iloc[rows]),
        paths=tuple(codes["path"].iloc[rows]),
        characters=characters,
        present=present,
        interview=interview,
        coder=coder,
        code=row_lookup[code],
        start=start,
        end=end,
    )


def _positions(values: pd.Series, labels: pd.Index) -> np.ndarray:
    """Position of each value in `labels`, -1 where absent, hashing each distinct value once."""
    codes, distinct = pd.factorize(values.to_numpy(dtype=object))
    return np.append(labels.get_indexer(distinct), -1)[codes]


def _base_patterns(data: _Codings) -> np.ndarray:
    """Per interview, the pattern of a unit on which every coder present gives 0."""
    powers = 3 ** np.arange(len(data.coders), dtype=np.int64)
    return data.present.astype(np.int64) @ powers


def _distinct_hits(unit: np.ndarray, data: _Codings, units: int) -> np.ndarray:
    """Distinct (unit, code, coder) keys, unit-major, for codings of analysed codes."""
    analysed = data.code >= 0
    n_codes, n_coders = len(data.code_ids), len(data.coders)
    keys = (unit[analysed] * n_codes + data.code[analysed]) * n_coders + data.coder[analysed]
    size = units * n_codes * n_coders
    if size <= 1 << 27:  # a bitmap is faster than sorting when it is small enough
        mark = np.zeros(size, dtype=bool)
        mark[keys] = True
        return np.flatnonzero(mark)
    return _distinct(keys)


def _distinct(keys: np.ndarray) -> np.ndarray:
    """Sorted distinct values of an int64 array (a plain sort beats np.unique's hashing)."""
    ordered = np.sort(keys)
    return ordered[np.diff(ordered, prepend=-1) != 0] if len(ordered) else ordered


def _tables_from_hits(
    hits: np.ndarray, unit_interview: np.ndarray, data: _Codings, weight: np.ndarray
) -> _Tables:
    """Per-code pattern weights of units where a hit (unit, code, coder) means value 1."""
    n_codes, n_coders = len(data.code_ids), len(data.coders)
    coder = hits % n_coders
    unit_code = hits // n_coders
    heads = np.flatnonzero(np.diff(unit_code, prepend=-1) != 0)  # hits come sorted
    raised = np.add.reduceat(3**coder, heads) if len(hits) else np.zeros(0, dtype=np.int64)
    unit = unit_code[heads] // n_codes
    base = _base_patterns(data)[unit_interview]
    return _tables(
        n_codes,
        n_coders,
        base,
        weight,
        code=unit_code[heads] % n_codes,
        source=base[unit],
        target=base[unit] + raised,
        moved=weight[unit],
    )


def _tables(
    n_codes: int,
    n_coders: int,
    base: np.ndarray,
    base_weight: np.ndarray,
    *,
    code: np.ndarray,
    source: np.ndarray,
    target: np.ndarray,
    moved: np.ndarray,
) -> _Tables:
    """Every code starts from the base patterns; `moved` weight goes from source to target."""
    patterns, weights = _aggregate(base, base_weight)
    span = 3**n_coders
    starting = (np.arange(n_codes, dtype=np.int64)[:, None] * span + patterns).ravel()
    keys = np.concatenate([starting, code * span + source, code * span + target])
    amounts = np.concatenate([np.tile(weights, n_codes), -moved, moved])
    key, total = _aggregate(keys, amounts)
    return _Tables(code=key // span, pattern=key % span, weight=total)


def _aggregate(keys: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct keys and their summed weights, zero sums dropped."""
    codes, distinct = pd.factorize(keys, sort=True)
    totals = np.bincount(codes, weights=weights, minlength=len(distinct))
    nonzero = totals != 0
    return np.asarray(distinct, dtype=np.int64)[nonzero], totals[nonzero]


def _interview_tables(data: _Codings) -> _Tables:
    """Interview unit: value 1 where the coder applied the code anywhere in the interview."""
    interviews = len(data.characters)
    hits = _distinct_hits(data.interview, data, interviews)
    return _tables_from_hits(hits, np.arange(interviews), data, np.ones(interviews))


def _segments(data: _Codings) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct spans (interview, start, end) of every coding, sorted."""
    span = int(data.characters.max(initial=0)) + 1
    if len(data.characters) * span * span < 2**63:
        order = np.argsort((data.interview * span + data.start) * span + data.end)
    else:
        order = np.lexsort((data.end, data.start, data.interview))
    interview, start, end = data.interview[order], data.start[order], data.end[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (np.diff(interview) != 0) | (np.diff(start) != 0) | (np.diff(end) != 0)
    return interview[new], start[new], end[new]


def _segment_hits(
    data: _Codings,
    unit_interview: np.ndarray,
    unit_start: np.ndarray,
    unit_end: np.ndarray,
    overlap: float,
) -> np.ndarray:
    """Distinct (segment, code, coder) keys where the coder's coding matches the segment.

    A coding t matches segment s when |s ∩ t| >= overlap · |s ∪ t|. That bounds t's start
    to [s.start - |s| (1/overlap - 1), s.end - overlap |s|], so only codings starting in
    that window (found by binary search in codings sorted by interview and start) are
    examined, a few million candidate pairs at a time. The threshold is compared exactly,
    as the nearest fraction with a denominator up to 10^6 (0.1 is 1/10, not 0.1000…0555).
    """
    threshold = Fraction(overlap).limit_denominator(10**6)
    analysed = np.flatnonzero(data.code >= 0)
    span = int(data.characters.max(initial=0)) + 2
    keys = data.interview[analysed] * span + data.start[analysed]
    order = np.argsort(keys, kind="stable")
    candidates, keys = analysed[order], keys[order]
    length = unit_end - unit_start
    lowest = np.maximum(np.floor(unit_start - length * (1 / overlap - 1)) - 1, 0)
    highest = np.minimum(np.ceil(unit_end - overlap * length) + 1, unit_end - 1)
    first = np.searchsorted(keys, unit_interview * span + lowest.astype(np.int64), "left")
    last = np.searchsorted(keys, unit_interview * span + highest.astype(np.int64), "right")
    counts = np.maximum(last - first, 0)
    n_codes, n_coders = len(data.code_ids), len(data.coders)
    found = []
    cumulative = np.cumsum(counts)
    total = int(cumulative[-1]) if len(cumulative) else 0
    cuts = np.searchsorted(cumulative, np.arange(_PAIR_CHUNK, total, _PAIR_CHUNK))
    for block in np.split(np.arange(len(counts)), cuts):
        repeat = counts[block]
        segment = np.repeat(block, repeat)
        offset = np.arange(repeat.sum()) - np.repeat(np.cumsum(repeat) - repeat, repeat)
        coding = candidates[np.repeat(first[block], repeat) + offset]
        common = np.minimum(unit_end[segment], data.end[coding]) - np.maximum(
            unit_start[segment], data.start[coding]
        )
        union = np.maximum(unit_end[segment], data.end[coding]) - np.minimum(
            unit_start[segment], data.start[coding]
        )
        match = common * threshold.denominator >= threshold.numerator * union
        segment, coding = segment[match], coding[match]
        found.append((segment * n_codes + data.code[coding]) * n_coders + data.coder[coding])
    return _distinct(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)


def _segment_tables(data: _Codings, overlap: float) -> _Tables:
    """Segment unit: value 1 where the coder's coding of the code matches the span."""
    unit_interview, unit_start, unit_end = _segments(data)
    hits = _segment_hits(data, unit_interview, unit_start, unit_end, overlap)
    return _tables_from_hits(hits, unit_interview, data, np.ones(len(unit_interview)))


def _merged(
    group: np.ndarray, start: np.ndarray, end: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Union of the spans within each group, as disjoint spans sorted by group and start."""
    if len(group) == 0:
        return group, start, end
    span = int(end.max()) + 1
    order = np.argsort(group * span + start)
    group, start, end = group[order], start[order], end[order]
    keyed_end = group * span + end
    reach = np.maximum.accumulate(keyed_end)
    new = np.ones(len(group), dtype=bool)
    new[1:] = group[1:] * span + start[1:] > reach[:-1]
    heads = np.flatnonzero(new)
    return group[heads], start[heads], np.maximum.reduceat(keyed_end, heads) - group[heads] * span


def _character_tables(data: _Codings) -> _Tables:
    """Character unit: runs of characters with constant values, weighted by their length.

    Each coder's codings of a code are merged per interview; their boundaries, sorted per
    (code, interview), carry +3^coder at a start and -3^coder at an end, so the running sum
    after a boundary is the pattern increment of the run up to the next boundary.
    """
    n_interviews, n_coders = len(data.characters), len(data.coders)
    analysed = data.code >= 0
    group = (data.code * n_interviews + data.interview) * n_coders + data.coder
    group, start, end = _merged(group[analysed], data.start[analysed], data.end[analysed])
    code_interview = group // n_coders
    step = 3 ** (group % n_coders)
    span = int(data.characters.max(initial=0)) + 1
    where = np.concatenate([code_interview * span + start, code_interview * span + end])
    order = np.argsort(where, kind="stable")
    where = where[order]
    raised = np.cumsum(np.concatenate([step, -step])[order])
    owner = where // span
    length = np.zeros(len(where), dtype=np.int64)
    same = owner[1:] == owner[:-1]
    length[:-1] = np.where(same, np.diff(where), 0)
    run = (length > 0) & (raised > 0)
    owner, raised, length = owner[run], raised[run], length[run]
    interview = owner % n_interviews
    base = _base_patterns(data)
    return _tables(
        len(data.code_ids),
        n_coders,
        base,
        data.characters.astype(np.float64),
        code=owner // n_interviews,
        source=base[interview],
        target=base[interview] + raised,
        moved=length.astype(np.float64),
    )


def _binary_statistics(
    pattern: np.ndarray, weight: np.ndarray, n_coders: int
) -> dict[str, float | int]:
    """Units, percent agreement, Cohen's and Fleiss' kappa and alpha of weighted patterns."""
    states = (pattern[:, None] // 3 ** np.arange(n_coders, dtype=np.int64)) % 3
    values = states.T - 1
    units, percent, alpha = _pair_statistics(values, weight)
    complete = (states > 0).all(axis=1)
    ones = (states[complete] == 2).sum(axis=1)
    fleiss = fleiss_kappa(np.column_stack([n_coders - ones, ones]), weight[complete])
    cohen = float("nan")
    if n_coders == 2:
        table = np.zeros(4)
        np.add.at(table, values[0, complete] * 2 + values[1, complete], weight[complete])
        cohen = _cohen_kappa(table.reshape(2, 2))
    return {
        "units": int(round(units)),
        "percent_agreement": percent,
        "cohen_kappa": cohen,
        "fleiss_kappa": fleiss,
        "krippendorff_alpha": alpha,
    }


def _cohen_kappa(table: np.ndarray) -> float:
    """Cohen's kappa of a square table by statsmodels, NaN when undefined (p_e = 1)."""
    from statsmodels.stats.inter_rater import cohens_kappa

    total = table.sum()
    if total == 0:
        return float("nan")
    expected = float((table.sum(axis=0) * table.sum(axis=1)).sum() / total**2)
    if expected >= 1:
        return float("nan")
    return float(cohens_kappa(table, return_results=False))


def _pair_statistics(values: np.ndarray, weights: np.ndarray | None) -> tuple[float, float, float]:
    """Pairable units, percent agreement and nominal alpha of coders × units category codes.

    `values` holds non-negative category codes, -1 for missing. Sorting each unit's values
    puts equal ones side by side, so Σ_c n_uc (n_uc - 1) / 2, the unit's equal pairs, is
    counted in one pass over the coders without a units × categories table.
    """
    present = values >= 0
    m = present.sum(axis=0)
    pairable = m >= 2
    weight = np.ones(len(m)) if weights is None else np.asarray(weights, dtype=np.float64)
    if not pairable.all():
        values, present = values[:, pairable], present[:, pairable]
        m, weight = m[pairable], weight[pairable]
    units = float(weight.sum())
    if units == 0:
        return 0.0, float("nan"), float("nan")
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
    marginals = np.bincount(values[present], weights=np.broadcast_to(weight, values.shape)[present])
    n = float(marginals.sum())
    expected = float(marginals @ (n - marginals))
    alpha = 1 - (n - 1) * disagreeing / expected if expected > 0 else float("nan")
    return units, percent, alpha


def _categorised(reliability_data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Coders × units category codes (-1 missing) and the sorted values they stand for."""
    data = np.asarray(reliability_data, dtype=np.float64)
    if data.ndim != 2:
        raise ValueError("reliability_data must be coders × units")
    present = ~np.isnan(data)
    codes, categories = pd.factorize(data[present], sort=True)
    values = np.full(data.shape, -1, dtype=np.int64)
    values[present] = codes
    return values, np.asarray(categories, dtype=np.float64)


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
    if level == "nominal":
        distance = (first != second).astype(np.float64)
    elif level == "interval":
        distance = (first - second) ** 2
    elif level == "ratio":
        total = first + second
        quotient = np.divide(first - second, total, out=np.zeros_like(total), where=total != 0)
        distance = quotient**2
    else:
        cumulative = np.concatenate([[0.0], np.cumsum(marginals)])
        low, high = np.meshgrid(np.arange(len(categories)), np.arange(len(categories)))
        low, high = np.minimum(low, high), np.maximum(low, high)
        between = cumulative[high + 1] - cumulative[low]
        distance = (between - (marginals[low] + marginals[high]) / 2) ** 2
    expected = float(marginals @ distance @ marginals)
    if n == 0 or expected == 0:
        return float("nan")
    return float(1 - (n - 1) * (coincidences * distance).sum() / expected)


def _code_set_values(hits: np.ndarray, data: _Codings, unit_interview: np.ndarray) -> np.ndarray:
    """Coders × units category codes: one category per set of codes, -1 where missing."""
    n_codes, n_coders = len(data.code_ids), len(data.coders)
    units = len(unit_interview)
    coder = hits % n_coders
    code = (hits // n_coders) % n_codes
    unit = hits // (n_coders * n_codes)
    words = np.zeros((units * n_coders, n_codes // _BITS + 1), dtype=np.int64)
    np.bitwise_or.at(words, (unit * n_coders + coder, code // _BITS), 1 << (code % _BITS))
    category = _row_categories(words).reshape(units, n_coders).T
    return np.where(data.present[unit_interview].T, category, -1)


def _row_categories(words: np.ndarray) -> np.ndarray:
    """One integer per distinct row of a 2-d int64 array (equal rows, equal integers)."""
    category, _ = pd.factorize(words[:, 0])
    for column in words.T[1:]:
        codes, distinct = pd.factorize(column)
        category, _ = pd.factorize(category * len(distinct) + codes)
    return np.asarray(category, dtype=np.int64)


def _character_sets(data: _Codings) -> tuple[np.ndarray, np.ndarray]:
    """Coders × runs code-set categories (-1 missing) and run lengths, character unit.

    Runs cover whole transcripts (boundaries 0 and the length are added) of interviews two
    or more coders coded; elsewhere no character is pairable.
    """
    n_codes, n_coders = len(data.code_ids), len(data.coders)
    pairable = data.present.sum(axis=1) >= 2
    shared = np.flatnonzero(pairable)
    keep = (data.code >= 0) & pairable[data.interview]
    group = (data.interview[keep] * n_coders + data.coder[keep]) * n_codes + data.code[keep]
    group, start, end = _merged(group, data.start[keep], data.end[keep])
    code = group % n_codes
    coder = (group // n_codes) % n_coders
    interview = group // (n_codes * n_coders)
    span = int(data.characters.max(initial=0)) + 1
    boundaries = np.concatenate([interview * span + start, interview * span + end])
    transcripts = np.concatenate([shared * span, shared * span + data.characters[shared]])
    where = np.concatenate([boundaries, transcripts])
    n_words = n_codes // _BITS + 1
    bit = np.left_shift(1, code % _BITS)
    column = np.concatenate([coder * n_words + code // _BITS] * 2)
    step = np.concatenate([bit, -bit])
    order = np.argsort(where, kind="stable")
    where = where[order]
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(len(order))
    states = np.zeros((len(where), n_coders * n_words), dtype=np.int64)
    states[position[: len(step)], column] = step
    np.cumsum(states, axis=0, out=states)
    owner = where // span
    length = np.zeros(len(where), dtype=np.int64)
    length[:-1] = np.where(owner[1:] == owner[:-1], np.diff(where), 0)
    run = length > 0
    states, owner, length = states[run], owner[run], length[run]
    words = states.reshape(len(length), n_coders, n_words).transpose(1, 0, 2)
    category = _row_categories(words.reshape(-1, n_words)).reshape(n_coders, len(length))
    values = np.where(data.present[owner].T, category, -1)
    return values, length.astype(np.float64)

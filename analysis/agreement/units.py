"""Units of agreement built from codings: interviews, segments (spans by overlap), characters.

Reliability data come from the codings of the compared coders and from their completed passes:
`passes` maps each coder to the interviews they finished coding. Where a coder completed an
interview, a code they did not apply there is a 0 (absent); where they did not, their value in
that interview is missing, and codings they made there (work in progress) are left out. Only
the interviews of the interviews frame count; offsets are clipped to the transcript, and empty
spans dropped. Each applicable code that one of the coders used gets a row, in codebook order;
codings of other codes (not applicable, or not in the codes frame) get none, but still make
their span a unit at the segment unit.

Units (`unit=`)
    interview: one unit per interview; a coder's value is 1 if they applied the code anywhere
    in it.
    segment: one unit per distinct span (interview, start, end) that any of the coders coded,
    with any code; a coder's value for code c on span s is 1 if they made a coding t of c in
    the same interview with |s ∩ t| / |s ∪ t| >= `overlap` (intersection over union, so a short
    span inside a long one does not match, and the measure is symmetric; the threshold is
    compared exactly, as a fraction). Spans from every code, not only from c, let "neither
    coder saw c here" count as agreement.
    character: one unit per character (code point) of every transcript, as NVivo counts; a
    coder's value is 1 if the character lies in one of their codings of the code. Sorted span
    boundaries cut each transcript into runs on which every coder's value is constant, and
    each run is one unit weighted by its length: no per-character array is built.

At the segment and character units most units are spans or characters nobody coded with a
given code, on which two coders agree trivially: percent agreement there is close to 100
whatever the coders did, which chance-corrected coefficients (alpha, kappa) correct for.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import numpy as np
import pandas as pd

Unit = Literal["interview", "segment", "character"]
UNIT_NAMES = {"interview": "interviews", "segment": "segments", "character": "characters"}

_BITS = 62  # code bits per int64 word of a code set, keeping every word non-negative
_PAIR_CHUNK = 1 << 22  # segment-coding candidate pairs examined at once


@dataclass(frozen=True)
class Codings:
    """The selected coders' codings as integer arrays, with who completed which interview."""

    coders: tuple[str, ...]
    code_ids: tuple[str, ...]  # the analysed codes (applicable and used), in codebook order
    paths: tuple[str, ...]
    characters: np.ndarray  # transcript length per interview of the interviews frame
    present: np.ndarray  # interviews × coders: the coder completed the interview
    interview: np.ndarray  # per coding, position in the interviews frame
    coder: np.ndarray  # per coding, position in `coders`
    code: np.ndarray  # per coding, position in `code_ids`, -1 for a code not analysed
    start: np.ndarray
    end: np.ndarray


@dataclass(frozen=True)
class Tables:
    """Binary reliability data per code, as weights of coder patterns.

    A pattern encodes one unit's values in base 3, one digit per coder: 0 missing, 1 for
    value 0, 2 for value 1. Rows are sorted by code, then pattern; zero weights are dropped.
    """

    code: np.ndarray
    pattern: np.ndarray
    weight: np.ndarray


def checked_overlap(overlap: float) -> float:
    """The overlap threshold, which must lie in (0, 1]."""
    if not 0 < overlap <= 1:
        raise ValueError(f"overlap must be greater than 0 and at most 1, not {overlap}")
    return float(overlap)


Passes = Mapping[str, Iterable[str]]


def passes_from_codings(codings: pd.DataFrame) -> dict[str, set[str]]:
    """The fallback rule for studies that record no completed passes.

    An interview in which a coder made any coding, with any code, counts as completed by
    that coder; an interview they made no coding in is missing for them. This cannot tell
    "read it and found nothing" from "never opened it": an interview both coders read and
    left uncoded drops out, so agreement on the absence of every code is not counted.
    """
    coder, coders = pd.factorize(codings["coder"])
    interview, interview_ids = pd.factorize(codings["interview_id"])
    known = (coder >= 0) & (interview >= 0)
    keys = np.unique(interview[known].astype(np.int64) * len(coders) + coder[known])
    names = [str(name) for name in np.asarray(coders, dtype=object).tolist()]
    ids = [str(name) for name in np.asarray(interview_ids, dtype=object).tolist()]
    completed: dict[str, set[str]] = {name: set() for name in names}
    for key in keys.tolist():
        completed[names[key % len(names)]].add(ids[key // len(names)])
    return completed


def completed_counts(passes: Passes, interviews: pd.DataFrame) -> dict[str, int]:
    """Per coder (sorted), how many interviews of the frame they completed."""
    frame_ids = set(interviews["interview_id"].astype(str))
    counts = {
        str(coder): len(frame_ids.intersection(map(str, ids))) for coder, ids in passes.items()
    }
    return dict(sorted(counts.items()))


def prepare(
    codings: pd.DataFrame,
    interviews: pd.DataFrame,
    codes: pd.DataFrame,
    *,
    coders: Sequence[str] | None,
    passes: Passes,
) -> Codings:
    """Integer arrays of the selected coders' codings in interviews they completed.

    By default the coders compared are those who completed an interview of the frame.
    """
    characters = interviews["characters"].to_numpy(dtype=np.int64)
    frame_index = pd.Index(interviews["interview_id"].astype(str))
    completed = {
        str(coder): frame_index.get_indexer(pd.Index([str(i) for i in ids]))
        for coder, ids in passes.items()
    }
    if coders is None:
        chosen = sorted(coder for coder, found in completed.items() if (found >= 0).any())
    else:
        chosen = list(dict.fromkeys(coders))
    if len(chosen) < 2:
        raise ValueError(f"agreement needs two or more coders, not {chosen}")
    present = np.zeros((len(characters), len(chosen)), dtype=bool)
    for position, coder in enumerate(chosen):
        found = completed.get(coder, np.zeros(0, dtype=np.int64))
        present[found[found >= 0], position] = True
    interview = _positions(codings["interview_id"], pd.Index(interviews["interview_id"]))
    coder_codes, coder_names = pd.factorize(codings["coder"].to_numpy(dtype=object))
    coder = np.append(pd.Index(chosen).get_indexer(coder_names), -1)[coder_codes]
    code_index = pd.Index(codes["code_id"])
    code = _positions(codings["code_id"], code_index)
    start = np.maximum(codings["start_offset"].to_numpy(dtype=np.int64), 0)
    limit = np.append(characters, 0)[interview]  # 0 for an interview not in the frame
    end = np.minimum(codings["end_offset"].to_numpy(dtype=np.int64), limit)
    keep = (interview >= 0) & (coder >= 0) & (start < end)
    keep[keep] = present[interview[keep], coder[keep]]  # work in an unfinished pass is left out
    if not keep.all():
        interview, coder, code, start, end = (
            array[keep] for array in (interview, coder, code, start, end)
        )
    used = np.bincount(code[code >= 0], minlength=len(code_index)) > 0
    rows = np.flatnonzero(used & codes["applicable"].to_numpy(dtype=bool))
    row_lookup = np.full(len(code_index) + 1, -1)
    row_lookup[rows] = np.arange(len(rows))
    return Codings(
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


def binary_tables(data: Codings, unit: Unit, overlap: float) -> Tables:
    """Per code, the binary reliability data (weighted coder patterns) of the unit."""
    if unit == "interview":
        return _interview_tables(data)
    if unit == "segment":
        return _segment_tables(data, checked_overlap(overlap))
    return _character_tables(data)


def code_set_values(data: Codings, unit: Unit, overlap: float) -> tuple[np.ndarray, np.ndarray]:
    """Coders × units nominal values, one category per set of codes applied, and unit weights.

    A coder's value on a unit they completed is the set of analysed codes they applied to it
    (the empty set included), -1 where missing. With one code per unit this is the code.
    """
    if unit == "character":
        return _character_sets(data)
    if unit == "interview":
        unit_interview = np.arange(len(data.characters))
        hits = _distinct_hits(data.interview, data, len(unit_interview))
    else:
        unit_interview, unit_start, unit_end = _segments(data)
        hits = _segment_hits(data, unit_interview, unit_start, unit_end, checked_overlap(overlap))
    values = _code_set_values(hits, data, unit_interview)
    return values, np.ones(len(unit_interview))


def pattern_values(pattern: np.ndarray, n_coders: int) -> np.ndarray:
    """Coders × units values (0, 1, or -1 missing) of base-3 coder patterns."""
    states = (pattern[:, None] // 3 ** np.arange(n_coders, dtype=np.int64)) % 3
    return np.asarray(states.T - 1, dtype=np.int64)


def _positions(values: pd.Series, labels: pd.Index) -> np.ndarray:
    """Position of each value in `labels`, -1 where absent, hashing each distinct value once."""
    codes, distinct = pd.factorize(values.to_numpy(dtype=object))
    return np.append(labels.get_indexer(distinct), -1)[codes]


def _base_patterns(data: Codings) -> np.ndarray:
    """Per interview, the pattern of a unit on which every coder present gives 0."""
    powers = 3 ** np.arange(len(data.coders), dtype=np.int64)
    return data.present.astype(np.int64) @ powers


def _distinct_hits(unit: np.ndarray, data: Codings, units: int) -> np.ndarray:
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
    hits: np.ndarray, unit_interview: np.ndarray, data: Codings, weight: np.ndarray
) -> Tables:
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
) -> Tables:
    """Every code starts from the base patterns; `moved` weight goes from source to target."""
    patterns, weights = _aggregate(base, base_weight)
    span = 3**n_coders
    starting = (np.arange(n_codes, dtype=np.int64)[:, None] * span + patterns).ravel()
    keys = np.concatenate([starting, code * span + source, code * span + target])
    amounts = np.concatenate([np.tile(weights, n_codes), -moved, moved])
    key, total = _aggregate(keys, amounts)
    return Tables(code=key // span, pattern=key % span, weight=total)


def _aggregate(keys: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct keys and their summed weights, zero sums dropped."""
    codes, distinct = pd.factorize(keys, sort=True)
    totals = np.bincount(codes, weights=weights, minlength=len(distinct))
    nonzero = totals != 0
    return np.asarray(distinct, dtype=np.int64)[nonzero], totals[nonzero]


def _interview_tables(data: Codings) -> Tables:
    """Interview unit: value 1 where the coder applied the code anywhere in the interview."""
    interviews = len(data.characters)
    hits = _distinct_hits(data.interview, data, interviews)
    return _tables_from_hits(hits, np.arange(interviews), data, np.ones(interviews))


def _segments(data: Codings) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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
    data: Codings,
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


def _segment_tables(data: Codings, overlap: float) -> Tables:
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


def _character_tables(data: Codings) -> Tables:
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


def _code_set_values(hits: np.ndarray, data: Codings, unit_interview: np.ndarray) -> np.ndarray:
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


def _character_sets(data: Codings) -> tuple[np.ndarray, np.ndarray]:
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

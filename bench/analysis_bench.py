"""Analysis benchmarks on 1,000,000 codings, each beside a plain pandas or numpy baseline.

    python bench/analysis_bench.py                 # 10,000 interviews, 1,000,000 codings, 5 coders
    python bench/analysis_bench.py --codings 200000

Frames are synthetic and built in memory (the database is not what is measured here).
Targets for 1,000,000 codings, in-process: frequencies 50 ms, a code-by-attribute crosstab
100 ms, same-interview co-occurrence 0.3 s, overlapping-segment co-occurrence 0.5 s,
Krippendorff's alpha for 5 coders 0.5 s; peak memory under 1 GiB.
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from analysis import agreement, cooccurrence, crosstabs, frequencies
from analysis.frames import codes_frame, codings_frame, interviews_frame, presence_matrix
from codebook import default_codebook

CODERS = ["lusine", "pavel", "anna", "mher", "olga"]


def synthetic(interviews: int, codings: int, seed: int = 3) -> tuple[pd.DataFrame, ...]:
    """Interviews, codings and codes frames of the given sizes, seeded."""
    rng = np.random.default_rng(seed)
    codes = codes_frame(default_codebook())
    applicable = codes.loc[codes["applicable"], ["code_id", "path"]].to_numpy()
    start = date(2003, 1, 1)
    interview_frame = interviews_frame(
        {
            "interview_id": f"S{number:05d}",
            "respondent_id": f"P{number // 2:05d}",
            "interview_date": start + timedelta(days=int(number % 900)),
            "characters": 30_000,
            "attributes": {
                "gender": ("female", "male")[number % 2],
                "place": ("martuni", "moscow", "krasnodar")[number % 3],
                "migration_era": ("soviet", "conflict_1988_1994", "after_1994")[number % 3],
            },
        }
        for number in range(interviews)
    )
    which = rng.integers(0, len(applicable), codings)
    where = rng.integers(0, interviews, codings)
    starts = rng.integers(0, 29_000, codings)
    frame = pd.DataFrame(
        {
            "coding_id": np.arange(codings),
            "interview_id": np.char.add("S", np.char.zfill(where.astype(str), 5)),
            "respondent_id": np.char.add("P", np.char.zfill((where // 2).astype(str), 5)),
            "code_id": applicable[which, 0],
            "code_path": applicable[which, 1],
            "coder": np.array(CODERS)[rng.integers(0, len(CODERS), codings)],
            "start_offset": starts,
            "end_offset": starts + rng.integers(20, 600, codings),
            "quote": "",
        }
    )
    return codings_frame(frame, interview_frame), interview_frame, codes


def measure(
    label: str,
    function: Callable[[], Any],
    baseline: Callable[[], Any] | None,
    target: float | None,
) -> None:
    """Best of three runs of a function and of its baseline, printed in milliseconds."""
    ours = _best(function)
    line = f"{label:<44} {ours * 1000:9.1f} ms"
    if target is not None:
        line += f"  (target {target * 1000:.0f} ms: {'met' if ours <= target else 'MISSED'})"
    if baseline is not None:
        line += f"  baseline {_best(baseline) * 1000:9.1f} ms"
    print(line, flush=True)


def _best(function: Callable[[], Any], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    """Command-line entry."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--interviews", type=int, default=10_000)
    parser.add_argument("--codings", type=int, default=1_000_000)
    arguments = parser.parse_args()
    tracemalloc.start()
    codings, interviews, codes = synthetic(arguments.interviews, arguments.codings)
    print(
        f"{len(codings):,} codings, {len(interviews):,} interviews, "
        f"{int(codes['applicable'].sum())} applicable codes, {len(CODERS)} coders"
    )
    present = presence_matrix(codings, interviews, codes)
    measure(
        "frequencies (interviews mentioning each code)",
        lambda: frequencies.frequencies(
            codings, interviews, codes, unit="interviews", source="union of all coders"
        ),
        lambda: codings.groupby("code_id")["interview_id"].nunique(),
        0.05,
    )
    measure(
        "crosstab of code prevalence by place",
        lambda: crosstabs.crosstab(present, interviews, "place", unit="interviews", codes=codes),
        lambda: pd.crosstab(codings["code_id"], codings["place"]),
        0.1,
    )
    matrix = present.to_numpy(dtype=np.int32)
    measure(
        "co-occurrence, same interview",
        lambda: cooccurrence.cooccurrence_interviews(present, codes),
        lambda: matrix.T @ matrix,
        0.3,
    )
    sample = codings.head(100_000)
    measure(
        "co-occurrence, overlapping segments",
        lambda: cooccurrence.cooccurrence_segments(codings, distance=0),
        lambda: _merge_overlaps(sample),
        0.5,
    )
    measure(
        "Krippendorff's alpha, 5 coders, pooled (interview unit)",
        lambda: agreement.agreement(codings, interviews, codes, unit="interview"),
        lambda: _package_alpha(codings, interviews),
        0.5,
    )
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"peak traced memory {peak / 2**30:.2f} GiB; peak resident {rss:.2f} GiB")
    print(
        "baseline for overlapping segments: a pandas self-merge on interview over the first "
        "100,000 codings only (the full self-merge does not fit in memory)"
    )


def _merge_overlaps(sample: pd.DataFrame) -> int:
    plain = sample[["interview_id", "code_id", "start_offset", "end_offset"]].astype(
        {"interview_id": str, "code_id": str}
    )
    pairs = plain.merge(plain, on="interview_id", suffixes=("_a", "_b"))
    keep = (
        (pairs["start_offset_a"] < pairs["end_offset_b"])
        & (pairs["start_offset_b"] < pairs["end_offset_a"])
        & (pairs["code_id_a"] < pairs["code_id_b"])
    )
    return int(keep.sum())


def _package_alpha(codings: pd.DataFrame, interviews: pd.DataFrame) -> float:
    import krippendorff

    present = codings.groupby(["coder", "interview_id", "code_id"]).size() > 0
    data = present.unstack(["interview_id", "code_id"]).fillna(False).astype(float).to_numpy()
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


if __name__ == "__main__":
    main()

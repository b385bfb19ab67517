"""Benchmarks: bulk transcript import and coding insertion and listing on synthetic studies.

    python bench/run.py                  # 50 and 1,000 interviews, 1,000,000 codings
    python bench/run.py --sizes 50,1000,10000 --codings 1000000

Prints one line per measurement. Targets (SQLite, this kind of machine): 1,000 transcripts
imported in under 3 s; 1,000,000 codings inserted in under 60 s.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate  # noqa: E402

from research.services.codings import NewCoding  # noqa: E402
from research.storage.tables import InterviewRow  # noqa: E402
from research.study import Study, create_study  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
CODES = [
    "unemployment",
    "poverty_ruin",
    "renewed_war",
    "clans_nepotism",
    "frustration",
    "protracted",
    "delayed_return",
    "virtual_widowhood",
    "weak_ties",
    "coping",
]
CODERS = ["lusine", "pavel", "anna", "mher", "olga"]


def timed(label: str, function, *args, **kwargs):  # type: ignore[no-untyped-def]
    """Run a function once, print how long it took, return its result."""
    started = time.perf_counter()
    result = function(*args, **kwargs)
    print(f"{label:<58} {time.perf_counter() - started:8.2f} s", flush=True)
    return result


def bench_import(size: int, words: int) -> Study:
    """Generate a study's files, then time importing them with their metadata sheet."""
    folder = OUT / f"s{size}"
    sheet = folder / "sheet.csv"
    if not sheet.exists():
        timed(f"generate {size} transcripts of {words} words", generate, folder, size, words=words)
    study_folder = folder / "study"
    shutil.rmtree(study_folder, ignore_errors=True)
    study = create_study(study_folder, template="karabakh")
    files = sorted((folder / "transcripts").glob("*.txt"))
    megabytes = sum(f.stat().st_size for f in files) / 1e6
    timed(
        f"import {size} transcripts ({megabytes:.0f} MB) with sheet",
        study.interviews.import_transcripts,
        files,
        metadata=sheet,
    )
    return study


def synthetic_codings(study: Study, total: int) -> list[list[NewCoding]]:
    """`total` valid codings spread over the study's transcripts, in batches of 100,000."""
    rng = random.Random(11)
    with study.transaction() as session:
        texts = dict(session.query(InterviewRow.interview_id, InterviewRow.transcript))
    ids = sorted(texts)
    batches, batch = [], []
    seen = set()
    while len(seen) < total:
        interview_id = ids[len(seen) % len(ids)]
        text = texts[interview_id]
        start = rng.randrange(0, len(text) - 400)
        end = start + rng.randint(20, 300)
        code = rng.choice(CODES)
        coder = rng.choice(CODERS)
        key = (interview_id, code, start, end, coder)
        if key in seen or not text[start:end].strip():
            continue
        seen.add(key)
        batch.append(NewCoding(interview_id, code, start, end, coder))
        if len(batch) == 100_000:
            batches.append(batch)
            batch = []
    if batch:
        batches.append(batch)
    return batches


def bench_codings(study: Study, total: int) -> None:
    """Time inserting `total` codings (validated, in batches) and listing them back."""
    batches = synthetic_codings(study, total)

    def insert_all() -> None:
        for batch in batches:
            study.codings.add_codings(batch)

    timed(f"insert {total:,} codings (checked against transcripts)", insert_all)
    tracemalloc.start()
    found = timed(
        f"list codings of one code ({total // len(CODES):,} expected)",
        study.codings.list_codings,
        code="unemployment",
    )
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"{'  listed':<58} {len(found):8,d} rows, peak {peak / 2**20:.0f} MiB traced")
    timed(
        "list codings of one coder in one interview",
        study.codings.list_codings,
        coder="lusine",
        interview_id=found[0].interview_id,
    )


def main() -> None:
    """Command-line entry."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="50,1000")
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--codings", type=int, default=1_000_000)
    arguments = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    studies = {}
    for size in (int(part) for part in arguments.sizes.split(",")):
        studies[size] = bench_import(size, arguments.words)
    largest = studies[max(studies)]
    bench_codings(largest, arguments.codings)
    for study in studies.values():
        study.close()


if __name__ == "__main__":
    main()

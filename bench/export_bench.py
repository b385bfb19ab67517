"""Benchmark: export of codings with their attributes, beside a plain sqlite3 + pandas baseline.

    python bench/export_bench.py                          # 50,000 and 1,000,000 codings
    python bench/export_bench.py --codings 50000 --interviews 1000

Builds (once, cached in bench/out/export-N/) a study of N synthetic interviews of about
5,000 words with their metadata sheet, then codings spread over them. Each export runs as
the command a user types (`research export codings --out FILE`), timed in wall time with
its peak memory (/usr/bin/time). The baseline, timed in the same run, is what one would write by
hand: pandas.read_sql of the codings joined to their interviews and respondents (attributes
left as raw JSON text), then to_csv. Targets: under 0.5 s at 50,000 codings, under 10 s at
1,000,000.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate  # noqa: E402

from research.services.codings import NewCoding  # noqa: E402
from research.storage.tables import CodingRow, InterviewRow  # noqa: E402
from research.study import Study, create_study, open_study  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
CODES = ["unemployment", "poverty_ruin", "renewed_war", "clans_nepotism", "frustration"]
CODERS = ["lusine", "pavel", "anna", "mher", "olga"]
RESEARCH = Path(sys.executable).with_name("research")
BASELINE_QUERY = """
    SELECT c.coding_id, c.interview_id, i.respondent_id, i.interview_date, i.consent,
           i.attributes AS interview_attributes, r.attributes AS respondent_attributes,
           c.code_id, c.coder, c.start_offset, c.end_offset, c.quote, c.memo, c.created_at
    FROM codings c
    JOIN interviews i ON i.interview_id = c.interview_id
    JOIN respondents r ON r.respondent_id = i.respondent_id
    ORDER BY c.interview_id, c.start_offset, c.end_offset, c.coding_id
"""


def study_with_codings(interviews: int, codings: int, words: int) -> Path:
    """The folder of a study with `interviews` transcripts and `codings` codings (cached)."""
    folder = OUT / f"export-{interviews}"
    study_folder = folder / f"study-{codings}"
    if (study_folder / "study.db").exists():
        with open_study(study_folder) as study, study.transaction() as session:
            if session.query(CodingRow).count() == codings:
                return study_folder
        shutil.rmtree(study_folder)
    if not (folder / "sheet.csv").exists():
        generate(folder, interviews, words=words)
    started = time.perf_counter()
    with create_study(study_folder, template="karabakh") as study:
        files = sorted((folder / "transcripts").glob("*.txt"))
        study.interviews.import_transcripts(files, metadata=folder / "sheet.csv")
        _add_codings(study, codings)
    print(f"(built the study in {time.perf_counter() - started:.0f} s)", flush=True)
    return study_folder


def _add_codings(study: Study, total: int) -> None:
    rng = random.Random(11)
    with study.transaction() as session:
        texts = dict(session.query(InterviewRow.interview_id, InterviewRow.transcript))
    ids = sorted(texts)
    seen: set[tuple[str, str, int, int, str]] = set()
    batch: list[NewCoding] = []
    while len(seen) < total:
        interview_id = ids[len(seen) % len(ids)]
        text = texts[interview_id]
        start = rng.randrange(0, len(text) - 400)
        end = start + rng.randint(20, 300)
        key = (interview_id, rng.choice(CODES), start, end, rng.choice(CODERS))
        if key in seen or not text[start:end].strip():
            continue
        seen.add(key)
        batch.append(NewCoding(*key))
        if len(batch) == 100_000 or len(seen) == total:
            study.codings.add_codings(batch)
            batch = []


def timed_command(label: str, arguments: list[str]) -> float:
    """Run a command under /usr/bin/time; print its wall time and peak memory."""
    started = time.perf_counter()
    finished = subprocess.run(
        ["/usr/bin/time", "-f", "%M", *arguments], check=True, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    peak = int(finished.stderr.strip().splitlines()[-1]) / 1024
    print(f"{label:<62} {seconds:7.2f} s  peak {peak:4.0f} MiB", flush=True)
    return seconds


def baseline(database: Path, target: Path) -> float:
    """pandas.read_sql of the join, then to_csv: the hand-written way, timed in-process."""
    import pandas as pd

    started = time.perf_counter()
    with sqlite3.connect(database) as connection:
        frame = pd.read_sql(BASELINE_QUERY, connection)
    frame.to_csv(target, index=False)
    seconds = time.perf_counter() - started
    print(f"{'  baseline: sqlite3 + pandas read_sql of the join, to_csv':<62} {seconds:7.2f} s")
    return seconds


def bench(interviews: int, codings: int, words: int, *, xlsx: bool) -> None:
    """Time each export format and the baseline on one study."""
    study_folder = study_with_codings(interviews, codings, words)
    target = OUT / "export-files"
    target.mkdir(parents=True, exist_ok=True)
    print(f"{codings:,} codings over {interviews:,} interviews")
    command = [str(RESEARCH), "export", "codings", "--study", str(study_folder)]
    timed_command("  research --help (start-up alone)", [str(RESEARCH), "--help"])
    formats = ["csv", "parquet"] + (["xlsx"] if xlsx else [])
    for suffix in formats:
        out = target / f"codings-{codings}.{suffix}"
        timed_command(f"  research export codings --out {out.name}", [*command, "--out", str(out)])
    in_process(study_folder, target)
    baseline(study_folder / "study.db", target / f"baseline-{codings}.csv")


def in_process(study_folder: Path, target: Path) -> None:
    """The export in-process, imports done (as the baseline's are): the row source alone,
    then rows written as CSV and as Parquet."""
    from research.cli.export import _write_csv, _write_parquet
    from research.services import exports

    with open_study(study_folder) as study:
        with study.transaction() as session:
            # Warm: pyarrow (and the pandas it loads) imported, the file in the page cache.
            list(exports.coding_rows(session, coder="nobody").batches)
        for label, write in (
            ("row source alone", None),
            ("rows written as CSV", "csv"),
            ("rows written as Parquet", "parquet"),
        ):
            with study.transaction() as session:
                started = time.perf_counter()
                export = exports.coding_rows(session, spreadsheet=write == "csv")
                if write is None:
                    rows = sum(batch.num_rows for batch in export.batches)
                elif write == "csv":
                    with (target / "in-process.csv").open("wb") as handle:
                        _write_csv(export, handle)
                    rows = export.rows
                else:
                    _write_parquet(export, target / "in-process.parquet")
                    rows = export.rows
                seconds = time.perf_counter() - started
            print(f"{'  in-process, ' + label + f' ({rows:,} rows)':<62} {seconds:7.2f} s")


def main() -> None:
    """Command-line entry."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--interviews", type=int, default=1000)
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--codings", default="50000,1000000")
    arguments = parser.parse_args()
    for size in (int(part) for part in arguments.codings.split(",")):
        bench(arguments.interviews, size, arguments.words, xlsx=size <= 100_000)


if __name__ == "__main__":
    main()

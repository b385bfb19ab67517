"""The study report at size: `research report` on a synthetic study, beside a plain baseline.

    python bench/report_bench.py                        # 1,000 interviews, 50,000 codings
    python bench/report_bench.py --interviews 10000 --codings 1000000
    python bench/report_bench.py --profile              # cProfile's top functions as well

The study is built once per size under bench/out/report-N-M (transcripts of about 600
words, a metadata sheet with every attribute the Karabakh settings analyse, codings of
every applicable code by two coders, most segments coded by both with slightly different
spans). The report runs as the command a user types, in a process of its own, so that its
peak memory (the resident set's high-water mark, interpreter and libraries included) is
its own. The baseline, in another process, reads the same codings with plain sqlite3 and
pandas and writes the simplest tables (codes by interviews mentioning them, by gender and
by place) as CSV: the floor under any report. Targets: 1,000 interviews and 50,000
codings within a minute and 1 GiB; 10,000 interviews and 1,000,000 codings within five
minutes and 2 GiB.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import transcript  # noqa: E402

from codebook import default_codebook  # noqa: E402
from research.services.codings import NewCoding  # noqa: E402
from research.storage.tables import InterviewRow  # noqa: E402
from research.study import create_study  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
CODERS = ("lusine", "pavel")
SHEET_COLUMNS = [
    "file",
    "respondent_id",
    "gender",
    "birth_year",
    "role",
    "migration_era",
    "departure_year",
    "remittances",
    "interview_date",
    "place",
    "interviewer",
    "language",
    "consent",
    "consent_scope",
]


def peak_mib() -> float:
    """This process's peak resident memory so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def respondent_row(number: int) -> list[object]:
    """A respondent's attributes, seeded by the respondent, the same in each of their rows."""
    person = random.Random(number)
    birth = person.randint(1930, 1975)
    role = person.choice(["migrant", "migrant", "returnee", "stayed"])
    era, departure = "", ""
    if role != "stayed":
        year = person.randint(max(birth + 16, 1960), 2010)
        era = "soviet" if year < 1988 else "conflict_1988_1994" if year <= 1994 else "after_1994"
        departure = str(year)
    return [
        f"P{number:05d}",
        person.choice(["female", "male"]),
        birth,
        role,
        era,
        departure,
        person.choice(["regular", "irregular", "none"]),
    ]


def study_files(folder: Path, interviews: int, words: int) -> tuple[list[Path], Path]:
    """Transcripts and a sheet with the attributes the report analyses, two per respondent."""
    rng = random.Random(5)
    texts = folder / "transcripts"
    texts.mkdir(parents=True, exist_ok=True)
    sheet = folder / "sheet.csv"
    with sheet.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(SHEET_COLUMNS)
        for number in range(1, interviews + 1):
            name = f"S{number:05d}.txt"
            (texts / name).write_text(transcript(rng, words), encoding="utf-8")
            writer.writerow(
                [
                    name,
                    *respondent_row((number + 1) // 2),
                    f"2004-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    rng.choice(["martuni", "moscow", "krasnodar"]),
                    "Interviewer A",
                    "hy;ru",
                    "yes",
                    "interview",
                ]
            )
    return sorted(texts.glob("*.txt")), sheet


def synthetic_codings(lengths: dict[str, int], total: int, seed: int = 13) -> list[NewCoding]:
    """`total` codings spread evenly over the interviews, codes weighted unevenly.

    Each segment is coded by the first coder; the second codes 70% of them with the same
    code and a span a few characters off, and adds segments of their own.
    """
    rng = random.Random(seed)
    codes = [code.code_id for code in default_codebook().applicable_codes()]
    weights = [1.0 / (1 + rank % 7) for rank in range(len(codes))]
    ids = sorted(lengths)
    per_interview = max(total // len(ids), 1)
    codings: list[NewCoding] = []
    seen: set[tuple[str, str, int, int, str]] = set()

    def add(interview_id: str, code: str, start: int, end: int, coder: str) -> None:
        key = (interview_id, code, start, end, coder)
        if key not in seen and len(codings) < total:
            seen.add(key)
            codings.append(NewCoding(interview_id, code, start, end, coder))

    for interview_id in ids:
        length = lengths[interview_id]
        wanted = len(codings) + per_interview
        while len(codings) < min(wanted, total):
            start = rng.randrange(0, length - 400)
            end = start + rng.randint(20, 300)
            code = rng.choices(codes, weights)[0]
            add(interview_id, code, start, end, CODERS[0])
            if rng.random() < 0.7:
                shift = rng.randint(-8, 8)
                add(interview_id, code, max(start + shift, 0), end + shift, CODERS[1])
            elif rng.random() < 0.5:
                add(interview_id, rng.choices(codes, weights)[0], start, end, CODERS[1])
        seen.clear()
    return codings


def build(folder: Path, interviews: int, codings: int, words: int) -> Path:
    """The study of this size, built once; returns its folder."""
    study_folder = folder / "study"
    if (folder / "built").exists():
        return study_folder
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    files, sheet = study_files(folder, interviews, words)
    with create_study(study_folder, template="karabakh") as study:
        study.interviews.import_transcripts(files, metadata=sheet)
        with study.transaction() as session:
            lengths = dict(
                session.query(InterviewRow.interview_id, InterviewRow.transcript_characters)
            )
        study.codings.add_codings(synthetic_codings(lengths, codings))
    shutil.rmtree(folder / "transcripts")
    (folder / "built").touch()
    print(
        f"{f'build {interviews:,} interviews, {codings:,} codings':<52}"
        f" {time.perf_counter() - started:8.1f} s",
        flush=True,
    )
    return study_folder


def child_report(study: Path, out: Path, profile: bool) -> None:
    """In a process of its own: `research report` as typed; prints seconds and peak MiB."""
    from research.cli.app import main

    sys.argv = ["research", "report", "--study", str(study), "--out", str(out)]
    started = time.perf_counter()
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        with contextlib.suppress(SystemExit):
            profiler.runcall(main)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
    else:
        try:
            main()
        except SystemExit as exit_status:
            if exit_status.code:
                raise
    print(f"{time.perf_counter() - started} {peak_mib()}")


def child_baseline(study: Path, out: Path) -> None:
    """Plain sqlite3 and pandas: codes by interviews mentioning them, by gender and place."""
    import pandas as pd

    started = time.perf_counter()
    connection = sqlite3.connect(study / "study.db")
    codings = pd.read_sql_query(
        "SELECT interview_id, code_id, coder FROM codings", connection
    )
    people = pd.read_sql_query("SELECT respondent_id, attributes FROM respondents", connection)
    interviews = pd.read_sql_query(
        "SELECT interview_id, respondent_id, attributes FROM interviews", connection
    )
    connection.close()

    def unpacked(frame: pd.DataFrame, key: str) -> pd.DataFrame:
        attributes = pd.json_normalize(frame["attributes"].map(json.loads).tolist())
        return pd.concat([frame[[key]], attributes], axis=1)

    interviews = unpacked(interviews.drop(columns="respondent_id"), "interview_id").merge(
        interviews[["interview_id", "respondent_id"]], on="interview_id"
    )
    interviews = interviews.merge(unpacked(people, "respondent_id"), on="respondent_id")
    present = codings.drop_duplicates(["interview_id", "code_id"])
    out.mkdir(parents=True, exist_ok=True)
    present.groupby("code_id").size().to_csv(out / "frequencies.csv")
    merged = present.merge(interviews, on="interview_id")
    for attribute in ("gender", "place"):
        pd.crosstab(merged["code_id"], merged[attribute]).to_csv(out / f"by_{attribute}.csv")
    print(f"{time.perf_counter() - started} {peak_mib()}")


def in_child(role: str, study: Path, out: Path, profile: bool = False) -> tuple[float, float]:
    """Run a `--child` measurement in a fresh interpreter; its seconds and peak MiB."""
    arguments = [sys.executable, __file__, "--child", role, "--study", str(study)]
    arguments += ["--out", str(out)] + (["--profile"] if profile else [])
    done = subprocess.run(arguments, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"{role} failed:\n{done.stdout}\n{done.stderr}")
    if profile:
        print(done.stderr)
    seconds, peak = done.stdout.split()[-2:]
    return float(seconds), float(peak)


def main() -> None:
    """Command-line entry."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--interviews", type=int, default=1000)
    parser.add_argument("--codings", type=int, default=50_000)
    parser.add_argument("--words", type=int, default=600)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--child", choices=["report", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--study", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child == "report":
        child_report(arguments.study, arguments.out, arguments.profile)
        return
    if arguments.child == "baseline":
        child_baseline(arguments.study, arguments.out)
        return
    folder = OUT / f"report-{arguments.interviews}-{arguments.codings}"
    study = build(folder, arguments.interviews, arguments.codings, arguments.words)
    seconds, peak = in_child("report", study, folder / "report", arguments.profile)
    base_seconds, base_peak = in_child("baseline", study, folder / "baseline")
    label = f"research report, {arguments.interviews:,} interviews, {arguments.codings:,} codings"
    print(
        f"{label:<52} {seconds:8.1f} s  peak {peak:5.0f} MiB"
        f"   (plain sqlite3 + pandas, three tables: {base_seconds:.1f} s,"
        f" peak {base_peak:.0f} MiB)",
        flush=True,
    )


if __name__ == "__main__":
    main()

"""Benchmarks: start-up, bulk transcript import and coding storage and listing, each beside a
plain baseline timed in the same run.

    python bench/run.py                  # 1,000 and 10,000 interviews, 1,000,000 codings
    python bench/run.py --sizes 50,1000 --codings 100000
    python bench/run.py --parts startup

Prints one line per measurement. Targets (SQLite, this kind of machine): `research --help`,
`research status` and `research code apply` well under 0.5 s; 1,000 transcripts of about
5,000 words imported in under 3 s, 10,000 in under 10 s, peak memory under 1 GiB;
1,000,000 codings stored in under 5 s. Beside each import, plain sqlite3 storing the same
texts, without and with an FTS5 index of them. Each import runs in a process of its own, so that
its peak memory (the resident set's high-water mark, interpreter and libraries included)
is its own.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate  # noqa: E402

from research.services.codings import NewCoding  # noqa: E402
from research.storage.tables import InterviewRow  # noqa: E402
from research.study import Study, create_study, open_study  # noqa: E402

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


def peak_mib() -> float:
    """This process's peak resident memory so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def study_files(size: int, words: int) -> tuple[list[Path], Path]:
    """The transcripts and sheet of a synthetic study of `size` interviews, made once."""
    folder = OUT / f"s{size}"
    sheet = folder / "sheet.csv"
    if not sheet.exists():
        timed(f"generate {size} transcripts of {words} words", generate, folder, size, words=words)
    return sorted((folder / "transcripts").glob("*.txt")), sheet


def child_import(size: int, words: int) -> None:
    """In a process of its own: import a study's files with their sheet; print seconds, MiB."""
    files, sheet = study_files(size, words)
    study_folder = OUT / f"s{size}" / "study"
    shutil.rmtree(study_folder, ignore_errors=True)
    with create_study(study_folder, template="karabakh") as study:
        started = time.perf_counter()
        study.interviews.import_transcripts(files, metadata=sheet)
        seconds = time.perf_counter() - started
    print(f"{seconds} {peak_mib()}")


def _as_a_bulk_transaction_writes(connection: sqlite3.Connection) -> None:
    """A baseline's connection set as the toolkit's bulk transactions are on a study nobody
    else has open: a rollback journal, synchronous FULL (`research.storage.database.BULK`)."""
    connection.execute("PRAGMA journal_mode = DELETE")
    connection.execute("PRAGMA synchronous = FULL")


def child_import_baseline(size: int, words: int) -> None:
    """The same files through plain sqlite3: read, decode, insert in one transaction."""
    files, _ = study_files(size, words)
    database = OUT / f"s{size}" / "baseline.db"
    database.unlink(missing_ok=True)
    connection = sqlite3.connect(database)
    _as_a_bulk_transaction_writes(connection)
    connection.execute("CREATE TABLE transcripts (name TEXT PRIMARY KEY, transcript TEXT)")
    started = time.perf_counter()
    with connection:
        connection.executemany(
            "INSERT INTO transcripts VALUES (?, ?)",
            ((path.name, path.read_bytes().decode("utf-8")) for path in files),
        )
    seconds = time.perf_counter() - started
    connection.close()
    print(f"{seconds} {peak_mib()}")


def child_import_indexed_baseline(size: int, words: int) -> None:
    """As `child_import_baseline`, each text also put in an FTS5 index (unicode61, positions
    kept, no copy of the text): the least a study whose transcripts are searchable pays."""
    files, _ = study_files(size, words)
    database = OUT / f"s{size}" / "baseline-indexed.db"
    database.unlink(missing_ok=True)
    connection = sqlite3.connect(database)
    _as_a_bulk_transaction_writes(connection)
    connection.execute("CREATE TABLE transcripts (name TEXT PRIMARY KEY, transcript TEXT)")
    connection.execute(
        "CREATE VIRTUAL TABLE transcript_words USING fts5("
        "body, content='', tokenize='unicode61 remove_diacritics 0')"
    )
    started = time.perf_counter()
    with connection:
        for number, path in enumerate(files, 1):
            text = path.read_bytes().decode("utf-8")
            connection.execute("INSERT INTO transcripts VALUES (?, ?)", (path.name, text))
            connection.execute(
                "INSERT INTO transcript_words (rowid, body) VALUES (?, ?)", (number, text)
            )
    seconds = time.perf_counter() - started
    connection.close()
    print(f"{seconds} {peak_mib()}")


CHILDREN = {
    "import": child_import,
    "import-baseline": child_import_baseline,
    "import-indexed-baseline": child_import_indexed_baseline,
}


def in_child(role: str, size: int, words: int) -> tuple[float, float]:
    """Run a `--child` measurement in a fresh interpreter; its seconds and peak MiB."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", role, "--sizes", str(size), "--words", str(words)],
        capture_output=True,
        text=True,
        check=True,
    )
    seconds, peak = done.stdout.split()[-2:]
    return float(seconds), float(peak)


def bench_import(size: int, words: int) -> Study:
    """Time importing a study's files with their metadata sheet, beside plain sqlite3."""
    files, _ = study_files(size, words)
    megabytes = sum(f.stat().st_size for f in files) / 1e6
    seconds, peak = in_child("import", size, words)
    base_seconds, base_peak = in_child("import-baseline", size, words)
    indexed_seconds, indexed_peak = in_child("import-indexed-baseline", size, words)
    print(
        f"{f'import {size} transcripts ({megabytes:.0f} MB) with sheet':<58} {seconds:8.2f} s"
        f"  peak {peak:5.0f} MiB   (plain sqlite3: {base_seconds:.2f} s, peak {base_peak:.0f} MiB;"
        f" with an FTS5 index: {indexed_seconds:.2f} s, peak {indexed_peak:.0f} MiB)",
        flush=True,
    )
    return open_study(OUT / f"s{size}" / "study")


STARTUP_TEXT = "I: Where did you work?\n\nR: At the factory in Martuni, until it closed.\n" * 40


def startup_study() -> Path:
    """A small study (one interview, one transcript) for timing commands' start-up."""
    folder = OUT / "startup"
    shutil.rmtree(folder, ignore_errors=True)
    transcript = OUT / "startup-T01.txt"
    transcript.write_text(STARTUP_TEXT, encoding="utf-8")
    with create_study(folder, template="karabakh") as study:
        study.interviews.import_transcripts([transcript])
    return folder


def bench_startup(runs: int = 9) -> None:
    """Median wall time of `research --help`, `status` and `code apply`, each beside a bare
    interpreter's and a plain sqlite3 script's doing the same reads and write.

    Commands run as an installed package does, from compiled bytecode: the children keep
    theirs in bench/out/pycache (PYTHONDONTWRITEBYTECODE would have them compile every
    module on every run, which no installed command does).
    """
    environment = dict(os.environ)
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    environment["PYTHONPYCACHEPREFIX"] = str(OUT / "pycache")
    folder = startup_study()
    database = folder / "study.db"
    with sqlite3.connect(database) as connection:
        [(interview_id,)] = connection.execute("SELECT interview_id FROM interviews").fetchall()
    connection.close()
    code_path = "motives/economy/unemployment"
    research = [sys.executable, "-c", "from research.cli.app import main; main()"]
    spans = iter(range(0, len(STARTUP_TEXT) - 40, 3))

    def median(make: Callable[[], list[str]]) -> float:
        times = []
        for _ in range(runs + 1):  # the first run compiles and caches the bytecode
            arguments = make()
            started = time.perf_counter()
            subprocess.run(arguments, capture_output=True, check=True, env=environment)
            times.append(time.perf_counter() - started)
        return statistics.median(times[1:])

    def apply() -> list[str]:
        start = next(spans)
        return [
            *research,
            "code",
            "apply",
            interview_id,
            "--code",
            code_path,
            "--start",
            str(start),
            "--end",
            str(start + 20),
            "--coder",
            "bench",
            "--study",
            str(folder),
        ]

    plain_status = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
        "print([c.execute(f'SELECT count(*) FROM {t}').fetchone() for t in "
        "('respondents', 'interviews', 'codings', 'codes')])"
    )
    plain_apply = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1])
[(interview_id, text)] = connection.execute("SELECT interview_id, transcript FROM interviews")
connection.execute(
    "INSERT INTO codings (interview_id, code_id, start_offset, end_offset, quote, coder, "
    "memo, created_at) VALUES (?, (SELECT code_id FROM codes WHERE path = ?), 0, 5, ?, ?, "
    "'', '2026-01-01 00:00:00')",
    (interview_id, sys.argv[3], text[:5], sys.argv[2]),
)
connection.commit()
"""
    coders = iter(range(10**6))
    bare = median(lambda: [sys.executable, "-c", "pass"])
    figures = [
        ("research --help", median(lambda: [*research, "--help"]), bare, "bare python"),
        (
            "research status",
            median(lambda: [*research, "status", "--study", str(folder)]),
            median(lambda: [sys.executable, "-c", plain_status, str(database)]),
            "plain sqlite3 counts",
        ),
        (
            "research code apply (by offsets)",
            median(apply),
            median(
                lambda: [
                    *(sys.executable, "-c", plain_apply, str(database)),
                    *(f"c{next(coders)}", code_path),
                ]
            ),
            "plain sqlite3 insert",
        ),
    ]
    for command, seconds, baseline, what in figures:
        label = f"{command} (median of {runs})"
        print(f"{label:<58} {seconds:8.2f} s  ({what}: {baseline:.2f} s)", flush=True)


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


def baseline_codings(
    study: Study, codings: list[NewCoding], *, in_key_order: bool, sqlite_alone: bool = False
) -> float:
    """Plain sqlite3: the same rows (quotes sliced from the transcripts) inserted with
    executemany into a copy of the codings table and its indexes; returns seconds.

    In the given order, or sorted by the table's unique key first (sorting not timed): the
    least SQLite itself takes to write these rows, their checks, keys and indexes, through
    Python's driver. `sqlite_alone` times SQLite's own part of that: the sorted rows are
    first put (untimed) in a temporary table in memory, then copied by one INSERT ... SELECT,
    which binds nothing from Python.
    """
    with study.transaction() as session:
        texts = dict(session.query(InterviewRow.interview_id, InterviewRow.transcript))
    codebook = study.codebook()
    code_ids = {reference: codebook.resolve(reference).code_id for reference in CODES}
    source = sqlite3.connect(study.folder / "study.db")
    schema = [
        sql
        for (sql,) in source.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'codings' AND sql IS NOT NULL"
        )
    ]
    source.close()
    database = study.folder.parent / "baseline-codings.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    connection = sqlite3.connect(database)
    _as_a_bulk_transaction_writes(connection)
    connection.execute("PRAGMA cache_size = -65536")
    # Columns, checks, unique key and indexes as the study has them; plain sqlite3 leaves
    # foreign keys off, so the copy needs no interviews or codes to refer to.
    for statement in schema:
        connection.execute(statement)
    stamp = "2026-01-01 00:00:00.000000"
    rows = [
        (
            c.interview_id,
            code_ids[c.code],
            c.start_offset,
            c.end_offset,
            texts[c.interview_id][c.start_offset : c.end_offset],
            c.coder,
            "",
            stamp,
        )
        for c in codings
    ]
    del texts
    if in_key_order or sqlite_alone:
        rows.sort(key=lambda row: (row[0], row[2], row[3], row[1], row[5]))
    columns = "interview_id, code_id, start_offset, end_offset, quote, coder, memo, created_at"
    insert = f"INSERT INTO codings ({columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    if sqlite_alone:
        connection.execute("PRAGMA temp_store = MEMORY")
        connection.execute(f"CREATE TEMP TABLE staged ({columns})")
        connection.executemany(insert.replace("INTO codings", "INTO staged"), rows)
        connection.commit()
        del rows
        insert = f"INSERT INTO codings ({columns}) SELECT {columns} FROM staged"
    started = time.perf_counter()
    with connection:
        if sqlite_alone:
            connection.execute(insert)
        else:
            connection.executemany(insert, rows)
    seconds = time.perf_counter() - started
    connection.close()
    return seconds


def bench_codings(study: Study, total: int) -> None:
    """Time storing `total` codings in one call (checked, in batches) and listing them back."""
    codings = [coding for batch in synthetic_codings(study, total) for coding in batch]
    started = time.perf_counter()
    study.codings.add_codings(codings)
    seconds = time.perf_counter() - started
    baseline = baseline_codings(study, codings, in_key_order=False)
    sorted_baseline = baseline_codings(study, codings, in_key_order=True)
    sqlite_alone = baseline_codings(study, codings, in_key_order=True, sqlite_alone=True)
    print(
        f"{f'store {total:,} codings (checked against transcripts)':<58} {seconds:8.2f} s"
        f"  (plain sqlite3 executemany, same table and indexes: {baseline:.2f} s;"
        f" rows sorted by key first: {sorted_baseline:.2f} s;"
        f" SQLite alone, copying those sorted rows from memory: {sqlite_alone:.2f} s)",
        flush=True,
    )
    del codings
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
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--codings", type=int, default=1_000_000)
    parser.add_argument(
        "--parts",
        default="startup,import,codings",
        help="which measurements to run (comma-separated; codings needs import)",
    )
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    parts = set(arguments.parts.split(","))
    OUT.mkdir(exist_ok=True)
    if arguments.child:
        CHILDREN[arguments.child](int(arguments.sizes), arguments.words)
        return
    if "startup" in parts:
        bench_startup()
    studies = {}
    if "import" in parts:
        for size in (int(part) for part in arguments.sizes.split(",")):
            studies[size] = bench_import(size, arguments.words)
    if "codings" in parts and studies:
        bench_codings(studies[max(studies)], arguments.codings)
    for study in studies.values():
        study.close()


if __name__ == "__main__":
    main()

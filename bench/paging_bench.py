"""Benchmark: the first page of one code's segments at 1,000,000 codings, beside plain sqlite3.

    python bench/paging_bench.py                         # 1,000 interviews, 1,000,000 codings
    python bench/paging_bench.py --interviews 200 --codings 100000

Builds (once, cached in bench/out/paging-*) a study of synthetic transcripts and codings;
the codings are written straight into the file with sqlite3, since storing them is not what
this measures. Then it times, in-process and warm, `page_codings` for one code, for a code
with children, a page further on by cursor and a page with the total counted, each beside
the plain sqlite3 query that reads the same rows from the same file. Target: the first page
of one code under 20 ms at 1,000,000 codings.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate  # noqa: E402

from research.storage.tables import InterviewRow  # noqa: E402
from research.study import Study, create_study, open_study  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
CODER_NAMES = ["lusine", "pavel", "anna", "mher", "olga"]
PAGE = 50
REPEATS = 25
LEAF = "unemployment"
ORDER = "interview_id, start_offset, end_offset, coding_id"
COLUMNS = (
    "coding_id, interview_id, code_id, start_offset, end_offset, quote, coder, memo, created_at"
)


def build(folder: Path, interviews: int, codings: int, words: int) -> None:
    """Write the study: transcripts imported with their sheet, then `codings` rows inserted."""
    source = OUT / f"s{interviews}-w{words}"
    if not (source / "sheet.csv").exists():
        print(f"generating {interviews} transcripts of {words} words", flush=True)
        generate(source, interviews, words=words)
    with create_study(folder / "study", template="karabakh") as study:
        files = sorted((source / "transcripts").glob("*.txt"))
        started = time.perf_counter()
        study.interviews.import_transcripts(files, metadata=source / "sheet.csv")
        print(f"imported {len(files)} transcripts in {time.perf_counter() - started:.1f} s")
        with study.transaction() as session:
            texts = dict(session.query(InterviewRow.interview_id, InterviewRow.transcript))
        leaves = [code.code_id for code in study.codebook().codes if code.applicable]
    rng = random.Random(11)
    ids = sorted(texts)
    rows = []
    seen = set()
    while len(rows) < codings:
        interview_id = ids[len(rows) % len(ids)]
        text = texts[interview_id]
        start = rng.randrange(0, len(text) - 400)
        end = start + rng.randint(20, 300)
        key = (interview_id, rng.choice(leaves), start, end, rng.choice(CODER_NAMES))
        if key in seen:
            continue
        seen.add(key)
        rows.append((*key, text[start:end], "", "2026-12-01 00:00:00.000000"))
    connection = sqlite3.connect(folder / "study" / "study.db")
    with connection:
        connection.executemany(
            "INSERT INTO codings (interview_id, code_id, start_offset, end_offset, coder, "
            "quote, memo, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    connection.execute("ANALYZE")
    connection.close()
    (folder / "done").write_text(f"{codings}\n")


def median_ms(function: Callable[[], Any]) -> tuple[float, Any]:
    """The median wall time of a warm call, in milliseconds, and the call's result."""
    result = function()
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def line(label: str, ours: float, baseline: float | None, rows: int) -> None:
    """One measurement beside its baseline."""
    beside = "" if baseline is None else f"sqlite3 {baseline:7.2f} ms"
    print(f"{label:<52} {ours:8.2f} ms   {beside:<18} {rows:5d} rows", flush=True)


def measure(study: Study, database: Path) -> None:
    """Time each page against the same rows read with plain sqlite3."""
    plain = sqlite3.connect(database)
    codebook = study.codebook()
    parent_id = codebook.resolve(LEAF).parent_id
    assert parent_id is not None
    subtree = [parent_id, *(code.code_id for code in codebook.descendants(parent_id))]
    marks = ",".join("?" * len(subtree))
    total = plain.execute("SELECT count(*) FROM codings").fetchone()[0]
    leaf_total = plain.execute("SELECT count(*) FROM codings WHERE code_id = ?", (LEAF,))
    leaf_count = leaf_total.fetchone()[0]
    deep_at = min(10_000, leaf_count // 2)
    print(
        f"{total:,} codings; {leaf_count:,} of {LEAF}; "
        f"{len(subtree)} codes under {codebook.path_of(parent_id)}; page of {PAGE}"
    )

    def page(**options: Any) -> Any:
        with study.transaction() as session:
            from research.services import codings

            return codings.page_codings(session, limit=PAGE, **options)

    def baseline(sql: str, *parameters: Any) -> Callable[[], list[Any]]:
        return lambda: plain.execute(sql, parameters).fetchall()

    leaf_sql = f"SELECT {COLUMNS} FROM codings WHERE code_id = ? ORDER BY {ORDER} LIMIT {PAGE}"
    ours, first = median_ms(lambda: page(code=LEAF, count=False))
    base, rows = median_ms(baseline(leaf_sql, LEAF))
    line(f"first page of one code ({LEAF})", ours, base, len(first.codings))
    assert [c.coding_id for c in first.codings] == [row[0] for row in rows]

    ours, counted = median_ms(lambda: page(code=LEAF))
    base, _ = median_ms(baseline("SELECT count(*) FROM codings WHERE code_id = ?", LEAF))
    line(f"  the same with its total ({counted.total:,})", ours, base, len(counted.codings))

    # A page deep in the listing, by cursor: after the 10,000th coding of the code.
    middle = plain.execute(
        f"SELECT interview_id, start_offset, end_offset, coding_id FROM codings "
        f"WHERE code_id = ? ORDER BY {ORDER} LIMIT 1 OFFSET ?",
        (LEAF, deep_at - 1),
    ).fetchone()
    from research.services.codings import decode_cursor, encode_cursor

    cursor = next(
        encode_cursor(coding)
        for coding in page(code=LEAF, count=False, offset=deep_at - PAGE).codings[-1:]
    )
    assert decode_cursor(cursor) == tuple(middle)
    after_sql = (
        f"SELECT {COLUMNS} FROM codings WHERE code_id = ? AND ({ORDER}) > (?, ?, ?, ?) "
        f"ORDER BY {ORDER} LIMIT {PAGE}"
    )
    ours, deep = median_ms(lambda: page(code=LEAF, count=False, cursor=cursor))
    base, _ = median_ms(baseline(after_sql, LEAF, *middle))
    line(f"page after the {deep_at:,}th coding, by cursor", ours, base, len(deep.codings))

    subtree_sql = (
        f"SELECT {COLUMNS} FROM codings WHERE code_id IN ({marks}) ORDER BY {ORDER} LIMIT {PAGE}"
    )
    path = codebook.path_of(parent_id)
    ours, rolled = median_ms(lambda: page(code=parent_id, count=False))
    base, rows = median_ms(baseline(subtree_sql, *subtree))
    line(f"first page of {path} (children included)", ours, base, len(rolled.codings))
    assert [c.coding_id for c in rolled.codings] == [row[0] for row in rows]

    def segments() -> Any:
        with study.transaction() as session:
            from research.services import retrieval

            return retrieval.page_segments(session, code=LEAF, limit=PAGE)

    ours, found = median_ms(segments)
    line("retrieval: first page in context, with counts", ours, None, len(found.segments))
    plain.close()


def measure_whole(study: Study, folder: Path) -> None:
    """Single runs of what reads every coding of the code: the listing, and the CLI."""
    from typer.testing import CliRunner

    from research.cli.app import app

    started = time.perf_counter()
    every = study.codings.list_codings(code=LEAF)
    elapsed = time.perf_counter() - started
    print(
        f"{'list_codings: every coding of the code, once':<52} {elapsed * 1000:8.0f} ms   "
        f"{len(every):,} rows"
    )
    runner = CliRunner()
    for label, options in (
        ("research code list --code X (a table page)", []),
        ("research code list --code X --format csv (all)", ["--format", "csv"]),
    ):
        started = time.perf_counter()
        result = runner.invoke(
            app, ["code", "list", "--code", LEAF, "--study", str(folder), *options]
        )
        elapsed = time.perf_counter() - started
        assert result.exit_code == 0, result.output
        print(f"{label:<52} {elapsed * 1000:8.0f} ms   in-process, study opened each time")


def main() -> None:
    """Command-line entry."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--interviews", type=int, default=1000)
    parser.add_argument("--codings", type=int, default=1_000_000)
    parser.add_argument("--words", type=int, default=5000)
    arguments = parser.parse_args()
    folder = OUT / f"paging-{arguments.interviews}-{arguments.codings}"
    if not (folder / "done").exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)
        build(folder, arguments.interviews, arguments.codings, arguments.words)
    with open_study(folder / "study") as study:
        measure(study, folder / "study" / "study.db")
        measure_whole(study, folder / "study")


if __name__ == "__main__":
    main()

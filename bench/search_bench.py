"""Benchmark: keyword in context for a three-word phrase, beside plain baselines in one run.

    python bench/search_bench.py                       # 1,000 and 10,000 interviews on SQLite
    python bench/search_bench.py --sizes 1000 --database-url postgresql+psycopg://...

Each size is a synthetic study (bench/generate.py: transcripts of about 5,000 words, turns
of English, Armenian and Cyrillic words) imported through the service layer, so the index
is built as a user's would be. Measured, in-process:

- `search_transcripts`: the first page of 20 hits in context (words either side, codes at
  the spot, interview and respondent), and the number of interviews holding the phrase;
  the first call (cold) and the median of five more;
- every hit, page after page of 500 (what `research search --all` does);
- `search_interviews`: the interviews list's search (first hit of each, every record);
- baseline 1, a plain scan: every transcript read with sqlite3 (or the engine) and a
  case-insensitive regular expression run over it, as a script without an index would;
- baseline 2, the index alone: a raw count of the passages the phrase matches, with
  sqlite3's FTS5 (or PostgreSQL's @@), no context and no offsets.

Target: the first page under 0.2 s at 10,000 interviews.
"""

from __future__ import annotations

import argparse
import re
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
from sqlalchemy import create_engine, text  # noqa: E402

from research.services import interviews, transcript_search  # noqa: E402
from research.study import Study, create_study, open_study  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
PHRASE = "winter ticket border"
OTHER_SCRIPTS = ("деньги рынок стройка", "տուն մայր փող")


def timed(function: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """The median wall time of `repeat` calls (seconds) and the last call's result."""
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def report(label: str, seconds: float, note: str = "") -> None:
    """One line of results."""
    print(f"{label:<62} {seconds * 1000:9.1f} ms  {note}", flush=True)


def build(size: int, words: int, database_url: str | None, *, reuse: bool = False) -> Study:
    """A synthetic study of `size` interviews, imported with its metadata sheet."""
    folder = OUT / f"search{size}"
    sheet = folder / "sheet.csv"
    if not sheet.exists():
        generate(folder, size, words=words)
    study_folder = folder / ("study-pg" if database_url else "study")
    if reuse and not database_url and (study_folder / "study.db").exists():
        return open_study(study_folder)
    if database_url:
        engine = create_engine(database_url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    shutil.rmtree(study_folder, ignore_errors=True)
    study = create_study(study_folder, template="karabakh", database_url=database_url)
    files = sorted((folder / "transcripts").glob("*.txt"))
    started = time.perf_counter()
    # In batches of 1,000: one transaction each, as a user importing folder by folder.
    for first in range(0, len(files), 1000):
        batch = {path.name for path in files[first : first + 1000]}
        part = folder / f"sheet-{first}.csv"
        lines = sheet.read_text(encoding="utf-8").splitlines()
        kept = [lines[0]] + [line for line in lines[1:] if line.split(",")[0] in batch]
        part.write_text("\n".join(kept) + "\n", encoding="utf-8")
        study.interviews.import_transcripts(files[first : first + 1000], metadata=part)
    print(f"imported {size} transcripts in {time.perf_counter() - started:.1f} s", flush=True)
    return study


def baseline_scan(study: Study, phrase: str) -> tuple[int, int]:
    """(hits, interviews): every transcript read and searched with a regular expression."""
    pattern = re.compile(
        r"(?<!\w)" + r"[\W_]+".join(re.escape(word) for word in phrase.split()) + r"(?!\w)",
        re.IGNORECASE,
    )
    hits = holding = 0
    url = study.engine.url
    if url.get_backend_name() == "sqlite":
        with sqlite3.connect(str(url.database)) as connection:
            rows = connection.execute("SELECT transcript FROM interviews")
            for (transcript,) in rows:
                found = len(pattern.findall(transcript or ""))
                hits += found
                holding += found > 0
        return hits, holding
    with study.engine.connect() as connection:
        for (transcript,) in connection.execute(text("SELECT transcript FROM interviews")):
            found = len(pattern.findall(transcript or ""))
            hits += found
            holding += found > 0
    return hits, holding


def baseline_index(study: Study, phrase: str) -> int:
    """Passages the index matches, counted by a raw query: no context, no offsets."""
    url = study.engine.url
    if url.get_backend_name() == "sqlite":
        with sqlite3.connect(str(url.database)) as connection:
            (count,) = connection.execute(
                "SELECT count(*) FROM transcript_index WHERE transcript_index MATCH ?",
                (f'"{phrase}"',),
            ).fetchone()
        return int(count)
    with study.engine.connect() as connection:
        return int(
            connection.execute(
                text(
                    f"SELECT count(*) FROM transcript_passages WHERE "
                    f"{transcript_search._POSTGRES_VECTOR} @@ phraseto_tsquery('simple', :q)"
                ),
                {"q": phrase},
            ).scalar_one()
        )


def every_hit(study: Study, phrase: str) -> int:
    """All hits, page after page of the largest size, as `research search --all` reads them."""
    total = offset = 0
    with study.transaction() as session:
        while True:
            page = transcript_search.search_transcripts(
                session, phrase, offset=offset, limit=transcript_search.MAX_LIMIT
            )
            total += len(page.hits)
            if not page.more:
                return total
            offset += transcript_search.MAX_LIMIT


def first_page(study: Study, phrase: str) -> transcript_search.SearchPage:
    """The first page of 20 hits in context."""
    with study.transaction() as session:
        return transcript_search.search_transcripts(session, phrase, limit=20)


def list_search(study: Study, phrase: str) -> int:
    """The interviews list's search: every matching record with its first hit."""
    with study.transaction() as session:
        return len(interviews.search_interviews(session, phrase))


def bench(study: Study, size: int) -> None:
    """Every measurement for one study."""
    backend = study.engine.url.get_backend_name()
    print(f"--- {size} interviews, {backend}", flush=True)
    cold, page = timed(lambda: first_page(study, PHRASE))
    report(f"kwic first page of 20, '{PHRASE}' (cold)", cold)
    warm, page = timed(lambda: first_page(study, PHRASE), repeat=5)
    report(
        f"kwic first page of 20, '{PHRASE}' (median of 5)",
        warm,
        f"{page.interviews} interviews hold it; target < 200 ms at 10,000",
    )
    for phrase in OTHER_SCRIPTS:
        seconds, other = timed(lambda phrase=phrase: first_page(study, phrase), repeat=3)
        report(f"kwic first page of 20, '{phrase}'", seconds, f"{other.interviews} interviews")
    seconds, total = timed(lambda: every_hit(study, PHRASE))
    report("kwic every hit, pages of 500", seconds, f"{total} hits")
    seconds, listed = timed(lambda: list_search(study, PHRASE))
    report("interviews list search (first hit of each)", seconds, f"{listed} interviews")
    seconds, (hits, holding) = timed(lambda: baseline_scan(study, PHRASE))
    report(
        "baseline: read every transcript, regex scan",
        seconds,
        f"{hits} hits in {holding} interviews",
    )
    seconds, passages = timed(lambda: baseline_index(study, PHRASE), repeat=3)
    report("baseline: raw index query, count of passages", seconds, f"{passages} passages")
    assert hits == total, f"the index found {total} hits, the scan {hits}"
    assert holding == page.interviews, (holding, page.interviews)


def main() -> None:
    """Command-line entry: build each size's study and measure it."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument(
        "--reuse", action="store_true", help="SQLite: measure the study a former run imported"
    )
    arguments = parser.parse_args()
    for size in [int(part) for part in arguments.sizes.split(",")]:
        study = build(size, arguments.words, arguments.database_url, reuse=arguments.reuse)
        try:
            bench(study, size)
        finally:
            study.close()


if __name__ == "__main__":
    main()

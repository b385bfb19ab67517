"""`research search`: hits in context as a concordance, CSV or JSON; paging; clear refusals."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from research.study import Study
from tests.research.cli.conftest import Run
from tests.research.helpers import MIXED_TEXT, add_interview_with_text


def _search(run: Run, study: Study, *args: str) -> tuple[int, str, str]:
    result = run("search", *args, "--study", str(study.folder))
    return result.exit_code, result.stdout, result.stderr


def test_a_hit_is_shown_in_context_with_its_interview_and_respondent(
    run: Run, study: Study
) -> None:
    add_interview_with_text(study)
    status, out, _ = _search(run, study, "работы", "нет", "--context", "2")
    lines = out.splitlines()
    assert status == 0
    assert lines[0] == "1 interview holds “работы нет”; hits 1–1 shown."
    assert lines[1].startswith("I01 R01 @")
    assert lines[1].endswith("  Он сказал: «Работы нет». There was")


def test_csv_rows_carry_offsets_into_the_transcript_and_the_summary_goes_to_stderr(
    run: Run, study: Study
) -> None:
    add_interview_with_text(study)
    status, out, err = _search(run, study, "ՄԵՆՔ", "--format", "csv")
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert status == 0
    assert (row["interview_id"], row["match"], row["start_offset"], row["end_offset"]) == (
        "I01",
        "Մենք",
        "0",
        "4",
    )
    assert MIXED_TEXT[0:4] == "Մենք"
    assert "1 interview holds" in err


def test_pages_say_how_to_see_more_and_all_shows_everything(run: Run, study: Study) -> None:
    add_interview_with_text(study, " ".join(["work"] * 30))
    _, first, _ = _search(run, study, "work", "--limit", "10")
    assert "hits 1–10 shown; more follow: --offset 10, or --all." in first
    _, last, _ = _search(run, study, "work", "--limit", "10", "--offset", "20")
    assert "hits 21–30 shown." in last and "more follow" not in last
    _, every, _ = _search(run, study, "work", "--all", "--format", "json")
    assert len(json.loads(every)) == 30


def test_filters_and_incomplete_interviews_are_said_plainly(
    run: Run, study: Study, tmp_path: Path
) -> None:
    add_interview_with_text(study)
    (tmp_path / "anna.txt").write_text("Anna went to Moscow.", encoding="utf-8")
    study.interviews.import_transcripts([tmp_path / "anna.txt"])
    _, held, _ = _search(run, study, "moscow")
    assert "1 incomplete interview with hits held back (--include-incomplete shows them)" in held
    _, shown, _ = _search(run, study, "moscow", "--include-incomplete")
    assert "anna anna @13 (incomplete)" in shown
    _, filtered, _ = _search(run, study, "moscow", "--where", "place=krasnodar")
    assert filtered.splitlines() == ["0 interviews hold “moscow”."]


def test_bad_input_is_one_clear_line(run: Run, study: Study) -> None:
    status, _, err = _search(run, study, "«»")
    assert status == 1
    assert err.strip() == (
        "Error: “«»” holds no word to search for: the index holds words of letters and "
        "digits, not punctuation, symbols or emoji"
    )
    status, _, err = _search(run, study, "work", "--where", "planet=mars")
    assert status == 1 and err.startswith("Error: ") and "planet" in err
    assert len(err.strip().splitlines()) == 1

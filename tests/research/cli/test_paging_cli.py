"""List commands a page at a time: the table says how many more, csv and json stream everything."""

from __future__ import annotations

import csv
import io
import json

from research.services.codings import NewCoding
from research.study import Study
from tests.research.cli.conftest import Run
from tests.research.helpers import add_interview_with_text

TEXT = "There was no work at all, so he went to Moscow in 1996 and sent money home.\n" * 2


def _coded(study: Study, count: int) -> None:
    """Interview I01 with `count` codings of unemployment, one per start offset."""
    add_interview_with_text(study, TEXT, interview_id="I01")
    study.codings.add_codings(
        [NewCoding("I01", "unemployment", start, start + 4, "ani") for start in range(count)]
    )


def _table_ids(output: str) -> list[int]:
    """Coding ids of a printed table's rows (each names interview I01 in its second column)."""
    rows = [line.split() for line in output.splitlines()]
    return [int(row[0]) for row in rows if len(row) > 1 and row[1] == "I01"]


def test_a_table_shows_one_page_of_50_and_says_how_many_more(run: Run, study: Study) -> None:
    _coded(study, 53)
    result = run("code", "list", "--study", str(study.folder))
    assert result.exit_code == 0
    assert "50 of 53 codings" in result.stdout
    assert "3 more codings: --offset 50 shows the next page, --all every row." in result.stdout
    assert len(_table_ids(result.stdout)) == 50


def test_the_last_page_by_offset_says_nothing_more(run: Run, study: Study) -> None:
    _coded(study, 53)
    result = run("code", "list", "--offset", "50", "--study", str(study.folder))
    assert "3 of 53 codings" in result.stdout
    assert "more codings" not in result.stdout
    assert len(_table_ids(result.stdout)) == 3


def test_first_middle_and_last_pages_with_a_limit(run: Run, study: Study) -> None:
    _coded(study, 7)
    pages = [
        run("code", "list", "--limit", "3", "--offset", str(offset), "--study", str(study.folder))
        for offset in (0, 3, 6)
    ]
    ids = [_table_ids(page.stdout) for page in pages]
    assert [len(page) for page in ids] == [3, 3, 1]
    assert sorted(sum(ids, [])) == sum(ids, []) and len(set(sum(ids, []))) == 7
    assert "4 more codings: --offset 3" in pages[0].stdout
    assert "1 more coding: --offset 6" in pages[1].stdout
    assert "more codings" not in pages[2].stdout


def test_all_shows_every_row_in_a_table(run: Run, study: Study) -> None:
    _coded(study, 53)
    result = run("code", "list", "--all", "--study", str(study.folder))
    assert "53 codings" in result.stdout and "more codings" not in result.stdout
    assert len(_table_ids(result.stdout)) == 53


def test_csv_prints_every_row_by_default_and_a_page_when_asked(run: Run, study: Study) -> None:
    _coded(study, 53)
    whole = run("code", "list", "--format", "csv", "--study", str(study.folder))
    rows = list(csv.DictReader(io.StringIO(whole.stdout)))
    assert len(rows) == 53 and rows[0]["code_path"] == "motives/economy/unemployment"
    assert [int(row["start_offset"]) for row in rows] == list(range(53))
    assert whole.stderr == ""
    page = run("code", "list", "--format", "csv", "--limit", "5", "--study", str(study.folder))
    assert len(list(csv.DictReader(io.StringIO(page.stdout)))) == 5
    # The note goes to stderr: stdout stays a clean CSV file.
    assert "48 more codings: --offset 5" in page.stderr


def test_json_streams_the_same_list_it_always_printed(run: Run, study: Study) -> None:
    _coded(study, 3)
    result = run("code", "list", "--format", "json", "--study", str(study.folder))
    parsed = json.loads(result.stdout)
    assert [row["start_offset"] for row in parsed] == [0, 1, 2]
    assert result.stdout == json.dumps(parsed, ensure_ascii=False, indent=2) + "\n"
    limited = run("code", "list", "-f", "json", "--limit", "2", "--study", str(study.folder))
    assert len(json.loads(limited.stdout)) == 2 and "1 more coding: --offset 2" in limited.stderr


def test_an_empty_listing_and_a_filter_matching_nothing(run: Run, study: Study) -> None:
    empty = run("code", "list", "--format", "json", "--study", str(study.folder))
    assert json.loads(empty.stdout) == []
    _coded(study, 3)
    nothing = run("code", "list", "--coder", "nobody", "--study", str(study.folder))
    assert nothing.exit_code == 0 and "0 codings" in nothing.stdout
    assert "--offset" not in nothing.stdout
    csv_nothing = run(
        "code", "list", "-c", "war_destruction", "-f", "csv", "--study", str(study.folder)
    )
    assert csv_nothing.stdout.splitlines() == [
        "coding_id,interview_id,respondent_id,code_id,code_path,start_offset,end_offset,"
        "coder,layer,quote,memo,created_at"
    ]


def test_limit_and_all_together_are_a_usage_error(run: Run, study: Study) -> None:
    result = run("code", "list", "--all", "--limit", "3", "--study", str(study.folder))
    assert result.exit_code == 2
    assert "--limit or --all, not both" in result.stderr


def test_respondents_interviews_and_timeline_page_too(run: Run, study: Study) -> None:
    for number in (1, 2, 3):
        add_interview_with_text(
            study, TEXT, respondent_id=f"R0{number}", interview_id=f"I0{number}"
        )
    folder = ["--study", str(study.folder)]
    respondents = run("respondents", "list", "--limit", "2", *folder)
    assert "2 of 3 respondents" in respondents.stdout
    assert "1 more respondent: --offset 2" in respondents.stdout
    interviews = run("interviews", "list", "--limit", "1", "--offset", "1", "-f", "json", *folder)
    assert [row["interview_id"] for row in json.loads(interviews.stdout)] == ["I02"]
    assert "1 more interview: --offset 2" in interviews.stderr
    events = run("timeline", "list", "--format", "csv", *folder)
    total = len(list(csv.DictReader(io.StringIO(events.stdout))))
    assert total > 2
    first = run("timeline", "list", "--limit", "2", *folder)
    assert f"2 of {total} events" in first.stdout
    assert f"{total - 2} more events: --offset 2" in first.stdout

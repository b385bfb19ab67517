"""Tables fit the terminal: whole columns from the left, no cell folded into fragments."""

from __future__ import annotations

import csv
import io

import pytest

from research.cli.tables import MINIMUM_WIDTH, PIPED_WIDTH, layout, terminal_width
from research.study import Study
from tests.research.cli.conftest import Run


@pytest.fixture(autouse=True)
def _no_columns_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)


def _all_columns(run: Run, study: Study) -> list[str]:
    shown = run("respondents", "list", "--study", str(study.folder), "--format", "csv")
    return next(csv.reader(io.StringIO(shown.stdout)))


def test_piped_output_is_120_columns_wide(monkeypatch: pytest.MonkeyPatch) -> None:
    assert terminal_width() == PIPED_WIDTH == 120
    monkeypatch.setenv("COLUMNS", "87")
    assert terminal_width() == 87


def test_wide_respondent_list_shows_whole_columns_and_says_what_it_left_out(
    run: Run, demo_study: Study
) -> None:
    result = run("respondents", "list", "--study", str(demo_study.folder))
    assert result.exit_code == 0, result.output
    lines = result.stdout.rstrip("\n").splitlines()
    assert max(len(line.rstrip()) for line in lines) <= 120
    header = lines[2].split()
    columns = _all_columns(run, demo_study)
    # The header holds whole column names, the leading ones, in order.
    assert header == columns[: len(header)]
    assert 3 <= len(header) < len(columns)
    left_out = len(columns) - len(header)
    assert lines[-1] == (
        f"{left_out} more columns not shown: --format csv or --format json shows them all."
    )
    # One line per respondent: no cell wraps into fragments on the lines below.
    rows = [line for line in lines if line.startswith("  R")]
    assert len(rows) == 23
    assert all(line.split()[0].startswith("R") for line in lines[4:-1] if line.strip())


def test_a_wider_terminal_shows_more_columns(
    run: Run, demo_study: Study, monkeypatch: pytest.MonkeyPatch
) -> None:
    narrow = run("respondents", "list", "--study", str(demo_study.folder)).stdout.splitlines()
    monkeypatch.setenv("COLUMNS", "400")
    wide = run("respondents", "list", "--study", str(demo_study.folder)).stdout.splitlines()
    assert len(wide[2].split()) == len(_all_columns(run, demo_study)) > len(narrow[2].split())
    assert "not shown" not in wide[-1]


def test_a_narrow_terminal_keeps_the_first_column(
    run: Run, demo_study: Study, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "30")
    result = run("interviews", "list", "--study", str(demo_study.folder))
    lines = result.stdout.splitlines()
    assert lines[2].split() == ["interview_id"]
    assert "more columns not shown" in lines[-1]


def test_long_identifiers_are_cut_with_an_ellipsis_not_folded(
    run: Run, demo_study: Study, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    result = run("code", "list", "--study", str(demo_study.folder), "--interview", "D01")
    # The rows of the table, not the notes under it (more rows, columns left out).
    rows = [line.split() for line in result.stdout.splitlines()[4:]]
    cells = {row[2] for row in rows if row[1:2] == ["D01"]}
    paths = {coding.code_path for coding in demo_study.codings.list_codings(interview_id="D01")}
    # Each path cell is a whole code path, or its beginning cut with an ellipsis.
    assert any(cell.endswith("…") for cell in cells)
    assert all(
        cell in paths or any(path.startswith(cell[:-1]) for path in paths) for cell in cells
    )
    assert all(cell in paths or cell.endswith("…") for cell in cells)


def test_an_empty_list_prints_its_header(run: Run, demo_study: Study) -> None:
    result = run("code", "list", "--study", str(demo_study.folder), "--coder", "nobody")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].strip() == "0 codings"
    assert "coding_id" in result.stdout


def test_layout_cuts_columns_from_the_right() -> None:
    columns = ["id", "name", "notes"]
    cells = [["R1", "Anahit", "x" * 50]]
    shown = layout(columns, cells, 40)
    assert [column.name for column in shown] == ["id", "name", "notes"]
    assert sum(column.width for column in shown) + 3 * len(shown) + 1 <= 40
    assert [column.name for column in layout(columns, cells, 20)] == ["id", "name"]


def test_layout_wraps_prose_at_spaces_and_cuts_long_words() -> None:
    prose = "people left for Moscow when the factory closed and the school stopped paying"
    identifier = "motives/social_psychology/unrecognised_status"
    shown = layout(["event", "path"], [[prose, identifier]], 70)
    event, path = shown
    assert event.width < len(prose) and event.wraps
    assert path.width < len(identifier) and not path.wraps


def test_layout_never_makes_a_column_narrower_than_its_header_or_minimum() -> None:
    shown = layout(["household_size", "note"], [["4", "y" * 80]], 50)
    assert shown[0].width == len("household_size")
    assert shown[1].width >= MINIMUM_WIDTH


def test_layout_widens_a_lone_column_to_the_terminal() -> None:
    [only] = layout(["quote"], [["z" * 300]], 40)
    assert only.width == 40 - 4 and not only.wraps


def test_layout_cuts_a_first_column_wider_than_the_terminal() -> None:
    [only] = layout(["a_header_longer_than_the_terminal"], [["z"]], 10)
    assert only.width == 10 - 4

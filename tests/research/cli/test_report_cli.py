"""`research report` and `research agreement` from the command line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from research.study import Study
from tests.research.cli.conftest import Run


def test_agreement_prints_pooled_and_per_code_rows(run: Run, demo_study: Study) -> None:
    result = run("agreement", "--format", "json", "--study", str(demo_study.folder))
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows[-1]["code_id"] == "(pooled)"
    assert all(0.0 <= row["percent_agreement"] <= 100.0 for row in rows)


def test_agreement_for_one_code_at_segment_level(run: Run, demo_study: Study) -> None:
    result = run(
        "agreement",
        "--unit",
        "segment",
        "--code",
        "motives/economy/unemployment",
        "--format",
        "csv",
        "--study",
        str(demo_study.folder),
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["code_id"] for row in rows] == ["unemployment"]
    assert rows[0]["unit"] == "segments"


def test_report_command_writes_the_report(run: Run, demo_study: Study, tmp_path: Path) -> None:
    result = run(
        "report",
        "--out",
        str(tmp_path / "r"),
        "--where",
        "gender=female",
        "--study",
        str(demo_study.folder),
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "r" / "report.html").exists()
    assert "gender = female" in (tmp_path / "r" / "report.html").read_text(encoding="utf-8")


def test_report_on_an_empty_study_is_a_clear_error(run: Run, study: Study) -> None:
    result = run("report", "--study", str(study.folder))
    assert result.exit_code == 1
    assert "no codings yet" in result.stderr


def test_unknown_figure_format_is_a_clear_error(
    run: Run, demo_study: Study, tmp_path: Path
) -> None:
    result = run(
        "report",
        "--out",
        str(tmp_path / "r"),
        "--format",
        "png,gif",
        "--study",
        str(demo_study.folder),
    )
    assert result.exit_code == 1
    assert "gif" in result.stderr

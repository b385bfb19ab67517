"""A command on a SQLite study another writer keeps locked past the wait (a long import,
say): one line naming the file and why, exit 1, nothing stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from research.storage import health
from research.study import create_study, open_study
from tests.research.cli.conftest import Run
from tests.research.helpers import (
    MIXED_TEXT,
    add_interview_with_text,
    another_writer,
    busy_message,
    counts,
)

WAIT = 0.3


def test_code_apply_on_a_busy_study_prints_one_line_and_stores_nothing(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with create_study(tmp_path / "study", template="karabakh") as created:
        add_interview_with_text(created)
    folder = created.folder
    monkeypatch.setattr(health, "LOCK_WAIT_SECONDS", WAIT)
    # `code apply` takes its quick path (its own connection), `codebook add` the full one.
    database = folder / "study.db"
    quote = MIXED_TEXT[:6]
    with another_writer(database, journal="delete"):
        applied = run(
            "code", "apply", "I01", "--code", "unemployment", "--quote", quote,
            "--coder", "lusine", "--study", str(folder),
        )  # fmt: skip
        added = run("codebook", "add", "housing", "--study", str(folder))
    for result in (applied, added):
        assert result.exit_code == 1
        assert result.stderr.strip() == f"Error: {busy_message(database)}"
        assert "Traceback" not in result.output
    with open_study(folder) as study:
        assert counts(study)[2] == 0
        assert "housing" not in {code.name for code in study.codebook().codes}

"""`research backup` and `research restore`: a study moved by hand, refusals on one line."""

from __future__ import annotations

from pathlib import Path

from research.study import Study, open_study
from tests.research.cli.conftest import Run
from tests.research.coded_for_export import fill


def test_backup_then_restore_gives_the_same_study(run: Run, study: Study, tmp_path: Path) -> None:
    fill(study, tmp_path)
    archive = tmp_path / "study.zip"
    backed_up = run("backup", str(archive), "--study", str(study.folder))
    assert backed_up.exit_code == 0, backed_up.stderr
    assert "Backed up 3 interviews and 5 codings" in backed_up.stdout
    restored = run("restore", str(archive), str(tmp_path / "copy"))
    assert restored.exit_code == 0, restored.stderr
    assert "3 interviews, 5 codings" in restored.stdout
    with open_study(tmp_path / "copy") as copy:
        assert copy.summary().codings_per_coder == study.summary().codings_per_coder


def test_a_second_backup_to_the_same_file_is_refused(
    run: Run, study: Study, tmp_path: Path
) -> None:
    archive = tmp_path / "study.zip"
    assert run("backup", str(archive), "--study", str(study.folder)).exit_code == 0
    again = run("backup", str(archive), "--study", str(study.folder))
    assert again.exit_code == 1
    assert again.stderr.strip() == (
        f"Error: {archive} already exists; choose another name or remove it "
        "(to replace it, add --overwrite)"
    )
    assert run("backup", str(archive), "--study", str(study.folder), "--overwrite").exit_code == 0


def test_restoring_onto_a_file_is_one_line_and_leaves_it(
    run: Run, study: Study, tmp_path: Path
) -> None:
    archive = tmp_path / "study.zip"
    assert run("backup", str(archive), "--study", str(study.folder)).exit_code == 0
    taken = tmp_path / "notes.txt"
    taken.write_text("my notes", encoding="utf-8")
    result = run("restore", str(archive), str(taken))
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: {taken} is a file, not a folder; restore into a new folder"
    )
    assert taken.read_text(encoding="utf-8") == "my notes"


def test_a_bad_archive_is_one_error_line(run: Run, tmp_path: Path) -> None:
    bogus = tmp_path / "notes.zip"
    bogus.write_text("not a zip", encoding="utf-8")
    result = run("restore", str(bogus), str(tmp_path / "copy"))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {bogus}: not a study archive (not a zip file)"
    assert not (tmp_path / "copy").exists()

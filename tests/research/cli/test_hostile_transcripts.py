"""Hostile and oversized transcripts met through `research interviews import`: one line each,
naming the file, the entry and the limit, and the study byte-for-byte unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.interviews.hostile_files import (
    WORD_MAIN,
    docx_bomb,
    docx_with_entity_bomb,
    odt_bomb,
    plain_docx,
)
from tests.research.cli.conftest import Run
from tests.research.study_files import fingerprint

RATIO_HINT = (
    " (the study's setting intake.compression_ratio sets this limit: research settings export,"
    " edit, import)"
)


@pytest.fixture
def folder(run: Run, tmp_path: Path) -> Path:
    """A new study, closed, with nothing in it yet."""
    study = tmp_path / "study"
    assert run("init", str(study)).exit_code == 0
    return study


def _import(run: Run, folder: Path, *files: Path, options: tuple[str, ...] = ()) -> tuple[int, str]:
    result = run("interviews", "import", *map(str, files), *options, "--study", str(folder))
    return result.exit_code, result.stderr


def _refused(run: Run, folder: Path, *files: Path, options: tuple[str, ...] = ()) -> str:
    """The one line a refused import prints; asserts that nothing of the study changed."""
    before = fingerprint(folder)
    status, stderr = _import(run, folder, *files, options=options)
    assert status == 1
    assert stderr.count("\n") == 1, stderr
    assert fingerprint(folder) == before
    return stderr.strip()


def test_a_zip_bomb_docx_is_refused_naming_entry_and_limit(
    run: Run, folder: Path, tmp_path: Path
) -> None:
    bomb = tmp_path / "bomb.docx"
    bomb.write_bytes(docx_bomb())
    line = _refused(run, folder, bomb)
    assert line.startswith(f"Error: bomb.docx, entry {WORD_MAIN}: expands ")
    assert line.endswith("; an entry may expand at most 100 times" + RATIO_HINT)


def test_a_zip_bomb_odt_is_refused_naming_content_xml(
    run: Run, folder: Path, tmp_path: Path
) -> None:
    bomb = tmp_path / "bomb.odt"
    bomb.write_bytes(odt_bomb(20_000_000))
    line = _refused(run, folder, bomb)
    assert line.startswith("Error: bomb.odt, entry content.xml: expands ")
    assert line.endswith(RATIO_HINT)


def test_a_bomb_among_good_files_leaves_none_of_them_imported(
    run: Run, folder: Path, tmp_path: Path
) -> None:
    good = tmp_path / "good.docx"
    good.write_bytes(plain_docx())
    bomb = tmp_path / "bomb.docx"
    bomb.write_bytes(docx_bomb(20_000_000))
    assert _refused(run, folder, good, bomb).startswith("Error: bomb.docx, entry word/")


def test_an_entity_bomb_docx_is_refused(run: Run, folder: Path, tmp_path: Path) -> None:
    path = tmp_path / "laughs.docx"
    path.write_bytes(docx_with_entity_bomb())
    line = _refused(run, folder, path)
    assert line.startswith(
        f"Error: laughs.docx: not a readable Word (.docx) file (entry {WORD_MAIN}"
    )


def _set_intake(run: Run, folder: Path, tmp_path: Path, yaml: str) -> None:
    settings = tmp_path / "settings.yaml"
    settings.write_text(f"intake:\n{yaml}", encoding="utf-8")
    result = run("settings", "import", str(settings), "--study", str(folder))
    assert result.exit_code == 0, result.output


def test_a_text_file_past_the_studys_limit_is_refused_with_its_setting(
    run: Run, folder: Path, tmp_path: Path
) -> None:
    _set_intake(run, folder, tmp_path, "  transcript_megabytes: 1\n")
    path = tmp_path / "long.txt"
    path.write_text("Работы нет. " * 100_000, encoding="utf-8")
    assert _refused(run, folder, path) == (
        "Error: long.txt: 2,100,000 bytes; a transcript may hold at most 1,000,000 bytes of "
        "text (the study's setting intake.transcript_megabytes sets this limit: research "
        "settings export, edit, import)"
    )
    _set_intake(run, folder, tmp_path, "  transcript_megabytes: 3\n")
    assert _import(run, folder, path)[0] == 0


def test_a_document_with_more_entries_than_the_study_allows_is_refused(
    run: Run, folder: Path, tmp_path: Path
) -> None:
    _set_intake(run, folder, tmp_path, "  archive_entries: 5\n")
    path = tmp_path / "r07.docx"
    path.write_bytes(plain_docx())
    line = _refused(run, folder, path)
    assert line.startswith("Error: r07.docx: ")
    assert line.endswith(
        " entries; an archive may hold at most 5 (the study's setting intake.archive_entries "
        "sets this limit: research settings export, edit, import)"
    )


def test_utf8_imported_as_cp1251_is_refused_until_confirmed(
    run: Run, folder: Path, tmp_path: Path
) -> None:
    path = tmp_path / "r07.txt"
    path.write_text("Мы уехали в 1993 году.\nМама осталась дома.\n", encoding="utf-8")
    cyrillic = 29
    line = _refused(run, folder, path, options=("--encoding", "cp1251"))
    assert line == (
        f"Error: r07.txt, line 1: cp1251 was named, but {2 * cyrillic} of its {2 * cyrillic} "
        "bytes beyond ASCII form "
        "UTF-8 characters (on 2 lines, the first here): it is UTF-8 throughout, and cp1251 "
        "would garble them (if it is UTF-8, leave out --encoding; to decode it as named, add "
        "--confirm-warnings)"
    )
    confirmed = ("--encoding", "cp1251", "--confirm-warnings")
    assert _import(run, folder, path, options=confirmed)[0] == 0


def test_a_modest_document_imports_after_a_refused_bomb(
    run: Run, folder: Path, tmp_path: Path
) -> None:
    bomb = tmp_path / "bomb.docx"
    bomb.write_bytes(docx_bomb(20_000_000))
    _refused(run, folder, bomb)
    good = tmp_path / "r07.docx"
    good.write_bytes(plain_docx())
    status, stderr = _import(run, folder, good)
    assert status == 0, stderr
    shown = run("interviews", "show", "r07", "--transcript", "--study", str(folder))
    assert "Он уехал в Москву в 1996 году." in shown.stdout


def test_a_bomb_given_to_interviews_add_is_refused_and_adds_nothing(
    run: Run, folder: Path, tmp_path: Path
) -> None:
    respondent = run("respondents", "add", "R07", "--study", str(folder))
    assert respondent.exit_code == 0, respondent.output
    bomb = tmp_path / "bomb.docx"
    bomb.write_bytes(docx_bomb(20_000_000))
    before = fingerprint(folder)
    result = run(
        "interviews", "add", "-r", "R07", "--transcript", str(bomb), "--study", str(folder)
    )
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: bomb.docx, entry {WORD_MAIN}: expands ")
    assert result.stderr.endswith(RATIO_HINT + "\n") and result.stderr.count("\n") == 1
    assert fingerprint(folder) == before

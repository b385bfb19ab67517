"""A span cutting a character in two, met through `research code apply`: one line naming the
offset and the nearest boundaries, and the study byte-for-byte unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.research.cli.conftest import Run
from tests.research.study_files import fingerprint

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
TEXT = f"Мы уехали всей семьёй {FAMILY} в 1993 году.\n"


def test_a_span_ending_inside_an_emoji_sequence_is_refused(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "study"
    assert run("init", str(folder), "--template", "karabakh").exit_code == 0
    transcript = tmp_path / "r07.txt"
    transcript.write_text(TEXT, encoding="utf-8")
    assert run("interviews", "import", str(transcript), "--study", str(folder)).exit_code == 0
    before = fingerprint(folder)
    family = TEXT.index(FAMILY)
    apply = ["code", "apply", "r07", "--code", "unemployment", "--coder", "ani"]
    result = run(*apply, "--start", "0", "--end", str(family + 3), "--study", str(folder))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: interview r07: end {family + 3} falls inside the character {FAMILY!r} at "
        f"{family}..{family + 5}; the nearest boundaries are {family} and {family + 5}\n"
    )
    assert fingerprint(folder) == before
    whole = run(*apply, "--start", "0", "--end", str(family + 5), "--study", str(folder))
    assert whole.exit_code == 0, whole.output


def test_an_emoji_sequence_is_shown_whole_and_a_direction_override_escaped(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # wide enough for the quote column
    folder = tmp_path / "study"
    assert run("init", str(folder), "--template", "karabakh").exit_code == 0
    transcript = tmp_path / "r08.txt"
    transcript.write_text(f"{TEXT}Он написал \u202eнавсегда\u202c.\n", encoding="utf-8")
    assert run("interviews", "import", str(transcript), "--study", str(folder)).exit_code == 0
    apply = ["code", "apply", "r08", "--code", "unemployment", "--coder", "ani", "--study"]
    family = run(*apply, str(folder), "--quote", f"семьёй {FAMILY}")
    assert family.exit_code == 0, family.output
    assert family.stdout.strip().endswith(f"by ani: 'семьёй {FAMILY}'")
    hidden = run(*apply, str(folder), "--quote", "\u202eнавсегда\u202c")
    assert hidden.exit_code == 0, hidden.output
    assert hidden.stdout.strip().endswith("by ani: '\\u202eнавсегда\\u202c'")
    listed = run("code", "list", "--include-incomplete", "--study", str(folder)).stdout
    assert listed.startswith("2 codings")
    assert f"семьёй {FAMILY}" in listed
    assert "\\u202eнавсегда\\u202c" in listed and "\u202e" not in listed

"""Every YAML a user hands over refuses recursive aliases and alias bombs in one line, by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from research.study import Study
from tests.research.cli.conftest import Run
from tests.research.helpers import folder_state

RECURSIVE = {
    "codebook": ("name: n\ncodes:\n  - &c\n    id: a\n    name: a\n    children: [*c]\n", 6),
    "dictionary": (
        "attributes:\n  - &a\n    name: x\n    scope: interview\n    type: text\n"
        "    label: X\n    choices: [*a]\n",
        7,
    ),
    "settings": ("report: &r\n  inner: *r\n", 2),
    "timeline": ("- &e\n  date: 2001-01-01\n  event: x\n  source: y\n  note: [*e]\n", 5),
}


def _bomb(first_key: str) -> tuple[str, int]:
    """Nine anchors, each nine of the one before: about 430 million nodes when expanded."""
    lines = [f"{first_key}: &l0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, 9)]
    return "\n".join(lines) + "\n", 6


BOMBS = {
    "codebook": _bomb("name"),
    "dictionary": _bomb("attributes"),
    "settings": _bomb("report"),
    "timeline": ("- " + _bomb("date")[0].replace("\n", "\n  "), 6),
}
MESSAGES = {
    "recursive": "refers to a node that contains it (a recursive alias)",
    "bomb": "aliases repeat more than 100,000 nodes",
}


def _refused(run: Run, kind: str, file: Path, tmp_path: Path) -> str:
    """Run the command that reads a file of this kind; return its stderr."""
    if kind == "codebook":
        result = run("codebook", "validate", str(file))
    elif kind == "dictionary":
        result = run("dictionary", "validate", str(file))
    elif kind == "settings":
        result = run("init", str(tmp_path / "new"), "--settings", str(file))
    else:
        result = run("init", str(tmp_path / "new"), "--template", str(file.parent))
    assert result.exit_code == 1, result.output
    return result.stderr


@pytest.mark.parametrize("shape", ["recursive", "bomb"])
@pytest.mark.parametrize("kind", ["codebook", "dictionary", "settings", "timeline"])
def test_a_hostile_alias_is_refused_in_one_line_naming_file_and_line(
    run: Run, tmp_path: Path, kind: str, shape: str
) -> None:
    text, line = (RECURSIVE if shape == "recursive" else BOMBS)[kind]
    folder = tmp_path / "given"
    folder.mkdir()
    file = folder / f"{kind}.yaml"
    file.write_text(text, encoding="utf-8")
    before = folder_state(folder)
    stderr = _refused(run, kind, file, tmp_path)
    [message] = stderr.strip().splitlines()
    assert message.startswith("Error: ")
    assert f"{file.name}, line {line}: " in message
    assert MESSAGES[shape] in message
    assert folder_state(folder) == before
    assert not (tmp_path / "new").exists()


def test_settings_with_a_recursive_alias_leave_the_study_unchanged(
    run: Run, study: Study, tmp_path: Path
) -> None:
    file = tmp_path / "settings.yaml"
    file.write_text(RECURSIVE["settings"][0], encoding="utf-8")
    study.close()
    before = folder_state(study.folder)
    result = run("settings", "import", str(file), "--study", str(study.folder))
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("Error: ")
    assert "settings.yaml, line 2: invalid YAML: the alias *r refers to a node" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert folder_state(study.folder) == before

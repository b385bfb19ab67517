"""The README's tour prints what it says: each checked console block is run and compared.

A console block is checked when the line before it (blank lines aside) is an HTML comment
starting ``<!-- output checked``. Checked blocks run in README order, in one temporary
folder, sharing their state (a study built by one block is used by the next). In a block,
``$ COMMAND`` lines are commands and the lines up to the next one are the output expected.
``cd DIR`` changes the folder for the commands after it; ``research ...`` runs in-process,
its arguments globbed as a shell would; any other command (or one with pipes or
redirections) runs in ``bash`` with this environment's ``research`` on the path.

The expected output is compared line by line, trailing spaces and trailing blank lines
ignored. A line that is only ``...`` stands for any number of lines (none included);
``...`` inside a line stands for any text within that line.
"""

from __future__ import annotations

import difflib
import glob
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from research.cli.app import app

ROOT = Path(__file__).resolve().parents[3]
README = ROOT / "README.md"
MARKER = "<!-- output checked"
ELLIPSIS = "..."
_SHELL_SYNTAX = re.compile(r"[|<>;&`$]")


@dataclass(frozen=True)
class Step:
    """One `$ command` of a checked block and the output the README gives for it."""

    command: str
    expected: list[str]
    line: int


def checked_steps(markdown: str) -> list[Step]:
    """Every command of every checked console block, in README order."""
    lines = markdown.splitlines()
    steps: list[Step] = []
    marked = False
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.strip().startswith(MARKER):
            marked = True
        elif line.startswith("```"):
            end = index + 1
            while end < len(lines) and not lines[end].startswith("```"):
                end += 1
            if marked:
                if line[3:].strip() != "console":
                    raise ValueError(f"README line {index + 1}: a checked block must be console")
                steps.extend(_steps(lines[index + 1 : end], first_line=index + 2))
            marked = False
            index = end
        elif line.strip():
            marked = False
        index += 1
    return steps


def _steps(block: list[str], *, first_line: int) -> list[Step]:
    steps: list[Step] = []
    for offset, line in enumerate(block):
        if line.startswith("$ "):
            steps.append(Step(line[2:].strip(), [], first_line + offset))
        elif not steps:
            raise ValueError(f"README line {first_line + offset}: output before any `$ ` command")
        else:
            steps[-1].expected.append(line)
    return steps


def _trimmed(lines: list[str]) -> list[str]:
    trimmed = [line.rstrip() for line in lines]
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    return trimmed


def _line_matches(expected: str, actual: str) -> bool:
    if ELLIPSIS not in expected:
        return expected == actual
    pattern = ".*".join(re.escape(part) for part in expected.split(ELLIPSIS))
    return re.fullmatch(pattern, actual) is not None


def output_matches(expected: list[str], actual: list[str]) -> bool:
    """Whether ``actual`` lines are what ``expected`` shows, ``...`` standing for elisions."""
    expected, actual = _trimmed(expected), _trimmed(actual)
    # matched[i][j]: expected[i:] matches actual[j:]; filled from the end.
    matched = [[False] * (len(actual) + 1) for _ in range(len(expected) + 1)]
    matched[len(expected)][len(actual)] = True
    for i in range(len(expected) - 1, -1, -1):
        for j in range(len(actual), -1, -1):
            if expected[i].strip() == ELLIPSIS:
                matched[i][j] = matched[i + 1][j] or (j < len(actual) and matched[i][j + 1])
            else:
                matched[i][j] = (
                    j < len(actual)
                    and _line_matches(expected[i], actual[j])
                    and matched[i + 1][j + 1]
                )
    return matched[0][0]


class Tour:
    """Runs README commands one after another, keeping the current folder between them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.runner = CliRunner()

    def run(self, command: str) -> list[str]:
        """Run one command in the current folder; return its output lines (stdout and stderr)."""
        words = shlex.split(command, comments=True)
        if words and words[0] == "cd" and len(words) == 2:
            self.folder = (self.folder / words[1]).resolve()
            assert self.folder.is_dir(), f"cd {words[1]}: no such folder"
            return []
        if words and words[0] == "research" and not _SHELL_SYNTAX.search(command):
            return self._in_process(words[1:])
        return self._in_shell(command)

    def _in_process(self, arguments: list[str]) -> list[str]:
        os.chdir(self.folder)
        expanded = [item for word in arguments for item in self._globbed(word)]
        result = self.runner.invoke(app, expanded)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result.output.splitlines()

    def _globbed(self, word: str) -> list[str]:
        # As bash does: a pattern becomes the names it matches, sorted, or stays as it is.
        if not glob.has_magic(word):
            return [word]
        return sorted(glob.glob(word, root_dir=self.folder)) or [word]

    def _in_shell(self, command: str) -> list[str]:
        environment = dict(os.environ)
        environment["PATH"] = os.pathsep.join(
            [str(Path(sys.executable).parent), environment.get("PATH", "")]
        )
        environment["PYTHONPATH"] = os.pathsep.join(
            [str(ROOT), *filter(None, [environment.get("PYTHONPATH")])]
        )
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=self.folder,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=600,
            check=False,
        )
        return done.stdout.splitlines()


def test_the_readme_has_checked_blocks_that_start_with_a_command() -> None:
    steps = checked_steps(README.read_text(encoding="utf-8"))
    assert len(steps) >= 5
    assert steps[0].command.startswith("research ")


def test_the_readme_tour_prints_what_the_readme_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("RESEARCH_STUDY", "RESEARCH_CODER", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    tour = Tour(tmp_path)
    for step in checked_steps(README.read_text(encoding="utf-8")):
        actual = tour.run(step.command)
        if not output_matches(step.expected, actual):
            difference = "\n".join(
                difflib.unified_diff(
                    _trimmed(step.expected), _trimmed(actual), "README", "printed", lineterm=""
                )
            )
            pytest.fail(f"README line {step.line}: $ {step.command}\n{difference}")


# The checker itself, so that a README that is wrong cannot pass.

SAMPLE = """Intro.

<!-- output checked -->
```console
$ research demo demo-study
Built it.
$ cd demo-study
```

```console
$ research serve
Serving forever
```

<!-- output checked: second -->

```console
$ research agreement   # a comment
Agreement
...
done
```
"""


def test_only_marked_console_blocks_are_taken_in_order() -> None:
    steps = checked_steps(SAMPLE)
    assert [step.command for step in steps] == [
        "research demo demo-study",
        "cd demo-study",
        "research agreement   # a comment",
    ]
    assert steps[0].expected == ["Built it."]
    assert steps[2].expected == ["Agreement", "...", "done"]


def test_a_marked_block_with_output_before_a_command_is_an_error() -> None:
    with pytest.raises(ValueError, match="output before any"):
        checked_steps("<!-- output checked -->\n```console\nstray\n$ research status\n```\n")


@pytest.mark.parametrize(
    ("expected", "actual"),
    [
        (["a", "b"], ["a", "b  ", "", ""]),
        (["a", "...", "d"], ["a", "b", "c", "d"]),
        (["a", "...", "b"], ["a", "b"]),
        (["  ..."], []),
        (["Wrote 'x' to .../report.html"], ["Wrote 'x' to /tmp/a/report.html"]),
    ],
)
def test_output_that_matches(expected: list[str], actual: list[str]) -> None:
    assert output_matches(expected, actual)


@pytest.mark.parametrize(
    ("expected", "actual"),
    [
        (["a", "b"], ["a", "c"]),
        (["a"], ["a", "b"]),
        (["a", "b"], ["a"]),
        (["  a"], ["a"]),
        (["a", "...", "d"], ["a", "b", "c"]),
        (["Wrote 'x' to .../report.html"], ["Wrote 'y' to /tmp/a/report.html"]),
    ],
)
def test_output_that_does_not_match(expected: list[str], actual: list[str]) -> None:
    assert not output_matches(expected, actual)

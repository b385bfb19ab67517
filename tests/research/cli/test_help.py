"""Every command explains itself with an example and appears in the README."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer.main

from research.cli.app import app

README = Path(__file__).resolve().parents[3] / "README.md"


def all_commands() -> list[tuple[str, Any]]:
    root = typer.main.get_command(app)
    found = []

    def walk(prefix: str, command: Any) -> None:
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in subcommands.items():
                walk(f"{prefix} {name}".strip(), sub)
        else:
            found.append((prefix, command))

    walk("", root)
    return found


def test_there_are_commands_to_check() -> None:
    names = {name for name, _ in all_commands()}
    assert {"init", "demo", "code apply", "code list", "interviews import"} <= names


def test_every_command_has_help_with_an_example() -> None:
    missing = [name for name, command in all_commands() if "Example:" not in (command.help or "")]
    assert missing == []


def test_every_command_is_documented_in_the_readme() -> None:
    readme = README.read_text(encoding="utf-8")
    missing = [name for name, _ in all_commands() if f"research {name}" not in readme]
    assert missing == []


def test_every_list_and_show_command_takes_format() -> None:
    lacking = [
        name
        for name, command in all_commands()
        if name.split()[-1] in {"list", "show", "status"}
        and "--format" not in {opt for p in command.params for opt in p.opts}
    ]
    assert lacking == []

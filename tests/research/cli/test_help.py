"""Every command explains itself with an example and appears in the README."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
import typer.main

from research.cli.app import COMMANDS, app

README = Path(__file__).resolve().parents[3] / "README.md"


def all_commands() -> list[tuple[str, Any]]:
    root = typer.main.get_command(app)
    context = typer.Context(root)
    found = []

    def walk(prefix: str, command: Any) -> None:
        # Through the group's own interface: `research` loads its commands when asked.
        if hasattr(command, "list_commands"):
            for name in command.list_commands(context):
                walk(f"{prefix} {name}".strip(), command.get_command(context, name))
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


def test_the_listing_of_commands_shows_each_commands_own_summary() -> None:
    root = typer.main.get_command(app)
    context = typer.Context(root)
    for name, entry in COMMANDS.items():
        command = root.get_command(context, name)
        assert command is not None
        first_paragraph = " ".join((command.help or "").split("\n\n")[0].split())
        assert entry.summary == first_paragraph, name

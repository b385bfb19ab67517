"""`research demo`: build the fictional demo study."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from research.demo import build_demo


def register(app: typer.Typer) -> None:
    """Add the demo command to the main app."""
    app.command("demo")(demo)


def demo(
    path: Annotated[Path, typer.Argument(help="Folder for the demo study.")] = Path("demo-study"),
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing demo study in that folder.")
    ] = False,
) -> None:
    """Build the demo study: invented interviews (FICTIONAL, not field data) coded by two coders.

    Example: research demo demo-study
    """
    with build_demo(path, replace=force) as study:
        summary = study.summary()
    coders = ", ".join(f"{name} {count}" for name, count in summary.codings_per_coder.items())
    typer.echo(
        f"Built the FICTIONAL demo study in {path}: {summary.respondents} respondents, "
        f"{summary.interviews} interviews, {summary.codings} codings ({coders})."
    )

"""`research demo`: build a fictional example study."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from research.demo import (
    DEFAULT_EXAMPLE,
    EXAMPLES,
    build_demo,
    example_named,
    write_plain_transcripts,
)


def register(app: typer.Typer) -> None:
    """Add the demo command to the main app."""
    app.command("demo")(demo)


def demo(
    path: Annotated[Path, typer.Argument(help="Folder for the demo study.")] = Path("demo-study"),
    example: Annotated[
        str,
        typer.Option(
            "--example",
            help=f"Which example study: {', '.join(EXAMPLES)}.",
        ),
    ] = DEFAULT_EXAMPLE,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing demo study in that folder.")
    ] = False,
    transcripts_only: Annotated[
        bool,
        typer.Option(
            "--transcripts-only",
            help="Write only the example's transcripts as plain .txt files and a sheet "
            "describing them (interviews.csv), to practise importing your own.",
        ),
    ] = False,
) -> None:
    """Build an example study: invented interviews (FICTIONAL, not field data) coded by two coders.

    Example: research demo labour-study --example central-asia
    """
    chosen = example_named(example)
    if transcripts_only:
        written = write_plain_transcripts(path, chosen.name)
        typer.echo(
            f"Wrote {len(written) - 1} plain transcripts of the FICTIONAL {chosen.name} example "
            f"and the sheet describing them ({written[-1].name}) to {path}."
        )
        return
    with build_demo(path, example=chosen.name, replace=force) as study:
        summary = study.summary()
    coders = ", ".join(f"{name} {count}" for name, count in summary.codings_per_coder.items())
    which = "" if chosen.name == DEFAULT_EXAMPLE else f"{chosen.name} "
    own = sum(summary.codings_per_coder.values())
    typer.echo(
        f"Built the FICTIONAL {which}demo study in {path}: {summary.respondents} respondents, "
        f"{summary.interviews} interviews, {own} codings ({coders}), every pass completed, "
        f"and a consensus layer of {summary.consensus_codings} codings copied from "
        f"{chosen.coders[0]}."
    )

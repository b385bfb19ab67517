"""`research init` and `research status`: create a study and see what it holds."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from codebook import load_codebook
from interviews.dictionary import load_dictionary
from research.cli.common import FormatOption, OutputFormat, StudyOption, emit_record, load_study
from research.study import create_study


def register(app: typer.Typer) -> None:
    """Add the study commands to the main app."""
    app.command("init")(init)
    app.command("status")(status)


def init(
    path: Annotated[Path, typer.Argument(help="Folder for the new study (created if missing).")],
    codebook_file: Annotated[
        Path | None, typer.Option("--codebook", help="Codebook YAML (default: the shipped one).")
    ] = None,
    dictionary_file: Annotated[
        Path | None,
        typer.Option("--dictionary", help="Data dictionary YAML (default: the shipped one)."),
    ] = None,
    name: Annotated[str | None, typer.Option(help="Study name (default: the folder name).")] = None,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            help="Keep the data in this database (e.g. PostgreSQL) "
            "instead of study.db; written to study.toml.",
        ),
    ] = None,
) -> None:
    """Create a study: a folder with its database, codebook and data dictionary.

    Example: research init martuni-2004 --codebook my-codebook.yaml
    """
    codebook = load_codebook(codebook_file) if codebook_file else None
    dictionary = load_dictionary(dictionary_file) if dictionary_file else None
    with create_study(
        path, name=name, codebook=codebook, dictionary=dictionary, database_url=database_url
    ) as created:
        summary = created.summary()
    typer.echo(
        f"Created study {summary.name!r} in {path} ({summary.database}), "
        f"codebook {summary.codebook_name!r} with {summary.codes} codes."
    )
    typer.echo(f"Next: cd {path} && research respondents add")


def status(study: StudyOption = None, fmt: FormatOption = OutputFormat.TABLE) -> None:
    """Show what the study holds: respondents, interviews, codings per coder.

    Example: research status --format json
    """
    with load_study(study) as opened:
        summary = opened.summary()
    record = summary.model_dump()
    if summary.fictional:
        record = {"note": "FICTIONAL DEMO DATA, not field data", **record}
    emit_record(record, fmt)

"""`research backup` and `research restore`: a whole study to one archive and back."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from research.cli.common import StudyOption, load_study


def register(app: typer.Typer) -> None:
    """Add the backup commands to the main app."""
    app.command("backup")(backup)
    app.command("restore")(restore)


def backup(
    file: Annotated[Path, typer.Argument(help="Archive to write (a .zip file).")],
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace FILE if it exists.")
    ] = False,
    study: StudyOption = None,
) -> None:
    """Write the whole study (every table, on SQLite or PostgreSQL) to one portable archive.

    The archive is read from one consistent state of the study (SQLite's online backup
    API, or one PostgreSQL transaction), so the web app may keep working meanwhile. It
    holds transcripts and attributes: keep it as safe as the study itself.

    Example: research backup karabakh-2026-12-04.zip
    """
    from research.services import backups

    with load_study(study) as opened:
        report = backups.write_backup(opened.engine, file, overwrite=overwrite)
    total = sum(report.rows.values())
    typer.echo(
        f"Backed up {report.rows.get('interviews', 0)} interviews and "
        f"{report.rows.get('codings', 0)} codings ({total} rows in {len(report.rows)} tables, "
        f"schema {report.schema_revision}) to {file}."
    )


def restore(
    file: Annotated[Path, typer.Argument(help="Archive written by `research backup`.")],
    path: Annotated[Path, typer.Argument(help="Folder for the restored study (a new one).")],
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            help="Restore into this empty database (e.g. postgresql+psycopg://...) instead "
            "of PATH/study.db.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Restore an archive into a new study at PATH, on SQLite or on PostgreSQL.

    The archive is checked first (its entries, sizes, tables and schema revision); a study
    already at PATH is never overwritten, and nothing is written when the restore fails.

    Example: research restore karabakh-2026-12-04.zip restored-study
    """
    from research.services import backups

    report = backups.restore_backup(file, path, database_url=database_url)
    typer.echo(
        f"Restored {report.study_name!r} ({report.rows.get('interviews', 0)} interviews, "
        f"{report.rows.get('codings', 0)} codings) into {report.folder} ({report.database})."
    )

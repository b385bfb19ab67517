"""`research init`, `research status` and `research compact`: create a study, see what it
holds, give back the space it no longer uses."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from research.cli.common import (
    FormatOption,
    OutputFormat,
    StudyOption,
    emit_record,
    load_study,
    study_folder,
)
from research.services.study_facts import summarise_file
from research.settings import DATABASE_FILE, SETTINGS_FILE

# The name only: `research status` runs without loading the templates and their YAML.
DEFAULT_TEMPLATE = "blank"


def register(app: typer.Typer) -> None:
    """Add the study commands to the main app."""
    app.command("init")(init)
    app.command("status")(status)
    app.command("compact")(compact)


def init(
    path: Annotated[
        Path | None, typer.Argument(help="Folder for the new study (created if missing).")
    ] = None,
    template: Annotated[
        str,
        typer.Option(
            "--template",
            "-t",
            help="What the study starts from: blank, karabakh, or a folder holding any of "
            "codebook.yaml, dictionary.yaml, timeline.yaml, settings.yaml.",
        ),
    ] = DEFAULT_TEMPLATE,
    list_templates: Annotated[
        bool, typer.Option("--list-templates", help="List the shipped templates and stop.")
    ] = False,
    codebook_file: Annotated[
        Path | None, typer.Option("--codebook", help="Codebook YAML (default: the template's).")
    ] = None,
    dictionary_file: Annotated[
        Path | None,
        typer.Option("--dictionary", help="Data dictionary YAML (default: the template's)."),
    ] = None,
    settings_file: Annotated[
        Path | None,
        typer.Option("--settings", help="Analysis settings YAML (default: the template's)."),
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
    """Create a study from a template: its database, codebook, data dictionary, timeline, settings.

    Example: research init my-study --template blank
    """
    # Imported here: `research status` needs none of what creating a study reads and checks.
    from codebook import load_codebook
    from research.cli.dictionary import read_dictionary
    from research.cli.settings import read_settings
    from research.study import create_study
    from research.study_settings import describe_settings
    from research.study_templates import find_template

    if list_templates:
        _list_templates()
        return
    if path is None:
        raise typer.BadParameter("give the folder for the new study", param_hint="PATH")
    chosen = find_template(template)
    codebook = load_codebook(codebook_file) if codebook_file else None
    dictionary = read_dictionary(dictionary_file) if dictionary_file else None
    settings = read_settings(settings_file) if settings_file else None
    with create_study(
        path,
        name=name,
        template=chosen,
        codebook=codebook,
        dictionary=dictionary,
        settings=settings,
        database_url=database_url,
    ) as created:
        summary = created.summary()
        stored = created.dictionary()
        events = len(created.timeline.list_events())
        described = describe_settings(created.study_info.load_settings())
    respondent = len(stored.for_scope("respondent"))
    analysed = [attribute.name for attribute in stored.attributes if attribute.analysis]
    typer.echo(
        f"Created study {summary.name!r} in {path} ({summary.database}) "
        f"from the template {chosen.name!r}:"
    )
    typer.echo(f"  codebook {summary.codebook_name!r}: {summary.codes} codes")
    typer.echo(
        f"  data dictionary: {len(stored.attributes)} attributes ({respondent} of respondents, "
        f"{len(stored.attributes) - respondent} of interviews; for analysis: "
        f"{', '.join(analysed) or 'none'})"
    )
    typer.echo(f"  timeline: {events} events")
    typer.echo(f"  settings: {'; '.join(described) or 'none'}")
    typer.echo(f"Next: research interviews import --study {path} transcripts/*.txt")
    if not respondent:
        typer.echo(
            f"Describe your respondents: research dictionary export --study {path} "
            "--out dictionary.yaml, edit it, then research dictionary import dictionary.yaml"
        )


def _list_templates() -> None:
    from research.study_templates import TEMPLATE_FILES, shipped_templates

    typer.echo("Templates (research init PATH --template NAME):")
    width = max(len(entry.name) for entry in shipped_templates())
    for entry in shipped_templates():
        default = " (the default)" if entry.name == DEFAULT_TEMPLATE else ""
        typer.echo(f"  {entry.name:<{width}}  {entry.description}{default}")
    typer.echo(
        f"  {'FOLDER':<{width}}  a folder holding any of {', '.join(TEMPLATE_FILES)} "
        "(what it lacks comes from blank)"
    )


def status(
    study: StudyOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Also read every page of the database for damage (SQLite's quick_check; "
            "about a second per GB).",
        ),
    ] = False,
) -> None:
    """Show what the study holds: respondents, interviews, codings per coder.

    Example: research status --format json
    """
    folder = study_folder(study)
    summary = None
    if not check and not (folder / SETTINGS_FILE).exists():
        # A SQLite study at the newest revision is read without loading the database layer.
        summary = summarise_file(folder / DATABASE_FILE)
    checked = None
    if summary is None:
        with load_study(study, check=check) as opened:
            summary = opened.summary()
            if check:
                checked = (
                    "Checked: every page of the database was read, and none is damaged."
                    if opened.location.is_sqlite
                    else "Checked: the study's tables and revision (a PostgreSQL server checks "
                    "its own pages; --check reads those of a SQLite file)."
                )
    record = summary.model_dump()
    if summary.fictional:
        record = {"note": "FICTIONAL DEMO DATA, not field data", **record}
    emit_record(record, fmt)
    if checked is not None:
        # On stderr for csv and json, so that their output stays one record.
        typer.echo(checked, err=fmt is not OutputFormat.TABLE)


def compact(study: StudyOption = None) -> None:
    """Give back to the disk the space a study no longer uses, and merge its search index.

    Worth running after removing many interviews, replacing transcripts, or an upgrade that
    dropped stored data. SQLite needs up to twice the study's data free on its disk while it
    works (checked first); on PostgreSQL the tables are vacuumed and their statistics
    refreshed. Other users may keep reading meanwhile.

    Example: research compact
    """
    from research.services import compaction

    with load_study(study) as opened:
        report = opened.compact()
    size = compaction.megabytes
    freed = size(max(report.bytes_before - report.bytes_after, 0))
    merged = "; search index merged" if report.index_merged else ""
    typer.echo(
        f"Compacted {report.database}: {size(report.bytes_before)} before, "
        f"{size(report.bytes_after)} after ({freed} freed){merged}."
    )

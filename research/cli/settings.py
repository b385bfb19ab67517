"""`research settings`: show, export, validate and import the study's analysis settings."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from research.cli.common import FormatOption, OutputFormat, StudyOption, emit_record, load_study
from research.errors import ProblemsError, ResearchError
from research.files import write_text
from research.study_settings import (
    StudySettings,
    describe_settings,
    dumps_settings,
    loads_settings,
    settings_problems,
)

app = typer.Typer(
    help="The study's settings: the era split, ranking, regression, figures and intake limits.",
    no_args_is_help=True,
)


def read_settings_text(file: Path) -> str:
    """A settings file's text, or a clear error when it cannot be read."""
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ResearchError(f"{file}: not UTF-8 text (offset {error.start})") from None


def read_settings(file: Path) -> StudySettings:
    """A settings file, or ProblemsError naming every problem by file and line."""
    text = read_settings_text(file)
    problems = settings_problems(text, source=str(file))
    if problems:
        raise ProblemsError(f"{file} is not usable settings", [str(p) for p in problems])
    return loads_settings(text, source=str(file))


@app.command("show")
def show(study: StudyOption = None, fmt: FormatOption = OutputFormat.TABLE) -> None:
    """Show the settings: the figures' attributes, eras, ranking, regression and intake limits.

    Example: research settings show --format json
    """
    with load_study(study) as opened:
        settings: StudySettings = opened.study_info.load_settings()
    if fmt is OutputFormat.JSON:
        emit_record(settings.model_dump(mode="json"), fmt)
        return
    if fmt is OutputFormat.TABLE and not describe_settings(settings):
        typer.echo(
            "No analysis settings: the report writes its generic sections only. "
            "To add some: research settings export --out settings.yaml, edit, import."
        )
        return
    report = settings.report
    era = report.era
    ranking = report.ranking
    regression = report.regression
    emit_record(
        {
            "prevalence_by": report.prevalence_by,
            "groups_by": report.groups_by,
            "era": era.describe() if era else None,
            "era code groups": era.code_groups if era else None,
            "departures": settings.departures_attribute,
            "ranking": f"{ranking.title}: {', '.join(ranking.codes)}" if ranking else None,
            "regression": (
                f"{', '.join(regression.outcomes)} on {', '.join(regression.predictors)}"
                if regression
                else None
            ),
            "intake limits": settings.intake.describe(),
        },
        fmt,
    )


@app.command("export")
def export(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="File to write (default: print).")
    ] = None,
    study: StudyOption = None,
) -> None:
    """Export the settings as YAML, to edit and import again.

    Example: research settings export --out settings.yaml
    """
    with load_study(study) as opened:
        settings: StudySettings = opened.study_info.load_settings()
    text = dumps_settings(settings)
    if out is None:
        typer.echo(text, nl=False)
        return
    write_text(out, text)
    typer.echo(f"Wrote the settings to {out}.")


@app.command("validate")
def validate(
    file: Annotated[
        Path | None,
        typer.Argument(help="Settings YAML to check (default: the study's own settings)."),
    ] = None,
    study: StudyOption = None,
) -> None:
    """Check settings against the study's data dictionary and codebook; one line per problem.

    Example: research settings validate settings.yaml
    """
    with load_study(study) as opened:
        if file is None:
            problems = [str(p) for p in opened.analysis_settings.problems()]
        else:
            text = read_settings_text(file)
            found = opened.analysis_settings.text_problems(text, source=str(file))
            problems = [str(p) for p in found]
    what = str(file) if file is not None else "the study's own settings"
    if problems:
        raise ProblemsError(f"{what}: the settings do not fit the study", problems)
    typer.echo(f"{what}: valid for this study.")


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="Settings YAML.")], study: StudyOption = None
) -> None:
    """Replace the settings; refused, listing every problem, unless they fit the study.

    Example: research settings import settings.yaml
    """
    text = read_settings_text(file)
    with load_study(study) as opened:
        opened.analysis_settings.import_settings(text, source=str(file))
    typer.echo(f"Imported the settings from {file}.")

"""The `research` command: its groups, and domain errors turned into one clear line."""

from __future__ import annotations

from typing import Any, NoReturn

import typer
from sqlalchemy.exc import OperationalError
from typer.core import TyperGroup

from codebook.errors import CodebookError
from interviews.errors import InterviewsError
from research.cli import (
    code,
    codebook,
    demo,
    dictionary,
    interviews,
    report,
    respondents,
    serve,
    settings,
    study,
    timeline,
)
from research.errors import ResearchError

USER_ERRORS = (ResearchError, CodebookError, InterviewsError)


class ResearchGroup(TyperGroup):
    """Runs a command; a user's mistake becomes `Error: message` on stderr and exit code 1."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except USER_ERRORS as error:
            fail(str(error))
        except OperationalError as error:
            fail(f"database error: {error.orig}")
        except OSError as error:
            fail(f"{error.filename or 'file'}: {error.strerror or error}")


def fail(message: str) -> NoReturn:
    """Print a user's mistake as one message (no traceback) and exit with status 1."""
    typer.secho(f"Error: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(1)


app = typer.Typer(
    cls=ResearchGroup,
    name="research",
    help="Qualitative research toolkit for migration studies: enter, code and report interviews.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
study.register(app)
demo.register(app)
report.register(app)
serve.register(app)
app.add_typer(respondents.app, name="respondents")
app.add_typer(interviews.app, name="interviews")
app.add_typer(codebook.app, name="codebook")
app.add_typer(dictionary.app, name="dictionary")
app.add_typer(settings.app, name="settings")
app.add_typer(code.app, name="code")
app.add_typer(timeline.app, name="timeline")


def main() -> None:
    """Console-script entry point."""
    app()

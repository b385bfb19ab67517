"""The `research` command: its groups, and domain errors turned into one clear line."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from typing import Annotated, Any, NoReturn

import typer
from sqlalchemy.exc import OperationalError
from typer.core import TyperGroup

from codebook.errors import CodebookError
from interviews.errors import (
    AmbiguousQuoteError,
    InterviewsError,
    QuoteNotFoundError,
    UndecodableTranscriptError,
)
from research.cli import (
    backup,
    code,
    codebook,
    demo,
    dictionary,
    export,
    interviews,
    report,
    respondents,
    search,
    serve,
    settings,
    study,
    timeline,
)
from research.errors import MetadataSheetError, ResearchError, UnconfirmedWarningsError

USER_ERRORS = (ResearchError, CodebookError, InterviewsError)
DISTRIBUTION = "migration-research"
_COMMAND = "research.command"


@dataclass(frozen=True)
class Hint:
    """How to get past a refusal: the option that does it, and a sentence naming it."""

    option: str
    advice: Callable[[Any], str | None]


def _encoding_advice(error: UndecodableTranscriptError) -> str:
    if not error.encodings:
        return "name its encoding, e.g. --encoding cp1251"
    first, *others = error.encodings
    perhaps = f", or perhaps {' or '.join(others)}" if others else ""
    return f"name its encoding: --encoding {first}{perhaps}"


def _nearest_advice(error: QuoteNotFoundError) -> str | None:
    if error.nearest is None:
        return None
    start, end = error.nearest
    return f"to code that passage: --start {start} --end {end}"


def _confirm_advice(_: Exception) -> str:
    return "to keep the values, add --confirm-warnings"


# Domain and service errors describe the problem; only the command line knows its options,
# so the option that gets past each kind of refusal is named here, by the error's type.
HINTS: dict[type[Exception], Hint] = {
    UndecodableTranscriptError: Hint("--encoding", _encoding_advice),
    UnconfirmedWarningsError: Hint("--confirm-warnings", _confirm_advice),
    MetadataSheetError: Hint(
        "--confirm-warnings",
        lambda error: _confirm_advice(error) if error.needs_confirmation else None,
    ),
    AmbiguousQuoteError: Hint("--occurrence", lambda _: "choose with --occurrence N"),
    QuoteNotFoundError: Hint("--start", _nearest_advice),
}


def hint_for(error: BaseException, command: Any) -> str | None:
    """The advice for an error, when the command that failed has the option it names.

    An error raised from another (a record of a file naming its record number, say)
    keeps the advice of the one it was raised from.
    """
    options = {option for param in getattr(command, "params", ()) for option in param.opts}
    cause: BaseException | None = error
    while cause is not None:
        hint = next((HINTS[kind] for kind in type(cause).__mro__ if kind in HINTS), None)
        if hint is not None:
            return hint.advice(cause) if hint.option in options else None
        cause = cause.__cause__
    return None


class CommandGroup(TyperGroup):
    """A group that notes the command it runs, so that a refusal can name that command's options."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """Resolve as usual, and remember the command for the error handler."""
        name, command, rest = super().resolve_command(ctx, args)
        ctx.meta[_COMMAND] = command
        return name, command, rest


class ResearchGroup(CommandGroup):
    """Runs a command; a user's mistake becomes `Error: message` on stderr and exit code 1."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except USER_ERRORS as error:
            hint = hint_for(error, ctx.meta.get(_COMMAND))
            fail(f"{error} ({hint})" if hint else str(error))
        except OperationalError as error:
            fail(f"database error: {error.orig}")
        except BrokenPipeError:
            # The reader went away (`research ... | head`): not a mistake to report.
            raise
        except OSError as error:
            fail(f"{error.filename or 'file'}: {error.strerror or error}")


def fail(message: str) -> NoReturn:
    """Print a user's mistake as one message (no traceback) and exit with status 1."""
    typer.secho(f"Error: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(1)


def version() -> str:
    """The installed package's version."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"research {version()}")
        raise typer.Exit()


app = typer.Typer(
    cls=ResearchGroup,
    name="research",
    help="Qualitative research toolkit for migration studies: enter, code and report interviews.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _options(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", is_eager=True, callback=_print_version, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    # Options of `research` itself; the group's help is the app's.
    pass


study.register(app)
demo.register(app)
report.register(app)
serve.register(app)
backup.register(app)
search.register(app)
# Each group notes the command it runs (CommandGroup), so that hints can check its options.
app.add_typer(respondents.app, name="respondents", cls=CommandGroup)
app.add_typer(interviews.app, name="interviews", cls=CommandGroup)
app.add_typer(codebook.app, name="codebook", cls=CommandGroup)
app.add_typer(dictionary.app, name="dictionary", cls=CommandGroup)
app.add_typer(settings.app, name="settings", cls=CommandGroup)
app.add_typer(code.app, name="code", cls=CommandGroup)
app.add_typer(timeline.app, name="timeline", cls=CommandGroup)
app.add_typer(export.app, name="export", cls=CommandGroup)


def main() -> None:
    """Console-script entry point; a closed pipe (`research ... | head`) ends it quietly."""
    try:
        try:
            app()
        finally:
            # Flush here, while a closed pipe can still be caught, not at interpreter exit.
            sys.stdout.flush()
    except BrokenPipeError:
        # Python's recipe: point stdout at devnull so the flush at exit cannot fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)

"""The `research` command: its commands, loaded when run, and mistakes turned into one line."""

from __future__ import annotations

import importlib
import os
import sys
from dataclasses import dataclass
from typing import Annotated, Any, NoReturn

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup
from typer.exceptions import TyperException

DISTRIBUTION = "migration-research"
_COMMAND = "research.command"


@dataclass(frozen=True)
class Entry:
    """A top-level command or command group, and the module that defines it.

    `summary` is the line `research --help` shows; a test checks it against the command's
    own help, so that listing the commands need not import them.
    """

    module: str
    summary: str
    group: bool = False


# Each module is imported only when its command runs (or its help is asked for): the
# database layer, the report and the web app cost nothing to a command that does not use
# them. A group module has an `app`; a command module a `register(app)` adding its commands.
COMMANDS: dict[str, Entry] = {
    "init": Entry(
        "research.cli.study",
        "Create a study from a template: its database, codebook, data dictionary, timeline, "
        "settings.",
    ),
    "status": Entry(
        "research.cli.study",
        "Show what the study holds: respondents, interviews, codings per coder.",
    ),
    "demo": Entry(
        "research.cli.demo",
        "Build an example study: invented interviews (FICTIONAL, not field data) coded by two "
        "coders.",
    ),
    "report": Entry(
        "research.cli.report",
        "Write the study's report: tables (CSV, Markdown, XLSX), figures and report.html.",
    ),
    "agreement": Entry(
        "research.cli.report",
        "Print intercoder agreement per code and pooled: Krippendorff's alpha, percent, kappas.",
    ),
    "serve": Entry(
        "research.cli.serve",
        "Open the study in a local web app: enter records, code transcripts, see the dashboard.",
    ),
    "respondents": Entry(
        "research.cli.respondents",
        "Respondents: pseudonymous people and their attributes.",
        group=True,
    ),
    "interviews": Entry("research.cli.interviews", "Interviews and their transcripts.", group=True),
    "codebook": Entry(
        "research.cli.codebook", "The study's codebook: a tree of codes.", group=True
    ),
    "dictionary": Entry(
        "research.cli.dictionary",
        "The study's data dictionary: the typed attributes of respondents and interviews.",
        group=True,
    ),
    "settings": Entry(
        "research.cli.settings",
        "The study's settings: the era split, ranking, regression, figures and intake limits.",
        group=True,
    ),
    "code": Entry("research.cli.code", "Codings: codes applied to text segments.", group=True),
    "timeline": Entry(
        "research.cli.timeline",
        "Historical timeline: dated events, their sources, contested accounts.",
        group=True,
    ),
    "search": Entry(
        "research.cli.search",
        "Find words in the transcripts and show each hit in context, with the codes applied there.",
    ),
    "export": Entry(
        "research.cli.export", "Exports of a study's data for other tools.", group=True
    ),
    "backup": Entry(
        "research.cli.backup",
        "Write the whole study (every table, on SQLite or PostgreSQL) to one portable archive.",
    ),
    "restore": Entry(
        "research.cli.backup",
        "Restore an archive into a new study at PATH, on SQLite or on PostgreSQL.",
    ),
    "compact": Entry(
        "research.cli.study",
        "Give back to the disk the space a study no longer uses, and merge its search index.",
    ),
}


def load_command(name: str) -> Any:
    """The click command for a top-level name, its module imported now."""
    entry = COMMANDS[name]
    module = importlib.import_module(entry.module)
    holder = typer.Typer()
    if entry.group:
        # Each group notes the command it runs (CommandGroup), so that hints can check its options.
        holder.add_typer(module.app, name=name, cls=CommandGroup)
    else:
        module.register(holder)
    return typer.main.get_group(holder).commands[name]


class CommandGroup(TyperGroup):
    """A group that notes the command it runs, so that a refusal can name that command's options."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """Resolve as usual, and remember the command for the error handler."""
        name, command, rest = super().resolve_command(ctx, args)
        ctx.meta[_COMMAND] = command
        return name, command, rest


class ResearchGroup(CommandGroup):
    """Runs a command; a user's mistake becomes `Error: message` on stderr and exit code 1."""

    _listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        """The commands of `research`, in the order of the registry."""
        own = [name for name in super().list_commands(ctx) if name not in COMMANDS]
        return [*own, *COMMANDS]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """The named command, loaded on first use; while listing, only its summary."""
        command = super().get_command(ctx, cmd_name)
        if command is not None or cmd_name not in COMMANDS:
            return command
        if self._listing:
            return TyperCommand(cmd_name, help=COMMANDS[cmd_name].summary)
        command = load_command(cmd_name)
        self.commands[cmd_name] = command
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """The help of `research` itself, listing each command by its summary."""
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, TyperException):
            raise
        except Exception as error:
            # Imported here: the error classes of every layer are not needed to start.
            from research.cli.refusals import message_for

            message = message_for(error, ctx.meta.get(_COMMAND))
            if message is None:
                raise
            fail(message)


def fail(message: str) -> NoReturn:
    """Print a user's mistake as one message (no traceback) and exit with status 1."""
    typer.secho(f"Error: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(1)


def version() -> str:
    """The installed package's version."""
    # Loaded here: reading the installed metadata costs every other command start-up time.
    from importlib import metadata

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

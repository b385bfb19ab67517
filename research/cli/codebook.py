"""`research codebook`: show, validate, export, import and edit the study's codebook."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from codebook import dumps_codebook, load_codebook, operations
from research.cli.common import (
    CoderOption,
    FormatOption,
    OutputFormat,
    StudyOption,
    coder_name,
    emit,
    load_study,
)
from research.files import write_text
from research.services import codebooks

app = typer.Typer(help="The study's codebook: a tree of codes.", no_args_is_help=True)

CodeArgument = Annotated[
    str, typer.Argument(help="Code path (motives/economy/unemployment) or id.")
]


@app.command("show")
def show(
    retired: Annotated[bool, typer.Option("--retired", help="Include retired codes.")] = False,
    study: StudyOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """Show the codebook: each code's path, title, definition and how many codings it holds.

    Example: research codebook show --format json
    """
    with load_study(study) as opened, opened.transaction() as session:
        codebook = codebooks.load_codebook(session)
        used = codebooks.codings_per_code(session)
    rows = [
        {
            "path": codebook.path_of(code.code_id),
            "code_id": code.code_id,
            "title": code.display_title,
            "applicable": code.applicable,
            "retired": code.retired,
            "codings": used.get(code.code_id, 0),
            "colour": code.colour,
            "definition": code.definition,
            "inclusion": code.inclusion,
            "exclusion": code.exclusion,
            "examples": list(code.examples),
            "memo": code.memo,
        }
        for code in codebook.codes
        if retired or not code.retired
    ]
    if not rows and fmt is OutputFormat.TABLE:
        typer.echo(
            f"{codebook.name} (version {codebook.version}) has no codes yet: add one with "
            "research codebook add NAME, or replace it with research codebook import FILE."
        )
        return
    columns = ["path", "title", "applicable", "codings"]
    if fmt is not OutputFormat.TABLE:
        columns = list(rows[0]) if rows else columns
    emit(rows, columns, fmt, title=f"{codebook.name} (version {codebook.version})")


@app.command("validate")
def validate(file: Annotated[Path, typer.Argument(help="Codebook YAML to check.")]) -> None:
    """Check a codebook YAML file; errors name the file, the line and the code.

    Example: research codebook validate my-codebook.yaml
    """
    codebook = load_codebook(file)
    applicable = sum(code.applicable for code in codebook.codes)
    typer.echo(f"{file}: valid, {len(codebook.codes)} codes ({applicable} applicable).")


@app.command("export")
def export(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="File to write (default: print).")
    ] = None,
    study: StudyOption = None,
) -> None:
    """Export the codebook as YAML, the human-edited format.

    Example: research codebook export --out codebook.yaml
    """
    with load_study(study) as opened:
        codebook = opened.codebook()
    if out is None:
        typer.echo(dumps_codebook(codebook), nl=False)
        return
    write_text(out, dumps_codebook(codebook))
    typer.echo(f"Wrote {len(codebook.codes)} codes to {out}.")


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="Edited codebook YAML.")],
    coder: CoderOption = None,
    study: StudyOption = None,
) -> None:
    """Replace the codebook by an edited YAML file; codes that hold codings must remain.

    Example: research codebook import codebook.yaml
    """
    codebook = load_codebook(file)
    with load_study(study) as opened:
        opened.codebooks.import_codebook(codebook, changed_by=coder_name(coder))
    typer.echo(f"Imported {len(codebook.codes)} codes from {file}.")


def _report(change: operations.Change, moved: int) -> None:
    description = change.describe()
    suffix = f"; {moved} codings moved" if moved else ""
    typer.echo(f"{description[:1].upper()}{description[1:]}{suffix}.")


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Name of the new code (its path component).")],
    parent: Annotated[str | None, typer.Option("--parent", help="Parent code path or id.")] = None,
    title: Annotated[str | None, typer.Option(help="Human title.")] = None,
    definition: Annotated[str, typer.Option(help="What the code means.")] = "",
    group_only: Annotated[
        bool, typer.Option("--group-only", help="Grouping node, not applicable.")
    ] = False,
    coder: CoderOption = None,
    study: StudyOption = None,
) -> None:
    """Add a code to the codebook.

    Example: research codebook add housing --parent motives/economy --definition "Loss of housing"
    """
    with load_study(study) as opened:
        change, moved = opened.codebooks.run_operation(
            operations.add_code,
            name=name,
            parent=parent,
            title=title,
            definition=definition,
            group_only=group_only,
            changed_by=coder_name(coder),
        )
    _report(change, moved)


@app.command("rename")
def rename(
    code: CodeArgument,
    new_name: Annotated[str, typer.Argument(help="New name.")],
    coder: CoderOption = None,
    study: StudyOption = None,
) -> None:
    """Rename a code; its id and codings stay, its path (and its children's) change.

    Example: research codebook rename motives/economy/poverty_ruin poverty
    """
    with load_study(study) as opened:
        change, moved = opened.codebooks.run_operation(
            operations.rename_code, code, new_name, changed_by=coder_name(coder)
        )
    _report(change, moved)


@app.command("move")
def move(
    code: CodeArgument,
    new_parent: Annotated[
        str | None, typer.Argument(help="New parent (omit for top level).")
    ] = None,
    coder: CoderOption = None,
    study: StudyOption = None,
) -> None:
    """Move a code under another parent.

    Example: research codebook move clan motives/politics
    """
    with load_study(study) as opened:
        change, moved = opened.codebooks.run_operation(
            operations.move_code, code, new_parent, changed_by=coder_name(coder)
        )
    _report(change, moved)


@app.command("merge")
def merge(
    source: CodeArgument,
    target: Annotated[str, typer.Argument(help="Code that absorbs it.")],
    coder: CoderOption = None,
    study: StudyOption = None,
) -> None:
    """Merge SOURCE into TARGET: SOURCE's codings follow, SOURCE leaves the codebook.

    Example: research codebook merge motives/economy/war_destruction motives/economy/poverty_ruin
    """
    with load_study(study) as opened:
        change, moved = opened.codebooks.run_operation(
            operations.merge_codes, source, target, changed_by=coder_name(coder)
        )
    _report(change, moved)


@app.command("retire")
def retire(code: CodeArgument, coder: CoderOption = None, study: StudyOption = None) -> None:
    """Retire a code: kept with its codings for history, no longer offered for coding.

    Example: research codebook retire motives/politics/weak_governance
    """
    with load_study(study) as opened:
        change, moved = opened.codebooks.run_operation(
            operations.retire_code, code, changed_by=coder_name(coder)
        )
    _report(change, moved)

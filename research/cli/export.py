"""`research export`: codings with their attributes as CSV, XLSX or Parquet files."""

from __future__ import annotations

import importlib.abc
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated

import typer

from research.cli.common import SourceOption, StudyOption, WhereOption, load_study
from research.errors import ResearchError
from research.files import replacing

if TYPE_CHECKING:
    import pyarrow as pa

    from research.services.exports import CodingExport

app = typer.Typer(help="Exports of a study's data for other tools.", no_args_is_help=True)

# A worksheet holds 1,048,576 rows, the header included.
XLSX_MAX_ROWS = 1_048_575


class ExportFormat(StrEnum):
    """The file formats of an export."""

    CSV = "csv"
    XLSX = "xlsx"
    PARQUET = "parquet"


SUFFIXES = {".csv": ExportFormat.CSV, ".xlsx": ExportFormat.XLSX, ".parquet": ExportFormat.PARQUET}


@app.command("codings")
def codings(
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="File to write (default: CSV on standard output)."),
    ] = None,
    fmt: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="csv, xlsx or parquet (default: from the suffix of --out).",
            show_default=False,
        ),
    ] = None,
    code: Annotated[
        str | None, typer.Option("--code", "-c", help="Code path or id (its children included).")
    ] = None,
    coder: Annotated[str | None, typer.Option("--coder", help="Only this coder's codings.")] = None,
    source: SourceOption = None,
    layer: Annotated[
        str | None,
        typer.Option("--layer", help="Only this layer: coder or consensus.", show_default=False),
    ] = None,
    interview_id: Annotated[
        str | None, typer.Option("--interview", "-i", help="Only this interview.")
    ] = None,
    where: WhereOption = None,
    study: StudyOption = None,
) -> None:
    """Export codings, one row each, with their interview's and respondent's attributes.

    Columns: coding_id, interview_id, respondent_id, one per attribute of the data
    dictionary (typed in XLSX and Parquet; several choices joined with ';' in CSV and XLSX,
    a list in Parquet), code_id, code_path, coder, layer, start_offset, end_offset, quote,
    memo, created_at. Without --source every coding of every layer is exported (each row
    names its coder and layer); with one, only the codings that source counts. Codings of
    incomplete interviews are held back (their consent is not known) and counted on
    standard error.

    Spreadsheet safety: in CSV and XLSX a text cell that a spreadsheet would evaluate
    (starting with =, +, -, @, a tab or a carriage return) gets a leading apostrophe, and
    XLSX is written with formulas off. Parquet keeps the text as it is.

    Example: research export codings --out codings.parquet --source consensus --code motives
    """
    chosen = _format(out, fmt)
    from research.services import exports

    with _pandas_refused(), load_study(study) as opened, opened.transaction() as session:
        export = exports.coding_rows(
            session,
            code=code,
            coder=coder,
            source=source,
            layer=layer,
            interview_id=interview_id,
            where=where or [],
            # Parquet is data, not a spreadsheet: its text and lists stay as they are.
            spreadsheet=chosen is not ExportFormat.PARQUET,
        )
        if out is None:
            _write_csv(export, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        else:
            with replacing(out, private=True) as partial:
                if chosen is ExportFormat.CSV:
                    with partial.open("wb") as handle:
                        _write_csv(export, handle)
                elif chosen is ExportFormat.XLSX:
                    _write_xlsx(export, partial)
                else:
                    _write_parquet(export, partial)
    if export.source is not None:
        typer.echo(f"Coding source: {export.source}.", err=True)
    if out is not None:
        noun = "coding" if export.rows == 1 else "codings"
        typer.echo(f"Exported {export.rows} {noun} to {out} ({chosen}).")
    if export.held_back:
        plural = "s" if export.held_back != 1 else ""
        typer.echo(
            f"{export.held_back} coding{plural} of incomplete interviews held back "
            "(consent or required values unknown).",
            err=True,
        )


@contextmanager
def _pandas_refused() -> Iterator[None]:
    """For the block, an import of pandas fails (unless pandas is loaded already).

    pyarrow looks for pandas the first time it turns Python values into an array, and at
    some of its compute calls, to recognise pandas objects, and does so by importing it: a
    third of a second and a hundred MiB that an export, which hands it lists and never a
    pandas object, would spend for nothing. pyarrow takes a failed import as "no pandas";
    the finder is gone once the export is written.
    """
    if "pandas" in sys.modules:
        yield
        return
    sys.meta_path.insert(0, _NO_PANDAS)
    try:
        yield
    finally:
        sys.meta_path.remove(_NO_PANDAS)


class _PandasRefused(importlib.abc.MetaPathFinder):
    """An import finder that answers an import of pandas with ModuleNotFoundError."""

    def find_spec(self, fullname: str, path: object, target: object = None) -> None:
        if fullname == "pandas" or fullname.startswith("pandas."):
            raise ModuleNotFoundError(f"{fullname} is not imported by an export", name=fullname)
        return None


_NO_PANDAS = _PandasRefused()


def _format(out: Path | None, fmt: ExportFormat | None) -> ExportFormat:
    if out is None:
        if fmt not in (None, ExportFormat.CSV):
            raise typer.BadParameter(f"{fmt} is written to a file: give --out FILE")
        return ExportFormat.CSV
    if fmt is not None:
        return fmt
    found = SUFFIXES.get(out.suffix.lower())
    if found is None:
        raise typer.BadParameter(
            f"cannot tell the format of {out.name} from its suffix; "
            "name a .csv, .xlsx or .parquet file or give --format",
            param_hint="--out",
        )
    return found


def _cells(batch: pa.RecordBatch) -> pa.RecordBatch:
    """A batch of spreadsheet cells as CSV cells: yes/no for booleans."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arrays = [
        pc.if_else(values, "yes", "no") if pa.types.is_boolean(values.type) else values
        for values in batch.columns
    ]
    return pa.RecordBatch.from_arrays(arrays, names=batch.schema.names)


def _write_csv(export: CodingExport, sink: IO[bytes]) -> None:
    import pyarrow.csv as pacsv

    # Column names are identifiers: the header needs no quoting.
    sink.write((",".join(export.schema.names) + "\n").encode("utf-8"))
    options = pacsv.WriteOptions(include_header=False, quoting_style="needed")
    for batch in export.batches:
        pacsv.write_csv(_cells(batch), sink, write_options=options)


def _write_parquet(export: CodingExport, path: Path) -> None:
    import pyarrow.parquet as pq

    with pq.ParquetWriter(path, export.schema) as writer:
        for batch in export.batches:
            writer.write_batch(batch)


def _write_xlsx(export: CodingExport, path: Path) -> None:
    import pyarrow as pa
    import xlsxwriter

    from research.services.formulas import XLSX_OPTIONS

    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            # Text stays text: no formulas, links or numbers guessed from cells.
            **XLSX_OPTIONS,
            "remove_timezone": True,
        },
    )
    try:
        sheet = workbook.add_worksheet("codings")
        dates = workbook.add_format({"num_format": "yyyy-mm-dd"})
        times = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        sheet.write_row(0, 0, export.schema.names)
        row_number = 0
        for batch in export.batches:
            if row_number + batch.num_rows > XLSX_MAX_ROWS:
                raise ResearchError(
                    f"{path.name}: more than {XLSX_MAX_ROWS:,} codings do not fit a worksheet; "
                    "export them as CSV or Parquet, or filter them"
                )
            cells = batch
            formats = [
                times
                if pa.types.is_timestamp(column.type)
                else dates
                if pa.types.is_date(column.type)
                else None
                for column in cells.schema
            ]
            columns = [column.to_pylist() for column in cells.columns]
            for values in zip(*columns, strict=True):
                row_number += 1
                for index, value in enumerate(values):
                    if value is None:
                        continue
                    style = formats[index]
                    if style is None:
                        sheet.write(row_number, index, value)
                    else:
                        sheet.write_datetime(row_number, index, value, style)
    finally:
        workbook.close()

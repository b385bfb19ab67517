"""Exports: codings as tidy rows with their interview's and respondent's attributes.

One row source (`coding_rows`) reads codings from the database in batches and joins each
batch to a small table of interviews, column by column with pyarrow; it never builds a
record per coding. Writers (CSV, XLSX, Parquet in the CLI; a REFI-QDA or de-identified
export later) take the same batches. Codings of incomplete interviews are held back:
consent unknown is not consent given.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar, cast

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from analysis.sources import CodingSource, SourceKind
from interviews.dictionary import AttributeType, DataDictionary
from interviews.dictionary.schema import Attribute
from interviews.layers import CODER_LAYER, CONSENSUS_LAYER
from interviews.models import CORE_INTERVIEW_FIELDS
from research.errors import NotFoundError
from research.services import coding_sources, study_info
from research.services.attributes import from_storage
from research.services.bulk import collector_paused
from research.services.codebooks import load_codebook
from research.services.coding_rules import checked_layer
from research.services.filters import matches_all, parse_conditions
from research.services.formulas import inert_strings
from research.services.interview_rows import missing_values
from research.storage import database
from research.storage.tables import CODINGS, InterviewRow, RespondentRow

if TYPE_CHECKING:
    import pyarrow as pa

Frame = TypeVar("Frame", "pa.RecordBatch", "pa.Table")

BATCH_SIZE = 50_000
# The coding's own columns, in export order; attributes come between the ids and the code.
LEADING = ("coding_id", "interview_id", "respondent_id")
TRAILING = (
    "code_id",
    "code_path",
    "coder",
    "layer",
    "start_offset",
    "end_offset",
    "quote",
    "memo",
    "created_at",
)
# The coding's own text columns: with the attributes, what a spreadsheet could evaluate.
OWN_TEXT = ("interview_id", "code_id", "code_path", "coder", "layer", "quote", "memo")


@dataclass(frozen=True)
class AttributeColumn:
    """One dictionary attribute as an export column: its column name, scope and type."""

    column: str
    attribute: Attribute


@dataclass
class CodingExport:
    """What an export of codings holds: its schema, its batches, and what was held back.

    `batches` runs while the session that made the export is open; `held_back` and `rows`
    are complete once every batch has been read.
    """

    schema: pa.Schema
    attributes: list[AttributeColumn]
    batches: Iterator[pa.RecordBatch]
    held_back: int = 0
    rows: int = 0
    spreadsheet: bool = False
    # The coding source asked for, in words; None: every coding of every layer.
    source: str | None = None


def attribute_columns(dictionary: DataDictionary) -> list[AttributeColumn]:
    """Export columns for the dictionary's attributes: interview ones first, then respondent.

    An attribute whose name is one of the coding's own columns gets its scope as a prefix
    (`interview_memo`), so that no column hides another.
    """
    taken = set(LEADING) | set(TRAILING)
    ordered = dictionary.for_scope("interview") + dictionary.for_scope("respondent")
    columns = []
    for attribute in ordered:
        name = attribute.name
        if name in taken:
            name = f"{attribute.scope}_{name}"
        taken.add(name)
        columns.append(AttributeColumn(name, attribute))
    return columns


def arrow_type(attribute: Attribute) -> pa.DataType:
    """The pyarrow type holding an attribute's values."""
    import pyarrow as pa

    return {
        AttributeType.TEXT: pa.string(),
        AttributeType.SINGLE_CHOICE: pa.string(),
        AttributeType.INTEGER: pa.int64(),
        AttributeType.DECIMAL: pa.float64(),
        AttributeType.DATE: pa.date32(),
        AttributeType.YES_NO: pa.bool_(),
        AttributeType.MULTIPLE_CHOICE: pa.list_(pa.string()),
    }[attribute.type]


def export_schema(attributes: Sequence[AttributeColumn]) -> pa.Schema:
    """The schema of exported codings: ids, one column per attribute, the coding itself."""
    import pyarrow as pa

    text, whole = pa.string(), pa.int64()
    leading = [pa.field("coding_id", whole, nullable=False)] + [
        pa.field(name, text, nullable=False) for name in LEADING[1:]
    ]
    middle = [pa.field(column.column, arrow_type(column.attribute)) for column in attributes]
    trailing = [
        pa.field("code_id", text, nullable=False),
        pa.field("code_path", text, nullable=False),
        pa.field("coder", text, nullable=False),
        pa.field("layer", text, nullable=False),
        pa.field("start_offset", whole, nullable=False),
        pa.field("end_offset", whole, nullable=False),
        pa.field("quote", text, nullable=False),
        pa.field("memo", text, nullable=False),
        pa.field("created_at", pa.timestamp("us", tz="UTC"), nullable=False),
    ]
    return pa.schema(leading + middle + trailing)


def coding_rows(
    session: Session,
    *,
    code: str | None = None,
    coder: str | None = None,
    interview_id: str | None = None,
    where: Sequence[str] = (),
    include_children: bool = True,
    batch_size: int = BATCH_SIZE,
    spreadsheet: bool = False,
    layer: str | None = None,
    source: CodingSource | str | None = None,
) -> CodingExport:
    """Codings with their interview's and respondent's attributes, in batches.

    Filters are those of `codings.list_codings`: a code (with its children), a coder, an
    interview, `ATTRIBUTE=VALUE` conditions. Codings of incomplete interviews are left out
    and counted in `held_back`. Bad filters are refused before any batch is read. Rows
    come in the order the codings were made (by `coding_id`). With `spreadsheet`, cells
    come as `spreadsheet_safe` makes them (the attributes of each interview converted once).

    Every row names its coder and layer. Without `source` every coding of every layer is
    exported; with one (`analysis.sources`), only the codings it counts, and the export
    carries the source's label.
    """
    import pyarrow as pa

    dictionary = study_info.load_dictionary(session)
    attributes = attribute_columns(dictionary)
    schema = export_schema(attributes)
    conditions = parse_conditions(dictionary, where)
    codebook = load_codebook(session)
    table = CODINGS.c
    # In the order codings were made: a scan of the table, where text order would read it
    # in a random order (two and a half times slower at a million codings, in the bench).
    query = select(
        table.coding_id,
        table.interview_id,
        table.code_id,
        table.coder,
        table.layer,
        table.start_offset,
        table.end_offset,
        table.quote,
        table.memo,
        table.created_at,
    ).order_by(table.coding_id)
    label = None
    agreed: set[int] | None = None
    if source is not None:
        resolved = coding_sources.resolve_source(session, source)
        label = resolved.label
        counted = resolved.source
        if counted.kind is SourceKind.CONSENSUS:
            query = query.where(table.layer == CONSENSUS_LAYER)
        else:
            query = query.where(table.layer == CODER_LAYER)
        if counted.kind is SourceKind.CODER:
            query = query.where(table.coder == counted.coder)
        elif counted.kind is SourceKind.AGREEMENT:
            ids = coding_sources.select_codings(session, counted)["coding_id"]
            agreed = {int(coding_id) for coding_id in ids}
    if layer is not None:
        query = query.where(table.layer == checked_layer(layer))
    if code is not None:
        chosen = codebook.resolve(code)
        ids = [chosen.code_id]
        if include_children:
            ids += [child.code_id for child in codebook.descendants(chosen.code_id)]
        query = query.where(table.code_id.in_(ids))
    if coder is not None:
        query = query.where(table.coder == coder)
    if interview_id is not None:
        if session.get(InterviewRow, interview_id) is None:
            raise NotFoundError(f"no interview {interview_id!r}")
        query = query.where(table.interview_id == interview_id)
    interviews = _interview_table(session, dictionary, attributes, conditions)
    if spreadsheet:
        schema = spreadsheet_schema(schema)
        interviews = replace(interviews, table=spreadsheet_safe(interviews.table))
    paths = _Paths(
        code_ids=pa.array([item.code_id for item in codebook.codes], pa.string()),
        paths=pa.array([codebook.path_of(item.code_id) for item in codebook.codes], pa.string()),
    )
    export = CodingExport(
        schema=schema,
        attributes=attributes,
        batches=iter(()),
        spreadsheet=spreadsheet,
        source=label,
    )

    def batches() -> Iterator[pa.RecordBatch]:
        with _driver_cursor(session, query) as cursor:
            while True:
                # Fetched, joined and let go of with the collector paused: the batch's
                # tuples are freed before it runs again, so that it never walks them.
                with collector_paused():
                    part = cursor.fetchmany(batch_size)
                    if not part:
                        return
                    if agreed is not None:
                        # The agreement source: only the codings it counts.
                        part = [row for row in part if row[0] in agreed]
                    batch = _joined(part, interviews, paths, schema, export)
                    del part
                if batch.num_rows:
                    export.rows += batch.num_rows
                    yield batch

    export.batches = batches()
    return export


@contextmanager
def _driver_cursor(session: Session, query: Select[Any]) -> Iterator[Any]:
    """A cursor of the database driver running `query`, in the session's transaction.

    At a million codings, SQLAlchemy's row objects and per-value conversions would cost
    more than the rest of the export: the compiled statement runs on the driver's own
    cursor; on PostgreSQL a named cursor streams it from the server instead of fetching
    every row at once.
    """
    connection = session.connection()
    dialect = connection.dialect
    compiled = query.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    parameters: Any = compiled.params
    if dialect.positional:
        parameters = tuple(compiled.params[name] for name in compiled.positiontup or ())
    raw: Any = connection.connection.dbapi_connection
    cursor = raw.cursor(name="research_export") if dialect.name == "postgresql" else raw.cursor()
    try:
        cursor.execute(compiled.string, parameters)
        yield cursor
    except Exception as error:
        # The driver's own cursor passes SQLAlchemy's error hook by: name the study here.
        database.raise_named_fault(connection.engine, error)
        raise
    finally:
        # A reader that stopped early may close this after its session closed the connection.
        with suppress(Exception):
            cursor.close()


@dataclass(frozen=True)
class _Paths:
    """Code ids and their paths, side by side, to look paths up a batch at a time."""

    code_ids: pa.Array
    paths: pa.Array


@dataclass(frozen=True)
class _Interviews:
    """The interviews a batch may join to: kept ones (a table) and held-back ids."""

    kept_ids: pa.Array
    held_back_ids: pa.Array
    table: pa.Table


def _interview_table(
    session: Session,
    dictionary: DataDictionary,
    attributes: Sequence[AttributeColumn],
    conditions: Sequence[Any],
) -> _Interviews:
    """One row per complete interview matching the conditions, with every attribute typed."""
    import pyarrow as pa

    respondents: dict[str, dict[str, Any]] = dict(
        session.execute(select(RespondentRow.respondent_id, RespondentRow.attributes)).all()
    )
    rows = session.execute(
        select(
            InterviewRow.interview_id,
            InterviewRow.respondent_id,
            InterviewRow.interview_date,
            InterviewRow.consent,
            InterviewRow.attributes,
        ).order_by(InterviewRow.interview_id)
    )
    kept: list[tuple[str, str, dict[str, Any]]] = []
    held_back: list[str] = []
    typed_respondents: dict[str, dict[str, Any]] = {}
    for row in rows:
        respondent = respondents[row.respondent_id]
        # Stored JSON was validated on the way in: typed per column below, not per value.
        values = dict(row.attributes)
        values.update(
            (name, getattr(row, name))
            for name in CORE_INTERVIEW_FIELDS
            if getattr(row, name) is not None
        )
        if conditions:
            typed = typed_respondents.get(row.respondent_id)
            if typed is None:
                typed = typed_respondents[row.respondent_id] = from_storage(dictionary, respondent)
            typed_values = {**typed, **from_storage(dictionary, values)}
            if not matches_all(conditions, typed_values):
                continue
        if missing_values(dictionary, values, respondent):
            held_back.append(row.interview_id)
            continue
        kept.append((row.interview_id, row.respondent_id, {**respondent, **values}))
    arrays = [
        pa.array([interview_id for interview_id, _, _ in kept], pa.string()),
        pa.array([respondent_id for _, respondent_id, _ in kept], pa.string()),
    ]
    for column in attributes:
        name = column.attribute.name
        arrays.append(_typed([found.get(name) for _, _, found in kept], column.attribute))
    names = ["interview_id", "respondent_id"] + [column.column for column in attributes]
    table = pa.Table.from_arrays(arrays, names=names)
    return _Interviews(
        kept_ids=table.column("interview_id").combine_chunks(),
        held_back_ids=pa.array(held_back, pa.string()),
        table=table,
    )


def _typed(values: list[Any], attribute: Attribute) -> pa.Array:
    """Stored values of one attribute as an array of its type (dates and decimals are text
    in storage; the interview date is a date column)."""
    import pyarrow as pa

    kind = arrow_type(attribute)
    if attribute.type == AttributeType.DATE:
        values = [date.fromisoformat(item) if isinstance(item, str) else item for item in values]
    elif attribute.type == AttributeType.DECIMAL:
        values = [None if value is None else float(value) for value in values]
    return pa.array(values, kind)


def _joined(
    part: Sequence[Any],
    interviews: _Interviews,
    paths: _Paths,
    schema: pa.Schema,
    export: CodingExport,
) -> pa.RecordBatch:
    """One batch of coding rows joined to their interviews' attributes, held-back ones out."""
    import pyarrow as pa
    import pyarrow.compute as pc

    (
        coding_ids,
        interview_ids,
        code_ids,
        coders,
        layers,
        starts,
        ends,
        quotes,
        memos,
        created,
    ) = zip(*part, strict=True) if part else ([],) * 10
    interview_column = pa.array(interview_ids, pa.string())
    position = pc.index_in(interview_column, value_set=interviews.kept_ids)
    export.held_back += (
        pc.sum(pc.is_in(interview_column, value_set=interviews.held_back_ids)).as_py() or 0
    )
    keep = pc.is_valid(position)
    taken = interviews.table.take(pc.filter(position, keep))
    code_column = pa.array(code_ids, pa.string())
    path_column = paths.paths.take(pc.index_in(code_column, value_set=paths.code_ids))
    own = {
        "coding_id": pa.array(coding_ids, pa.int64()),
        "code_id": code_column,
        "code_path": path_column,
        "coder": pa.array(coders, pa.string()),
        "layer": pa.array(layers, pa.string()),
        "start_offset": pa.array(starts, pa.int64()),
        "end_offset": pa.array(ends, pa.int64()),
        "quote": pa.array(quotes, pa.string()),
        "memo": pa.array(memos, pa.string()),
        "created_at": _timestamps(created),
    }
    arrays = []
    for column in schema:
        if column.name in own:
            arrays.append(pc.filter(own[column.name], keep))
        else:
            arrays.append(taken.column(column.name).combine_chunks())
    batch = pa.RecordBatch.from_arrays(arrays, schema=schema)
    if export.spreadsheet:
        batch = spreadsheet_safe(batch, columns=OWN_TEXT)
    return batch


def _timestamps(values: Sequence[Any]) -> pa.Array:
    """Stored times as UTC timestamps: SQLite gives UTC text without a zone, PostgreSQL
    gives aware datetimes."""
    import pyarrow as pa

    utc = pa.timestamp("us", tz="UTC")
    if values and isinstance(values[0], str):
        return pa.array(values, pa.string()).cast(pa.timestamp("us")).cast(utc)
    return pa.array(values, utc)


def spreadsheet_safe(data: Frame, *, columns: Collection[str] | None = None) -> Frame:
    """A batch or table as spreadsheet cells: lists joined with ';', text that a spreadsheet
    would evaluate made inert (`formulas.inert_text`: a leading apostrophe).

    Numbers, dates and yes/no keep their types; only text can carry a formula. `columns`
    limits the work to those columns (the others are taken as they are).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    arrays = []
    fields = []
    for column, values in zip(data.schema, data.columns, strict=True):
        kind = column.type
        if columns is None or column.name in columns:
            if pa.types.is_list(kind):
                values = pc.binary_join(values, ";")
                kind = pa.string()
            if pa.types.is_string(kind):
                values = inert_strings(values)
        arrays.append(values)
        fields.append(pa.field(column.name, kind, nullable=column.nullable))
    return cast(Frame, type(data).from_arrays(arrays, schema=pa.schema(fields)))


def spreadsheet_schema(schema: pa.Schema) -> pa.Schema:
    """The schema of `spreadsheet_safe` cells: lists become text."""
    import pyarrow as pa

    return pa.schema(
        [
            pa.field(field.name, pa.string(), nullable=field.nullable)
            if pa.types.is_list(field.type)
            else field
            for field in schema
        ]
    )

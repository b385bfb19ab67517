"""Exported codings: one typed row per coding with attributes, filters, incomplete held back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest

from research.errors import NotFoundError, ResearchError
from research.services import exports
from research.services.exports import CodingExport
from research.study import Study
from tests.research.coded_for_export import RISKY, fill, span


@pytest.fixture
def coded(study: Study, tmp_path: Path) -> Study:
    """The export study on the backend under test."""
    return fill(study, tmp_path)


def _table(study: Study, **filters: object) -> tuple[pa.Table, CodingExport]:
    with study.transaction() as session:
        export = exports.coding_rows(session, **filters)  # type: ignore[arg-type]
        table = pa.Table.from_batches(list(export.batches), schema=export.schema)
    return table, export


def test_every_dictionary_attribute_is_a_typed_column(coded: Study) -> None:
    table, _ = _table(coded)
    names = table.schema.names
    dictionary = coded.dictionary()
    assert names[:3] == ["coding_id", "interview_id", "respondent_id"]
    assert names[-9:] == [
        "code_id",
        "code_path",
        "coder",
        "layer",
        "start_offset",
        "end_offset",
        "quote",
        "memo",
        "created_at",
    ]
    assert names[3:-9] == dictionary.names("interview") + dictionary.names("respondent")
    types = dict(zip(names, table.schema.types, strict=True))
    assert types["interview_date"] == pa.date32()
    assert types["consent"] == pa.bool_()
    assert types["language"] == pa.list_(pa.string())
    assert types["birth_year"] == pa.int64()
    assert types["created_at"] == pa.timestamp("us", tz="UTC")


def test_rows_carry_their_interviews_and_respondents_values(coded: Study) -> None:
    table, _ = _table(coded, coder="ben", code="unemployment")
    [row] = table.to_pylist()
    assert row["interview_id"] == "I01" and row["respondent_id"] == "R01"
    assert row["interview_date"] == date(2004, 6, 12)
    assert row["place"] == "martuni"
    assert row["language"] == ["hy", "en"]
    assert row["consent"] is True
    assert row["gender"] == "female" and row["birth_year"] == 1961
    # An optional attribute nobody gave stays empty.
    assert row["departure_year"] is None
    assert row["code_path"] == "motives/economy/unemployment"
    assert row["quote"] == "There was no work at all"


def test_codings_of_incomplete_interviews_are_held_back_and_counted(coded: Study) -> None:
    table, export = _table(coded)
    assert "bare" not in table.column("interview_id").to_pylist()
    assert table.num_rows == export.rows == 4
    assert export.held_back == 1


def test_filters_work_like_code_list(coded: Study) -> None:
    by_parent, _ = _table(coded, code="motives")
    assert by_parent.num_rows == 4
    by_code, _ = _table(coded, code="renewed_war")
    assert by_code.column("interview_id").to_pylist() == ["I02"]
    by_place, export = _table(coded, where=["place=moscow"])
    assert set(by_place.column("interview_id").to_pylist()) == {"I02"}
    # The incomplete interview has no place: it does not match, so is not counted either.
    assert export.held_back == 0
    by_respondent, _ = _table(coded, where=["gender=male", "birth_year=1961"])
    assert set(by_respondent.column("respondent_id").to_pylist()) == {"R02"}
    by_interview, _ = _table(coded, interview_id="I01", coder="ana")
    assert by_interview.column("quote").to_pylist() == [RISKY]


def test_a_filter_matching_nothing_gives_the_schema_and_no_rows(coded: Study) -> None:
    table, export = _table(coded, coder="nobody")
    assert table.num_rows == 0 and export.held_back == 0
    assert "gender" in table.schema.names


def test_an_empty_study_exports_no_rows(study: Study) -> None:
    table, export = _table(study)
    assert table.num_rows == 0 and export.rows == 0 and export.held_back == 0


def test_small_batches_give_the_same_rows_in_the_order_codings_were_made(coded: Study) -> None:
    whole, _ = _table(coded)
    with coded.transaction() as session:
        export = exports.coding_rows(session, batch_size=1)
        batches = list(export.batches)
    assert len(batches) == 4
    assert pa.Table.from_batches(batches).to_pylist() == whole.to_pylist()
    assert whole.column("coding_id").to_pylist() == sorted(whole.column("coding_id").to_pylist())


def test_unknown_filters_are_refused_before_any_row(coded: Study) -> None:
    with coded.transaction() as session, pytest.raises(NotFoundError, match="no interview"):
        exports.coding_rows(session, interview_id="nope")


def test_spreadsheet_cells_neutralise_formulas_and_join_choices(coded: Study) -> None:
    table, _ = _table(coded, interview_id="I01", coder="ana")
    [batch] = table.to_batches()
    [row] = exports.spreadsheet_safe(batch).to_pylist()
    assert row["quote"] == "'" + RISKY
    assert row["memo"] == "'+1 agreed with ben"
    assert row["language"] == "hy;en"
    # Typed values are not text and carry no formula.
    assert row["birth_year"] == 1961 and row["consent"] is True


@pytest.mark.parametrize("text", ["=A1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_each_formula_start_is_neutralised(text: str) -> None:
    batch = pa.RecordBatch.from_pydict({"quote": [text, "plain", None]})
    assert exports.spreadsheet_safe(batch).column(0).to_pylist() == ["'" + text, "plain", None]


def test_an_attribute_named_like_a_coding_column_gets_its_scope_as_prefix(study: Study) -> None:
    dictionary = study.dictionary()
    [interviewer] = [a for a in dictionary.attributes if a.name == "interviewer"]
    coder = interviewer.model_copy(update={"name": "coder"})
    clashing = dictionary.model_copy(update={"attributes": [*dictionary.attributes, coder]})
    names = [column.column for column in exports.attribute_columns(clashing)]
    assert "interview_coder" in names and "coder" not in names


def test_spreadsheet_rows_equal_plain_rows_made_safe(coded: Study) -> None:
    plain, _ = _table(coded)
    cells, export = _table(coded, spreadsheet=True)
    assert cells.schema == exports.spreadsheet_schema(plain.schema)
    assert cells.to_pylist() == exports.spreadsheet_safe(plain).to_pylist()
    assert export.held_back == 1


def test_every_row_names_its_layer_and_a_source_exports_only_its_codings(coded: Study) -> None:
    start, end = span("There was no work at all")
    coded.codings.add_coding(
        interview_id="I02",
        code="unemployment",
        start_offset=start,
        end_offset=end,
        coder="ana",
        layer="consensus",
    )
    coded.codings.add_coding(
        interview_id="I02", code="unemployment", start_offset=start, end_offset=end - 4, coder="ben"
    )
    table, export = _table(coded)
    assert export.source is None
    rows = table.to_pylist()
    assert sorted({row["layer"] for row in rows}) == ["coder", "consensus"]
    assert len(rows) == 6  # five of the coders' own on complete interviews, one consensus

    def chosen(**filters: object) -> list[tuple[str, str, str]]:
        table, _ = _table(coded, **filters)
        return sorted(
            (row["interview_id"], row["coder"], row["layer"]) for row in table.to_pylist()
        )

    assert chosen(source="consensus") == [("I02", "ana", "consensus")]
    assert chosen(layer="coder") == [
        ("I01", "ana", "coder"),
        ("I01", "ben", "coder"),
        ("I02", "ana", "coder"),
        ("I02", "ben", "coder"),
        ("I02", "ben", "coder"),
    ]
    assert chosen(source="coder:ben") == [
        ("I01", "ben", "coder"),
        ("I02", "ben", "coder"),
        ("I02", "ben", "coder"),
    ]
    # ana and ben agree only on "There was no work at all" in I02 (20 of 24 characters).
    assert chosen(source="agreement") == [("I02", "ana", "coder")]
    assert chosen(source="agreement:0.9") == []
    _, export = _table(coded, source="agreement:0.5")
    assert export.source == "agreement of coders ana and ben (overlap ≥ 0.5)"


def test_an_unknown_source_or_layer_is_refused_before_any_row(coded: Study) -> None:
    with pytest.raises(ResearchError, match="no coding source 'pooled'"):
        _table(coded, source="pooled")
    with pytest.raises(ResearchError, match="no coding layer 'adjudicated'"):
        _table(coded, layer="adjudicated")

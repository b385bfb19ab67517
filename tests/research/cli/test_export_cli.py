"""`research export codings`: CSV, XLSX and Parquet read back, formulas neutralised."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from research.study import Study
from tests.research.cli.conftest import Run
from tests.research.coded_for_export import RISKY, RISKY_ATTRIBUTE, fill


@pytest.fixture
def folder(study: Study, tmp_path: Path) -> str:
    """The export study's folder, for --study."""
    fill(study, tmp_path)
    return str(study.folder)


def test_csv_on_standard_output_has_attributes_and_holds_back_incomplete(
    run: Run, folder: str
) -> None:
    result = run("export", "codings", "--study", folder)
    assert result.exit_code == 0, result.stderr
    frame = pd.read_csv(io.StringIO(result.stdout), keep_default_na=False)
    assert len(frame) == 4
    assert {"gender", "birth_year", "place", "language", "code_path", "quote"} <= set(frame)
    assert "bare" not in set(frame["interview_id"])
    first = frame[frame["coder"] == "ben"].iloc[0]
    assert first["language"] == "hy;en"
    assert first["consent"] == "yes"
    assert first["interview_date"] == "2004-06-12"
    assert first["birth_year"] == 1961
    assert "1 coding of incomplete interviews held back" in result.stderr


def test_csv_neutralises_cells_a_spreadsheet_would_evaluate(run: Run, folder: str) -> None:
    result = run("export", "codings", "--study", folder, "--coder", "ana", "--interview", "I01")
    frame = pd.read_csv(io.StringIO(result.stdout), keep_default_na=False)
    assert frame["quote"].tolist() == ["'" + RISKY]
    assert frame["memo"].tolist() == ["'+1 agreed with ben"]
    everyone = pd.read_csv(io.StringIO(run("export", "codings", "--study", folder).stdout))
    assert set(everyone["occupation_before"].dropna()) == {"'" + RISKY_ATTRIBUTE}


def test_xlsx_is_typed_and_holds_no_formula(run: Run, folder: str, tmp_path: Path) -> None:
    out = tmp_path / "codings.xlsx"
    result = run("export", "codings", "--study", folder, "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert "Exported 4 codings" in result.stdout
    frame = pd.read_excel(out)
    assert len(frame) == 4
    assert str(frame["interview_date"].dtype).startswith("datetime64")
    assert frame["birth_year"].dtype == "int64"
    assert frame["consent"].dtype == bool
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell for cell in cells if cell.data_type == "f"]
    values = [cell.value for cell in cells]
    assert "'" + RISKY in values and "'" + RISKY_ATTRIBUTE in values


def test_parquet_keeps_types_and_lists(run: Run, folder: str, tmp_path: Path) -> None:
    out = tmp_path / "codings.parquet"
    assert run("export", "codings", "--study", folder, "--out", str(out)).exit_code == 0
    schema = pq.read_schema(out)
    assert pa.types.is_list(schema.field("language").type)
    assert schema.field("language").type.value_type == pa.string()
    assert schema.field("interview_date").type == pa.date32()
    assert schema.field("created_at").type == pa.timestamp("us", tz="UTC")
    frame = pd.read_parquet(out)
    assert len(frame) == 4
    # Parquet is data, not a spreadsheet: the text stays as it was coded.
    assert RISKY in set(frame["quote"])
    assert list(frame.loc[frame["coder"] == "ben", "language"].iloc[0]) == ["hy", "en"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_an_empty_export_has_the_header_and_no_rows(
    run: Run, folder: str, tmp_path: Path, suffix: str
) -> None:
    out = tmp_path / f"none{suffix}"
    result = run("export", "codings", "--study", folder, "--coder", "nobody", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert "Exported 0 codings" in result.stdout
    reader = {".csv": pd.read_csv, ".xlsx": pd.read_excel, ".parquet": pd.read_parquet}[suffix]
    frame = reader(out)
    assert frame.empty and "quote" in frame.columns


def test_an_unknown_suffix_needs_a_format(run: Run, folder: str, tmp_path: Path) -> None:
    result = run("export", "codings", "--study", folder, "--out", str(tmp_path / "x.txt"))
    assert result.exit_code == 2
    assert "cannot tell the format of x.txt" in result.stderr
    forced = run(
        "export", "codings", "--study", folder, "--out", str(tmp_path / "x.txt"), "-f", "csv"
    )
    assert forced.exit_code == 0 and (tmp_path / "x.txt").read_text().startswith("coding_id,")


def test_a_binary_format_needs_a_file(run: Run, folder: str) -> None:
    result = run("export", "codings", "--study", folder, "--format", "parquet")
    assert result.exit_code == 2 and "give --out FILE" in result.stderr


def test_a_refused_export_writes_no_file(run: Run, folder: str, tmp_path: Path) -> None:
    out = tmp_path / "codings.csv"
    result = run("export", "codings", "--study", folder, "--where", "colour=red", "--out", str(out))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error:") and "colour" in result.stderr
    assert list(tmp_path.glob("*codings.csv*")) == []

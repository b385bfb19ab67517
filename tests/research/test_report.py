"""The report: every table and figure written, reproducible bytes, escaped HTML, filters."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from matplotlib.image import imread

from codebook import operations
from research.report import ReportOptions, write_report
from research.services.analysis_data import study_frames
from research.study import Study, open_study

EXPECTED_FIGURES = {
    "frequencies",
    "crosstabs",
    "groups_by_place",
    "era",
    "motives",
    "cooccurrence",
    "matrix",
    "saturation",
    "agreement",
    "departures",
}


def report_for(study: Study, out: Path, **options: object) -> Path:
    with study.transaction() as session:
        frames = study_frames(session, database="test")
    steps: list[str] = []
    report = write_report(
        frames,
        ReportOptions(out=out, **options),  # type: ignore[arg-type]
        progress=steps.append,
    )
    assert steps[-1] == "report.html"
    assert report.html is not None
    return report.html


@pytest.fixture(scope="module")
def written(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demo study's report, written once for the read-only tests of this module."""
    folder = tmp_path_factory.mktemp("report") / "demo-study"
    shutil.copytree(demo_template, folder)
    with open_study(folder) as study:
        report_for(study, folder / "report")
    yield folder / "report"


def test_every_figure_is_written_as_png_and_svg_and_opens(written: Path) -> None:
    figures = written / "figures"
    assert {p.stem for p in figures.glob("*.png")} == EXPECTED_FIGURES
    assert {p.stem for p in figures.glob("*.svg")} == EXPECTED_FIGURES
    for png in figures.glob("*.png"):
        pixels = imread(png)
        assert pixels.shape[0] > 300 and pixels.shape[1] > 300


def test_tables_are_written_as_csv_markdown_and_one_workbook(written: Path) -> None:
    tables = written / "tables"
    csvs = {p.stem for p in tables.glob("*.csv")}
    assert {
        "frequencies_interviews",
        "crosstab_gender_tests",
        "agreement_character",
        "motive_ranking",
        "cooccurrence_segments",
        "timeline",
    } <= csvs
    assert csvs == {p.stem for p in tables.glob("*.md")}
    assert (tables / "report.xlsx").stat().st_size > 10_000


def test_html_is_self_contained_and_says_the_data_are_fictional(written: Path) -> None:
    page = (written / "report.html").read_text(encoding="utf-8")
    assert "FICTIONAL DEMO DATA" in page
    assert page.count("data:image/svg+xml;base64,") == len(EXPECTED_FIGURES)
    assert "http://" not in page.replace("http://www.w3.org", "")
    assert "Codebook" in page and "version 1" in page
    assert "Krippendorff" in page


def test_motive_ranking_reproduces_the_memo(written: Path) -> None:
    ranking = (written / "tables" / "motive_ranking.csv").read_text(encoding="utf-8")
    lines = ranking.splitlines()
    header = lines[0].split(",")
    rows = [dict(zip(header, line.split(","), strict=False)) for line in lines[1:]]
    assert [row["code_id"] for row in rows] == [
        "unemployment",
        "clans_nepotism",
        "renewed_war",
        "frustration",
    ]
    assert [row["data_rank"] for row in rows] == ["1", "2", "3", "4"]


def test_rerun_gives_byte_identical_svg_and_csv(written: Path, tmp_path: Path) -> None:
    folder = written.parent
    with open_study(folder) as study:
        report_for(study, tmp_path / "again")
    for first in list((written / "figures").glob("*.svg")) + list(
        (written / "tables").glob("*.csv")
    ):
        second = tmp_path / "again" / first.parent.name / first.name
        assert first.read_bytes() == second.read_bytes(), first.name


def test_figures_change_when_the_data_change(demo_study: Study, tmp_path: Path) -> None:
    report_for(demo_study, tmp_path / "before")
    demo_study.codebooks.run_operation(
        operations.merge_codes, "war_destruction", "poverty_ruin", changed_by="test"
    )
    report_for(demo_study, tmp_path / "after")
    for name in ("frequencies.svg", "frequencies.png", "matrix.svg"):
        before = (tmp_path / "before" / "figures" / name).read_bytes()
        assert before != (tmp_path / "after" / "figures" / name).read_bytes(), name


def test_hostile_text_renders_inert(demo_study: Study, tmp_path: Path) -> None:
    hostile = '"><img src=x onerror=alert(1)><script>alert(2)</script>'
    demo_study.codebooks.run_operation(
        operations.update_code, "clan", title=hostile, changed_by="test"
    )
    demo_study.codebooks.run_operation(
        operations.rename_code, "clan", "<script>x", changed_by="test"
    )
    page = report_for(demo_study, tmp_path / "hostile").read_text(encoding="utf-8")
    assert "<script" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;x" in page


def test_filters_and_pdf_are_honoured(demo_study: Study, tmp_path: Path) -> None:
    page = report_for(
        demo_study,
        tmp_path / "martuni",
        where={"place": "martuni"},
        coder="lusine",
        groups=("gender",),
        formats=("png", "svg", "pdf"),
    ).read_text(encoding="utf-8")
    assert "place = martuni" in page
    assert "lusine" in page
    assert "code group = gender" in page
    assert (tmp_path / "martuni" / "figures" / "frequencies.pdf").read_bytes()[:4] == b"%PDF"

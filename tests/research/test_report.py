"""The report: every table and figure written, reproducible bytes, escaped HTML, filters, and
a report for every study (another example study, missing settings, one coder, nothing to show)."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.image import imread

from codebook import Code, default_codebook, operations
from interviews.defaults import default_dictionary
from research.demo import EXAMPLES
from research.report import (
    SECTION_NAMES,
    Report,
    ReportOptions,
    Result,
    Selection,
    html_table,
    planned_steps,
    write_report,
    writer,
)
from research.report.run import iter_results
from research.services import analysis_data, study_info, timeline
from research.services.analysis_data import StudyFrames
from research.study import Study, karabakh_settings, open_study
from research.study_settings import StudySettings
from tests.research.small_study import coded_study, frames_of

EXPECTED_FIGURES = {
    "frequencies",
    "crosstabs",
    "groups",
    "era",
    "ranking",
    "cooccurrence",
    "matrix",
    "saturation",
    "agreement",
    "departures",
}
CENTRAL_ASIA_FIGURES = EXPECTED_FIGURES - {"ranking"}


def report_of(frames: StudyFrames, out: Path, **options: object) -> Report:
    steps: list[str] = []
    report = write_report(
        frames,
        ReportOptions(out=out, **options),  # type: ignore[arg-type]
        progress=steps.append,
    )
    assert steps[-1] == "report.html"
    assert len(steps) <= planned_steps()
    assert report.html is not None and report.markdown is not None
    return report


def report_for(study: Study, out: Path, **options: object) -> Path:
    report = report_of(frames_of(study), out, **options)
    assert report.html is not None
    return report.html


def results_of(study: Study, selection: Selection | None = None) -> dict[str, Result]:
    results = iter_results(frames_of(study), selection or Selection())
    return {result.key: result for result in results}


def left_out(results: dict[str, Result]) -> dict[str, str]:
    return {key: str(result.left_out) for key, result in results.items() if result.left_out}


@pytest.fixture(scope="session")
def written(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demo study's report, written once per run for the read-only tests of this module."""
    folder = tmp_path_factory.mktemp("report") / "demo-study"
    shutil.copytree(demo_template, folder)
    with open_study(folder) as study:
        report_for(study, folder / "report")
    yield folder / "report"


@pytest.fixture(scope="session")
def central_asia_report(
    central_asia_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Report:
    """The Central Asia example study's report, written once."""
    folder = tmp_path_factory.mktemp("report") / "central-asia"
    shutil.copytree(central_asia_template, folder)
    with open_study(folder) as study:
        return report_of(frames_of(study), folder / "report")


# The shipped Karabakh study


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
        "crosstab_place_tests",
        "groups_by_place",
        "agreement_character",
        "ranking",
        "cooccurrence_segments",
        "era_tests",
        "logit_male_breadwinner",
        "regression_models",
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
    assert 'id="left-out"' not in page


def test_markdown_lists_every_section_with_its_figure(written: Path) -> None:
    markdown = (written / "report.md").read_text(encoding="utf-8")
    assert markdown.startswith("# Migration from Nagorno Karabakh (FICTIONAL DEMO DATA): report")
    for name in EXPECTED_FIGURES:
        assert f"(figures/{name}.png)" in markdown
    assert "## Left out" not in markdown


def test_era_labels_and_note_come_from_the_settings(written: Path) -> None:
    markdown = (written / "report.md").read_text(encoding="utf-8")
    assert "## Eras compared by departure year" in markdown
    assert (
        "Era cut: Soviet era (left before the end of 1991): departure_year 1991 or earlier; "
        "Post-Soviet (left 1992 or later): departure_year 1992 or later. The cut is the "
        "study's setting (report.era.cuts: \\[1992\\])"
    ) in markdown
    assert "it was dissolved in December 1991" in markdown
    era = (written / "tables" / "era_counts.csv").read_text(encoding="utf-8")
    assert era.splitlines()[0] == "code_id,soviet,post_soviet,total"


def test_ranking_counts_the_post_soviet_migrants_the_memo_speaks_of(written: Path) -> None:
    ranking = pd.read_csv(written / "tables" / "ranking.csv")
    assert ranking["code_id"].tolist() == [
        "unemployment",
        "clans_nepotism",
        "renewed_war",
        "frustration",
    ]
    # 12 of the 23 respondents left in 1992 or later and are migrants or returnees; among
    # them the first two motives tie, and every interval overlaps every other.
    assert set(ranking["base"]) == {12}
    assert ranking["respondents"].tolist() == [12, 12, 10, 10]
    assert ranking["data_rank"].tolist() == [1, 1, 3, 3]
    assert ranking["rank_best"].tolist() == [1, 1, 1, 1]
    assert ranking["rank_worst"].tolist() == [4, 4, 4, 4]
    markdown = (written / "report.md").read_text(encoding="utf-8")
    section = markdown.split("## The memo's ranked motives against the data")[1].split("\n## ")[0]
    assert "Among n = 12 post-Soviet migrants (era post_soviet; role migrant or returnee" in section
    assert "out of 23 selected respondents" in section
    assert "Era cut: Soviet era (left before the end of 1991)" in section
    assert "Unemployment and no market opportunities: ranks 1–4" in section
    assert "A mention in an interview is not a measure of importance" in section


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


def test_a_report_into_the_same_folder_leaves_no_stale_figure(
    demo_study: Study, tmp_path: Path
) -> None:
    out = tmp_path / "report"
    report_for(demo_study, out)
    assert (out / "figures" / "agreement.png").exists()
    (out / "figures" / "mine.png").write_bytes(b"a researcher's own file")
    report_for(demo_study, out, coder="nobody")
    assert not (out / "figures" / "agreement.png").exists()
    assert not list((out / "tables").glob("*.csv"))
    assert (out / "figures" / "mine.png").read_bytes() == b"a researcher's own file"


# Another study: the Central Asia example


def test_central_asia_report_writes_its_sections_and_says_which_are_left_out(
    central_asia_report: Report,
) -> None:
    assert central_asia_report.message is None
    figures = central_asia_report.folder / "figures"
    assert {p.stem for p in figures.glob("*.png")} == CENTRAL_ASIA_FIGURES
    written = [result.key for result in central_asia_report.written]
    assert written == [name for name in SECTION_NAMES if name not in ("ranking", "regression")]
    reasons = {result.key: result.left_out for result in central_asia_report.left_out}
    assert reasons == {
        "ranking": "the study's settings state no ranking of codes to check (report.ranking)",
        "regression": "the study's settings name no regression (report.regression)",
    }
    page = (central_asia_report.folder / "report.html").read_text(encoding="utf-8")
    assert 'id="left-out"' in page
    assert "the study&#39;s settings name no regression (report.regression)" in page
    markdown = (central_asia_report.folder / "report.md").read_text(encoding="utf-8")
    assert "## Left out" in markdown
    assert "- Logistic regression of code presence on attributes: the study's" in markdown


def test_central_asia_report_uses_its_own_attributes_and_era(central_asia_report: Report) -> None:
    tables = central_asia_report.folder / "tables"
    assert {
        "crosstab_gender_counts",
        "crosstab_origin_country_counts",
        "crosstab_destination_country_counts",
        "groups_by_destination_country",
    } <= {p.stem for p in tables.glob("*.csv")}
    titles = [result.title for result in central_asia_report.written]
    assert "Code groups by destination country" in titles
    assert "Eras compared by first departure year" in titles
    era = next(result for result in central_asia_report.written if result.key == "era")
    assert era.note.startswith(
        "Era cut: Before the patent reform (first left before 2015): first_departure_year 2014 "
        "or earlier; "
    )
    assert "Federal Law No. 357-FZ" in era.note
    counts = (tables / "era_counts.csv").read_text(encoding="utf-8").splitlines()
    assert counts[0] == "code_id,before_2015,from_2015,total"
    assert counts[-1] == "n,7,4,11"


def test_central_asia_report_holds_no_karabakh_code_or_event(central_asia_report: Report) -> None:
    folder = central_asia_report.folder
    page = (folder / "report.html").read_text(encoding="utf-8")
    markdown = (folder / "report.md").read_text(encoding="utf-8")
    karabakh = default_codebook()
    own = {code.display_title for code in EXAMPLES["central-asia"].template().codebook.codes}
    titles = [code.display_title for code in karabakh.codes if code.display_title not in own]
    events = [event.event for event in timeline.default_events()]
    for text in (page, markdown):
        assert not [phrase for phrase in titles + events + ["Karabakh"] if phrase in text]
    paths = set(pd.read_csv(folder / "tables" / "frequencies_interviews.csv")["path"])
    own_codebook = EXAMPLES["central-asia"].template().codebook
    assert paths == {own_codebook.path_of(code.code_id) for code in own_codes()}
    assert not paths & {karabakh.path_of(code.code_id) for code in karabakh.codes}
    shown = pd.read_csv(folder / "tables" / "timeline.csv")["event"].str.split(";").str[0]
    assert "Patent reform" in set(shown) and "Kyrgyzstan joins the EAEU" in set(shown)


def own_codes() -> list[Code]:
    return list(EXAMPLES["central-asia"].template().codebook.codes)


# A study lacking what a section needs


def test_a_study_without_departure_years_leaves_out_era_and_departures(study: Study) -> None:
    coded_study(study, drop=("departure_year",))
    results = results_of(study)
    assert left_out(results) == {
        "era": "no selected respondent has a year in departure_year, the attribute the era "
        "split cuts (report.era.attribute)",
        "ranking": "no selected respondent has a year in departure_year, which the eras of "
        "report.ranking.among need",
        "departures": "no selected respondent has a year in departure_year (report.departures)",
    }
    assert results["crosstabs"].tables and results["frequencies"].figure is not None


def test_a_report_without_departure_years_is_written_not_a_key_error(
    study: Study, tmp_path: Path
) -> None:
    coded_study(study, drop=("departure_year",))
    report = report_of(frames_of(study), tmp_path / "report")
    assert [result.key for result in report.left_out] == ["era", "ranking", "departures"]
    assert "no selected respondent has a year in departure_year" in report.html.read_text(
        encoding="utf-8"
    )  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("settings", "missing"),
    [
        # The ranking counts respondents of one era, so it needs the era split too.
        ({"era": None}, {"era", "ranking"}),
        ({"era": None, "departures": None}, {"era", "ranking", "departures"}),
        ({"ranking": None}, {"ranking"}),
        ({"regression": None}, {"regression"}),
        ({"groups_by": "birth_year"}, {"groups"}),
        ({"groups_by": "no_such_attribute"}, {"groups"}),
    ],
)
def test_a_study_without_a_setting_leaves_out_only_its_section(
    study: Study, settings: dict[str, object], missing: set[str]
) -> None:
    coded_study(study)
    report = karabakh_settings().report.model_copy(update=settings)
    with study.transaction() as session:
        study_info.store_settings(session, StudySettings(report=report))
    reasons = left_out(results_of(study))
    assert set(reasons) == missing
    assert all("report." in reason for reason in reasons.values())


def test_a_study_with_no_settings_at_all_keeps_the_generic_sections(study: Study) -> None:
    coded_study(study)
    with study.transaction() as session:
        study_info.store_settings(session, StudySettings())
    reasons = left_out(results_of(study))
    assert set(reasons) == {"era", "ranking", "regression", "departures"}
    assert reasons["era"] == "the study's settings define no era split (report.era)"


def test_a_dictionary_marking_no_analysis_attribute_leaves_out_crosstabs_and_groups(
    study: Study,
) -> None:
    coded_study(study)
    dictionary = default_dictionary()
    unmarked = [a.model_copy(update={"analysis": False}) for a in dictionary.attributes]
    plain = dictionary.model_copy(update={"attributes": unmarked})
    with study.transaction() as session:
        study_info.store_dictionary(session, plain)
        study_info.store_settings(
            session,
            StudySettings(report=karabakh_settings().report.model_copy(update={"groups_by": None})),
        )
    reasons = left_out(results_of(study))
    assert reasons["crosstabs"] == (
        "the data dictionary marks no attribute for analysis (analysis: true)"
    )
    assert reasons["groups"].startswith("the data dictionary marks no attribute for analysis")


def test_ranked_codes_the_codebook_lacks_are_named(study: Study) -> None:
    coded_study(study)
    settings = karabakh_settings()
    ranking = settings.report.ranking.model_copy(update={"codes": ["unemployment", "nostalgia"]})  # type: ignore[union-attr]
    with study.transaction() as session:
        study_info.store_settings(
            session, StudySettings(report=settings.report.model_copy(update={"ranking": ranking}))
        )
    assert left_out(results_of(study)) == {
        "ranking": "report.ranking names codes the codebook does not have: nostalgia"
    }


def test_a_selection_in_one_era_leaves_out_the_comparison(study: Study) -> None:
    coded_study(study)
    results = results_of(study, Selection(where={"role": "returnee"}))
    assert results["era"].left_out == (
        "every selected respondent falls in one era (Post-Soviet (left 1992 or later)); "
        "comparing eras needs respondents in two"
    )


def test_departures_figure_marks_the_era_cut_the_settings_state(study: Study) -> None:
    coded_study(study)
    figure = results_of(study)["departures"].figure
    assert figure is not None
    cuts = [text for text in figure.texts if text.get_text().startswith("Era cut")]
    assert [(text.get_text(), text.xy[0]) for text in cuts] == [("Era cut: 1991 | 1992", 1991.5)]
    era = karabakh_settings().report.era
    assert era is not None
    report = karabakh_settings().report.model_copy(
        update={"era": era.model_copy(update={"cuts": [1990]})}
    )
    with study.transaction() as session:
        study_info.store_settings(session, StudySettings(report=report))
    moved = results_of(study)["departures"]
    assert moved.figure is not None
    cuts = [text for text in moved.figure.texts if text.get_text().startswith("Era cut")]
    assert [(text.get_text(), text.xy[0]) for text in cuts] == [("Era cut: 1989 | 1990", 1989.5)]
    assert "bold line on the chart marks the era cut" in moved.note


# One coder, codes nobody used, a timeline outside the data, incomplete records


def test_one_coder_gets_every_section_but_agreement(study: Study, tmp_path: Path) -> None:
    coded_study(study, coders=("ana",))
    report = report_of(frames_of(study), tmp_path / "report")
    assert {result.key: result.left_out for result in report.left_out} == {
        "agreement": "agreement needs a second coder: only ana has coded the selected interviews"
    }
    assert len(report.written) == len(SECTION_NAMES) - 1
    assert all(result.files for result in report.written)


def test_codes_nobody_used_are_named_once_and_not_drawn(study: Study) -> None:
    coded_study(study, codes=("unemployment", "virtual_widowhood"))
    results = results_of(study)
    frequencies = results["frequencies"]
    applicable = len(default_codebook().applicable_codes())
    assert f"{applicable - 2} codes were not used in this selection and are not drawn" in (
        frequencies.note
    )
    assert "and " in frequencies.note and "more (every code is in the tables)" in frequencies.note
    assert frequencies.figure is not None
    drawn = [label.get_text() for label in frequencies.figure.get_yticklabels()]
    assert len(drawn) == 2
    assert len(frequencies.tables["frequencies_interviews"]) == len(default_codebook().codes)
    matrix = results["matrix"].figure
    assert matrix is not None and len(matrix.get_xticks()) == 2


def test_a_timeline_outside_the_years_of_departure_is_left_out(study: Study) -> None:
    coded_study(study)
    with study.transaction() as session:
        timeline.replace_events(
            session,
            [event for event in timeline.default_events() if event.event_date.year < 1980],
        )
    departures = results_of(study)["departures"]
    assert departures.title == "Departures by year"
    assert "timeline" not in departures.tables
    assert "No timeline event falls within the years of departure (1985–1999)" in departures.note
    assert departures.figure is not None
    assert not [text for text in departures.figure.texts if "1917" in text.get_text()]


def test_interviews_held_back_as_incomplete_are_counted_in_provenance_and_methods(
    study: Study, tmp_path: Path
) -> None:
    coded_study(study)
    frames = dataclasses.replace(frames_of(study), incomplete=("I9", "I10"))
    report = report_of(frames, tmp_path / "report")
    assert report.provenance["Held back"] == (
        "2 interviews left out of analysis until their records are complete: I9, I10"
    )
    for result in report.written:
        assert "2 interviews held back from analysis because the record is incomplete" in (
            result.note
        ), result.key


# Nothing to show


def test_a_filter_matching_nothing_gives_a_report_that_says_so(
    study: Study, tmp_path: Path
) -> None:
    coded_study(study)
    report = report_of(frames_of(study), tmp_path / "report", where={"gender": "other"})
    assert report.message == (
        "No codings match this selection (gender = other; all coders; all code groups), so "
        "there is nothing to show. No interview has these attribute values."
    )
    assert report.results == []
    page = report.html.read_text(encoding="utf-8")  # type: ignore[union-attr]
    assert "No codings match this selection" in page
    assert not (tmp_path / "report" / "figures").exists()


def test_a_coder_filter_matching_nothing_names_the_coders(study: Study, tmp_path: Path) -> None:
    coded_study(study)
    report = report_of(frames_of(study), tmp_path / "report", coder="nobody")
    assert report.message is not None
    assert "No coder named 'nobody' has stored a coding; the coders are ana, ben." in (
        report.message
    )


def test_an_empty_study_gives_a_report_that_says_so(study: Study, tmp_path: Path) -> None:
    report = report_of(frames_of(study), tmp_path / "report")
    assert report.message is not None
    assert report.message.startswith("The study has no interviews yet")
    markdown = report.markdown.read_text(encoding="utf-8")  # type: ignore[union-attr]
    assert "The study has no interviews yet" in markdown
    assert report.provenance["Interviews"] == "0 (0 with transcripts)"


def test_interviews_without_codings_give_a_report_that_says_so(
    study: Study, tmp_path: Path
) -> None:
    coded_study(study, coders=())
    report = report_of(frames_of(study), tmp_path / "report")
    assert report.message == (
        "The study has no codings yet: code some of its 4 interviews, then ask again."
    )


def test_html_table_numbers_a_few_methods_and_hoists_one() -> None:
    table = pd.DataFrame({"code": ["a", "b", "pooled"], "method": ["per code", "per code", "all"]})
    html, note = html_table(table)
    assert note == "(1) per code (2) all"
    assert html.count("<td>(1)</td>") == 2 and html.count("<td>(2)</td>") == 1
    html, note = html_table(table.assign(method="one"))
    assert note == "one" and "method" not in html


def test_agreement_leads_with_alpha_and_names_its_passes(demo_study: Study) -> None:
    result = results_of(demo_study)["agreement"]
    assert result.note.startswith("Pooled nominal α over codes: interviews 0.")
    assert "; segments 0." in result.note and "; characters 0." in result.note
    assert "percent agreement stands beside it and is not chance-corrected" in result.note
    # The demo's coders marked every interview done: the recorded passes are used.
    assert "Completed passes as recorded" in result.note
    assert "Completed interviews per coder: lusine 26, pavel 26." in result.note
    passes = result.tables["agreement_passes"]
    assert list(passes.columns) == ["coder", "completed"]
    assert len(passes) == 2 and (passes["completed"] > 0).all()
    interview = result.tables["agreement_interview"]
    assert interview["code_id"].iloc[-1] == "(pooled: nominal α over codes)"
    assert list(interview.columns).index("krippendorff_alpha") < list(interview.columns).index(
        "percent_agreement"
    )


# At size: pages show a table's first rows, the workbook every table, frames read in chunks


def test_sheet_names_cut_to_31_characters_stay_distinct() -> None:
    names = ["crosstab_destination_country_code", "crosstab_destination_country_CODE_tests", "a"]
    assert writer.sheet_names(names) == [
        "crosstab_destination_country_co",
        "crosstab_destination_country_~2",
        "a",
    ]


def test_the_workbook_holds_every_table_on_a_sheet_of_its_own(
    central_asia_report: Report,
) -> None:
    tables = central_asia_report.folder / "tables"
    csvs = sorted(tables.glob("*.csv"))
    sheets = pd.read_excel(tables / "report.xlsx", sheet_name=None)
    assert len(sheets) == len(csvs)
    names = [name for result in central_asia_report.results for name in result.tables]
    assert list(sheets) == writer.sheet_names(names)
    assert len({name[:31] for name in names}) < len(names) == len(sheets)
    for name, sheet in zip(names, sheets.values(), strict=True):
        assert len(sheet) == len(pd.read_csv(tables / f"{name}.csv")), name


def test_a_long_table_shows_its_first_rows_on_the_page_and_every_row_in_its_files(
    study: Study, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    coded_study(study)
    monkeypatch.setattr(writer, "PAGE_ROWS", 2)
    page = report_for(study, tmp_path / "report").read_text(encoding="utf-8")
    tables = tmp_path / "report" / "tables"
    assert "The first 2 of 4 rows; every row is in code_matrix.csv and the workbook." in page
    assert len(pd.read_csv(tables / "code_matrix.csv")) == 4
    assert len(pd.read_excel(tables / "report.xlsx", sheet_name="code_matrix")) == 4
    markdown = (tables / "code_matrix.md").read_text(encoding="utf-8")
    assert markdown.count("\n| I") == 2 and "The first 2 of 4 rows" in markdown


def test_codings_read_in_chunks_give_the_same_frame(
    study: Study, monkeypatch: pytest.MonkeyPatch
) -> None:
    coded_study(study)
    whole = frames_of(study).codings
    monkeypatch.setattr(analysis_data, "CHUNK_ROWS", 3)
    chunked = frames_of(study).codings
    assert len(whole) > 3 * 3
    pd.testing.assert_frame_equal(chunked.astype(str), whole.astype(str))
    assert isinstance(chunked["code_id"].dtype, pd.CategoricalDtype)


def test_frames_without_quotes_hold_the_same_codings_and_an_empty_quote(study: Study) -> None:
    coded_study(study)
    with study.transaction() as session:
        quoted = analysis_data.study_frames(session, database="test").codings
        bare = analysis_data.study_frames(session, database="test", quotes=False).codings
    assert quoted["quote"].str.len().gt(0).all()
    assert bare["quote"].isna().all()
    pd.testing.assert_frame_equal(bare.drop(columns="quote"), quoted.drop(columns="quote"))

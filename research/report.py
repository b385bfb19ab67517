"""The study report: every table and figure written to one folder, and one self-contained HTML.

This is the one module that writes report files. It reads the study into frames, calls the
pure functions of `analysis` for tables and charts, and writes CSV, Markdown and XLSX tables,
PNG and SVG (and PDF on request) figures and `report.html`. SVG and CSV files are
byte-identical when the data are unchanged.

Computing the results is separate from writing them: `iter_results` gives the results of
a selection (attribute values, coder, code groups) and `render_sections` gives them with
their figures as SVG bytes in memory, for the web dashboard, writing nothing.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, select_autoescape
from matplotlib.axes import Axes

from analysis import (
    agreement,
    charts,
    cooccurrence,
    coverage,
    crosstabs,
    filters,
    findings,
    frequencies,
    regression,
)
from analysis.frames import presence_matrix
from analysis.style import figure_svg, save_figure
from research.errors import NotFoundError, ResearchError
from research.services.analysis_data import StudyFrames

FIGURE_FORMATS = ("png", "svg", "pdf")
CROSSTAB_ATTRIBUTES = ("gender", "place", "role", "migration_era")
REGRESSION_PREDICTORS = ("gender", "role")
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Selection:
    """Which data results are about: attribute values, one coder, top-level code groups."""

    where: Mapping[str, Any] = field(default_factory=dict)
    coder: str | None = None
    groups: Sequence[str] = ()

    def describe(self) -> str:
        """The selection in words, e.g. 'place = moscow; all coders; all code groups'."""
        return filters.describe_filters(
            where=dict(self.where) or None, coders=self.coder_list(), groups=self.group_list()
        )

    def coder_list(self) -> list[str] | None:
        """The coders whose codings count, or None for all."""
        return [self.coder] if self.coder else None

    def group_list(self) -> list[str] | None:
        """The top-level code groups whose codings count, or None for all."""
        return list(self.groups) or None


@dataclass(frozen=True)
class ReportOptions:
    """What to report on: filters on attributes and coder, figure formats, output folder."""

    out: Path
    where: Mapping[str, Any] = field(default_factory=dict)
    coder: str | None = None
    groups: Sequence[str] = ()
    formats: Sequence[str] = ("png", "svg")

    @property
    def selection(self) -> Selection:
        """The data these options report on."""
        return Selection(where=self.where, coder=self.coder, groups=self.groups)


@dataclass
class Result:
    """One result of the report: its tables, its figure and a short methods note."""

    key: str
    title: str
    note: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    figure: Axes | None = None
    files: list[Path] = field(default_factory=list)


@dataclass
class Report:
    """The results and where they were written."""

    title: str
    provenance: dict[str, str]
    results: list[Result]
    folder: Path
    html: Path | None = None


def write_report(frames: StudyFrames, options: ReportOptions, *, progress: Progress) -> Report:
    """Compute every result, write its files, then write report.html."""
    unknown = [fmt for fmt in options.formats if fmt not in FIGURE_FORMATS]
    if unknown:
        raise ResearchError(
            f"figure format {unknown[0]!r} is not one of {', '.join(FIGURE_FORMATS)}"
        )
    options.out.mkdir(parents=True, exist_ok=True)
    report = Report(
        title=_title(frames),
        provenance=_provenance(frames, options),
        results=[],
        folder=options.out,
    )
    for result in iter_results(frames, options.selection):
        progress(result.title)
        _write_tables(result, options)
        if result.figure is not None:
            figure = result.figure.get_figure(root=True)
            assert figure is not None
            result.files += save_figure(
                figure, options.out / "figures" / result.key, formats=options.formats
            )
            result.figure = None
        report.results.append(result)
    _write_workbook(report)
    report.html = _write_html(report)
    progress("report.html")
    return report


def planned_steps() -> int:
    """How many results a report has (for progress bars)."""
    return len(SECTIONS)


# Every result of the report, in report order, with its title.
SECTION_TITLES = {
    "frequencies": "Code frequencies",
    "crosstabs": "Code prevalence by respondent attributes",
    "groups_by_place": "Code groups by interview place",
    "era": "Soviet-era and post-Soviet migration compared",
    "motives": "The memo's ranked motives against the data",
    "cooccurrence": "Co-occurrence of codes",
    "matrix": "Code-by-interview matrix",
    "coverage": "Coverage: share of each transcript coded",
    "saturation": "Saturation: new codes per interview",
    "agreement": "Intercoder agreement",
    "regression": "Logistic regression of code presence on attributes",
    "departures": "Departures by year and the historical timeline",
}
SECTIONS = tuple(SECTION_TITLES)
# The results that have a figure (coverage and regression are tables only).
FIGURE_SECTIONS = tuple(name for name in SECTIONS if name not in ("coverage", "regression"))


@dataclass(frozen=True)
class SelectionCounts:
    """How much data a selection holds, and the selection in words."""

    interviews: int
    respondents: int
    codings: int
    description: str


def select(frames: StudyFrames, selection: Selection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The (codings, interviews) of a selection.

    An attribute no interview has a value for matches nothing (the frames have no column for
    it), rather than being an error: the data dictionary knows it, the data do not use it yet.
    """
    where = dict(selection.where)
    if any(name not in frames.interviews.columns for name in where):
        return frames.codings.iloc[0:0], frames.interviews.iloc[0:0]
    return filters.select_codings(
        frames.codings,
        frames.interviews,
        where=where or None,
        coders=selection.coder_list(),
        groups=selection.group_list(),
    )


def count_selection(frames: StudyFrames, selection: Selection) -> SelectionCounts:
    """Interviews, respondents and codings a selection holds."""
    codings, interviews = select(frames, selection)
    return SelectionCounts(
        interviews=len(interviews),
        respondents=int(interviews["respondent_id"].nunique()),
        codings=len(codings),
        description=selection.describe(),
    )


def result_steps(
    frames: StudyFrames, selection: Selection, steps: Sequence[str] | None = None
) -> list[tuple[str, Callable[[], Result]]]:
    """Each wanted result (default: all) as (name, function), in report order.

    The selection is applied once, here; an unknown name is refused before any work.
    """
    wanted = list(SECTIONS) if steps is None else list(dict.fromkeys(steps))
    unknown = [name for name in wanted if name not in SECTIONS]
    if unknown:
        raise NotFoundError(
            f"no report section {unknown[0]!r}; the sections are {', '.join(SECTIONS)}"
        )
    codings, interviews = select(frames, selection)
    codes = frames.codes
    present = presence_matrix(codings, interviews, codes)
    context = _Context(frames, codings, interviews, codes, present, selection.describe(), selection)
    return [(name, getattr(context, name)) for name in SECTIONS if name in wanted]


def iter_results(
    frames: StudyFrames, selection: Selection, steps: Sequence[str] | None = None
) -> Iterator[Result]:
    """The wanted results (default: all), computed one at a time, in report order."""
    for _, step in result_steps(frames, selection, steps):
        yield step()


@dataclass(frozen=True)
class RenderedSection:
    """One result ready to show: its tables, its figure as SVG bytes, or why it failed."""

    key: str
    title: str
    note: str
    tables: dict[str, pd.DataFrame]
    svg: bytes | None
    error: str | None = None


def render_sections(
    frames: StudyFrames,
    selection: Selection,
    steps: Sequence[str] | None = None,
    *,
    dpi: int = 100,
) -> list[RenderedSection]:
    """The wanted results with their figures rendered as SVG in memory; no file is written.

    A result that cannot be computed for this selection (too little data for a chart or a
    test) becomes a section that says so, so one result never hides the others.
    """
    sections = []
    for name, step in result_steps(frames, selection, steps):
        try:
            result = step()
            svg = None
            if result.figure is not None:
                figure = result.figure.get_figure(root=True)
                assert figure is not None
                svg = figure_svg(figure, dpi=dpi)
        # Any failure of one analysis on an unusual selection is shown in its own section.
        except Exception as error:
            sections.append(
                RenderedSection(name, SECTION_TITLES[name], "", {}, None, _failure(error))
            )
            continue
        sections.append(RenderedSection(result.key, result.title, result.note, result.tables, svg))
    return sections


def _failure(error: Exception) -> str:
    return f"not computed for this selection ({type(error).__name__}: {error})"


@dataclass
class _Context:
    """The filtered frames every result is computed from."""

    frames: StudyFrames
    codings: pd.DataFrame
    interviews: pd.DataFrame
    codes: pd.DataFrame
    present: pd.DataFrame
    filters: str
    selection: Selection
    crosstabs_done: dict[str, crosstabs.Crosstab] = field(default_factory=dict)

    def crosstab(self, attribute: str) -> crosstabs.Crosstab:
        """Code prevalence by `attribute` among respondents, computed once per report."""
        if attribute not in self.crosstabs_done:
            self.crosstabs_done[attribute] = crosstabs.crosstab(
                self.present, self.interviews, attribute, unit="respondents", codes=self.codes
            )
        return self.crosstabs_done[attribute]

    def note(self, text: str) -> str:
        """A methods note ending with the filters applied and the counts used."""
        return (
            f"{text} Filters: {self.filters}. "
            f"{len(self.interviews)} interviews, {self.interviews['respondent_id'].nunique()} "
            f"respondents, {len(self.codings)} codings."
        )

    def frequencies(self) -> Result:
        tables = {
            f"frequencies_{unit}": frequencies.frequencies(
                self.codings, self.interviews, self.codes, unit=unit
            )
            for unit in ("codings", "interviews", "respondents")
        }
        shown = tables["frequencies_interviews"]
        applicable = shown[
            shown["code_id"].isin(self.codes.loc[self.codes["applicable"], "code_id"])
        ]
        return Result(
            "frequencies",
            SECTION_TITLES["frequencies"],
            self.note(
                "Counts at three units: codings; interviews in which any selected coder "
                "applied the code; respondents with any such interview. Parent codes roll "
                "up their children without counting an interview or respondent twice."
            ),
            tables,
            charts.plot_frequencies(applicable),
        )

    def crosstabs(self) -> Result:
        tables: dict[str, pd.DataFrame] = {}
        methods = []
        for attribute in CROSSTAB_ATTRIBUTES:
            if attribute not in self.interviews.columns:
                continue
            table = self.crosstab(attribute)
            tables[f"crosstab_{attribute}_counts"] = table.counts.reset_index()
            tables[f"crosstab_{attribute}_row_percent"] = table.row_percent.reset_index()
            tables[f"crosstab_{attribute}_column_percent"] = table.column_percent.reset_index()
            tables[f"crosstab_{attribute}_prevalence"] = table.prevalence
            tables[f"crosstab_{attribute}_tests"] = table.tests
            tables[f"crosstab_{attribute}_residuals"] = table.residuals.reset_index()
            methods.append(table.method)
        groups = self.codes.loc[self.codes["depth"] == 0, "code_id"]
        prevalence = tables.get("crosstab_gender_prevalence")
        figure = None
        if prevalence is not None:
            figure = charts.plot_prevalence(
                prevalence[prevalence["code_id"].isin(groups)], attribute="gender", codes=self.codes
            )
        return Result(
            "crosstabs",
            SECTION_TITLES["crosstabs"],
            self.note(" ".join(dict.fromkeys(methods))),
            tables,
            figure,
        )

    def groups_by_place(self) -> Result:
        table = self.crosstab("place")
        top = self.codes.loc[self.codes["depth"] == 0, ["code_id", "title"]]
        counts = table.counts.drop(columns="total", errors="ignore")
        counts = counts.loc[counts.index.isin(top["code_id"])]
        counts.index = counts.index.map(dict(zip(top["code_id"], top["title"], strict=True)))
        return Result(
            "groups_by_place",
            SECTION_TITLES["groups_by_place"],
            self.note(
                f"Respondents mentioning each top-level code group, by place. {table.method}"
            ),
            {"groups_by_place": counts.reset_index(names="group")},
            charts.plot_grouped_bars(
                counts, attribute="Interview place", value_label="Respondents"
            ),
        )

    def era(self) -> Result:
        table = findings.era_comparison(self.present, self.interviews, self.codes)
        return Result(
            "era",
            SECTION_TITLES["era"],
            self.note(table.method),
            {
                "era_counts": table.counts.reset_index(),
                "era_prevalence": table.prevalence,
                "era_tests": table.tests,
                "era_residuals": table.residuals.reset_index(),
            },
            charts.plot_prevalence(
                table.prevalence,
                attribute="migration era",
                codes=self.codes,
                level_labels={
                    findings.SOVIET: "Soviet era (before 1988)",
                    findings.POST_SOVIET: "Post-Soviet (1988 and after)",
                },
            ),
        )

    def motives(self) -> Result:
        ranking = findings.motive_ranking(self.present, self.interviews, self.codes)
        return Result(
            "motives",
            SECTION_TITLES["motives"],
            self.note(str(ranking["method"].iloc[0]) if len(ranking) else ""),
            {"motive_ranking": ranking},
            charts.plot_motive_ranking(ranking, codes=self.codes),
        )

    def cooccurrence(self) -> Result:
        same = cooccurrence.cooccurrence_interviews(self.present, self.codes)
        overlapping = cooccurrence.cooccurrence_segments(self.codings, distance=0)
        return Result(
            "cooccurrence",
            SECTION_TITLES["cooccurrence"],
            self.note(
                "Same interview: interviews in which both codes are present (Jaccard = "
                "both / either). Overlapping segments: pairs of codings of two codes "
                "whose spans overlap in the same interview, found by sorting and "
                "sweeping spans."
            ),
            {"cooccurrence_interviews": same, "cooccurrence_segments": overlapping},
            charts.plot_cooccurrence(same, value="jaccard", codes=self.codes),
        )

    def matrix(self) -> Result:
        matrix = coverage.code_matrix(self.codings, self.interviews, self.codes)
        return Result(
            "matrix",
            SECTION_TITLES["matrix"],
            self.note("Number of codings of each code in each interview."),
            {"code_matrix": matrix.reset_index()},
            charts.plot_code_matrix(matrix, codes=self.codes),
        )

    def coverage(self) -> Result:
        table = coverage.coverage(self.codings, self.interviews)
        return Result(
            "coverage",
            SECTION_TITLES["coverage"],
            self.note(
                "Characters inside at least one coding, per coder, over the "
                "transcript's characters; overlaps are counted once."
            ),
            {"coverage": table},
        )

    def saturation(self) -> Result:
        table = coverage.saturation(self.codings, self.interviews)
        return Result(
            "saturation",
            SECTION_TITLES["saturation"],
            self.note(
                "Interviews in date order; a code is new the first time any "
                "selected coder applies it."
            ),
            {"saturation": table},
            charts.plot_saturation(table),
        )

    def agreement(self) -> Result:
        # Agreement compares coders, so the coder filter does not apply; the others do.
        every_coder = replace(self.selection, coder=None)
        codings, interviews = select(self.frames, every_coder)
        tables = {
            f"agreement_{unit}": agreement.agreement(codings, interviews, self.codes, unit=unit)
            for unit in ("interview", "segment", "character")
        }
        methods = " ".join(
            dict.fromkeys(str(t["method"].iloc[-1]) for t in tables.values() if len(t))
        )
        return Result(
            "agreement",
            SECTION_TITLES["agreement"],
            f"All coders, before the coder filter. {methods} Filters: {every_coder.describe()}.",
            tables,
            charts.plot_agreement(tables["agreement_interview"], codes=self.codes),
        )

    def regression(self) -> Result:
        tables = {}
        for code_id in ("unemployment", "protracted", "virtual_widowhood"):
            if code_id not in self.present.columns:
                continue
            predictors = [p for p in REGRESSION_PREDICTORS if p in self.interviews.columns]
            tables[f"logit_{code_id}"] = regression.logistic_regression(
                self.present, self.interviews, code_id, predictors, unit="respondents"
            )
        notes = " ".join(dict.fromkeys(str(t["method"].iloc[0]) for t in tables.values() if len(t)))
        return Result(
            "regression",
            SECTION_TITLES["regression"],
            self.note(notes),
            tables,
        )

    def departures(self) -> Result:
        departures = findings.departures_by_year(self.interviews)
        events = self.frames.events
        return Result(
            "departures",
            SECTION_TITLES["departures"],
            self.note(
                "Respondents by the year their household first left, by migration "
                "era; timeline events are marked with their source, contested accounts "
                "dashed."
            ),
            {"departures_by_year": departures, "timeline": events},
            charts.plot_departures(departures, events),
        )


def _write_tables(result: Result, options: ReportOptions) -> None:
    tables = options.out / "tables"
    tables.mkdir(exist_ok=True)
    for name, table in result.tables.items():
        csv_path = tables / f"{name}.csv"
        table.to_csv(csv_path, index=False, lineterminator="\n")
        markdown = tables / f"{name}.md"
        markdown.write_text(
            f"# {result.title}: {name}\n\n{table.to_markdown(index=False)}\n\n{result.note}\n",
            encoding="utf-8",
        )
        result.files += [csv_path, markdown]


def _write_workbook(report: Report) -> None:
    path = report.folder / "tables" / "report.xlsx"
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        for result in report.results:
            for name, table in result.tables.items():
                table.to_excel(writer, sheet_name=name[:31], index=False)


def _title(frames: StudyFrames) -> str:
    title = f"{frames.summary.name}: report"
    if frames.summary.fictional and "FICTIONAL" not in title.upper():
        title += " (FICTIONAL DEMO DATA)"
    return title


def _provenance(frames: StudyFrames, options: ReportOptions) -> dict[str, str]:
    summary = frames.summary
    coders = ", ".join(
        f"{name} ({count} codings)" for name, count in summary.codings_per_coder.items()
    )
    where = "; ".join(f"{k} = {v}" for k, v in options.where.items()) or "none"
    return {
        "Study": summary.name,
        "Data": "FICTIONAL demo data, invented for the toolkit; not field data"
        if summary.fictional
        else "field data",
        "Respondents": str(summary.respondents),
        "Interviews": f"{summary.interviews} ({summary.transcripts} with transcripts)",
        "Codings": str(summary.codings),
        "Coders": coders or "none",
        "Codebook": f"{summary.codebook_name}, version {summary.codebook_version}",
        "Filters": f"{where}; coder: {options.coder or 'all coders'}",
        "Generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _write_html(report: Report) -> Path:
    environment = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    template = environment.from_string(
        resources.files("research.templates").joinpath("report.html.j2").read_text("utf-8")
    )
    sections = []
    for result in report.results:
        svg = next((p for p in result.files if p.suffix == ".svg"), None)
        png = next((p for p in result.files if p.suffix == ".png"), None)
        image = None
        if svg is not None:
            image = "data:image/svg+xml;base64," + base64.b64encode(svg.read_bytes()).decode()
        elif png is not None:
            image = "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode()
        sections.append(
            {
                "key": result.key,
                "title": result.title,
                "note": result.note,
                "image": image,
                "tables": [(name, *html_table(table)) for name, table in result.tables.items()],
            }
        )
    page = template.render(
        title=report.title,
        provenance=report.provenance,
        sections=sections,
        fictional="FICTIONAL" in report.title,
    )
    path = report.folder / "report.html"
    path.write_text(page, encoding="utf-8")
    return path


def html_table(table: pd.DataFrame) -> tuple[str, str]:
    """A table as HTML, and its method when one method holds for every row.

    pandas escapes every cell and header; the method, shown once beside the table, is
    escaped by the template.
    """
    method = ""
    if "method" in table.columns and table["method"].nunique(dropna=False) == 1:
        method = str(table["method"].iloc[0])
        table = table.drop(columns="method")
    rendered = table.to_html(
        index=False,
        escape=True,
        border=0,
        classes="data",
        na_rep="",
        float_format=lambda x: f"{x:.3g}",
    )
    return str(rendered), method

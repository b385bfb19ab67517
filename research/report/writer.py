"""Writing the report: tables (CSV, Markdown, XLSX), figures, report.md and report.html.

This is the one module that writes report files. It runs every section of the registry
over the study's frames and writes what each gave; a section the study cannot have is
named in one line with its reason, in report.html, report.md and the command's output.
SVG and CSV files are byte-identical when the data are unchanged. Every file is first
written into a hidden folder inside the output folder; only when all are written are the
files a previous report wrote (listed in `.report-files`) removed, so that a section left
out this time leaves no stale figure behind, and the new ones moved into place. A report
that cannot be written (a full disk, a read-only folder) leaves the previous one as it was.
"""

from __future__ import annotations

import base64
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd
import xlsxwriter
from jinja2 import Environment, select_autoescape

from analysis.style import save_figure
from research.errors import FileWriteError, ResearchError
from research.files import os_error_in, write_fault
from research.report.context import Result
from research.report.markdown import markdown_table, markdown_text
from research.report.run import iter_results
from research.report.sections import SECTIONS
from research.report.selection import Selection, nothing_to_show
from research.services.analysis_data import StudyFrames
from research.services.formulas import XLSX_OPTIONS, inert_frame

FIGURE_FORMATS = ("png", "svg", "pdf")
MANIFEST = ".report-files"
FEW_METHODS = 3
Progress = Callable[[str], None]


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
class Report:
    """The results, where they were written, and why there are none if there are none."""

    title: str
    provenance: dict[str, str]
    results: list[Result]
    folder: Path
    message: str | None = None
    html: Path | None = None
    markdown: Path | None = None

    @property
    def written(self) -> list[Result]:
        """The sections written, in report order."""
        return [result for result in self.results if result.left_out is None]

    @property
    def left_out(self) -> list[Result]:
        """The sections left out, each with its one-line reason."""
        return [result for result in self.results if result.left_out is not None]


# A table longer than this shows its first rows in report.html and in its Markdown file;
# its CSV and the workbook hold every row.
PAGE_ROWS = 200


def planned_steps() -> int:
    """How many steps a report reports to `progress`: each section, the workbook, the pages."""
    return len(SECTIONS) + 2


def write_report(
    frames: StudyFrames, options: ReportOptions, *, progress: Progress | None = None
) -> Report:
    """Compute every section, write its files, then report.md and report.html.

    A selection with nothing to show (an empty study, no codings, a filter that matches
    nothing) gives a report of its provenance and the one line saying so. `progress`, if
    given, is called with the name of each step as it is done (each section's title,
    "report.xlsx", then "report.html"), at most `planned_steps()` times; nothing is printed.
    """
    progress = progress or _quiet
    unknown = [fmt for fmt in options.formats if fmt not in FIGURE_FORMATS]
    if unknown:
        raise ResearchError(
            f"figure format {unknown[0]!r} is not one of {', '.join(FIGURE_FORMATS)}"
        )
    out = options.out
    try:
        out.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".report-", suffix=".partial", dir=out))
    except OSError as error:
        raise FileWriteError(str(out), write_fault(error)) from None
    try:
        report = _write_all(frames, replace(options, out=staging), progress=progress)
        _publish(report, out)
    except Exception as error:
        failure = os_error_in(error)
        if failure is None:
            raise
        raise FileWriteError(str(out), write_fault(failure)) from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    progress("report.html")
    return report


def _quiet(step: str) -> None:
    """No progress to show."""


def _write_all(frames: StudyFrames, options: ReportOptions, *, progress: Progress) -> Report:
    """Every section's files, the workbook, report.md and report.html, into `options.out`."""
    report = Report(
        title=_title(frames),
        provenance=_provenance(frames, options),
        results=[],
        folder=options.out,
        message=nothing_to_show(frames, options.selection),
    )
    if report.message is None:
        # Each result is written (and its figure let go of) before the next is computed.
        for result in iter_results(frames, options.selection, progress=progress):
            _write_result(result, options)
            report.results.append(result)
    _write_workbook(report)
    progress("report.xlsx")
    report.markdown = _write_markdown(report)
    report.html = _write_html(report)
    return report


def _publish(report: Report, out: Path) -> None:
    """Move a report written in full into `out`, over the files of the previous one."""
    staging = report.folder
    _remove_previous(out)

    def moved(path: Path) -> Path:
        return out / path.relative_to(staging)

    for path in sorted(staging.rglob("*")):
        if path.is_file():
            target = moved(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
    for result in report.results:
        result.files = [moved(path) for path in result.files]
    report.markdown = moved(report.markdown) if report.markdown is not None else None
    report.html = moved(report.html) if report.html is not None else None
    report.folder = out
    _write_manifest(report)


def _write_result(result: Result, options: ReportOptions) -> None:
    _write_tables(result, options)
    if result.figure is not None:
        figure = result.figure.get_figure(root=True)
        assert figure is not None
        result.files += save_figure(
            figure, options.out / "figures" / result.key, formats=options.formats
        )
        result.figure = None


def _write_tables(result: Result, options: ReportOptions) -> None:
    if not result.tables:
        return
    tables = options.out / "tables"
    tables.mkdir(exist_ok=True)
    for name, table in result.tables.items():
        csv_path = tables / f"{name}.csv"
        inert_frame(table).to_csv(csv_path, index=False, lineterminator="\n")
        markdown = tables / f"{name}.md"
        shown, cut = first_rows(table, name)
        after = f"{markdown_text(cut)}\n\n" if cut else ""
        markdown.write_text(
            f"# {markdown_text(result.title)}: {markdown_text(name)}\n\n"
            f"{markdown_table(shown)}\n\n{after}{markdown_text(result.note)}\n",
            encoding="utf-8",
        )
        result.files += [csv_path, markdown]


def _write_workbook(report: Report) -> None:
    sheets = [(name, table) for result in report.results for name, table in result.tables.items()]
    if not sheets:
        return
    path = report.folder / "tables" / "report.xlsx"
    # Text stays text: no formula, link or number is guessed from a cell.
    with xlsxwriter.Workbook(path, {**XLSX_OPTIONS, "constant_memory": True}) as book:
        header = book.add_format({"bold": True})
        dated = book.add_format({"num_format": "yyyy-mm-dd"})
        for (_, table), title in zip(
            sheets, sheet_names([name for name, _ in sheets]), strict=True
        ):
            _write_sheet(book.add_worksheet(title), inert_frame(table), header, dated)


def sheet_names(names: Sequence[str]) -> list[str]:
    """Sheet names for tables: at most 31 characters, as a workbook allows, and distinct
    ignoring case; a name cut to the same 31 as an earlier one ends in "~2", "~3", ..."""
    taken: set[str] = set()
    chosen = []
    for name in names:
        title, number = name[:31], 1
        while title.lower() in taken:
            number += 1
            suffix = f"~{number}"
            title = name[: 31 - len(suffix)] + suffix
        taken.add(title.lower())
        chosen.append(title)
    return chosen


def _write_sheet(sheet: Any, table: pd.DataFrame, header: Any, dated: Any) -> None:
    """One table on one sheet, a column at a time: a header row, then the values, blanks
    for missing ones, dates as dates. (Row by row, as constant memory wants, but each
    column made into plain Python values once, not cell by cell through pandas.)"""
    sheet.write_row(0, 0, [str(name) for name in table.columns], header)
    columns = []
    for position in range(table.shape[1]):
        column = table.iloc[:, position]
        if pd.api.types.is_datetime64_any_dtype(column):
            values = [None if pd.isna(v) else v.to_pydatetime() for v in column]
            columns.append((values, dated))
            continue
        plain = column.astype(object).where(column.notna(), None).tolist()
        columns.append(([_plain(value) for value in plain], None))
    for row in range(len(table)):
        for position, (values, style) in enumerate(columns):
            value = values[row]
            if value is not None:
                sheet.write(row + 1, position, value, style)


def _plain(value: Any) -> Any:
    """A cell as xlsxwriter takes it: infinities (which a sheet cannot hold) left blank."""
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return None
    return value


def _remove_previous(folder: Path) -> None:
    """Delete the files the previous report in this folder wrote, and nothing else."""
    manifest = folder / MANIFEST
    if not manifest.is_file():
        return
    for line in manifest.read_text(encoding="utf-8").splitlines():
        path = (folder / line).resolve()
        # Only files inside the report folder, whatever the manifest says.
        if line and path.is_relative_to(folder.resolve()) and path.is_file():
            path.unlink()
    manifest.unlink()


def _write_manifest(report: Report) -> None:
    paths = [path for result in report.results for path in result.files]
    paths += [report.folder / "tables" / "report.xlsx"]
    paths += [path for path in (report.markdown, report.html) if path is not None]
    lines = sorted(
        str(path.relative_to(report.folder)) for path in paths if path.exists()
    )
    (report.folder / MANIFEST).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _title(frames: StudyFrames) -> str:
    title = f"{frames.summary.name}: report"
    if frames.summary.fictional and "FICTIONAL" not in title.upper():
        title += " (FICTIONAL DEMO DATA)"
    return title


def _provenance(frames: StudyFrames, options: ReportOptions) -> dict[str, str]:
    summary = frames.summary
    consensus = summary.consensus_codings
    passes = summary.passes_per_coder
    coders = ", ".join(
        f"{name} ({count} coding{'' if count == 1 else 's'}, {passes.get(name, 0)} of "
        f"{summary.interviews} interview{'' if summary.interviews == 1 else 's'} completed)"
        for name, count in summary.codings_per_coder.items()
    )
    where = "; ".join(f"{k} = {v}" for k, v in options.where.items()) or "none"
    analysed = [a.name for a in frames.dictionary.attributes if a.analysis]
    held = len(frames.incomplete)
    return {
        "Study": summary.name,
        "Data": "FICTIONAL demo data, invented for the toolkit; not field data"
        if summary.fictional
        else "field data",
        "Respondents": str(summary.respondents),
        "Interviews": f"{summary.interviews} ({summary.transcripts} with transcripts)",
        "Held back": (
            f"{held} {'interview' if held == 1 else 'interviews'} left out of analysis until "
            f"their records are complete: {', '.join(frames.incomplete)}"
            if held
            else "none (every interview's record is complete)"
        ),
        "Coding source": frames.source.provenance.removeprefix("Coding source: "),
        "Codings": str(summary.codings)
        + (f" ({consensus} in the consensus layer)" if consensus else ""),
        "Coders": coders or "none",
        "Codebook": f"{summary.codebook_name}, version {summary.codebook_version}",
        "Analysis attributes": ", ".join(analysed) or "none marked in the data dictionary",
        "Filters": f"{where}; coder: {options.coder or 'all coders'}"
        + (f"; code groups: {', '.join(options.groups)}" if options.groups else ""),
        "Generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _link(report: Report, path: Path) -> str:
    """A report file as a Markdown link destination: percent-encoded, so that a space or a
    parenthesis in a file name cannot end it."""
    return quote(path.relative_to(report.folder).as_posix(), safe="/")


def _write_markdown(report: Report) -> Path:
    """report.md: the provenance, each section's note and files, and what was left out.

    Every text from the study (its name, codes, attributes, coders, notes) is escaped by
    `markdown_text`, so that it shows as written and never as markup.
    """
    lines = [f"# {markdown_text(report.title)}", ""]
    if "FICTIONAL" in report.title:
        lines += ["**FICTIONAL DEMO DATA: these are not field data.**", ""]
    lines += [f"- **{key}**: {markdown_text(value)}" for key, value in report.provenance.items()]
    lines.append("")
    if report.message is not None:
        lines += [markdown_text(report.message), ""]
    for result in report.written:
        title = markdown_text(result.title)
        lines += [f"## {title}", "", markdown_text(result.note), ""]
        figures = [p for p in result.files if p.suffix == ".png"] or [
            p for p in result.files if p.parent.name == "figures"
        ]
        if figures:
            lines += [f"![{title}]({_link(report, figures[0])})", ""]
        tables = [p for p in result.files if p.suffix == ".csv"]
        if tables:
            listed = ", ".join(f"[{markdown_text(p.stem)}]({_link(report, p)})" for p in tables)
            lines += [f"Tables: {listed}", ""]
    if report.left_out:
        lines += ["## Left out", ""]
        lines += [
            f"- {markdown_text(result.title)}: {markdown_text(result.left_out)}"
            for result in report.left_out
        ]
        lines.append("")
    path = report.folder / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def first_rows(table: pd.DataFrame, name: str) -> tuple[pd.DataFrame, str]:
    """The rows a page shows of a table, and the line saying so when it is cut."""
    if len(table) <= PAGE_ROWS:
        return table, ""
    return table.head(PAGE_ROWS), (
        f"The first {PAGE_ROWS:,} of {len(table):,} rows; every row is in {name}.csv "
        "and the workbook."
    )


def _write_html(report: Report) -> Path:
    environment = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    template = environment.from_string(
        resources.files("research.templates").joinpath("report.html.j2").read_text("utf-8")
    )
    sections = []
    for result in report.written:
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
                "tables": [
                    (name, *html_table(shown), cut)
                    for name, (shown, cut) in (
                        (name, first_rows(table, name)) for name, table in result.tables.items()
                    )
                ],
            }
        )
    page = template.render(
        title=report.title,
        provenance=report.provenance,
        message=report.message,
        sections=sections,
        left_out=[(result.title, result.left_out) for result in report.left_out],
        fictional="FICTIONAL" in report.title,
    )
    path = report.folder / "report.html"
    path.write_text(page, encoding="utf-8")
    return path


def html_table(table: pd.DataFrame) -> tuple[str, str]:
    """A table as HTML, and its method when one method (or a few) holds for every row.

    With a few methods (agreement per code and pooled), each is numbered in the note and
    the rows keep only its number, so that long methods do not stretch every row. pandas
    escapes every cell and header; the note is escaped by the template.
    """
    method = ""
    if "method" in table.columns:
        methods = list(dict.fromkeys(str(value) for value in table["method"]))
        if len(methods) == 1:
            method = methods[0]
            table = table.drop(columns="method")
        elif len(methods) <= FEW_METHODS:
            number = {text: f"({index})" for index, text in enumerate(methods, start=1)}
            method = " ".join(f"{number[text]} {text}" for text in methods)
            table = table.assign(method=table["method"].astype(str).map(number))
    # A columns name (the attribute of a crosstab) would print as a stray header cell.
    rendered = table.rename_axis(columns=None).to_html(
        index=False,
        escape=True,
        border=0,
        classes="data",
        na_rep="",
        float_format=lambda x: f"{x:.3g}",
    )
    return str(rendered), method

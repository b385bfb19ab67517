"""The study report: a registry of sections, computed from a study's frames, written or rendered.

- `selection`: which data a report is about, and the one line when there is nothing to show;
- `context`: the selected frames and what sections ask of the study (`Result`);
- `sections`: the registry (`SECTIONS`), each section's needs, tables and figure;
- `run`: the sections computed in memory, figures as SVG for the dashboard;
- `writer`: the one module that writes report files (tables, figures, report.md, report.html).
"""

from research.report.context import Result, SectionContext
from research.report.run import RenderedSection, chosen_sections, iter_results, render_sections
from research.report.sections import FIGURE_SECTIONS, SECTION_NAMES, SECTIONS, Section
from research.report.selection import (
    Selection,
    SelectionCounts,
    count_selection,
    nothing_to_show,
    select,
)
from research.report.writer import (
    FIGURE_FORMATS,
    Report,
    ReportOptions,
    html_table,
    planned_steps,
    write_report,
)

__all__ = [
    "FIGURE_FORMATS",
    "FIGURE_SECTIONS",
    "SECTIONS",
    "SECTION_NAMES",
    "RenderedSection",
    "Report",
    "ReportOptions",
    "Result",
    "Section",
    "SectionContext",
    "Selection",
    "SelectionCounts",
    "chosen_sections",
    "count_selection",
    "html_table",
    "iter_results",
    "nothing_to_show",
    "planned_steps",
    "render_sections",
    "select",
    "write_report",
]

"""Running the sections of the registry: results in memory, or figures rendered as SVG.

Nothing here writes a file. `iter_results` gives each wanted section's result in report
order (a section the study cannot have gives a result that says why); `render_sections`
gives them with their figures as SVG bytes, for the web dashboard.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import pandas as pd

from analysis.sources import SourceKind
from analysis.style import figure_svg
from research.errors import NotFoundError
from research.report.context import Result, SectionContext
from research.report.sections import SECTION_NAMES, SECTIONS, Section
from research.report.selection import Selection, nothing_to_show
from research.services.analysis_data import StudyFrames


def chosen_sections(names: Sequence[str] | None = None) -> list[Section]:
    """The sections named (default: all), in report order; an unknown name is refused."""
    if names is None:
        return list(SECTIONS)
    wanted = list(dict.fromkeys(names))
    unknown = [name for name in wanted if name not in SECTION_NAMES]
    if unknown:
        raise NotFoundError(
            f"no report section {unknown[0]!r}; the sections are {', '.join(SECTION_NAMES)}"
        )
    return [section for section in SECTIONS if section.name in wanted]


def run_section(section: Section, context: SectionContext, *, figure: bool = True) -> Result:
    """One section's result, or a result saying in one line why it is left out.

    A section whose needs the study or selection does not meet is left out with its
    reason. An analysis that fails on an unusual selection is left out too, saying so,
    so that one result never hides the others.
    """
    union = context.source.source.kind is SourceKind.UNION
    # The union is never silent: every title says what it counts.
    suffix = f" ({context.source.label})" if union else ""
    title = section.title + suffix
    reason = section.needs(context)
    if reason is not None:
        return Result(section.name, title, left_out=reason)
    try:
        result = section.compute(context)
        result.title += suffix
        if figure and section.figure is not None:
            result.figure = section.figure(context, result)
    # Any failure of one analysis on an unusual selection is shown in its own section.
    except Exception as error:
        return Result(
            section.name,
            title,
            left_out=f"not computed for this selection ({type(error).__name__}: {error})",
        )
    return result


def iter_results(
    frames: StudyFrames,
    selection: Selection,
    names: Sequence[str] | None = None,
    *,
    figures: bool = True,
    progress: Callable[[str], None] | None = None,
) -> Iterator[Result]:
    """The wanted results (default: all), computed one at a time, in report order.

    A selection with nothing to show (see `nothing_to_show`) gives no results. `progress`,
    if given, is called with each result's title once it is computed, before it is given.
    """
    sections = chosen_sections(names)
    if nothing_to_show(frames, selection) is not None:
        return
    context = SectionContext.of(frames, selection)
    for section in sections:
        result = run_section(section, context, figure=figures)
        if progress is not None:
            progress(result.title)
        yield result


@dataclass(frozen=True)
class RenderedSection:
    """One result ready to show: tables, figure as SVG bytes, or why it is left out."""

    key: str
    title: str
    note: str
    tables: dict[str, pd.DataFrame]
    svg: bytes | None
    left_out: str | None = None


def render_sections(
    frames: StudyFrames,
    selection: Selection,
    names: Sequence[str] | None = None,
    *,
    dpi: int = 100,
) -> list[RenderedSection]:
    """The wanted results with their figures rendered as SVG in memory; no file is written."""
    rendered = []
    for result in iter_results(frames, selection, names):
        svg = None
        if result.figure is not None:
            figure = result.figure.get_figure(root=True)
            assert figure is not None
            svg = figure_svg(figure, dpi=dpi)
        rendered.append(
            RenderedSection(
                result.key, result.title, result.note, result.tables, svg, result.left_out
            )
        )
    return rendered

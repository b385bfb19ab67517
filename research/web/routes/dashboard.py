"""The dashboard: the report's tables and figures for a selection, computed in memory.

Results are cached on the app per (selection, section) for one data stamp: any change of
codings, codes, respondents or interviews gives a new stamp and empties the cache.
"""

from __future__ import annotations

import base64
import json
import math
import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import urlencode

import pandas as pd
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from codebook.errors import CodebookError
from interviews.dictionary import AttributeType, DataDictionary
from interviews.errors import InterviewsError
from interviews.layers import CODER_LAYER
from research.errors import NotFoundError, ResearchError
from research.report import (
    FIGURE_SECTIONS,
    SECTION_NAMES,
    SECTIONS,
    RenderedSection,
    Selection,
    SelectionCounts,
    count_selection,
    render_sections,
)
from research.services import activity, coding_sources, codings, filters, study_info
from research.services.analysis_data import study_frames
from research.services.codebooks import load_codebook
from research.study import Study
from research.web.dependencies import SessionDep, StudyDep, render
from research.web.errors import status_of
from research.web.security import require_csrf

router = APIRouter(dependencies=[Depends(require_csrf)])

# What a user looks at first; the others are one tick away.
DEFAULT_SECTIONS = (
    "frequencies",
    "crosstabs",
    "groups",
    "era",
    "ranking",
    "cooccurrence",
    "saturation",
    "agreement",
)
CHOICE_TYPES = (AttributeType.SINGLE_CHOICE, AttributeType.MULTIPLE_CHOICE, AttributeType.YES_NO)
SCREEN_DPI = 100
MAX_SHOWN_ROWS = 200
CACHE_ENTRIES = 256


@dataclass(frozen=True)
class DashboardQuery:
    """The dashboard's query string: conditions, coder, code groups and sections."""

    where: list[str]
    coder: str | None
    groups: list[str]
    sections: list[str]
    source: str | None = None

    def filter_params(self) -> list[tuple[str, str]]:
        """The selection as query parameters (for figure links)."""
        params = [("where", item) for item in self.where]
        if self.source:
            params.append(("source", self.source))
        if self.coder:
            params.append(("coder", self.coder))
        return params + [("group", group) for group in self.groups]


WhereQuery = Annotated[
    list[str] | None, Query(description="ATTRIBUTE=VALUE conditions, e.g. place=moscow.")
]
CoderQuery = Annotated[str | None, Query(description="Only this coder's codings.")]
SourceQuery = Annotated[
    str | None,
    Query(
        description="Coding source: coder:NAME, agreement[:THRESHOLD], consensus or union "
        "(default: consensus where it holds codings, else agreement, else the one coder)."
    ),
]
GroupQuery = Annotated[list[str] | None, Query(description="Only these top-level code groups.")]
SectionsQuery = Annotated[
    list[str] | None,
    Query(description=f"Sections to show (default: {', '.join(DEFAULT_SECTIONS)})."),
]


def dashboard_query(
    where: WhereQuery = None,
    coder: CoderQuery = None,
    group: GroupQuery = None,
    sections: SectionsQuery = None,
    source: SourceQuery = None,
) -> DashboardQuery:
    """The query string read once; empty values (a select left at 'any') are dropped."""
    return DashboardQuery(
        where=_filled(where),
        coder=(coder or "").strip() or None,
        groups=_filled(group),
        sections=_filled(sections),
        source=(source or "").strip() or None,
    )


def _filled(values: list[str] | None) -> list[str]:
    return [value.strip() for value in values or [] if value.strip()]


QueryDep = Annotated[DashboardQuery, Depends(dashboard_query)]


class DashboardCache:
    """Rendered sections and counts per selection, valid while the data stamp holds."""

    def __init__(self, max_entries: int = CACHE_ENTRIES) -> None:
        self.max_entries = max_entries
        self.stamp: str | None = None
        self.entries: OrderedDict[Hashable, Any] = OrderedDict()
        self.lock = threading.Lock()
        # matplotlib's style is process-wide state: one rendering at a time.
        self.computing = threading.Lock()

    def get(self, stamp: str, key: Hashable) -> Any:
        """A cached value for the current data, or None."""
        with self.lock:
            if stamp != self.stamp or key not in self.entries:
                return None
            self.entries.move_to_end(key)
            return self.entries[key]

    def put(self, stamp: str, key: Hashable, value: Any) -> None:
        """Remember a value; a new stamp forgets everything computed from older data."""
        with self.lock:
            if stamp != self.stamp:
                self.entries.clear()
                self.stamp = stamp
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.max_entries:
                self.entries.popitem(last=False)


def get_cache(request: Request) -> DashboardCache:
    """The app's dashboard cache (made with the app)."""
    cache: DashboardCache = request.app.state.dashboard_cache
    return cache


CacheDep = Annotated[DashboardCache, Depends(get_cache)]


@dataclass
class Dashboard:
    """What the page and the API show for one query."""

    selection: Selection
    sections: list[RenderedSection]
    counts: SelectionCounts
    stamp: str
    message: str | None = None
    wanted: list[str] = field(default_factory=list)


def _wanted_sections(query: DashboardQuery) -> list[str]:
    wanted = list(dict.fromkeys(query.sections)) or list(DEFAULT_SECTIONS)
    unknown = [name for name in wanted if name not in SECTION_NAMES]
    if unknown:
        raise NotFoundError(
            f"no dashboard section {unknown[0]!r}; the sections are {', '.join(SECTION_NAMES)}"
        )
    return [name for name in SECTION_NAMES if name in wanted]


def _selection(session: Session, query: DashboardQuery) -> Selection:
    """Typed conditions from the data dictionary; unknown attributes or groups are refused."""
    dictionary = study_info.load_dictionary(session)
    conditions = filters.parse_conditions(dictionary, query.where)
    known_groups = top_groups(session)
    unknown = [group for group in query.groups if group not in known_groups]
    if unknown:
        raise ResearchError(
            f"no top-level code group {unknown[0]!r}; the groups are {', '.join(known_groups)}"
        )
    return Selection(
        where={condition.attribute: condition.value for condition in conditions},
        coder=query.coder,
        groups=tuple(dict.fromkeys(query.groups)),
    )


def top_groups(session: Session) -> dict[str, str]:
    """Top-level code groups: the name codings are grouped by, and the title people read."""
    codebook = load_codebook(session)
    return {code.name: code.display_title for code in codebook.children(None)}


def _key(selection: Selection, source: str | None) -> Hashable:
    where = tuple(
        sorted((name, json.dumps(value, default=str)) for name, value in selection.where.items())
    )
    return (where, selection.coder, tuple(selection.groups), source)


def build_dashboard(
    session: Session, study: Study, cache: DashboardCache, query: DashboardQuery
) -> Dashboard:
    """The dashboard for a query: cached sections, the missing ones computed now."""
    wanted = _wanted_sections(query)
    selection = _selection(session, query)
    stamp = activity.data_stamp(session)
    # The default source is keyed as None: copying a consensus changes the stamp, which
    # forgets what the default gave before.
    key = _key(selection, query.source)
    counts, found = _cached(cache, stamp, key, wanted)
    if not _complete(counts, found, wanted):
        with cache.computing:
            # Another request may have computed them while this one waited.
            counts, found = _cached(cache, stamp, key, wanted)
            if counts is None or not _complete(counts, found, wanted):
                source = coding_sources.source_for_coder(session, query.source, query.coder)
                frames = study_frames(session, database=str(study.folder), source=source)
                counts = count_selection(frames, selection)
                cache.put(stamp, (key, "counts"), counts)
                missing = [name for name in wanted if name not in found]
                if counts.codings > 0 and missing:
                    for section in render_sections(frames, selection, missing, dpi=SCREEN_DPI):
                        cache.put(stamp, (key, section.key), section)
                        found[section.key] = section
    assert counts is not None
    dashboard = Dashboard(selection, [], counts, stamp, wanted=wanted)
    if counts.codings == 0:
        dashboard.message = counts.message
    else:
        dashboard.sections = [found[name] for name in wanted]
    return dashboard


def _cached(
    cache: DashboardCache, stamp: str, key: Hashable, wanted: Sequence[str]
) -> tuple[SelectionCounts | None, dict[str, RenderedSection]]:
    counts: SelectionCounts | None = cache.get(stamp, (key, "counts"))
    found = {name: cache.get(stamp, (key, name)) for name in wanted}
    return counts, {name: section for name, section in found.items() if section is not None}


def _complete(
    counts: SelectionCounts | None, found: dict[str, RenderedSection], wanted: Sequence[str]
) -> bool:
    """Whether the cache holds all a view needs (no sections are needed when nothing matches)."""
    if counts is None:
        return False
    return counts.codings == 0 or all(name in found for name in wanted)


# The page.


@dataclass(frozen=True)
class DisplayTable:
    """A table as the page shows it: headers, cells as text, and its one method if any."""

    name: str
    columns: list[str]
    rows: list[list[str]]
    total_rows: int
    numeric: list[bool]
    method: str


def display_table(
    name: str, table: pd.DataFrame, *, max_rows: int = MAX_SHOWN_ROWS
) -> DisplayTable:
    """Cells as text (numbers to three significant digits); the template escapes them."""
    method = ""
    if "method" in table.columns and table["method"].nunique(dropna=False) == 1:
        method = str(table["method"].iloc[0])
        table = table.drop(columns="method")
    shown = table.head(max_rows)
    numeric = [pd.api.types.is_numeric_dtype(shown[column]) for column in shown.columns]
    rows = [[_cell(value) for value in row] for row in shown.itertuples(index=False, name=None)]
    return DisplayTable(
        name, [str(column) for column in table.columns], rows, len(table), numeric, method
    )


def _cell(value: object) -> str:
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.3g}"
    return str(value)


def _image(svg: bytes | None) -> str | None:
    if svg is None:
        return None
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _form_options(session: Session, query: DashboardQuery) -> dict[str, Any]:
    """The choices the filter form offers, with what the query chose marked."""
    dictionary: DataDictionary = study_info.load_dictionary(session)
    chosen = {}
    for item in query.where:
        name, _, value = item.partition("=")
        chosen[name.strip()] = value.strip()
    attributes = []
    for attribute in dictionary.attributes:
        if attribute.type not in CHOICE_TYPES:
            continue
        if attribute.type == AttributeType.YES_NO:
            options = [("yes", "yes"), ("no", "no")]
        else:
            options = [(choice.value, choice.label) for choice in attribute.choices]
        attributes.append(
            {
                "name": attribute.name,
                "label": attribute.label,
                "scope": attribute.scope,
                "options": options,
                "chosen": chosen.get(attribute.name, ""),
            }
        )
    known_coders = codings.coders(session, layer=CODER_LAYER)
    if query.coder and query.coder not in known_coders:
        known_coders.append(query.coder)
    sources = [("", "default"), ("consensus", "consensus layer")]
    sources += [("agreement", "agreement of coders"), ("union", "union of all coders")]
    sources += [(f"coder:{name}", f"coder {name}'s layer") for name in known_coders]
    return {
        "attributes": attributes,
        "sources": sources,
        "coders": known_coders,
        "groups": top_groups(session),
        "all_sections": [(section.name, section.title) for section in SECTIONS],
    }


@router.get("/dashboard", response_class=HTMLResponse, include_in_schema=False)
def dashboard_page(
    request: Request, session: SessionDep, study: StudyDep, cache: CacheDep, query: QueryDep
) -> HTMLResponse:
    """Filters, counts, and each section's figure, tables and methods note."""
    context: dict[str, Any] = {"query": query, **_form_options(session, query)}
    try:
        dashboard = build_dashboard(session, study, cache, query)
    except (ResearchError, InterviewsError, CodebookError) as error:
        context.update(error=str(error), wanted=query.sections or list(DEFAULT_SECTIONS))
        return render(request, "dashboard.html.j2", context, status_code=status_of(error))
    context.update(
        dashboard=dashboard,
        wanted=dashboard.wanted,
        sections=[
            {
                "key": section.key,
                "title": section.title,
                "note": section.note,
                "left_out": section.left_out,
                "image": _image(section.svg),
                "tables": [display_table(name, table) for name, table in section.tables.items()],
            }
            for section in dashboard.sections
        ],
    )
    return render(request, "dashboard.html.j2", context)


# The API.


class SelectionOut(BaseModel):
    """The selection the results are about."""

    where: dict[str, Any]
    coder: str | None
    groups: list[str]
    description: str
    source: str


class CountsOut(BaseModel):
    """How much data the selection holds."""

    interviews: int
    respondents: int
    codings: int


class SectionOut(BaseModel):
    """One result: tables as records, figure URL and methods note, or why it is left out."""

    key: str
    title: str
    note: str
    figure_url: str | None
    tables: dict[str, list[dict[str, Any]]]
    left_out: str | None


class DashboardOut(BaseModel):
    """The dashboard for a selection."""

    selection: SelectionOut
    counts: CountsOut
    data_stamp: str
    message: str | None
    sections: list[SectionOut]
    available_sections: list[str]


def table_records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """A table as JSON records: missing values as null, dates as ISO text."""
    records: list[dict[str, Any]] = json.loads(
        table.to_json(orient="records", date_format="iso", default_handler=str)
    )
    return records


@router.get("/api/dashboard", tags=["dashboard"])
def dashboard_api(
    session: SessionDep, study: StudyDep, cache: CacheDep, query: QueryDep
) -> DashboardOut:
    """The dashboard's results for a selection; an unknown attribute or section is refused."""
    dashboard = build_dashboard(session, study, cache, query)
    params = query.filter_params()
    return DashboardOut(
        selection=SelectionOut(
            where=json.loads(json.dumps(dict(dashboard.selection.where), default=str)),
            coder=dashboard.selection.coder,
            groups=list(dashboard.selection.groups),
            description=dashboard.counts.description,
            source=dashboard.counts.source,
        ),
        counts=CountsOut(
            interviews=dashboard.counts.interviews,
            respondents=dashboard.counts.respondents,
            codings=dashboard.counts.codings,
        ),
        data_stamp=dashboard.stamp,
        message=dashboard.message,
        sections=[_section_out(section, params) for section in dashboard.sections],
        available_sections=list(SECTION_NAMES),
    )


def _section_out(section: RenderedSection, params: Sequence[tuple[str, str]]) -> SectionOut:
    url = None
    if section.svg is not None:
        url = f"/api/dashboard/figures/{section.key}.svg"
        if params:
            url += "?" + urlencode(params)
    return SectionOut(
        key=section.key,
        title=section.title,
        note=section.note,
        figure_url=url,
        tables={name: table_records(table) for name, table in section.tables.items()},
        left_out=section.left_out,
    )


@router.get(
    "/api/dashboard/figures/{key}.svg",
    tags=["dashboard"],
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}, "description": "The figure as SVG."}},
)
def dashboard_figure(
    session: SessionDep,
    study: StudyDep,
    cache: CacheDep,
    key: Annotated[str, Path(description=f"One of {', '.join(FIGURE_SECTIONS)}.")],
    where: WhereQuery = None,
    coder: CoderQuery = None,
    group: GroupQuery = None,
) -> Response:
    """One section's figure for a selection, as SVG."""
    if key not in FIGURE_SECTIONS:
        raise NotFoundError(
            f"no dashboard figure {key!r}; the figures are {', '.join(FIGURE_SECTIONS)}"
        )
    query = dashboard_query(where=where, coder=coder, group=group, sections=[key])
    dashboard = build_dashboard(session, study, cache, query)
    if not dashboard.sections or dashboard.sections[0].svg is None:
        reason = dashboard.message or dashboard.sections[0].left_out or "the section has no figure"
        raise NotFoundError(f"no {key} figure for this selection: {reason}")
    return Response(
        dashboard.sections[0].svg,
        media_type="image/svg+xml",
        headers={"Cache-Control": "no-store"},
    )

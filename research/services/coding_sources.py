"""Which codings an analysis counts: a coding source resolved against the study.

The kinds of source and how agreement is judged are `analysis.sources`; this module reads
the study's codings, states the default (the consensus layer where it holds codings,
otherwise the agreement of coders when there are two or more, otherwise the one coder's
layer; never a silent union), and gives each source its label for provenance.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.sources import (
    CodingSource,
    SourceError,
    SourceKind,
    choose_default,
    coder_source,
    parse_source,
)
from interviews.layers import CODER_LAYER, CONSENSUS_LAYER
from research.errors import NotFoundError, ResearchError
from research.services.codebooks import load_codebook
from research.storage.tables import CodingRow

if TYPE_CHECKING:
    import pandas as pd

# The columns of `read_codings` and `select_codings`, in order.
CODING_COLUMNS = (
    "coding_id",
    "interview_id",
    "respondent_id",
    "code_id",
    "code_path",
    "coder",
    "layer",
    "start_offset",
    "end_offset",
    "quote",
)


# The words of the default source of a study that nobody has coded yet.
NOTHING_CODED = "none yet (nobody has coded an interview)"


@dataclass(frozen=True)
class ResolvedSource:
    """A coding source as the study gives it: the source, its words, whether it was the
    default, and the coders with a layer of their own."""

    source: CodingSource
    label: str
    default: bool
    coders: tuple[str, ...]

    @property
    def text(self) -> str:
        """The source written as `--source` takes it."""
        return self.source.text

    @property
    def provenance(self) -> str:
        """One line for a report's provenance: 'Coding source: consensus layer (default)'."""
        chosen = " (the default)" if self.default else " (as asked)"
        return f"Coding source: {self.label}{chosen}"


def coder_names(session: Session) -> list[str]:
    """The coders with codings in a layer of their own, by name."""
    query = (
        select(CodingRow.coder)
        .where(CodingRow.layer == CODER_LAYER)
        .distinct()
        .order_by(CodingRow.coder)
    )
    return [str(name) for name in session.scalars(query)]


def _consensus_count(session: Session) -> int:
    query = select(func.count()).select_from(CodingRow).where(CodingRow.layer == CONSENSUS_LAYER)
    return int(session.scalar(query) or 0)


def default_source(session: Session) -> CodingSource:
    """The consensus layer where it holds codings, else the agreement of coders when two
    or more have codings, else the one coder's layer; an error for a study nobody coded."""
    chosen = choose_default(_consensus_count(session), coder_names(session))
    if chosen is None:
        raise ResearchError("the study has no codings yet, so there is no coding source")
    return chosen


def resolve_source(session: Session, source: CodingSource | str | None = None) -> ResolvedSource:
    """A source (written, parsed, or None for the default) checked against the study.

    A coder without codings of their own, agreement with fewer than two coders and a
    consensus layer that holds nothing are refused, naming what the study has.
    """
    coders = coder_names(session)
    default = source is None
    if source is None:
        chosen = choose_default(_consensus_count(session), coders)
        if chosen is None:
            # Nothing coded: a stated source all the same, whose selection is empty, and
            # words that say there is nothing in it rather than naming a layer.
            empty = CodingSource(SourceKind.CONSENSUS)
            return ResolvedSource(empty, NOTHING_CODED, True, ())
    elif isinstance(source, str):
        try:
            chosen = parse_source(source)
        except SourceError as error:
            raise ResearchError(str(error)) from None
    else:
        chosen = source
    if not default:
        _check(session, chosen, coders)
    return ResolvedSource(chosen, chosen.label(coders), default, tuple(coders))


def source_for_coder(
    session: Session, source: CodingSource | str | None, coder: str | None
) -> CodingSource | str | None:
    """The source a request means: as asked; else, when it names a coder with a layer of
    their own, that coder's layer (asking for one coder's codings asks for their layer);
    else None, the default."""
    if source is not None or coder is None:
        return source
    return coder_source(coder) if coder in coder_names(session) else None


def _check(session: Session, source: CodingSource, coders: list[str]) -> None:
    known = ", ".join(coders) or "none yet"
    if source.kind is SourceKind.CODER and source.coder not in coders:
        raise NotFoundError(
            f"coding source {source.text}: no coder {source.coder!r} has codings of their "
            f"own; the coders are {known}"
        )
    if source.kind is SourceKind.AGREEMENT and len(coders) < 2:
        raise ResearchError(
            f"coding source {source.text}: agreement needs two coders, the study has {known}"
        )
    if source.kind is SourceKind.CONSENSUS and not _consensus_count(session):
        raise ResearchError(
            "coding source consensus: the consensus layer holds no codings yet; fill it "
            "with research code copy-layer --from CODER"
        )


def read_codings(session: Session) -> pd.DataFrame:
    """Every coding of every layer, in listing order, with its respondent and code path."""
    # Imported here: the study's frames are read with the coding source this module gives.
    from research.services.analysis_data import read_all_codings

    codebook = load_codebook(session)
    paths = {code.code_id: codebook.path_of(code.code_id) for code in codebook.codes}
    frame = read_all_codings(session)
    frame["code_path"] = frame["code_id"].astype(str).map(paths)
    return frame[list(CODING_COLUMNS)]


def select_codings(
    session: Session, source: CodingSource | str | None = None
) -> pd.DataFrame:
    """The codings `source` counts (default: `default_source`), columns CODING_COLUMNS.

    Incomplete interviews are not left out here; `analysis_data.study_frames` does that.
    """
    from analysis.sources import select_codings as chosen_rows

    resolved = resolve_source(session, source)
    return chosen_rows(read_codings(session), resolved.source).reset_index(drop=True)

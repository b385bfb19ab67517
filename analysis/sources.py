"""Coding sources: which codings an analysis counts, stated rather than assumed.

A source is one of

- `coder:NAME`: one coder's own layer;
- `agreement[:THRESHOLD]`: the codings two coders agree on. A coding of one coder agrees
  with a coding of another when both give the same code in the same interview and their
  spans overlap by at least THRESHOLD as a Jaccard index of characters (shared characters
  over the characters either covers; default 0.5). Of an agreeing pair the coding of the
  coder whose name sorts first stands for it;
- `consensus`: the consensus layer;
- `union`: every coder's codings together, only when asked for and labelled so.

Everything here works on plain frames with the columns `interview_id`, `code_id`, `coder`,
`layer`, `start_offset`, `end_offset`; the shell reads them from the study.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from interviews.layers import CODER_LAYER, CONSENSUS_LAYER

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_THRESHOLD = 0.5


class SourceKind(StrEnum):
    """The kinds of coding source, as written before the first ':'."""

    CODER = "coder"
    AGREEMENT = "agreement"
    CONSENSUS = "consensus"
    UNION = "union"


SOURCE_FORMS = ("coder:NAME", "agreement[:THRESHOLD]", "consensus", "union")


class SourceError(ValueError):
    """A coding source that cannot be read, named with the forms there are."""


@dataclass(frozen=True)
class CodingSource:
    """Which codings count: a kind, and the coder or overlap threshold it needs."""

    kind: SourceKind
    coder: str | None = None
    threshold: float | None = None

    @property
    def text(self) -> str:
        """The source as `parse_source` reads it, e.g. 'coder:ani' or 'agreement:0.5'."""
        if self.kind is SourceKind.CODER:
            return f"coder:{self.coder}"
        if self.kind is SourceKind.AGREEMENT:
            return f"agreement:{_number(self.threshold)}"
        return str(self.kind)

    def label(self, coders: Sequence[str] = ()) -> str:
        """The source in words, for titles and provenance; `coders` are the coders with a
        layer of their own (agreement and union name them)."""
        named = _names(coders)
        if self.kind is SourceKind.CODER:
            return f"coder {self.coder}'s layer"
        if self.kind is SourceKind.CONSENSUS:
            return "consensus layer"
        if self.kind is SourceKind.UNION:
            return f"union of all coders ({named})" if coders else "union of all coders"
        overlap = f"overlap ≥ {_number(self.threshold)}"
        if len(coders) > 2:
            return f"agreement of at least two of coders {named} ({overlap})"
        return f"agreement of coders {named} ({overlap})"


def coder_source(name: str) -> CodingSource:
    """One coder's layer."""
    return CodingSource(SourceKind.CODER, coder=name)


def agreement_source(threshold: float = DEFAULT_THRESHOLD) -> CodingSource:
    """The codings two coders agree on, spans overlapping by at least `threshold`."""
    return CodingSource(SourceKind.AGREEMENT, threshold=_threshold(str(threshold), threshold))


CONSENSUS = CodingSource(SourceKind.CONSENSUS)
UNION = CodingSource(SourceKind.UNION)


def parse_source(text: str) -> CodingSource:
    """A source from its written form (see the module); a clear error for anything else."""
    written = text.strip()
    kind, _, rest = written.partition(":")
    kind = kind.strip().lower()
    forms = ", ".join(SOURCE_FORMS)
    if kind == SourceKind.CODER:
        name = rest.strip()
        if not name:
            raise SourceError(f"coding source {text!r} names no coder; write coder:NAME")
        return coder_source(name)
    if kind == SourceKind.AGREEMENT:
        if not rest.strip():
            return agreement_source()
        try:
            value = float(rest)
        except ValueError:
            raise SourceError(
                f"coding source {text!r}: the overlap threshold must be a number "
                "above 0 and at most 1, e.g. agreement:0.5"
            ) from None
        return CodingSource(SourceKind.AGREEMENT, threshold=_threshold(text, value))
    if kind in (SourceKind.CONSENSUS, SourceKind.UNION):
        if rest:
            raise SourceError(f"coding source {text!r}: {kind} takes nothing after it")
        return CONSENSUS if kind == SourceKind.CONSENSUS else UNION
    raise SourceError(f"no coding source {text!r}; the sources are {forms}")


def _threshold(text: str, value: float) -> float:
    if not 0 < value <= 1 or value != value:
        raise SourceError(
            f"coding source {text!r}: the overlap threshold must be above 0 and at most 1"
        )
    return float(value)


def _number(value: float | None) -> str:
    return f"{value:g}" if value is not None else ""


def _names(coders: Sequence[str]) -> str:
    names = list(coders)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def choose_default(consensus_codings: int, coders: Sequence[str]) -> CodingSource | None:
    """The default source: the consensus layer where it holds codings, else the agreement
    of coders when there are two or more, else the one coder's layer (None: no coder)."""
    if consensus_codings:
        return CONSENSUS
    if len(coders) >= 2:
        return agreement_source()
    if coders:
        return coder_source(coders[0])
    return None


def select_codings(codings: pd.DataFrame, source: CodingSource) -> pd.DataFrame:
    """The rows of `codings` (every layer) that `source` counts, in their given order."""
    layer = codings["layer"]
    if source.kind is SourceKind.CONSENSUS:
        return codings[layer == CONSENSUS_LAYER]
    own = codings[layer == CODER_LAYER]
    if source.kind is SourceKind.CODER:
        return own[own["coder"] == source.coder]
    if source.kind is SourceKind.UNION:
        return own
    return agreed_codings(own, threshold=source.threshold or DEFAULT_THRESHOLD)


def agreed_codings(codings: pd.DataFrame, *, threshold: float) -> pd.DataFrame:
    """The codings of coders' layers that another coder agrees with (see the module):
    of each agreeing pair, the coding of the coder whose name sorts first."""
    import numpy as np

    keys = ["interview_id", "code_id"]
    spans = codings.loc[:, [*keys, "coder", "start_offset", "end_offset"]].copy()
    spans["row"] = np.arange(len(spans))
    pairs = spans.merge(spans, on=keys, suffixes=("", "_other"))
    pairs = pairs[pairs["coder"].astype(str) < pairs["coder_other"].astype(str)]
    shared = (
        np.minimum(pairs["end_offset"], pairs["end_offset_other"])
        - np.maximum(pairs["start_offset"], pairs["start_offset_other"])
    ).clip(lower=0)
    either = (
        (pairs["end_offset"] - pairs["start_offset"])
        + (pairs["end_offset_other"] - pairs["start_offset_other"])
        - shared
    )
    agreed = pairs.loc[(shared / either) >= threshold, "row"].unique()
    return codings.iloc[np.sort(agreed)]


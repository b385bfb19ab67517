"""What every section is computed from: the selected frames, the study's dictionary and settings.

A `SectionContext` applies a selection once and answers the questions sections ask of a
study: which attributes are marked for analysis, whether the selected interviews hold
values for an attribute, which codes were used, and how a methods note ends.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.axes import Axes

from analysis import crosstabs
from analysis.frames import presence_matrix
from analysis.multiple_testing import leaf_codes
from interviews.dictionary import AttributeType
from research.report.selection import Selection, select
from research.services.analysis_data import StudyFrames
from research.services.coding_sources import ResolvedSource
from research.study_settings import ReportSettings

# Past this many, the codes a figure leaves out are counted rather than all named.
NAMED_UNUSED = 15


@dataclass
class Result:
    """One section of the report: its tables, figure and methods note, or why it is left out.

    `left_out` is the one line saying why the section could not be computed for this study
    or selection; a left-out result has no tables and no figure.
    """

    key: str
    title: str
    note: str = ""
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    figure: Axes | None = None
    files: list[Path] = field(default_factory=list)
    left_out: str | None = None


@dataclass
class SectionContext:
    """The frames of one selection, and what sections ask of the study about them."""

    frames: StudyFrames
    selection: Selection
    codings: pd.DataFrame
    interviews: pd.DataFrame
    present: pd.DataFrame
    crosstabs_done: dict[str, crosstabs.Crosstab] = field(default_factory=dict)
    # What one section computes and others read (the test family, the era table), once.
    memo: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, frames: StudyFrames, selection: Selection) -> SectionContext:
        """The context of a selection: filters applied once, presence computed once."""
        codings, interviews = select(frames, selection)
        present = presence_matrix(codings, interviews, frames.codes)
        return cls(frames, selection, codings, interviews, present)

    @property
    def codes(self) -> pd.DataFrame:
        """The codes frame of the study's codebook."""
        return self.frames.codes

    @property
    def source(self) -> ResolvedSource:
        """The coding source the codings come from, and its label."""
        return self.frames.source

    @property
    def settings(self) -> ReportSettings:
        """The study's report settings."""
        return self.frames.settings.report

    def analysis_attributes(self) -> list[str]:
        """The attributes the data dictionary marks for analysis, in dictionary order."""
        attributes = self.frames.dictionary.attributes
        return [attribute.name for attribute in attributes if attribute.analysis]

    def known(self, attribute: str) -> bool:
        """Whether the data dictionary or the data know an attribute of that name."""
        return attribute in self.frames.dictionary.names() or attribute in self.frames.interviews

    def has_values(self, attribute: str) -> bool:
        """Whether any selected interview (or its respondent) has a value for `attribute`."""
        return attribute in self.interviews.columns and bool(
            self.interviews[attribute].notna().any()
        )

    def has_years(self, attribute: str) -> bool:
        """Whether any selected interview has a number (a year) in `attribute`."""
        if attribute not in self.interviews.columns:
            return False
        return bool(pd.to_numeric(self.interviews[attribute], errors="coerce").notna().any())

    def label(self, attribute: str) -> str:
        """An attribute's label from the data dictionary, else its name in words."""
        if attribute in self.frames.dictionary.names():
            return self.frames.dictionary.attribute(attribute).label
        return attribute.replace("_", " ").capitalize()

    def level_labels(self, attribute: str) -> dict[str, str]:
        """The labels of a choice attribute's values, from the data dictionary."""
        if attribute not in self.frames.dictionary.names():
            return {}
        described = self.frames.dictionary.attribute(attribute)
        if described.type == AttributeType.YES_NO:
            return {"True": "Yes", "False": "No"}
        return {choice.value: choice.label for choice in described.choices}

    def crosstab(self, attribute: str) -> crosstabs.Crosstab:
        """Code prevalence by `attribute` among respondents, computed once per report.

        Codes without children are tested (p_adjusted is left to the report's test family);
        an attribute that is the era split's (its year or the choice its years fall in) is
        described only, since the era comparison tests it.
        """
        if attribute not in self.crosstabs_done:
            era = self.settings.era
            by_era = attribute in self.era_attributes() and era is not None
            self.crosstabs_done[attribute] = crosstabs.crosstab(
                self.present, self.interviews, attribute, unit="respondents", codes=self.codes,
                correction=None, tested=[] if by_era else leaf_codes(self.codes),
                untested=(
                    f"{attribute} is the era split's attribute, tested once in the era "
                    f"comparison (report.era: {era.attribute})"
                    if by_era and era is not None
                    else "a parent code, described only (its children are tested)"
                ),
            )  # fmt: skip
        return self.crosstabs_done[attribute]

    def era_attributes(self) -> set[str]:
        """The era split's year attribute and the choice attribute its years fall in
        (`within_choice_years` in the data dictionary): one question, tested once."""
        era = self.settings.era
        if era is None:
            return set()
        names = {era.attribute}
        if era.attribute in self.frames.dictionary.names():
            linked = self.frames.dictionary.attribute(era.attribute).within_choice_years
            if linked is not None:
                names.add(linked)
        return names

    def used_codes(self) -> set[str]:
        """Codes present in any selected interview (a parent where any code below it is)."""
        used = self.present.any(axis=0)
        return {str(code_id) for code_id in used.index[used.to_numpy()]}

    def top_groups(self) -> list[str]:
        """The names of the codebook's top-level codes (the code groups)."""
        return [str(name) for name in self.codes.loc[self.codes["depth"] == 0, "name"]]

    def unused_line(self, code_ids: Iterable[str], *, where: str = "in this selection") -> str:
        """One line naming the codes of `code_ids` nobody used, which figures leave out."""
        used = self.used_codes()
        titles = dict(zip(self.codes["code_id"], self.codes["title"], strict=True))
        unused = [titles[code_id] for code_id in code_ids if code_id not in used]
        if not unused:
            return ""
        named = "; ".join(unused[:NAMED_UNUSED])
        if len(unused) > NAMED_UNUSED:
            named += f"; and {len(unused) - NAMED_UNUSED} more (every code is in the tables)"
        codes = "code was" if len(unused) == 1 else "codes were"
        return f"{len(unused)} {codes} not used {where} and are not drawn: {named}."

    def note(self, text: str, *more: str) -> str:
        """A methods note ending with the filters, the counts used and what was held back."""
        parts = [_sentence(text), *(_sentence(part) for part in more)]
        parts.append(f"Coding source: {self.source.label}.")
        parts.append(f"Filters: {self.selection.describe()}.")
        parts.append(
            f"{len(self.interviews)} interviews, {self.interviews['respondent_id'].nunique()} "
            f"respondents, {len(self.codings)} codings."
        )
        parts.append(held_back_line(self.frames))
        return " ".join(part for part in parts if part)


def held_back_line(frames: StudyFrames) -> str:
    """One sentence on the interviews held back from analysis as incomplete ('' for none)."""
    held = len(frames.incomplete)
    if not held:
        return ""
    interviews = "interview" if held == 1 else "interviews"
    return (
        f"{held} {interviews} held back from analysis because the record is incomplete "
        "(consent or other required fields not yet filled)."
    )


def _sentence(text: str) -> str:
    """Text as a sentence: first letter capital, a full stop at the end ('' stays '')."""
    text = text.strip()
    if not text:
        return ""
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?", ")")) else text + "."

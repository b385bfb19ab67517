"""A study's analysis settings: what its report computes beyond the generic sections.

Which attributes the report crosses codes with is marked in the data dictionary
(`analysis: true` on an attribute). Everything else that depends on one study's questions
lives here, never in the shell: the era split (a year attribute and its cut points), the
attribute whose departures are drawn against the timeline, a ranked list of codes to check
against the data (a memo's ranking), the regression to fit, and the attributes of the
report's two summary figures. A study without a setting simply has no such section; the
report says why in one line.

Settings are kept in the database (study_info) as JSON and exchanged as YAML
(`settings.yaml` in a study template).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from research.errors import StudySettingsError

SETTINGS_YAML = "settings.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EraSplit(_Strict):
    """Eras cut from a year attribute: `cuts` are the first years of each later era.

    With `cuts: [1992]`, a year below 1992 falls in the first era and 1992 or later in the
    second. `names` (stored values) and `labels` (what the report prints, stating the cut)
    have one entry per era.
    """

    attribute: str
    cuts: list[int] = Field(min_length=1)
    names: list[str]
    labels: list[str]
    code_groups: list[str] = Field(default_factory=list)
    note: str = ""

    @model_validator(mode="after")
    def _eras_fit_cuts(self) -> EraSplit:
        if any(later <= earlier for earlier, later in zip(self.cuts, self.cuts[1:], strict=False)):
            raise ValueError("era cuts must be increasing years")
        eras = len(self.cuts) + 1
        if len(self.names) != eras or len(self.labels) != eras:
            raise ValueError(
                f"{len(self.cuts)} cut(s) make {eras} eras: give {eras} names and {eras} labels"
            )
        if len(set(self.names)) != eras:
            raise ValueError("era names must differ")
        return self

    def era_of(self, year: int) -> str:
        """The name of the era a year falls in."""
        for cut, name in zip(self.cuts, self.names, strict=False):
            if year < cut:
                return name
        return self.names[-1]

    def describe(self) -> str:
        """The split in words, e.g. 'departure_year < 1992: Soviet era; ...'."""
        bounds = []
        for index, label in enumerate(self.labels):
            low = self.cuts[index - 1] if index else None
            high = self.cuts[index] if index < len(self.cuts) else None
            if low is None:
                bounds.append(f"{self.attribute} before {high}: {label}")
            elif high is None:
                bounds.append(f"{self.attribute} {low} or later: {label}")
            else:
                bounds.append(f"{self.attribute} {low} to {high - 1}: {label}")
        return "; ".join(bounds)


class Ranking(_Strict):
    """Codes in the order a memo or earlier study ranks them, checked against the data."""

    title: str
    codes: list[str] = Field(min_length=1)
    note: str = ""


class RegressionSpec(_Strict):
    """Logistic regressions of code presence (outcomes: code ids) on attributes."""

    outcomes: list[str] = Field(min_length=1)
    predictors: list[str] = Field(min_length=1)


class ReportSettings(_Strict):
    """What the report computes beyond frequencies, crosstabs, co-occurrence and agreement.

    `prevalence_by` is the attribute of the prevalence figure and `groups_by` the one of the
    code-groups figure (default for both: the first analysis attribute that has data).
    `departures` is the year attribute counted against the timeline (default: the era's).
    """

    prevalence_by: str | None = None
    groups_by: str | None = None
    era: EraSplit | None = None
    departures: str | None = None
    ranking: Ranking | None = None
    regression: RegressionSpec | None = None


class StudySettings(_Strict):
    """A study's settings; every part is optional."""

    report: ReportSettings = Field(default_factory=ReportSettings)

    @property
    def departures_attribute(self) -> str | None:
        """The year attribute whose departures are drawn, if any."""
        era = self.report.era
        return self.report.departures or (era.attribute if era is not None else None)


def loads_settings(text: str, *, source: str = "<string>") -> StudySettings:
    """Settings from YAML text; errors name `source`, the line and the key."""
    yaml = YAML(typ="safe", pure=True)
    try:
        data = yaml.load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = f", line {mark.line + 1}" if mark is not None else ""
        raise StudySettingsError(
            f"{source}{line}: invalid YAML: {error.problem or error.context}"
        ) from None
    except YAMLError as error:
        raise StudySettingsError(f"{source}: invalid YAML: {error}") from None
    if data is None:
        return StudySettings()
    if not isinstance(data, dict):
        raise StudySettingsError(f"{source}: the top level must be a mapping (report: ...)")
    return _validated(data, source)


def load_settings(path: str | Path) -> StudySettings:
    """Settings from a YAML file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise StudySettingsError(f"{path}: not UTF-8 text") from None
    return loads_settings(text, source=str(path))


def dumps_settings(settings: StudySettings) -> str:
    """Settings as YAML that `loads_settings` reads back equal."""
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    stream = io.StringIO()
    yaml.dump(settings.model_dump(mode="json", exclude_defaults=True), stream)
    return stream.getvalue()


def settings_from_json(text: str | None) -> StudySettings:
    """Settings as stored in the database (None: a study that has none)."""
    if text is None:
        return StudySettings()
    return StudySettings.model_validate_json(text)


def _validated(data: dict[str, Any], source: str) -> StudySettings:
    try:
        return StudySettings.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "settings"
        message = first["msg"].removeprefix("Value error, ")
        more = len(error.errors()) - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        raise StudySettingsError(f"{source}: {where}: {message}{suffix}") from None

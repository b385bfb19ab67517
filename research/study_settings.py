"""A study's analysis settings: what its report computes beyond the generic sections.

Which attributes the report crosses codes with is marked in the data dictionary
(`analysis: true` on an attribute). Everything else that depends on one study's questions
lives here, never in the shell: the era split (a year attribute and its cut points), the
attribute whose departures are drawn against the timeline, a ranked list of codes to check
against the data (a memo's ranking), the regression to fit, and the attributes of the
report's two summary figures. A study without a setting simply has no such section; the
report says why in one line. The intake limits (how large a transcript file may be) are
settings too, with defaults that a study changes only when its files are unusually large.

Settings are kept in the database (study_info) as JSON and exchanged as YAML
(`settings.yaml` in a study template).
"""

from __future__ import annotations

import difflib
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from codebook import Codebook, CodebookError
from interviews.archives import MEGABYTE, ArchiveLimits
from interviews.dictionary import AttributeType, DataDictionary
from interviews.importers import TranscriptLimits
from interviews.yaml_guard import bad_date_line, guard
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
        """The split in words, e.g. 'departure_year 1991 or earlier: Soviet era; ...'."""
        bounds = []
        for index, label in enumerate(self.labels):
            low = self.cuts[index - 1] if index else None
            high = self.cuts[index] if index < len(self.cuts) else None
            if low is None:
                assert high is not None
                bounds.append(f"{self.attribute} {high - 1} or earlier: {label}")
            elif high is None:
                bounds.append(f"{self.attribute} {low} or later: {label}")
            else:
                bounds.append(f"{self.attribute} {low} to {high - 1}: {label}")
        return "; ".join(bounds)


class Among(_Strict):
    """Which respondents a ranking counts: those in `eras` (names of the era split) whose
    attributes take one of the listed values; `label` names them ("post-Soviet migrants")."""

    label: str = Field(min_length=1)
    eras: list[str] = Field(default_factory=list)
    attributes: dict[str, list[str]] = Field(default_factory=dict)

    def describe(self) -> str:
        """The filter in words, e.g. 'era post_soviet; role migrant or returnee'."""
        parts = [f"era {' or '.join(self.eras)}"] if self.eras else []
        parts += [f"{name} {' or '.join(values)}" for name, values in self.attributes.items()]
        return "; ".join(parts) if parts else "every respondent"


class Ranking(_Strict):
    """Codes in the order a memo or earlier study ranks them, checked against the data
    among the respondents the memo speaks of (`among`; default: every respondent)."""

    title: str
    codes: list[str] = Field(min_length=1)
    among: Among | None = None
    note: str = ""


class RegressionSpec(_Strict):
    """Logistic regressions of code presence (outcomes: code ids) on attributes.

    A model is fitted only with at least `min_events_per_parameter` events (the rarer of
    code present and absent) per parameter besides the intercept; Vittinghoff & McCulloch
    (2007, "Relaxing the rule of ten events per variable in logistic and Cox regression",
    Am J Epidemiol 165:710–718) found 5 to 9 often enough and fewer risky.
    """

    outcomes: list[str] = Field(min_length=1)
    predictors: list[str] = Field(min_length=1)
    min_events_per_parameter: int = Field(default=10, ge=1)


class ReportSettings(_Strict):
    """What the report computes beyond frequencies, crosstabs, co-occurrence and agreement.

    `prevalence_by` is the attribute of the prevalence figure and `groups_by` the one of the
    code-groups figure (default for both: the first analysis attribute that has data).
    `departures` is the year attribute counted against the timeline (default: the era's).
    `correction` adjusts every p-value of the report as one family: "holm" (Holm's
    step-down, family-wise error) or "bh" (Benjamini-Hochberg, false discovery rate).
    """

    prevalence_by: str | None = None
    groups_by: str | None = None
    era: EraSplit | None = None
    departures: str | None = None
    ranking: Ranking | None = None
    regression: RegressionSpec | None = None
    correction: Literal["holm", "bh"] = "holm"


_DEFAULT_LIMITS = TranscriptLimits()


class IntakeSettings(_Strict):
    """How large a transcript file may be; a file past a limit is refused in one line.

    Sizes are in megabytes (1,000,000 bytes). `transcript_megabytes` is the text of one
    transcript (a plain text file's size; the text a document holds), and the most a web
    upload may send. A .docx or .odt is a zip archive: `archive_entries` entries at most,
    each inflating to `entry_megabytes` at most and all to `archive_megabytes`, none
    expanding more than `compression_ratio` times.
    """

    transcript_megabytes: int = Field(default=_DEFAULT_LIMITS.text_bytes // MEGABYTE, gt=0)
    archive_entries: int = Field(default=_DEFAULT_LIMITS.archive.entries, gt=0)
    entry_megabytes: int = Field(default=_DEFAULT_LIMITS.archive.entry_bytes // MEGABYTE, gt=0)
    archive_megabytes: int = Field(default=_DEFAULT_LIMITS.archive.total_bytes // MEGABYTE, gt=0)
    compression_ratio: int = Field(default=_DEFAULT_LIMITS.archive.ratio, gt=0)

    def limits(self) -> TranscriptLimits:
        """The limits the transcript readers keep to."""
        return TranscriptLimits(
            text_bytes=self.transcript_megabytes * MEGABYTE,
            archive=ArchiveLimits(
                entries=self.archive_entries,
                entry_bytes=self.entry_megabytes * MEGABYTE,
                total_bytes=self.archive_megabytes * MEGABYTE,
                ratio=self.compression_ratio,
            ),
        )

    def describe(self) -> str:
        """The limits in a few words."""
        return (
            f"{self.transcript_megabytes} MB of text a transcript; documents of at most "
            f"{self.archive_entries} entries, {self.entry_megabytes} MB an entry, "
            f"{self.archive_megabytes} MB in all, expanding {self.compression_ratio} times at most"
        )


# Which setting raises each limit a transcript reader refuses a file by (TooLargeError.limit).
INTAKE_KEYS: dict[str, str] = {
    "text_bytes": "intake.transcript_megabytes",
    "entries": "intake.archive_entries",
    "entry_bytes": "intake.entry_megabytes",
    "total_bytes": "intake.archive_megabytes",
    "ratio": "intake.compression_ratio",
}


class StudySettings(_Strict):
    """A study's settings; every part is optional."""

    report: ReportSettings = Field(default_factory=ReportSettings)
    intake: IntakeSettings = Field(default_factory=IntakeSettings)

    @property
    def departures_attribute(self) -> str | None:
        """The year attribute whose departures are drawn, if any."""
        era = self.report.era
        return self.report.departures or (era.attribute if era is not None else None)


class SettingsProblem(BaseModel):
    """One problem of a study's settings: its key path, its file and line when read, and what."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    location: tuple[str | int, ...] = ()
    message: str
    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = [self.file] if self.file is not None else []
        if self.line is not None:
            where.append(f"line {self.line}")
        key = _key_path(self.location)
        text = f"{key}: {self.message}" if key else self.message
        return f"{', '.join(where)}: {text}" if where else text


def describe_settings(settings: StudySettings) -> list[str]:
    """The settings in a few words, one part per item; empty when the study has none."""
    report = settings.report
    parts = []
    if report.prevalence_by is not None:
        parts.append(f"prevalence by {report.prevalence_by}")
    if report.groups_by is not None:
        parts.append(f"code groups by {report.groups_by}")
    if report.era is not None:
        cuts = ", ".join(str(cut) for cut in report.era.cuts)
        parts.append(f"eras of {report.era.attribute} cut at {cuts}")
    if settings.departures_attribute is not None:
        parts.append(f"departures by {settings.departures_attribute}")
    if report.ranking is not None:
        among = report.ranking.among
        who = f" among {among.label}" if among is not None else ""
        parts.append(f"a ranking of {len(report.ranking.codes)} codes{who}")
    if report.regression is not None:
        regression = report.regression
        parts.append(
            f"a regression of {len(regression.outcomes)} codes on "
            f"{', '.join(regression.predictors)}"
        )
    if report.correction != "holm":
        parts.append("p-values adjusted as one family by Benjamini-Hochberg")
    if settings.intake != IntakeSettings():
        parts.append(f"intake limits: {settings.intake.describe()}")
    return parts


def loads_settings(text: str, *, source: str = "<string>") -> StudySettings:
    """Settings from YAML text; errors name `source`, the line and the key."""
    tree = _document(text, source)
    problems = _form_problems(tree, source)
    if problems:
        first = str(problems[0])
        more = len(problems) - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        raise StudySettingsError(first + suffix)
    return StudySettings() if tree is None else StudySettings.model_validate(_plain(tree))


def load_settings(path: str | Path) -> StudySettings:
    """Settings from a YAML file."""
    path = Path(path)
    return loads_settings(_read_text(path), source=str(path))


def settings_problems(
    text: str,
    *,
    source: str = "<string>",
    dictionary: DataDictionary | None = None,
    codebook: Codebook | None = None,
) -> list[SettingsProblem]:
    """Every problem of settings YAML, each naming `source` and its line.

    The YAML itself, its form, and (given both) its fit to a data dictionary and a codebook
    (see `check_settings`).
    """
    try:
        tree = _document(text, source)
    except StudySettingsError as error:
        return [SettingsProblem(message=str(error))]
    problems = _form_problems(tree, source)
    if problems or tree is None or dictionary is None or codebook is None:
        return problems
    settings = StudySettings.model_validate(_plain(tree))
    located = [
        problem.model_copy(update={"file": source, "line": _line_of(tree, problem.location)})
        for problem in check_settings(settings, dictionary=dictionary, codebook=codebook)
    ]
    return sorted(located, key=lambda problem: problem.line or 0)


def check_settings(
    settings: StudySettings, *, dictionary: DataDictionary, codebook: Codebook
) -> list[SettingsProblem]:
    """Every way the settings do not fit a study's data dictionary and codebook.

    Attributes must exist (the era's and the departures' must be integer years); codes must
    exist and be named by id (era code groups must be top-level codes).
    """
    report = settings.report
    problems: list[SettingsProblem] = []

    def attribute(location: tuple[str | int, ...], name: str, *, year: bool = False) -> None:
        if name not in dictionary.names():
            hint = _did_you_mean(name, dictionary.names())
            problems.append(
                SettingsProblem(
                    location=location, message=f"no attribute {name!r} in the data dictionary{hint}"
                )
            )
        elif year and (found := dictionary.attribute(name)).type != AttributeType.INTEGER:
            problems.append(
                SettingsProblem(
                    location=location,
                    message=f"{name!r} is a {found.type} attribute; years are integer attributes",
                )
            )

    def code(location: tuple[str | int, ...], reference: str, *, top: bool = False) -> None:
        message = _code_problem(codebook, reference, top=top)
        if message:
            problems.append(SettingsProblem(location=location, message=message))

    for key in ("prevalence_by", "groups_by"):
        name = getattr(report, key)
        if name is not None:
            attribute(("report", key), name)
    if report.era is not None:
        attribute(("report", "era", "attribute"), report.era.attribute, year=True)
        for index, group in enumerate(report.era.code_groups):
            code(("report", "era", "code_groups", index), group, top=True)
    if report.departures is not None:
        attribute(("report", "departures"), report.departures, year=True)
    if report.ranking is not None:
        for index, reference in enumerate(report.ranking.codes):
            code(("report", "ranking", "codes", index), reference)
        among = report.ranking.among
        if among is not None:
            problems += _among_problems(among, report.era)
            for name, values in among.attributes.items():
                location = ("report", "ranking", "among", "attributes", name)
                attribute(location, name)
                if name in dictionary.names() and (found := dictionary.attribute(name)).choices:
                    allowed = [choice.value for choice in found.choices]
                    problems += [
                        SettingsProblem(
                            location=location,
                            message=f"{name} has no choice {value!r} ({', '.join(allowed)})",
                        )
                        for value in values
                        if value not in allowed
                    ]
    if report.regression is not None:
        for index, reference in enumerate(report.regression.outcomes):
            code(("report", "regression", "outcomes", index), reference)
        for index, name in enumerate(report.regression.predictors):
            attribute(("report", "regression", "predictors", index), name)
    return problems


def _among_problems(among: Among, era: EraSplit | None) -> list[SettingsProblem]:
    """Eras a ranking's filter names that the era split does not have."""
    location: tuple[str | int, ...] = ("report", "ranking", "among", "eras")
    if among.eras and era is None:
        return [SettingsProblem(location=location, message="names eras, but report.era is not set")]
    return [
        SettingsProblem(
            location=(*location, index),
            message=f"no era {name!r} in report.era.names ({', '.join(era.names)})",
        )
        for index, name in enumerate(among.eras)
        if era is not None and name not in era.names
    ]


def _code_problem(codebook: Codebook, reference: str, *, top: bool) -> str:
    try:
        found = codebook.get(reference)
    except CodebookError:
        try:
            by_path = codebook.resolve(reference)
        except CodebookError:
            hint = _did_you_mean(reference, [code.code_id for code in codebook.codes])
            return f"no code {reference!r} in the codebook{hint}"
        return f"{reference!r} is a path; settings name codes by id: write {by_path.code_id!r}"
    if top and found.parent_id is not None:
        return (
            f"code {reference!r} is not a top-level code (it is under "
            f"{codebook.path_of(found.parent_id)!r}); era code groups are top-level codes"
        )
    return ""


def dumps_settings(settings: StudySettings) -> str:
    """Settings as YAML that `loads_settings` reads back equal."""
    # Round-trip mode keeps the model's order of keys (report first, then its parts).
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100
    yaml.allow_unicode = True
    stream = io.StringIO()
    yaml.dump(settings.model_dump(mode="json", exclude_defaults=True), stream)
    return stream.getvalue()


def settings_from_json(text: str | None) -> StudySettings:
    """Settings as stored in the database (None: a study that has none)."""
    if text is None:
        return StudySettings()
    return StudySettings.model_validate_json(text)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StudySettingsError(f"{path}: file not found") from None
    except UnicodeDecodeError as error:
        raise StudySettingsError(
            f"{path}: not UTF-8 text (byte 0x{error.object[error.start]:02x} "
            f"at offset {error.start})"
        ) from None
    except OSError as error:
        raise StudySettingsError(f"{path}: cannot read the file: {error.strerror}") from None


def _document(text: str, source: str) -> CommentedMap | None:
    """The YAML tree (None for an empty file), its lines kept for error messages."""
    try:
        tree = guard(YAML(typ="rt")).load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = f", line {mark.line + 1}" if mark is not None else ""
        raise StudySettingsError(
            f"{source}{line}: invalid YAML: {error.problem or error.context}"
        ) from None
    except YAMLError as error:
        raise StudySettingsError(f"{source}: invalid YAML: {error}") from None
    except ValueError as error:
        # A date-like scalar that is no date (2001-02-30) fails while YAML builds it.
        bad_line = bad_date_line(text)
        at = f", line {bad_line}" if bad_line is not None else ""
        raise StudySettingsError(f"{source}{at}: invalid date: {error}") from None
    if tree is not None and not isinstance(tree, CommentedMap):
        raise StudySettingsError(f"{source}, line 1: the top level must be a mapping (report: ...)")
    return tree



def _form_problems(tree: CommentedMap | None, source: str) -> list[SettingsProblem]:
    """Every way the YAML does not fit the settings model, in line order."""
    if tree is None:
        return []
    try:
        StudySettings.model_validate(_plain(tree))
    except ValidationError as error:
        problems = [
            SettingsProblem(
                location=tuple(detail["loc"]),
                message=_describe(detail),
                file=source,
                line=_line_of(tree, tuple(detail["loc"])),
            )
            for detail in error.errors()
        ]
        return sorted(problems, key=lambda problem: problem.line or 0)
    return []


def _describe(detail: Any) -> str:
    loc = tuple(detail["loc"])
    if detail["type"] == "extra_forbidden":
        allowed = list(_model_at(loc[:-1]).model_fields)
        return f"unknown key{_did_you_mean(str(loc[-1]), allowed)}"
    if detail["type"] == "missing":
        return "missing"
    return str(detail["msg"]).removeprefix("Value error, ")


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel]:
    """The settings model found at a key path, for listing the keys it allows."""
    model: type[BaseModel] = StudySettings
    for part in loc:
        field = model.model_fields.get(str(part))
        if field is None:
            break
        nested = [
            kind
            for kind in (field.annotation, *get_args(field.annotation))
            if isinstance(kind, type) and issubclass(kind, BaseModel)
        ]
        if not nested:
            break
        model = nested[0]
    return model


def _did_you_mean(name: str, candidates: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.6)
    return "; did you mean " + " or ".join(repr(c) for c in close) + "?" if close else ""


def _key_path(location: tuple[str | int, ...]) -> str:
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else str(part)
    return path


def _line_of(tree: CommentedMap | None, location: tuple[Any, ...]) -> int | None:
    """The 1-based line of the deepest key of `location` present in the YAML tree."""
    node: Any = tree
    line: int | None = None
    for part in location:
        if isinstance(node, CommentedMap) and part in node:
            line = node.lc.key(part)[0]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
            line = node.lc.item(part)[0]
        else:
            break
        node = node[part]
    return None if line is None else line + 1


def _plain(node: Any) -> Any:
    """Round-trip YAML nodes as plain Python values for validation."""
    if isinstance(node, Mapping):
        return {str(key): _plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain(item) for item in node]
    if isinstance(node, bool) or type(node).__name__ == "ScalarBoolean":
        return bool(node)
    if isinstance(node, str):
        return str(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, int):
        return int(node)
    return node

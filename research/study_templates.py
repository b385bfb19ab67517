"""Study templates: the codebook, data dictionary, timeline and settings a new study starts from.

The shipped templates are entries of one registry (`SHIPPED`): `blank`, a generic start,
and `karabakh`, the Nagorno Karabakh study the toolkit was first written for. A folder is a
template too: it holds any of codebook.yaml, dictionary.yaml, timeline.yaml and
settings.yaml (what it lacks comes from `blank`). Subfolders (e.g. transcripts) and hidden
or packaging files (names starting with "." or "__") are ignored; any other file is
refused, so that a misnamed file is never silently left out. A folder shipped inside the
package is registered with `ShippedTemplate.folder`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from codebook import Codebook, CodebookError, default_codebook, loads_codebook
from interviews.defaults import blank_dictionary, default_dictionary
from interviews.dictionary import DataDictionary, dictionary_problems, loads_dictionary
from research.errors import ProblemsError, ResearchError
from research.services.dictionaries import core_problems
from research.services.timeline import TimelineEvent, default_events, loads_timeline
from research.study_settings import SETTINGS_YAML, StudySettings, loads_settings, settings_problems

CODEBOOK_YAML = "codebook.yaml"
DICTIONARY_YAML = "dictionary.yaml"
TIMELINE_YAML = "timeline.yaml"
TEMPLATE_FILES = (CODEBOOK_YAML, DICTIONARY_YAML, TIMELINE_YAML, SETTINGS_YAML)
DEFAULT_TEMPLATE = "blank"
BLANK_CODEBOOK_NAME = "Codebook"
BLANK_DESCRIPTION = (
    "an empty codebook; interview date, interviewer, language and consent; "
    "no timeline, no report settings"
)
KARABAKH_DESCRIPTION = (
    "the Nagorno Karabakh migration study: its codebook, data dictionary, "
    "historical timeline and report settings"
)


class StudyTemplate(BaseModel):
    """What a new study starts from; every part is stored in the study at creation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str
    codebook: Codebook
    dictionary: DataDictionary
    timeline: tuple[TimelineEvent, ...] = ()
    settings: StudySettings = StudySettings()


@dataclass(frozen=True)
class ShippedTemplate:
    """A registry entry: a template's name, its one-line description and how to load it."""

    name: str
    description: str
    load: Callable[[], StudyTemplate]

    @classmethod
    def folder(cls, name: str, description: str, folder: Traversable) -> ShippedTemplate:
        """An entry for a template folder shipped with the package."""
        return cls(name, description, lambda: folder_template(folder, name, description))


def karabakh_settings() -> StudySettings:
    """The analysis settings shipped with the Karabakh study."""
    text = resources.files("research.data").joinpath("karabakh_settings.yaml").read_text("utf-8")
    return loads_settings(text, source="karabakh_settings.yaml")


def blank_template() -> StudyTemplate:
    """A new study of one's own: no codes, interview attributes only, no timeline, no settings."""
    return StudyTemplate(
        name="blank",
        description=BLANK_DESCRIPTION,
        codebook=Codebook(name=BLANK_CODEBOOK_NAME, codes=[]),
        dictionary=blank_dictionary(),
    )


def karabakh_template() -> StudyTemplate:
    """The Nagorno Karabakh study: its codebook, dictionary, timeline and report settings."""
    return StudyTemplate(
        name="karabakh",
        description=KARABAKH_DESCRIPTION,
        codebook=default_codebook(),
        dictionary=default_dictionary(),
        timeline=tuple(default_events()),
        settings=karabakh_settings(),
    )


# Adding a shipped template is one entry here.
SHIPPED: tuple[ShippedTemplate, ...] = (
    ShippedTemplate("blank", BLANK_DESCRIPTION, blank_template),
    ShippedTemplate("karabakh", KARABAKH_DESCRIPTION, karabakh_template),
    ShippedTemplate.folder(
        "central-asia",
        "labour migration from Central Asia to Russia and Kazakhstan (the second example "
        "study): its codebook, data dictionary, timeline and report settings",
        resources.files("research").joinpath("demo", "examples", "central_asia"),
    ),
)


def shipped_templates() -> list[ShippedTemplate]:
    """The templates shipped with the toolkit, in registry order."""
    return list(SHIPPED)


def find_template(reference: str | Path) -> StudyTemplate:
    """The shipped template with this name, else the template folder at this path."""
    for entry in SHIPPED:
        if str(reference) == entry.name:
            return entry.load()
    folder = Path(reference)
    if folder.is_dir():
        return folder_template(folder)
    names = ", ".join(entry.name for entry in SHIPPED)
    if folder.exists():
        raise ResearchError(f"{folder} is a file; a template is one of {names}, or a folder")
    raise ResearchError(
        f"no template {str(reference)!r}: use one of {names}, or a folder holding any of "
        f"{', '.join(TEMPLATE_FILES)}"
    )


def folder_template(
    folder: Traversable, name: str | None = None, description: str | None = None
) -> StudyTemplate:
    """A template from a folder; every problem of every file is reported (ProblemsError)."""
    heading = f"the template folder {folder} cannot be used"
    files = [
        entry
        for entry in folder.iterdir()
        if entry.is_file() and not entry.name.startswith((".", "__"))
    ]
    problems = [
        _unknown_file(folder, entry.name) for entry in files if entry.name not in TEMPLATE_FILES
    ]
    present = {entry.name for entry in files if entry.name in TEMPLATE_FILES}
    if not files:
        problems.append(f"{folder}: no template file; put any of {', '.join(TEMPLATE_FILES)} in it")
    if problems:
        raise ProblemsError(heading, problems)
    texts: dict[str, str] = {}
    for file_name in sorted(present):
        try:
            texts[file_name] = folder.joinpath(file_name).read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            problems.append(f"{_source(folder, file_name)}: not UTF-8 text (offset {error.start})")
    blank = blank_template()
    codebook = _codebook(folder, texts, problems)
    dictionary = _dictionary(folder, texts, problems)
    timeline = _timeline(folder, texts, problems)
    settings = StudySettings()
    if SETTINGS_YAML in texts:
        source = _source(folder, SETTINGS_YAML)
        # Checked against the dictionary and codebook only when both are usable.
        usable = (codebook is not None or CODEBOOK_YAML not in present) and (
            dictionary is not None or DICTIONARY_YAML not in present
        )
        found = settings_problems(
            texts[SETTINGS_YAML],
            source=source,
            dictionary=(dictionary if dictionary is not None else blank.dictionary)
            if usable
            else None,
            codebook=(codebook if codebook is not None else blank.codebook) if usable else None,
        )
        problems.extend(str(problem) for problem in found)
        if not found:
            settings = loads_settings(texts[SETTINGS_YAML], source=source)
    if problems:
        raise ProblemsError(heading, problems)
    return StudyTemplate(
        name=name or Path(str(folder)).name,
        description=description or f"the template folder {folder}",
        codebook=codebook if codebook is not None else blank.codebook,
        dictionary=dictionary if dictionary is not None else blank.dictionary,
        timeline=tuple(timeline),
        settings=settings,
    )


def _codebook(folder: Traversable, texts: dict[str, str], problems: list[str]) -> Codebook | None:
    if CODEBOOK_YAML not in texts:
        return None
    try:
        return loads_codebook(texts[CODEBOOK_YAML], source=_source(folder, CODEBOOK_YAML))
    except CodebookError as error:
        problems.append(str(error))
        return None


def _dictionary(
    folder: Traversable, texts: dict[str, str], problems: list[str]
) -> DataDictionary | None:
    if DICTIONARY_YAML not in texts:
        return None
    source = _source(folder, DICTIONARY_YAML)
    found = dictionary_problems(texts[DICTIONARY_YAML], source=source)
    if found:
        problems.extend(str(problem) for problem in found)
        return None
    dictionary = loads_dictionary(texts[DICTIONARY_YAML], source=source)
    core = core_problems(dictionary)
    problems.extend(f"{source}: attribute {problem}" for problem in core)
    return None if core else dictionary


def _timeline(
    folder: Traversable, texts: dict[str, str], problems: list[str]
) -> list[TimelineEvent]:
    if TIMELINE_YAML not in texts:
        return []
    try:
        return loads_timeline(texts[TIMELINE_YAML], source=_source(folder, TIMELINE_YAML))
    except ProblemsError as error:
        problems.extend(error.problems)
        return []


def _source(folder: Traversable, file_name: str) -> str:
    return str(folder.joinpath(file_name))


def _unknown_file(folder: Traversable, file_name: str) -> str:
    close = difflib.get_close_matches(file_name, TEMPLATE_FILES, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]}?" if close else ""
    return (
        f"{_source(folder, file_name)}: not a template file (a template folder holds "
        f"{', '.join(TEMPLATE_FILES)}){hint}"
    )

"""Study templates: the registry, the blank and Karabakh templates, folders, and create_study."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from codebook import default_codebook, dumps_codebook
from interviews.defaults import blank_dictionary, default_dictionary
from interviews.dictionary import dumps_dictionary
from research.errors import ProblemsError, ResearchError
from research.services.timeline import default_events
from research.storage import database
from research.study import create_study, karabakh_settings
from research.study_settings import StudySettings, dumps_settings
from research.study_templates import (
    DEFAULT_TEMPLATE,
    ShippedTemplate,
    blank_template,
    find_template,
    folder_template,
    karabakh_template,
    shipped_templates,
)

TIMELINE = """- date: 1991-12-26
  label: December 1991
  event: The USSR is dissolved
  source: encyclopaedia
"""


def write_karabakh_folder(folder: Path) -> Path:
    """A template folder holding the Karabakh study's four files."""
    folder.mkdir(parents=True)
    (folder / "codebook.yaml").write_text(dumps_codebook(default_codebook()), encoding="utf-8")
    (folder / "dictionary.yaml").write_text(
        dumps_dictionary(default_dictionary()), encoding="utf-8"
    )
    (folder / "settings.yaml").write_text(dumps_settings(karabakh_settings()), encoding="utf-8")
    (folder / "timeline.yaml").write_text(TIMELINE, encoding="utf-8")
    return folder


def test_registry_lists_blank_first_then_karabakh_each_with_a_description() -> None:
    entries = shipped_templates()
    assert [entry.name for entry in entries][:2] == ["blank", "karabakh"]
    assert all(entry.description and "\n" not in entry.description for entry in entries)
    assert DEFAULT_TEMPLATE == "blank"


def test_blank_template_is_empty_but_for_interview_attributes() -> None:
    blank = blank_template()
    assert blank.codebook.codes == ()
    assert blank.dictionary == blank_dictionary()
    assert blank.timeline == ()
    assert blank.settings == StudySettings()


def test_karabakh_template_is_todays_defaults() -> None:
    karabakh = karabakh_template()
    assert karabakh.codebook == default_codebook()
    assert karabakh.dictionary == default_dictionary()
    assert list(karabakh.timeline) == default_events()
    assert karabakh.settings == karabakh_settings()


def test_find_template_by_name_and_unknown_name() -> None:
    assert find_template("karabakh").name == "karabakh"
    with pytest.raises(ResearchError, match="no template 'karabak': use one of blank, karabakh"):
        find_template("karabak")


def test_a_folder_holding_all_four_files_is_a_template(tmp_path: Path) -> None:
    template = find_template(write_karabakh_folder(tmp_path / "mine"))
    assert template.name == "mine"
    assert template.codebook == default_codebook()
    assert template.dictionary == default_dictionary()
    assert template.settings == karabakh_settings()
    assert [event.event for event in template.timeline] == ["The USSR is dissolved"]


def test_a_folder_lacking_files_takes_them_from_blank(tmp_path: Path) -> None:
    folder = tmp_path / "timeline-only"
    folder.mkdir()
    (folder / "timeline.yaml").write_text(TIMELINE, encoding="utf-8")
    template = folder_template(folder)
    blank = blank_template()
    assert template.codebook == blank.codebook
    assert template.dictionary == blank.dictionary
    assert template.settings == StudySettings()
    assert len(template.timeline) == 1


def test_hidden_files_and_subfolders_are_ignored(tmp_path: Path) -> None:
    folder = write_karabakh_folder(tmp_path / "mine")
    (folder / ".DS_Store").write_bytes(b"\x00\x01")
    (folder / "transcripts").mkdir()
    (folder / "transcripts" / "one.txt").write_text("text", encoding="utf-8")
    assert folder_template(folder).name == "mine"


def test_an_unknown_file_is_refused_with_a_suggestion(tmp_path: Path) -> None:
    folder = write_karabakh_folder(tmp_path / "mine")
    (folder / "settings.yaml").rename(folder / "setings.yml")
    with pytest.raises(ProblemsError) as refused:
        folder_template(folder)
    [problem] = refused.value.problems
    assert problem.startswith(f"{folder / 'setings.yml'}: not a template file")
    assert problem.endswith("did you mean settings.yaml?")


def test_an_empty_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(ProblemsError, match="no template file; put any of codebook.yaml"):
        folder_template(tmp_path / "empty")


def test_every_broken_file_is_named_with_its_lines(tmp_path: Path) -> None:
    folder = write_karabakh_folder(tmp_path / "mine")
    dictionary = folder / "dictionary.yaml"
    dictionary.write_text(
        dictionary.read_text(encoding="utf-8").replace("type: single_choice", "type: choice", 1),
        encoding="utf-8",
    )
    (folder / "timeline.yaml").write_text(TIMELINE.replace("source:", "sorce:"), encoding="utf-8")
    (folder / "codebook.yaml").write_text("name: Mine\ncodes: [\n", encoding="utf-8")
    with pytest.raises(ProblemsError) as refused:
        folder_template(folder)
    problems = refused.value.problems
    assert any(
        p.startswith(f"{folder / 'dictionary.yaml'}, line 5, attribute gender") for p in problems
    )
    assert (
        f"{folder / 'timeline.yaml'}, line 4: event 1: unknown key 'sorce'; did you mean 'source'?"
        in problems
    )
    assert any(p.startswith(f"{folder / 'codebook.yaml'}, line ") for p in problems)


def test_folder_settings_are_checked_against_the_folders_dictionary(tmp_path: Path) -> None:
    folder = write_karabakh_folder(tmp_path / "mine")
    (folder / "dictionary.yaml").write_text(dumps_dictionary(blank_dictionary()), encoding="utf-8")
    with pytest.raises(ProblemsError) as refused:
        folder_template(folder)
    where = f"{folder / 'settings.yaml'}, line 2"
    problem = f"{where}: report.prevalence_by: no attribute 'gender' in the data dictionary"
    assert problem in refused.value.problems


def test_a_folder_dictionary_without_consent_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    text = dumps_dictionary(blank_dictionary())
    start = text.index("  - name: consent\n")
    end = text.index("  - name: consent_scope\n")
    (folder / "dictionary.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(ProblemsError, match="dictionary.yaml: attribute consent: missing"):
        folder_template(folder)


def test_a_shipped_folder_is_one_registry_entry(tmp_path: Path) -> None:
    folder = write_karabakh_folder(tmp_path / "central_asia")
    entry = ShippedTemplate.folder("central-asia", "labour migrants from Central Asia", folder)
    template = entry.load()
    assert (template.name, template.description) == (
        "central-asia",
        "labour migrants from Central Asia",
    )
    assert template.dictionary == default_dictionary()


def test_a_folder_inside_a_package_loads_as_a_resource() -> None:
    # The shipped data folder holds karabakh_settings.yaml and the timeline under other
    # names, so as a template folder it is refused file by file, read through importlib.
    with pytest.raises(ProblemsError, match="karabakh_settings.yaml: not a template file"):
        folder_template(resources.files("research.data"))


def test_new_study_defaults_to_blank(tmp_path: Path, database_url: str | None) -> None:
    with create_study(tmp_path / "mine", database_url=database_url) as study:
        assert study.codebook().codes == ()
        assert study.dictionary() == blank_dictionary()
        assert study.timeline.list_events() == []
        assert study.study_info.load_settings() == StudySettings()


def test_new_study_from_a_folder_stores_every_part(
    tmp_path: Path, database_url: str | None
) -> None:
    folder = write_karabakh_folder(tmp_path / "template")
    with create_study(tmp_path / "mine", template=folder, database_url=database_url) as study:
        assert len(study.codebook().codes) == len(default_codebook().codes)
        assert study.dictionary() == default_dictionary()
        assert [event.label for event in study.timeline.list_events()] == ["December 1991"]
        assert study.study_info.load_settings() == karabakh_settings()


def test_a_broken_folder_creates_nothing(tmp_path: Path, database_url: str | None) -> None:
    folder = write_karabakh_folder(tmp_path / "template")
    (folder / "timeline.yaml").write_text("- date: 2001-02-30\n", encoding="utf-8")
    with pytest.raises(ProblemsError, match=r"timeline.yaml, line 1: invalid date"):
        create_study(tmp_path / "mine", template=folder, database_url=database_url)
    assert not (tmp_path / "mine").exists()
    if database_url:
        engine = database.make_engine(database_url)
        assert not database.has_tables(engine)
        engine.dispose()


def test_parts_replace_the_templates_and_must_fit(tmp_path: Path, database_url: str | None) -> None:
    with pytest.raises(ProblemsError) as refused:
        create_study(
            tmp_path / "mine",
            template="karabakh",
            dictionary=blank_dictionary(),
            database_url=database_url,
        )
    assert "give settings that fit" in str(refused.value)
    assert "settings: report.prevalence_by: no attribute 'gender' in the data dictionary" in (
        refused.value.problems
    )
    assert not (tmp_path / "mine").exists()
    with create_study(
        tmp_path / "mine",
        template="karabakh",
        dictionary=blank_dictionary(),
        settings=StudySettings(),
        database_url=database_url,
    ) as study:
        assert len(study.timeline.list_events()) == len(default_events())
        assert study.dictionary() == blank_dictionary()

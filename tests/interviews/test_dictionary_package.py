"""The dictionary package: its public face, every problem of a file at once, the blank one."""

from __future__ import annotations

from pathlib import Path

import interviews.dictionary as dictionary_package
from interviews.defaults import blank_dictionary, default_dictionary
from interviews.dictionary import (
    AttributeType,
    dictionary_file_problems,
    dictionary_problems,
    dumps_dictionary,
    loads_dictionary,
)
from interviews.errors import DictionaryError

BROKEN = (
    "attributes:\n"
    "  - name: gender\n"  # line 2
    "    label: Gender\n"
    "    type: single_choice\n"  # line 4: no choices
    "    scope: respondent\n"
    "  - name: birth_year\n"  # line 6
    "    lable: Birth year\n"  # line 7: misspelt, so label is missing too
    "    type: integer\n"
    "    scope: respondent\n"
    "  - name: place\n"
    "    label: Place\n"
    "    type: txt\n"  # line 12
    "    scope: interview\n"
)


def test_every_public_name_is_exported_and_importable() -> None:
    for name in dictionary_package.__all__:
        assert getattr(dictionary_package, name) is not None
    assert {"Attribute", "Choice", "DataDictionary", "Issue", "ValidationResult"} <= set(
        dictionary_package.__all__
    )


def test_the_split_modules_hold_what_the_package_exports() -> None:
    from interviews.dictionary import schema, validation, values, yaml_io

    assert dictionary_package.DataDictionary is schema.DataDictionary
    assert dictionary_package.Issue is validation.Issue
    assert dictionary_package.loads_dictionary is yaml_io.loads_dictionary
    assert callable(values.parse_value)


def test_every_problem_of_a_file_is_listed_with_its_line() -> None:
    problems = dictionary_problems(BROKEN, source="dictionary.yaml")
    described = [(problem.line, problem.field, problem.message) for problem in problems]
    assert [line for line, _, _ in described] == sorted(line for line, _, _ in described)
    assert (4, "gender", "a single_choice attribute needs choices") in described
    assert any(line == 7 and "unknown key 'lable'" in text for line, _, text in described)
    assert any(field == "birth_year" and "label is missing" in text for _, field, text in described)
    assert any(line == 12 and field == "place" for line, field, _ in described)
    assert all(str(problem).startswith("dictionary.yaml, line ") for problem in problems)


def test_loading_still_reports_the_first_problem_and_counts_the_rest() -> None:
    try:
        loads_dictionary(BROKEN, source="dictionary.yaml")
    except DictionaryError as error:
        assert "more problems" in error.message
    else:
        raise AssertionError("a broken dictionary was accepted")


def test_a_valid_dictionary_has_no_problems() -> None:
    assert dictionary_problems(dumps_dictionary(default_dictionary())) == []


def test_an_empty_text_is_one_problem() -> None:
    [problem] = dictionary_problems("", source="d.yaml")
    assert problem.file == "d.yaml"
    assert "empty" in problem.message


def test_a_date_that_does_not_exist_is_located_not_a_traceback() -> None:
    text = (
        "attributes:\n"
        "  - name: interview_date\n"
        "    label: Date\n"
        "    type: date\n"
        "    scope: interview\n"
        "    maximum: 2004-02-30\n"
    )
    [problem] = dictionary_problems(text, source="d.yaml")
    assert problem.line == 6
    assert "invalid date" in problem.message


def test_file_problems_name_a_missing_file(tmp_path: Path) -> None:
    [problem] = dictionary_file_problems(tmp_path / "nothere.yaml")
    assert "file not found" in str(problem)


def test_file_problems_name_the_path(tmp_path: Path) -> None:
    path = tmp_path / "dictionary.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    problems = dictionary_file_problems(path)
    assert problems
    assert all(problem.file == str(path) for problem in problems)


def test_blank_dictionary_records_interviews_only() -> None:
    blank = blank_dictionary()
    assert blank.names("respondent") == []
    assert blank.names("interview") == [
        "interview_date",
        "interviewer",
        "language",
        "consent",
        "consent_scope",
    ]
    assert blank.attribute("interview_date").required
    assert blank.attribute("interview_date").maximum == "today"
    assert blank.attribute("interviewer").type == AttributeType.TEXT
    assert blank.attribute("interviewer").required
    assert blank.attribute("language").type == AttributeType.TEXT
    assert not blank.attribute("language").required
    assert blank.attribute("consent").must_be_yes
    assert [c.value for c in blank.attribute("consent_scope").choices] == [
        "interview",
        "audio_recording",
        "quotation",
        "archiving",
    ]
    assert not any(attribute.analysis for attribute in blank.attributes)


def test_blank_dictionary_refuses_an_interview_without_consent() -> None:
    result = blank_dictionary().validate(
        "interview", {"interview_date": "2024-05-01", "interviewer": "A", "consent": "no"}
    )
    assert [issue.field for issue in result.errors] == ["consent"]

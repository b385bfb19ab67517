"""Data dictionaries as YAML: loading with line-numbered errors, and writing back."""

from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from interviews.defaults import default_dictionary
from interviews.dictionary import (
    Attribute,
    AttributeType,
    Choice,
    DataDictionary,
    dumps_dictionary,
    load_dictionary,
    loads_dictionary,
)
from interviews.errors import DictionaryError

HEAD = "attributes:\n"
GENDER = (
    "  - name: gender\n"
    "    label: Gender\n"
    "    type: single_choice\n"
    "    scope: respondent\n"
    "    choices:\n"
    "      - {value: female, label: Female}\n"
    "      - {value: male, label: Male}\n"
)


def _error(text: str) -> DictionaryError:
    with pytest.raises(DictionaryError) as caught:
        loads_dictionary(text, source="study.yaml")
    return caught.value


def test_minimal_dictionary_loads() -> None:
    dictionary = loads_dictionary(HEAD + GENDER)
    assert dictionary.attribute("gender").choices[1] == Choice(value="male", label="Male")


def test_default_dictionary_round_trips_through_yaml() -> None:
    dictionary = default_dictionary()
    assert loads_dictionary(dumps_dictionary(dictionary)) == dictionary


def test_dump_leaves_out_default_options() -> None:
    assert "required: false" not in dumps_dictionary(loads_dictionary(HEAD + GENDER))


def test_yaml_syntax_error_reports_its_line() -> None:
    error = _error(HEAD + GENDER + "  - name: [broken\n")
    assert (error.file, error.line) == ("study.yaml", 10)


def test_duplicate_key_reports_its_line() -> None:
    error = _error(
        HEAD + GENDER.replace("    label: Gender\n", "    label: Gender\n    label: G\n")
    )
    assert error.line == 4 and "duplicate key" in error.message


def test_unknown_key_reports_line_attribute_and_suggestion() -> None:
    error = _error(HEAD + GENDER.replace("    type:", "    tpye: x\n    type:"))
    assert (
        str(error)
        == "study.yaml, line 4, attribute gender: unknown key 'tpye'; did you mean 'type'?"
    )


def test_missing_label_points_at_the_attribute() -> None:
    error = _error(HEAD + GENDER.replace("    label: Gender\n", ""))
    assert (error.line, error.field, error.message) == (2, "gender", "label is missing")


def test_bad_type_points_at_its_line() -> None:
    error = _error(HEAD + GENDER.replace("single_choice", "choice"))
    assert (error.line, error.field) == (4, "gender") and error.message.startswith("type:")


def test_choice_problem_points_at_the_choice_line() -> None:
    error = _error(HEAD + GENDER.replace("label: Male", "label: '  '"))
    assert (error.line, error.message) == (8, "choices[1].label: a choice label must not be blank")


def test_option_problem_points_at_the_option_line() -> None:
    text = HEAD + "  - name: year\n    label: Year\n    type: integer\n    scope: respondent\n"
    error = _error(text + "    minimum: soon\n")
    assert (error.line, error.field) == (6, "year") and "current_year" in error.message


def test_duplicate_attribute_points_at_the_second_definition() -> None:
    error = _error(HEAD + GENDER + GENDER)
    assert (error.line, error.message) == (9, "attribute 'gender' is defined twice")


def test_unresolved_reference_points_at_its_attribute() -> None:
    text = HEAD + GENDER + "  - name: left\n    label: Left\n    type: integer\n"
    error = _error(text + "    scope: respondent\n    not_before: born\n")
    assert (error.line, error.field) == (9, "left") and "no such attribute" in error.message


def test_top_level_list_is_refused() -> None:
    assert _error("- gender\n").message.startswith("the top level must be a mapping")


def test_empty_text_is_refused() -> None:
    assert _error("# nothing yet\n").message == "the dictionary is empty"


def test_missing_attributes_list_is_refused() -> None:
    assert _error("title: Study\n").message == "attributes is missing"


def test_further_problems_are_counted() -> None:
    error = _error(
        HEAD + GENDER.replace("    label: Gender\n", "").replace("scope: respondent", "scope: both")
    )
    assert error.message.endswith("(and 1 more problem)")


def test_numeric_choice_values_are_read_as_text() -> None:
    text = HEAD + GENDER.replace("{value: female", "{value: 1").replace("{value: male", "{value: 2")
    assert loads_dictionary(text).attribute("gender").choices[0].value == "1"


def test_unquoted_yaml_date_bound_is_accepted() -> None:
    text = HEAD + "  - name: met\n    label: Met\n    type: date\n    scope: interview\n"
    dictionary = loads_dictionary(text + "    minimum: 1988-02-20\n")
    assert dictionary.attribute("met").minimum == "1988-02-20"


def test_load_dictionary_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "study.yaml"
    path.write_text(HEAD + GENDER.replace("single_choice", "choice"), encoding="utf-8")
    with pytest.raises(DictionaryError, match=r"^study\.yaml, line 4, attribute gender: type"):
        load_dictionary(path)


def test_load_dictionary_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "study.yaml"
    path.write_text(HEAD + GENDER, encoding="utf-8")
    assert load_dictionary(path).names() == ["gender"]


def test_missing_dictionary_file_is_a_dictionary_error(tmp_path: Path) -> None:
    with pytest.raises(DictionaryError, match="file not found"):
        load_dictionary(tmp_path / "absent.yaml")


def test_non_utf8_dictionary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "study.yaml"
    path.write_bytes((HEAD + GENDER.replace("Female", "Женщина")).encode("cp1251"))
    with pytest.raises(DictionaryError, match="is not UTF-8"):
        load_dictionary(path)


# Any text people might type, control characters aside (those are refused, tested below).
readable = st.characters(exclude_categories=("Cc", "Cs"))
labels = st.text(readable, min_size=1, max_size=30).filter(lambda label: label.strip() != "")
values = st.text(st.characters(categories=("L", "N", "P", "S")), min_size=1, max_size=12)
choice_lists = st.lists(
    st.tuples(values, labels),
    min_size=1,
    max_size=5,
    unique_by=(lambda c: c[0].casefold(), lambda c: c[1].strip().casefold()),
)


@given(choice_lists, labels, st.text(readable, max_size=40))
def test_any_accepted_dictionary_round_trips(
    choices: list[tuple[str, str]], label: str, help_text: str
) -> None:
    try:
        attribute = Attribute(
            name="answer",
            label=label,
            type=AttributeType.MULTIPLE_CHOICE,
            scope="interview",
            help=help_text,
            choices=[Choice(value=value, label=text) for value, text in choices],
        )
        dictionary = DataDictionary(title=label, attributes=[attribute])
    except ValueError:
        assume(False)
        raise
    assert loads_dictionary(dumps_dictionary(dictionary)) == dictionary


def test_control_characters_in_labels_are_refused() -> None:
    with pytest.raises(ValueError, match="U\\+0085"):
        Choice(value="a", label="line\x85break")

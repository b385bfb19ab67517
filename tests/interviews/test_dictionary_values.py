"""Parsing and validating respondent and interview attributes against the data dictionary."""

from datetime import date
from typing import Any

import pytest

from interviews.defaults import default_dictionary
from interviews.dictionary import Attribute, AttributeType, Choice, DataDictionary
from interviews.errors import DictionaryError, InvalidValueError

TODAY = date(2024, 5, 1)
DICTIONARY = default_dictionary()

INTERVIEW = {
    "interview_date": "2024-04-12",
    "place": "Martuni",
    "interviewer": "Anahit",
    "language": "hy;ru",
    "consent": "yes",
    "consent_scope": "interview;quotation",
}


def _interview(**changes: Any) -> dict[str, Any]:
    values = {**INTERVIEW, **changes}
    return {key: value for key, value in values.items() if value is not None}


def _messages(values: dict[str, Any], scope: str = "respondent") -> list[str]:
    result = DICTIONARY.validate(scope, values, today=TODAY)  # type: ignore[arg-type]
    return [issue.message for issue in result.errors + result.warnings]


@pytest.mark.parametrize(
    ("name", "scope", "kind"),
    [
        ("gender", "respondent", "single_choice"),
        ("birth_year", "respondent", "integer"),
        ("role", "respondent", "single_choice"),
        ("marital_status", "respondent", "single_choice"),
        ("household_size", "respondent", "integer"),
        ("migration_era", "respondent", "single_choice"),
        ("departure_year", "respondent", "integer"),
        ("destination", "respondent", "text"),
        ("occupation_before", "respondent", "text"),
        ("occupation_after", "respondent", "text"),
        ("refugee_origin", "respondent", "text"),
        ("remittances", "respondent", "single_choice"),
        ("relatives_abroad", "respondent", "yes_no"),
        ("interview_date", "interview", "date"),
        ("place", "interview", "single_choice"),
        ("interviewer", "interview", "text"),
        ("language", "interview", "multiple_choice"),
        ("consent", "interview", "yes_no"),
        ("consent_scope", "interview", "multiple_choice"),
    ],
)
def test_default_dictionary_defines_the_study_attributes(name: str, scope: str, kind: str) -> None:
    attribute = DICTIONARY.attribute(name)
    assert (attribute.scope, attribute.type) == (scope, AttributeType(kind))


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("role", ["migrant", "stayed", "returnee", "non_migrant"]),
        ("migration_era", ["soviet", "conflict_1988_1994", "after_1994"]),
        ("remittances", ["regular", "irregular", "none"]),
        ("place", ["martuni", "moscow", "krasnodar", "other"]),
        ("language", ["hy", "ru", "en", "other"]),
        ("consent_scope", ["interview", "audio_recording", "quotation", "archiving"]),
    ],
)
def test_default_dictionary_choices(name: str, values: list[str]) -> None:
    assert [choice.value for choice in DICTIONARY.attribute(name).choices] == values


def test_interview_attributes_are_required_in_the_default_dictionary() -> None:
    assert all(attribute.required for attribute in DICTIONARY.for_scope("interview"))


def test_for_scope_returns_only_that_scope() -> None:
    assert {a.scope for a in DICTIONARY.for_scope("respondent")} == {"respondent"}


def test_unknown_scope_is_refused() -> None:
    with pytest.raises(DictionaryError, match="unknown scope"):
        DICTIONARY.for_scope("household")  # type: ignore[arg-type]


def test_unknown_attribute_suggests_close_names() -> None:
    with pytest.raises(DictionaryError, match="did you mean 'birth_year'"):
        DICTIONARY.attribute("brith_year")


def test_valid_interview_values_are_cleaned_and_typed() -> None:
    result = DICTIONARY.validate("interview", INTERVIEW, today=TODAY)
    assert result.ok and result.values == {
        "interview_date": date(2024, 4, 12),
        "place": "martuni",
        "interviewer": "Anahit",
        "language": ["hy", "ru"],
        "consent": True,
        "consent_scope": ["interview", "quotation"],
    }


def test_absent_optional_values_are_omitted() -> None:
    result = DICTIONARY.validate("respondent", {"gender": "female", "role": ""}, today=TODAY)
    assert result.ok and result.values == {"gender": "female"}


def test_impossible_date_is_an_error() -> None:
    result = DICTIONARY.validate("interview", _interview(interview_date="2023-02-30"), today=TODAY)
    assert [issue.message for issue in result.errors] == [
        "interview_date: 2023-02-30 is not a valid date (February 2023 has 28 days)"
    ]


def test_month_thirteen_is_not_a_valid_date() -> None:
    with pytest.raises(InvalidValueError, match="there is no month 13"):
        DICTIONARY.parse_value("interview_date", "2023-13-01")


def test_interview_date_in_the_future_is_an_error() -> None:
    result = DICTIONARY.validate("interview", _interview(interview_date="2024-05-02"), today=TODAY)
    assert [issue.field for issue in result.errors] == ["interview_date"]


def test_interview_date_today_is_accepted() -> None:
    assert DICTIONARY.validate("interview", _interview(interview_date=TODAY), today=TODAY).ok


def test_missing_required_values_are_errors_naming_each_field() -> None:
    result = DICTIONARY.validate("interview", {}, today=TODAY)
    assert [issue.field for issue in result.errors] == [
        "interview_date",
        "place",
        "interviewer",
        "language",
        "consent",
        "consent_scope",
    ]


def test_consent_no_is_a_hard_error() -> None:
    result = DICTIONARY.validate("interview", _interview(consent="no"), today=TODAY)
    assert [issue.message for issue in result.errors] == [
        "consent: an interview cannot be recorded without consent"
    ]


def test_empty_consent_scope_counts_as_missing() -> None:
    result = DICTIONARY.validate("interview", _interview(consent_scope=[]), today=TODAY)
    assert [issue.field for issue in result.errors] == ["consent_scope"]


def test_birth_year_giving_an_age_of_200_is_an_error() -> None:
    result = DICTIONARY.validate("respondent", {"birth_year": "1824"}, today=TODAY)
    assert [issue.message for issue in result.errors] == [
        "birth_year: 1824 is below the minimum 1900"
    ]


def test_hard_error_replaces_the_soft_warning() -> None:
    result = DICTIONARY.validate("respondent", {"birth_year": 1824}, today=TODAY)
    assert result.warnings == []


def test_birth_year_in_the_future_is_an_error() -> None:
    result = DICTIONARY.validate("respondent", {"birth_year": 2025}, today=TODAY)
    assert "above the maximum 2024 (current_year)" in result.errors[0].message


def test_respondent_younger_than_16_is_a_warning() -> None:
    result = DICTIONARY.validate("respondent", {"birth_year": 2010}, today=TODAY)
    assert result.ok and [issue.field for issue in result.warnings] == ["birth_year"]


def test_respondent_older_than_100_is_a_warning() -> None:
    result = DICTIONARY.validate("respondent", {"birth_year": 1920}, today=TODAY)
    assert result.ok and "current_year - 100" in result.warnings[0].message


def test_respondent_of_working_age_raises_no_warning() -> None:
    result = DICTIONARY.validate("respondent", {"birth_year": 1962}, today=TODAY)
    assert result.ok and result.warnings == []


def test_age_is_judged_at_the_given_date() -> None:
    result = DICTIONARY.validate("respondent", {"birth_year": 1985}, today=date(1999, 6, 1))
    assert [issue.field for issue in result.warnings] == ["birth_year"]


def test_large_household_is_a_warning() -> None:
    result = DICTIONARY.validate("respondent", {"household_size": "16"}, today=TODAY)
    assert result.ok and result.warnings[0].message.startswith("household_size: 16")


def test_household_beyond_40_is_an_error() -> None:
    assert _messages({"household_size": 41}) == ["household_size: 41 is above the maximum 40"]


def test_empty_household_is_an_error() -> None:
    assert _messages({"household_size": 0}) == ["household_size: 0 is below the minimum 1"]


def test_departure_before_birth_is_an_error() -> None:
    result = DICTIONARY.validate(
        "respondent", {"birth_year": 1970, "departure_year": 1965}, today=TODAY
    )
    assert [issue.message for issue in result.errors] == [
        "departure_year: 1965 is before birth_year 1970"
    ]


def test_departure_year_outside_the_migration_era_is_a_warning() -> None:
    values = {"migration_era": "soviet", "departure_year": 1999}
    result = DICTIONARY.validate("respondent", values, today=TODAY)
    assert result.ok and "does not fall in migration_era 'soviet'" in result.warnings[0].message


def test_departure_year_within_the_migration_era_is_accepted() -> None:
    values = {"migration_era": "conflict_1988_1994", "departure_year": "1992"}
    result = DICTIONARY.validate("respondent", values, today=TODAY)
    assert result.ok and result.warnings == []


def test_unknown_key_is_an_error_with_a_suggestion() -> None:
    assert _messages({"gendre": "male"}) == [
        "gendre: unknown respondent attribute; did you mean 'gender'?"
    ]


def test_key_of_the_other_scope_is_an_error() -> None:
    assert _messages({"place": "moscow"}) == ["place: an interview attribute, not a respondent one"]


def test_unparseable_value_is_an_error_naming_the_field() -> None:
    assert _messages({"birth_year": "nineteen"}) == ["birth_year: 'nineteen' is not a whole number"]


def test_every_message_names_its_field() -> None:
    values = {"birth_year": "1824", "household_size": 16, "gendre": "x", "role": "boss"}
    result = DICTIONARY.validate("respondent", values, today=TODAY)
    issues = result.errors + result.warnings
    assert len(issues) == 4 and all(i.message.startswith(f"{i.field}: ") for i in issues)


def test_fields_with_errors_are_left_out_of_the_values() -> None:
    values = {"birth_year": "1824", "gender": "male"}
    assert DICTIONARY.validate("respondent", values, today=TODAY).values == {"gender": "male"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("yes", True),
        ("No", False),
        ("TRUE", True),
        ("0", False),
        ("1", True),
        ("да", True),
        ("այո", True),
        ("ոչ", False),
        (True, True),
    ],
)
def test_yes_no_strings_are_parsed(raw: object, expected: bool) -> None:
    assert DICTIONARY.parse_value("relatives_abroad", raw) is expected


def test_unclear_yes_no_is_refused() -> None:
    with pytest.raises(InvalidValueError, match="not yes or no"):
        DICTIONARY.parse_value("relatives_abroad", "maybe")


@pytest.mark.parametrize("raw", ["2024-05-01", " 2024-5-1 ", "01.05.2024", date(2024, 5, 1)])
def test_dates_are_parsed(raw: object) -> None:
    assert DICTIONARY.parse_value("interview_date", raw) == date(2024, 5, 1)


def test_ambiguous_slash_date_is_refused() -> None:
    with pytest.raises(InvalidValueError, match="YYYY-MM-DD"):
        DICTIONARY.parse_value("interview_date", "05/01/2024")


@pytest.mark.parametrize(("raw", "expected"), [("1975", 1975), ("1975.0", 1975), (1975.0, 1975)])
def test_integers_are_parsed(raw: object, expected: int) -> None:
    assert DICTIONARY.parse_value("birth_year", raw) == expected


@pytest.mark.parametrize("raw", ["1975.5", "19 75", True, "١٩٧٥"])
def test_non_integers_are_refused(raw: object) -> None:
    with pytest.raises(InvalidValueError, match="not a whole number"):
        DICTIONARY.parse_value("birth_year", raw)


def test_choice_label_is_accepted_case_insensitively() -> None:
    assert DICTIONARY.parse_value("role", "FAMILY MEMBER WHO STAYED") == "stayed"


def test_choice_value_is_accepted_case_insensitively() -> None:
    assert DICTIONARY.parse_value("place", "Krasnodar") == "krasnodar"


def test_unknown_choice_lists_the_values() -> None:
    with pytest.raises(InvalidValueError, match="not one of: migrant, stayed, returnee"):
        DICTIONARY.parse_value("role", "tourist")


def test_multiple_choice_string_is_split_on_semicolons() -> None:
    assert DICTIONARY.parse_value("language", "Russian; hy;") == ["hy", "ru"]


def test_multiple_choice_list_is_deduplicated_in_dictionary_order() -> None:
    assert DICTIONARY.parse_value("language", ["en", "Armenian", "hy"]) == ["hy", "en"]


def test_multiple_choice_with_an_unknown_item_is_refused() -> None:
    with pytest.raises(InvalidValueError, match="'de' is not one of"):
        DICTIONARY.parse_value("language", "hy;de")


def test_text_is_stripped_and_composed() -> None:
    assert DICTIONARY.parse_value("refugee_origin", "  Бак\u0443 ") == "Баку"


def test_text_with_a_control_character_is_refused() -> None:
    with pytest.raises(InvalidValueError, match="U\\+0000"):
        DICTIONARY.parse_value("destination", "Moscow\x00")


def test_text_longer_than_max_length_is_an_error() -> None:
    assert _messages({"destination": "x" * 201}) == ["destination: 201 characters; at most 200"]


def test_blank_string_parses_as_missing() -> None:
    assert DICTIONARY.parse_value("birth_year", "   ") is None


def test_decimal_accepts_a_decimal_comma() -> None:
    dictionary = DataDictionary(
        attributes=[
            Attribute(name="land_ha", label="Land", type=AttributeType.DECIMAL, scope="respondent")
        ]
    )
    assert dictionary.parse_value("land_ha", "2,5") == 2.5


def test_decimal_refuses_infinity() -> None:
    dictionary = DataDictionary(
        attributes=[
            Attribute(name="land_ha", label="Land", type=AttributeType.DECIMAL, scope="respondent")
        ]
    )
    with pytest.raises(InvalidValueError, match="not a number"):
        dictionary.parse_value("land_ha", float("inf"))


def test_choice_attribute_without_choices_is_refused() -> None:
    with pytest.raises(ValueError, match="needs choices"):
        Attribute(name="role", label="Role", type=AttributeType.SINGLE_CHOICE, scope="respondent")


def test_text_attribute_with_choices_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot have choices"):
        Attribute(
            name="town",
            label="Town",
            type=AttributeType.TEXT,
            scope="respondent",
            choices=[Choice(value="a", label="A")],
        )


def test_choices_answering_to_the_same_word_are_refused() -> None:
    with pytest.raises(ValueError, match="both answer to 'other'"):
        Attribute(
            name="place",
            label="Place",
            type=AttributeType.SINGLE_CHOICE,
            scope="interview",
            choices=[Choice(value="other", label="Else"), Choice(value="x", label="Other")],
        )


def test_attribute_name_must_be_identifier_like() -> None:
    with pytest.raises(ValueError, match="identifier-like"):
        Attribute(
            name="birth year", label="Birth year", type=AttributeType.INTEGER, scope="respondent"
        )


def test_reference_to_an_unknown_attribute_is_refused() -> None:
    with pytest.raises(ValueError, match="not_before 'born': no such attribute"):
        DataDictionary(
            attributes=[
                Attribute(
                    name="left",
                    label="Left",
                    type=AttributeType.INTEGER,
                    scope="respondent",
                    not_before="born",
                )
            ]
        )


def test_respondent_key_among_interview_values_is_an_error() -> None:
    assert _messages(_interview(birth_year=1970), scope="interview") == [
        "birth_year: a respondent attribute, not an interview one"
    ]


def test_required_message_names_field_and_label() -> None:
    result = DICTIONARY.validate("interview", _interview(interviewer=None), today=TODAY)
    assert [issue.message for issue in result.errors] == ["interviewer: Interviewer is required"]


def test_separated_is_distinct_from_divorced() -> None:
    assert DICTIONARY.parse_value("marital_status", "Separated (living apart)") == "separated"


def test_an_absurdly_long_integer_is_refused_with_a_message() -> None:
    from interviews.defaults import default_dictionary
    from interviews.errors import InvalidValueError

    with pytest.raises(InvalidValueError, match="too long"):
        default_dictionary().parse_value("birth_year", "9" * 5000)

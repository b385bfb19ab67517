"""Selecting codings and interviews by attribute, coder and code group, and saying so."""

from __future__ import annotations

import pytest

from analysis.filters import describe_filters, select_codings
from tests.analysis.test_frequencies import tiny_study


def test_where_keeps_interviews_with_the_value_and_their_codings() -> None:
    codings, interviews = select_codings(*tiny_study()[:2], where={"place": "moscow"})
    assert interviews["interview_id"].tolist() == ["I2", "I5"]
    assert sorted(codings["interview_id"].unique()) == ["I2", "I5"]
    assert len(codings) == 3


def test_a_multiple_choice_cell_matches_each_of_its_values() -> None:
    _, interviews = select_codings(*tiny_study()[:2], where={"language": "ru"})
    assert sorted(interviews["interview_id"]) == ["I1", "I2", "I5"]  # "hy;ru", "ru", "ru"


def test_a_multiple_choice_cell_matches_itself() -> None:
    _, interviews = select_codings(*tiny_study()[:2], where={"language": "hy;ru"})
    assert interviews["interview_id"].tolist() == ["I1"]


def test_a_list_of_values_matches_any_of_them() -> None:
    _, interviews = select_codings(*tiny_study()[:2], where={"language": ["en", "ru"]})
    assert sorted(interviews["interview_id"]) == ["I1", "I2", "I5", "I6"]


def test_numeric_attributes_match_by_equality() -> None:
    _, interviews = select_codings(*tiny_study()[:2], where={"departure_year": 1999})
    assert sorted(interviews["interview_id"]) == ["I2", "I5"]


def test_missing_values_never_match() -> None:
    _, interviews = select_codings(*tiny_study()[:2], where={"place": ["martuni", "moscow"]})
    assert "I6" not in set(interviews["interview_id"])


def test_several_attributes_must_all_match() -> None:
    where = {"place": "martuni", "gender": "female"}
    _, interviews = select_codings(*tiny_study()[:2], where=where)
    assert sorted(interviews["interview_id"]) == ["I1", "I4"]


def test_coders_keep_their_codings_and_the_interviews_they_coded() -> None:
    codings, interviews = select_codings(*tiny_study()[:2], coders=["b"])
    assert set(codings["coder"]) == {"b"}
    assert sorted(interviews["interview_id"]) == ["I1", "I3", "I5"]


def test_groups_keep_codings_but_not_fewer_interviews() -> None:
    codings, interviews = select_codings(*tiny_study()[:2], groups=["remittances"])
    assert codings["code_id"].tolist() == ["remittances", "remittances"]
    assert len(interviews) == 6


def test_unknown_attribute_is_refused() -> None:
    with pytest.raises(KeyError, match="birthplace"):
        select_codings(*tiny_study()[:2], where={"birthplace": "baku"})


def test_describe_filters_names_each_part() -> None:
    text = describe_filters(where={"place": "martuni"}, coders=["lusine"])
    assert text == "place = martuni; coder = lusine; all code groups"


def test_describe_filters_lists_several_values() -> None:
    text = describe_filters(where={"place": ["moscow", "krasnodar"]}, groups=["motives", "clan"])
    assert text == "place = moscow or krasnodar; all coders; code groups = motives or clan"


def test_describe_no_filters() -> None:
    assert describe_filters() == "all interviews; all coders; all code groups"

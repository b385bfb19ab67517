"""The one rule for spreadsheet cells: text a spreadsheet would evaluate is made inert, and
nothing else changes (numbers stay numbers)."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from research.services.formulas import inert_cell, inert_frame, inert_strings, inert_text

# OWASP's CSV Injection list, and the full-width forms guarded too (written out here, not
# imported, so that a change to the rule fails these tests).
TRIGGERS = ["=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20"]


@pytest.mark.parametrize("first", TRIGGERS)
def test_text_starting_with_a_trigger_gets_an_apostrophe(first: str) -> None:
    text = first + 'HYPERLINK("http://evil")'
    assert inert_text(text) == "'" + text


@pytest.mark.parametrize("text", ["", "plain", "a=b", " =1", "'=1", "1-2", "\n=1", "x\uff1d1"])
def test_other_text_is_kept_as_it_is(text: str) -> None:
    assert inert_text(text) == text


@pytest.mark.parametrize("value", [-3, -0.5, 0, True, None, pd.Timestamp("2004-06-12")])
def test_values_that_are_not_text_are_kept_as_they_are(value: object) -> None:
    assert inert_cell(value) is value


@given(st.text(max_size=8))
def test_the_arrow_form_agrees_with_the_rule(text: str) -> None:
    values = pa.array([text, None], pa.string())
    assert inert_strings(values).to_pylist() == [inert_text(text), None]


def test_a_frame_keeps_its_numbers_and_makes_its_text_and_names_inert() -> None:
    frame = pd.DataFrame(
        {
            "title": ["=HYPERLINK(1)", "plain", None],
            "-change": [-3, 4, 5],
            "share": [-0.5, 0.25, float("nan")],
            "kind": pd.Categorical(["@a", "b", "@a"]),
        }
    )
    safe = inert_frame(frame)
    assert safe["title"].tolist()[:2] == ["'=HYPERLINK(1)", "plain"]
    assert safe["title"].isna().tolist() == [False, False, True]
    assert list(safe.columns) == ["title", "'-change", "share", "kind"]
    assert safe["'-change"].tolist() == [-3, 4, 5]
    assert pd.api.types.is_integer_dtype(safe["'-change"])
    assert safe["share"].iloc[0] == -0.5
    assert safe["kind"].tolist() == ["'@a", "b", "'@a"]
    # The table given is left as it was.
    assert frame["title"].iloc[0] == "=HYPERLINK(1)"

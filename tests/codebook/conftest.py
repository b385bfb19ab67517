"""Fixtures for codebook tests: one small codebook, built the same way every time."""

import pytest

from codebook import Code, Codebook


def small_codebook() -> Codebook:
    """Build a small codebook with groups, nested codes, a retired code and a root code."""
    return Codebook(
        name="Small study",
        codes=[
            Code(code_id="motives", name="motives", group_only=True, colour="#0072B2"),
            Code(code_id="economy", name="economy", parent_id="motives", group_only=True),
            Code(
                code_id="unemployment",
                name="unemployment",
                parent_id="economy",
                definition="No work.",
                examples=["There is no work here."],
            ),
            Code(
                code_id="poverty",
                name="poverty",
                parent_id="economy",
                examples=["We sold the carpets.", "There is no work here."],
                memo="Often overlaps with unemployment.",
            ),
            Code(code_id="debt", name="debt", parent_id="poverty"),
            Code(code_id="ruin", name="ruin", parent_id="economy", examples=["Nothing left."]),
            Code(code_id="politics", name="politics", parent_id="motives", group_only=True),
            Code(code_id="clans_nepotism", name="clans_nepotism", parent_id="politics"),
            Code(code_id="patterns", name="patterns", group_only=True, colour="#E69F00"),
            Code(code_id="protracted", name="protracted", parent_id="patterns"),
            Code(code_id="seasonal", name="seasonal", parent_id="patterns", retired=True),
            Code(code_id="clan", name="clan", title="Clans and power"),
        ],
    )


@pytest.fixture
def small() -> Codebook:
    """The small codebook."""
    return small_codebook()

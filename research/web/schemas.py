"""Request bodies of the JSON API: strict pydantic models (unknown fields are refused)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    """Base of request models: unknown fields are an error, strings are not coerced."""

    model_config = ConfigDict(extra="forbid", strict=True)


OffsetUnit = Literal["utf16", "code_point"]


class CoderChoice(Strict):
    """The name a coder works under."""

    name: str = Field(min_length=1, max_length=100)

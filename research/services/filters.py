"""Attribute filters (`--where gender=female`) over respondents and interviews."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from interviews.dictionary import AttributeType, DataDictionary
from research.errors import ResearchError


@dataclass(frozen=True)
class Condition:
    """One `attribute=value` condition, its value typed by the data dictionary."""

    attribute: str
    value: Any
    multiple: bool

    def matches(self, record: Mapping[str, Any]) -> bool:
        """Whether a record's attributes satisfy the condition."""
        if self.attribute not in record:
            return False
        stored = record[self.attribute]
        if self.multiple:
            wanted = self.value if isinstance(self.value, list) else [self.value]
            return all(item in (stored or []) for item in wanted)
        return bool(stored == self.value)


def parse_conditions(dictionary: DataDictionary, expressions: Iterable[str]) -> list[Condition]:
    """Turn `name=value` strings into typed conditions; unknown names are a clear error."""
    conditions = []
    for expression in expressions:
        name, separator, raw = expression.partition("=")
        name = name.strip()
        if not separator or not name:
            raise ResearchError(f"filter {expression!r} is not of the form ATTRIBUTE=VALUE")
        attribute = dictionary.attribute(name)
        value = dictionary.parse_value(name, raw.strip())
        conditions.append(Condition(name, value, attribute.type == AttributeType.MULTIPLE_CHOICE))
    return conditions


def matches_all(conditions: Iterable[Condition], record: Mapping[str, Any]) -> bool:
    """Whether a record satisfies every condition."""
    return all(condition.matches(record) for condition in conditions)

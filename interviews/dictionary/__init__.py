"""A study's data dictionary: typed respondent and interview attributes, parsed and validated.

`schema` holds the attributes and their options, `values` the parser of each type,
`validation` the checks of a record's values, and `yaml_io` the YAML form with errors
located by file and line. Import from here; the modules are the layout, not the interface.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from interviews.dictionary.kinds import (
    MULTIPLE_CHOICE_SEPARATOR,
    SCOPES,
    AttributeType,
    Bound,
    Scope,
    Severity,
    Value,
)
from interviews.dictionary.schema import Attribute, Choice, DataDictionary
from interviews.dictionary.validation import Issue, ValidationResult

if TYPE_CHECKING:
    from interviews.dictionary.yaml_io import (
        dictionary_file_problems,
        dictionary_problems,
        dumps_dictionary,
        load_dictionary,
        loads_dictionary,
    )

# The YAML form is loaded on first use: a stored dictionary is JSON, read without the YAML
# parser.
_YAML_NAMES = frozenset(
    {
        "dictionary_file_problems",
        "dictionary_problems",
        "dumps_dictionary",
        "load_dictionary",
        "loads_dictionary",
    }
)

__all__ = [
    "MULTIPLE_CHOICE_SEPARATOR",
    "SCOPES",
    "Attribute",
    "AttributeType",
    "Bound",
    "Choice",
    "DataDictionary",
    "Issue",
    "Scope",
    "Severity",
    "ValidationResult",
    "Value",
    "dictionary_file_problems",
    "dictionary_problems",
    "dumps_dictionary",
    "load_dictionary",
    "loads_dictionary",
]


def __getattr__(name: str) -> Any:
    if name in _YAML_NAMES:
        return getattr(importlib.import_module("interviews.dictionary.yaml_io"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

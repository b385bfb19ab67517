"""The shipped data dictionaries: the Nagorno Karabakh study's, and a generic blank one."""

from __future__ import annotations

from importlib.resources import files

from interviews.dictionary import DataDictionary, loads_dictionary

DEFAULT_DICTIONARY_FILE = "karabakh_dictionary.yaml"
BLANK_DICTIONARY_FILE = "blank_dictionary.yaml"


def default_dictionary() -> DataDictionary:
    """Load the study's default data dictionary shipped with the package."""
    return _shipped(DEFAULT_DICTIONARY_FILE)


def blank_dictionary() -> DataDictionary:
    """A generic dictionary for a new study: interview attributes only, none of respondents."""
    return _shipped(BLANK_DICTIONARY_FILE)


def _shipped(name: str) -> DataDictionary:
    resource = files("interviews").joinpath("data", name)
    return loads_dictionary(resource.read_text(encoding="utf-8"), source=name)

"""The default data dictionary, written for the Nagorno Karabakh migration study."""

from __future__ import annotations

from importlib.resources import files

from interviews.dictionary import DataDictionary, loads_dictionary

DEFAULT_DICTIONARY_FILE = "karabakh_dictionary.yaml"


def default_dictionary() -> DataDictionary:
    """Load the study's default data dictionary shipped with the package."""
    resource = files("interviews").joinpath("data", DEFAULT_DICTIONARY_FILE)
    return loads_dictionary(resource.read_text(encoding="utf-8"), source=DEFAULT_DICTIONARY_FILE)

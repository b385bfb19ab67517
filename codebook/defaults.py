"""The default codebook shipped with the toolkit: migration from Nagorno Karabakh."""

from __future__ import annotations

import functools
from importlib import resources

from codebook.models import Codebook
from codebook.yaml_io import loads_codebook

DEFAULT_CODEBOOK_FILE = "karabakh.yaml"


@functools.cache
def default_codebook() -> Codebook:
    """Return the Karabakh migration codebook from codebook/data/karabakh.yaml."""
    # Codebooks are frozen (tuples all the way down), so one shared instance is safe.
    text = resources.files("codebook").joinpath("data", DEFAULT_CODEBOOK_FILE).read_text("utf-8")
    return loads_codebook(text, source=DEFAULT_CODEBOOK_FILE)

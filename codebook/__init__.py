"""The codebook domain: codes in a tree, their YAML form, and the edits researchers make."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from codebook.errors import CodebookError
from codebook.models import Code, Codebook
from codebook.operations import (
    Change,
    add_code,
    merge_codes,
    move_code,
    rename_code,
    retire_code,
    update_code,
)

if TYPE_CHECKING:
    from codebook.defaults import default_codebook
    from codebook.yaml_io import dumps_codebook, load_codebook, loads_codebook, save_codebook

# The YAML form is loaded on first use: a study's codebook is read from the database, and a
# command that applies a code should not pay for the YAML parser.
_LAZY = {
    "default_codebook": "codebook.defaults",
    "dumps_codebook": "codebook.yaml_io",
    "load_codebook": "codebook.yaml_io",
    "loads_codebook": "codebook.yaml_io",
    "save_codebook": "codebook.yaml_io",
}

__all__ = [
    "Change",
    "Code",
    "Codebook",
    "CodebookError",
    "add_code",
    "default_codebook",
    "dumps_codebook",
    "load_codebook",
    "loads_codebook",
    "merge_codes",
    "move_code",
    "rename_code",
    "retire_code",
    "save_codebook",
    "update_code",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

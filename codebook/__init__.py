"""The codebook domain: codes in a tree, their YAML form, and the edits researchers make."""

from codebook.defaults import default_codebook
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
from codebook.yaml_io import dumps_codebook, load_codebook, loads_codebook, save_codebook

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

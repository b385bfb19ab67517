"""Records for non-interactive entry, read from a JSON or CSV file with their positions."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from research.errors import ResearchError


def read_records(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(record number, fields) from a JSON object or list, or a CSV with a header row.

    CSV records are numbered by their line in the file; JSON records from 1.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ResearchError(f"{path}: cannot read as UTF-8 text ({error})") from error
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ResearchError(
                f"{path.name}, line {error.lineno}, column {error.colno}: {error.msg}"
            ) from error
        items = data if isinstance(data, list) else [data]
        for number, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                raise ResearchError(f"{path.name}, record {number}: expected an object")
        return [(number, dict(item)) for number, item in enumerate(items, start=1)]
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(text.splitlines())
        return [
            (reader.line_num, {key: value for key, value in row.items() if key and value})
            for row in reader
        ]
    raise ResearchError(f"{path.name}: records must be .json or .csv")


def add_each(path: Path, add: Callable[[dict[str, Any]], object]) -> int:
    """Call `add` on every record of a file; an error names the file and the record."""
    records = read_records(path)
    for number, record in records:
        try:
            add(record)
        except ResearchError as error:
            raise ResearchError(f"{path.name}, record {number}: {error}") from error
    return len(records)

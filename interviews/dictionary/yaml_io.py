"""Data dictionaries as YAML: reading with errors located by file and line, and writing."""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from interviews.dictionary.kinds import OptionProblem, suggestion
from interviews.dictionary.schema import Attribute, AttributeProblem, Choice, DataDictionary
from interviews.errors import DictionaryError
from interviews.yaml_guard import bad_date_line, guard


def load_dictionary(path: str | Path) -> DataDictionary:
    """Read a data dictionary from a YAML file; problems raise DictionaryError with line numbers."""
    path = Path(path)
    return loads_dictionary(_read_text(path), source=path.name)


def dictionary_file_problems(path: str | Path) -> list[DictionaryError]:
    """Every problem of a data dictionary file, in line order, each naming file and line."""
    path = Path(path)
    try:
        text = _read_text(path)
    except DictionaryError as error:
        return [error]
    return dictionary_problems(text, source=str(path))


def dictionary_problems(text: str, *, source: str = "<string>") -> list[DictionaryError]:
    """Every problem of a data dictionary in YAML text, in line order; empty when it is valid."""
    try:
        tree = _document(text, source)
    except DictionaryError as error:
        return [error]
    try:
        DataDictionary.model_validate(_plain(tree))
    except ValidationError as error:
        found = [_locate(detail, tree, source) for detail in error.errors()]
        return sorted(found, key=lambda problem: problem.line or 0)
    return []


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DictionaryError("file not found", file=str(path)) from None
    except UnicodeDecodeError as error:
        raise DictionaryError(
            f"byte 0x{error.object[error.start]:02x} at offset {error.start} is not UTF-8",
            file=path.name,
        ) from None
    except OSError as error:
        raise DictionaryError(f"cannot read the file: {error.strerror}", file=str(path)) from None


def loads_dictionary(text: str, *, source: str = "<string>") -> DataDictionary:
    """Parse a data dictionary from YAML text; ``source`` names it in error messages."""
    tree = _document(text, source)
    try:
        return DataDictionary.model_validate(_plain(tree))
    except ValidationError as error:
        raise _located_error(error, tree, source) from None


def _document(text: str, source: str) -> CommentedMap:
    tree = _parse_yaml(text, source)
    if tree is None:
        raise DictionaryError("the dictionary is empty", file=source)
    if not isinstance(tree, CommentedMap):
        raise DictionaryError(
            "the top level must be a mapping with an 'attributes' list", file=source, line=1
        )
    return tree


def dumps_dictionary(dictionary: DataDictionary) -> str:
    """Write a data dictionary as YAML that ``loads_dictionary`` reads back unchanged."""
    # Block style throughout: ruamel's flow style emits some labels (e.g. "?0") unquoted.
    data = dictionary.model_dump(mode="json", exclude_defaults=True)
    stream = io.StringIO()
    _yaml().dump(data, stream)
    return stream.getvalue()


def _yaml() -> YAML:
    yaml = guard(YAML(typ="rt"))
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100
    yaml.allow_unicode = True
    return yaml


def _parse_yaml(text: str, source: str) -> Any:
    try:
        return _yaml().load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "unreadable"
        context = error.context_mark
        if error.problem and error.context and context is not None and context is not mark:
            problem += f" ({error.context} on line {context.line + 1})"
        raise DictionaryError(
            f"invalid YAML: {problem}", file=source, line=None if mark is None else mark.line + 1
        ) from None
    except YAMLError as error:
        raise DictionaryError(f"invalid YAML: {error}", file=source) from None
    except ValueError as error:
        # A date-like scalar that is no date (2001-02-30) fails while YAML builds it.
        raise DictionaryError(
            f"invalid date: {error}", file=source, line=bad_date_line(text)
        ) from None



def _plain(node: Any) -> Any:
    """Turn ruamel's round-trip nodes into plain Python values for validation."""
    if isinstance(node, Mapping):
        return {_plain(key): _plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain(item) for item in node]
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, str):
        return str(node)
    if isinstance(node, datetime):
        return node
    if isinstance(node, date):
        return date(node.year, node.month, node.day)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, int):
        # ruamel's booleans in round-trip mode are int subclasses named ScalarBoolean.
        return bool(node) if type(node).__name__ == "ScalarBoolean" else int(node)
    return node


def _located_error(error: ValidationError, tree: CommentedMap, source: str) -> DictionaryError:
    # An unknown key usually explains the other problems (a misspelt "lable" is also a
    # missing "label"), so it is reported first.
    details = sorted(error.errors(), key=lambda detail: detail["type"] != "extra_forbidden")
    first = _locate(details[0], tree, source)
    if len(details) == 1:
        return first
    more = len(details) - 1
    return DictionaryError(
        f"{first.message} (and {more} more problem{'s' if more > 1 else ''})",
        file=first.file,
        line=first.line,
        field=first.field,
    )


def _locate(detail: Any, tree: CommentedMap, source: str) -> DictionaryError:
    cause = detail.get("ctx", {}).get("error")
    loc: tuple[Any, ...] = tuple(detail["loc"])
    if isinstance(cause, AttributeProblem):
        loc = ("attributes", cause.index)
    if isinstance(cause, OptionProblem):
        loc = (*loc, cause.key)
    return DictionaryError(
        _describe(detail, cause, loc),
        file=source,
        line=_line_of(tree, loc),
        field=_attribute_name(tree, loc),
    )


def _describe(detail: Any, cause: object, loc: tuple[Any, ...]) -> str:
    path = _key_path(loc)
    if isinstance(cause, DictionaryError | OptionProblem):
        # These messages already name the option they are about.
        return cause.message if isinstance(cause, DictionaryError) else str(cause)
    elif isinstance(cause, Exception):
        text = str(cause)
    elif detail["type"] == "extra_forbidden":
        allowed = list(Attribute.model_fields) if len(loc) == 3 else []
        if len(loc) == 5:
            allowed = list(Choice.model_fields)
        if len(loc) == 1:
            allowed = list(DataDictionary.model_fields)
        return f"unknown key {loc[-1]!r}{suggestion(str(loc[-1]), allowed)}"
    elif detail["type"] == "missing":
        return f"{path or 'a value'} is missing"
    else:
        text = detail["msg"]
    return f"{path}: {text}" if path else text


def _key_path(loc: tuple[Any, ...]) -> str:
    """Name the key within an attribute, e.g. ``choices[1].label``; empty for the whole."""
    inner = loc[2:] if len(loc) >= 2 and loc[0] == "attributes" else loc
    path = ""
    for part in inner:
        path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else str(part)
    return path


def _line_of(tree: CommentedMap, loc: tuple[Any, ...]) -> int | None:
    """Return the 1-based line of the deepest node of ``loc`` present in the YAML tree."""
    node: Any = tree
    line: int | None = None
    for part in loc:
        if isinstance(node, CommentedMap) and part in node:
            line = node.lc.key(part)[0]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
            line = node.lc.item(part)[0]
        else:
            break
        node = node[part]
    return None if line is None else line + 1


def _attribute_name(tree: CommentedMap, loc: tuple[Any, ...]) -> str | None:
    if len(loc) < 2 or loc[0] != "attributes" or not isinstance(loc[1], int):
        return None
    attributes = tree.get("attributes")
    if not isinstance(attributes, list) or loc[1] >= len(attributes):
        return None
    entry = attributes[loc[1]]
    name = entry.get("name") if isinstance(entry, Mapping) else None
    return name if isinstance(name, str) else f"#{loc[1] + 1}"

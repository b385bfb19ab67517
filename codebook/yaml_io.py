"""Codebooks as nested, hand-editable YAML: loading with line numbers in errors, and saving."""

from __future__ import annotations

import contextlib
import datetime
import difflib
import io
import os
import tempfile
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

from codebook.errors import CodebookError
from codebook.models import PATH_SEPARATOR, Code, Codebook
from codebook.yaml_guard import bad_date_line, guard

TOP_KEYS = ("name", "version", "codes")
# Key order here is the order keys are written in; loading accepts any order.
CODE_KEYS = (
    "id",
    "name",
    "title",
    "group_only",
    "retired",
    "colour",
    "definition",
    "inclusion",
    "exclusion",
    "examples",
    "memo",
    "children",
)
_TEXT_KEYS = ("definition", "inclusion", "exclusion", "memo")
_FIELD_TO_KEY = {"code_id": "id", "parent_id": "id"}
_WIDTH = 88
_FOLD_FROM = 72


def loads_codebook(text: str, *, source: str = "<string>") -> Codebook:
    """Parse a codebook from YAML text; source names the text in error messages."""
    try:
        document = _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "the YAML could not be read"
        raise CodebookError(
            f"malformed YAML: {problem}",
            file=source,
            line=mark.line + 1 if mark is not None else None,
        ) from None
    except YAMLError as exc:
        raise CodebookError(f"malformed YAML: {exc}", file=source) from None
    except ValueError as exc:
        # A date-like scalar that is no date (2001-02-30) fails while YAML builds it.
        raise CodebookError(
            f"malformed YAML: invalid date: {exc}", file=source, line=bad_date_line(text)
        ) from None
    return _Reader(source).codebook(document)



def load_codebook(path: str | Path) -> Codebook:
    """Read a codebook from a YAML file (UTF-8); errors name the file and line."""
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CodebookError(
            f"the file is not UTF-8 text (bad byte at offset {exc.start})", file=str(path)
        ) from None
    return loads_codebook(text, source=str(path))


def dumps_codebook(codebook: Codebook) -> str:
    """Write a codebook as nested YAML, leaving out empty and false values."""
    document = {
        "name": codebook.name,
        "version": codebook.version,
        "codes": [_code_entry(codebook, root) for root in codebook.children(None)],
    }
    stream = io.StringIO()
    _yaml().dump(document, stream)
    return stream.getvalue()


def save_codebook(codebook: Codebook, path: str | Path) -> None:
    """Write a codebook to a YAML file atomically: a reader sees the old file or the new one."""
    target = Path(path)
    text = dumps_codebook(codebook)
    descriptor, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp creates the file private (0600); keep the permissions a codebook had.
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _yaml() -> YAML:
    """Return a round-trip YAML processor set up for codebooks (keeps line numbers)."""
    yaml = guard(YAML(typ="rt", pure=True))
    yaml.indent(mapping=2, sequence=4, offset=2)
    # Long prose is written as folded blocks wrapped near this width, for people editing it.
    yaml.width = _WIDTH
    yaml.allow_unicode = True
    return yaml


def _code_entry(codebook: Codebook, code: Code) -> dict[str, Any]:
    """Return the YAML mapping for one code and, nested, everything below it."""
    entry: dict[str, Any] = {"id": code.code_id, "name": code.name}
    if code.title is not None:
        entry["title"] = code.title
    if code.group_only:
        entry["group_only"] = True
    if code.retired:
        entry["retired"] = True
    if code.colour is not None:
        entry["colour"] = code.colour
    for key in ("definition", "inclusion", "exclusion"):
        if getattr(code, key):
            entry[key] = _scalar(getattr(code, key))
    if code.examples:
        entry["examples"] = [_scalar(example) for example in code.examples]
    if code.memo:
        entry["memo"] = _scalar(code.memo)
    children = codebook.children(code.code_id)
    if children:
        entry["children"] = [_code_entry(codebook, child) for child in children]
    return entry


def _scalar(text: str) -> str:
    """Style text for editing: multi-line as a literal block, long prose folded, else plain."""
    styled: str = text
    if "\n" in text:
        styled = LiteralScalarString(text)
    elif len(text) > _FOLD_FROM and " " in text:
        styled = FoldedScalarString(text)
    return styled


class _Reader:
    """Turns a parsed YAML document into a Codebook, checking keys and types as it goes."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.lines: dict[str, int] = {}
        self.mappings: dict[str, CommentedMap] = {}

    def codebook(self, document: object) -> Codebook:
        """Check the top-level mapping and build the codebook from it."""
        if document is None:
            raise self.error("the codebook is empty; expected name, version and codes", line=1)
        if not isinstance(document, CommentedMap):
            raise self.error(
                f"expected a mapping with name, version and codes, not {_kind(document)}", line=1
            )
        self.check_keys(document, TOP_KEYS, code=None)
        for key in ("name", "codes"):
            if key not in document:
                raise self.error(f"the key {key!r} is missing", line=_map_line(document))
        name = self.text(document, "name", code=None)
        version = document.get("version", 1)
        if isinstance(version, bool) or not isinstance(version, int):
            raise self.error(
                f"version must be a whole number, not {_kind(version)}",
                line=_key_line(document, "version"),
            )
        codes: list[Code] = []
        self.read_codes(document, "codes", parent=None, parent_path=None, into=codes)
        try:
            return Codebook(name=name, version=int(version), codes=codes)
        except CodebookError as exc:
            if exc.field in ("name", "version"):
                line = _key_line(document, exc.field)
                raise exc.with_context(file=self.source, line=line) from None
            raise self.locate(exc) from None

    def read_codes(
        self,
        mapping: CommentedMap,
        key: str,
        *,
        parent: str | None,
        parent_path: str | None,
        into: list[Code],
    ) -> None:
        """Read the list of code mappings under key, depth first, appending to into."""
        items = mapping.get(key)
        if items is None:
            return
        if not isinstance(items, CommentedSeq):
            raise self.error(
                f"{key} must be a list of codes, not {_kind(items)}",
                line=_key_line(mapping, key),
                code=parent,
            )
        siblings: dict[str, int] = {}
        for index, item in enumerate(items):
            line = items.lc.item(index)[0] + 1
            if not isinstance(item, CommentedMap):
                raise self.error(
                    f"each entry in {key} must be a code mapping (id, name, ...), "
                    f"not {_kind(item)}",
                    line=line,
                    code=parent,
                )
            code = self.read_code(item, parent=parent, parent_path=parent_path)
            path = code.name if parent_path is None else parent_path + PATH_SEPARATOR + code.name
            if code.name in siblings:
                raise self.error(
                    f"the path {path!r} is used twice (first on line {siblings[code.name]})",
                    line=line,
                    code=code.code_id,
                )
            siblings[code.name] = line
            into.append(code)
            self.read_codes(item, "children", parent=code.code_id, parent_path=path, into=into)

    def read_code(self, item: CommentedMap, *, parent: str | None, parent_path: str | None) -> Code:
        """Check one code mapping's keys and types and build the Code."""
        line = _map_line(item)
        label = self.label(item, parent_path)
        self.check_keys(item, CODE_KEYS, code=label)
        for key in ("id", "name"):
            if item.get(key) is None:
                raise self.error(f"the key {key!r} is missing or empty", line=line, code=label)
        code_id = self.text(item, "id", code=label)
        if code_id in self.lines:
            raise self.error(
                f"the id {code_id!r} is used twice (first on line {self.lines[code_id]})",
                line=_key_line(item, "id"),
                code=code_id,
            )
        fields: dict[str, Any] = {
            "code_id": code_id,
            "name": self.text(item, "name", code=code_id),
            "parent_id": parent,
            "title": self.optional_text(item, "title", code=code_id),
            "colour": self.optional_text(item, "colour", code=code_id),
            "examples": self.examples(item, code=code_id),
            "group_only": self.flag(item, "group_only", code=code_id),
            "retired": self.flag(item, "retired", code=code_id),
        }
        for key in _TEXT_KEYS:
            fields[key] = self.optional_text(item, key, code=code_id) or ""
        self.lines[code_id] = line
        self.mappings[code_id] = item
        try:
            return Code(**fields)
        except CodebookError as exc:
            raise self.locate(exc) from None

    def label(self, item: CommentedMap, parent_path: str | None) -> str | None:
        """Name a code in errors before its id is checked: its id, else its would-be path."""
        code_id = item.get("id")
        if isinstance(code_id, str) and code_id:
            return code_id
        name = item.get("name")
        if isinstance(name, str) and name:
            return name if parent_path is None else parent_path + PATH_SEPARATOR + name
        return parent_path

    def check_keys(
        self, mapping: CommentedMap, allowed: tuple[str, ...], *, code: str | None
    ) -> None:
        """Refuse keys the format does not know, suggesting the nearest known key."""
        for key in mapping:
            if key in allowed:
                continue
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = (
                f"; did you mean {close[0]!r}?" if close else "; known keys: " + ", ".join(allowed)
            )
            raise self.error(f"unknown key {key!r}{hint}", line=_key_line(mapping, key), code=code)

    def text(self, mapping: CommentedMap, key: str, *, code: str | None) -> str:
        """Return a required text value, refusing numbers, dates, lists and the like."""
        value = mapping[key]
        if not isinstance(value, str):
            raise self.wrong_type(mapping, key, want="text", code=code)
        return str(value)

    def optional_text(self, mapping: CommentedMap, key: str, *, code: str | None) -> str | None:
        """Return a text value, or None when the key is absent or left empty."""
        if mapping.get(key) is None:
            return None
        return self.text(mapping, key, code=code)

    def flag(self, mapping: CommentedMap, key: str, *, code: str | None) -> bool:
        """Return a true/false value, False when the key is absent."""
        if key not in mapping:
            return False
        if not _is_bool(mapping[key]):
            raise self.wrong_type(mapping, key, want="true or false", code=code)
        return bool(mapping[key])

    def examples(self, mapping: CommentedMap, *, code: str | None) -> tuple[str, ...]:
        """Return the list of example quotations, each checked to be text."""
        value = mapping.get("examples")
        if value is None:
            return ()
        if not isinstance(value, CommentedSeq):
            raise self.error(
                f"examples must be a list of quotations, not {_kind(value)}",
                line=_key_line(mapping, "examples"),
                code=code,
            )
        quotations = []
        for index, example in enumerate(value):
            if not isinstance(example, str):
                raise self.error(
                    f"example {index + 1} must be text, not {_kind(example)}"
                    + _quote_hint(example),
                    line=value.lc.item(index)[0] + 1,
                    code=code,
                )
            quotations.append(str(example))
        return tuple(quotations)

    def wrong_type(
        self, mapping: CommentedMap, key: str, *, want: str, code: str | None
    ) -> CodebookError:
        """Return the error for a value of the wrong type, located at its key."""
        value = mapping[key]
        return self.error(
            f"{key} must be {want}, not {_kind(value)}" + _quote_hint(value),
            line=_key_line(mapping, key),
            code=code,
        )

    def locate(self, exc: CodebookError) -> CodebookError:
        """Add the file and the line of the offending code (or its key) to a model error."""
        item = self.mappings.get(exc.code or "")
        if item is None:
            return exc.with_context(file=self.source)
        key = _FIELD_TO_KEY.get(exc.field or "", exc.field)
        line = _key_line(item, key) if key in item else _map_line(item)
        return exc.with_context(file=self.source, line=line)

    def error(self, message: str, *, line: int | None, code: str | None = None) -> CodebookError:
        """Return a CodebookError located in this source."""
        return CodebookError(message, file=self.source, line=line, code=code)


def _map_line(mapping: CommentedMap) -> int:
    """Return the 1-based line where a mapping starts."""
    return int(mapping.lc.line) + 1


def _key_line(mapping: CommentedMap, key: object) -> int:
    """Return the 1-based line of a key in a mapping, or of the mapping if the key is absent."""
    try:
        return int(mapping.lc.key(key)[0]) + 1
    except (KeyError, TypeError):
        return _map_line(mapping)


def _is_bool(value: object) -> bool:
    """Whether a YAML value is true or false (anchored booleans load as ScalarBoolean)."""
    return isinstance(value, bool) or type(value).__name__ == "ScalarBoolean"


def _kind(value: object) -> str:
    """Describe a YAML value's type in words a codebook editor will recognise."""
    if value is None:
        return "empty"
    if _is_bool(value):
        return f"true/false ({str(bool(value)).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, datetime.date):
        return f"a date ({value})"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _quote_hint(value: object) -> str:
    """Suggest quoting when YAML read a plain scalar as a number, date or boolean."""
    if isinstance(value, int | float | datetime.date) or _is_bool(value):
        return "; put it in quotes to make it text"
    return ""

"""The codebook's data model: codes in a tree, found by stable id or by path."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from codebook.errors import CodebookError

PATH_SEPARATOR = "/"
CODE_ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]*")
COLOUR_PATTERN = re.compile(r"#[0-9A-Fa-f]{6}")

# Characters YAML cannot carry as text, plus controls that have no place in a codebook.
# Categories Cc (controls), Cs (surrogates), Zl and Zp, and the two noncharacters.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\ufffe\uffff]")
# Bidirectional overrides and isolates: a name must read as what it is.
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile(r"\r\n|[\r\x85\u2028\u2029]")


def _unprintable(text: str, *, allowed: str = "") -> str | None:
    """Return the first control, surrogate or noncharacter in text that is not allowed."""
    for match in _UNPRINTABLE.finditer(text):
        if match.group() not in allowed:
            return match.group()
    return None


def clean_text(value: str, *, field: str) -> str:
    """Normalise free text: NFC, LF line breaks, no surrounding whitespace, no controls."""
    text = unicodedata.normalize("NFC", _LINE_BREAKS.sub("\n", value)).strip()
    bad = _unprintable(text, allowed="\n\t")
    if bad is not None:
        raise CodebookError(f"{field} contains the control character U+{ord(bad):04X}")
    return text


def _invisible(character: str) -> bool:
    """Combining marks, spaces and format characters (zero-width ones) show nothing alone."""
    category = unicodedata.category(character)
    return category[0] in "MZ" or category == "Cf"


def check_name(value: str) -> str:
    """Validate a path component: non-empty, one line, no '/', no surrounding whitespace."""
    name = unicodedata.normalize("NFC", value)
    if not name:
        raise CodebookError("name is empty")
    if PATH_SEPARATOR in name:
        raise CodebookError(f"name {name!r} contains {PATH_SEPARATOR!r}, which separates paths")
    if name != name.strip():
        raise CodebookError(f"name {name!r} starts or ends with whitespace")
    bad = _unprintable(name)
    if bad is not None:
        raise CodebookError(f"name {name!r} contains the control character U+{ord(bad):04X}")
    bidi = _BIDI_CONTROLS.search(name)
    if bidi is not None:
        raise CodebookError(
            f"name {name!r} contains the direction control U+{ord(bidi.group()):04X}, "
            "which would make it read differently from what it is"
        )
    if all(_invisible(ch) for ch in name):
        raise CodebookError(f"name {name!r} has no visible character")
    return name


def check_code_id(value: str, *, field: str = "id") -> str:
    """Validate a code id: lower-case ASCII letters, digits, '_' and '-', led by a letter/digit."""
    if not CODE_ID_PATTERN.fullmatch(value):
        raise CodebookError(
            f"{field} {value!r} is not a code id (lower-case letters, digits, '_' and '-', "
            "starting with a letter or digit)"
        )
    return value


class _RaisesCodebookError(BaseModel):
    """Base for models whose validation failures surface as CodebookError, not ValidationError."""

    if not TYPE_CHECKING:
        # Hidden from type checkers so that callers keep pydantic's field-checked signatures.
        def __init__(self, **data: Any) -> None:
            try:
                super().__init__(**data)
            except ValidationError as exc:
                raise self._error(exc, data) from None

        @classmethod
        def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return super().model_validate(obj, *args, **kwargs)
            except ValidationError as exc:
                raise cls._error(exc, obj) from None

        @classmethod
        def model_validate_json(cls, json_data: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return super().model_validate_json(json_data, *args, **kwargs)
            except ValidationError as exc:
                raise cls._error(exc, None) from None

    @classmethod
    def _error(cls, exc: ValidationError, data: object) -> CodebookError:
        """Translate a validation failure, naming the code the input was about."""
        raise NotImplementedError


class Code(_RaisesCodebookError):
    """One code: a stable id, a name that is its path component, and its coding rules."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    code_id: str
    name: str
    title: str | None = None
    parent_id: str | None = None
    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    # Sequences in, tuples stored: lists are welcome as input, but a frozen code stays frozen.
    examples: Sequence[str] = ()
    colour: str | None = None
    memo: str = ""
    group_only: bool = False
    retired: bool = False

    @classmethod
    def _error(cls, exc: ValidationError, data: object) -> CodebookError:
        code_id = data.get("code_id") if isinstance(data, Mapping) else None
        return error_from_validation(exc, code=code_id if isinstance(code_id, str) else None)

    @field_validator("code_id")
    @classmethod
    def _valid_code_id(cls, value: str) -> str:
        return check_code_id(value)

    @field_validator("parent_id")
    @classmethod
    def _valid_parent_id(cls, value: str | None) -> str | None:
        return None if value is None else check_code_id(value, field="parent id")

    @field_validator("name")
    @classmethod
    def _valid_name(cls, value: str) -> str:
        return check_name(value)

    @field_validator("title")
    @classmethod
    def _valid_title(cls, value: str | None) -> str | None:
        if value is None:
            return None
        title = clean_text(value, field="title")
        if "\n" in title:
            raise CodebookError("title must be a single line")
        return title or None

    @field_validator("definition", "inclusion", "exclusion", "memo")
    @classmethod
    def _valid_text(cls, value: str, info: ValidationInfo) -> str:
        return clean_text(value, field=info.field_name or "text")

    @field_validator("examples")
    @classmethod
    def _valid_examples(cls, value: Sequence[str]) -> tuple[str, ...]:
        examples = tuple(
            clean_text(example, field=f"example {number}")
            for number, example in enumerate(value, start=1)
        )
        for number, example in enumerate(examples, start=1):
            if not example:
                raise CodebookError(f"example {number} is empty")
        return examples

    @field_validator("colour")
    @classmethod
    def _valid_colour(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not COLOUR_PATTERN.fullmatch(value):
            raise CodebookError(f"colour {value!r} is not a #RRGGBB colour")
        return value.upper()

    @property
    def display_title(self) -> str:
        """The human label: the title when there is one, otherwise the name."""
        return self.title if self.title is not None else self.name

    @property
    def applicable(self) -> bool:
        """Whether coders may apply this code: neither a grouping node nor retired."""
        return not self.group_only and not self.retired


class Codebook(_RaisesCodebookError):
    """A named, versioned tree of codes, stored flat in tree order and checked on construction.

    Change a codebook through codebook.operations: model_copy(update=...) skips validation
    and would leave the lookup tables describing the old codes.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    name: str
    version: int = 1
    codes: Sequence[Code]  # stored as a tuple in tree order

    _by_id: dict[str, Code] = PrivateAttr(default_factory=dict)
    _by_path: dict[str, Code] = PrivateAttr(default_factory=dict)
    _paths: dict[str, str] = PrivateAttr(default_factory=dict)
    _children: dict[str | None, tuple[Code, ...]] = PrivateAttr(default_factory=dict)

    @classmethod
    def _error(cls, exc: ValidationError, data: object) -> CodebookError:
        codes = data.get("codes") if isinstance(data, Mapping) else None
        return error_from_validation(exc, codes=codes)

    @field_validator("name")
    @classmethod
    def _valid_name(cls, value: str) -> str:
        name = clean_text(value, field="codebook name")
        if not name or "\n" in name:
            raise CodebookError("the codebook name must be one non-empty line")
        return name

    @field_validator("version", mode="before")
    @classmethod
    def _valid_version(cls, value: object) -> object:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise CodebookError(f"version {value!r} is not a whole number of 1 or more")
        return value

    @field_validator("codes")
    @classmethod
    def _valid_tree(cls, codes: Sequence[Code]) -> tuple[Code, ...]:
        return tree_order(codes)

    def model_post_init(self, context: Any, /) -> None:
        """Build the lookup tables once; the model is frozen, so they never go stale."""
        self._by_id = {code.code_id: code for code in self.codes}
        children: dict[str | None, list[Code]] = {None: []}
        for code in self.codes:
            children.setdefault(code.code_id, [])
            children[code.parent_id].append(code)
            parent_path = self._paths[code.parent_id] if code.parent_id is not None else None
            path = code.name if parent_path is None else f"{parent_path}{PATH_SEPARATOR}{code.name}"
            self._paths[code.code_id] = path
            self._by_path[path] = code
        self._children = {parent: tuple(kids) for parent, kids in children.items()}

    def get(self, code_id: str) -> Code:
        """Return the code with this id, or raise CodebookError suggesting close ids."""
        try:
            return self._by_id[code_id]
        except KeyError:
            hint = _did_you_mean(code_id, self._by_id)
            raise CodebookError(f"no code has the id {code_id!r}{hint}", code=code_id) from None

    def by_path(self, path: str) -> Code:
        """Return the code at a path such as 'motives/economy/unemployment'."""
        wanted = unicodedata.normalize("NFC", path.strip().strip(PATH_SEPARATOR))
        try:
            return self._by_path[wanted]
        except KeyError:
            hint = _did_you_mean(wanted, self._by_path, suffix_matches=True)
            raise CodebookError(f"no code has the path {wanted!r}{hint}", code=path) from None

    def path_of(self, code_id: str) -> str:
        """Return the path of the code with this id."""
        return self._paths[self.get(code_id).code_id]

    def children(self, code_id: str | None) -> list[Code]:
        """Return the direct children of a code in order, or the root codes for None."""
        if code_id is not None:
            self.get(code_id)
        return list(self._children[code_id])

    def descendants(self, code_id: str) -> list[Code]:
        """Return every code below this one, in tree order."""
        found: list[Code] = []
        stack = list(reversed(self.children(code_id)))
        while stack:
            code = stack.pop()
            found.append(code)
            stack.extend(reversed(self._children[code.code_id]))
        return found

    def ancestors(self, code_id: str) -> list[Code]:
        """Return the codes above this one, root first, parent last."""
        chain: list[Code] = []
        parent_id = self.get(code_id).parent_id
        while parent_id is not None:
            parent = self._by_id[parent_id]
            chain.append(parent)
            parent_id = parent.parent_id
        chain.reverse()
        return chain

    def top_group(self, code_id: str) -> Code:
        """Return the root code above this one, or the code itself when it is a root."""
        ancestors = self.ancestors(code_id)
        return ancestors[0] if ancestors else self.get(code_id)

    def applicable_codes(self) -> list[Code]:
        """Return the codes coders may apply (not grouping nodes, not retired), in tree order."""
        return [code for code in self.codes if code.applicable]

    def resolve(self, ref: str) -> Code:
        """Return the code a reference names: its code id first, otherwise its path."""
        wanted = ref.strip()
        if wanted in self._by_id:
            return self._by_id[wanted]
        path = unicodedata.normalize("NFC", wanted.strip(PATH_SEPARATOR))
        if path in self._by_path:
            return self._by_path[path]
        hint = _did_you_mean(path, [*self._by_id, *self._by_path], suffix_matches=True)
        raise CodebookError(f"no code has the id or path {wanted!r}{hint}", code=ref)

    def colour_of(self, code_id: str) -> str | None:
        """Return the code's colour, or the nearest ancestor's when it has none."""
        code = self.get(code_id)
        for candidate in [code, *reversed(self.ancestors(code_id))]:
            if candidate.colour is not None:
                return candidate.colour
        return None


def tree_order(codes: Sequence[Code]) -> tuple[Code, ...]:
    """Check ids, parents, cycles and paths, and return the codes in tree (pre-)order."""
    by_id: dict[str, Code] = {}
    for code in codes:
        if code.code_id in by_id:
            raise CodebookError(f"the id {code.code_id!r} is used twice", code=code.code_id)
        by_id[code.code_id] = code
    children: dict[str | None, list[Code]] = {None: []}
    for code in codes:
        if code.parent_id is not None and code.parent_id not in by_id:
            raise CodebookError(f"parent {code.parent_id!r} does not exist", code=code.code_id)
        children.setdefault(code.parent_id, []).append(code)
    ordered: list[Code] = []
    stack = list(reversed(children[None]))
    while stack:
        code = stack.pop()
        ordered.append(code)
        stack.extend(reversed(children.get(code.code_id, [])))
    if len(ordered) < len(codes):
        placed = {code.code_id for code in ordered}
        stray = next(code for code in codes if code.code_id not in placed)
        raise CodebookError(
            f"parents form a loop: {_loop(stray, by_id)}; every code must lead up to a root",
            code=stray.code_id,
        )
    _check_sibling_names(children)
    return tuple(ordered)


def _loop(start: Code, by_id: Mapping[str, Code]) -> str:
    """Describe the parent loop a code is caught in, as 'a -> b -> a'."""
    chain = [start.code_id]
    parent_id = start.parent_id
    while parent_id is not None and parent_id not in chain:
        chain.append(parent_id)
        parent_id = by_id[parent_id].parent_id
    if parent_id is not None:
        chain = chain[chain.index(parent_id) :] + [parent_id]
    return " -> ".join(chain)


def _check_sibling_names(children: Mapping[str | None, Sequence[Code]]) -> None:
    """Refuse two codes with the same name under one parent: their paths would collide."""
    for siblings in children.values():
        first_with_name: dict[str, Code] = {}
        for code in siblings:
            first = first_with_name.setdefault(code.name, code)
            if first is not code:
                raise CodebookError(
                    f"the name {code.name!r} is already used by {first.code_id!r} "
                    "under the same parent, so their paths would be the same",
                    code=code.code_id,
                )


def _did_you_mean(wanted: str, known: Iterable[str], *, suffix_matches: bool = False) -> str:
    """Return '; did you mean ...?' naming close matches among known refs, or ''."""
    candidates = list(dict.fromkeys(known))
    matches: list[str] = []
    if suffix_matches:
        last = wanted.rsplit(PATH_SEPARATOR, 1)[-1]
        matches = [
            candidate
            for candidate in candidates
            if candidate.endswith(PATH_SEPARATOR + wanted)
            or candidate.rsplit(PATH_SEPARATOR, 1)[-1] == last
        ]
    matches += difflib.get_close_matches(wanted, candidates, n=3, cutoff=0.6)
    unique = list(dict.fromkeys(matches))[:5]
    if not unique:
        return ""
    return "; did you mean " + ", ".join(repr(match) for match in unique) + "?"


def error_from_validation(
    exc: ValidationError,
    *,
    code: str | None = None,
    codes: object = None,
) -> CodebookError:
    """Turn a pydantic ValidationError into a CodebookError naming the field and the code."""
    details = exc.errors()
    for detail in details:
        original = detail.get("ctx", {}).get("error")
        if isinstance(original, CodebookError):
            code_here = _code_at(detail["loc"], codes) or code
            return original.with_context(code=code_here, field=_field_at(detail["loc"]))
    detail = details[0]
    location = detail["loc"]
    code_here = _code_at(location, codes) or code
    field = _field_at(location) or "value"
    if detail["type"] == "missing":
        message = f"{field} is missing"
    elif detail["type"] == "extra_forbidden":
        message = f"{field} is not a known field"
    else:
        text = detail["msg"]
        message = f"{field}: {text[:1].lower()}{text[1:]}"
    return CodebookError(message, code=code_here, field=_field_at(location))


def _field_at(location: tuple[int | str, ...]) -> str | None:
    """Return the field name an error location points at, inside a code when nested."""
    if len(location) >= 2 and location[0] == "codes" and isinstance(location[1], int):
        location = location[2:]
    return str(location[0]) if location else None


def _code_at(location: tuple[int | str, ...], codes: object) -> str | None:
    """Return the id of the code a Codebook error location points into, when known."""
    if len(location) < 2 or location[0] != "codes" or not isinstance(location[1], int):
        return None
    if not isinstance(codes, Sequence) or location[1] >= len(codes):
        return None
    item = codes[location[1]]
    code_id = item.code_id if isinstance(item, Code) else None
    if isinstance(item, Mapping):
        code_id = item.get("code_id")
    return code_id if isinstance(code_id, str) else None

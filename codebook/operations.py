"""Edits to a codebook as pure functions, each returning the new codebook and a Change record."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from codebook.errors import CodebookError
from codebook.models import Code, Codebook, check_name

ChangeKind = Literal["add", "rename", "move", "merge", "retire", "update"]

UPDATABLE_FIELDS = ("title", "definition", "inclusion", "exclusion", "examples", "colour", "memo")
_OTHER_OPERATIONS = {
    "name": "rename_code",
    "parent_id": "move_code",
    "retired": "retire_code",
    "code_id": "nothing: code ids never change",
}


class Change(BaseModel):
    """What one operation did, for the audit log and for carrying codings along."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: ChangeKind
    code_id: str
    details: dict[str, str | None]
    code_id_map: dict[str, str] = Field(default_factory=dict)

    def remap(self, code_id: str) -> str:
        """Return the id that codings of code_id belong to after this change."""
        return self.code_id_map.get(code_id, code_id)

    def describe(self) -> str:
        """Return one human-readable line saying what changed."""
        details = self.details
        if self.kind == "add":
            return f"added '{details['path']}'"
        if self.kind == "rename":
            if details["old_path"] != details["new_path"]:
                return f"renamed '{details['old_path']}' to '{details['new_path']}'"
            return f"retitled '{details['new_path']}' as '{details['new_title']}'"
        if self.kind == "move":
            return f"moved '{details['old_path']}' to '{details['new_path']}'"
        if self.kind == "merge":
            return f"merged '{details['source_path']}' into '{details['target_path']}'"
        if self.kind == "retire":
            return f"retired '{details['path']}'"
        return f"updated {details['fields']} of '{details['path']}'"


def add_code(
    codebook: Codebook,
    *,
    name: str,
    parent: str | None = None,
    code_id: str | None = None,
    title: str | None = None,
    definition: str = "",
    inclusion: str = "",
    exclusion: str = "",
    examples: Iterable[str] = (),
    colour: str | None = None,
    memo: str = "",
    group_only: bool = False,
) -> tuple[Codebook, Change]:
    """Add a code as the last child of parent (a path or id; None for a root)."""
    parent_code = codebook.resolve(parent) if parent is not None else None
    parent_id = parent_code.code_id if parent_code is not None else None
    new_id = code_id if code_id is not None else _unused_id(codebook, _slug(name))
    if code_id is not None and code_id in _ids(codebook):
        raise CodebookError(
            f"the id is already used by '{codebook.path_of(code_id)}'", code=code_id
        )
    code = Code(
        code_id=new_id,
        name=name,
        title=title,
        parent_id=parent_id,
        definition=definition,
        inclusion=inclusion,
        exclusion=exclusion,
        examples=tuple(examples),
        colour=colour,
        memo=memo,
        group_only=group_only,
    )
    _refuse_name_clash(codebook, code.name, parent_id, moving=code)
    new_codebook = _rebuild(codebook, [*codebook.codes, code])
    parent_path = codebook.path_of(parent_id) if parent_id is not None else None
    return new_codebook, Change(
        kind="add",
        code_id=new_id,
        details={"path": new_codebook.path_of(new_id), "parent_path": parent_path},
    )


def rename_code(
    codebook: Codebook, code: str, new_name: str, *, new_title: str | None = None
) -> tuple[Codebook, Change]:
    """Give a code a new name (and optionally a new title); its descendants' paths follow."""
    old = codebook.resolve(code)
    try:
        name = check_name(new_name)
    except CodebookError as exc:
        raise exc.with_context(code=old.code_id) from None
    renamed = _replaced(old, name=name, title=new_title if new_title is not None else old.title)
    if renamed == old:
        raise CodebookError(f"the code is already named {name!r}", code=old.code_id)
    if name != old.name:
        _refuse_name_clash(codebook, name, old.parent_id, moving=old)
    new_codebook = _rebuild(codebook, _swap(codebook, old, renamed))
    return new_codebook, Change(
        kind="rename",
        code_id=old.code_id,
        details={
            "old_path": codebook.path_of(old.code_id),
            "new_path": new_codebook.path_of(old.code_id),
            "old_title": old.title,
            "new_title": renamed.title,
        },
    )


def move_code(codebook: Codebook, code: str, new_parent: str | None) -> tuple[Codebook, Change]:
    """Move a code, with everything below it, to be the last child of new_parent (None: root)."""
    old = codebook.resolve(code)
    parent = codebook.resolve(new_parent) if new_parent is not None else None
    parent_id = parent.code_id if parent is not None else None
    if parent_id == old.parent_id:
        where = f"under '{codebook.path_of(parent_id)}'" if parent_id is not None else "a root"
        raise CodebookError(f"the code is already {where}", code=old.code_id)
    if parent is not None and (
        parent.code_id == old.code_id or parent in codebook.descendants(old.code_id)
    ):
        raise CodebookError(
            f"cannot move a code under itself or its own descendant "
            f"'{codebook.path_of(parent.code_id)}'",
            code=old.code_id,
        )
    _refuse_name_clash(codebook, old.name, parent_id, moving=old)
    moved = _replaced(old, parent_id=parent_id)
    # Appending puts the code last among its new siblings; tree order is restored on rebuild.
    codes = [candidate for candidate in codebook.codes if candidate != old] + [moved]
    new_codebook = _rebuild(codebook, codes)
    return new_codebook, Change(
        kind="move",
        code_id=old.code_id,
        details={
            "old_path": codebook.path_of(old.code_id),
            "new_path": new_codebook.path_of(old.code_id),
            "old_parent_path": _path_or_none(codebook, old.parent_id),
            "new_parent_path": _path_or_none(codebook, parent_id),
        },
    )


def merge_codes(codebook: Codebook, source: str, target: str) -> tuple[Codebook, Change]:
    """Fold source into target: source goes, its children move under target, codings follow."""
    merged = codebook.resolve(source)
    kept = codebook.resolve(target)
    if merged.code_id == kept.code_id:
        raise CodebookError("cannot merge a code into itself", code=merged.code_id)
    if kept in codebook.descendants(merged.code_id):
        raise CodebookError(
            f"cannot merge a code into its own descendant '{codebook.path_of(kept.code_id)}'",
            code=merged.code_id,
        )
    for reason, refused in (("a grouping node", kept.group_only), ("retired", kept.retired)):
        if refused:
            raise CodebookError(
                f"cannot merge into '{codebook.path_of(kept.code_id)}': it is {reason}, "
                "so the source's codings could not follow",
                code=merged.code_id,
            )
    orphans = codebook.children(merged.code_id)
    for child in orphans:
        _refuse_name_clash(codebook, child.name, kept.code_id, moving=child)
    source_path = codebook.path_of(merged.code_id)
    note = f"Merged from '{source_path}' (id {merged.code_id}) in version {codebook.version + 1}."
    if merged.memo:
        note = f"{note}\n{merged.memo}"
    extra_examples = [example for example in merged.examples if example not in kept.examples]
    new_target = _replaced(
        kept,
        examples=(*kept.examples, *extra_examples),
        memo=f"{kept.memo}\n\n{note}" if kept.memo else note,
    )
    adopted = [_replaced(child, parent_id=kept.code_id) for child in orphans]
    codes = [
        new_target if candidate == kept else candidate
        for candidate in codebook.codes
        if candidate != merged and candidate not in orphans
    ]
    new_codebook = _rebuild(codebook, [*codes, *adopted])
    return new_codebook, Change(
        kind="merge",
        code_id=merged.code_id,
        details={
            "source_path": source_path,
            "target_path": codebook.path_of(kept.code_id),
            "target_id": kept.code_id,
            "moved_children": ", ".join(child.code_id for child in orphans) or None,
        },
        code_id_map={merged.code_id: kept.code_id},
    )


def retire_code(codebook: Codebook, code: str) -> tuple[Codebook, Change]:
    """Mark a code retired: kept with its codings for history, no longer offered for coding."""
    old = codebook.resolve(code)
    if old.retired:
        raise CodebookError("the code is already retired", code=old.code_id)
    new_codebook = _rebuild(codebook, _swap(codebook, old, _replaced(old, retired=True)))
    return new_codebook, Change(
        kind="retire", code_id=old.code_id, details={"path": codebook.path_of(old.code_id)}
    )


def update_code(codebook: Codebook, code: str, **fields: object) -> tuple[Codebook, Change]:
    """Change a code's title, definition, inclusion, exclusion, examples, colour or memo."""
    old = codebook.resolve(code)
    if not fields:
        raise CodebookError("nothing to update: name at least one field", code=old.code_id)
    for field in fields:
        if field in _OTHER_OPERATIONS:
            raise CodebookError(
                f"{field!r} cannot be updated here; use {_OTHER_OPERATIONS[field]}",
                code=old.code_id,
            )
        if field not in UPDATABLE_FIELDS:
            raise CodebookError(
                f"{field!r} is not a code field; updatable fields are "
                + ", ".join(UPDATABLE_FIELDS),
                code=old.code_id,
            )
    if isinstance(fields.get("examples"), str):
        raise CodebookError("examples must be a list of quotations, not one text", code=old.code_id)
    new = _replaced(old, **fields)
    changed = [field for field in UPDATABLE_FIELDS if getattr(new, field) != getattr(old, field)]
    if not changed:
        raise CodebookError("the update changes nothing", code=old.code_id)
    details: dict[str, str | None] = {
        "path": codebook.path_of(old.code_id),
        "fields": ", ".join(changed),
    }
    for field in changed:
        details[f"old_{field}"] = _as_detail(getattr(old, field))
        details[f"new_{field}"] = _as_detail(getattr(new, field))
    new_codebook = _rebuild(codebook, _swap(codebook, old, new))
    return new_codebook, Change(kind="update", code_id=old.code_id, details=details)


def _rebuild(codebook: Codebook, codes: list[Code]) -> Codebook:
    """Validate the edited codes as the next version of the codebook."""
    return Codebook(name=codebook.name, version=codebook.version + 1, codes=tuple(codes))


def _replaced(code: Code, **changes: object) -> Code:
    """Return a validated copy of code with some fields changed."""
    return Code.model_validate({**code.model_dump(), **changes})


def _swap(codebook: Codebook, old: Code, new: Code) -> list[Code]:
    """Return the codebook's codes with one code replaced in place."""
    return [new if candidate == old else candidate for candidate in codebook.codes]


def _ids(codebook: Codebook) -> set[str]:
    """Return every code id in use, retired codes included."""
    return {code.code_id for code in codebook.codes}


def _path_or_none(codebook: Codebook, code_id: str | None) -> str | None:
    """Return the path of a code, or None for the root level."""
    return codebook.path_of(code_id) if code_id is not None else None


def _as_detail(value: object) -> str | None:
    """Render a field value for Change.details; examples become one per line."""
    if value is None:
        return None
    if isinstance(value, tuple):
        return "\n".join(str(item) for item in value)
    return str(value)


def _refuse_name_clash(
    codebook: Codebook, name: str, parent_id: str | None, *, moving: Code
) -> None:
    """Refuse a name already used by another code under the same parent (the error names the
    code that would clash, unless it is a new one: its id was never the user's)."""
    known = {code.code_id for code in codebook.codes}
    for sibling in codebook.children(parent_id):
        if sibling.name == name and sibling.code_id != moving.code_id:
            raise CodebookError(
                f"'{codebook.path_of(sibling.code_id)}' already exists (id {sibling.code_id})",
                code=moving.code_id if moving.code_id in known else None,
            )


def _slug(name: str) -> str:
    """Derive an id stem from a name: ASCII letters and digits joined by '_'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")
    return slug or "code"


def _unused_id(codebook: Codebook, stem: str) -> str:
    """Return stem, or stem_2, stem_3 ... whichever is not yet used (retired ids count)."""
    used = _ids(codebook)
    candidate, number = stem, 1
    while candidate in used:
        number += 1
        candidate = f"{stem}_{number}"
    return candidate

"""The codebook: its tree page with change forms, and the JSON API that edits it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any
from urllib.parse import quote, unquote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from codebook import Change, Code, Codebook, CodebookError, operations
from interviews.errors import InterviewsError
from research.errors import ResearchError
from research.services import codebooks
from research.services.records import ChangeRecord
from research.web.dependencies import CoderDep, SessionDep, current_coder, render
from research.web.errors import status_of
from research.web.schemas import Strict
from research.web.security import require_csrf

router = APIRouter(dependencies=[Depends(require_csrf)])

FLASH_COOKIE = "research_codebook_flash"
CODE_REFERENCE = (
    "a code id (e.g. poverty_ruin) or its path (e.g. motives/economy/poverty_ruin); "
    "percent-encode characters such as spaces"
)
RefusedErrors = (CodebookError, ResearchError, InterviewsError)


# JSON API: models


class CodeOut(BaseModel):
    """One code with its rules and how many codings it holds."""

    code_id: str
    name: str
    path: str
    parent_id: str | None
    title: str | None
    display_title: str
    definition: str
    inclusion: str
    exclusion: str
    examples: list[str]
    colour: str | None
    shown_colour: str | None = Field(description="its colour, or the nearest ancestor's")
    memo: str
    group_only: bool
    retired: bool
    applicable: bool
    codings: int = Field(description="codings of this code itself")
    codings_with_descendants: int = Field(description="codings of this code and every code below")


class CodebookOut(BaseModel):
    """The study's codebook: name, version and codes in tree order."""

    name: str
    version: int
    codes: list[CodeOut]


class ChangeOut(BaseModel):
    """What a codebook operation did."""

    kind: str
    description: str
    code_id: str
    version: int
    codings_moved: int
    code: CodeOut | None = Field(
        description="the changed code as it is now (after a merge: the target)"
    )


class NewCode(Strict):
    """A code to add, as the last child of `parent` (a code id or path; null for a root)."""

    name: str = Field(min_length=1, max_length=200, description="path component, no '/'")
    parent: str | None = None
    code_id: str | None = Field(default=None, description="derived from the name when absent")
    title: str | None = None
    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    examples: list[str] = Field(default_factory=list)
    colour: str | None = Field(default=None, description="#RRGGBB; null: the parent's colour")
    memo: str = ""
    group_only: bool = False


class CodeUpdate(Strict):
    """Fields to change; fields left out stay as they are."""

    title: str | None = None
    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    examples: list[str] = Field(default_factory=list)
    colour: str | None = None
    memo: str = ""


class Rename(Strict):
    """A new name (the code's path component); optionally a new title."""

    name: str = Field(min_length=1, max_length=200)
    title: str | None = None


class Move(Strict):
    """The new parent (a code id or path), or null to make the code a root."""

    parent: str | None


class Merge(Strict):
    """The code that takes over the merged code's codings and sub-codes."""

    target: str = Field(min_length=1)


# JSON API: routes


@router.get("/api/codebook", tags=["codebook"])
def get_codebook(session: SessionDep) -> CodebookOut:
    """The codebook in tree order, each code with its codings counts."""
    codebook = codebooks.load_codebook(session)
    counts = codebooks.codings_per_code(session)
    totals = codebooks.codings_with_descendants(codebook, counts)
    return CodebookOut(
        name=codebook.name,
        version=codebook.version,
        codes=[_code_out(codebook, code, counts, totals) for code in codebook.codes],
    )


@router.get("/api/codebook/history", tags=["codebook"])
def get_history(session: SessionDep) -> list[ChangeRecord]:
    """Every codebook change, oldest first, with who made it and how many codings moved."""
    return codebooks.history(session)


@router.get("/api/codebook/codes/{code:path}", tags=["codebook"], description=CODE_REFERENCE)
def get_code(code: str, session: SessionDep) -> CodeOut:
    """One code, by id or path."""
    return _current_code(session, codebooks.find_code(session, code).code_id)


@router.post("/api/codebook/codes", tags=["codebook"], status_code=201)
def add_code_api(new: NewCode, session: SessionDep, coder: CoderDep) -> ChangeOut:
    """Add a code; its id is derived from the name unless given."""
    return _apply_api(session, None, operations.add_code, coder=coder, **new.model_dump())


@router.patch("/api/codebook/codes/{code:path}", tags=["codebook"], description=CODE_REFERENCE)
def update_code_api(
    code: str, update: CodeUpdate, session: SessionDep, coder: CoderDep
) -> ChangeOut:
    """Change a code's title, definition, inclusion, exclusion, examples, colour or memo."""
    fields = update.model_dump(include=update.model_fields_set)
    return _apply_api(session, code, operations.update_code, coder=coder, **fields)


@router.post(
    "/api/codebook/codes/{code:path}/rename", tags=["codebook"], description=CODE_REFERENCE
)
def rename_code_api(code: str, rename: Rename, session: SessionDep, coder: CoderDep) -> ChangeOut:
    """Rename a code; its id and codings stay, its sub-codes' paths follow."""
    return _apply_api(
        session, code, operations.rename_code, rename.name, new_title=rename.title, coder=coder
    )


@router.post("/api/codebook/codes/{code:path}/move", tags=["codebook"], description=CODE_REFERENCE)
def move_code_api(code: str, move: Move, session: SessionDep, coder: CoderDep) -> ChangeOut:
    """Move a code, with its sub-codes and codings, under another parent (null: to the top)."""
    return _apply_api(session, code, operations.move_code, move.parent, coder=coder)


@router.post("/api/codebook/codes/{code:path}/merge", tags=["codebook"], description=CODE_REFERENCE)
def merge_code_api(code: str, merge: Merge, session: SessionDep, coder: CoderDep) -> ChangeOut:
    """Merge a code into `target`: its codings and sub-codes follow the target, it goes."""
    return _apply_api(session, code, operations.merge_codes, merge.target, coder=coder)


@router.post(
    "/api/codebook/codes/{code:path}/retire", tags=["codebook"], description=CODE_REFERENCE
)
def retire_code_api(code: str, session: SessionDep, coder: CoderDep) -> ChangeOut:
    """Retire a code: it keeps its codings for history but is no longer offered for coding."""
    return _apply_api(session, code, operations.retire_code, coder=coder)


def _apply_api(
    session: Session,
    code: str | None,
    operation: Callable[..., tuple[Codebook, Change]],
    *args: Any,
    coder: str,
    **kwargs: Any,
) -> ChangeOut:
    """Run one operation on `code` (None: no code in the address) in the request's session."""
    codes = () if code is None else (codebooks.find_code(session, code).code_id,)
    change, moved = codebooks.run_operation(
        session, operation, *codes, *args, changed_by=coder, **kwargs
    )
    codebook = codebooks.load_codebook(session)
    return ChangeOut(
        kind=change.kind,
        description=change.describe(),
        code_id=change.code_id,
        version=codebook.version,
        codings_moved=moved,
        code=_current_code(session, change.remap(change.code_id)),
    )


def _current_code(session: Session, code_id: str) -> CodeOut:
    codebook = codebooks.load_codebook(session)
    counts = codebooks.codings_per_code(session)
    totals = codebooks.codings_with_descendants(codebook, counts)
    return _code_out(codebook, codebook.get(code_id), counts, totals)


def _code_out(
    codebook: Codebook, code: Code, counts: Mapping[str, int], totals: Mapping[str, int]
) -> CodeOut:
    return CodeOut(
        code_id=code.code_id,
        name=code.name,
        path=codebook.path_of(code.code_id),
        parent_id=code.parent_id,
        title=code.title,
        display_title=code.display_title,
        definition=code.definition,
        inclusion=code.inclusion,
        exclusion=code.exclusion,
        examples=list(code.examples),
        colour=code.colour,
        shown_colour=codebook.colour_of(code.code_id),
        memo=code.memo,
        group_only=code.group_only,
        retired=code.retired,
        applicable=code.applicable,
        codings=counts.get(code.code_id, 0),
        codings_with_descendants=totals[code.code_id],
    )


# Pages


@router.get("/codebook", response_class=HTMLResponse, include_in_schema=False)
def codebook_page(request: Request, session: SessionDep, code: str = "") -> Response:
    """The code tree with every code's rules and counts, change forms, and the history."""
    message = unquote(request.cookies.get(FLASH_COOKIE, ""))
    response = _page(request, session, selected=code, message=message or None)
    if message:
        response.delete_cookie(FLASH_COOKIE, path="/codebook")
    return response


@router.post("/codebook/codes", include_in_schema=False)
def add_code_form(
    request: Request,
    session: SessionDep,
    name: Annotated[str, Form()] = "",
    parent: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    definition: Annotated[str, Form()] = "",
    group_only: Annotated[str, Form()] = "",
) -> Response:
    """Add a code from the page's form."""
    typed = {
        "name": name,
        "parent": parent,
        "title": title,
        "definition": definition,
        "group_only": group_only,
    }
    return _apply_form(
        request,
        session,
        form="add",
        typed=typed,
        selected=parent,
        operation=operations.add_code,
        kwargs={
            "name": name.strip(),
            "parent": parent or None,
            "title": title.strip() or None,
            "definition": definition,
            "group_only": bool(group_only),
        },
    )


@router.post("/codebook/codes/{code_id}/edit", include_in_schema=False)
def edit_code_form(
    request: Request,
    session: SessionDep,
    code_id: str,
    title: Annotated[str, Form()] = "",
    definition: Annotated[str, Form()] = "",
    inclusion: Annotated[str, Form()] = "",
    exclusion: Annotated[str, Form()] = "",
    examples: Annotated[str, Form()] = "",
    colour: Annotated[str, Form()] = "",
    memo: Annotated[str, Form()] = "",
) -> Response:
    """Change a code's description fields from the page's form."""
    typed = {
        "title": title,
        "definition": definition,
        "inclusion": inclusion,
        "exclusion": exclusion,
        "examples": examples,
        "colour": colour,
        "memo": memo,
    }
    return _apply_form(
        request,
        session,
        form="edit",
        typed=typed,
        selected=code_id,
        operation=operations.update_code,
        args=(code_id,),
        kwargs={
            "title": title.strip() or None,
            "definition": definition,
            "inclusion": inclusion,
            "exclusion": exclusion,
            "examples": [line.strip() for line in examples.splitlines() if line.strip()],
            "colour": colour.strip() or None,
            "memo": memo,
        },
    )


@router.post("/codebook/codes/{code_id}/rename", include_in_schema=False)
def rename_code_form(
    request: Request,
    session: SessionDep,
    code_id: str,
    name: Annotated[str, Form()] = "",
) -> Response:
    """Rename a code from the page's form."""
    return _apply_form(
        request,
        session,
        form="rename",
        typed={"name": name},
        selected=code_id,
        operation=operations.rename_code,
        args=(code_id, name.strip()),
    )


@router.post("/codebook/codes/{code_id}/move", include_in_schema=False)
def move_code_form(
    request: Request,
    session: SessionDep,
    code_id: str,
    parent: Annotated[str, Form()] = "",
) -> Response:
    """Move a code under another parent (empty: to the top level) from the page's form."""
    return _apply_form(
        request,
        session,
        form="move",
        typed={"parent": parent},
        selected=code_id,
        operation=operations.move_code,
        args=(code_id, parent or None),
    )


@router.post("/codebook/codes/{code_id}/merge", include_in_schema=False)
def merge_code_form(
    request: Request,
    session: SessionDep,
    code_id: str,
    target: Annotated[str, Form()] = "",
) -> Response:
    """Merge a code into the chosen target from the page's form."""
    return _apply_form(
        request,
        session,
        form="merge",
        typed={"target": target},
        selected=code_id,
        operation=operations.merge_codes,
        args=(code_id, target),
        missing="choose the code to merge into" if not target else None,
    )


@router.post("/codebook/codes/{code_id}/retire", include_in_schema=False)
def retire_code_form(request: Request, session: SessionDep, code_id: str) -> Response:
    """Retire a code from the page's form."""
    return _apply_form(
        request,
        session,
        form="retire",
        typed={},
        selected=code_id,
        operation=operations.retire_code,
        args=(code_id,),
    )


def _apply_form(
    request: Request,
    session: Session,
    *,
    form: str,
    typed: dict[str, str],
    selected: str,
    operation: Callable[..., tuple[Codebook, Change]],
    args: tuple[Any, ...] = (),
    kwargs: Mapping[str, Any] | None = None,
    missing: str | None = None,
) -> Response:
    """Run one operation for a form: 303 back with a message, or the page again with the error."""
    coder = current_coder(request)
    if coder is None:
        back = f"/codebook?code={quote(selected)}" if selected else "/codebook"
        return RedirectResponse(f"/coder?next={quote(back, safe='')}", status_code=303)
    try:
        if missing is not None:
            raise ResearchError(missing)
        # A savepoint: a refused operation is rolled back whole before the page is shown
        # again from the same session.
        with session.begin_nested():
            before = codebooks.codings_per_code(session)
            change, moved = codebooks.run_operation(
                session, operation, *args, changed_by=coder, **(kwargs or {})
            )
    except RefusedErrors as error:
        return _page(
            request,
            session,
            selected=selected,
            form=form,
            typed=typed,
            error=str(error),
            status_code=status_of(error),
        )
    shown = change.remap(change.code_id)
    message = _describe(change, moved, kept=before.get(change.code_id, 0))
    response = RedirectResponse(
        f"/codebook?code={quote(shown)}#code-{quote(shown)}", status_code=303
    )
    response.set_cookie(
        FLASH_COOKIE, quote(message, safe=""), path="/codebook", httponly=True, samesite="strict"
    )
    return response


def _describe(change: Change, moved: int, *, kept: int) -> str:
    """What changed, said with the codings it touched."""
    what = change.describe()
    sentence = what[0].upper() + what[1:]
    if change.kind == "merge":
        return f"{sentence}: {_codings(moved)} moved."
    if change.kind == "add":
        return f"{sentence}."
    if change.kind == "retire":
        return f"{sentence}: its {_codings(kept)} stay; it is no longer offered for coding."
    return f"{sentence}: its {_codings(kept)} stay with it."


def _codings(number: int) -> str:
    return f"{number} coding" if number == 1 else f"{number} codings"


def _page(
    request: Request,
    session: Session,
    *,
    selected: str = "",
    message: str | None = None,
    form: str | None = None,
    typed: Mapping[str, str] | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    codebook = codebooks.load_codebook(session)
    counts = codebooks.codings_per_code(session)
    chosen = _selected(codebook, selected)
    context: dict[str, Any] = {
        "codebook": codebook,
        "codings_per_code": counts,
        "codings_with_descendants": codebooks.codings_with_descendants(codebook, counts),
        "total_codings": sum(counts.values()),
        "selected": chosen,
        "history": list(reversed(codebooks.history(session))),
        "form": form,
        "typed": typed or {},
        "error": error,
        "message": message,
    }
    if chosen is not None:
        context.update(_choices(codebook, chosen))
    if selected and chosen is None and error is None:
        context["error"] = f"no code has the id or path {selected!r}"
        status_code = 404
    return render(request, "codebook.html.j2", context, status_code=status_code)


def _selected(codebook: Codebook, reference: str) -> Code | None:
    if not reference:
        return None
    try:
        return codebook.resolve(reference)
    except CodebookError:
        return None


def _choices(codebook: Codebook, chosen: Code) -> dict[str, list[Code]]:
    """Parents the chosen code may move under, and codes it may be merged into."""
    below = {code.code_id for code in codebook.descendants(chosen.code_id)}
    excluded = below | {chosen.code_id}
    return {
        "move_parents": [code for code in codebook.codes if code.code_id not in excluded],
        "merge_targets": [
            code for code in codebook.codes if code.code_id not in excluded and code.applicable
        ],
    }

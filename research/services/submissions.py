"""Entry forms sent once: a form's random token claims the record it creates.

Each rendered entry form carries a fresh token. Creating a record with a token first claims
the token (a row in `form_submissions`), then creates the record, then notes the record's
id, all in the caller's transaction. A second request with the same token finds the claim
and the first record instead of creating another; a claim whose record is refused is rolled
back with it, so the corrected form can be sent again with its token.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Literal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from research.errors import ConflictError, ResearchError
from research.services.records import Record
from research.storage.tables import FormSubmissionRow

SubmissionKind = Literal["respondent", "interview"]

TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,100}")


class Submission(Record):
    """The record a form's submission stands for, and whether this request created it."""

    kind: SubmissionKind
    record_id: str
    created: bool


def new_token() -> str:
    """A fresh random token for one rendered entry form."""
    return secrets.token_urlsafe(24)


def check_token(token: str) -> None:
    """Refuse a token that no form of this server could have carried."""
    if not TOKEN_PATTERN.fullmatch(token):
        raise ResearchError(
            "submission_token must be 16 to 100 letters, digits, '-' or '_' "
            "(reload the form to get a new one)"
        )


def submit_once(
    session: Session,
    token: str | None,
    *,
    kind: SubmissionKind,
    create: Callable[[], str],
) -> Submission:
    """Run `create` (which returns the new record's id) unless `token` was already used.

    Without a token the record is simply created. The claim and the record share one
    savepoint: if `create` raises, neither remains.
    """
    if not token:
        return Submission(kind=kind, record_id=create(), created=True)
    check_token(token)
    with session.begin_nested():
        # The claim is the transaction's first write, so that a concurrent second request
        # waits for the first one's commit and then finds its claim.
        earlier = _claim(session, token, kind)
        if earlier is not None:
            return earlier
        record_id = create()
        row = session.get(FormSubmissionRow, token)
        assert row is not None  # claimed above, in this savepoint
        row.record_id = record_id
        session.flush()
    return Submission(kind=kind, record_id=record_id, created=True)


def _claim(session: Session, token: str, kind: SubmissionKind) -> Submission | None:
    """Claim `token` now (None), or return the submission that claimed it before."""
    try:
        with session.begin_nested():
            session.add(FormSubmissionRow(token=token, kind=kind, record_id=None))
            session.flush()
    except IntegrityError:
        return _earlier(session, token, kind)
    return None


def _earlier(session: Session, token: str, kind: SubmissionKind) -> Submission:
    row = session.get(FormSubmissionRow, token, populate_existing=True)
    if row is None or row.record_id is None:
        raise ConflictError("this form is being saved by another request; reload the page")
    if row.kind != kind:
        raise ConflictError(f"this form's token was already used for a {row.kind}; reload the form")
    return Submission(kind=kind, record_id=row.record_id, created=False)

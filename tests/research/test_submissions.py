"""Entry forms sent once: a submission token stores one record, even when sent twice."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from research.errors import ConflictError, InvalidRecordError, ResearchError
from research.services import respondents, submissions
from research.storage.tables import FormSubmissionRow
from research.study import Study
from tests.research.helpers import RESPONDENT, counts

TOKEN = "t" * 24


def _add(study: Study, token: str | None, respondent_id: str, values: dict[str, object]) -> object:
    with study.transaction() as session:
        return submissions.submit_once(
            session,
            token,
            kind="respondent",
            create=lambda: respondents.add_respondent(session, respondent_id, values).respondent_id,
        )


def _claims(study: Study) -> int:
    with study.transaction() as session:
        return session.scalar(select(func.count()).select_from(FormSubmissionRow)) or 0


def test_a_token_sent_twice_creates_one_record_and_names_it_both_times(study: Study) -> None:
    first = _add(study, TOKEN, "R01", RESPONDENT)
    second = _add(study, TOKEN, "R02", RESPONDENT)
    assert first == submissions.Submission(kind="respondent", record_id="R01", created=True)
    assert second == submissions.Submission(kind="respondent", record_id="R01", created=False)
    assert counts(study) == (1, 0, 0)
    assert _claims(study) == 1


def test_a_refused_record_leaves_the_token_free_for_the_corrected_form(study: Study) -> None:
    with pytest.raises(InvalidRecordError):
        _add(study, TOKEN, "R01", {**RESPONDENT, "birth_year": "1826"})
    assert counts(study) == (0, 0, 0)
    assert _claims(study) == 0
    assert _add(study, TOKEN, "R01", RESPONDENT).created  # type: ignore[attr-defined]
    assert counts(study) == (1, 0, 0)


def test_without_a_token_each_call_creates(study: Study) -> None:
    _add(study, None, "R01", RESPONDENT)
    _add(study, None, "R02", RESPONDENT)
    assert counts(study) == (2, 0, 0)
    assert _claims(study) == 0


def test_a_token_used_for_another_kind_is_refused(study: Study) -> None:
    _add(study, TOKEN, "R01", RESPONDENT)
    with study.transaction() as session, pytest.raises(ConflictError, match="respondent"):
        submissions.submit_once(session, TOKEN, kind="interview", create=lambda: "never")


@pytest.mark.parametrize(
    "token", ["short", "x" * 101, "has space in it......", "<script>alert(1)</script>"]
)
def test_a_malformed_token_is_refused_and_nothing_is_stored(study: Study, token: str) -> None:
    with pytest.raises(ResearchError, match="submission_token"):
        _add(study, token, "R01", RESPONDENT)
    assert counts(study) == (0, 0, 0)


def test_new_tokens_are_valid_and_differ() -> None:
    tokens = {submissions.new_token() for _ in range(50)}
    assert len(tokens) == 50
    for token in tokens:
        submissions.check_token(token)

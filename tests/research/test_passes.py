"""Completed passes: a coder marks an interview coded, reopens it, and the study lists them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from research.errors import NotFoundError, ResearchError
from research.storage.tables import CodingPassRow
from research.study import Study
from tests.research.helpers import add_interview_with_text


def test_a_pass_marked_done_is_listed_until_reopened(study: Study) -> None:
    add_interview_with_text(study, interview_id="I01")
    add_interview_with_text(study, interview_id="I02")
    first = study.passes.mark_done("I02", "ani", completed_at=datetime(2026, 1, 2, tzinfo=UTC))
    study.passes.mark_done("I01", " ani ")
    study.passes.mark_done("I01", "boris")
    assert first.completed_at == datetime(2026, 1, 2, tzinfo=UTC)
    listed = study.passes.list_passes()
    assert [(p.interview_id, p.coder) for p in listed] == [
        ("I01", "ani"),
        ("I01", "boris"),
        ("I02", "ani"),
    ]
    assert study.passes.passes_by_coder() == {"ani": {"I01", "I02"}, "boris": {"I01"}}
    assert study.passes.is_done("I02", "ani")
    assert study.passes.reopen("I02", "ani") is True
    assert study.passes.reopen("I02", "ani") is False
    assert not study.passes.is_done("I02", "ani")
    assert [p.interview_id for p in study.passes.list_passes(coder="ani")] == ["I01"]


def test_marking_a_pass_twice_keeps_the_first_time(study: Study) -> None:
    add_interview_with_text(study)
    first = study.passes.mark_done("I01", "ani", completed_at=datetime(2026, 1, 2, tzinfo=UTC))
    again = study.passes.mark_done("I01", "ani")
    assert again.completed_at == first.completed_at
    assert len(study.passes.list_passes()) == 1


def test_a_pass_needs_a_known_interview_and_a_coder(study: Study) -> None:
    add_interview_with_text(study)
    with pytest.raises(NotFoundError, match="no interview 'I99'"):
        study.passes.mark_done("I99", "ani")
    with pytest.raises(ResearchError, match="needs a coder's name"):
        study.passes.mark_done("I01", "  ")
    with pytest.raises(NotFoundError, match="no interview 'I99'"):
        study.passes.reopen("I99", "ani")
    assert study.passes.list_passes() == []


def test_a_pass_goes_with_its_interview(study: Study) -> None:
    add_interview_with_text(study)
    study.passes.mark_done("I01", "ani")
    study.interviews.remove_interview("I01")
    assert study.passes.list_passes() == []


def test_database_itself_refuses_a_pass_without_coder(study: Study) -> None:
    add_interview_with_text(study)
    with pytest.raises(IntegrityError), study.transaction() as session:
        session.execute(
            insert(CodingPassRow).values(
                interview_id="I01", coder="", completed_at=datetime(2026, 1, 1, tzinfo=UTC)
            )
        )

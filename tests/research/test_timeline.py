"""The historical timeline: shipped with sources, contested accounts marked, editable."""

from __future__ import annotations

from datetime import date

import pytest

from research.errors import NotFoundError, ResearchError
from research.study import Study


def test_new_study_ships_the_default_timeline(study: Study) -> None:
    events = study.timeline.list_events()
    assert len(events) == 13
    assert [e.event_date for e in events] == sorted(e.event_date for e in events)
    baku = next(e for e in events if "Baku" in e.event)
    assert baku.source == "Azerbaijani-perspective commentary"
    assert baku.contested is True
    assert all(e.source for e in events)


def test_event_can_be_added_edited_and_removed(study: Study) -> None:
    added = study.timeline.add_event(
        event_date="2020-09-27", event="Second war", source="news archive"
    )
    assert added.label == "2020-09-27"
    edited = study.timeline.update_event(added.event_id, contested=True, note="casualties disputed")
    assert edited.contested and edited.note == "casualties disputed"
    assert edited.event_date == date(2020, 9, 27)
    study.timeline.remove_event(added.event_id)
    assert len(study.timeline.list_events()) == 13


def test_event_without_source_is_refused(study: Study) -> None:
    with pytest.raises(ResearchError, match="source"):
        study.timeline.add_event(event_date="2020-09-27", event="Second war", source="  ")
    assert len(study.timeline.list_events()) == 13


def test_impossible_date_is_refused(study: Study) -> None:
    with pytest.raises(ResearchError, match="event_date"):
        study.timeline.add_event(event_date="1990-02-30", event="x", source="y")


def test_unknown_event_is_a_clear_error(study: Study) -> None:
    with pytest.raises(NotFoundError, match="no timeline event 999"):
        study.timeline.remove_event(999)

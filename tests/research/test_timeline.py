"""The historical timeline: shipped with sources, contested accounts marked, editable."""

from __future__ import annotations

from datetime import date

import pytest

from research.errors import NotFoundError, ProblemsError, ResearchError
from research.services.timeline import default_events, loads_timeline
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


def test_timeline_yaml_reads_dates_labels_and_flags() -> None:
    events = loads_timeline(
        "- date: 1991-12-26\n  event: USSR dissolved\n  source: encyclopaedia\n  contested: true\n"
    )
    assert [(e.event_date, e.label, e.contested) for e in events] == [
        (date(1991, 12, 26), "1991-12-26", True)
    ]
    assert loads_timeline("") == []


def test_timeline_yaml_lists_every_problem_by_line() -> None:
    text = (
        "- date: 1991-12-26\n"
        "  event: fine\n"
        "  source: memo\n"
        "- date: soon\n"  # line 4
        "  event: x\n"
        "  source: y\n"
        "- date: 1992-01-01\n"  # line 7: no source
        "  event: z\n"
        "- just text\n"  # line 9
    )
    with pytest.raises(ProblemsError) as refused:
        loads_timeline(text, source="timeline.yaml")
    assert refused.value.problems == [
        "timeline.yaml, line 4: event 2: date 'soon' is not a date; write YYYY-MM-DD",
        "timeline.yaml, line 7: event 3: source is missing",
        "timeline.yaml, line 9: event 4: expected date, event and source (a mapping)",
    ]


def test_timeline_yaml_with_an_impossible_date_names_its_line() -> None:
    with pytest.raises(ProblemsError, match=r"t.yaml, line 4: invalid date"):
        loads_timeline(
            "- date: 2001-02-01\n  event: a\n  source: b\n- date: 2001-02-30\n", source="t.yaml"
        )


def test_seeding_a_study_that_has_events_adds_none(study: Study) -> None:
    assert study.timeline.seed_events(default_events()) == 0
    assert len(study.timeline.list_events()) == 13

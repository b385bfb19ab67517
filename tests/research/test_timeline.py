"""The historical timeline: shipped with sources, contested accounts marked, editable."""

from __future__ import annotations

from datetime import date

import pytest

from research.errors import NotFoundError, ProblemsError, ResearchError
from research.services.timeline import TimelineEvent, default_events, loads_timeline
from research.study import Study


def test_new_study_ships_the_default_timeline(study: Study) -> None:
    events = study.timeline.list_events()
    assert len(events) == len(default_events()) == 19
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
    assert len(study.timeline.list_events()) == len(default_events())


def test_event_without_source_is_refused(study: Study) -> None:
    with pytest.raises(ResearchError, match="source"):
        study.timeline.add_event(event_date="2020-09-27", event="Second war", source="  ")
    assert len(study.timeline.list_events()) == len(default_events())


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
    assert len(study.timeline.list_events()) == len(default_events())


# The shipped Karabakh timeline: both sides' accounts, each with its source


def shipped(word: str) -> TimelineEvent:
    found = [event for event in default_events() if word in event.event]
    assert len(found) == 1, f"{word!r} is in {len(found)} shipped events"
    return found[0]


def test_the_shipped_timeline_dates_azerbaijans_independence_in_1991_before_december() -> None:
    independence = shipped("Azerbaijan's independence;")
    assert date(1991, 8, 30) <= independence.event_date <= date(1991, 10, 18)
    assert independence.label == "30 Aug – 18 Oct 1991"
    assert "Azerbaijani-perspective commentary" in independence.source
    assert not any(
        "independence" in event.event and event.event_date.month == 12
        for event in default_events()
    )


@pytest.mark.parametrize(
    ("word", "when"),
    [
        ("Kremlin refuses", date(1988, 2, 1)),
        ("Karabakh Committee arrested", date(1988, 12, 10)),
        ("Return to Azerbaijani jurisdiction", date(1989, 11, 28)),
        ("Emergency rule in Baku", date(1990, 1, 21)),
        ("Soviet troops storm Baku", date(1990, 1, 20)),
        ("The USSR dissolves", date(1991, 12, 26)),
        ("Armistice", date(1994, 5, 12)),
    ],
)
def test_the_shipped_timeline_holds_the_events_of_both_accounts(word: str, when: date) -> None:
    assert shipped(word).event_date == when


def test_the_armistice_names_the_adjacent_districts_and_refugees_on_both_sides() -> None:
    armistice = shipped("Armistice")
    assert "adjacent Azerbaijani districts" in armistice.event
    assert "refugees" in armistice.event and "both sides" in armistice.event
    assert armistice.source == "study memo" and not armistice.contested


@pytest.mark.parametrize(
    "word",
    [
        "Sumgait pogroms",
        "Kirovabad (Ganja) pogroms",
        "Blockade of Armenia",
        "Reunification proclaimed",
        "Soviet troops storm Baku",
        "Emergency rule in Baku",
        "more than 80,000 signatures",
    ],
)
def test_what_one_side_alone_reports_is_contested_with_a_note_naming_whose_account(
    word: str,
) -> None:
    event = shipped(word)
    assert event.contested
    side = event.source.split("-perspective")[0]
    assert side in ("Armenian", "Azerbaijani") and ";" not in event.source
    assert f"{side}-perspective" in event.note


def test_the_memos_neutral_events_are_not_contested() -> None:
    memo_only = [event for event in default_events() if event.source == "study memo"]
    assert len(memo_only) >= 4
    assert not [event.event for event in memo_only if event.contested]


def test_the_shipped_timeline_keeps_both_death_tolls_of_the_baku_killings() -> None:
    baku = shipped("Soviet troops storm Baku")
    assert "131" in baku.event and "300 or more" in baku.event


def test_each_side_has_contested_accounts_and_every_event_a_source() -> None:
    events = default_events()
    assert all(event.source.strip() and event.label.strip() for event in events)
    assert all(event.note for event in events if event.contested)
    contested_sides = {event.source for event in events if event.contested}
    assert contested_sides == {
        "Armenian-perspective history page",
        "Azerbaijani-perspective commentary",
    }


def test_a_new_study_stores_the_shipped_timeline_as_it_is_written(study: Study) -> None:
    stored = [event.model_copy(update={"event_id": None}) for event in study.timeline.list_events()]
    assert stored == default_events()

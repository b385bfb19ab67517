"""A small coded study for report edge cases: four respondents, chosen coders and attributes."""

from __future__ import annotations

from typing import Any

from research.services.analysis_data import StudyFrames, study_frames
from research.services.respondents import add_respondent
from research.study import Study
from tests.research.helpers import INTERVIEW, transcript

TEXT = (
    "There was no work at all, so he went to Moscow. "
    "The money comes when it comes, sometimes not for months. "
    "I decide everything alone now, like a widow with a living husband. "
    "He says he will come back when the war is really over.\n"
)
# code id -> the sentence it is applied to
CODED = {
    "unemployment": "There was no work at all, so he went to Moscow.",
    "remittances_irregular": "The money comes when it comes, sometimes not for months.",
    "virtual_widowhood": "I decide everything alone now, like a widow with a living husband.",
    "renewed_war": "He says he will come back when the war is really over.",
}
PEOPLE: list[dict[str, Any]] = [
    {"gender": "female", "role": "stayed", "departure_year": 1985, "household_size": 5},
    {"gender": "male", "role": "migrant", "departure_year": 1996, "household_size": 3},
    {"gender": "female", "role": "returnee", "departure_year": 1999, "household_size": 6},
    {"gender": "male", "role": "migrant", "departure_year": 1990, "household_size": 4},
]
PLACES = ["martuni", "moscow", "martuni", "krasnodar"]


def coded_study(
    study: Study,
    *,
    coders: tuple[str, ...] = ("ana", "ben"),
    drop: tuple[str, ...] = (),
    codes: tuple[str, ...] = tuple(CODED),
) -> Study:
    """Store four respondents with one interview each, every coder applying `codes`.

    `drop` names respondent attributes left out (e.g. departure_year). The second coder
    leaves out the last code in odd interviews, so that coders disagree a little.
    """
    for number, person in enumerate(PEOPLE, start=1):
        values = {name: value for name, value in person.items() if name not in drop}
        with study.transaction() as session:
            add_respondent(session, f"R{number}", values)
        study.interviews.add_interview(
            respondent_id=f"R{number}",
            interview_id=f"I{number}",
            values={
                **INTERVIEW,
                "place": PLACES[number - 1],
                "interview_date": f"2004-06-1{number}",
            },
            transcript=transcript(TEXT, name=f"i{number}.txt"),
        )
        for index, coder in enumerate(coders):
            for code in codes:
                if index == 1 and number % 2 and code == codes[-1]:
                    continue
                start = TEXT.index(CODED[code])
                study.codings.add_coding(
                    interview_id=f"I{number}",
                    code=code,
                    start_offset=start,
                    end_offset=start + len(CODED[code]),
                    coder=coder,
                )
    return study


def frames_of(study: Study, *, source: str | None = None) -> StudyFrames:
    """The study read into frames, from `source` (default: the study's default source)."""
    with study.transaction() as session:
        return study_frames(session, database="test", source=source)

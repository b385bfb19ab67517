"""A browser selection that cuts a character in two is refused (422) and stores nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient

from research.study import Study
from tests.research.helpers import add_interview_with_text

TEXT = "Он сказал: x\u0302 — и ушёл, \U0001f468\u200d\U0001f469\u200d\U0001f467 остались.\n"


def _utf16(text: str, offset: int) -> int:
    return len(text[:offset].encode("utf-16-le")) // 2


def test_a_selection_between_a_letter_and_its_mark_is_refused(
    client: TestClient, demo_study: Study
) -> None:
    add_interview_with_text(demo_study, TEXT, interview_id="G01")
    mark = TEXT.index("\u0302")
    response = client.post(
        "/api/codings",
        json={
            "interview_id": "G01",
            "code": "motives/economy/unemployment",
            "start": _utf16(TEXT, mark),
            "end": _utf16(TEXT, mark + 5),
            "quote": TEXT[mark : mark + 5],
        },
    )
    assert response.status_code == 422
    assert response.json()["detail"] == (
        f"interview G01: start {mark} falls inside the character 'x\u0302' at "
        f"{mark - 1}..{mark + 1}; the nearest boundaries are {mark - 1} and {mark + 1}"
    )
    assert demo_study.codings.list_codings(interview_id="G01") == []


def test_a_selection_inside_an_emoji_family_is_refused(
    client: TestClient, demo_study: Study
) -> None:
    add_interview_with_text(demo_study, TEXT, interview_id="G02")
    family = TEXT.index("\U0001f468")
    response = client.post(
        "/api/codings",
        json={
            "interview_id": "G02",
            "code": "motives/economy/unemployment",
            "start": _utf16(TEXT, family + 2),
            "end": _utf16(TEXT, len(TEXT) - 1),
            "quote": TEXT[family + 2 : len(TEXT) - 1],
        },
    )
    assert response.status_code == 422
    assert "the nearest boundaries are" in response.json()["detail"]
    assert demo_study.codings.list_codings(interview_id="G02") == []

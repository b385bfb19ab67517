"""The codings API: UTF-16 offsets from the browser, quote checks, recode, resize, remove."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from research.study import Study
from tests.research.helpers import add_interview_with_text, counts
from tests.research.web.conftest import LiveServer

# Armenian, Cyrillic and an emoji (two UTF-16 units) before the passage that gets coded.
TEXT = (
    "Մենք ապրում էինք Մարտունիում. Он сказал: «Работы нет». 🙏 "
    "There was no work at all, so he went to Moscow in 1996.\n"
)
PASSAGE = "There was no work at all"


def utf16(text: str, offset: int) -> int:
    """The UTF-16 offset a browser would report for code point `offset`."""
    return len(text[:offset].encode("utf-16-le")) // 2


@pytest.fixture
def interview(demo_study: Study) -> str:
    return add_interview_with_text(demo_study, TEXT, interview_id="W01")


def selection(passage: str = PASSAGE, **extra: Any) -> dict[str, Any]:
    start = TEXT.index(passage)
    return {
        "interview_id": "W01",
        "code": "motives/economy/unemployment",
        "start": utf16(TEXT, start),
        "end": utf16(TEXT, start + len(passage)),
        "quote": passage,
        **extra,
    }


def test_a_browser_selection_after_an_emoji_is_stored_in_code_points(
    client: TestClient, interview: str, demo_study: Study
) -> None:
    response = client.post("/api/codings", json=selection())
    assert response.status_code == 201, response.text
    body = response.json()
    start = TEXT.index(PASSAGE)
    assert (body["start_offset"], body["end_offset"]) == (start, start + len(PASSAGE))
    assert body["start_utf16"] == start + 1  # the emoji takes two units, one code point
    assert body["coder"] == "ani"
    [stored] = demo_study.codings.list_codings(interview_id="W01")
    assert stored.quote == PASSAGE and TEXT[stored.start_offset : stored.end_offset] == PASSAGE


def test_code_point_offsets_are_accepted_when_named(client: TestClient, interview: str) -> None:
    start = TEXT.index(PASSAGE)
    body = selection(start=start, end=start + len(PASSAGE), unit="code_point")
    assert client.post("/api/codings", json=body).status_code == 201


@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        ({"quote": "There was no work at ALL"}, 409, "quote"),
        ({"start": 40, "end": 10}, 422, "reversed"),
        ({"end": 10_000}, 422, "outside the text"),
        ({"start": -3}, 422, "outside the text"),
        ({"code": "motives/economy/no_such_code"}, 422, "no code"),
        ({"code": "motives"}, 400, "cannot be applied"),
        ({"interview_id": "NOPE"}, 404, "no interview"),
        ({"unit": "bytes"}, 422, "unit"),
        ({"colour": "red"}, 422, "colour"),
        ({"start": "12"}, 422, "start"),
    ],
)
def test_refused_codings_answer_4xx_and_store_nothing(
    client: TestClient,
    interview: str,
    demo_study: Study,
    change: dict[str, Any],
    status: int,
    words: str,
) -> None:
    before = counts(demo_study)
    response = client.post("/api/codings", json=selection(**change))
    assert response.status_code == status, response.text
    assert words in response.text
    assert counts(demo_study) == before


def test_an_offset_inside_the_emoji_is_refused(
    client: TestClient, interview: str, demo_study: Study
) -> None:
    emoji = utf16(TEXT, TEXT.index("🙏"))
    response = client.post(
        "/api/codings", json=selection(start=emoji + 1, end=emoji + 6, quote="x")
    )
    assert response.status_code == 422
    assert "surrogate pair" in response.json()["detail"]
    assert demo_study.codings.list_codings(interview_id="W01") == []


def test_a_coder_must_be_chosen_before_coding(
    anonymous: TestClient, interview: str, demo_study: Study
) -> None:
    token = anonymous.get("/api/session").json()["csrf_token"]
    response = anonymous.post("/api/codings", json=selection(), headers={"X-CSRF-Token": token})
    assert response.status_code == 400
    assert "coder" in response.json()["detail"]
    assert demo_study.codings.list_codings(interview_id="W01") == []


def test_the_same_coding_twice_is_a_conflict(client: TestClient, interview: str) -> None:
    assert client.post("/api/codings", json=selection()).status_code == 201
    again = client.post("/api/codings", json=selection())
    assert again.status_code == 409 and "already coded" in again.json()["detail"]


def test_recode_resize_and_memo(client: TestClient, interview: str, demo_study: Study) -> None:
    coding_id = client.post("/api/codings", json=selection()).json()["coding_id"]
    recoded = client.patch(f"/api/codings/{coding_id}", json={"code": "clans_nepotism"})
    assert recoded.status_code == 200, recoded.text
    assert recoded.json()["code_path"].endswith("clans_nepotism")
    longer = "There was no work at all, so he went to Moscow"
    start = TEXT.index(longer)
    resized = client.patch(
        f"/api/codings/{coding_id}",
        json={
            "start": utf16(TEXT, start),
            "end": utf16(TEXT, start + len(longer)),
            "quote": longer,
        },
    )
    assert resized.status_code == 200 and resized.json()["quote"] == longer
    memo = client.patch(f"/api/codings/{coding_id}", json={"memo": "Said twice."})
    assert memo.json()["memo"] == "Said twice."
    stored = demo_study.codings.get_coding(coding_id)
    assert (stored.quote, stored.memo) == (longer, "Said twice.")


def test_a_resize_with_a_wrong_quote_changes_nothing(
    client: TestClient, interview: str, demo_study: Study
) -> None:
    coding_id = client.post("/api/codings", json=selection()).json()["coding_id"]
    response = client.patch(
        f"/api/codings/{coding_id}", json={"start": 0, "end": 5, "quote": "Other"}
    )
    assert response.status_code == 409
    assert demo_study.codings.get_coding(coding_id).quote == PASSAGE


def test_another_coders_coding_cannot_be_changed_or_removed(
    client: TestClient, demo_study: Study
) -> None:
    theirs = demo_study.codings.list_codings(coder="pavel")[0]
    refused = client.patch(f"/api/codings/{theirs.coding_id}", json={"memo": "x"})
    assert refused.status_code == 403 and "belongs to pavel" in refused.json()["detail"]
    assert client.delete(f"/api/codings/{theirs.coding_id}").status_code == 403
    assert demo_study.codings.get_coding(theirs.coding_id) == theirs


def test_remove_then_not_found(client: TestClient, interview: str, demo_study: Study) -> None:
    coding_id = client.post("/api/codings", json=selection()).json()["coding_id"]
    assert client.delete(f"/api/codings/{coding_id}").status_code == 204
    assert client.get(f"/api/codings/{coding_id}").status_code == 404
    assert client.delete(f"/api/codings/{coding_id}").status_code == 404


def test_listing_gives_both_offset_units(client: TestClient, interview: str) -> None:
    client.post("/api/codings", json=selection())
    [listed] = client.get("/api/interviews/W01/codings").json()
    assert listed["end_utf16"] - listed["start_utf16"] == len(PASSAGE)
    assert client.get("/api/interviews/NOPE/codings").status_code == 404


def test_an_in_vivo_code_is_created_and_applied(
    client: TestClient, interview: str, demo_study: Study
) -> None:
    passage = "Работы нет"
    start = TEXT.index(passage)
    response = client.post(
        "/api/codings/in-vivo",
        json={
            "interview_id": "W01",
            "start": utf16(TEXT, start),
            "end": utf16(TEXT, start + len(passage)),
            "quote": passage,
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["code"]["path"] == "in_vivo/Работы нет"
    assert demo_study.codebook().resolve("in_vivo/Работы нет").applicable
    assert body["coding"]["quote"] == passage


def test_the_coding_view_shows_the_transcript_as_data(client: TestClient, interview: str) -> None:
    page = client.get("/interviews/W01/code")
    assert page.status_code == 200
    assert "Մենք ապրում" in page.text and 'id="coding-data"' in page.text


def test_the_coding_view_asks_for_a_coder_first(anonymous: TestClient) -> None:
    response = anonymous.get("/interviews/D01/code", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/coder")


XSS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']


@pytest.mark.parametrize("payload", XSS)
def test_markup_in_transcripts_and_memos_stays_inert(
    client: TestClient, demo_study: Study, payload: str
) -> None:
    text = f"Before {payload} after.\n"
    add_interview_with_text(demo_study, text, interview_id="X01")
    start = text.index(payload)
    coding = client.post(
        "/api/codings",
        json={
            "interview_id": "X01",
            "code": "clans_nepotism",
            "start": start,
            "end": start + len(payload),
            "quote": payload,
            "memo": payload,
        },
    )
    assert coding.status_code == 201
    response = client.get("/interviews/X01/code")
    assert response.status_code == 200
    page = response.text
    assert payload not in page
    # In the transcript element, HTML-escaped; in the JSON data block, < and > as \u escapes.
    assert payload.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;") in page
    escaped_json = payload.replace("<", "\\u003c").replace(">", "\\u003e").replace('"', '\\"')
    assert page.count(escaped_json) == 2  # the coding's quote and its memo


def test_coders_writing_at_the_same_moment_all_succeed(app: Any, demo_study: Study) -> None:
    """Concurrent writes over real HTTP: each waits its turn, none fails as 'locked'."""
    text = demo_study.interviews.get_interview("D01").transcript
    assert text is not None
    words = [(i, i + 5) for i in range(0, 2000, 40) if not text[i : i + 5].isspace()][:24]

    def post(span: tuple[int, int], name: str) -> int:
        with httpx.Client(base_url=server.url) as http:
            token = http.get("/api/session").json()["csrf_token"]
            http.headers["X-CSRF-Token"] = token
            http.post("/api/session/coder", json={"name": name}).raise_for_status()
            response = http.post(
                "/api/codings",
                json={
                    "interview_id": "D01",
                    "code": "clans_nepotism",
                    "start": span[0],
                    "end": span[1],
                    "unit": "code_point",
                    "quote": text[span[0] : span[1]],
                },
            )
            return response.status_code

    with LiveServer(app) as server, ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(post, words, [f"coder{i % 4}" for i in range(len(words))]))
    assert statuses == [201] * len(words)
    stored = demo_study.codings.list_codings(interview_id="D01", code="clans_nepotism")
    assert sum(c.coder.startswith("coder") for c in stored) == len(words)


def test_codebook_and_coding_writes_at_the_same_moment_all_succeed(
    app: Any, demo_study: Study
) -> None:
    def write(number: int) -> int:
        with httpx.Client(base_url=server.url) as http:
            http.headers["X-CSRF-Token"] = http.get("/api/session").json()["csrf_token"]
            http.post("/api/session/coder", json={"name": f"coder{number}"}).raise_for_status()
            if number % 3 == 0:
                return http.post("/api/codebook/codes", json={"name": f"new_{number}"}).status_code
            if number % 3 == 1:
                token = http.headers["X-CSRF-Token"]
                form = {"csrf_token": token, "name": f"form_{number}", "parent": ""}
                return http.post("/codebook/codes", data=form).status_code
            return http.post(
                "/api/codings",
                json={
                    "interview_id": "D02",
                    "code": "clans_nepotism",
                    "start": 10 * number,
                    "end": 10 * number + 4,
                    "unit": "code_point",
                    "quote": text[10 * number : 10 * number + 4],
                },
            ).status_code

    text = demo_study.interviews.get_interview("D02").transcript or ""
    with LiveServer(app) as server, ThreadPoolExecutor(max_workers=9) as pool:
        statuses = list(pool.map(write, range(18)))
    assert all(status in (200, 201, 303) for status in statuses), statuses
    paths = {demo_study.codebook().path_of(code.code_id) for code in demo_study.codebook().codes}
    assert {f"new_{n}" for n in range(0, 18, 3)} | {f"form_{n}" for n in range(1, 18, 3)} <= paths


@pytest.mark.parametrize(
    "body",
    [{"start": 0}, {"start": 0, "end": 5}, {"quote": "zzz"}, {}, {"unit": "utf16"}],
)
def test_a_malformed_change_is_refused_and_changes_nothing(
    client: TestClient, interview: str, demo_study: Study, body: dict[str, Any]
) -> None:
    coding_id = client.post("/api/codings", json=selection()).json()["coding_id"]
    before = demo_study.codings.get_coding(coding_id)
    response = client.patch(f"/api/codings/{coding_id}", json=body)
    assert response.status_code == 422, response.text
    assert demo_study.codings.get_coding(coding_id) == before


def test_a_refused_in_vivo_code_stores_nothing(
    client: TestClient, interview: str, demo_study: Study
) -> None:
    codes_before = len(demo_study.codebook().codes)
    start = TEXT.index("Работы")
    response = client.post(
        "/api/codings/in-vivo",
        json={
            "interview_id": "W01",
            "start": start,
            "end": start + 6,
            "quote": "Работа",
            "unit": "code_point",
        },
    )
    assert response.status_code == 409
    invisible = client.post(
        "/api/codings/in-vivo",
        json={
            "interview_id": "W01",
            "start": start,
            "end": start + 6,
            "quote": "Работы",
            "unit": "code_point",
            "name": "\u200b",
        },
    )
    assert invisible.status_code == 422 and "visible" in invisible.json()["detail"]
    assert len(demo_study.codebook().codes) == codes_before
    assert demo_study.codings.list_codings(interview_id="W01") == []

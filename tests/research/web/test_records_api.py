"""The respondents and interviews JSON API: entry, refusals that store nothing, transcripts."""

from __future__ import annotations

import io
from typing import Any

import docx
import pytest
from fastapi.testclient import TestClient

from research.study import Study
from tests.research.helpers import INTERVIEW, RESPONDENT, counts

CYRILLIC = "Мы уехали в Москву в 1996 году.\nРаботы не было совсем.\nՄենք ապրում էինք.\n"
CYRILLIC_RUSSIAN_ONLY = "Мы уехали в Москву в 1996 году.\nРаботы не было совсем.\n"


def _respondent(client: TestClient, respondent_id: str = "N01", **changes: Any) -> Any:
    body = {"respondent_id": respondent_id, "values": {**RESPONDENT, **changes}}
    response = client.post("/api/respondents", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def _interview(client: TestClient, respondent_id: str = "N01", **extra: Any) -> Any:
    response = client.post(
        "/api/interviews", json={"respondent_id": respondent_id, "values": INTERVIEW, **extra}
    )
    assert response.status_code == 201, response.text
    return response.json()


# Respondents


def test_listing_respondents_filters_and_searches(client: TestClient) -> None:
    everyone = client.get("/api/respondents").json()
    assert len(everyone) == 23
    women = client.get("/api/respondents", params={"where": "gender=female"}).json()
    assert 0 < len(women) < 23
    assert {r["attributes"]["gender"] for r in women} == {"female"}
    found = client.get("/api/respondents", params={"q": "KRASNODAR"}).json()
    assert found and all("Krasnodar" in str(r["attributes"]) for r in found)


def test_listing_with_an_unknown_attribute_says_which(client: TestClient) -> None:
    response = client.get("/api/respondents", params={"where": "gendr=female"})
    assert response.status_code == 422
    assert "gender" in response.json()["detail"]


def test_a_respondent_is_added_read_and_changed(client: TestClient, demo_study: Study) -> None:
    created = _respondent(client, destination="Москва")
    assert created["attributes"]["birth_year"] == 1961
    assert client.get("/api/respondents/N01").json() == created
    changed = client.patch("/api/respondents/N01", json={"values": {"destination": "Krasnodar"}})
    assert changed.status_code == 200
    assert changed.json()["attributes"]["destination"] == "Krasnodar"
    assert changed.json()["attributes"]["gender"] == "female"
    assert counts(demo_study)[0] == 24


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"respondent_id": "N01", "values": {**RESPONDENT, "birth_year": 1826}}, 422, "1826"),
        ({"respondent_id": "N01", "values": {**RESPONDENT, "hair": "red"}}, 422, "hair"),
        ({"respondent_id": "R01", "values": RESPONDENT}, 409, "already exists"),
        ({"respondent_id": "<script>", "values": RESPONDENT}, 422, "respondent_id"),
        ({"respondent_id": "N01", "values": {**RESPONDENT, "household_size": 22}}, 422, "confirm"),
        ({"respondent_id": "N01", "values": RESPONDENT, "extra": 1}, 422, "extra"),
        ({"respondent_id": "N01", "values": RESPONDENT, "confirm_warnings": "yes"}, 422, "bool"),
        ({"respondent_id": "N01", "values": RESPONDENT, "submission_token": "short"}, 400, "token"),
    ],
)
def test_a_refused_respondent_says_why_and_stores_nothing(
    client: TestClient, demo_study: Study, body: dict[str, Any], status: int, says: str
) -> None:
    before = counts(demo_study)
    response = client.post("/api/respondents", json=body)
    assert response.status_code == status, response.text
    assert says in response.text
    assert counts(demo_study) == before


def test_hard_errors_and_warnings_are_listed_by_field(client: TestClient) -> None:
    refused = client.post(
        "/api/respondents",
        json={"respondent_id": "N01", "values": {**RESPONDENT, "birth_year": "1826"}},
    ).json()
    assert refused["errors"][0]["field"] == "birth_year"
    unsure = client.post(
        "/api/respondents",
        json={"respondent_id": "N01", "values": {**RESPONDENT, "household_size": "22"}},
    ).json()
    assert unsure["warnings"][0]["field"] == "household_size"
    confirmed = client.post(
        "/api/respondents",
        json={
            "respondent_id": "N01",
            "values": {**RESPONDENT, "household_size": "22"},
            "confirm_warnings": True,
        },
    )
    assert confirmed.status_code == 201


def test_a_repeated_submission_token_returns_the_first_respondent(
    client: TestClient, demo_study: Study
) -> None:
    body = {"respondent_id": "N01", "values": RESPONDENT, "submission_token": "s" * 30}
    first = client.post("/api/respondents", json=body)
    again = client.post("/api/respondents", json={**body, "respondent_id": "N02"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["respondent_id"] == "N01"
    assert counts(demo_study)[0] == 24


def test_reading_or_changing_an_unknown_respondent_is_404(client: TestClient) -> None:
    assert client.get("/api/respondents/N404").status_code == 404
    response = client.patch("/api/respondents/N404", json={"values": {"gender": "male"}})
    assert response.status_code == 404
    assert "N404" in response.json()["detail"]


def test_a_refused_change_keeps_the_stored_values(client: TestClient) -> None:
    response = client.patch("/api/respondents/R01", json={"values": {"birth_year": 1826}})
    assert response.status_code == 422
    assert "1826" in response.json()["detail"]
    assert client.get("/api/respondents/R01").json()["attributes"]["birth_year"] == 1963


# Interviews


def test_listing_interviews_filters_and_searches_transcripts(client: TestClient) -> None:
    assert len(client.get("/api/interviews").json()) == 26
    krasnodar = client.get("/api/interviews", params={"where": "place=krasnodar"}).json()
    assert {i["attributes"]["place"] for i in krasnodar} == {"krasnodar"}
    assert [
        i["interview_id"] for i in client.get("/api/interviews", params={"q": "upper lars"}).json()
    ]
    found = client.get("/api/interviews/search", params={"q": "МОСКВ"}).json()
    assert found
    assert all(match["snippet"]["match"].casefold() == "москв" for match in found)
    assert all(match["interview"]["transcript"] is None for match in found)


def test_an_interview_is_added_with_its_transcript_and_read(
    client: TestClient, demo_study: Study
) -> None:
    _respondent(client)
    created = _interview(client, transcript="Line one\r\nLine two")
    assert created["interview_id"] == "N01-1"
    assert created["has_transcript"] and created["transcript"] is None
    plain = client.get("/api/interviews/N01-1").json()
    assert plain["transcript"] is None
    full = client.get("/api/interviews/N01-1", params={"transcript": "true"}).json()
    assert full["transcript"] == "Line one\nLine two"
    assert counts(demo_study)[1] == 27


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"respondent_id": "N404", "values": INTERVIEW}, 404, "N404"),
        ({"respondent_id": "R01", "interview_id": "D01", "values": INTERVIEW}, 409, "D01"),
        ({"respondent_id": "R01", "values": {**INTERVIEW, "consent": "no"}}, 422, "consent"),
        (
            {"respondent_id": "R01", "values": {**INTERVIEW, "interview_date": "2004-02-30"}},
            422,
            "February",
        ),
        ({"respondent_id": "R01", "values": INTERVIEW, "transcript": "a\x00b"}, 422, "U+0000"),
        ({"respondent_id": "R01", "values": INTERVIEW, "transcript": "   "}, 422, "whitespace"),
        ({"respondent_id": "R01", "values": {**INTERVIEW, "mood": "good"}}, 422, "mood"),
    ],
)
def test_a_refused_interview_says_why_and_stores_nothing(
    client: TestClient, demo_study: Study, body: dict[str, Any], status: int, says: str
) -> None:
    before = counts(demo_study)
    response = client.post("/api/interviews", json=body)
    assert response.status_code == status, response.text
    assert says in response.json()["detail"]
    assert counts(demo_study) == before


def test_a_repeated_token_returns_the_first_interview(
    client: TestClient, demo_study: Study
) -> None:
    body = {"respondent_id": "R01", "values": INTERVIEW, "submission_token": "i" * 30}
    first = client.post("/api/interviews", json=body)
    again = client.post("/api/interviews", json=body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["interview_id"] == again.json()["interview_id"]
    assert counts(demo_study)[1] == 27


def test_reading_an_unknown_interview_is_404(client: TestClient) -> None:
    response = client.get("/api/interviews/X404")
    assert response.status_code == 404
    assert "X404" in response.json()["detail"]


def test_a_transcript_is_put_as_canonical_text(client: TestClient) -> None:
    _respondent(client)
    _interview(client)
    decomposed = "Cafe\u0301 in Moscow\r\n"
    response = client.put("/api/interviews/N01-1/transcript", json={"text": decomposed})
    assert response.status_code == 200
    assert response.json()["characters"] == len("Café in Moscow\n")
    stored = client.get("/api/interviews/N01-1?transcript=true").json()["transcript"]
    assert stored == "Caf\u00e9 in Moscow\n"


def test_a_coded_transcript_is_not_replaced(client: TestClient) -> None:
    before = client.get("/api/interviews/D01?transcript=true").json()["transcript"]
    response = client.put("/api/interviews/D01/transcript", json={"text": "Another text"})
    assert response.status_code == 409
    assert "codings" in response.json()["detail"]
    assert client.get("/api/interviews/D01?transcript=true").json()["transcript"] == before


@pytest.mark.parametrize(
    ("body", "says"),
    [({"text": ""}, "empty"), ({"text": "ab\x07"}, "U+0007"), ({"txt": "x"}, "txt")],
)
def test_a_refused_transcript_text_leaves_none(
    client: TestClient, body: dict[str, Any], says: str
) -> None:
    _respondent(client)
    _interview(client)
    response = client.put("/api/interviews/N01-1/transcript", json=body)
    assert response.status_code == 422
    assert says in response.text
    assert client.get("/api/interviews/N01-1").json()["has_transcript"] is False


def _upload(
    client: TestClient, interview_id: str, name: str, data: bytes, encoding: str | None = None
) -> Any:
    form = {} if encoding is None else {"encoding": encoding}
    return client.post(
        f"/api/interviews/{interview_id}/transcript/file",
        files={"file": (name, data, "application/octet-stream")},
        data=form,
    )


def test_a_legacy_file_is_refused_with_its_position_then_read_in_its_encoding(
    client: TestClient,
) -> None:
    _respondent(client)
    _interview(client)
    data = CYRILLIC_RUSSIAN_ONLY.encode("cp1251")
    refused = _upload(client, "N01-1", "old.txt", data)
    assert refused.status_code == 422
    detail = refused.json()["detail"]
    assert "old.txt, line 1, column 1" in detail
    assert client.get("/api/interviews/N01-1").json()["has_transcript"] is False
    saved = _upload(client, "N01-1", "old.txt", data, "cp1251")
    assert saved.status_code == 200
    assert saved.json()["source_name"] == "old.txt"
    stored = client.get("/api/interviews/N01-1?transcript=true").json()["transcript"]
    assert stored == CYRILLIC_RUSSIAN_ONLY


def test_a_utf8_and_a_docx_file_are_read(client: TestClient) -> None:
    _respondent(client)
    _interview(client)
    _interview(client)
    assert _upload(client, "N01-1", "a.md", CYRILLIC.encode("utf-8-sig")).status_code == 200
    stored = client.get("/api/interviews/N01-1?transcript=true").json()["transcript"]
    assert stored == CYRILLIC
    document = docx.Document()
    for line in CYRILLIC.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    assert _upload(client, "N01-2", "doc.docx", buffer.getvalue()).status_code == 200
    stored = client.get("/api/interviews/N01-2?transcript=true").json()["transcript"]
    assert stored == CYRILLIC.rstrip("\n")


@pytest.mark.parametrize(
    ("name", "data", "encoding", "says"),
    [
        ("scan.pdf", b"%PDF-1.4 ...", None, "unsupported format '.pdf'"),
        ("a.txt", b"plain", "ebcdic-klingon", "unknown encoding"),
        ("a.txt", b"", None, "empty"),
        ("a.txt", b"%PDF-1.4 ...", None, "PDF"),
        ("a.docx", b"not a zip", None, "not a readable Word"),
    ],
)
def test_an_unreadable_file_is_refused_and_nothing_stored(
    client: TestClient, name: str, data: bytes, encoding: str | None, says: str
) -> None:
    _respondent(client)
    _interview(client)
    response = _upload(client, "N01-1", name, data, encoding)
    assert response.status_code == 422
    assert says in response.json()["detail"]
    assert client.get("/api/interviews/N01-1").json()["has_transcript"] is False


def test_a_file_for_an_unknown_interview_is_404(client: TestClient) -> None:
    assert _upload(client, "X404", "a.txt", b"text").status_code == 404


def test_the_preview_shows_first_lines_or_the_problem_with_candidates(client: TestClient) -> None:
    fine = client.post(
        "/api/transcripts/preview", files={"file": ("a.txt", CYRILLIC.encode(), "text/plain")}
    ).json()
    assert fine["readable"] and fine["encoding"] == "utf-8"
    assert fine["lines"][0] == CYRILLIC.splitlines()[0]
    legacy = client.post(
        "/api/transcripts/preview",
        files={"file": ("b.txt", CYRILLIC_RUSSIAN_ONLY.encode("cp1251"), "text/plain")},
    ).json()
    assert not legacy["readable"]
    assert (legacy["problem"]["line"], legacy["problem"]["column"]) == (1, 1)
    by_encoding = {c["encoding"]: c for c in legacy["candidates"]}
    assert by_encoding["cp1251"]["lines"] == CYRILLIC_RUSSIAN_ONLY.splitlines()
    assert by_encoding["koi8-r"]["lines"] != CYRILLIC_RUSSIAN_ONLY.splitlines()
    chosen = client.post(
        "/api/transcripts/preview",
        files={"file": ("b.txt", CYRILLIC_RUSSIAN_ONLY.encode("cp1251"), "text/plain")},
        data={"encoding": "cp1251"},
    ).json()
    assert chosen["readable"] and chosen["encoding"] == "cp1251"


def test_every_records_route_is_documented_under_its_tag(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    expected = {
        ("/api/respondents", "get"): "respondents",
        ("/api/respondents", "post"): "respondents",
        ("/api/respondents/{respondent_id}", "get"): "respondents",
        ("/api/respondents/{respondent_id}", "patch"): "respondents",
        ("/api/interviews", "get"): "interviews",
        ("/api/interviews", "post"): "interviews",
        ("/api/interviews/search", "get"): "interviews",
        ("/api/interviews/{interview_id}", "get"): "interviews",
        ("/api/interviews/{interview_id}", "patch"): "interviews",
        ("/api/interviews/{interview_id}/transcript", "put"): "interviews",
        ("/api/interviews/{interview_id}/transcript/file", "post"): "interviews",
        ("/api/transcripts/preview", "post"): "interviews",
    }
    for (path, method), tag in expected.items():
        assert paths[path][method]["tags"] == [tag], (path, method)
    assert not any(path.startswith("/respondents") for path in paths)

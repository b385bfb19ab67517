"""Respondent and interview pages: lists, entry forms with inline issues, transcripts, escaping."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from research.study import Study
from tests.research.helpers import counts

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
CYRILLIC = "Мы уехали в Москву в 1996 году.\nРаботы не было совсем.\n"
RESPONDENT_FORM: dict[str, Any] = {
    "gender": "female",
    "birth_year": "1961",
    "role": "stayed",
    "marital_status": "married",
    "household_size": "4",
    "migration_era": "after_1994",
    "departure_year": "1996",
    "destination": "Moscow, Russia",
    "occupation_before": "teacher",
    "remittances": "irregular",
    "relatives_abroad": "yes",
}
INTERVIEW_FORM: dict[str, Any] = {
    "interview_date": "2004-06-12",
    "place": "martuni",
    "interviewer": "Interviewer A",
    "language": ["hy", "ru"],
    "consent": "yes",
    "consent_scope": ["interview", "quotation"],
}


def _token(page: str) -> str:
    found = re.search(r'name="submission_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def _field(page: str, name: str) -> str:
    """The HTML of one field's block on an entry form."""
    found = re.search(rf'<div class="field[^"]*" data-field="{name}">(.*?)\n</div>', page, re.S)
    assert found is not None, name
    return found.group(1)


def _new_respondent(client: TestClient, respondent_id: str = "N01", **changes: Any) -> Any:
    token = _token(client.get("/respondents/new").text)
    form = {"respondent_id": respondent_id, "submission_token": token, **RESPONDENT_FORM, **changes}
    return client.post("/respondents", data=form, follow_redirects=False)


def _new_interview(
    client: TestClient, respondent_id: str = "N01", files: Any = None, **changes: Any
) -> Any:
    token = _token(client.get(f"/interviews/new?respondent={respondent_id}").text)
    form = {"respondent_id": respondent_id, "submission_token": token, **INTERVIEW_FORM, **changes}
    return client.post("/interviews", data=form, files=files, follow_redirects=False)


# Lists


def test_the_respondent_list_shows_labels_filters_and_search(client: TestClient) -> None:
    page = client.get("/respondents").text
    assert "23 of 23 respondents" in page
    assert "Family member who stayed" in page
    assert '<select id="filter-gender" name="gender">' in page
    assert 'href="/respondents/R01"' in page
    women = client.get("/respondents", params={"gender": "male", "q": "MOSCOW"}).text
    count = int(re.search(r"(\d+) of 23 respondents", women).group(1))  # type: ignore[union-attr]
    assert 0 < count < 23
    assert "Female" not in women.split("<tbody>")[1]


def test_a_bad_condition_is_shown_on_the_list_page(client: TestClient) -> None:
    response = client.get("/respondents", params={"where": "gendr=female"})
    assert response.status_code == 422
    assert "did you mean &#39;gender&#39;" in response.text
    response = client.get("/interviews", params={"where": "no equals sign"})
    assert response.status_code == 400
    assert "ATTRIBUTE=VALUE" in response.text


def test_the_interview_list_filters_searches_and_links_to_coding(client: TestClient) -> None:
    page = client.get("/interviews").text
    assert "26 interviews" in page
    assert 'href="/interviews/D01/code"' in page
    krasnodar = client.get("/interviews", params={"place": "krasnodar", "gender": "male"}).text
    assert "Krasnodar" in krasnodar and "Martuni</td>" not in krasnodar
    found = client.get("/interviews", params={"q": "МОСКВ"}).text
    assert "<mark>Москв</mark>" in found
    assert "whose transcript holds “МОСКВ”" in found


# Respondent entry


def test_a_hard_error_is_shown_beside_its_field_with_the_typed_values_kept(
    client: TestClient, demo_study: Study
) -> None:
    before = counts(demo_study)
    response = _new_respondent(client, birth_year="1826", occupation_before="шофёр")
    assert response.status_code == 422
    assert "1826 is below the minimum 1900" in _field(response.text, "birth_year")
    assert 'value="шофёр"' in response.text
    assert 'value="N01"' in response.text
    assert '<option value="stayed" selected>' in response.text
    assert counts(demo_study) == before


def test_the_corrected_form_is_saved_once_with_its_token(
    client: TestClient, demo_study: Study
) -> None:
    token = _token(client.get("/respondents/new").text)
    form = {"respondent_id": "N01", "submission_token": token, **RESPONDENT_FORM}
    refused = client.post("/respondents", data={**form, "birth_year": "1826"})
    assert _token(refused.text) == token
    saved = client.post("/respondents", data=form, follow_redirects=False)
    assert saved.status_code == 303
    assert saved.headers["location"] == "/respondents/N01?created=1"
    again = client.post(
        "/respondents", data={**form, "respondent_id": "N02"}, follow_redirects=False
    )
    assert again.headers["location"] == "/respondents/N01?already=1"
    assert counts(demo_study)[0] == 24
    page = client.get(again.headers["location"]).text
    assert "already been saved as respondent N01" in page
    assert 'data-clear-draft="respondent-new"' in page


def test_a_warning_is_confirmed_with_the_box(client: TestClient, demo_study: Study) -> None:
    token = _token(client.get("/respondents/new").text)
    form = {
        "respondent_id": "N01",
        "submission_token": token,
        **RESPONDENT_FORM,
        "household_size": "22",
    }
    unsure = client.post("/respondents", data=form)
    assert unsure.status_code == 422
    assert "higher than expected" in _field(unsure.text, "household_size")
    assert 'name="confirm_warnings" value="yes"' in unsure.text
    assert counts(demo_study)[0] == 23
    saved = client.post(
        "/respondents", data={**form, "confirm_warnings": "yes"}, follow_redirects=False
    )
    assert saved.status_code == 303
    assert client.get("/api/respondents/N01").json()["attributes"]["household_size"] == 22


@pytest.mark.parametrize(
    ("respondent_id", "says"),
    [("R01", "already exists"), ("", "respondent_id"), ("bad id!", "letters, digits")],
)
def test_a_refused_id_is_shown_beside_the_id_field(
    client: TestClient, demo_study: Study, respondent_id: str, says: str
) -> None:
    response = _new_respondent(client, respondent_id)
    assert response.status_code in (409, 422)
    assert says in _field(response.text, "respondent_id")
    assert counts(demo_study)[0] == 23


def test_the_respondent_page_shows_labels_and_interviews(client: TestClient) -> None:
    page = client.get("/respondents/R01").text
    assert "Family member who stayed" in page
    assert 'href="/interviews/new?respondent=R01"' in page
    assert 'href="/interviews/D01"' in page
    assert client.get("/respondents/N404").status_code == 404


def test_a_respondent_is_edited_and_a_blank_clears_a_value(client: TestClient) -> None:
    form = client.get("/respondents/R01/edit").text
    assert 'value="1963"' in form
    assert "submission_token" not in form
    refused = client.post("/respondents/R01/edit", data={**RESPONDENT_FORM, "birth_year": "1826"})
    assert refused.status_code == 422
    assert client.get("/api/respondents/R01").json()["attributes"]["birth_year"] == 1963
    saved = client.post(
        "/respondents/R01/edit",
        data={**RESPONDENT_FORM, "occupation_before": ""},
        follow_redirects=False,
    )
    assert saved.headers["location"] == "/respondents/R01?updated=1"
    attributes = client.get("/api/respondents/R01").json()["attributes"]
    assert "occupation_before" not in attributes
    assert attributes["birth_year"] == 1961


# Interview entry and transcripts


def test_an_interview_is_entered_with_pasted_text(client: TestClient, demo_study: Study) -> None:
    assert _new_respondent(client).status_code == 303
    saved = _new_interview(client, transcript_text="Первая строка\r\nSecond line")
    assert saved.status_code == 303
    assert saved.headers["location"] == "/interviews/N01-1?created=1"
    page = client.get(saved.headers["location"]).text
    assert "Interview N01-1 saved." in page
    assert "Armenian, Russian" in page and "Martuni" in page
    assert 'href="/interviews/N01-1/code"' in page
    assert "25 characters, from <strong>pasted text</strong>" in page
    assert counts(demo_study)[1] == 27


def test_interview_errors_are_shown_beside_their_fields(
    client: TestClient, demo_study: Study
) -> None:
    response = _new_interview(client, "R01", consent="no", language=[])
    assert response.status_code == 422
    assert "without consent" in _field(response.text, "consent")
    assert "required" in _field(response.text, "language")
    unknown = _new_interview(client, "N404")
    assert unknown.status_code == 422
    assert "no respondent" in _field(unknown.text, "respondent_id")
    duplicate = _new_interview(client, "R01", interview_id="D01")
    assert duplicate.status_code == 409
    assert "already exists" in _field(duplicate.text, "interview_id")
    assert counts(demo_study)[1] == 26


def test_an_undecodable_upload_is_previewed_and_saved_in_the_chosen_encoding(
    client: TestClient, demo_study: Study
) -> None:
    _new_respondent(client)
    _new_interview(client)
    data = CYRILLIC.encode("cp1251")
    refused = client.post(
        "/interviews/N01-1/transcript", files={"file": ("old.txt", data, "text/plain")}
    )
    assert refused.status_code == 422
    assert "old.txt, line 1, column 1" in refused.text
    assert '<pre class="preview" data-encoding="cp1251">Мы уехали в Москву' in refused.text
    assert 'data-encoding="koi8-r"' in refused.text
    held = re.search(r'name="upload_token" value="([^"]+)"', refused.text).group(1)  # type: ignore[union-attr]
    assert client.get("/api/interviews/N01-1").json()["has_transcript"] is False
    saved = client.post(
        "/interviews/N01-1/transcript",
        data={"upload_token": held, "encoding": "cp1251"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    stored = client.get("/api/interviews/N01-1?transcript=true").json()
    assert stored["transcript"] == CYRILLIC
    assert stored["source_name"] == "old.txt"
    page = client.get(saved.headers["location"]).text
    assert "Windows Cyrillic (cp1251)" in page
    assert 'data-clear-draft="transcript-N01-1"' in page


def test_an_interview_form_keeps_its_undecodable_upload(
    client: TestClient, demo_study: Study
) -> None:
    _new_respondent(client)
    files = {"file": ("old.txt", CYRILLIC.encode("koi8-r"), "text/plain")}
    refused = _new_interview(client, files=files)
    assert refused.status_code == 422
    assert counts(demo_study)[1] == 26
    held = re.search(r'name="upload_token" value="([^"]+)"', refused.text).group(1)  # type: ignore[union-attr]
    token = _token(refused.text)
    saved = client.post(
        "/interviews",
        data={
            "respondent_id": "N01",
            "submission_token": token,
            **INTERVIEW_FORM,
            "upload_token": held,
            "encoding": "koi8-r",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert client.get("/api/interviews/N01-1?transcript=true").json()["transcript"] == CYRILLIC


def test_an_expired_or_unknown_upload_asks_for_the_file_again(client: TestClient) -> None:
    _new_respondent(client)
    _new_interview(client)
    response = client.post(
        "/interviews/N01-1/transcript", data={"upload_token": "gone", "encoding": "cp1251"}
    )
    assert response.status_code == 422
    assert "expired; choose it again" in response.text


def test_a_transcript_form_without_anything_says_what_to_give(client: TestClient) -> None:
    _new_respondent(client)
    _new_interview(client)
    response = client.post("/interviews/N01-1/transcript", data={"transcript_text": "  "})
    assert response.status_code == 422
    assert "choose a file or paste the transcript text" in response.text


def test_a_coded_transcript_is_not_replaced_from_the_page(client: TestClient) -> None:
    before = client.get("/api/interviews/D01?transcript=true").json()["transcript"]
    page = client.get("/interviews/D01/transcript").text
    assert "cannot be replaced" in page
    response = client.post("/interviews/D01/transcript", data={"transcript_text": "new text"})
    assert response.status_code == 409
    assert "its transcript cannot be replaced" in response.text
    assert "new text</textarea>" in response.text
    assert client.get("/api/interviews/D01?transcript=true").json()["transcript"] == before


def test_the_upload_store_keeps_few_entries_and_forgets_old_ones() -> None:
    from research.web.routes.records_transcripts import UploadStore

    store = UploadStore(capacity=2, seconds=60)
    first = store.put("a.txt", b"a")
    store.put("b.txt", b"b")
    third = store.put("c.txt", b"c")
    assert store.get(first) is None
    assert store.get(third) is not None and len(store) == 2
    expired = UploadStore(capacity=2, seconds=0)
    token = expired.put("a.txt", b"a")
    assert expired.get(token) is None


# Escaping


def test_every_free_text_field_is_shown_escaped_everywhere(client: TestClient) -> None:
    for index, payload in enumerate((SCRIPT, IMAGE)):
        respondent_id = f"X{index}"
        saved = _new_respondent(
            client,
            respondent_id,
            destination=payload,
            occupation_before=payload,
            occupation_after=payload,
            refugee_origin=payload,
        )
        assert saved.status_code == 303, saved.text
        interview = _new_interview(
            client, respondent_id, interviewer=payload, transcript_text=f"Before {payload} after"
        )
        assert interview.status_code == 303, interview.text
        interview_id = f"{respondent_id}-1"
        escaped = "&lt;script&gt;alert(1)&lt;/script&gt;" if payload == SCRIPT else "&lt;img src=x"
        pages = [
            "/respondents",
            f"/respondents/{respondent_id}",
            f"/respondents/{respondent_id}/edit",
            "/interviews",
            f"/interviews/{interview_id}",
            f"/respondents?q={payload}",
            f"/interviews?q={payload}",
        ]
        for url in pages:
            html = client.get(url).text
            assert payload not in html, url
            assert "<img src=x" not in html, url
            assert escaped in html, url
        # The form shown again after a refusal escapes what was typed, too.
        refused = _new_respondent(client, respondent_id, destination=payload)
        assert payload not in refused.text and escaped in refused.text


def test_a_respondent_id_with_markup_is_refused_and_escaped(client: TestClient) -> None:
    response = _new_respondent(client, SCRIPT)
    assert response.status_code == 422
    assert SCRIPT not in response.text
    assert "&lt;script&gt;" in response.text

"""Incomplete records in the web app: the lists say what is missing, the edit form completes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from research.services import study_info
from research.study import Study

SCRIPT = "<script>alert(1)</script>"
FILLED: dict[str, Any] = {
    "interview_date": "2004-06-12",
    "place": "moscow",
    "interviewer": "Interviewer A",
    "language": ["hy", "ru"],
    "consent": "yes",
    "consent_scope": ["interview"],
}


@pytest.fixture
def bare(demo_study: Study, tmp_path: Path) -> str:
    """A transcript imported into the demo study without describing it: interview `Anush`."""
    path = tmp_path / "Ануш.txt"
    path.write_text("Мы уехали в Москву. Работы не было.\n", encoding="utf-8")
    report = demo_study.interviews.import_transcripts([path])
    return report.interviews_created[0]


def _row(page: str, interview_id: str) -> str:
    found = re.search(rf'<tr>\s*<td><a href="/interviews/{interview_id}">.*?</tr>', page, re.S)
    assert found is not None, interview_id
    return found.group(0)


def test_the_interview_list_says_which_are_incomplete_and_what_they_miss(
    client: TestClient, bare: str
) -> None:
    page = client.get("/interviews").text
    assert "27 interviews" in page
    row = _row(page, bare)
    assert "incomplete: missing Interview date, Interview place, Interviewer" in row
    assert f'href="/interviews/{bare}/edit"' in row
    assert "complete</td>" in _row(page, "D01")
    # The columns come from the study's dictionary, not from a list in the shell.
    assert '<th scope="col">Interview place</th>' in page
    assert '<th scope="col">Consent scope</th>' in page


def test_the_interview_list_can_show_only_the_incomplete_ones(
    client: TestClient, bare: str
) -> None:
    page = client.get("/interviews", params={"incomplete": "true"}).text
    assert "1 interview<" in page
    assert 'id="filter-incomplete" name="incomplete" value="true" checked' in page
    assert f'href="/interviews/{bare}"' in page and 'href="/interviews/D01"' not in page
    api = client.get("/api/interviews", params={"incomplete": "true"}).json()
    assert [(item["interview_id"], item["complete"]) for item in api] == [(bare, False)]
    assert api[0]["missing"][:2] == ["interview_date", "place"]


def test_an_empty_incomplete_filter_says_nothing_matches(client: TestClient) -> None:
    page = client.get("/interviews", params={"incomplete": "true"}).text
    assert "No interview matches." in page


def test_the_respondent_list_shows_and_filters_incomplete_respondents(
    client: TestClient, demo_study: Study, bare: str
) -> None:
    with demo_study.transaction() as session:
        dictionary = study_info.load_dictionary(session)
        attributes = [
            a.model_copy(update={"required": True}) if a.name == "gender" else a
            for a in dictionary.attributes
        ]
        study_info.store_dictionary(
            session, dictionary.model_copy(update={"attributes": attributes})
        )
    page = client.get("/respondents").text
    assert "incomplete: missing Gender" in page
    only = client.get("/respondents", params={"incomplete": "true"}).text
    assert "1 of 24 respondents" in only
    assert f'href="/respondents/{bare}"' in only
    detail = client.get(f"/respondents/{bare}").text
    assert 'id="record-incomplete"' in detail and "missing Gender" in detail


def test_the_detail_and_coding_pages_warn_that_the_record_is_held_back(
    client: TestClient, bare: str
) -> None:
    detail = client.get(f"/interviews/{bare}").text
    assert 'id="record-incomplete"' in detail
    assert "held back from analysis and quotation" in detail
    assert f'href="/interviews/{bare}/edit"' in detail
    coding = client.get(f"/interviews/{bare}/code").text
    assert 'id="record-incomplete"' in coding
    complete = client.get("/interviews/D01").text
    assert 'id="record-incomplete"' not in complete


def test_the_edit_form_completes_a_record(client: TestClient, bare: str) -> None:
    form = client.get(f"/interviews/{bare}/edit").text
    assert f'action="/interviews/{bare}/edit"' in form
    assert "submission_token" not in form and 'name="file"' not in form
    partly = client.post(
        f"/interviews/{bare}/edit", data={"place": "moscow"}, follow_redirects=False
    )
    assert partly.status_code == 303
    assert partly.headers["location"] == f"/interviews/{bare}?updated=1"
    record = client.get(f"/api/interviews/{bare}").json()
    assert record["attributes"] == {"place": "moscow"} and not record["complete"]
    done = client.post(f"/interviews/{bare}/edit", data=FILLED, follow_redirects=False)
    assert done.status_code == 303
    page = client.get(done.headers["location"]).text
    assert f"Interview {bare} updated." in page
    assert 'id="record-incomplete"' not in page
    assert client.get(f"/api/interviews/{bare}").json()["complete"] is True
    assert bare not in client.get("/interviews", params={"incomplete": "true"}).text


def test_the_edit_form_shows_issues_beside_their_fields(client: TestClient, bare: str) -> None:
    refused = client.post(f"/interviews/{bare}/edit", data={**FILLED, "consent": "no"})
    assert refused.status_code == 422
    assert "cannot be recorded without consent" in refused.text
    assert 'value="Interviewer A"' in refused.text
    assert client.get(f"/api/interviews/{bare}").json()["attributes"] == {}
    blanked = client.post("/interviews/D01/edit", data={**FILLED, "place": ""})
    assert blanked.status_code == 422
    assert "Interview place is required" in blanked.text
    assert client.get("/interviews/N404/edit").status_code == 404


def test_the_edit_form_needs_the_csrf_token(anonymous: TestClient, bare: str) -> None:
    response = anonymous.post(f"/interviews/{bare}/edit", data=FILLED)
    assert response.status_code == 403
    assert anonymous.get(f"/api/interviews/{bare}").json()["attributes"] == {}


def test_patch_completes_an_interview_and_refuses_bad_values(
    client: TestClient, bare: str
) -> None:
    changed = client.patch(f"/api/interviews/{bare}", json={"values": FILLED})
    assert changed.status_code == 200
    assert changed.json()["complete"] is True and changed.json()["missing"] == []
    refused = client.patch(f"/api/interviews/{bare}", json={"values": {"place": "mars"}})
    assert refused.status_code == 422
    assert client.patch("/api/interviews/N404", json={"values": {}}).status_code == 404
    extra = client.patch(f"/api/interviews/{bare}", json={"values": {}, "colour": "red"})
    assert extra.status_code == 422


def test_values_typed_into_the_edit_form_are_escaped(client: TestClient, bare: str) -> None:
    saved = client.post(
        f"/interviews/{bare}/edit", data={**FILLED, "interviewer": SCRIPT}, follow_redirects=False
    )
    assert saved.status_code == 303
    for url in ("/interviews", f"/interviews/{bare}", f"/interviews/{bare}/edit"):
        html = client.get(url).text
        assert SCRIPT not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url


def test_retrieval_holds_segments_of_incomplete_interviews_back(
    client: TestClient, demo_study: Study, bare: str
) -> None:
    demo_study.codings.code_quote(
        interview_id=bare, code="unemployment", quote="Работы не было", coder="ani"
    )
    page = client.get("/retrieval", params={"code": "unemployment"}).text
    assert 'id="held-back"' in page and "1 segment of incomplete interviews" in page
    assert "Работы не было" not in page
    exported = client.get("/retrieval.csv", params={"code": "unemployment"}).text
    assert "Работы не было" not in exported and bare not in exported
    other = client.get("/retrieval", params={"code": "poverty_ruin"}).text
    assert 'id="held-back"' not in other

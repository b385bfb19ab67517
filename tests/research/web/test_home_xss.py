"""Hostile text in coder names, code names and titles, and attribute values shows inert on home."""

from __future__ import annotations

from fastapi.testclient import TestClient

from codebook import operations
from interviews.dictionary import Choice
from research.services import study_info
from research.study import Study

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
ESCAPED_BREAKOUT = "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"


def add_hostile_data(study: Study) -> None:
    """Hostile text through the services: a code's name and title, coders, an attribute value."""
    study.codebooks.run_operation(operations.rename_code, "clan", BREAKOUT, changed_by=SCRIPT)
    study.codebooks.run_operation(operations.update_code, "clan", title=SCRIPT, changed_by=BREAKOUT)
    for coder, interview_id in ((SCRIPT, "D03"), (BREAKOUT, "D04")):
        study.codings.add_coding(
            interview_id=interview_id, code="clan", start_offset=0, end_offset=50, coder=coder
        )
    with study.transaction() as session:
        dictionary = study_info.load_dictionary(session)
        gender = dictionary.attribute("gender")
        gender.choices.append(Choice(value=SCRIPT, label=BREAKOUT))
        study_info.store_dictionary(session, dictionary)
    study.respondents.update_respondent("R03", {"gender": SCRIPT})


def assert_inert(html: str) -> None:
    """Only the escaped forms of the hostile text are on the page."""
    assert SCRIPT not in html
    assert "<img src=x" not in html
    assert "onerror=alert(1)>" not in html.replace(ESCAPED_BREAKOUT, "")


def test_home_shows_hostile_names_escaped(client: TestClient, demo_study: Study) -> None:
    add_hostile_data(demo_study)
    html = client.get("/").text
    assert_inert(html)
    latest = html[html.index('id="latest-codings"') :]
    # Both hostile coders, the hostile code path, in the latest codings and per coder.
    assert f"<strong>{ESCAPED_BREAKOUT}</strong>" in latest
    assert f"<strong>{ESCAPED_SCRIPT}</strong>" in latest
    assert f"<code>{ESCAPED_BREAKOUT}</code>" in latest
    assert f"<td>{ESCAPED_SCRIPT}</td>" in html
    # The codebook changes name their hostile authors.
    assert f"by {ESCAPED_SCRIPT}" in html and f"by {ESCAPED_BREAKOUT}" in html


def test_activity_api_returns_hostile_text_as_data(client: TestClient, demo_study: Study) -> None:
    add_hostile_data(demo_study)
    items = client.get("/api/activity", params={"limit": 4}).json()
    assert {item["who"] for item in items if item["kind"] == "coding"} == {SCRIPT, BREAKOUT}
    assert any(item["code_path"] == BREAKOUT for item in items)

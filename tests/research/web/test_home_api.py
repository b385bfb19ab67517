"""The home page and its JSON: counts, recent activity, where to start coding."""

from __future__ import annotations

from fastapi.testclient import TestClient

from research.study import Study
from tests.research.helpers import counts


def add_coding_through_api(client: TestClient, study: Study, interview_id: str = "D07") -> dict:
    """A coding by 'ani' of the first 40 characters of an interview, posted to the API."""
    text = study.interviews.get_interview(interview_id).transcript
    response = client.post(
        "/api/codings",
        json={
            "interview_id": interview_id,
            "code": "motives/economy/unemployment",
            "start": 0,
            "end": 40,
            "unit": "code_point",
            "quote": text[:40],
        },
    )
    assert response.status_code == 201, response.text
    created: dict = response.json()
    return created


def test_home_shows_counts_codebook_and_coders(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    html = page.text
    assert 'id="count-respondents">23<' in html
    assert 'id="count-interviews">26<' in html
    assert 'id="count-codings">872<' in html
    assert "Migration from Nagorno Karabakh</a>, version 1" in html
    assert '<td>lusine</td><td class="number">424</td>' in html
    assert '<td>pavel</td><td class="number">448</td>' in html


def test_home_offers_interviews_to_code_with_the_coders_own_counts(
    client: TestClient, demo_study: Study
) -> None:
    add_coding_through_api(client, demo_study, "D11")
    html = client.get("/").text
    body = html[html.index('id="coding-progress"') :]
    body = body[body.index("<tbody>") :]
    first_row = body[: body.index("</tr>")]
    assert 'href="/interviews/D11/code"' in first_row
    assert '<td class="number">1</td>' in first_row
    assert "Interviews you (ani) coded most recently come first." in html


def test_home_before_a_coder_is_chosen_asks_for_one(anonymous: TestClient) -> None:
    html = anonymous.get("/").text
    assert "Choose your coder name</a> to see your own codings" in html


def test_summary_api(client: TestClient) -> None:
    summary = client.get("/api/summary").json()
    assert summary["respondents"] == 23
    assert summary["interviews"] == 26
    assert summary["transcripts"] == 26
    # Both coders' own layers and the consensus copied from lusine's.
    assert summary["codings"] == 872 + 424
    assert summary["codings_per_coder"] == {"lusine": 424, "pavel": 448}
    assert summary["consensus_codings"] == 424
    assert summary["passes_per_coder"] == {"lusine": 26, "pavel": 26}
    assert summary["codebook_version"] == 1
    assert summary["fictional"] is True


def test_activity_api_lists_newest_first_and_filters_by_kind(client: TestClient) -> None:
    items = client.get("/api/activity").json()
    assert len(items) == 20
    assert [item["when"] for item in items] == sorted(
        (item["when"] for item in items), reverse=True
    )
    assert set(items[0]) == {
        "kind",
        "when",
        "who",
        "what",
        "link",
        "quote",
        "interview_id",
        "code_path",
    }
    codings = client.get("/api/activity", params={"kind": "coding", "limit": 3}).json()
    assert [item["kind"] for item in codings] == ["coding"] * 3
    assert all(item["who"] in {"lusine", "pavel"} and item["quote"] for item in codings)
    both = client.get("/api/activity", params=[("kind", "respondent"), ("kind", "interview")])
    assert {item["kind"] for item in both.json()} == {"respondent", "interview"}


def test_a_coding_added_through_the_api_is_the_latest_activity(
    client: TestClient, demo_study: Study
) -> None:
    created = add_coding_through_api(client, demo_study)
    [latest] = client.get("/api/activity", params={"limit": 1}).json()
    assert latest["kind"] == "coding"
    assert latest["who"] == "ani"
    assert latest["interview_id"] == "D07"
    assert latest["code_path"] == "motives/economy/unemployment"
    assert latest["quote"] == " ".join(created["quote"].split())
    html = client.get("/").text
    latest_codings = html[html.index('id="latest-codings"') :]
    assert latest_codings.index("<strong>ani</strong>") < latest_codings.index("</li>")


def test_activity_api_refuses_bad_limits_and_kinds_and_changes_nothing(
    client: TestClient, demo_study: Study
) -> None:
    before = counts(demo_study)
    for params in ({"limit": 0}, {"limit": 201}, {"limit": "many"}, {"kind": "bogus"}):
        response = client.get("/api/activity", params=params)
        assert response.status_code == 422, params
        assert response.json()["detail"]
    assert counts(demo_study) == before


def test_home_routes_are_documented_under_study(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()
    assert schema["paths"]["/api/activity"]["get"]["tags"] == ["study"]
    assert schema["paths"]["/api/summary"]["get"]["tags"] == ["study"]
    assert "/" not in schema["paths"]

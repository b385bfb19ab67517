"""The codebook JSON API: every route, its answers, and refusals that change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from research.services import codebooks, codings
from research.study import Study
from tests.research.web.conftest import BASE_URL

SOURCE = "motives/economy/war_destruction"
TARGET = "motives/economy/poverty_ruin"


def state(study: Study) -> tuple[Any, ...]:
    """The stored codebook and codings, to compare before and after a refused request."""
    with study.transaction() as session:
        book = codebooks.load_codebook(session)
        stored = [(c.coding_id, c.code_id, c.memo) for c in codings.list_codings(session)]
        return book.model_dump(), stored, len(codebooks.history(session))


def by_path(client: TestClient, path: str) -> dict[str, Any]:
    [code] = [c for c in client.get("/api/codebook").json()["codes"] if c["path"] == path]
    return code


def test_get_codebook_lists_codes_in_tree_order_with_counts(client: TestClient) -> None:
    body = client.get("/api/codebook").json()
    assert body["name"] and body["version"] >= 1
    paths = [code["path"] for code in body["codes"]]
    assert paths.index("motives") < paths.index("motives/economy") < paths.index(TARGET)
    economy = by_path(client, "motives/economy")
    assert economy["group_only"] and economy["codings"] == 0
    children = [c for c in body["codes"] if c["parent_id"] == "economy"]
    assert economy["codings_with_descendants"] == sum(c["codings"] for c in children) > 0
    source = by_path(client, SOURCE)
    assert source["codings"] == 24 and source["applicable"]
    assert source["shown_colour"] == "#0072B2" and source["definition"]


def test_get_one_code_by_id_or_path(client: TestClient) -> None:
    by_id = client.get("/api/codebook/codes/poverty_ruin").json()
    assert by_id == client.get(f"/api/codebook/codes/{TARGET}").json()
    assert by_id["path"] == TARGET
    missing = client.get("/api/codebook/codes/motives/nowhere")
    assert missing.status_code == 404
    assert "motives/nowhere" in missing.json()["detail"]


def test_merge_moves_codings_and_records_the_coder(client: TestClient, demo_study: Study) -> None:
    before = by_path(client, TARGET)["codings"]
    response = client.post(f"/api/codebook/codes/{SOURCE}/merge", json={"target": TARGET})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["kind"] == "merge" and body["codings_moved"] == 24
    assert body["description"] == f"merged '{SOURCE}' into '{TARGET}'"
    assert body["code"]["path"] == TARGET and body["code"]["codings"] == before + 24
    assert SOURCE not in [c["path"] for c in client.get("/api/codebook").json()["codes"]]
    [last] = client.get("/api/codebook/history").json()[-1:]
    assert last["changed_by"] == "ani" and last["codings_moved"] == 24
    assert len(demo_study.codings.list_codings(code=TARGET)) == before + 24


def test_add_update_rename_move_retire(client: TestClient) -> None:
    added = client.post(
        "/api/codebook/codes",
        json={
            "name": "housing",
            "parent": "motives/economy",
            "title": "Housing",
            "definition": "No place to live.",
            "examples": ["our house burned"],
        },
    )
    assert added.status_code == 201, added.text
    assert added.json()["code"]["path"] == "motives/economy/housing"
    assert added.json()["description"] == "added 'motives/economy/housing'"
    assert added.json()["codings_moved"] == 0

    updated = client.patch(
        "/api/codebook/codes/housing", json={"inclusion": "Homes lost.", "colour": "#aa0000"}
    )
    assert updated.status_code == 200, updated.text
    code = updated.json()["code"]
    assert code["inclusion"] == "Homes lost." and code["colour"] == "#AA0000"
    assert code["definition"] == "No place to live."  # fields left out stay

    renamed = client.post(
        "/api/codebook/codes/motives/economy/housing/rename", json={"name": "shelter"}
    )
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["code"]["path"] == "motives/economy/shelter"
    assert renamed.json()["code"]["code_id"] == "housing"

    moved = client.post("/api/codebook/codes/housing/move", json={"parent": None})
    assert moved.json()["code"]["path"] == "shelter"
    moved = client.post("/api/codebook/codes/housing/move", json={"parent": "patterns"})
    assert moved.json()["code"]["path"] == "patterns/shelter"

    retired = client.post("/api/codebook/codes/clan/retire")
    assert retired.status_code == 200
    assert retired.json()["code"]["retired"] and not retired.json()["code"]["applicable"]
    assert retired.json()["code"]["codings"] == 26  # codings stay (both coders and the consensus)
    kinds = [change["kind"] for change in client.get("/api/codebook/history").json()]
    assert kinds == ["add", "update", "rename", "move", "move", "retire"]


REFUSED: list[tuple[str, str, Any, int, str]] = [
    ("post", "/api/codebook/codes/nothing_here/merge", {"target": TARGET}, 404, "nothing_here"),
    ("post", f"/api/codebook/codes/{SOURCE}/merge", {"target": SOURCE}, 422, "into itself"),
    ("post", f"/api/codebook/codes/{SOURCE}/merge", {"target": "no/such"}, 422, "no/such"),
    ("post", "/api/codebook/codes/motives/economy/merge", {"target": TARGET}, 422, "descendant"),
    ("post", f"/api/codebook/codes/{SOURCE}/merge", {"target": "motives"}, 422, "grouping"),
    ("post", f"/api/codebook/codes/{SOURCE}/merge", {}, 422, "target"),
    ("post", f"/api/codebook/codes/{SOURCE}/merge", {"target": TARGET, "x": 1}, 422, "extra"),
    ("post", f"/api/codebook/codes/{SOURCE}/rename", {"name": "poverty_ruin"}, 422, "already"),
    ("post", f"/api/codebook/codes/{SOURCE}/rename", {"name": "a/b"}, 422, "separates"),
    ("post", f"/api/codebook/codes/{SOURCE}/rename", {"name": ""}, 422, "name"),
    ("post", f"/api/codebook/codes/{SOURCE}/rename", {"title": "x"}, 422, "name"),
    ("post", "/api/codebook/codes/nothing_here/rename", {"name": "x"}, 404, "nothing_here"),
    ("post", "/api/codebook/codes/motives/move", {"parent": "motives/economy"}, 422, "itself"),
    ("post", f"/api/codebook/codes/{SOURCE}/move", {"parent": "motives/economy"}, 422, "already"),
    ("post", f"/api/codebook/codes/{SOURCE}/move", {}, 422, "parent"),
    ("post", "/api/codebook/codes/nothing_here/retire", None, 404, "nothing_here"),
    ("patch", f"/api/codebook/codes/{SOURCE}", {}, 422, "nothing to update"),
    ("patch", f"/api/codebook/codes/{SOURCE}", {"name": "x"}, 422, "extra"),
    ("patch", f"/api/codebook/codes/{SOURCE}", {"colour": "red"}, 422, "colour"),
    ("patch", f"/api/codebook/codes/{SOURCE}", {"definition": None}, 422, "string"),
    ("patch", f"/api/codebook/codes/{SOURCE}", {"examples": "one text"}, 422, "list"),
    ("patch", "/api/codebook/codes/nothing_here", {"memo": "x"}, 404, "nothing_here"),
    ("post", "/api/codebook/codes", {"parent": "motives"}, 422, "name"),
    ("post", "/api/codebook/codes", {"name": "economy", "parent": "motives"}, 422, "already"),
    ("post", "/api/codebook/codes", {"name": "x", "parent": "no/such"}, 422, "no/such"),
    ("post", "/api/codebook/codes", {"name": "x", "group_only": "yes"}, 422, "bool"),
    ("post", "/api/codebook/codes", {"name": "x", "colour": "#12"}, 422, "colour"),
    ("post", "/api/codebook/codes", {"name": "x", "code_id": "Bad Id"}, 422, "code id"),
    ("post", "/api/codebook/codes", {"name": "x", "surprise": True}, 422, "extra"),
]


@pytest.mark.parametrize(("method", "url", "body", "status", "words"), REFUSED)
def test_refused_requests_say_why_and_change_nothing(
    client: TestClient,
    demo_study: Study,
    method: str,
    url: str,
    body: Any,
    status: int,
    words: str,
) -> None:
    before = state(demo_study)
    response = client.request(method, url, json=body)
    assert response.status_code == status, response.text
    assert words.lower() in response.text.lower()
    assert state(demo_study) == before


def test_retiring_twice_is_refused_the_second_time(client: TestClient, demo_study: Study) -> None:
    assert client.post("/api/codebook/codes/clan/retire").status_code == 200
    before = state(demo_study)
    again = client.post("/api/codebook/codes/clan/retire")
    assert again.status_code == 422 and "already retired" in again.json()["detail"]
    merge = client.post(f"/api/codebook/codes/{SOURCE}/merge", json={"target": "clan"})
    assert merge.status_code == 422 and "retired" in merge.json()["detail"]
    assert state(demo_study) == before


def test_writes_need_a_chosen_coder(app: Any, demo_study: Study) -> None:
    with TestClient(app, base_url=BASE_URL) as anonymous:
        token = anonymous.get("/api/session").json()["csrf_token"]
        before = state(demo_study)
        response = anonymous.post(
            f"/api/codebook/codes/{SOURCE}/retire", headers={"X-CSRF-Token": token}
        )
        assert response.status_code == 400
        assert "coder name" in response.json()["detail"]
        assert state(demo_study) == before


def test_history_lists_changes_oldest_first(client: TestClient) -> None:
    assert client.get("/api/codebook/history").json() == []
    client.post("/api/codebook/codes/clan/retire").raise_for_status()
    client.post(f"/api/codebook/codes/{SOURCE}/merge", json={"target": TARGET}).raise_for_status()
    history = client.get("/api/codebook/history").json()
    assert [(h["kind"], h["codings_moved"], h["changed_by"]) for h in history] == [
        ("retire", 0, "ani"),
        ("merge", 24, "ani"),
    ]
    assert history[1]["code_id_map"] == {"war_destruction": "poverty_ruin"}


def test_every_codebook_route_is_documented_under_its_tag(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()
    tagged = {
        (method, path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "codebook" in operation.get("tags", [])
    }
    assert {
        ("get", "/api/codebook"),
        ("get", "/api/codebook/history"),
        ("get", "/api/codebook/codes/{code}"),
        ("post", "/api/codebook/codes"),
        ("patch", "/api/codebook/codes/{code}"),
        ("post", "/api/codebook/codes/{code}/rename"),
        ("post", "/api/codebook/codes/{code}/move"),
        ("post", "/api/codebook/codes/{code}/merge"),
        ("post", "/api/codebook/codes/{code}/retire"),
    } <= tagged
    assert not any(path.startswith("/codebook") for path in schema["paths"])

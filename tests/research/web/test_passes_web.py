"""Completed passes on the web: the JSON route, and the "coded: done" box of the coding view."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect

from research.study import Study
from tests.research.web.conftest import screenshot


def test_the_pass_route_marks_lists_and_reopens(client: TestClient, demo_study: Study) -> None:
    url = "/api/interviews/D03/pass"
    assert client.get(url).json() == {
        "interview_id": "D03",
        "coder": "ani",
        "done": False,
        "completed_at": None,
    }
    marked = client.put(url)
    assert marked.status_code == 200, marked.text
    assert marked.json()["done"] and marked.json()["completed_at"]
    assert demo_study.passes.is_done("D03", "ani")
    assert client.get(url).json()["done"]
    reopened = client.delete(url)
    assert reopened.status_code == 200 and reopened.json()["done"] is False
    assert not demo_study.passes.is_done("D03", "ani")


def test_the_pass_route_needs_the_csrf_token_and_a_known_interview(
    client: TestClient, anonymous: TestClient, demo_study: Study
) -> None:
    refused = anonymous.put("/api/interviews/D03/pass")
    assert refused.status_code == 403
    assert not demo_study.passes.is_done("D03", "ani")
    missing = client.put("/api/interviews/NOPE/pass")
    assert missing.status_code == 404
    assert "no interview 'NOPE'" in missing.json()["detail"]


def test_the_coding_view_edits_no_consensus_coding(client: TestClient, demo_study: Study) -> None:
    [consensus, *_] = demo_study.codings.list_codings(interview_id="D03", layer="consensus")
    refused = client.delete(f"/api/codings/{consensus.coding_id}")
    assert refused.status_code == 403
    assert "consensus layer" in refused.json()["detail"]
    listed = client.get("/api/interviews/D03/codings", params={"layer": "consensus"}).json()
    assert {item["layer"] for item in listed} == {"consensus"}


@pytest.mark.browser
def test_a_coder_ticks_coded_done_in_the_coding_view(page: Any, demo_study: Study) -> None:
    page.goto("/interviews/D03/code")
    page.wait_for_selector("#transcript[data-ready='yes']")
    box = page.locator("#pass-done")
    expect(box).not_to_be_checked()
    box.check()
    expect(page.locator("#status")).to_have_text("Marked D03 coded.")
    expect(page.locator("#pass-note")).to_contain_text("a code you did not apply counts as absent")
    screenshot(page, "coding-pass-done")
    assert demo_study.passes.is_done("D03", "ani")
    page.reload()
    page.wait_for_selector("#transcript[data-ready='yes']")
    expect(page.locator("#pass-done")).to_be_checked()
    page.locator("#pass-done").uncheck()
    expect(page.locator("#status")).to_have_text("Reopened D03.")
    assert not demo_study.passes.is_done("D03", "ani")

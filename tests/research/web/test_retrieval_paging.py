"""Retrieval a page at a time: the JSON API's cursor, the page's next link, the whole CSV."""

from __future__ import annotations

import csv
import io
import re
from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient

from research.study import Study

CODE = "economy"


def _pages(client: TestClient, query: str) -> list[dict[str, Any]]:
    """Every page of an API retrieval, following next_cursor."""
    pages = [client.get(f"/api/retrieval?{query}").json()]
    while pages[-1]["next_cursor"] is not None:
        cursor = quote(pages[-1]["next_cursor"])
        pages.append(client.get(f"/api/retrieval?{query}&cursor={cursor}").json())
    return pages


def test_the_api_pages_through_every_segment_in_order(
    client: TestClient, demo_study: Study
) -> None:
    expected = [c.coding_id for c in demo_study.codings.list_codings(code=CODE)]
    assert len(expected) > 10
    pages = _pages(client, f"code={CODE}&limit=4")
    got = [segment["coding_id"] for page in pages for segment in page["segments"]]
    assert got == expected
    assert [len(page["segments"]) for page in pages[:-1]] == [4] * (len(pages) - 1)
    assert 1 <= len(pages[-1]["segments"]) <= 4
    # The counts are of every page, on every page.
    assert {page["counts"]["segments"] for page in pages} == {len(expected)}


def test_the_api_default_page_is_100_and_a_page_holds_at_most_1000(
    client: TestClient, demo_study: Study
) -> None:
    every = demo_study.codings.list_codings(code="motives")
    body = client.get("/api/retrieval?code=motives").json()
    assert len(body["segments"]) == min(100, len(every))
    assert (body["next_cursor"] is None) == (len(every) <= 100)
    assert client.get("/api/retrieval?code=motives&limit=1001").status_code == 422
    assert client.get("/api/retrieval?code=motives&limit=0").status_code == 422


def test_a_page_is_stable_while_someone_codes(client: TestClient, demo_study: Study) -> None:
    first = client.get(f"/api/retrieval?code={CODE}&limit=5").json()
    listed = demo_study.codings.list_codings(code=CODE)
    earliest = listed[0]
    # A new coding that sorts before the cursor: it must not push a row into page 2 twice.
    demo_study.codings.add_coding(
        interview_id=earliest.interview_id,
        code="unemployment",
        start_offset=0,
        end_offset=1,
        coder="newcomer",
    )
    cursor = quote(first["next_cursor"])
    second = client.get(f"/api/retrieval?code={CODE}&limit=5&cursor={cursor}").json()
    assert [s["coding_id"] for s in second["segments"]] == [c.coding_id for c in listed[5:10]]
    assert second["counts"]["segments"] == len(listed) + 1


def test_a_filter_matching_nothing_and_a_bad_cursor(client: TestClient) -> None:
    body = client.get(f"/api/retrieval?code={CODE}&coder=nobody").json()
    assert body["segments"] == [] and body["next_cursor"] is None
    assert body["counts"] == {"segments": 0, "interviews": 0, "respondents": 0}
    refused = client.get(f"/api/retrieval?code={CODE}&cursor=garbage")
    assert refused.status_code == 400 and "not one a listing gave" in refused.json()["detail"]


def test_the_page_links_to_the_next_page_and_the_csv_holds_every_segment(
    client: TestClient, demo_study: Study
) -> None:
    expected = [c.coding_id for c in demo_study.codings.list_codings(code="motives")]
    assert len(expected) > 100
    html = client.get("/retrieval?code=motives").text
    shown = [int(n) for n in re.findall(r'<article class="segment" id="segment-(\d+)"', html)]
    assert shown == expected[:100]
    [link] = re.findall(r'<a href="/retrieval\?([^"]+)" rel="next">', html)
    following = client.get("/retrieval?" + link.replace("&amp;", "&")).text
    more = [int(n) for n in re.findall(r'<article class="segment" id="segment-(\d+)"', following)]
    assert more == expected[100:200]
    assert 'href="/retrieval.csv?code=motives&amp;' in following
    assert "cursor=" not in re.findall(r'href="/retrieval\.csv\?([^"]+)"', following)[0]
    text = client.get("/retrieval.csv?code=motives").text.removeprefix("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [int(row["coding_id"]) for row in rows] == expected

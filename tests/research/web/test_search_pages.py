"""Search: the page of hits in context, its paging and filters, the JSON API, hostile text."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from fastapi.testclient import TestClient

from research.study import Study
from tests.research.helpers import add_interview_with_text
from tests.research.web.test_home_xss import ESCAPED_SCRIPT, SCRIPT, assert_inert


def hit_places(html: str) -> list[tuple[str, int]]:
    found = re.findall(r'data-interview-id="([^"]+)" data-start-offset="(\d+)"', html)
    return [(interview_id, int(start)) for interview_id, start in found]


def test_the_page_shows_each_hit_in_context_with_its_codes(
    client: TestClient, demo_study: Study
) -> None:
    expected = demo_study.transcript_search.search_transcripts("no work")
    html = client.get("/search", params={"q": "no work"}).text
    assert hit_places(html) == [(hit.interview_id, hit.start_offset) for hit in expected.hits]
    first = expected.hits[0]
    assert f'href="/interviews/{first.interview_id}"' in html
    assert f"Respondent {first.respondent_id}" in html
    assert f"<code>{first.codes[0]}</code>" in html
    context = f"{first.before}<mark>{first.match}</mark>{first.after}"
    assert context in unescape(html)
    assert f"<strong>{expected.interviews}</strong> interviews hold “no work”" in html
    assert 'aria-current="page"' in html[html.index('href="/search"') - 40 :]


def test_pages_link_to_the_next_and_previous_hits(client: TestClient, demo_study: Study) -> None:
    add_interview_with_text(demo_study, " ".join(["Арарат"] * 45), respondent_id="R01")
    first = client.get("/search", params={"q": "арарат"}).text
    assert len(hit_places(first)) == 20
    assert 'href="/search?q=%D0%B0%D1%80%D0%B0%D1%80%D0%B0%D1%82&amp;offset=20" rel="next"' in first
    last = client.get("/search", params={"q": "арарат", "offset": 40}).text
    assert len(hit_places(last)) == 5
    assert 'rel="next"' not in last and "offset=20" in last and 'rel="prev"' in last


def test_filters_narrow_the_hits(client: TestClient, demo_study: Study) -> None:
    expected = demo_study.transcript_search.search_transcripts("no work", where=["gender=female"])
    assert expected.hits  # the filter is tried on real rows
    html = client.get("/search", params={"q": "no work", "gender": "female"}).text
    assert hit_places(html) == [(hit.interview_id, hit.start_offset) for hit in expected.hits]
    assert '<option value="female" selected>' in html


def test_nothing_found_says_so(client: TestClient) -> None:
    html = client.get("/search", params={"q": "Zanzibar"}).text
    assert "<strong>0</strong> interviews hold “Zanzibar”" in html
    assert "Nothing found" in html


def test_incomplete_interviews_are_held_back_unless_ticked(
    client: TestClient, demo_study: Study, tmp_path: Path
) -> None:
    (tmp_path / "anna.txt").write_text("Anna spoke of Zanzibar.", encoding="utf-8")
    demo_study.interviews.import_transcripts([tmp_path / "anna.txt"])
    held = client.get("/search", params={"q": "Zanzibar"}).text
    assert hit_places(held) == []
    assert "1 incomplete interview with hits held back" in held
    shown = client.get("/search", params={"q": "Zanzibar", "include_incomplete": "true"}).text
    assert hit_places(shown) == [("anna", 14)]
    assert '<span class="badge retired">incomplete</span>' in shown
    assert "not for quotation" in shown


def test_a_query_without_words_is_refused_on_the_page(client: TestClient) -> None:
    response = client.get("/search", params={"q": "«»"})
    assert response.status_code == 400
    assert (
        "“«»” holds no word to search for: the index holds words of letters and digits, "
        "not punctuation, symbols or emoji"
    ) in response.text


def test_hostile_transcript_text_and_queries_stay_inert(
    client: TestClient, demo_study: Study
) -> None:
    add_interview_with_text(demo_study, f"He wrote {SCRIPT} on the wall.", respondent_id="R01")
    html = client.get("/search", params={"q": "alert"}).text
    assert_inert(html)
    assert "He wrote &lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt; on" in html
    echoed = client.get("/search", params={"q": SCRIPT}).text
    assert_inert(echoed)
    assert f'value="{ESCAPED_SCRIPT}"' in echoed


def test_the_api_returns_a_page_of_hits(client: TestClient, demo_study: Study) -> None:
    expected = demo_study.transcript_search.search_transcripts("no work", limit=3, offset=1)
    body = client.get("/api/search", params={"q": "no work", "limit": 3, "offset": 1}).json()
    assert body == expected.model_dump(mode="json")
    assert body["more"] and len(body["hits"]) == 3


def test_the_api_refuses_bad_input_clearly(client: TestClient) -> None:
    assert client.get("/api/search", params={"q": "😀"}).json() == {
        "detail": "“😀” holds no word to search for: the index holds words of letters and "
        "digits, not punctuation, symbols or emoji"
    }
    assert client.get("/api/search", params={"q": "  "}).json() == {
        "detail": "type a word or phrase to search the transcripts for"
    }
    assert client.get("/api/search", params={"q": "work", "limit": 0}).status_code == 422
    refused = client.get("/api/search", params={"q": "work", "where": "planet=mars"})
    assert refused.status_code in (400, 422) and "planet" in refused.json()["detail"]


def test_the_api_is_documented_under_search(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    assert paths["/api/search"]["get"]["tags"] == ["search"]
    assert "/search" not in paths

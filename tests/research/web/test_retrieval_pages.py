"""Retrieval: the page, its CSV download and the JSON API, with filters and refusals."""

from __future__ import annotations

import csv
import io
import re

import pytest
from fastapi.testclient import TestClient

from research.study import Study
from tests.research.helpers import counts

TARGET = "motives/economy/poverty_ruin"


def segment_ids(html: str) -> list[int]:
    found = re.findall(r'<article class="segment" id="segment-(\d+)"', html)
    return [int(coding_id) for coding_id in found]


def test_the_page_lists_every_segment_with_context_and_links(
    client: TestClient, demo_study: Study
) -> None:
    expected = demo_study.codings.list_codings(code=TARGET)
    html = client.get(f"/retrieval?code={TARGET}").text
    assert segment_ids(html) == [coding.coding_id for coding in expected]
    first = expected[0]
    assert f'href="/interviews/{first.interview_id}/code#coding-{first.coding_id}"' in html
    assert f"Respondent {first.respondent_id}" in html and f"Coder {first.coder}" in html
    assert f"<mark>{first.quote}</mark>" in html.replace("&#39;", "'")
    interviews = {c.interview_id for c in expected}
    respondents = {c.respondent_id for c in expected}
    assert (
        f"<strong>{len(expected)}</strong> segments in <strong>{len(interviews)}</strong> "
        f"interviews from <strong>{len(respondents)}</strong> respondents" in html
    )
    definition = client.get("/api/codebook/codes/poverty_ruin").json()["definition"]
    assert definition.replace("'", "&#39;") in html
    assert 'href="/retrieval.csv?code=motives/economy/poverty_ruin"' in html


def test_a_grouping_code_includes_its_children_and_names_them(client: TestClient) -> None:
    html = client.get("/retrieval?code=economy").text
    assert len(segment_ids(html)) == 100
    assert "<code>motives/economy/war_destruction</code>" in html


def test_filters_by_coder_and_attribute(client: TestClient, demo_study: Study) -> None:
    by_pavel = demo_study.codings.list_codings(code=TARGET, coder="pavel", where=["gender=male"])
    assert by_pavel  # the demo has such segments, so the filter is tested on real rows
    html = client.get(
        f"/retrieval?code={TARGET}&coder=pavel&where=gender=male&where=place=&context=50"
    ).text
    assert segment_ids(html) == [coding.coding_id for coding in by_pavel]
    assert '<option value="pavel" selected>' in html
    assert '<option value="gender=male" selected>' in html
    assert '<option value="50" selected>' in html
    assert "Coder lusine" not in html


def test_the_page_without_a_code_offers_every_code(client: TestClient) -> None:
    html = client.get("/retrieval").text
    assert 'href="/retrieval?code=war_destruction"' in html
    assert "(choose a code)" in html
    assert '<select id="filter-gender" name="where">' in html


def test_refused_queries_show_the_problem(client: TestClient) -> None:
    response = client.get("/retrieval?code=nothing_here")
    assert response.status_code == 404 and "nothing_here" in response.text
    response = client.get(f"/retrieval?code={TARGET}&where=hat=red")
    assert response.status_code == 422 and "unknown attribute" in response.text
    response = client.get(f"/retrieval?code={TARGET}&context=-5")
    assert response.status_code == 400 and "context of -5" in response.text


def test_the_csv_holds_the_same_rows(client: TestClient, demo_study: Study) -> None:
    response = client.get(f"/retrieval.csv?code={TARGET}&coder=lusine&context=30")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "retrieval-poverty_ruin.csv" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text.removeprefix("\ufeff"))))
    expected = demo_study.codings.list_codings(code=TARGET, coder="lusine")
    assert [int(row["coding_id"]) for row in rows] == [c.coding_id for c in expected]
    assert rows[0]["quote"] == expected[0].quote
    assert len(rows[0]["before"]) <= 30 and len(rows[0]["after"]) <= 30
    assert client.get("/retrieval.csv?code=nothing_here").status_code == 404


# A memo holds no carriage return (a control character), so that trigger cannot occur.
@pytest.mark.parametrize("first", ["=", "+", "-", "@", "\t", "\uff1d", "\uff20"])
def test_the_csv_defuses_spreadsheet_formulas(
    client: TestClient, demo_study: Study, first: str
) -> None:
    [coding] = demo_study.codings.list_codings(code=TARGET)[:1]
    demo_study.codings.update_coding(coding.coding_id, memo=first + 'HYPERLINK("x")')
    text = client.get(f"/retrieval.csv?code={TARGET}").text.removeprefix("\ufeff")
    rows = csv.DictReader(io.StringIO(text, newline=""))
    [row] = [row for row in rows if row["coding_id"] == str(coding.coding_id)]
    assert row["memo"] == "'" + first + 'HYPERLINK("x")'
    assert row["start_offset"] == str(coding.start_offset)


def test_the_api_answers_with_code_counts_and_segments(
    client: TestClient, demo_study: Study
) -> None:
    before = counts(demo_study)
    body = client.get(f"/api/retrieval?code={TARGET}&where=place=moscow&context=80").json()
    expected = demo_study.codings.list_codings(code=TARGET, where=["place=moscow"])
    assert body["code"]["path"] == TARGET
    assert body["counts"]["segments"] == len(expected) > 0
    assert body["counts"]["interviews"] == len({c.interview_id for c in expected})
    segment = body["segments"][0]
    assert segment["quote"] == expected[0].quote
    assert {"before", "after", "text_before_omitted", "text_after_omitted"} <= set(segment)
    assert client.get("/api/retrieval?code=nothing_here").status_code == 404
    assert client.get("/api/retrieval").status_code == 422
    assert client.get(f"/api/retrieval?code={TARGET}&context=-1").status_code == 422
    refused = client.get(f"/api/retrieval?code={TARGET}&where=hat=red")
    assert refused.status_code == 422 and "unknown attribute" in refused.json()["detail"]
    assert counts(demo_study) == before
    schema = client.get("/api/openapi.json").json()
    assert schema["paths"]["/api/retrieval"]["get"]["tags"] == ["retrieval"]

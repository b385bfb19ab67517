"""Hostile coder names, code names and titles, and attribute values show inert on the dashboard."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.testclient import TestClient

from research.study import Study
from tests.research.web.test_home_xss import (
    BREAKOUT,
    ESCAPED_BREAKOUT,
    ESCAPED_SCRIPT,
    SCRIPT,
    add_hostile_data,
    assert_inert,
)


def test_dashboard_shows_hostile_text_escaped(client: TestClient, demo_study: Study) -> None:
    add_hostile_data(demo_study)
    html = client.get(
        "/dashboard", params=[("sections", "frequencies"), ("sections", "crosstabs")]
    ).text
    assert_inert(html)
    # The hostile code title in the frequencies table and the code group choices.
    assert f"<td>{ESCAPED_SCRIPT}</td>" in html
    assert f'value="{ESCAPED_BREAKOUT}"' in html
    # Both hostile coders in the coder select.
    assert f'<option value="{ESCAPED_SCRIPT}">{ESCAPED_SCRIPT}</option>' in html
    assert f'<option value="{ESCAPED_BREAKOUT}">{ESCAPED_BREAKOUT}</option>' in html
    # The hostile gender value (a crosstab column) and its hostile label (a filter choice).
    assert f'<th scope="col" class="number">{ESCAPED_SCRIPT}</th>' in html
    assert f'<option value="gender={ESCAPED_SCRIPT}">{ESCAPED_BREAKOUT}</option>' in html


def test_dashboard_filtered_by_hostile_values_stays_inert(
    client: TestClient, demo_study: Study
) -> None:
    add_hostile_data(demo_study)
    page = client.get(
        "/dashboard",
        params=[("where", f"gender={SCRIPT}"), ("coder", BREAKOUT), ("sections", "frequencies")],
    )
    assert page.status_code == 200
    html = page.text
    assert_inert(html)
    assert f'<option value="gender={ESCAPED_SCRIPT}" selected>' in html
    assert f'<option value="{ESCAPED_BREAKOUT}" selected>' in html
    assert f"gender = {ESCAPED_SCRIPT}" in html
    body = client.get(
        "/api/dashboard",
        params=[("where", f"gender={SCRIPT}"), ("coder", BREAKOUT), ("sections", "frequencies")],
    ).json()
    assert body["selection"]["coder"] == BREAKOUT
    assert body["selection"]["where"] == {"gender": SCRIPT}
    # The hostile coder's one coding is in D04, an interview of R03, the hostile gender.
    assert body["counts"]["codings"] == 1
    assert 'id="section-frequencies"' in html
    figure = client.get(body["sections"][0]["figure_url"])
    assert figure.status_code == 200 and figure.headers["content-type"] == "image/svg+xml"
    assert b"<script" not in figure.content and b"<img" not in figure.content


def test_refused_hostile_filters_are_escaped_in_the_error(client: TestClient) -> None:
    page = client.get("/dashboard", params={"where": f"{BREAKOUT}={SCRIPT}"})
    assert page.status_code == 422
    assert_inert(page.text)
    figure = client.get(f"/api/dashboard/figures/{quote(BREAKOUT, safe='')}.svg")
    assert figure.status_code == 404

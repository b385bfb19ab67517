"""The dashboard page and API: filters, sections, figures, the cache and refused input."""

from __future__ import annotations

import base64
import re

import pandas as pd
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from research import report
from research.services.analysis_data import study_frames
from research.study import Study
from research.web import create_app
from research.web.routes import dashboard
from tests.research.helpers import counts
from tests.research.small_study import coded_study
from tests.research.web.conftest import BASE_URL

IMAGE = re.compile(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"')


def test_default_dashboard_shows_the_chosen_sections_with_figures_and_notes(
    client: TestClient,
) -> None:
    page = client.get("/dashboard")
    assert page.status_code == 200
    html = page.text
    for key in dashboard.DEFAULT_SECTIONS:
        assert f'id="section-{key}"' in html
    for key in set(report.SECTION_NAMES) - set(dashboard.DEFAULT_SECTIONS):
        assert f'id="section-{key}"' not in html
    images = IMAGE.findall(html)
    assert len(images) == len(dashboard.DEFAULT_SECTIONS)
    for encoded in images:
        assert base64.b64decode(encoded).lstrip().startswith(b"<?xml")
    assert "<svg" not in html
    assert html.count('class="methods-note"') == len(dashboard.DEFAULT_SECTIONS)
    assert "Filters: all interviews; all coders; all code groups." in html
    # The default source is the demo's consensus layer, and the page says so.
    assert 'id="count-codings">424<' in html
    assert 'Coding source: <strong id="coding-source">consensus layer</strong>' in html
    assert "frequencies_interviews" in html and "Krippendorff" in html


def test_a_filter_changes_the_numbers(client: TestClient) -> None:
    everything = client.get("/api/dashboard", params={"sections": "frequencies"}).json()
    moscow = client.get(
        "/api/dashboard", params={"where": "place=moscow", "sections": "frequencies"}
    ).json()
    assert everything["counts"] == {"interviews": 26, "respondents": 23, "codings": 424}
    assert everything["selection"]["source"] == "consensus layer"
    assert moscow["counts"]["interviews"] == 7
    assert 0 < moscow["counts"]["codings"] < 424
    assert moscow["selection"]["where"] == {"place": "moscow"}
    assert moscow["selection"]["description"].startswith("place = moscow")
    [section] = moscow["sections"]
    rows = section["tables"]["frequencies_interviews"]
    assert {row["base"] for row in rows} == {7}
    assert max(row["count"] for row in rows) <= 7
    assert "place = moscow" in section["note"]
    page = client.get("/dashboard", params={"where": "place=moscow", "sections": "frequencies"})
    assert f'id="count-codings">{moscow["counts"]["codings"]}<' in page.text
    assert '<option value="place=moscow" selected>' in page.text


def test_coder_group_and_sections_filters(client: TestClient) -> None:
    body = client.get(
        "/api/dashboard",
        params=[
            ("coder", "lusine"),
            ("group", "clan"),
            ("group", "gender"),
            ("sections", "coverage"),
            ("sections", "frequencies"),
        ],
    ).json()
    assert body["selection"]["coder"] == "lusine"
    assert body["selection"]["groups"] == ["clan", "gender"]
    # Sections come in report order, whatever order they were asked in.
    assert [section["key"] for section in body["sections"]] == ["frequencies", "coverage"]
    coverage = body["sections"][1]
    assert coverage["figure_url"] is None
    assert {row["coder"] for row in coverage["tables"]["coverage"]} == {"lusine"}
    frequencies = body["sections"][0]
    assert frequencies["figure_url"] == (
        "/api/dashboard/figures/frequencies.svg?coder=lusine&group=clan&group=gender"
    )
    assert body["counts"]["codings"] < 424
    assert body["available_sections"] == list(report.SECTION_NAMES)


def test_figure_urls_serve_svg(client: TestClient) -> None:
    body = client.get(
        "/api/dashboard", params={"where": "place=moscow", "sections": "saturation"}
    ).json()
    url = body["sections"][0]["figure_url"]
    assert url == "/api/dashboard/figures/saturation.svg?where=place%3Dmoscow"
    figure = client.get(url)
    assert figure.status_code == 200
    assert figure.headers["content-type"] == "image/svg+xml"
    assert figure.content.lstrip().startswith(b"<?xml")
    assert b"<script" not in figure.content
    other = client.get("/api/dashboard/figures/saturation.svg")
    assert other.status_code == 200 and other.content != figure.content


def test_unknown_coder_gives_an_empty_but_clear_answer(client: TestClient) -> None:
    body = client.get("/api/dashboard", params={"coder": "nobody"}).json()
    assert body["counts"] == {"interviews": 0, "respondents": 0, "codings": 0}
    assert body["sections"] == []
    assert "No coder named 'nobody' has stored a coding" in body["message"]
    assert "lusine, pavel" in body["message"]
    page = client.get("/dashboard", params={"coder": "nobody"})
    assert page.status_code == 200
    assert "No codings match this selection" in page.text
    assert 'id="count-codings">0<' in page.text
    assert '<option value="nobody" selected>' in page.text


def test_filters_that_match_nothing_say_so(client: TestClient) -> None:
    body = client.get(
        "/api/dashboard", params=[("where", "place=krasnodar"), ("where", "gender=other")]
    ).json()
    assert body["sections"] == []
    assert "No interview has these attribute values." in body["message"]
    figure = client.get("/api/dashboard/figures/frequencies.svg", params={"where": "gender=other"})
    assert figure.status_code == 404
    assert "No codings match" in figure.json()["detail"]


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({"where": "nope=1"}, 422, "unknown attribute"),
        ({"where": "place=mars"}, 422, "'mars' is not one of"),
        ({"where": "birth_year=old"}, 422, "not a whole number"),
        ({"where": "place"}, 400, "ATTRIBUTE=VALUE"),
        ({"group": "nothing"}, 400, "no top-level code group 'nothing'"),
        ({"sections": "bogus"}, 404, "no dashboard section 'bogus'"),
    ],
)
def test_refused_input_answers_clearly_and_changes_nothing(
    client: TestClient, demo_study: Study, params: dict[str, str], status: int, words: str
) -> None:
    before = counts(demo_study)
    response = client.get("/api/dashboard", params=params)
    assert response.status_code == status
    assert words in response.json()["detail"]
    page = client.get("/dashboard", params=params)
    assert page.status_code == status
    assert words.replace("'", "&#39;") in page.text
    assert '<p class="error" role="alert">' in page.text
    assert 'id="dashboard-filters"' in page.text
    assert counts(demo_study) == before


@pytest.mark.parametrize("key", ["bogus", "coverage", "regression"])
def test_unknown_or_table_only_figure_keys_are_404(
    client: TestClient, demo_study: Study, key: str
) -> None:
    before = counts(demo_study)
    response = client.get(f"/api/dashboard/figures/{key}.svg")
    assert response.status_code == 404
    assert f"no dashboard figure {key!r}" in response.json()["detail"]
    assert counts(demo_study) == before


def test_figure_filters_are_checked_too(client: TestClient) -> None:
    response = client.get("/api/dashboard/figures/era.svg", params={"where": "nope=1"})
    assert response.status_code == 422
    assert "unknown attribute" in response.json()["detail"]


def test_results_are_cached_until_the_data_change(
    client: TestClient, app: FastAPI, demo_study: Study, monkeypatch: pytest.MonkeyPatch
) -> None:
    computed: list[tuple[str, ...]] = []
    original = dashboard.render_sections

    def counting(*args: object, **kwargs: object) -> list[report.RenderedSection]:
        computed.append(tuple(args[2]))  # type: ignore[arg-type]
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(dashboard, "render_sections", counting)
    # The union: a coding added to a coder's own layer counts at once.
    params = {"sections": "frequencies", "source": "union"}
    first = client.get("/api/dashboard", params=params).json()
    again = client.get("/api/dashboard", params=params).json()
    assert computed == [("frequencies",)]
    assert again == first
    # Another section of the same selection computes only that section.
    client.get(
        "/api/dashboard",
        params=[("sections", "frequencies"), ("sections", "ranking"), ("source", "union")],
    )
    assert computed == [("frequencies",), ("ranking",)]
    demo_study.codings.add_coding(
        interview_id="D02", code="clans_nepotism", start_offset=0, end_offset=30, coder="ani"
    )
    after = client.get("/api/dashboard", params=params).json()
    assert len(computed) == 3
    assert after["data_stamp"] != first["data_stamp"]
    assert after["counts"]["codings"] == first["counts"]["codings"] + 1
    assert app.state.dashboard_cache.stamp == after["data_stamp"]


def test_dashboard_routes_are_documented_under_dashboard(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    assert paths["/api/dashboard"]["get"]["tags"] == ["dashboard"]
    assert paths["/api/dashboard/figures/{key}.svg"]["get"]["tags"] == ["dashboard"]
    assert "/dashboard" not in paths


def test_display_table_formats_numbers_and_hoists_one_method() -> None:
    table = pd.DataFrame(
        {"code": ["a", "b"], "share": [0.123456, float("nan")], "method": ["m", "m"]}
    )
    shown = dashboard.display_table("t", table, max_rows=1)
    assert shown.columns == ["code", "share"]
    assert shown.rows == [["a", "0.123"]]
    assert shown.total_rows == 2
    assert shown.method == "m"
    assert shown.numeric == [False, True]
    assert dashboard.display_table("t", table).rows[1] == ["b", ""]


def test_agreement_follows_the_attribute_filter_but_not_the_coder_filter(
    client: TestClient,
) -> None:
    def pooled_units(**params: str) -> int:
        body = client.get("/api/dashboard", params={**params, "sections": "agreement"}).json()
        [section] = body["sections"]
        rows = section["tables"]["agreement_interview"]
        assert "All coders, before the coder filter." in section["note"]
        return int(rows[-1]["units"])

    everything = pooled_units()
    assert pooled_units(coder="lusine") == everything
    assert 0 < pooled_units(where="place=moscow") < everything


def test_cache_forgets_older_data_and_its_least_recently_used_entries() -> None:
    cache = dashboard.DashboardCache(max_entries=2)
    cache.put("one", "a", 1)
    cache.put("one", "b", 2)
    assert cache.get("one", "a") == 1
    cache.put("one", "c", 3)
    assert cache.get("one", "b") is None
    assert cache.get("one", "a") == 1 and cache.get("one", "c") == 3
    assert cache.get("two", "a") is None
    cache.put("two", "d", 4)
    assert cache.get("one", "a") is None and cache.get("two", "a") is None
    assert cache.get("two", "d") == 4


def test_figures_render_to_identical_svg_bytes(demo_study: Study) -> None:
    with demo_study.transaction() as session:
        frames = study_frames(session, database="test")
    selection = report.Selection(where={"place": "martuni"})
    [first] = report.render_sections(frames, selection, ["saturation"])
    [second] = report.render_sections(frames, selection, ["saturation"])
    assert first.svg is not None and first.svg == second.svg
    assert first.left_out is None and "place = martuni" in first.note


def get_client(study: Study) -> TestClient:
    return TestClient(create_app(study), base_url=BASE_URL)


def test_a_section_the_study_cannot_have_says_why_in_one_line(central_asia_study: Study) -> None:
    with get_client(central_asia_study) as client:
        body = client.get(
            "/api/dashboard", params=[("sections", "ranking"), ("sections", "era")]
        ).json()
        era, ranking = body["sections"]  # report order
        assert ranking["key"] == "ranking" and ranking["figure_url"] is None
        assert ranking["left_out"] == (
            "the study's settings state no ranking of codes to check (report.ranking)"
        )
        assert ranking["tables"] == {}
        assert era["left_out"] is None and era["title"] == "Eras compared by first departure year"
        page = client.get("/dashboard", params={"sections": "ranking"}).text
        assert 'class="muted left-out">Left out: the study&#39;s settings state no ranking' in page
        figure = client.get("/api/dashboard/figures/ranking.svg")
        assert figure.status_code == 404
        assert "no ranking of codes to check" in figure.json()["detail"]


def test_a_study_without_departure_years_gets_a_dashboard_not_an_error(study: Study) -> None:
    coded_study(study, drop=("departure_year",))
    with get_client(study) as client:
        body = client.get(
            "/api/dashboard", params=[("sections", "era"), ("sections", "departures")]
        ).json()
        assert [section["left_out"] for section in body["sections"]] == [
            "no selected respondent has a year in departure_year, the attribute the era split "
            "cuts (report.era.attribute)",
            "no selected respondent has a year in departure_year (report.departures)",
        ]
        page = client.get("/dashboard")
        assert page.status_code == 200
        # era, and the ranking (it counts post-Soviet migrants); departures is not default
        assert page.text.count('class="muted left-out"') == 2


def test_a_study_with_one_coder_gets_every_default_section_but_agreement(study: Study) -> None:
    coded_study(study, coders=("ana",))
    with get_client(study) as client:
        body = client.get("/api/dashboard").json()
        reasons = {section["key"]: section["left_out"] for section in body["sections"]}
        assert reasons.pop("agreement") == (
            "agreement needs a second coder: only ana has coded the selected interviews"
        )
        assert set(reasons) == set(dashboard.DEFAULT_SECTIONS) - {"agreement"}
        assert all(reason is None for reason in reasons.values())


def test_an_empty_study_says_so_on_the_dashboard(study: Study) -> None:
    with get_client(study) as client:
        body = client.get("/api/dashboard").json()
        assert body["sections"] == []
        assert body["message"].startswith("The study has no interviews yet")


def test_the_source_chooses_whose_codings_count_and_is_stated(client: TestClient) -> None:
    def asked(source: str) -> dict[str, object]:
        params = {"sections": "frequencies", "source": source}
        body: dict[str, object] = client.get("/api/dashboard", params=params).json()
        return body

    union = asked("union")
    assert union["counts"]["codings"] == 872  # type: ignore[index]
    assert union["selection"]["source"] == "union of all coders (lusine and pavel)"  # type: ignore[index]
    [section] = union["sections"]  # type: ignore[misc]
    assert section["title"].endswith("(union of all coders (lusine and pavel))")
    assert "Coding source: union of all coders" in section["note"]
    pavel = asked("coder:pavel")
    assert pavel["counts"]["codings"] == 448  # type: ignore[index]
    bad = client.get("/api/dashboard", params={"source": "pooled"})
    assert bad.status_code in (400, 422)
    assert "no coding source 'pooled'" in bad.json()["detail"]
    page = client.get("/dashboard", params={"source": "agreement"})
    assert "agreement of coders lusine and pavel (overlap ≥ 0.5)" in page.text

"""A page that does not exist, or a method a page does not take: the app's error page, with
its navigation, for people; the framework's JSON for the API."""

from __future__ import annotations

from fastapi.testclient import TestClient

PAGE = {"accept": "text/html"}


def test_an_unknown_page_is_the_error_page_naming_the_path(client: TestClient) -> None:
    response = client.get("/no/such/page", headers=PAGE)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Something is wrong (404)" in response.text
    assert "there is no page at /no/such/page" in response.text
    assert 'href="/search"' in response.text  # the app's navigation is there


def test_an_unknown_api_path_answers_json(client: TestClient) -> None:
    response = client.get("/api/no-such-thing", headers=PAGE)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_a_method_a_page_does_not_take_is_named_and_allow_is_kept(client: TestClient) -> None:
    response = client.delete("/search", headers=PAGE)
    assert response.status_code == 405
    assert "this page does not take DELETE requests" in response.text
    assert response.headers["allow"] == "GET"


def test_a_hostile_or_very_long_path_is_shown_escaped_and_cut(client: TestClient) -> None:
    html = client.get("/%3Cscript%3Ealert(1)%3C/script%3E", headers=PAGE).text
    assert "<script>alert(1)" not in html
    assert "there is no page at /&lt;script&gt;alert(1)&lt;/script&gt;" in html
    long = client.get("/" + "x" * 5000, headers=PAGE).text
    assert f"there is no page at /{'x' * 199}…" in long
    assert "x" * 300 not in long

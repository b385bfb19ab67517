"""Host check, CSRF on every write, security headers, coder choice."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from research.study import Study
from tests.research.helpers import counts
from tests.research.web.conftest import BASE_URL, api_routes

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def test_a_wrong_host_header_is_refused_with_a_clear_message(app: FastAPI) -> None:
    with TestClient(app, base_url="http://attacker.example") as client:
        response = client.get("/")
    assert response.status_code == 400
    assert "attacker.example" in response.json()["detail"]


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:8123", "[::1]:8000"])
def test_loopback_hosts_are_served(app: FastAPI, host: str) -> None:
    with TestClient(app, base_url=BASE_URL) as client:
        assert client.get("/", headers={"host": host}).status_code == 200


def test_every_write_route_refuses_a_missing_csrf_token(
    app: FastAPI, anonymous: TestClient, demo_study: Study
) -> None:
    anonymous.get("/")  # has the cookie, but will not send the token
    before = counts(demo_study)
    checked = 0
    for route in api_routes(app):
        for method in route.methods & WRITE_METHODS:
            path = route.path_format.replace("{", "").replace("}", "")
            response = anonymous.request(method, path, json={})
            assert response.status_code == 403, (method, route.path, response.text)
            assert "CSRF token" in response.text
            checked += 1
    assert checked >= 2
    assert counts(demo_study) == before


def test_a_wrong_csrf_token_is_refused(anonymous: TestClient) -> None:
    anonymous.get("/")
    response = anonymous.post(
        "/api/session/coder", json={"name": "x"}, headers={"X-CSRF-Token": "forged"}
    )
    assert response.status_code == 403
    assert "wrong CSRF token" in response.json()["detail"]


def test_a_form_post_carries_the_token_as_a_field(anonymous: TestClient) -> None:
    token = anonymous.get("/api/session").json()["csrf_token"]
    response = anonymous.post(
        "/coder", data={"csrf_token": token, "name": "Լուսինե", "next": "/"}, follow_redirects=False
    )
    assert response.status_code == 303
    assert anonymous.get("/api/session").json()["coder"] == "Լուսինե"


def test_pages_carry_security_headers(anonymous: TestClient) -> None:
    response = anonymous.get("/")
    policy = response.headers["content-security-policy"]
    scripts = policy.split("script-src")[1].split(";")[0]
    assert "'self'" in scripts and "unsafe-inline" not in scripts
    assert response.headers["x-frame-options"] == "DENY"


def test_the_offline_api_page_loads_swagger_from_this_server(anonymous: TestClient) -> None:
    page = anonymous.get("/api/docs").text
    assert "/vendor/swagger/swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    assert anonymous.get("/vendor/swagger/swagger-ui-bundle.js").status_code == 200
    assert "/api/session" in anonymous.get("/api/openapi.json").json()["paths"]


def test_a_write_from_another_local_port_is_refused(client: TestClient, demo_study: Study) -> None:
    before = demo_study.codebook()
    response = client.post(
        "/api/codebook/codes",
        json={"name": "planted"},
        headers={"origin": "http://127.0.0.1:9999"},
    )
    assert response.status_code == 403
    assert "cross-origin" in response.json()["detail"]
    assert demo_study.codebook() == before


def test_a_same_origin_browser_write_is_accepted(client: TestClient) -> None:
    response = client.post(
        "/api/session/coder", json={"name": "ani"}, headers={"origin": BASE_URL}
    )
    assert response.status_code == 200


def test_a_planted_csrf_cookie_is_refused_and_replaced(app: FastAPI, demo_study: Study) -> None:
    with TestClient(app, base_url=BASE_URL) as client:
        client.cookies.set("research_csrf", "attacker")
        response = client.post(
            "/api/session/coder", json={"name": "x"}, headers={"X-CSRF-Token": "attacker"}
        )
        assert response.status_code == 403
        fresh = client.get("/api/session").json()["csrf_token"]
    assert fresh != "attacker" and "." in fresh


def test_only_the_swagger_files_the_page_needs_are_served(anonymous: TestClient) -> None:
    assert anonymous.get("/vendor/swagger/swagger-ui.css").status_code == 200
    assert anonymous.get("/vendor/swagger/index.html").status_code == 404
    assert anonymous.get("/vendor/swagger/oauth2-redirect.html").status_code == 404

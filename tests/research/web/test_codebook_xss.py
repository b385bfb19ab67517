"""Markup typed into codes, memos and codings is shown as text on every page that shows it."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from research.services import codebooks
from research.study import Study

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
# Names are path components and cannot hold '/': the script payload loses its closing tag.
SCRIPT_NAME = "<script>alert(1)<script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
ESCAPED_IMAGE = "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"


def plant(client: TestClient, demo_study: Study) -> tuple[str, str]:
    """Two codes carrying the payloads in every text field, and a coding memo with both."""
    first = client.post(
        "/api/codebook/codes",
        json={
            "name": SCRIPT_NAME,
            "parent": "motives/economy",
            "title": SCRIPT,
            "definition": f"{SCRIPT} {IMAGE}",
            "inclusion": IMAGE,
            "exclusion": SCRIPT,
            "examples": [SCRIPT, IMAGE],
            "memo": f"{IMAGE}\n{SCRIPT}",
        },
    )
    assert first.status_code == 201, first.text
    second = client.post(
        "/api/codebook/codes",
        json={"name": IMAGE, "parent": "motives/economy", "title": IMAGE, "memo": SCRIPT},
    )
    assert second.status_code == 201, second.text
    first_id = first.json()["code_id"]
    [existing] = demo_study.codings.list_codings(code="war_destruction")[:1]
    demo_study.codings.add_coding(
        interview_id=existing.interview_id,
        code=first_id,
        start_offset=existing.start_offset,
        end_offset=existing.end_offset,
        coder=IMAGE,
        memo=f"{SCRIPT} {IMAGE}",
    )
    return first_id, second.json()["code_id"]


def assert_escaped(html: str) -> None:
    assert SCRIPT not in html
    assert "<script>alert" not in html
    assert "<img" not in html


def test_codebook_pages_escape_markup(client: TestClient, demo_study: Study) -> None:
    first_id, second_id = plant(client, demo_study)
    for url in ("/codebook", f"/codebook?code={first_id}", f"/codebook?code={second_id}"):
        html = client.get(url).text
        assert_escaped(html)
        assert ESCAPED_SCRIPT in html and ESCAPED_IMAGE in html
    # A refused form shows what was typed, escaped too.
    token = client.get("/api/session").json()["csrf_token"]
    refused = client.post(
        f"/codebook/codes/{first_id}/rename", data={"csrf_token": token, "name": IMAGE}
    )
    assert refused.status_code == 422
    assert_escaped(refused.text)
    # The flash message names the changed code, escaped.
    done = client.post(
        f"/codebook/codes/{second_id}/retire", data={"csrf_token": token}, follow_redirects=True
    )
    assert 'class="flash"' in done.text and ESCAPED_IMAGE in done.text
    assert_escaped(done.text)


def test_retrieval_page_escapes_markup(client: TestClient, demo_study: Study) -> None:
    first_id, _ = plant(client, demo_study)
    for url in (f"/retrieval?code={first_id}", "/retrieval", "/retrieval?code=economy"):
        html = client.get(url).text
        assert_escaped(html)
        assert ESCAPED_IMAGE in html
    html = client.get(f"/retrieval?code={first_id}").text
    assert ESCAPED_SCRIPT in html  # the code's memo and definition, the coding's memo
    assert f"Coder {ESCAPED_IMAGE}" in html
    assert 'class="segment-memo"' in html


def test_the_partial_escapes_markup(client: TestClient, demo_study: Study, app: FastAPI) -> None:
    plant(client, demo_study)
    with demo_study.transaction() as session:
        book = codebooks.load_codebook(session)
        counts = codebooks.codings_per_code(session)
    template = app.state.templates.get_template("_codebook_tree.html.j2")
    html = template.render(codebook=book, codings_per_code=counts)
    assert_escaped(html)
    assert ESCAPED_SCRIPT in html and ESCAPED_IMAGE in html


def test_api_docs_and_json_carry_no_markup(client: TestClient, demo_study: Study) -> None:
    plant(client, demo_study)
    docs = client.get("/api/docs").text
    assert_escaped(docs)
    response = client.get("/api/codebook")
    assert response.headers["content-type"] == "application/json"
    assert SCRIPT in response.text  # data is data in JSON; the browser never renders it as HTML

"""The codebook page: the tree, forms that say what they touch, refusals, and the partial."""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from research.services import codebooks, codings
from research.study import Study
from tests.research.web.conftest import BASE_URL

SOURCE = "motives/economy/war_destruction"
TARGET = "motives/economy/poverty_ruin"


def state(study: Study) -> tuple[Any, ...]:
    """The stored codebook, codings and history length."""
    with study.transaction() as session:
        book = codebooks.load_codebook(session)
        stored = [(c.coding_id, c.code_id) for c in codings.list_codings(session)]
        return book.model_dump(), stored, len(codebooks.history(session))


def token(client: TestClient) -> str:
    return str(client.get("/api/session").json()["csrf_token"])


def post_form(client: TestClient, url: str, **fields: str) -> Any:
    return client.post(url, data={"csrf_token": token(client), **fields}, follow_redirects=False)


def flash(html: str) -> str:
    [found] = re.findall(r'<p class="flash" role="status">([^<]*)</p>', html)
    return found


def node(html: str, code_id: str) -> str:
    """The tree item of one code, up to its body."""
    match = re.search(rf'<li id="code-{code_id}" data-code-id="{code_id}".*?</summary>', html, re.S)
    assert match, code_id
    return match.group(0)


def test_the_tree_shows_every_code_with_rules_and_counts(client: TestClient) -> None:
    html = client.get("/codebook").text
    book = client.get("/api/codebook").json()
    for code in book["codes"]:
        item = node(html, code["code_id"])
        assert f'<code class="code-path">{code["path"]}</code>' in item
        assert f"{code['codings']} coding" in item
    economy = node(html, "economy")
    assert "grouping" in economy and "with codes below" in economy
    assert "24 codings" in node(html, "war_destruction")
    war = client.get("/api/codebook/codes/war_destruction").json()
    assert war["definition"].replace("'", "&#39;") in html
    assert 'class="swatch" style="background: #0072B2"' in node(html, "war_destruction")
    assert "Change history" in html and "No changes yet" in html


def test_choosing_a_code_shows_what_each_action_touches(client: TestClient) -> None:
    html = client.get("/codebook?code=war_destruction").text
    assert "24 codings will move to" in html
    assert "24 codings stay; the code is no longer offered for coding" in html
    assert "The id and the 24 codings stay" in html
    # Merge targets exclude the code itself, grouping codes and retired ones.
    targets = re.search(r'<select id="merge-target".*?</select>', html, re.S)
    assert targets
    assert 'value="poverty_ruin"' in targets.group(0)
    assert 'value="war_destruction"' not in targets.group(0)
    assert 'value="economy"' not in targets.group(0)
    group = client.get("/codebook?code=motives/economy").text
    assert "3 codes below it with 151 more" in group


def test_merging_through_the_form_moves_codings_and_says_how_many(
    client: TestClient, demo_study: Study
) -> None:
    response = post_form(client, "/codebook/codes/war_destruction/merge", target="poverty_ruin")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/codebook?code=poverty_ruin")
    html = client.get(response.headers["location"]).text
    assert flash(html) == (f"Merged &#39;{SOURCE}&#39; into &#39;{TARGET}&#39;: 24 codings moved.")
    assert "54 codings" in node(html, "poverty_ruin")
    assert 'id="code-war_destruction"' not in html
    assert "ani" in html and "24</td>" in html  # the history row
    # The message shows once.
    assert 'class="flash"' not in client.get("/codebook").text
    assert len(demo_study.codings.list_codings(code=TARGET)) == 54


def test_add_edit_rename_move_retire_through_forms(client: TestClient) -> None:
    response = post_form(
        client,
        "/codebook/codes",
        name="housing",
        parent="economy",
        title="Housing",
        definition="No place to live.",
        group_only="",
    )
    assert response.status_code == 303
    html = client.get(response.headers["location"]).text
    assert flash(html) == "Added &#39;motives/economy/housing&#39;."
    response = post_form(
        client,
        "/codebook/codes/housing/edit",
        title="Housing",
        definition="No place to live.",
        inclusion="Homes lost.",
        exclusion="",
        examples="our house burned\n\n  the roof fell in  \n",
        colour="#aa0000",
        memo="Split from poverty?",
    )
    assert response.status_code == 303
    code = client.get("/api/codebook/codes/housing").json()
    assert code["examples"] == ["our house burned", "the roof fell in"]
    assert code["colour"] == "#AA0000" and code["inclusion"] == "Homes lost."
    html = client.get(response.headers["location"]).text
    assert "Updated inclusion, examples, colour, memo of" in flash(html)
    response = post_form(client, "/codebook/codes/housing/rename", name="shelter")
    html = client.get(response.headers["location"]).text
    assert flash(html).startswith("Renamed &#39;motives/economy/housing&#39; to")
    response = post_form(client, "/codebook/codes/housing/move", parent="")
    assert client.get("/api/codebook/codes/housing").json()["path"] == "shelter"
    response = post_form(client, "/codebook/codes/clan/retire")
    html = client.get(response.headers["location"]).text
    assert flash(html) == (
        "Retired &#39;clan&#39;: its 26 codings stay; it is no longer offered for coding."
    )
    assert "retired" in node(html, "clan")


def test_a_refused_change_shows_the_error_keeps_the_input_and_changes_nothing(
    client: TestClient, demo_study: Study
) -> None:
    before = state(demo_study)
    response = post_form(client, "/codebook/codes/war_destruction/rename", name="poverty_ruin")
    assert response.status_code == 422
    assert "already exists" in response.text
    assert 'id="rename-name" name="name" required maxlength="200" value="poverty_ruin"' in (
        response.text
    )
    response = post_form(client, "/codebook/codes/war_destruction/merge", target="war_destruction")
    assert response.status_code == 422 and "cannot merge a code into itself" in response.text
    response = post_form(client, "/codebook/codes/economy/merge", target="poverty_ruin")
    assert response.status_code == 422 and "own descendant" in response.text
    response = post_form(client, "/codebook/codes/war_destruction/merge", target="")
    assert response.status_code == 400 and "choose the code to merge into" in response.text
    response = post_form(client, "/codebook/codes/war_destruction/move", parent="war_destruction")
    assert response.status_code == 422 and "under itself" in response.text
    response = post_form(client, "/codebook/codes", name="a/b", parent="economy")
    assert response.status_code == 422 and "separates paths" in response.text
    assert 'id="add-name" name="name" required maxlength="200" value="a/b"' in response.text
    response = post_form(client, "/codebook/codes/war_destruction/edit", colour="blue")
    assert response.status_code == 422 and "#RRGGBB" in response.text
    response = post_form(client, "/codebook/codes/nothing_here/retire")
    assert response.status_code == 422 and "nothing_here" in response.text
    assert state(demo_study) == before


def test_without_a_coder_a_form_leads_to_the_coder_page(app: FastAPI, demo_study: Study) -> None:
    with TestClient(app, base_url=BASE_URL) as anonymous:
        before = state(demo_study)
        response = post_form(anonymous, "/codebook/codes/clan/retire")
        assert response.status_code == 303
        assert response.headers["location"] == "/coder?next=%2Fcodebook%3Fcode%3Dclan"
        assert "Choose your coder name" in anonymous.get("/codebook").text
        assert state(demo_study) == before


def test_a_form_without_its_csrf_token_is_refused(app: FastAPI, demo_study: Study) -> None:
    with TestClient(app, base_url=BASE_URL) as anonymous:
        anonymous.get("/codebook")
        before = state(demo_study)
        response = anonymous.post("/codebook/codes/clan/retire", data={"x": "1"})
        assert response.status_code == 403
        assert state(demo_study) == before


def test_an_unknown_code_in_the_address_is_not_found(client: TestClient) -> None:
    response = client.get("/codebook?code=nothing_here")
    assert response.status_code == 404
    assert "no code has the id or path &#39;nothing_here&#39;" in response.text


def test_the_partial_renders_the_tree_on_its_own(app: FastAPI, demo_study: Study) -> None:
    with demo_study.transaction() as session:
        book = codebooks.load_codebook(session)
        counts = codebooks.codings_per_code(session)
    html = app.state.templates.get_template("_codebook_tree.html.j2").render(
        codebook=book, codings_per_code=counts
    )
    for code in book.codes:
        assert f'id="code-{code.code_id}" data-code-id="{code.code_id}"' in html
    war = book.get("war_destruction")
    assert war.definition.replace("'", "&#39;") in html
    assert "Include:" in html and "Exclude:" in html
    economy = re.search(r'id="code-economy".*?</summary>', html, re.S)
    assert economy and ">0 (151)<" in economy.group(0)
